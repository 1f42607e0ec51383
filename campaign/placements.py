"""Placement state changes: every one is checked by the state rules and logged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from campaign import eventlog
from campaign.models import Placement, PlacementEvent
from campaign.states import PlacementKind, PlacementState, check_transition, is_allowed


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


def claim_many(
    session: Session,
    ids: list[int],
    *,
    expected: PlacementState,
    target: PlacementState,
    actor: str,
    now: datetime,
    details: Callable[[Placement], dict[str, Any]] | None = None,
) -> list[Placement]:
    """Claim many placements in one conditional UPDATE; return the ones this caller won.

    The same guarantee as ``claim`` (the database lets one caller win each row),
    in one statement and one batched insert of log events.
    """
    if not ids:
        return []
    for kind in PlacementKind:
        if not is_allowed(kind, expected, target):
            raise ValueError(f"{expected.value} -> {target.value} is not allowed for {kind.value}")
    won = (
        session.execute(
            update(Placement)
            .where(Placement.id.in_(ids), Placement.state == expected)  # type: ignore[union-attr,arg-type]
            .values(state=target, updated_at=now)
            .returning(Placement.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    if not won:
        return []
    rows = session.exec(
        select(Placement)
        .where(Placement.id.in_(won))
        .order_by(Placement.id)  # type: ignore[union-attr]
        .execution_options(populate_existing=True)
    ).all()
    eventlog.append_many(
        session,
        [
            {
                "at": now,
                "actor": actor,
                "action": target.value,
                "campaign_id": p.campaign_id,
                "placement_id": p.id,
                "channel": p.channel,
                "from_state": expected.value,
                "to_state": target.value,
                "details": details(p) if details else None,
            }
            for p in rows
        ],
    )
    return list(rows)
