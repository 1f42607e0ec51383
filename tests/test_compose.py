"""docker-compose.yml and the Dockerfile, checked without a Docker engine."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from campaign.cli.main import app

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _is_group(command: object) -> bool:
    # typer vendors its own click, so check the shape rather than the class.
    return hasattr(command, "list_commands")


def _cli_has(argv: list[str]) -> bool:
    """Return whether ``campaign ARGV...`` names an existing command (options ignored)."""
    command = typer.main.get_command(app)
    for word in argv:
        if word.startswith("-"):
            break
        if not _is_group(command):
            return True
        sub = command.commands.get(word)  # type: ignore[attr-defined]
        if sub is None:
            return False
        command = sub
    return not _is_group(command) or bool(command.invoke_without_command)  # type: ignore[attr-defined]


def test_the_command_check_can_fail() -> None:
    assert not _cli_has(["nope"]) and not _cli_has(["db", "nope"]) and not _cli_has(["db"])
    assert _cli_has(["db", "upgrade"]) and _cli_has(["worker", "--concurrency", "2"])


def test_services_and_their_commands_exist_in_the_cli() -> None:
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "scheduler"} <= set(services)
    for name in ("migrate", "web", "worker", "scheduler"):
        command = services[name]["command"]
        assert command[0] == "campaign", name
        assert _cli_has(command[1:]), f"{name}: `{' '.join(command)}` is not a CLI command"
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["scheduler"]["deploy"]["replicas"] == 2  # one leads, one stands by


def test_every_long_running_service_has_a_healthcheck_and_waits_for_migrations() -> None:
    services = _compose()["services"]
    for name in ("postgres", "redis", "web", "worker", "scheduler"):
        check = services[name]["healthcheck"]["test"]
        assert check[0] in ("CMD", "CMD-SHELL") and len(check) > 1, name
    for name in ("web", "worker", "scheduler"):
        assert (
            services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        )
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])


def test_configuration_and_volumes() -> None:
    compose = _compose()
    env = compose["services"]["web"]["environment"]
    assert env["CAMPAIGN_DATABASE_URL"].startswith("postgresql://")
    assert env["CAMPAIGN_BROKER_URL"].startswith("redis://")
    assert env["CAMPAIGN_ENVIRONMENT"] == "production"
    assert "${CAMPAIGN_SECRET_KEY:?" in env["CAMPAIGN_SECRET_KEY"]  # refuses to start without one
    assert {"postgres-data", "campaign-data"} <= set(compose["volumes"])
    assert "noeviction" in compose["services"]["redis"]["command"]


def test_the_dockerfile_installs_the_package_like_the_readme() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile
    for package in ("campaign", "assets", "schedules", "workers"):
        assert f"COPY {package} ./{package}" in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install" in makefile and "-e '.[test]'" in makefile
