"""Read the placement log: filters, keyset pagination, and streamed export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select
from sqlmodel import select

from campaign.db import Database
from campaign.models import Campaign, Placement, PlacementEvent, Site

COLUMNS = (
    "id",
    "at",
    "campaign",
    "placement_id",
    "channel",
    "site",
    "actor",
    "action",
    "from_state",
    "to_state",
    "details",
)


@dataclass(frozen=True)
class LogFilter:
    campaign: str | None = None
    channel: str | None = None
    site: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None
    placement_id: int | None = None
    timezone: str = "Europe/London"

    def as_query(self) -> dict[str, str]:
        return {
            k: str(v) for k, v in self.__dict__.items() if v not in (None, "") and k != "timezone"
        }


def _campaign_id(db: Database, f: LogFilter) -> int | None:
    if not f.campaign:
        return None
    with db.session() as session:
        # -1 matches nothing: an unknown campaign gives an empty log, not all of it.
        return session.exec(select(Campaign.id).where(Campaign.slug == f.campaign)).first() or -1


def _statement(f: LogFilter, campaign_id: int | None) -> Select:  # type: ignore[type-arg]
    stmt = (
        select(PlacementEvent, Campaign.slug, Site.code)
        .outerjoin(Campaign, Campaign.id == PlacementEvent.campaign_id)
        .outerjoin(  # type: ignore[arg-type]
            Placement, Placement.id == PlacementEvent.placement_id
        )
        .outerjoin(  # type: ignore[arg-type]
            Site, Site.id == Placement.site_id
        )
    )  # type: ignore[arg-type]
    zone = ZoneInfo(f.timezone)
    # Filter on the event's own columns, the campaign's id as a literal the planner can
    # see (with a subquery it planned blind and walked the whole log for a filter that
    # matched nothing); the joins are for display only.
    if campaign_id is not None:
        stmt = stmt.where(PlacementEvent.campaign_id == campaign_id)
    if f.channel:
        stmt = stmt.where(PlacementEvent.channel == f.channel)
    if f.site:
        stmt = stmt.where(
            PlacementEvent.placement_id.in_(  # type: ignore[union-attr]
                select(Placement.id)
                .join(Site, Site.id == Placement.site_id)  # type: ignore[arg-type]
                .where(Site.code == f.site)
            )
        )
    if f.status:
        stmt = stmt.where(PlacementEvent.to_state == f.status)
    if f.placement_id:
        stmt = stmt.where(PlacementEvent.placement_id == f.placement_id)
    if f.since:
        stmt = stmt.where(PlacementEvent.at >= datetime.combine(f.since, time(), zone))  # type: ignore[operator]
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), zone)
        stmt = stmt.where(PlacementEvent.at < end)  # type: ignore[operator]
    return stmt


@dataclass(frozen=True)
class Row:
    event: PlacementEvent
    campaign: str | None
    site: str | None

    def as_dict(self, zone: ZoneInfo | None = None) -> dict[str, Any]:
        e = self.event
        at = e.at.astimezone(zone) if zone else e.at.astimezone(UTC)
        return {
            "id": e.id,
            "at": at.isoformat(),
            "campaign": self.campaign,
            "placement_id": e.placement_id,
            "channel": e.channel,
            "site": self.site,
            "actor": e.actor,
            "action": e.action,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "details": e.details,
        }


def page(db: Database, f: LogFilter, *, limit: int = 50, before: int | None = None) -> list[Row]:
    """Return up to ``limit`` events, newest first, older than event id ``before``."""
    campaign_id = _campaign_id(db, f)
    stmt = _statement(f, campaign_id)
    if before is not None:
        stmt = stmt.where(PlacementEvent.id < before)  # type: ignore[operator]
    stmt = stmt.order_by(PlacementEvent.id.desc()).limit(limit)  # type: ignore[union-attr]
    with db.session() as session:
        return [Row(e, slug, code) for e, slug, code in session.exec(stmt)]  # type: ignore[call-overload]


def stream(db: Database, f: LogFilter, *, batch: int = 2000) -> Iterator[Row]:
    """Yield every matching event, oldest first, in batches (flat memory)."""
    after = 0
    campaign_id = _campaign_id(db, f)
    while True:
        stmt = (
            _statement(f, campaign_id)
            .where(PlacementEvent.id > after)  # type: ignore[operator]
            .order_by(PlacementEvent.id)
            .limit(batch)
        )  # type: ignore[arg-type]
        with db.session() as session:
            rows = [Row(e, slug, code) for e, slug, code in session.exec(stmt)]  # type: ignore[call-overload]
        if not rows:
            return
        yield from rows
        after = rows[-1].event.id  # type: ignore[assignment]


def csv_chunks(rows: Iterator[Row], zone: ZoneInfo) -> Iterator[str]:
    """Yield the CSV export a few hundred rows at a time."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for n, row in enumerate(rows, start=1):
        d = row.as_dict(zone)
        d["details"] = json.dumps(d["details"], sort_keys=True)
        writer.writerow([d[c] for c in COLUMNS])
        if n % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()
