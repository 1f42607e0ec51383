"""The scheduler on a manual clock: due times, DST, misfires, leases, flights."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from campaign.db import Database
from campaign.dispatch import RecordingDispatcher
from campaign.models import Placement, PlacementEvent
from campaign.states import PlacementKind, PlacementState
from schedules import lease
from schedules.dispatch import Rules, tick
from schedules.timerules import Recurrence, parse_days, resolve_local
from tests.factories import make_campaign, make_placement, make_version

S = PlacementState
LONDON = ZoneInfo("Europe/London")


def _posts(db: Database, dues: list[datetime], state: S = S.APPROVED, **kw) -> list[int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        c = make_campaign(s)
        v = make_version(s, c)
        ids = [
            make_placement(s, c, v, key=f"p{i}", state=state, due_at=d, **kw).id
            for i, d in enumerate(dues)
        ]
        s.commit()
    return ids  # type: ignore[return-value]


def _state(db: Database, pid: int) -> str:
    with db.session() as s:
        p = s.get(Placement, pid)
        assert p is not None
        return p.state


@pytest.mark.parametrize("start", [date(2026, 3, 27), date(2026, 10, 23)])
def test_daily_0900_fires_at_0900_local_across_the_change(db: Database, start: date) -> None:
    rule = Recurrence(time(9, 0), start, parse_days("daily"), count=4)
    dues = [resolve_local(t, LONDON).instant for t in rule.occurrences()]
    ids = _posts(db, dues)
    sent = RecordingDispatcher()
    rules = Rules(resend_after=timedelta(days=30))  # no worker here: nothing leaves "queued"
    for due, pid in zip(dues, ids, strict=True):
        before = tick(db, sent, now=due - timedelta(seconds=1), rules=rules)
        assert pid not in before.queued
        assert before.next_due == due
        at = tick(db, sent, now=due, rules=rules)
        assert at.queued == [pid]
        assert due.astimezone(LONDON).strftime("%H:%M") == "09:00"
    assert [p for _, (p,) in sent.sent] == ids


def test_0130_posts_on_both_dst_days_fire_as_documented(db: Database) -> None:
    spring = resolve_local(datetime(2026, 3, 29, 1, 30), LONDON)
    autumn = resolve_local(datetime(2026, 10, 25, 1, 30), LONDON)
    ids = _posts(db, [spring.instant, autumn.instant])
    sent = RecordingDispatcher()
    assert tick(db, sent, now=datetime(2026, 3, 29, 1, 29, 59, tzinfo=UTC)).queued == []
    assert tick(db, sent, now=datetime(2026, 3, 29, 1, 30, tzinfo=UTC)).queued == [
        ids[0]
    ]  # 02:30 BST
    assert tick(db, sent, now=datetime(2026, 10, 25, 0, 29, 59, tzinfo=UTC)).queued == []
    assert tick(db, sent, now=datetime(2026, 10, 25, 0, 30, tzinfo=UTC)).queued == [
        ids[1]
    ]  # first 01:30
    # The second 01:30 (GMT) an hour later sends nothing more.
    assert tick(db, sent, now=datetime(2026, 10, 25, 1, 30, tzinfo=UTC)).queued == []


def test_after_30_minutes_down_recent_posts_go_and_older_are_missed(db: Database) -> None:
    t0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    dues = [t0 + timedelta(minutes=m) for m in range(0, 31, 5)]  # 09:00 .. 09:30
    ids = _posts(db, dues)
    sent = RecordingDispatcher()
    result = tick(
        db, sent, now=t0 + timedelta(minutes=31), rules=Rules(grace=timedelta(minutes=15))
    )
    expected_sent = [
        pid for pid, d in zip(ids, dues, strict=True) if d >= t0 + timedelta(minutes=16)
    ]
    expected_missed = [pid for pid in ids if pid not in expected_sent]
    assert result.queued == expected_sent and len(expected_sent) == 3  # 09:20, 09:25, 09:30
    assert sorted(result.missed) == sorted(expected_missed)
    again = tick(db, sent, now=t0 + timedelta(minutes=32))
    assert again.queued == [] and again.missed == []
    assert len(sent.sent) == 3
    with db.session() as s:
        missed = s.exec(select(PlacementEvent).where(PlacementEvent.to_state == "missed")).all()
        assert all("grace" in e.details["reason"] for e in missed)


def test_unapproved_posts_never_go_out(db: Database) -> None:
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    (pid,) = _posts(db, [t0], state=S.PLANNED)
    sent = RecordingDispatcher()
    result = tick(db, sent, now=t0)
    assert result.missed == [pid] and sent.sent == []
    assert _state(db, pid) == "missed"


def test_queued_placements_are_resent_when_their_message_was_lost(db: Database) -> None:
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    (pid,) = _posts(db, [t0])
    sent = RecordingDispatcher()
    tick(db, sent, now=t0)
    rules = Rules(resend_after=timedelta(minutes=2))
    assert tick(db, sent, now=t0 + timedelta(minutes=1), rules=rules).resent == []
    assert tick(db, sent, now=t0 + timedelta(minutes=3), rules=rules).resent == [pid]
    assert tick(db, sent, now=t0 + timedelta(minutes=4), rules=rules).resent == []
    assert [p for _, (p,) in sent.sent] == [pid, pid]  # re-sent; the worker's claim dedupes


def test_print_goes_out_grouped_then_lives_and_completes(db: Database) -> None:
    with db.session() as s:
        c = make_campaign(s)
        v = make_version(s, c)
        ids = []
        for i in range(3):
            p = make_placement(
                s,
                c,
                v,
                key=f"b{i}",
                kind=PlacementKind.PRINT,
                state=S.APPROVED,
                due_at=datetime(2026, 2, 14, 9, tzinfo=UTC),
            )
            p.flight_start, p.flight_end = date(2026, 3, 2), date(2026, 3, 15)
            s.add(p)
            ids.append(p.id)
        s.commit()
    sent = RecordingDispatcher()
    result = tick(db, sent, now=datetime(2026, 2, 14, 9, tzinfo=UTC))
    assert sorted(result.queued) == sorted(ids)
    assert sent.sent == [("deliver", (tuple(ids),))]
    with db.session() as s:  # the worker delivers them (issue 5): simulate its outcome
        for pid in ids:
            p = s.get(Placement, pid)
            p.state = S.DELIVERED  # type: ignore[union-attr]
            s.add(p)
        s.commit()
    start = datetime(2026, 3, 2, tzinfo=LONDON).astimezone(UTC)
    assert tick(db, sent, now=start - timedelta(seconds=1)).flights == []
    live = tick(db, sent, now=start)
    assert sorted(live.flights) == sorted((pid, "live") for pid in ids)
    end = datetime(2026, 3, 16, tzinfo=LONDON).astimezone(UTC)  # midnight after the last day
    assert tick(db, sent, now=end - timedelta(seconds=1)).next_due == end
    done = tick(db, sent, now=end)
    assert sorted(done.flights) == sorted((pid, "completed") for pid in ids)


def test_two_schedulers_racing_dispatch_each_post_once(db: Database) -> None:
    import threading

    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    ids = _posts(db, [t0] * 50)
    a, b = RecordingDispatcher(), RecordingDispatcher()
    barrier = threading.Barrier(2)

    def run(d: RecordingDispatcher) -> None:
        barrier.wait()
        tick(db, d, now=t0)

    threads = [threading.Thread(target=run, args=(d,)) for d in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = [p for _, (p,) in a.sent + b.sent]
    assert sorted(sent) == sorted(ids)


def test_lease_one_leader_and_takeover_after_expiry(db: Database) -> None:
    t0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
    ttl = timedelta(seconds=10)
    assert lease.acquire(db, holder="a", now=t0, ttl=ttl)
    assert not lease.acquire(db, holder="b", now=t0 + timedelta(seconds=5), ttl=ttl)
    assert lease.acquire(db, holder="a", now=t0 + timedelta(seconds=6), ttl=ttl)  # renewal
    assert not lease.acquire(db, holder="b", now=t0 + timedelta(seconds=15), ttl=ttl)
    assert lease.acquire(db, holder="b", now=t0 + timedelta(seconds=17), ttl=ttl)  # a went quiet
    assert lease.current_holder(db, now=t0 + timedelta(seconds=18)) == "b"
    lease.release(db, holder="b", now=t0 + timedelta(seconds=19))
    assert lease.acquire(db, holder="a", now=t0 + timedelta(seconds=19, milliseconds=1), ttl=ttl)
