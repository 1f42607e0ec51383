"""The scheduler lease: one leader at a time, a standby takes over when it expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from campaign.db import Database
from campaign.models import SchedulerLease

NAME = "dispatch"


def acquire(db: Database, *, holder: str, now: datetime, ttl: timedelta, name: str = NAME) -> bool:
    """Take or renew the lease; return whether ``holder`` leads until ``now + ttl``."""
    with db.session() as session:
        result = session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,  # type: ignore[arg-type]
                or_(SchedulerLease.holder == holder, SchedulerLease.expires_at < now),
            )  # type: ignore[arg-type]
            .values(holder=holder, expires_at=now + ttl)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            session.commit()
            return True
        if session.get(SchedulerLease, name) is not None:
            session.commit()
            return False
        session.add(SchedulerLease(name=name, holder=holder, expires_at=now + ttl, acquired_at=now))
        try:
            session.commit()
            return True
        except IntegrityError:  # another scheduler created it first
            session.rollback()
            return False


def release(db: Database, *, holder: str, now: datetime, name: str = NAME) -> None:
    """Give the lease up at once so a standby need not wait for it to expire."""
    with db.session() as session:
        session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)  # type: ignore[arg-type]
            .values(expires_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()


def current_holder(db: Database, *, now: datetime, name: str = NAME) -> str | None:
    with db.session() as session:
        row = session.get(SchedulerLease, name)
        return row.holder if row is not None and row.expires_at > now else None
