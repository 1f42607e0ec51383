"""The stored domain model (SQLModel tables).

Times are UTC instants (``UTCDateTime``); a campaign carries its IANA zone so
local wall-clock times can be shown and planned. Schema changes go through
Alembic migrations in ``campaign/migrations``, never ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from campaign.states import PlacementKind, PlacementState
from campaign.timecol import UTCDateTime


def utcnow() -> datetime:
    return datetime.now(UTC)


def _instant(nullable: bool = False, **kw: Any) -> Any:
    return Field(sa_type=UTCDateTime(), nullable=nullable, **kw)


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=200)
    timezone: str = Field(default="Europe/London", max_length=64)
    created_at: datetime = _instant(default_factory=utcnow)


class Artwork(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    key: str = Field(max_length=80, description="stable id within the campaign (plan files)")
    title: str = Field(max_length=200)
    created_at: datetime = _instant(default_factory=utcnow)


class ArtworkVersion(SQLModel, table=True):
    """A master file (content-addressed) with its focal point and approval."""

    __tablename__ = "artwork_version"
    __table_args__ = (UniqueConstraint("artwork_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    artwork_id: int = Field(foreign_key="artwork.id", index=True)
    number: int = Field(ge=1)
    label: str = Field(default="", max_length=200)
    master_sha256: str = Field(max_length=64, index=True)
    master_format: str = Field(max_length=16)
    width: int
    height: int
    focal_x: float = Field(default=0.5, ge=0, le=1)
    focal_y: float = Field(default=0.5, ge=0, le=1)
    keep_region: list[float] | None = Field(default=None, sa_column=Column(JSON))
    approved_at: datetime | None = _instant(nullable=True, default=None)
    approved_by: str | None = Field(default=None, max_length=120)
    created_at: datetime = _instant(default_factory=utcnow)


class ChannelFormatRef(SQLModel, table=True):
    """The spec of a channel format as it was when renditions were made from it."""

    __tablename__ = "channel_format"

    id: str = Field(primary_key=True, max_length=64)
    group: str = Field(max_length=32)
    spec_hash: str = Field(max_length=64)
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _instant(default_factory=utcnow)


class Rendition(SQLModel, table=True):
    """One artwork version rendered for one format; keyed so a race creates it once."""

    __table_args__ = (UniqueConstraint("cache_key"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="artwork_version.id", index=True)
    format_id: str = Field(foreign_key="channel_format.id", max_length=64)
    cache_key: str = Field(max_length=64)
    storage_key: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    width: int
    height: int
    bytes: int
    status: str = Field(max_length=8, description="preflight: ok, warn or fail")
    messages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _instant(default_factory=utcnow)


class Site(SQLModel, table=True):
    """A place a placement appears: a poster frame, a press title or a social account."""

    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    code: str = Field(max_length=120, description="frame id, title code or account handle")
    kind: str = Field(max_length=16, description="frame, press or account")
    media_owner: str = Field(default="", max_length=120)
    address: str = Field(default="", max_length=300)
    format_id: str | None = Field(default=None, max_length=64)
    network: str | None = Field(default=None, max_length=32)


class Placement(SQLModel, table=True):
    """An artwork version in a format at a site, for a flight or at a post time."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "plan_key"),
        Index("ix_placement_due", "state", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    plan_key: str = Field(max_length=200, description="stable id from the plan file")
    kind: PlacementKind = Field(sa_type=String(16))
    channel: str = Field(max_length=32, description="format group: billboard, bus, social ...")
    version_id: int = Field(foreign_key="artwork_version.id", index=True)
    format_id: str = Field(max_length=64)
    site_id: int = Field(foreign_key="site.id", index=True)
    phase: str = Field(default="", max_length=80)
    state: PlacementState = Field(default=PlacementState.PLANNED, sa_type=String(16))
    timezone: str = Field(max_length=64)
    flight_start: date | None = None
    flight_end: date | None = None
    # When the next automatic action is due (delivery deadline, post time, retry time).
    due_at: datetime | None = _instant(nullable=True, default=None)
    post_text: str | None = None
    alt_text: str | None = None
    attempts: int = 0
    # A retry waits in the database (never as a long countdown on the broker).
    next_attempt_at: datetime | None = _instant(nullable=True, default=None)
    external_id: str | None = Field(default=None, max_length=120)
    permalink: str | None = Field(default=None, max_length=300)
    last_error: str | None = None
    updated_at: datetime = _instant(default_factory=utcnow)


class PlacementEvent(SQLModel, table=True):
    """One entry of the append-only placement log, chained by hash."""

    __tablename__ = "placement_event"
    __table_args__ = (
        Index("ix_event_campaign_at", "campaign_id", "at"),
        Index("ix_event_placement", "placement_id", "id"),
        # The log page filters by campaign (and channel or state) and pages newest first.
        Index("ix_event_campaign_id", "campaign_id", "id"),
        Index("ix_event_campaign_channel_id", "campaign_id", "channel", "id"),
        Index("ix_event_campaign_state_id", "campaign_id", "to_state", "id"),
        Index("ix_event_state_id", "to_state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _instant(default_factory=utcnow)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    placement_id: int | None = Field(default=None, foreign_key="placement.id")
    channel: str | None = Field(default=None, max_length=32)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str | None = Field(default=None, max_length=16)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Both unique: the database itself refuses a fork of the chain.
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class SchedulerLease(SQLModel, table=True):
    """Who may dispatch: one row per lease name, held until ``expires_at``.

    Only a throttle against duplicate work: correctness comes from the conditional
    claim on each placement, so a leader that lost its lease without knowing it
    still cannot dispatch a placement twice.
    """

    __tablename__ = "scheduler_lease"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=200)
    expires_at: datetime = _instant()
    acquired_at: datetime = _instant()


class Proof(SQLModel, table=True):
    """Proof of posting: a dated photo of the poster on its site."""

    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True)
    storage_key: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    taken_on: date
    added_by: str = Field(max_length=120)
    added_at: datetime = _instant(default_factory=utcnow)


class User(SQLModel, table=True):
    """A person who signs in: comms, manager, viewer or admin."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    role: str = Field(max_length=16)
    password_hash: str = Field(max_length=200)
    active: bool = True
    created_at: datetime = _instant(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """An API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=120)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime = _instant(default_factory=utcnow)
    revoked: bool = False


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins, for rate limiting across processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_email_at", "email", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=200)
    address: str = Field(max_length=64)
    at: datetime = _instant(default_factory=utcnow)
