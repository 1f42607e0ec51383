"""Exactly once through the whole path: scheduler and worker processes, Redis, PostgreSQL, fake X.

Restart and outage tests start their own redis-server on a spare port; the
machine's shared services are never stopped.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assets.renditions import ensure_rendition
from campaign.devtools.fakex import FakeX, Fault
from campaign.states import PlacementState
from tests.procs import Proc, env_for, wait_for
from tests.publishing import HANDLE, make_app, queue_posts, settings_for, states

pytestmark = pytest.mark.slow


@pytest.fixture
def fake() -> Iterator[FakeX]:
    server = FakeX().start()
    yield server
    server.stop()


def _env(
    pg_url: str, broker: str, tmp_path: Path, fake: FakeX, creds: dict[str, str]
) -> dict[str, str]:
    return env_for(
        CAMPAIGN_DATABASE_URL=pg_url,
        CAMPAIGN_BROKER_URL=broker,
        CAMPAIGN_STORAGE_URL=f"file://{tmp_path / 'store'}",
        CAMPAIGN_DATA_DIR=str(tmp_path / "var"),
        CAMPAIGN_X_API_BASE=fake.url,
        CAMPAIGN_X_UPLOAD_BASE=fake.url,
        CAMPAIGN_X_CREDENTIALS=json.dumps({HANDLE: creds}),
        # Short fuses so recovery happens within the test.
        CAMPAIGN_RESEND_AFTER_SECONDS="3",
        CAMPAIGN_PUBLISH_TIME_LIMIT_SECONDS="6",
        CAMPAIGN_RECONCILE_SETTLE_SECONDS="1",
        CAMPAIGN_SWEEP_INTERVAL_SECONDS="1",
        CAMPAIGN_SCHEDULER_LEASE_SECONDS="3",
        CAMPAIGN_HTTP_TIMEOUT_SECONDS="3",
    )


def _setup(
    pg_url: str, tmp_path: Path, fake: FakeX, count: int, spacing: timedelta = timedelta(0)
) -> tuple[list[int], dict[str, str]]:
    settings = settings_for(pg_url, tmp_path, None)
    app = make_app(settings)
    creds = fake.add_account(HANDLE)
    ids = queue_posts(
        app,
        tmp_path,
        count,
        due=datetime.now(UTC) + timedelta(seconds=2),
        spacing=spacing,
        state=PlacementState.APPROVED,
    )
    # Render once here so the workers' time goes to publishing.
    with app.db.session() as s:
        from campaign.models import Placement

        version_id = s.get(Placement, ids[0]).version_id  # type: ignore[union-attr]
    ensure_rendition(
        app.db,
        app.storage,
        app.formats,
        version_id=version_id,
        format_id="x-landscape",
        max_pixels=150_000_000,
        now=datetime.now(UTC),
    )
    app.db.engine.dispose()
    return ids, creds


def _assert_exactly_once(fake: FakeX, pg_url: str, ids: list[int]) -> None:
    posts = fake.posts()
    texts = Counter(p.text.split(":")[0] for p in posts)
    assert len(posts) == len(ids), f"{len(posts)} posts for {len(ids)} placements"
    assert all(n == 1 for n in texts.values()), [t for t, n in texts.items() if n > 1]
    assert all(len(p.media_ids) == 1 and p.media_ids[0] in fake.state.media for p in posts)
    final = states(pg_url)
    assert {final[i] for i in ids} == {"published"}, Counter(final.values())


def _actions(pg_url: str) -> Counter[str]:
    from sqlmodel import select

    from campaign.db import Database, make_engine
    from campaign.models import PlacementEvent

    db = Database(make_engine(pg_url))
    try:
        with db.session() as s:
            return Counter(s.exec(select(PlacementEvent.action)))
    finally:
        db.engine.dispose()


def _all_published(pg_url: str, ids: list[int]) -> bool:
    final = states(pg_url)
    return all(final.get(i) == "published" for i in ids)


def test_100_posts_by_2_workers_each_once_with_its_image(
    pg_url: str, redis_url: str, tmp_path: Path, fake: FakeX
) -> None:
    ids, creds = _setup(pg_url, tmp_path, fake, 100)
    env = _env(pg_url, redis_url, tmp_path, fake, creds)
    procs = [Proc(["scheduler"], env, tmp_path, tmp_path / "scheduler.log")]
    procs += [
        Proc(["worker", "-c", "2"], env, tmp_path, tmp_path / f"worker{i}.log") for i in range(2)
    ]
    try:
        wait_for(lambda: _all_published(pg_url, ids), 120, "100 posts published")
    finally:
        for p in procs:
            p.stop()
    _assert_exactly_once(fake, pg_url, ids)
    logs = [procs[1].output(), procs[2].output()]
    assert all("published" in log for log in logs), "both workers took posts"


def test_a_worker_sigkilled_20_times_never_doubles_or_loses_a_post(
    pg_url: str, redis_url: str, tmp_path: Path, fake: FakeX
) -> None:
    ids, creds = _setup(pg_url, tmp_path, fake, 60, spacing=timedelta(milliseconds=150))
    rng = random.Random(20261125)
    # Slow answers widen the window between X accepting a post and the database write.
    fake.inject("POST /2/tweets", *[Fault(delay=rng.uniform(0.05, 0.4)) for _ in range(200)])
    env = _env(pg_url, redis_url, tmp_path, fake, creds)
    scheduler = Proc(["scheduler"], env, tmp_path, tmp_path / "scheduler.log")
    worker = Proc(["worker", "-c", "2"], env, tmp_path, tmp_path / "worker-0.log")
    kills = 0
    try:
        while kills < 20:
            time.sleep(rng.uniform(0.3, 1.2))
            worker.kill()  # SIGKILL the worker and its pool children: no cleanup at all
            kills += 1
            worker = Proc(["worker", "-c", "2"], env, tmp_path, tmp_path / f"worker-{kills}.log")
        wait_for(lambda: _all_published(pg_url, ids), 180, "every post published after the kills")
    finally:
        worker.stop()
        scheduler.stop()
    _assert_exactly_once(fake, pg_url, ids)
    recovery = _actions(pg_url)
    # The kills landed mid-attempt: some posts needed the sweep to recover them.
    assert recovery["re-sent"] + recovery["reconcile"] + recovery["retry"] > 0, recovery


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis(port: int, folder: Path) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed", pytrace=False)
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    wait_for(lambda: _pings(redis.Redis(port=port)), 10, "the private redis-server")
    return proc


def _pings(client) -> bool:  # type: ignore[no-untyped-def]
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def test_a_redis_restart_mid_run_loses_and_doubles_nothing(
    pg_url: str, tmp_path: Path, fake: FakeX
) -> None:
    port = _free_port()
    server = _redis(port, tmp_path)
    broker = f"redis://127.0.0.1:{port}/0"
    ids, creds = _setup(pg_url, tmp_path, fake, 40, spacing=timedelta(milliseconds=250))
    env = _env(pg_url, broker, tmp_path, fake, creds)
    procs = [
        Proc(["scheduler"], env, tmp_path, tmp_path / "scheduler.log"),
        Proc(["worker", "-c", "2"], env, tmp_path, tmp_path / "worker.log"),
    ]
    try:
        wait_for(lambda: len(fake.posts()) >= 8, 60, "the first posts")
        server.kill()  # no persistence: whatever was queued is gone
        server.wait(timeout=10)
        time.sleep(1.5)
        server = _redis(port, tmp_path)
        wait_for(lambda: _all_published(pg_url, ids), 150, "every post after the restart")
    finally:
        for p in procs:
            p.stop()
        server.kill()
    _assert_exactly_once(fake, pg_url, ids)
