"""The one settings object: defaults, environment, and refusing unsafe values."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.errors import ConfigError
from campaign.settings import load_settings


def test_embedded_defaults(tmp_path: Path) -> None:
    s = load_settings()
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'var' / 'campaign.db'}"
    assert s.effective_storage_url == f"file://{tmp_path / 'var' / 'storage'}"
    assert s.broker_embedded
    assert s.timezone == "Europe/London"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGN_DATABASE_URL", "postgresql://db/campaign")
    monkeypatch.setenv("CAMPAIGN_BROKER_URL", "redis://redis:6379/0")
    monkeypatch.setenv("CAMPAIGN_TIMEZONE", "America/New_York")
    s = load_settings()
    assert s.effective_database_url == "postgresql://db/campaign"
    assert not s.broker_embedded
    assert s.zone.key == "America/New_York"


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CAMPAIGN_TIMEZONE=Europe/Dublin\n")
    assert load_settings().timezone == "Europe/Dublin"


def test_production_refuses_the_development_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGN_ENVIRONMENT", "production")
    with pytest.raises(ConfigError, match="CAMPAIGN_SECRET_KEY"):
        load_settings()
    monkeypatch.setenv("CAMPAIGN_SECRET_KEY", "x" * 40)
    assert load_settings().environment == "production"


def test_bad_numbers_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAMPAIGN_MAX_IMAGE_PIXELS", "-5")
    with pytest.raises(ConfigError, match=r"^CAMPAIGN_MAX_IMAGE_PIXELS: "):
        load_settings()
