"""The command line as a user meets it: help, schema migrations, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.migrate import ScriptDirectory
from tests.clirunner import run_cli

# The newest migration, read from the scripts themselves.
HEAD = ScriptDirectory(
    str(Path(__file__).resolve().parent.parent / "campaign" / "migrations")
).get_current_head()


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("db", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize("sub", ["upgrade", "downgrade", "current"])
def test_every_db_command_has_help(sub: str) -> None:
    result = run_cli("db", sub, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def _upgrade_down_up(url: str, tmp_path: Path) -> None:
    env = {"CAMPAIGN_DATABASE_URL": url}
    up = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert f"at revision {HEAD}" in up.stdout
    assert f"{HEAD}: up to date" in run_cli("db", "current", env=env, cwd=tmp_path).stdout
    down = run_cli("db", "downgrade", "base", env=env, cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert "base" in run_cli("db", "current", env=env, cwd=tmp_path).stdout
    again = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_db_upgrade_down_and_up_on_sqlite(tmp_path: Path) -> None:
    _upgrade_down_up(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)


def test_db_upgrade_down_and_up_on_empty_postgres(pg_url: str, tmp_path: Path) -> None:
    # pg_url is already migrated: take it to base first so the CLI starts from empty.
    assert run_cli("db", "downgrade", "base", env={"CAMPAIGN_DATABASE_URL": pg_url}).returncode == 0
    _upgrade_down_up(pg_url, tmp_path)


def test_embedded_default_creates_sqlite_under_var(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "campaign.db").exists()


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"CAMPAIGN_DATABASE_URL": "not a url"}, "is not a database URL"),
        ({"CAMPAIGN_DATABASE_URL": "postgresql://127.0.0.1:1/nothing"}, "cannot connect"),
        ({"CAMPAIGN_DATABASE_URL": "oracle://x/y"}, "unsupported database"),
        ({"CAMPAIGN_TIMEZONE": "Mars/Olympus_Mons"}, "unknown IANA time zone"),
        ({"CAMPAIGN_ENVIRONMENT": "production"}, "CAMPAIGN_SECRET_KEY must be set"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(
    env: dict[str, str], fragment: str, tmp_path: Path
) -> None:
    result = run_cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_demo_has_help() -> None:
    result = run_cli("demo", "--help")
    assert result.returncode == 0 and "Together As One" in result.stdout
