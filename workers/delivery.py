"""Print deliveries: one package per media owner and flight, put at the owner's destination.

A package holds the print-ready renditions, ``manifest.json`` (sites, flight,
format, file and sha256 for each) and a contact sheet. Its folder name is a
hash of what it contains and its bytes carry no timestamps, so a re-run after
a crash writes the very same package again, never a second, different one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from assets.render.sheet import Cell, sheet_of_cells, sheet_png, thumbnail_of
from assets.renditions import rendition_for
from assets.storage import open_storage
from campaign.bootstrap import App
from campaign.errors import CampaignError
from campaign.models import Artwork, ArtworkVersion, Campaign, Placement, Rendition, Site
from campaign.placements import claim, claim_many
from campaign.states import PlacementKind, PlacementState

S = PlacementState
ACTOR = "worker"


@dataclass(frozen=True)
class Package:
    prefix: str
    files: dict[str, str]  # name -> sha256
    placement_ids: list[int]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "media-owner"


def deliver(app: App, placement_ids: list[int]) -> list[Package]:
    """Claim, package and deliver print placements; return the packages written."""
    now = app.clock.now()
    with app.db.session() as session:
        won = claim_many(
            session, placement_ids, expected=S.QUEUED, target=S.PUBLISHING, actor=ACTOR, now=now
        )
        won = [p for p in won if p.kind == PlacementKind.PRINT]
        session.commit()
    groups: dict[tuple[str, str, str], list[Placement]] = defaultdict(list)
    with app.db.session() as session:
        for p in won:
            site = session.get(Site, p.site_id)
            groups[
                (site.media_owner if site else "", str(p.flight_start), str(p.flight_end))
            ].append(p)
    packages = []
    for (owner, start, end), group in sorted(groups.items()):
        try:
            package = _package(app, owner, start, end, group)
            if package is not None:
                packages.append(package)
        except CampaignError as exc:
            _fail_refused(app, [(p, str(exc)) for p in group])
    return packages


def _package(app: App, owner: str, start: str, end: str, group: list[Placement]) -> Package | None:
    # Read what the package needs, then close the session before rendering: the
    # rendition service opens its own (SQLite allows one writer at a time).
    with app.db.session() as session:
        campaign = session.get(Campaign, group[0].campaign_id)
        rows = []
        for p in sorted(group, key=lambda x: x.plan_key):
            version = session.get(ArtworkVersion, p.version_id)
            artwork = session.get(Artwork, version.artwork_id) if version else None
            site = session.get(Site, p.site_id)
            rows.append((p, version, artwork, site))
    files: dict[str, bytes] = {}
    sites = []
    cells: dict[str, Cell] = {}
    refused: list[tuple[Placement, str]] = []
    for p, version, artwork, site in rows:
        rendition = rendition_for(app, p)
        if rendition.status == "fail":
            # Never send a media owner a file that failed preflight.
            refused.append(
                (
                    p,
                    f"the {p.format_id} rendition failed preflight: "
                    f"{'; '.join(rendition.messages)}",
                )
            )
            continue
        ext = rendition.storage_key.rsplit(".", 1)[-1]
        name = (
            f"{p.format_id}__{artwork.key if artwork else 'artwork'}-v"
            f"{version.number if version else 0}.{ext}"
        )
        if name not in files:
            files[name] = app.storage.get_bytes(rendition.storage_key)
            cells[name] = _cell(rendition, name, files[name])
        sites.append(
            {
                "placement_id": p.id,
                "key": p.plan_key,
                "site": site.code if site else None,
                "address": site.address if site else None,
                "format": p.format_id,
                "file": name,
                "sha256": rendition.sha256,
                "preflight": rendition.status,
            }
        )
    if not files:
        _fail_refused(app, refused)
        return None
    checksums = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    manifest = {
        "campaign": campaign.slug if campaign else None,
        "media_owner": owner,
        "flight": {"start": start, "end": end},
        "sites": sites,
        "files": checksums,
    }
    package_id = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()[:12]
    prefix = f"deliveries/{_slug(owner)}/{start}_{end}/{package_id}"
    sheet = sheet_png(
        sheet_of_cells([cells[n] for n in sorted(cells)], f"{owner}: flight {start} to {end}")
    )
    dest = open_storage(app.settings.effective_delivery_url)
    for name, data in sorted(files.items()):
        dest.put_bytes(f"{prefix}/{name}", data)
    dest.put_bytes(f"{prefix}/contact-sheet.png", sheet)
    checksums["contact-sheet.png"] = hashlib.sha256(sheet).hexdigest()
    # The manifest goes last: its presence says the package is complete.
    dest.put_bytes(
        f"{prefix}/manifest.json", (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    )
    refused_ids = {p.id for p, _ in refused}
    now = app.clock.now()
    with app.db.session() as session:
        for p in group:
            if p.id not in refused_ids:
                claim(
                    session,
                    p.id,
                    expected=S.PUBLISHING,
                    target=S.DELIVERED,
                    actor=ACTOR,  # type: ignore[arg-type]
                    now=now,
                    details={"package": f"{dest.url.rstrip('/')}/{prefix}", "files": checksums},
                )
        session.commit()
    _fail_refused(app, refused)
    return Package(prefix, checksums, [p.id for p in group if p.id not in refused_ids])  # type: ignore[misc]


def _fail_refused(app: App, refused: list[tuple[Placement, str]]) -> None:
    with app.db.session() as session:
        for p, reason in refused:
            row = claim(
                session,
                p.id,
                expected=S.PUBLISHING,
                target=S.FAILED,
                actor=ACTOR,  # type: ignore[arg-type]
                now=app.clock.now(),
                details={"reason": reason},
            )
            if row is not None:
                row.last_error = reason
                session.add(row)
        session.commit()


def _cell(rendition: Rendition, name: str, data: bytes) -> Cell:
    note = rendition.messages[0].split(": ", 1)[-1] if rendition.messages else ""
    return Cell(
        name,
        f"{rendition.width} x {rendition.height} px  {rendition.bytes / 1e6:.1f} MB",
        rendition.status,
        note,
        thumbnail_of(data),
    )
