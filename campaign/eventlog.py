"""The append-only placement log, chained by SHA-256 so any edited row is detectable."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from campaign.models import PlacementEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x5EED_1065  # any fixed number: the advisory lock that serialises appends


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event: PlacementEvent) -> str:
    """Return the hash of an event's content and its predecessor's hash."""
    fields = {
        "at": event.at.isoformat(timespec="microseconds") if event.at else None,
        "campaign_id": event.campaign_id,
        "placement_id": event.placement_id,
        "channel": event.channel,
        "actor": event.actor,
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical(fields)).hexdigest()


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    campaign_id: int | None = None,
    placement_id: int | None = None,
    channel: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    details: dict[str, Any] | None = None,
) -> PlacementEvent:
    """Add one event to the log inside the caller's transaction (the caller commits)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # Held to commit: the next writer reads this event's hash, so the chain never forks.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.exec(
        select(PlacementEvent.hash).order_by(PlacementEvent.id.desc()).limit(1)  # type: ignore[union-attr]
    ).first()
    event = PlacementEvent(
        at=at.replace(microsecond=at.microsecond),
        actor=actor,
        action=action,
        campaign_id=campaign_id,
        placement_id=placement_id,
        channel=channel,
        from_state=from_state,
        to_state=to_state,
        details=json.loads(canonical(details or {})),
        prev_hash=last or GENESIS,
        hash="",
    )
    event.hash = event_hash(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_id: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(events: Iterable[PlacementEvent]) -> ChainReport:
    """Walk events in id order and report the first one whose link or content is wrong."""
    prev = GENESIS
    count = 0
    for event in events:
        count += 1
        if event.prev_hash != prev:
            return ChainReport(count, event.id, "its link to the previous event is broken")
        if event_hash(event) != event.hash:
            return ChainReport(count, event.id, "its content does not match its hash")
        prev = event.hash
    return ChainReport(count, None, None)


def verify_session(session: Session, batch: int = 5000) -> ChainReport:
    """Verify the whole log, streaming it in id order."""
    stmt = select(PlacementEvent).order_by(PlacementEvent.id).execution_options(yield_per=batch)  # type: ignore[arg-type]
    return verify(session.exec(stmt))
