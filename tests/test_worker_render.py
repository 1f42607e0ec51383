"""Renditions made by a real worker process, through Redis, into PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from assets.formats import load_registry
from assets.renditions import version_status
from campaign.db import Database, make_engine
from tests import images
from tests.clirunner import run_cli
from tests.procs import Proc, env_for, wait_for


def test_artwork_add_queues_renders_that_a_worker_makes(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = env_for(
        CAMPAIGN_DATABASE_URL=pg_url,
        CAMPAIGN_BROKER_URL=redis_url,
        CAMPAIGN_STORAGE_URL=f"file://{tmp_path / 'store'}",
    )
    assert (
        run_cli(
            "campaigns", "create", "tao", "--name", "Together As One", env=env, cwd=tmp_path
        ).returncode
        == 0
    )
    master = images.master_jpeg(tmp_path / "m.jpg", (3600, 2400))
    added = run_cli(
        "artwork",
        "add",
        str(master),
        "-c",
        "tao",
        "-t",
        "Main",
        "-f",
        "social",
        env=env,
        cwd=tmp_path,
    )
    assert added.returncode == 0, added.stderr
    assert "queued 8 renditions" in added.stdout
    worker = Proc(["worker", "--concurrency", "2"], env, tmp_path, tmp_path / "worker.log")
    db = Database(make_engine(pg_url))
    social = [f.id for f in load_registry().select("social")]
    try:
        wait_for(
            lambda: version_status(db, load_registry(), version_id=1, format_ids=social).complete,
            timeout=120,
            what="8 renditions",
        )
    finally:
        worker.stop()
        db.engine.dispose()
    status = run_cli("artwork", "status", "1", "-f", "social", env=env, cwd=tmp_path)
    assert "version 1: rendered: ok" in status.stdout
    assert status.stdout.count(" ok ") == 8
