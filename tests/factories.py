"""Small builders for rows the tests need (no mocks: real rows in a real database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session

from campaign.models import Artwork, ArtworkVersion, Campaign, Placement, Site
from campaign.states import PlacementKind, PlacementState

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def make_campaign(session: Session, slug: str = "tao") -> Campaign:
    campaign = Campaign(slug=slug, name="Together As One", timezone="Europe/London")
    session.add(campaign)
    session.flush()
    return campaign


def make_version(session: Session, campaign: Campaign, key: str = "main") -> ArtworkVersion:
    artwork = Artwork(campaign_id=campaign.id, key=key, title=key.title())  # type: ignore[arg-type]
    session.add(artwork)
    session.flush()
    version = ArtworkVersion(
        artwork_id=artwork.id,
        number=1,
        master_sha256="a" * 64,
        master_format="JPEG",  # type: ignore[arg-type]
        width=800,
        height=500,
    )
    session.add(version)
    session.flush()
    return version


def make_placement(
    session: Session,
    campaign: Campaign,
    version: ArtworkVersion,
    *,
    key: str = "p1",
    kind: PlacementKind = PlacementKind.SOCIAL,
    state: PlacementState = PlacementState.PLANNED,
    due_at: datetime | None = T0,
) -> Placement:
    site = Site(
        campaign_id=campaign.id,
        code=f"site-{key}",
        kind="account",
        network="x",  # type: ignore[arg-type]
    )
    session.add(site)
    session.flush()
    placement = Placement(
        campaign_id=campaign.id,  # type: ignore[arg-type]
        plan_key=key,
        kind=kind,
        channel="social" if kind is PlacementKind.SOCIAL else "billboard",
        version_id=version.id,  # type: ignore[arg-type]
        format_id="x-landscape",
        site_id=site.id,  # type: ignore[arg-type]
        state=state,
        timezone="Europe/London",
        flight_start=date(2026, 3, 2) if kind is PlacementKind.PRINT else None,
        due_at=due_at,
        post_text="Together we are safer" if kind is PlacementKind.SOCIAL else None,
    )
    session.add(placement)
    session.flush()
    return placement
