"""Proof of posting: dated photos per site, and the sites still without one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from assets.render.intake import probe
from assets.storage import Storage, content_key, sha256_file
from campaign import eventlog
from campaign.db import Database
from campaign.errors import InvalidInput, NotFound
from campaign.models import Placement, Proof, Site
from campaign.placements import move
from campaign.states import PlacementKind, PlacementState, is_allowed

S = PlacementState


def add_proof(
    db: Database,
    storage: Storage,
    *,
    placement_id: int,
    photo: Path,
    taken_on: date,
    actor: str,
    now: datetime,
    max_pixels: int,
) -> Proof:
    """Attach a dated photo to a print placement and mark it ``posted``."""
    info = probe(photo, max_pixels=max_pixels)  # a photo, not any file
    with db.session() as session:
        placement = session.get(Placement, placement_id)
        if placement is None:
            raise NotFound(f"no placement {placement_id}")
        if placement.kind != PlacementKind.PRINT:
            raise InvalidInput(f"placement {placement_id} is a social post: proof is for posters")
        state = S(placement.state)
        if state != S.POSTED and not is_allowed(placement.kind, state, S.POSTED):
            raise InvalidInput(
                f"placement {placement_id} is {state.value}: proof is added once "
                "the artwork is delivered"
            )
        sha = sha256_file(photo)
        key = content_key(
            "proofs",
            sha,
            {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "TIFF": "tif", "PDF": "pdf"}[info.kind],
        )
        if not storage.exists(key):
            storage.put_file(key, photo)
        proof = Proof(
            placement_id=placement_id,
            storage_key=key,
            sha256=sha,
            taken_on=taken_on,
            added_by=actor,
            added_at=now,
        )
        session.add(proof)
        details = {"photo_sha256": sha, "taken_on": taken_on.isoformat()}
        if state != S.POSTED:
            move(
                session,
                placement,
                S.POSTED,
                actor=actor,
                now=now,
                action="proof-added",
                details=details,
            )
        else:
            eventlog.append(
                session,
                at=now,
                actor=actor,
                action="proof-added",
                campaign_id=placement.campaign_id,
                placement_id=placement.id,
                channel=placement.channel,
                details=details,
            )
        session.commit()
        return proof


@dataclass(frozen=True)
class MissingProof:
    placement_id: int
    site: str
    address: str
    media_owner: str
    flight_start: date
    days_overdue: int


def missing_proofs(db: Database, *, now: datetime, grace_days: int) -> list[MissingProof]:
    """Return live or delivered posters with no photo ``grace_days`` after their flight start."""
    out = []
    with db.session() as session:
        rows = session.exec(
            select(Placement, Site)
            .join(Site, Site.id == Placement.site_id)  # type: ignore[arg-type]
            .where(
                Placement.kind == PlacementKind.PRINT,
                Placement.state.in_([S.DELIVERED.value, S.LIVE.value]),
            )
        )  # type: ignore[attr-defined]
        for p, site in rows:
            if p.flight_start is None:
                continue
            today = now.astimezone(ZoneInfo(p.timezone)).date()
            overdue = (today - (p.flight_start + timedelta(days=grace_days))).days
            if overdue >= 0:
                out.append(
                    MissingProof(
                        p.id,
                        site.code,
                        site.address,
                        site.media_owner,  # type: ignore[arg-type]
                        p.flight_start,
                        overdue,
                    )
                )
    return sorted(out, key=lambda m: (-m.days_overdue, m.site))
