"""Two real scheduler processes on one PostgreSQL database: each post dispatched exactly once."""

from __future__ import annotations

import base64
import json
import os
import signal
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis
from sqlmodel import func, select

from campaign.db import Database, make_engine
from campaign.models import Placement, PlacementEvent
from campaign.states import PlacementState
from schedules import lease
from tests.factories import make_campaign, make_placement, make_version
from tests.procs import Proc, env_for, wait_for


def _queued_ids(redis_url: str) -> list[int]:
    """Return the placement id of every publish message waiting in the broker."""
    client = redis.Redis.from_url(redis_url)
    ids = []
    for raw in client.lrange("campaign", 0, -1):
        message = json.loads(raw)
        assert message["headers"]["task"] == "campaign.publish"
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        ids.append(args[0])
    return ids


def test_two_schedulers_dispatch_200_posts_once_and_survive_a_sigkill(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    db = Database(make_engine(pg_url))
    start = datetime.now(UTC) + timedelta(seconds=4)
    with db.session() as s:
        c = make_campaign(s)
        v = make_version(s, c)
        ids = [
            make_placement(
                s,
                c,
                v,
                key=f"p{i}",
                state=PlacementState.APPROVED,
                due_at=start + timedelta(milliseconds=75 * i),
            ).id
            for i in range(200)
        ]  # due over 15 seconds
        s.commit()
    env = env_for(
        CAMPAIGN_DATABASE_URL=pg_url,
        CAMPAIGN_BROKER_URL=redis_url,
        CAMPAIGN_SCHEDULER_LEASE_SECONDS="3",
        CAMPAIGN_SWEEP_INTERVAL_SECONDS="1",
    )
    procs = [Proc(["scheduler"], env, tmp_path, tmp_path / f"scheduler-{n}.log") for n in "ab"]
    try:
        wait_for(
            lambda: lease.current_holder(db, now=datetime.now(UTC)) is not None, 30, "a leader"
        )
        wait_for(lambda: len(_queued_ids(redis_url)) >= 60, 40, "the first 60 posts")
        holder = lease.current_holder(db, now=datetime.now(UTC))
        assert holder is not None
        leader = next(p for p in procs if holder.endswith(f":{p.pid}"))
        os.killpg(leader.pid, signal.SIGKILL)  # mid-run, no chance to release the lease
        leader.popen.wait(timeout=10)
        standby = next(p for p in procs if p is not leader)
        wait_for(lambda: len(_queued_ids(redis_url)) >= 200, 60, "all 200 posts")
        wait_for(
            lambda: (lease.current_holder(db, now=datetime.now(UTC)) or "").endswith(
                f":{standby.pid}"
            ),
            10,
            "the standby to lead",
        )
    finally:
        for p in procs:
            p.stop()
    sent = _queued_ids(redis_url)
    assert Counter(sent) == Counter(ids), "each post handed to the broker exactly once"
    with db.session() as s:
        states = s.exec(select(Placement.state, func.count()).group_by(Placement.state)).all()
        assert dict(states) == {"queued": 200}
        claims = s.exec(
            select(PlacementEvent.placement_id, func.count())
            .where(PlacementEvent.to_state == "queued")
            .group_by(PlacementEvent.placement_id)
        ).all()
        assert len(claims) == 200 and {n for _, n in claims} == {1}
    assert "leading" in standby.output()
    db.engine.dispose()
