"""The asset library: masters stored by content, artworks with numbered versions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, select

from assets.render.intake import probe
from assets.storage import Storage, content_key, sha256_file
from campaign import eventlog
from campaign.campaigns import get_by_slug
from campaign.db import Database
from campaign.errors import InvalidInput, NotFound
from campaign.models import Artwork, ArtworkVersion, Placement
from campaign.states import PlacementState

_EXT = {"JPEG": "jpg", "PNG": "png", "TIFF": "tif", "WEBP": "webp", "PDF": "pdf"}


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80] or "artwork"


def master_key(sha256: str, kind: str) -> str:
    return content_key("masters", sha256, _EXT[kind])


@dataclass(frozen=True)
class Added:
    version: ArtworkVersion
    artwork: Artwork
    created: bool  # False when the same bytes were already this artwork's latest version
    withdrawn: int  # approvals withdrawn because a new version replaced an approved one


def _check_point(
    focal: tuple[float, float], keep: tuple[float, float, float, float] | None
) -> None:
    if not all(0 <= v <= 1 for v in focal):
        raise InvalidInput("the focal point must be X,Y between 0 and 1")
    if keep is not None and not (0 <= keep[0] < keep[2] <= 1 and 0 <= keep[1] < keep[3] <= 1):
        raise InvalidInput("the keep-region must be X0,Y0,X1,Y1 between 0 and 1")


def add_master(
    db: Database,
    storage: Storage,
    *,
    campaign_slug: str,
    path: Path,
    title: str,
    key: str | None = None,
    label: str = "",
    focal: tuple[float, float] = (0.5, 0.5),
    keep: tuple[float, float, float, float] | None = None,
    max_pixels: int,
    actor: str,
    now: datetime,
) -> Added:
    """Check and store a master, and record it as the artwork's next version.

    The file is checked (type, pixel count) before anything is stored, so a
    refused file leaves neither a blob nor a row behind.
    """
    master = store_master(storage, path, max_pixels=max_pixels)
    with db.session() as session:
        campaign = get_by_slug(session, campaign_slug)
        added = add_version_in(
            session,
            campaign_id=campaign.id,
            master=master,
            title=title,  # type: ignore[arg-type]
            key=key or slugify(title),
            label=label,
            focal=focal,
            keep=keep,
            actor=actor,
            now=now,
        )
        session.commit()
        return added


@dataclass(frozen=True)
class StoredMaster:
    sha256: str
    kind: str
    width: int
    height: int


def store_master(
    storage: Storage, path: Path, *, max_pixels: int, dry_run: bool = False
) -> StoredMaster:
    """Check a master file and put it in storage under its hash (once)."""
    info = probe(path, max_pixels=max_pixels)
    sha = sha256_file(path)
    blob = master_key(sha, info.kind)
    if not dry_run and not storage.exists(blob):
        storage.put_file(blob, path)
    return StoredMaster(sha, info.kind, info.width, info.height)


def add_version_in(
    session: Session,
    *,
    campaign_id: int,
    master: StoredMaster,
    title: str,
    key: str,
    label: str = "",
    focal: tuple[float, float] = (0.5, 0.5),
    keep: tuple[float, float, float, float] | None = None,
    actor: str,
    now: datetime,
) -> Added:
    """Record a stored master as an artwork's version, inside the caller's transaction.

    Bytes the artwork already has (any version) are not added again; a new
    version withdraws the approval of the one it replaces.
    """
    _check_point(focal, keep)
    artwork = session.exec(
        select(Artwork).where(Artwork.campaign_id == campaign_id, Artwork.key == key)
    ).first()
    if artwork is None:
        artwork = Artwork(campaign_id=campaign_id, key=key, title=title, created_at=now)
        session.add(artwork)
        session.flush()
    elif artwork.title != title:
        artwork.title = title
        session.add(artwork)
    same = session.exec(
        select(ArtworkVersion).where(
            ArtworkVersion.artwork_id == artwork.id, ArtworkVersion.master_sha256 == master.sha256
        )
    ).first()
    if same is not None:
        return Added(same, artwork, False, 0)
    latest = _latest(session, artwork.id)  # type: ignore[arg-type]
    version = ArtworkVersion(
        artwork_id=artwork.id,
        number=(latest.number + 1) if latest else 1,  # type: ignore[arg-type]
        label=label,
        master_sha256=master.sha256,
        master_format=master.kind,
        width=master.width,
        height=master.height,
        focal_x=focal[0],
        focal_y=focal[1],
        keep_region=list(keep) if keep else None,
        created_at=now,
    )
    session.add(version)
    session.flush()
    eventlog.append(
        session,
        at=now,
        actor=actor,
        action="artwork-uploaded",
        campaign_id=campaign_id,
        details={
            "artwork": key,
            "version": version.number,
            "sha256": master.sha256,
            "format": master.kind,
            "width": master.width,
            "height": master.height,
        },
    )
    withdrawn = _withdraw_approvals(session, latest, version, actor=actor, now=now)
    return Added(version, artwork, True, withdrawn)


def _latest(session: Session, artwork_id: int) -> ArtworkVersion | None:
    return session.exec(
        select(ArtworkVersion)
        .where(ArtworkVersion.artwork_id == artwork_id)
        .order_by(ArtworkVersion.number.desc())  # type: ignore[attr-defined]
    ).first()


def _withdraw_approvals(
    session: Session, old: ArtworkVersion | None, new: ArtworkVersion, *, actor: str, now: datetime
) -> int:
    """Move placements of the replaced version to the new one, back to ``planned``.

    Nothing goes out unapproved: a new master needs a manager's approval again.
    Placements already queued or gone out keep the version they were approved with.
    """
    if old is None:
        return 0
    from campaign.placements import move

    moved = 0
    waiting = (PlacementState.PLANNED, PlacementState.APPROVED)
    rows = session.exec(
        select(Placement).where(Placement.version_id == old.id, Placement.state.in_(waiting))  # type: ignore[attr-defined]
    ).all()
    for placement in rows:
        placement.version_id = new.id  # type: ignore[assignment]
        if placement.state == PlacementState.APPROVED:
            move(
                session,
                placement,
                PlacementState.PLANNED,
                actor=actor,
                now=now,
                action="approval-withdrawn",
                details={"reason": f"new master version {new.number}"},
            )
            moved += 1
        else:
            session.add(placement)
    return moved


def set_focal(
    db: Database,
    *,
    version_id: int,
    focal: tuple[float, float],
    keep: tuple[float, float, float, float] | None,
    actor: str,
    now: datetime,
) -> ArtworkVersion:
    """Set a version's focal point and keep-region (renditions are re-made on demand)."""
    _check_point(focal, keep)
    with db.session() as session:
        version = session.get(ArtworkVersion, version_id)
        if version is None:
            raise NotFound(f"no artwork version {version_id}")
        version.focal_x, version.focal_y = focal
        version.keep_region = list(keep) if keep else None
        session.add(version)
        artwork = session.get(Artwork, version.artwork_id)
        eventlog.append(
            session,
            at=now,
            actor=actor,
            action="focal-point-set",
            campaign_id=artwork.campaign_id if artwork else None,
            details={
                "version_id": version_id,
                "focal": list(focal),
                "keep": list(keep) if keep else None,
            },
        )
        session.commit()
        return version
