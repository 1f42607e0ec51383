"""Server-rendered pages. Each route parses input, calls one service, renders the result."""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlmodel import select

from assets.library import add_master, set_focal
from assets.renditions import version_status
from campaign import logquery
from campaign.approvals import approve_version
from campaign.errors import CampaignError, InvalidInput, NotFound
from campaign.models import (
    Artwork,
    ArtworkVersion,
    Campaign,
    Placement,
    PlacementEvent,
    Proof,
    Rendition,
    Site,
)
from campaign.report import timeline_svg
from campaign.users import authenticate, create_token, create_user, list_users
from campaign.web.deps import MAX_ID, AppDep, Authorized, RowId, check_csrf, csrf_token

router = APIRouter()
Csrf = Depends(check_csrf)


def render(request: Request, template: str, viewer, code: int = 200, **context) -> HTMLResponse:  # type: ignore[no-untyped-def]
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        template,
        {"viewer": viewer, "csrf": csrf_token(request), **context},
        status_code=code,
    )


def _campaign(app, slug: str) -> Campaign:  # type: ignore[no-untyped-def]
    with app.db.session() as s:
        c = s.exec(select(Campaign).where(Campaign.slug == slug)).first()
    if c is None:
        raise NotFound(f"no campaign {slug!r}")
    return c


