"""The campaign report: one HTML file (timeline, contact sheets, log) that needs no server."""

from __future__ import annotations

import html
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from assets.render.sheet import Cell, sheet_of_cells, sheet_png, thumbnail_of
from assets.storage import Storage
from campaign.db import Database
from campaign.models import (
    Artwork,
    ArtworkVersion,
    Campaign,
    Placement,
    PlacementEvent,
    Rendition,
    Site,
)

_COLOURS = {
    "billboard": "#2a9d8f",
    "bus": "#e9c46a",
    "bus-stop": "#f4a261",
    "newspaper": "#8d99ae",
    "social": "#1d3557",
}
_STATE = {
    "published": "#1b7f3b",
    "completed": "#1b7f3b",
    "posted": "#1b7f3b",
    "live": "#2a9d8f",
    "delivered": "#2a9d8f",
    "failed": "#c53030",
    "missed": "#c53030",
    "unknown": "#b7791f",
}


def timeline_svg(placements: list[Placement], zone: ZoneInfo, today: date) -> str:
    """Return an SVG chart: one lane per channel, flights as bars, posts as dots."""
    days = (
        [p.flight_start for p in placements if p.flight_start]
        + [p.flight_end for p in placements if p.flight_end]
        + [p.due_at.astimezone(zone).date() for p in placements if p.due_at and not p.flight_start]
    )
    if not days:
        return "<p>No placements.</p>"
    first, last = min(days), max(days)
    span = max(1, (last - first).days + 1)
    channels = sorted({p.channel for p in placements})
    width, lane, left = 1000, 46, 110
    scale = (width - left - 60) / span  # room for the last date and "today" at the right
    height = 40 + lane * len(channels)
    out = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Rollout timeline">'
    ]
    for i in range(0, span + 1, 7):
        x = left + i * scale
        out.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>'
            f'<text x="{x + 2:.1f}" y="14" font-size="10">{first + timedelta(days=i):%d %b}'
            "</text>"
        )
    for row, channel in enumerate(channels):
        y = 30 + row * lane
        out.append(f'<text x="4" y="{y + 18}" font-size="12">{html.escape(channel)}</text>')
        mine = [p for p in placements if p.channel == channel]
        for j, p in enumerate(mine):
            colour = _STATE.get(p.state, _COLOURS.get(channel, "#999"))
            if p.flight_start and p.flight_end:
                x = left + (p.flight_start - first).days * scale
                w = max(2.0, ((p.flight_end - p.flight_start).days + 1) * scale)
                yy = y + 4 + (j % 6) * 5
                out.append(
                    f'<rect x="{x:.1f}" y="{yy}" width="{w:.1f}" height="4" '
                    f'fill="{colour}"><title>{html.escape(p.plan_key)}: {p.state}'
                    "</title></rect>"
                )
            elif p.due_at:
                d = p.due_at.astimezone(zone)
                x = left + ((d.date() - first).days + d.hour / 24) * scale
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y + 18}" r="4" fill="{colour}">'
                    f"<title>{html.escape(p.plan_key)}: {p.state}</title></circle>"
                )
    if first <= today <= last + timedelta(days=1):
        x = left + (today - first).days * scale
        out.append(
            f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height}" stroke="#c53030" '
            f'stroke-width="2"/><text x="{x + 3:.1f}" y="{height - 4}" font-size="10" '
            'fill="#c53030">today</text>'
        )
    out.append("</svg>")
    return "".join(out)


