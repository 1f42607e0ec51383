"""The scheduler's work, one ``tick(now)`` at a time: the database decides what is due.

Each tick claims due placements with conditional state changes, commits, and
only then hands them to workers, so two schedulers (or a scheduler that lost
its lease without knowing) never dispatch a placement twice. A message lost
on the way is re-sent by a later tick; workers claim again before acting.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, select

from campaign import eventlog
from campaign.db import Database
from campaign.dispatch import Dispatcher
from campaign.models import Placement, Site
from campaign.placements import claim, claim_many
from campaign.states import PlacementKind, PlacementState
from schedules.timerules import local_midnight

log = logging.getLogger("campaign.scheduler")
S = PlacementState
ACTOR = "scheduler"


@dataclass
class TickResult:
    queued: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    resent: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    flights: list[tuple[int, str]] = field(default_factory=list)
    lateness: list[float] = field(default_factory=list)
    next_due: datetime | None = None


@dataclass(frozen=True)
class Rules:
    grace: timedelta = timedelta(minutes=15)
    resend_after: timedelta = timedelta(minutes=2)
    stale_after: timedelta = timedelta(minutes=2, seconds=30)
    settle: timedelta = timedelta(seconds=5)
    batch: int = 500


def _due_ids(session: Session, kind: PlacementKind, now: datetime, batch: int) -> list[int]:
    return list(
        session.exec(
            select(Placement.id)
            .where(
                Placement.kind == kind,
                Placement.state.in_([S.PLANNED.value, S.APPROVED.value]),  # type: ignore[attr-defined]
                Placement.due_at <= now,  # type: ignore[operator]
            )
            .order_by(Placement.due_at)
            .limit(batch)
        )
    )


def _social(db: Database, now: datetime, rules: Rules, out: TickResult) -> list[int]:
    grace = rules.grace.total_seconds()

    def details(reason: str | None = None):  # type: ignore[no-untyped-def]
        def make(p: Placement) -> dict[str, object]:
            late = (now - p.due_at).total_seconds() if p.due_at else None
            found = {
                "due_at": p.due_at.isoformat() if p.due_at else None,
                "lateness_s": round(late, 3) if late is not None else None,
            }
            return found | ({"reason": reason} if reason else {})

        return make

    with db.session() as session:
        rows = session.exec(
            select(Placement.id, Placement.state, Placement.due_at)
            .where(
                Placement.kind == PlacementKind.SOCIAL,
                Placement.state.in_([S.PLANNED.value, S.APPROVED.value]),  # type: ignore[attr-defined]
                Placement.due_at <= now,  # type: ignore[operator]
            )
            .order_by(Placement.due_at, Placement.id)
            .limit(rules.batch)
        ).all()
        unapproved = [pid for pid, state, _ in rows if state == S.PLANNED]
        late = [
            pid
            for pid, state, due in rows
            if state == S.APPROVED and (now - due).total_seconds() > grace
        ]
        on_time = [
            pid
            for pid, state, due in rows
            if state == S.APPROVED and (now - due).total_seconds() <= grace
        ]
        missed = claim_many(
            session,
            unapproved,
            expected=S.PLANNED,
            target=S.MISSED,
            actor=ACTOR,
            now=now,
            details=details("not approved by its time"),
        )
        # Never silently hours late: a human reschedules it.
        missed += claim_many(
            session,
            late,
            expected=S.APPROVED,
            target=S.MISSED,
            actor=ACTOR,
            now=now,
            details=details("the scheduler was down past the grace period"),
        )
        queued = claim_many(
            session,
            on_time,
            expected=S.APPROVED,
            target=S.QUEUED,
            actor=ACTOR,
            now=now,
            details=details(),
        )
        session.commit()
    out.missed.extend(p.id for p in missed)  # type: ignore[misc]
    queued.sort(key=lambda p: (p.due_at, p.id))
    out.lateness.extend((now - p.due_at).total_seconds() for p in queued if p.due_at)
    return [p.id for p in queued]  # type: ignore[misc]


def _print(db: Database, now: datetime, rules: Rules, out: TickResult) -> list[list[int]]:
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    with db.session() as session:
        for pid in _due_ids(session, PlacementKind.PRINT, now, rules.batch):
            p = session.get(Placement, pid)
            if p is None or p.flight_start is None or p.flight_end is None:
                continue
            zone = ZoneInfo(p.timezone)
            starts = local_midnight(p.flight_start, zone)
            ends = local_midnight(p.flight_end + timedelta(days=1), zone)
            if p.state == S.PLANNED:
                if now >= starts and claim(
                    session,
                    pid,
                    expected=S.PLANNED,
                    target=S.MISSED,
                    actor=ACTOR,
                    now=now,
                    details={"reason": "not approved before the flight"},
                ):
                    out.missed.append(pid)
                continue
            if now >= ends:
                if claim(
                    session,
                    pid,
                    expected=S.APPROVED,
                    target=S.MISSED,
                    actor=ACTOR,
                    now=now,
                    details={"reason": "the flight ended before delivery"},
                ):
                    out.missed.append(pid)
                continue
            if claim(
                session,
                pid,
                expected=S.APPROVED,
                target=S.QUEUED,
                actor=ACTOR,
                now=now,
                details={
                    "due_at": p.due_at.isoformat() if p.due_at else None,
                    "late": now >= starts,
                },
            ):
                site = session.get(Site, p.site_id)
                owner = site.media_owner if site else ""
                groups[(owner, p.flight_start.isoformat(), p.flight_end.isoformat())].append(pid)
        session.commit()
    return list(groups.values())


def _resend(
    db: Database, now: datetime, rules: Rules, out: TickResult, dispatcher: Dispatcher
) -> None:
    """Send again what waits in the database: retries that are due, and lost messages.

    A ``queued`` placement is sent when its retry time comes, or when it has sat
    queued for ``resend_after`` (its message may have died with the broker). An
    ``unknown`` one is sent to reconciliation when its settle time comes. Workers
    claim before acting, so a duplicate message does nothing.
    """
    quiet = now - rules.resend_after
    with db.session() as session:
        rows = session.exec(
            select(Placement)
            .where(
                or_(
                    (Placement.state == S.QUEUED) & (Placement.next_attempt_at <= now),  # type: ignore[operator]
                    (Placement.state == S.QUEUED)
                    & Placement.next_attempt_at.is_(None)  # type: ignore[union-attr]
                    & (Placement.updated_at < quiet),  # type: ignore[operator]
                    (Placement.state == S.UNKNOWN)
                    & or_(
                        Placement.next_attempt_at.is_(None),  # type: ignore[union-attr]
                        Placement.next_attempt_at <= now,
                    ),  # type: ignore[operator]
                )
            )
            .limit(rules.batch)
        ).all()
        if not rows:
            return
        sends = [(p.id, p.kind, p.state) for p in rows]
        for p in rows:
            eventlog.append(
                session,
                at=now,
                actor=ACTOR,
                action="reconcile"
                if p.state == S.UNKNOWN
                else ("retry" if p.next_attempt_at else "re-sent"),
                campaign_id=p.campaign_id,
                placement_id=p.id,
                channel=p.channel,
                details={"attempts": p.attempts},
                flush=False,
            )
            # Not again until this message had its chance. An unknown placement keeps
            # its updated_at: reconciliation waits a settle time counted from it.
            if p.state == S.UNKNOWN:
                p.next_attempt_at = now + rules.resend_after
            else:
                p.next_attempt_at, p.updated_at = None, now
            session.add(p)
        session.commit()
    for pid, kind, _state in sends:
        if kind == PlacementKind.SOCIAL:
            dispatcher.publish(pid)  # type: ignore[arg-type]
        else:
            dispatcher.deliver([pid])  # type: ignore[list-item]
        out.resent.append(pid)  # type: ignore[arg-type]


def _stale(db: Database, now: datetime, rules: Rules, out: TickResult) -> None:
    """Recover placements left ``publishing`` by a worker that died mid-task.

    The threshold is longer than the task's hard time limit, so the attempt is
    certainly over. A post may have gone out: it becomes ``unknown`` and is
    reconciled. A print package is rebuilt identically, so it is simply queued again.
    """
    cutoff = now - rules.stale_after
    with db.session() as session:
        rows = session.exec(
            select(Placement.id, Placement.kind).where(
                Placement.state == S.PUBLISHING, Placement.updated_at < cutoff
            )
        ).all()
        social = [pid for pid, kind in rows if kind == PlacementKind.SOCIAL]
        printed = [pid for pid, kind in rows if kind == PlacementKind.PRINT]
        reason = {"reason": "the worker stopped mid-attempt"}
        for target, ids in ((S.UNKNOWN, social), (S.QUEUED, printed)):
            for pid in ids:
                won = claim(
                    session,
                    pid,
                    expected=S.PUBLISHING,
                    target=target,
                    actor=ACTOR,
                    now=now,
                    details=reason,
                )
                if won is not None:
                    won.next_attempt_at = now + rules.settle if target == S.UNKNOWN else now
                    session.add(won)
                    out.recovered.append(pid)
        session.commit()


def _flights(db: Database, now: datetime, out: TickResult) -> None:
    """Move print placements through their flight: delivered -> live -> completed."""
    with db.session() as session:
        rows = session.exec(
            select(Placement).where(
                Placement.kind == PlacementKind.PRINT,
                Placement.state.in_([S.DELIVERED.value, S.LIVE.value, S.POSTED.value]),  # type: ignore[attr-defined]
            )
        ).all()
        for p in rows:
            if p.flight_start is None or p.flight_end is None:
                continue
            zone = ZoneInfo(p.timezone)
            starts = local_midnight(p.flight_start, zone)
            ends = local_midnight(p.flight_end + timedelta(days=1), zone)
            state = S(p.state)
            if (
                state == S.DELIVERED
                and now >= starts
                and claim(
                    session,
                    p.id,
                    expected=S.DELIVERED,
                    target=S.LIVE,
                    actor=ACTOR,  # type: ignore[arg-type]
                    now=now,
                    details={"flight_start": p.flight_start.isoformat()},
                )
            ):
                out.flights.append((p.id, "live"))  # type: ignore[arg-type]
                state = S.LIVE
            if (
                state in (S.LIVE, S.POSTED)
                and now >= ends
                and claim(
                    session,
                    p.id,
                    expected=state,
                    target=S.COMPLETED,
                    actor=ACTOR,
                    now=now,  # type: ignore[arg-type]
                    details={"flight_end": p.flight_end.isoformat()},
                )
            ):
                out.flights.append((p.id, "completed"))  # type: ignore[arg-type]
        session.commit()


def next_due(db: Database, now: datetime) -> datetime | None:
    """Return the next instant anything waits for: a due time, a retry, a flight boundary."""
    with db.session() as session:
        due = session.exec(
            select(func.min(Placement.due_at)).where(
                Placement.state.in_([S.PLANNED.value, S.APPROVED.value]),  # type: ignore[attr-defined]
                Placement.due_at > now,
            )
        ).one()  # type: ignore[operator]
        flight = session.exec(
            select(
                Placement.flight_start, Placement.flight_end, Placement.state, Placement.timezone
            ).where(
                Placement.kind == PlacementKind.PRINT,
                or_(
                    Placement.state == S.DELIVERED,
                    Placement.state == S.LIVE,
                    Placement.state == S.POSTED,
                ),
            )
        ).all()
        retry = session.exec(
            select(func.min(Placement.next_attempt_at)).where(
                Placement.state.in_([S.QUEUED.value, S.UNKNOWN.value]),  # type: ignore[attr-defined]
                Placement.next_attempt_at > now,
            )
        ).one()  # type: ignore[operator]
    # Wake for first due times, retries and reconciliations, and flight boundaries.
    candidates: list[datetime] = [t for t in (due, retry) if t]
    for start, end, state, tz in flight:
        zone = ZoneInfo(tz)
        if state == S.DELIVERED and start:
            candidates.append(local_midnight(start, zone))
        elif end:
            candidates.append(local_midnight(end + timedelta(days=1), zone))
    future = [c for c in candidates if c > now]
    return min(future) if future else None


def tick(
    db: Database, dispatcher: Dispatcher, *, now: datetime, rules: Rules = Rules()
) -> TickResult:
    """Do everything that is due at ``now``; safe to run any number of times, anywhere."""
    out = TickResult()
    while True:  # drain: a burst larger than one batch is not left for the next tick
        sent = _social(db, now, rules, out)
        for pid in sent:
            dispatcher.publish(pid)
        out.queued.extend(sent)
        groups = _print(db, now, rules, out)
        for group in groups:
            dispatcher.deliver(group)
            out.queued.extend(group)
        if len(sent) + sum(map(len, groups)) < rules.batch:
            break
    _stale(db, now, rules, out)
    _resend(db, now, rules, out, dispatcher)
    _flights(db, now, out)
    out.next_due = next_due(db, now)
    return out


def summarise(result: TickResult) -> Iterable[str]:
    if result.queued:
        yield f"dispatched {len(result.queued)}"
    if result.missed:
        yield f"missed {len(result.missed)}"
    if result.resent:
        yield f"re-sent {len(result.resent)}"
    if result.recovered:
        yield f"recovered {len(result.recovered)} from dead workers"
    if result.flights:
        yield f"flight changes {len(result.flights)}"
