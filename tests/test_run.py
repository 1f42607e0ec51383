"""`campaign run`: web, scheduler and worker in one process, on embedded defaults."""

from __future__ import annotations

import json
import socket
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.clirunner import run_cli
from tests.plans import BASE, replace, write_plan
from tests.procs import Proc, env_for, wait_for

pytestmark = pytest.mark.slow


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status
    except OSError:
        return 0


def test_run_serves_renders_and_publishes_with_nothing_installed(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = env_for(CAMPAIGN_SWEEP_INTERVAL_SECONDS="1")
    proc = Proc(["run", "--port", str(port)], env, tmp_path, tmp_path / "run.log")
    try:
        wait_for(lambda: _get(f"http://127.0.0.1:{port}/healthz") == 200, 60, "/healthz")
        # A post a few seconds from now, applied and approved from another shell.
        soon = (datetime.now(UTC) + timedelta(seconds=6)).astimezone().replace(tzinfo=None)
        plan = BASE[: BASE.index("placements:")] + BASE[BASE.index("posts:") :]
        plan = replace(plan, "at: 2027-02-01 09:00", f"at: {soon:%Y-%m-%d %H:%M:%S}")
        plan = replace(plan, "timezone: Europe/London", f"timezone: {_local_zone()}")
        applied = run_cli(
            "plan", "apply", str(write_plan(tmp_path / "plan", plan)), env=env, cwd=tmp_path
        )
        assert applied.returncode == 0, applied.stderr
        approved = run_cli(
            "artwork", "approve", "1", "--by", "manager@example.org", env=env, cwd=tmp_path
        )
        assert approved.returncode == 0, approved.stderr
        outbox = tmp_path / "var" / "outbox" / "MerseysidePCC"
        wait_for(lambda: any(outbox.glob("*.json")), 60, "the post in the dry-run outbox")
        written = json.loads(next(outbox.glob("*.json")).read_text())
        assert written["text"].startswith("Together As One")
        status = run_cli("artwork", "status", "1", "-f", "x-landscape", env=env, cwd=tmp_path)
        assert "rendered: ok" in status.stdout
    finally:
        proc.stop()
    assert "scheduler and worker in this process" in proc.output()


def _local_zone() -> str:
    return "Etc/UTC" if datetime.now().astimezone().utcoffset() == timedelta(0) else "Europe/London"
