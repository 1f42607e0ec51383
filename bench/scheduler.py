"""Scheduler benchmark: applying a 10,000-placement plan, and dispatch lateness of a burst.

    .venv/bin/python bench/scheduler.py [--pg postgresql://127.0.0.1/test] [--redis redis://127.0.0.1:6379/14]

1. Generates a plan with 2,000 poster bookings (100 frames x 20 weekly flights) and
   8,000 posts (40 accounts x 200 daily posts), then times `plan apply` on SQLite
   and on PostgreSQL (a fresh schema, dropped afterwards). Target: under 5 s each.
2. Puts 1,000 approved posts due in the same second, runs a real `campaign
   scheduler` process, and records when each message reaches Redis. Target: every
   post handed to the broker within 2 s of its due time (p50 and p99 printed).
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

from assets.formats import load_registry  # noqa: E402
from assets.storage import open_storage  # noqa: E402
from campaign import migrate  # noqa: E402
from campaign.db import Database, make_engine, normalise_url  # noqa: E402


def write_plan(folder: Path) -> Path:
    from PIL import Image

    (folder / "m").mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1200, 800), (40, 110, 150)).save(folder / "m" / "main.jpg", quality=90)
    start = date.today() + timedelta(days=30)
    lines = [
        "campaign:",
        "  name: Bench",
        "  slug: bench",
        "  timezone: Europe/London",
        "artworks:",
        "  - id: main",
        "    title: Main",
        "    master: m/main.jpg",
        "sites:",
    ]
    for f in range(100):
        lines += [f"  - id: FR-{f:04d}", "    kind: frame", "    media_owner: Owner"]
    for a in range(40):
        lines += [f"  - id: '@acct{a}'", "    kind: account"]
    lines.append("placements:")
    for week in range(20):
        s = start + timedelta(weeks=week)
        lines += [
            "  - artwork: main",
            "    format: billboard-48-sheet",
            f"    sites: [{', '.join(f'FR-{f:04d}' for f in range(100))}]",
            f"    start: {s}",
            f"    end: {s + timedelta(days=6)}",
        ]
    lines.append("posts:")
    for a in range(40):
        lines += [
            f"  - id: daily-{a}",
            f"    account: '@acct{a}'",
            "    artwork: main",
            f"    text: Daily post {a}",
            "    every: daily",
            f"    time: '{9 + a % 8}:00'",
            f"    from: {start}",
            "    count: 200",
        ]
    path = folder / "plan.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def time_apply(url: str, plan: Path, store: Path) -> tuple[float, int]:
    from schedules.apply import apply_plan

    engine = make_engine(url)
    migrate.upgrade(engine)
    db = Database(engine)
    t = time.perf_counter()
    report = apply_plan(
        db,
        open_storage(f"file://{store}"),
        load_registry(),
        path=plan,
        now=datetime.now(UTC),
        max_pixels=150_000_000,
        actor="bench",
    )
    elapsed = time.perf_counter() - t
    engine.dispose()
    return elapsed, len(report.added)


def pg_schema(pg: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(pg), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, f"{normalise_url(pg)}?options={quote(f'-csearch_path={schema}')}"


def drop_schema(pg: str, schema: str) -> None:
    admin = create_engine(normalise_url(pg), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def lateness(pg: str, redis_url: str, count: int) -> list[float]:
    import redis

    from campaign.models import Artwork, ArtworkVersion, Campaign, Placement, Site
    from campaign.states import PlacementKind, PlacementState

    schema, url = pg_schema(pg)
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    proc = None
    try:
        engine = make_engine(url)
        migrate.upgrade(engine)
        db = Database(engine)
        due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
        with db.session() as s:
            c = Campaign(slug="bench", name="Bench")
            s.add(c)
            s.flush()
            a = Artwork(campaign_id=c.id, key="a", title="A")
            s.add(a)
            s.flush()
            v = ArtworkVersion(
                artwork_id=a.id,
                number=1,
                master_sha256="0" * 64,
                master_format="JPEG",
                width=10,
                height=10,
            )
            site = Site(campaign_id=c.id, code="@a", kind="account", network="x")
            s.add_all([v, site])
            s.flush()
            s.add_all(
                Placement(
                    campaign_id=c.id,
                    plan_key=f"p{i}",
                    kind=PlacementKind.SOCIAL,
                    channel="social",
                    version_id=v.id,
                    format_id="x-landscape",
                    site_id=site.id,
                    state=PlacementState.APPROVED,
                    timezone="Europe/London",
                    due_at=due,
                    post_text=f"post {i}",
                )
                for i in range(count)
            )
            s.commit()
        env = {
            "CAMPAIGN_DATABASE_URL": url,
            "CAMPAIGN_BROKER_URL": redis_url,
            "PATH": "/usr/bin:/bin",
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "campaign", "scheduler"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        arrivals: list[float] = []
        deadline = time.time() + 60
        while len(arrivals) < count and time.time() < deadline:
            item = client.blpop(["campaign"], timeout=1)
            if item is None:
                continue
            message = json.loads(item[1])
            json.loads(base64.b64decode(message["body"]))
            arrivals.append(time.time() - due.timestamp())
        engine.dispose()
        return arrivals
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        drop_schema(pg, schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--burst", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plan = write_plan(Path(tmp))
        sqlite_s, n = time_apply(f"sqlite:///{tmp}/bench.db", plan, Path(tmp) / "store")
        schema, url = pg_schema(args.pg)
        try:
            pg_s, _ = time_apply(url, plan, Path(tmp) / "store")
        finally:
            drop_schema(args.pg, schema)
    print(
        f"plan apply, {n:,} placements (target < 5 s): SQLite {sqlite_s:.2f} s, "
        f"PostgreSQL {pg_s:.2f} s"
    )
    late = sorted(lateness(args.pg, args.redis, args.burst))
    p50 = statistics.median(late)
    p99 = late[int(len(late) * 0.99) - 1]
    print(
        f"{len(late):,} of {args.burst:,} posts due in the same second reached Redis; lateness "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {late[-1] * 1000:.0f} ms "
        "(target: all within 2 s)"
    )


if __name__ == "__main__":
    main()