# --- signing in ---------------------------------------------------------------------
@router.get("/login", name="login_form", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return render(request, "login.html", None)


@router.post("/login", name="login", response_class=HTMLResponse, dependencies=[Csrf])
def login(
    request: Request, app: AppDep, email: Annotated[str, Form()], password: Annotated[str, Form()]
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        user = authenticate(
            app.db, email=email, password=password, address=address, now=app.clock.now()
        )
    except CampaignError as exc:
        return render(
            request, "login.html", None, code=exc.http_status, error=str(exc), email=email
        )
    request.session.clear()
    request.session["uid"] = user.id
    return RedirectResponse("/", status_code=303)


@router.post("/logout", name="logout", dependencies=[Csrf])
def logout(request: Request, viewer: Authorized) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# --- campaigns ------------------------------------------------------------------------
@router.get("/", name="campaigns", response_class=HTMLResponse)
def campaigns(request: Request, app: AppDep, viewer: Authorized) -> HTMLResponse:
    with app.db.session() as s:
        rows = list(s.exec(select(Campaign).order_by(Campaign.slug)))
    return render(request, "campaigns.html", viewer, campaigns=rows)


@router.get("/campaigns/{slug}", name="campaign_page", response_class=HTMLResponse)
def campaign_page(request: Request, app: AppDep, viewer: Authorized, slug: str) -> HTMLResponse:
    c = _campaign(app, slug)
    with app.db.session() as s:
        placements = list(s.exec(select(Placement).where(Placement.campaign_id == c.id)))
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for p in placements:
        counts[p.channel][p.state] += 1
    zone = ZoneInfo(c.timezone)
    return render(
        request,
        "campaign.html",
        viewer,
        campaign=c,
        counts=counts,
        timeline=timeline_svg(placements, zone, app.clock.now().astimezone(zone).date()),
    )


# --- the asset library --------------------------------------------------------------
@router.get("/campaigns/{slug}/library", name="library", response_class=HTMLResponse)
def library(
    request: Request, app: AppDep, viewer: Authorized, slug: str, error: str | None = None
) -> HTMLResponse:
    c = _campaign(app, slug)
    with app.db.session() as s:
        rows = list(
            s.exec(
                select(Artwork, ArtworkVersion)
                .join(ArtworkVersion, ArtworkVersion.artwork_id == Artwork.id)  # type: ignore[arg-type]
                .where(Artwork.campaign_id == c.id)
                .order_by(Artwork.key, ArtworkVersion.number)
            )
        )
    return render(request, "library.html", viewer, campaign=c, rows=rows, error=error)


@router.post("/campaigns/{slug}/library", name="upload", dependencies=[Csrf])
async def upload(
    request: Request,
    app: AppDep,
    viewer: Authorized,
    slug: str,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form()],
    label: Annotated[str, Form()] = "",
) -> Response:
    c = _campaign(app, slug)
    try:
        with tempfile.TemporaryDirectory(prefix="campaign-upload-") as tmp:
            path = Path(tmp) / Path(file.filename or "upload").name
            await _save_limited(file, path, app.settings.max_upload_bytes)
            added = add_master(
                app.db,
                app.storage,
                campaign_slug=c.slug,
                path=path,
                title=title.strip() or path.stem,
                label=label,
                max_pixels=app.settings.max_image_pixels,
                actor=viewer.actor,
                now=app.clock.now(),
            )
    except CampaignError as exc:
        with app.db.session() as s:
            rows = list(
                s.exec(
                    select(Artwork, ArtworkVersion)
                    .join(ArtworkVersion, ArtworkVersion.artwork_id == Artwork.id)  # type: ignore[arg-type]
                    .where(Artwork.campaign_id == c.id)
                )
            )
        return render(
            request,
            "library.html",
            viewer,
            code=exc.http_status,
            campaign=c,
            rows=rows,
            error=str(exc),
        )
    for fmt in app.formats:  # after the commit: a worker must find the row
        app.dispatcher.render(added.version.id, fmt.id)
    return RedirectResponse(f"/versions/{added.version.id}", status_code=303)


async def _save_limited(upload: UploadFile, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InvalidInput(f"the file is larger than {limit // (1 << 20)} MB")
            out.write(chunk)


@router.get("/versions/{version_id}", name="version_page", response_class=HTMLResponse)
def version_page(
    request: Request, app: AppDep, viewer: Authorized, version_id: RowId
) -> HTMLResponse:
    with app.db.session() as s:
        version = s.get(ArtworkVersion, version_id)
        if version is None:
            raise NotFound(f"no artwork version {version_id}")
        artwork = s.get(Artwork, version.artwork_id)
        campaign = s.get(Campaign, artwork.campaign_id)  # type: ignore[union-attr]
    status = version_status(app.db, app.formats, version_id=version_id)
    groups: dict[str, list[tuple[Rendition, object]]] = defaultdict(list)
    for r in status.renditions:
        fmt = app.formats.get(r.format_id) if r.format_id in app.formats else None
        groups[fmt.group.value if fmt else "other"].append((r, fmt))
    return render(
        request,
        "version.html",
        viewer,
        version=version,
        artwork=artwork,
        campaign=campaign,
        status=status,
        groups=dict(groups),
    )


def _preview(data: bytes) -> Response:
    """Answer with a small sRGB JPEG of any stored image or PDF (content-addressed: cacheable)."""
    from assets.render.sheet import thumbnail_of

    buf = io.BytesIO()
    thumbnail_of(data).save(buf, "JPEG", quality=85)
    return Response(
        buf.getvalue(), media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"}
    )


@router.get("/versions/{version_id}/master.jpg", name="version_master")
def version_master(app: AppDep, viewer: Authorized, version_id: RowId) -> Response:
    """A screen-sized preview of the master (the focal-point picker shows it)."""
    from assets.library import master_key

    with app.db.session() as s:
        version = s.get(ArtworkVersion, version_id)
    if version is None:
        raise NotFound(f"no artwork version {version_id}")
    return _preview(app.storage.get_bytes(master_key(version.master_sha256, version.master_format)))


@router.post("/versions/{version_id}/focal", name="set_focal", dependencies=[Csrf])
def set_focal_point(
    app: AppDep,
    viewer: Authorized,
    version_id: RowId,
    x: Annotated[float, Form(ge=0, le=1)],
    y: Annotated[float, Form(ge=0, le=1)],
) -> Response:
    set_focal(
        app.db,
        version_id=version_id,
        focal=(x, y),
        keep=None,
        actor=viewer.actor,
        now=app.clock.now(),
    )
    for fmt in app.formats:  # new focal point, new cache keys
        app.dispatcher.render(version_id, fmt.id)
    return RedirectResponse(f"/versions/{version_id}", status_code=303)


@router.post("/versions/{version_id}/render", name="render_version", dependencies=[Csrf])
def render_version(app: AppDep, viewer: Authorized, version_id: RowId) -> Response:
    for fmt in app.formats:
        app.dispatcher.render(version_id, fmt.id)
    return RedirectResponse(f"/versions/{version_id}", status_code=303)


@router.get("/renditions/{rendition_id}", name="rendition_file")
def rendition_file(
    app: AppDep, viewer: Authorized, rendition_id: RowId, download: bool = False
) -> Response:
    with app.db.session() as s:
        r = s.get(Rendition, rendition_id)
    if r is None:
        raise NotFound(f"no rendition {rendition_id}")
    ext = r.storage_key.rsplit(".", 1)[-1]
    types = {
        "jpg": "image/jpeg",
        "png": "image/png",
        "webp": "image/webp",
        "pdf": "application/pdf",
        "tif": "image/tiff",
    }
    headers = {
        "Content-Disposition": f"{'attachment' if download else 'inline'}; "
        f'filename="{r.format_id}.{ext}"'
    }
    return Response(
        app.storage.get_bytes(r.storage_key), media_type=types.get(ext), headers=headers
    )


@router.get("/renditions/{rendition_id}/preview.jpg", name="rendition_preview")
def rendition_preview(app: AppDep, viewer: Authorized, rendition_id: RowId) -> Response:
    """A small sRGB picture of any rendition, PDFs and CMYK included."""
    with app.db.session() as s:
        r = s.get(Rendition, rendition_id)
    if r is None:
        raise NotFound(f"no rendition {rendition_id}")
    return _preview(app.storage.get_bytes(r.storage_key))


@router.get("/versions/{version_id}/contact-sheet.png", name="contact_sheet")
def contact_sheet(app: AppDep, viewer: Authorized, version_id: RowId) -> Response:
    from assets.render.sheet import Cell, sheet_of_cells, sheet_png, thumbnail_of

    status = version_status(app.db, app.formats, version_id=version_id)
    cells = [
        Cell(
            r.format_id,
            f"{r.width} x {r.height} px",
            r.status,
            r.messages[0].split(": ", 1)[-1] if r.messages else "",
            thumbnail_of(app.storage.get_bytes(r.storage_key)),
        )
        for r in status.renditions
    ]
    return Response(
        sheet_png(sheet_of_cells(cells, f"version {version_id}")), media_type="image/png"
    )


# --- approvals ------------------------------------------------------------------------
@router.get("/approvals", name="approvals", response_class=HTMLResponse)
def approvals(request: Request, app: AppDep, viewer: Authorized) -> HTMLResponse:
    with app.db.session() as s:
        waiting = list(
            s.exec(
                select(ArtworkVersion, Artwork, Campaign)
                .join(Artwork, Artwork.id == ArtworkVersion.artwork_id)  # type: ignore[arg-type]
                .join(Campaign, Campaign.id == Artwork.campaign_id)  # type: ignore[arg-type]
                .where(ArtworkVersion.approved_at.is_(None))  # type: ignore[union-attr]
                .order_by(Campaign.slug, Artwork.key)
            )
        )
    return render(request, "approvals.html", viewer, waiting=waiting)


@router.post("/versions/{version_id}/approve", name="approve", dependencies=[Csrf])
def approve(app: AppDep, viewer: Authorized, version_id: RowId) -> Response:
    approve_version(app.db, version_id=version_id, actor=viewer.actor, now=app.clock.now())
    return RedirectResponse(f"/versions/{version_id}", status_code=303)


# --- the placement log ----------------------------------------------------------------
def _day(value: str | None, name: str) -> date | None:
    # A filter form sends its empty date fields as "": that means "no filter".
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: use a date such as 2027-02-01") from None


def _filter(
    campaign: str | None,
    channel: str | None,
    site: str | None,
    status: str | None,
    since: str | None,
    until: str | None,
) -> logquery.LogFilter:
    return logquery.LogFilter(
        campaign=campaign or None,
        channel=channel or None,
        site=site or None,
        status=status or None,
        since=_day(since, "since"),
        until=_day(until, "until"),
    )


OptDate = Annotated[str | None, Query(description="YYYY-MM-DD")]


@router.get("/log", name="log_page", response_class=HTMLResponse)
def log_page(
    request: Request,
    app: AppDep,
    viewer: Authorized,
    campaign: str | None = None,
    channel: str | None = None,
    site: str | None = None,
    status: str | None = None,
    since: OptDate = None,
    until: OptDate = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> HTMLResponse:
    f = _filter(campaign, channel, site, status, since, until)
    rows = logquery.page(app.db, f, limit=50, before=before)
    with app.db.session() as s:
        slugs = list(s.exec(select(Campaign.slug)))
    zone = ZoneInfo(app.settings.timezone)
    return render(
        request,
        "log.html",
        viewer,
        rows=rows,
        filter=f,
        zone=zone,
        slugs=slugs,
        next_before=rows[-1].event.id if len(rows) == 50 else None,
        query=f.as_query(),
    )


@router.get("/log.csv", name="log_csv")
def log_csv(
    app: AppDep,
    viewer: Authorized,
    campaign: str | None = None,
    channel: str | None = None,
    site: str | None = None,
    status: str | None = None,
    since: OptDate = None,
    until: OptDate = None,
) -> StreamingResponse:
    f = _filter(campaign, channel, site, status, since, until)
    chunks = logquery.csv_chunks(logquery.stream(app.db, f), ZoneInfo(app.settings.timezone))
    return StreamingResponse(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="placement-log.csv"'},
    )


@router.get("/placements/{placement_id}", name="placement_page", response_class=HTMLResponse)
def placement_page(
    request: Request, app: AppDep, viewer: Authorized, placement_id: RowId
) -> HTMLResponse:
    with app.db.session() as s:
        p = s.get(Placement, placement_id)
        if p is None:
            raise NotFound(f"no placement {placement_id}")
        site = s.get(Site, p.site_id)
        events = list(
            s.exec(
                select(PlacementEvent)
                .where(PlacementEvent.placement_id == placement_id)
                .order_by(PlacementEvent.id)
            )
        )
        proofs = list(s.exec(select(Proof).where(Proof.placement_id == placement_id)))
        rendition = s.exec(
            select(Rendition)
            .where(Rendition.version_id == p.version_id, Rendition.format_id == p.format_id)
            .order_by(Rendition.id.desc())
        ).first()  # type: ignore[union-attr]
    return render(
        request,
        "placement.html",
        viewer,
        p=p,
        site=site,
        events=events,
        proofs=proofs,
        rendition=rendition,
        zone=ZoneInfo(p.timezone),
    )


# --- users (admin) --------------------------------------------------------------------
@router.get("/admin/users", name="users_page", response_class=HTMLResponse)
def users_page(
    request: Request,
    app: AppDep,
    viewer: Authorized,
    token: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return render(request, "users.html", viewer, users=list_users(app.db), token=token, error=error)


@router.post("/admin/users", name="create_user", dependencies=[Csrf])
def create_user_route(
    request: Request,
    app: AppDep,
    viewer: Authorized,
    email: Annotated[str, Form()],
    role: Annotated[str, Form()],
    password: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> Response:
    try:
        create_user(
            app.db, email=email, role=role, password=password, name=name, now=app.clock.now()
        )
    except CampaignError as exc:
        return render(
            request,
            "users.html",
            viewer,
            code=exc.http_status,
            users=list_users(app.db),
            error=str(exc),
            token=None,
        )
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/tokens", name="create_token", dependencies=[Csrf])
def create_token_route(
    request: Request,
    app: AppDep,
    viewer: Authorized,
    email: Annotated[str, Form()],
    name: Annotated[str, Form()],
) -> Response:
    token = create_token(app.db, email=email, name=name, now=app.clock.now())
    return render(request, "users.html", viewer, users=list_users(app.db), token=token, error=None)
