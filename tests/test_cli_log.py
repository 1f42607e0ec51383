"""`campaign log`: filters, exports and tamper detection, through the real command."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import text

from campaign.db import make_engine
from tests.clirunner import run_cli
from tests.plans import write_plan


def _applied(db_url: str, tmp_path: Path) -> dict[str, str]:
    env = {"CAMPAIGN_DATABASE_URL": db_url}
    result = run_cli("plan", "apply", str(write_plan(tmp_path)), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return env


def test_log_exports_csv_and_json_with_filters(sqlite_url: str, tmp_path: Path) -> None:
    env = _applied(sqlite_url, tmp_path)
    out = run_cli("log", "--channel", "social", "--format", "csv", env=env, cwd=tmp_path)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) == 4 and {r["channel"] for r in rows} == {"social"}
    js = run_cli("log", "--campaign", "together-as-one", "--format", "json", env=env, cwd=tmp_path)
    events = [json.loads(line) for line in js.stdout.splitlines()]
    assert len(events) == 8 and events[0]["action"] == "campaign-created"
    table = run_cli("log", "--status", "planned", env=env, cwd=tmp_path)
    assert table.returncode == 0 and "planned" in table.stdout
    bad = run_cli("log", "--since", "yesterday", env=env, cwd=tmp_path)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_log_verify_reports_a_tampered_row(pg_url: str, tmp_path: Path) -> None:
    env = _applied(pg_url, tmp_path)
    ok = run_cli("log", "verify", env=env, cwd=tmp_path)
    assert ok.returncode == 0 and "log intact: 8 events" in ok.stdout
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # someone with database access edits one row
        conn.execute(text("ALTER TABLE placement_event DISABLE TRIGGER USER"))
        target = conn.execute(
            text("SELECT id FROM placement_event ORDER BY id OFFSET 4 LIMIT 1")
        ).scalar_one()
        conn.execute(
            text("UPDATE placement_event SET actor = 'someone-else' WHERE id = :i"), {"i": target}
        )
        conn.execute(text("ALTER TABLE placement_event ENABLE TRIGGER USER"))
    engine.dispose()
    broken = run_cli("log", "verify", env=env, cwd=tmp_path)
    assert broken.returncode == 1
    assert broken.stderr.strip() == (
        f"log broken at event {target} (after 4 good events): its content does not match its hash"
    )
