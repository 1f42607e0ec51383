"""The one settings object, read from the environment (prefix ``CAMPAIGN_``) and ``.env``.

Nothing else in the project reads ``os.environ``: the CLI, web app, Celery,
Alembic and the scheduler all take their configuration from here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from campaign.errors import ConfigError

DEV_SECRET_KEY = "dev-only-insecure-secret-key"


class Settings(BaseSettings):
    """Configuration shared by every process of the system."""

    model_config = SettingsConfigDict(
        env_prefix="CAMPAIGN_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    broker_url: str = ""
    storage_url: str = ""
    timezone: str = "Europe/London"
    secret_key: str = DEV_SECRET_KEY
    formats_file: Path | None = None
    # A 10%-scale 96-sheet at 450 dpi is ~117 MP; Pillow's own bomb guard stops at 179 MP.
    max_image_pixels: int = Field(default=150_000_000, gt=0)
    max_upload_bytes: int = Field(default=500 * 1024 * 1024, gt=0)
    misfire_grace_seconds: int = Field(default=15 * 60, ge=0)
    sweep_interval_seconds: float = Field(default=30.0, gt=0)
    scheduler_lease_seconds: float = Field(default=10.0, gt=0)
    proof_grace_days: int = Field(default=3, ge=0)
    x_api_base: str = "https://api.twitter.com"
    x_upload_base: str = "https://upload.twitter.com"
    x_media_upload: Literal["v2", "v1.1"] = "v2"
    http_timeout_seconds: float = Field(default=20.0, gt=0)
    publish_max_attempts: int = Field(default=5, ge=1)
    # A publish task is killed after this; a placement left "publishing" longer than
    # the limit plus a margin belonged to a dead worker and is reconciled.
    publish_time_limit_seconds: int = Field(default=120, ge=5)
    resend_after_seconds: int = Field(default=120, ge=1)
    # After an unknown outcome, give the network this long to show the post before
    # reconciliation looks for it (looking too early would resend a post that exists).
    reconcile_settle_seconds: float = Field(default=5.0, ge=0)
    secrets_file: Path | None = None
    x_credentials: SecretStr | None = Field(
        default=None,
        description='JSON: {"@handle": {consumer_key, consumer_secret, '
        "access_token, access_token_secret}}",
    )
    webhook_url: str = ""
    outbox_dir: Path | None = None
    delivery_url: str = ""
    log_json: bool = False
    # Failure notifications: a failed, missed or unknown placement is reported once.
    notify_webhook_url: str = ""
    notify_email: str = ""
    smtp_url: str = Field(default="", description="smtp://user:password@host:port")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_outside_development(self) -> Settings:
        weak = self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        if self.environment == "production" and weak:
            raise ValueError(
                "CAMPAIGN_SECRET_KEY must be set to a random string of 32+ characters in production"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """Return the configured database URL, or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'campaign.db').resolve()}"

    @property
    def effective_storage_url(self) -> str:
        """Return the configured storage URL, or the embedded local folder."""
        if self.storage_url:
            return self.storage_url
        return f"file://{(self.data_dir / 'storage').resolve()}"

    @property
    def effective_outbox_dir(self) -> Path:
        """Return where the dry-run publisher writes posts."""
        return (self.outbox_dir or self.data_dir / "outbox").resolve()

    @property
    def effective_delivery_url(self) -> str:
        """Return where print packages go (a folder by default, or s3://...)."""
        return self.delivery_url or f"file://{(self.data_dir / 'deliveries').resolve()}"

    @property
    def broker_embedded(self) -> bool:
        """Return True when no broker server is configured (single-process mode)."""
        return not self.broker_url

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, turning validation errors into one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "settings"
        name = f"CAMPAIGN_{where.upper()}" if where != "settings" else "settings"
        raise ConfigError(f"{name}: {first['msg'].removeprefix('Value error, ')}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests call ``get_settings.cache_clear``)."""
    return load_settings()
