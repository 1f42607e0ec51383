"""Approvals: a manager approves an artwork version; its placements may then go out."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from campaign import eventlog
from campaign.db import Database
from campaign.errors import NotFound
from campaign.models import Artwork, ArtworkVersion, Placement
from campaign.placements import move
from campaign.states import PlacementState


def approve_in(session: Session, version: ArtworkVersion, *, actor: str, now: datetime) -> int:
    """Approve a version inside the caller's transaction; return placements approved."""
    artwork = session.get(Artwork, version.artwork_id)
    if version.approved_at is None:
        version.approved_at, version.approved_by = now, actor
        session.add(version)
        eventlog.append(
            session,
            at=now,
            actor=actor,
            action="version-approved",
            campaign_id=artwork.campaign_id if artwork else None,
            details={
                "artwork": artwork.key if artwork else None,
                "version": version.number,
                "version_id": version.id,
            },
        )
    return approve_waiting_placements(session, version, actor=actor, now=now)


def approve_waiting_placements(
    session: Session, version: ArtworkVersion, *, actor: str, now: datetime
) -> int:
    """Move this version's planned placements to approved (the version must be approved)."""
    if version.approved_at is None:
        return 0
    rows = session.exec(
        select(Placement).where(
            Placement.version_id == version.id, Placement.state == PlacementState.PLANNED
        )
    ).all()
    for placement in rows:
        move(
            session,
            placement,
            PlacementState.APPROVED,
            actor=actor,
            now=now,
            details={"version_id": version.id},
        )
    return len(rows)


def approve_version(db: Database, *, version_id: int, actor: str, now: datetime) -> int:
    """Approve an artwork version and its waiting placements; return how many were approved."""
    with db.session() as session:
        version = session.get(ArtworkVersion, version_id)
        if version is None:
            raise NotFound(f"no artwork version {version_id}")
        count = approve_in(session, version, actor=actor, now=now)
        session.commit()
        return count
