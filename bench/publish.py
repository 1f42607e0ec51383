"""Publishing throughput through the whole path: scheduler, Redis, worker processes, fake X.

    .venv/bin/python bench/publish.py [--posts 200] [--pg ...] [--redis redis://127.0.0.1:6379/13]

Reports posts per second (from the first due instant to the last post recorded as
published) with 1, 2 and 4 worker processes (each one prefork child).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scheduler import drop_schema, pg_schema  # noqa: E402
from campaign import migrate  # noqa: E402
from campaign.db import make_engine  # noqa: E402
from campaign.devtools.fakex import FakeX  # noqa: E402
from campaign.states import PlacementState  # noqa: E402
from tests.publishing import HANDLE, make_app, queue_posts, settings_for  # noqa: E402


def one_run(pg: str, redis_url: str, workers: int, posts: int) -> float:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    schema, url = pg_schema(pg)
    fake = FakeX().start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        migrate.upgrade(make_engine(url))
        with tempfile.TemporaryDirectory() as tmp:
            app = make_app(settings_for(url, Path(tmp), None))
            creds = fake.add_account(HANDLE)
            due = datetime.now(UTC) + timedelta(seconds=8)
            ids = queue_posts(app, Path(tmp), posts, due=due, state=PlacementState.APPROVED)
            env = {
                "PATH": "/usr/bin:/bin",
                "CAMPAIGN_DATABASE_URL": url,
                "CAMPAIGN_BROKER_URL": redis_url,
                "CAMPAIGN_DATA_DIR": f"{tmp}/var",
                "CAMPAIGN_STORAGE_URL": f"file://{tmp}/store",
                "CAMPAIGN_X_API_BASE": fake.url,
                "CAMPAIGN_X_UPLOAD_BASE": fake.url,
                "CAMPAIGN_X_CREDENTIALS": json.dumps({HANDLE: creds}),
            }
            run = [sys.executable, "-m", "campaign"]
            procs.append(subprocess.Popen([*run, "scheduler"], env=env, stderr=subprocess.DEVNULL))
            procs += [
                subprocess.Popen([*run, "worker", "-c", "1"], env=env, stderr=subprocess.DEVNULL)
                for _ in range(workers)
            ]
            deadline = time.time() + 300
            while len(fake.posts()) < len(ids) and time.time() < deadline:
                time.sleep(0.05)
            if len(fake.posts()) < len(ids):
                raise RuntimeError(f"only {len(fake.posts())} of {len(ids)} posts went out")
            last = max(p.created_at for p in fake.posts())
            app.db.engine.dispose()
            return len(ids) / max(0.001, (last - due).total_seconds())
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        fake.stop()
        drop_schema(pg, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    for workers in (1, 2, 4):
        rate = one_run(args.pg, args.redis, workers, args.posts)
        print(
            f"{workers} worker process(es): {args.posts} posts at {rate:.1f} posts/s "
            "(scheduler -> Redis -> worker -> tweepy -> fake X -> database)"
        )


if __name__ == "__main__":
    main()
