"""Placement state changes: every one is checked by the state rules and logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from campaign import eventlog
from campaign.models import Placement, PlacementEvent
from campaign.states import PlacementState, check_transition


def move(
    session: Session,
    placement: Placement,
    target: PlacementState,
    *,
    actor: str,
    now: datetime,
    action: str | None = None,
    details: dict[str, Any] | None = None,
) -> PlacementEvent:
    """Move a placement to ``target`` and log it, inside the caller's transaction."""
    current = PlacementState(placement.state)
    check_transition(placement.kind, current, target)
    placement.state = target
    placement.updated_at = now
    session.add(placement)
    return eventlog.append(
        session,
        at=now,
        actor=actor,
        action=action or target.value,
        campaign_id=placement.campaign_id,
        placement_id=placement.id,
        channel=placement.channel,
        from_state=current.value,
        to_state=target.value,
        details=details,
    )


def claim(
    session: Session,
    placement_id: int,
    *,
    expected: PlacementState,
    target: PlacementState,
    actor: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> Placement | None:
    """Move ``expected`` -> ``target`` only if the row is still ``expected``; None if we lost.

    This conditional UPDATE is what makes dispatch and publishing exactly-once:
    two schedulers or two workers may both try, the database lets one win.
    """
    placement = session.get(Placement, placement_id)
    if placement is None:
        return None
    check_transition(placement.kind, expected, target)
    result = session.execute(
        update(Placement)
        .where(Placement.id == placement_id, Placement.state == expected)  # type: ignore[arg-type]
        .values(state=target, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(placement)
    eventlog.append(
        session,
        at=now,
        actor=actor,
        action=target.value,
        campaign_id=placement.campaign_id,
        placement_id=placement.id,
        channel=placement.channel,
        from_state=expected.value,
        to_state=target.value,
        details=details,
    )
    return placement
