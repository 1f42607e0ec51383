"""Campaign use cases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from campaign import eventlog
from campaign.db import Database
from campaign.errors import InvalidInput, NotFound
from campaign.models import Campaign


def get_by_slug(session: Session, slug: str) -> Campaign:
    found = session.exec(select(Campaign).where(Campaign.slug == slug)).first()
    if found is None:
        raise NotFound(f"no campaign {slug!r}")
    return found


def ensure_campaign_in(
    session: Session, *, slug: str, name: str, timezone: str, actor: str, now: datetime
) -> tuple[Campaign, bool]:
    """Get or create a campaign inside the caller's transaction; return it and whether it is new."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown IANA time zone {timezone!r}") from None
    existing = session.exec(select(Campaign).where(Campaign.slug == slug)).first()
    if existing is not None:
        changed = existing.name != name or existing.timezone != timezone
        if changed:
            existing.name, existing.timezone = name, timezone
            session.add(existing)
        return existing, False
    created = Campaign(slug=slug, name=name, timezone=timezone, created_at=now)
    session.add(created)
    session.flush()
    eventlog.append(
        session,
        at=now,
        actor=actor,
        action="campaign-created",
        campaign_id=created.id,
        details={"slug": slug, "name": name, "timezone": timezone},
    )
    return created, True


def ensure_campaign(
    db: Database, *, slug: str, name: str, timezone: str, actor: str, now: datetime
) -> tuple[Campaign, bool]:
    """Get or create a campaign by slug; return it and whether it was created."""
    with db.session() as session:
        result = ensure_campaign_in(
            session, slug=slug, name=name, timezone=timezone, actor=actor, now=now
        )
        session.commit()
        return result


def list_campaigns(db: Database) -> list[Campaign]:
    with db.session() as session:
        return list(session.exec(select(Campaign).order_by(Campaign.slug)))