def write_report(db: Database, storage: Storage, *, slug: str, folder: Path, now: datetime) -> Path:
    """Write ``report.html`` and its contact sheets into ``folder``; return the report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    with db.session() as session:
        campaign = session.exec(select(Campaign).where(Campaign.slug == slug)).one()
        zone = ZoneInfo(campaign.timezone)
        placements = list(
            session.exec(
                select(Placement)
                .where(Placement.campaign_id == campaign.id)
                .order_by(Placement.due_at)
            )
        )
        sites = {s.id: s for s in session.exec(select(Site).where(Site.campaign_id == campaign.id))}
        events = list(
            session.exec(
                select(PlacementEvent)
                .where(PlacementEvent.campaign_id == campaign.id)
                .order_by(PlacementEvent.id)
            )
        )
        versions = list(
            session.exec(
                select(Artwork, ArtworkVersion)
                .join(ArtworkVersion, ArtworkVersion.artwork_id == Artwork.id)  # type: ignore[arg-type]
                .where(Artwork.campaign_id == campaign.id)
                .order_by(Artwork.key)
            )
        )
        renditions = {
            v.id: list(
                session.exec(
                    select(Rendition)
                    .where(Rendition.version_id == v.id)
                    .order_by(Rendition.format_id)
                )
            )
            for _, v in versions
        }
    sheets = []
    for art, version in versions:
        cells = [
            Cell(
                r.format_id,
                f"{r.width} x {r.height} px  {r.bytes / 1e6:.1f} MB",
                r.status,
                r.messages[0].split(": ", 1)[-1] if r.messages else "",
                thumbnail_of(storage.get_bytes(r.storage_key)),
            )
            for r in renditions[version.id]
        ]  # type: ignore[index]
        if not cells:
            continue
        name = f"contact-sheet-{art.key}-v{version.number}.png"
        sheet = sheet_of_cells(cells, f"{art.title} v{version.number}")
        (folder / name).write_bytes(sheet_png(sheet))
        sheets.append((art, version, name))
    by_state = Counter((p.channel, p.state) for p in placements)
    channels = sorted({c for c, _ in by_state})
    states = sorted({s for _, s in by_state})
    rows = "".join(
        f"<tr><th>{html.escape(c)}</th>"
        + "".join(f"<td>{by_state.get((c, s), '')}</td>" for s in states)
        + "</tr>"
        for c in channels
    )
    log_rows = "".join(
        f"<tr><td>{e.at.astimezone(zone):%Y-%m-%d %H:%M}</td><td>{html.escape(e.actor)}</td>"
        f"<td>{html.escape(e.action)}</td><td>{e.placement_id or ''}</td>"
        f"<td>{html.escape(e.from_state or '')}</td><td>{html.escape(e.to_state or '')}</td>"
        f"<td>{html.escape(_detail(e.details))}</td></tr>"
        for e in events
    )
    placement_rows = "".join(
        f"<tr><td>{p.id}</td><td>{html.escape(p.channel)}</td>"
        f"<td>{html.escape(sites[p.site_id].code if p.site_id in sites else '')}</td>"
        f"<td>{html.escape(p.format_id)}</td><td>{_when(p, zone)}</td>"
        f"<td class='s-{p.state}'>{p.state}</td>"
        f"<td>{_link(p)}</td></tr>"
        for p in placements
    )
    sheet_html = "".join(
        f"<figure><img src='{n}' alt='Contact sheet of {html.escape(a.title)} v{v.number}' "
        f"loading='lazy'><figcaption>{html.escape(a.title)} v{v.number}"
        f"{' (approved by ' + html.escape(v.approved_by) + ')' if v.approved_by else ''}"
        "</figcaption></figure>"
        for a, v, n in sheets
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(campaign.name)}: campaign report</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;color:#111;max-width:1200px}}
table{{border-collapse:collapse;font-size:13px;margin:1rem 0}}
td,th{{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}}
.s-published,.s-completed,.s-posted{{color:#1b7f3b}} .s-failed,.s-missed{{color:#c53030}}
figure img{{max-width:100%;border:1px solid #ddd}}
</style></head><body>
<h1>{html.escape(campaign.name)}</h1>
<p>Report made {now.astimezone(zone):%d %B %Y %H:%M %Z} ({html.escape(campaign.timezone)}):
{len(placements)} placements, {len(events)} log entries.</p>
<h2>Timeline</h2>{timeline_svg(placements, zone, now.astimezone(zone).date())}
<h2>Placements by channel and state</h2>
<table><tr><th></th>{"".join(f"<th>{s}</th>" for s in states)}</tr>{rows}</table>
<h2>Contact sheets</h2>{sheet_html}
<h2>Placements</h2>
<table><tr><th>id</th><th>channel</th><th>site</th><th>format</th><th>when</th><th>state</th>
<th>link</th></tr>{placement_rows}</table>
<h2>Placement log</h2>
<table><tr><th>when</th><th>who</th><th>what</th><th>placement</th><th>from</th><th>to</th>
<th>details</th></tr>{log_rows}</table>
</body></html>
"""
    path = folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def _when(p: Placement, zone: ZoneInfo) -> str:
    if p.flight_start:
        return f"{p.flight_start} to {p.flight_end}"
    return f"{p.due_at.astimezone(zone):%Y-%m-%d %H:%M}" if p.due_at else ""


def _link(p: Placement) -> str:
    if p.permalink and p.permalink.startswith("http"):
        return f"<a href='{html.escape(p.permalink)}'>{html.escape(p.external_id or 'post')}</a>"
    return html.escape(p.external_id or "")


def _detail(details: dict[str, object]) -> str:
    keep = {k: v for k, v in details.items() if k not in ("files",)}
    return ", ".join(f"{k}={v}" for k, v in keep.items())[:160]
