"""The stored model behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import select

from campaign import eventlog, placements
from campaign.db import Database
from campaign.errors import InvalidTransition
from campaign.models import Campaign, Placement, PlacementEvent
from campaign.states import PlacementKind, PlacementState
from tests.factories import T0, make_campaign, make_placement, make_version

S = PlacementState


def test_instants_come_back_as_the_same_utc_instant(db: Database) -> None:
    local = datetime(2026, 10, 25, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    with db.session() as s:
        c = make_campaign(s)
        p = make_placement(s, c, make_version(s, c), due_at=local)
        s.commit()
        pid = p.id
    with db.session() as s:
        stored = s.get(Placement, pid)
        assert stored is not None and stored.due_at is not None
        assert stored.due_at.tzinfo is UTC
        assert stored.due_at == local
        assert stored.due_at.hour == 0


def test_naive_datetimes_are_refused(db: Database) -> None:
    with db.session() as s:
        c = make_campaign(s)
        with pytest.raises(SQLAlchemyError, match="naive datetime"):
            make_placement(s, c, make_version(s, c), due_at=datetime(2026, 3, 1, 9))


def test_campaign_slug_is_unique(db: Database) -> None:
    with db.session() as s:
        make_campaign(s, "same")
        s.commit()
    with db.session() as s, pytest.raises(IntegrityError):
        make_campaign(s, "same")


def test_move_checks_the_rules_and_logs_the_change(db: Database) -> None:
    with db.session() as s:
        c = make_campaign(s)
        p = make_placement(s, c, make_version(s, c))
        placements.move(s, p, S.APPROVED, actor="manager@example.org", now=T0)
        with pytest.raises(InvalidTransition):
            placements.move(s, p, S.PUBLISHED, actor="worker", now=T0)
        s.commit()
    with db.session() as s:
        events = s.exec(select(PlacementEvent).order_by(PlacementEvent.id)).all()
        assert [(e.from_state, e.to_state, e.actor) for e in events] == [
            ("planned", "approved", "manager@example.org")
        ]
        assert s.get(Placement, p.id).state == S.APPROVED  # type: ignore[union-attr]


def test_only_one_claim_of_a_placement_wins(db: Database) -> None:
    with db.session() as s:
        c = make_campaign(s)
        p = make_placement(s, c, make_version(s, c), state=S.QUEUED)
        s.commit()
    results = []
    for worker in ("w1", "w2"):
        with db.session() as s:
            won = placements.claim(
                s,
                p.id,
                expected=S.QUEUED,
                target=S.PUBLISHING,
                actor=worker,
                now=T0,  # type: ignore[arg-type]
            )
            s.commit()
            results.append(won is not None)
    assert results == [True, False]
    with db.session() as s:
        events = s.exec(select(PlacementEvent)).all()
        assert [(e.actor, e.to_state) for e in events] == [("w1", "publishing")]


def test_log_chain_verifies_and_reports_the_first_tampered_event(db: Database) -> None:
    with db.session() as s:
        c = make_campaign(s)
        for i in range(5):
            eventlog.append(
                s,
                at=T0 + timedelta(minutes=i),
                actor="comms",
                action="note",
                campaign_id=c.id,
                details={"i": i, "text": "né ✓"},
            )
        s.commit()
    with db.session() as s:
        report = eventlog.verify_session(s)
        assert report.ok and report.checked == 5
        third = s.exec(select(PlacementEvent).order_by(PlacementEvent.id).offset(2)).first()
        assert third is not None
        third_id = third.id
    # Tamper behind the application's back (on PostgreSQL past the append-only trigger).
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE placement_event DISABLE TRIGGER USER"))
        conn.execute(
            text("UPDATE placement_event SET actor = 'mallory' WHERE id = :i"), {"i": third_id}
        )
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE placement_event ENABLE TRIGGER USER"))
    with db.session() as s:
        report = eventlog.verify_session(s)
        assert report.broken_id == third_id
        assert "content" in (report.reason or "")


def test_log_chain_cannot_fork(db: Database) -> None:
    with db.session() as s:
        eventlog.append(s, at=T0, actor="a", action="note")
        s.commit()
        first = s.exec(select(PlacementEvent)).one()
    with db.session() as s, pytest.raises(IntegrityError):
        s.add(
            PlacementEvent(
                at=T0,
                actor="b",
                action="note",
                details={},
                prev_hash=first.prev_hash,
                hash="f" * 64,
            )
        )
        s.commit()


def test_postgres_refuses_edits_and_deletes_of_the_log(pg_url: str) -> None:
    from campaign.db import make_engine

    db = Database(make_engine(pg_url))
    with db.session() as s:
        eventlog.append(s, at=T0, actor="a", action="note")
        s.commit()
    for sql in ("UPDATE placement_event SET actor = 'x'", "DELETE FROM placement_event"):
        with pytest.raises(SQLAlchemyError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(sql))
    db.engine.dispose()


def test_campaign_round_trips(db: Database) -> None:
    with db.session() as s:
        make_campaign(s, "round")
        s.commit()
    with db.session() as s:
        c = s.exec(select(Campaign).where(Campaign.slug == "round")).one()
        assert c.timezone == "Europe/London"
        assert c.created_at.tzinfo is UTC


@pytest.mark.parametrize("kind", list(PlacementKind))
def test_kind_and_state_are_stored_as_plain_strings(db: Database, kind: PlacementKind) -> None:
    with db.session() as s:
        c = make_campaign(s)
        make_placement(s, c, make_version(s, c), kind=kind)
        s.commit()
    with db.engine.connect() as conn:
        row = conn.execute(text("SELECT kind, state FROM placement")).one()
    assert tuple(row) == (kind.value, "planned")
