"""Renditions in the library: made once per (master, format spec, focal point, renderer).

A rendition's cache key holds only what changes the output, so asking again
returns the stored one, and two workers racing on the same key create one
row: the loser's insert hits the unique key and it returns the winner's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assets.formats import ChannelFormat, FormatRegistry
from assets.library import master_key
from assets.storage import Storage, content_key
from campaign.db import Database
from campaign.errors import NotFound
from campaign.models import ArtworkVersion, ChannelFormatRef, Rendition


def cache_key(version: ArtworkVersion, fmt: ChannelFormat, renderer_version: str) -> str:
    """Return the key of a rendition: the master's hash plus what changes the pixels."""
    parts = {
        "master": version.master_sha256,
        "format": fmt.spec_hash(),
        "renderer": renderer_version,
        "focal": [round(version.focal_x, 4), round(version.focal_y, 4)],
        "keep": [round(v, 4) for v in version.keep_region] if version.keep_region else None,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _find(session: Session, key: str) -> Rendition | None:
    return session.exec(select(Rendition).where(Rendition.cache_key == key)).first()


def _ensure_format_row(session: Session, fmt: ChannelFormat, now: datetime) -> None:
    row = session.get(ChannelFormatRef, fmt.id)
    spec_hash = fmt.spec_hash()
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    ChannelFormatRef(
                        id=fmt.id,
                        group=fmt.group.value,
                        spec_hash=spec_hash,
                        spec=fmt.model_dump(mode="json"),
                        updated_at=now,
                    )
                )
        except IntegrityError:
            pass  # another worker recorded it first
    elif row.spec_hash != spec_hash:
        row.spec, row.spec_hash, row.updated_at = fmt.model_dump(mode="json"), spec_hash, now
        session.add(row)


def ensure_rendition(
    db: Database,
    storage: Storage,
    formats: FormatRegistry,
    *,
    version_id: int,
    format_id: str,
    max_pixels: int,
    now: datetime,
) -> tuple[Rendition, bool]:
    """Return a version's rendition in a format, made if missing, and whether it was made."""
    from assets.render import RENDERER_VERSION, render_format
    from assets.render.intake import open_master

    fmt = formats.get(format_id)
    with db.session() as session:
        version = session.get(ArtworkVersion, version_id)
        if version is None:
            raise NotFound(f"no artwork version {version_id}")
        key = cache_key(version, fmt, RENDERER_VERSION)
        existing = _find(session, key)
        if existing is not None:
            return existing, False
        focal = (version.focal_x, version.focal_y)
        keep = tuple(version.keep_region) if version.keep_region else None
        blob = master_key(version.master_sha256, version.master_format)
    # Render outside any transaction: it takes seconds and holds no lock.
    with storage.local_path(blob) as path:
        master = open_master(path, max_pixels=max_pixels, targets=[fmt.size])
        rendered = render_format(master, fmt, focal=focal, keep=keep)  # type: ignore[arg-type]
    sha = rendered.sha256()
    storage_key = content_key("renditions", sha, rendered.extension)
    if not storage.exists(storage_key):
        storage.put_file(storage_key, rendered.path)
    with db.session() as session:
        _ensure_format_row(session, fmt, now)
        row = Rendition(
            version_id=version_id,
            format_id=fmt.id,
            cache_key=key,
            storage_key=storage_key,
            sha256=sha,
            width=rendered.size[0],
            height=rendered.size[1],
            bytes=rendered.nbytes,
            status=rendered.preflight.status,
            messages=rendered.preflight.messages,
            created_at=now,
        )
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            winner = _find(session, key)
            if winner is None:
                raise
            return winner, False
        return row, True


@dataclass(frozen=True)
class VersionStatus:
    version_id: int
    total: int
    done: int
    counts: dict[str, int]
    renditions: list[Rendition]

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def label(self) -> str:
        if not self.complete:
            return f"rendering ({self.done}/{self.total})"
        worst = next((s for s in ("fail", "warn") if self.counts.get(s)), "ok")
        return f"rendered: {worst}" if worst != "ok" else "rendered: ok"


def version_status(
    db: Database, formats: FormatRegistry, *, version_id: int, format_ids: list[str] | None = None
) -> VersionStatus:
    """Return how many of a version's renditions exist, with their preflight statuses."""
    from assets.render import RENDERER_VERSION

    wanted = [formats.get(f) for f in format_ids] if format_ids else list(formats)
    with db.session() as session:
        version = session.get(ArtworkVersion, version_id)
        if version is None:
            raise NotFound(f"no artwork version {version_id}")
        keys = {cache_key(version, f, RENDERER_VERSION): f.id for f in wanted}
        rows = session.exec(
            select(Rendition).where(Rendition.cache_key.in_(list(keys)))  # type: ignore[attr-defined]
        ).all()
    order = {f.id: i for i, f in enumerate(wanted)}
    rows = sorted(rows, key=lambda r: order.get(r.format_id, 0))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return VersionStatus(version_id, len(wanted), len(rows), counts, list(rows))


def rendition_for(app, placement) -> Rendition:  # type: ignore[no-untyped-def]
    """Return (making it if needed) the rendition a placement sends out."""
    row, _ = ensure_rendition(
        app.db,
        app.storage,
        app.formats,
        version_id=placement.version_id,
        format_id=placement.format_id,
        max_pixels=app.settings.max_image_pixels,
        now=app.clock.now(),
    )
    return row
