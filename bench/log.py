"""Placement log benchmark: 1,000,000 events in PostgreSQL, filtered pages and the CSV export.

    .venv/bin/python bench/log.py [--pg postgresql://127.0.0.1/test] [--events 1000000]

Target: a filtered log page answers in under 100 ms at p95, and the CSV export of a
whole filter streams with flat memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.scheduler import drop_schema, pg_schema  # noqa: E402
from campaign import migrate  # noqa: E402
from campaign.bootstrap import bootstrap  # noqa: E402
from campaign.db import make_engine  # noqa: E402
from campaign.settings import Settings  # noqa: E402
from campaign.users import create_user  # noqa: E402
from campaign.web.app import create_app  # noqa: E402

CHANNELS = ["billboard", "bus", "bus-stop", "newspaper", "social"]
STATES = [
    "planned",
    "approved",
    "queued",
    "publishing",
    "published",
    "delivered",
    "live",
    "completed",
    "failed",
    "missed",
]


def fill(engine, events: int) -> None:  # type: ignore[no-untyped-def]
    """Bulk-load campaigns, sites, placements and events with SQL (not through the app)."""
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO campaign (slug, name, timezone, created_at) "
                "SELECT 'c' || i, 'Campaign ' || i, 'Europe/London', now() "
                "FROM generate_series(1, 10) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO artwork (campaign_id, key, title, created_at) "
                "SELECT i, 'a', 'A', now() FROM generate_series(1, 10) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO artwork_version (artwork_id, number, label, master_sha256, "
                "master_format, width, height, focal_x, focal_y, created_at) "
                "SELECT i, 1, '', repeat('0', 64), 'JPEG', 10, 10, .5, .5, now() "
                "FROM generate_series(1, 10) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO site (campaign_id, code, kind, media_owner, address) "
                "SELECT 1 + i % 10, 'FR-' || i, 'frame', 'Owner', '' "
                "FROM generate_series(1, 500) i"
            )
        )
        c.execute(
            text(
                "INSERT INTO placement (campaign_id, plan_key, kind, channel, version_id, "
                "format_id,"
                " site_id, phase, state, timezone, attempts, updated_at) SELECT s.campaign_id, "
                "'p' || g, 'print', (ARRAY['billboard','bus','bus-stop','newspaper','social'])"
                "[1 + g % 5], s.campaign_id, 'billboard-48-sheet', s.id, '', 'completed', "
                "'Europe/London', 0, now() FROM generate_series(1, 20000) g "
                "JOIN site s ON s.id = 1 + g % 500"
            )
        )
        c.execute(text("ALTER TABLE placement_event DISABLE TRIGGER USER"))
        c.execute(
            text(
                "INSERT INTO placement_event (at, campaign_id, placement_id, channel, actor, "
                "action,"
                " from_state, to_state, details, prev_hash, hash) SELECT "
                "timestamp '2026-01-01' + (g * interval '30 seconds'), p.campaign_id, p.id, "
                "p.channel, 'worker', 'changed', NULL, "
                "(ARRAY['planned','approved','queued','publishing','published','delivered','live',"
                "'completed','failed','missed'])[1 + (g * 7) % 10], '{\"n\": 1}', "
                "md5(g::text) || md5((g + 1)::text), md5((g + 1)::text) || md5(g::text) "
                f"FROM generate_series(1, {events}) g JOIN placement p ON p.id = 1 + g % 20000"
            )
        )
        c.execute(text("ALTER TABLE placement_event ENABLE TRIGGER USER"))
        c.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://127.0.0.1:5432/test")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--show-slowest", type=int, default=0)
    args = parser.parse_args()
    schema, url = pg_schema(args.pg)
    try:
        engine = make_engine(url)
        migrate.upgrade(engine)
        t = time.perf_counter()
        fill(engine, args.events)
        print(f"loaded {args.events:,} events in {time.perf_counter() - t:.0f} s")
        with tempfile.TemporaryDirectory() as tmp:
            app = bootstrap(Settings(database_url=url, data_dir=Path(tmp)))
            create_user(
                app.db,
                email="m@example.org",
                role="manager",
                password="benchmark-pw",
                now=app.clock.now(),
            )
            client = TestClient(create_app(app))
            page = client.get("/login").text
            csrf = page.split('name="csrf" value="')[1].split('"')[0]
            client.post(
                "/login", data={"email": "m@example.org", "password": "benchmark-pw", "csrf": csrf}
            )
            rng = random.Random(1)
            timings: list[float] = []
            slow: list[tuple[float, dict[str, str]]] = []
            for _ in range(args.requests):
                params = {"campaign": f"c{rng.randint(1, 10)}"}
                for key, values in (("channel", CHANNELS), ("status", STATES)):
                    if rng.random() < 0.6:
                        params[key] = rng.choice(values)
                if rng.random() < 0.3:
                    params["site"] = f"FR-{rng.randint(1, 500)}"
                if rng.random() < 0.3:
                    day = rng.randint(1, 300)
                    params["since"] = f"2026-{1 + day // 31:02d}-{1 + day % 28:02d}"
                t = time.perf_counter()
                resp = client.get("/log", params=params)
                timings.append(time.perf_counter() - t)
                slow.append((timings[-1], params))
                assert resp.status_code == 200
            for took, params in sorted(slow, key=lambda x: -x[0])[: args.show_slowest]:
                print(f"  slow: {took * 1000:.0f} ms {params}")
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"filtered log page, {args.requests} random filters: p50 "
                f"{statistics.median(timings) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
                "(target p95 < 100 ms)"
            )
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t = time.perf_counter()
            size = rows = 0
            with client.stream("GET", "/log.csv", params={"campaign": "c3"}) as resp:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    rows += chunk.count(b"\n")
            grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            print(
                f"CSV export of one campaign: {rows:,} rows, {size / 1e6:.0f} MB in "
                f"{time.perf_counter() - t:.1f} s; peak memory grew {grew:.0f} MB"
            )
            app.db.engine.dispose()
        engine.dispose()
    finally:
        drop_schema(args.pg, schema)


if __name__ == "__main__":
    main()
