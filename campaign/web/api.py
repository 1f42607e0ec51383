"""The JSON API under /api/v1 (Bearer tokens; see /docs for the OpenAPI description)."""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from pydantic import BaseModel
from sqlmodel import select

from assets.library import add_master
from assets.renditions import version_status
from campaign import logquery
from campaign.approvals import approve_version
from campaign.errors import NotFound
from campaign.models import Campaign, Placement
from campaign.web.deps import MAX_ID, AppDep, Authorized, RowId
from campaign.web.pages import _save_limited

router = APIRouter(prefix="/api/v1", tags=["api"])


class CampaignOut(BaseModel):
    slug: str
    name: str
    timezone: str


class PlacementOut(BaseModel):
    id: int
    plan_key: str
    kind: str
    channel: str
    format_id: str
    state: str
    due_at: datetime | None
    flight_start: date | None
    flight_end: date | None
    external_id: str | None
    permalink: str | None


class PageOut(BaseModel):
    items: list[dict[str, Any]]
    next: str | None


class RenditionOut(BaseModel):
    id: int
    format_id: str
    width: int
    height: int
    bytes: int
    status: str
    messages: list[str]


class VersionOut(BaseModel):
    id: int
    status: str
    complete: bool
    renditions: list[RenditionOut]


class ApprovedOut(BaseModel):
    version_id: RowId
    placements_approved: int


@router.get("/campaigns", name="api_campaigns", response_model=list[CampaignOut])
def api_campaigns(app: AppDep, viewer: Authorized) -> list[CampaignOut]:
    with app.db.session() as s:
        return [
            CampaignOut(slug=c.slug, name=c.name, timezone=c.timezone)
            for c in s.exec(select(Campaign).order_by(Campaign.slug))
        ]


@router.get("/campaigns/{slug}/placements", name="api_placements", response_model=PageOut)
def api_placements(
    app: AppDep,
    viewer: Authorized,
    slug: str,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> PageOut:
    with app.db.session() as s:
        c = s.exec(select(Campaign).where(Campaign.slug == slug)).first()
        if c is None:
            raise NotFound(f"no campaign {slug!r}")
        rows = list(
            s.exec(
                select(Placement)
                .where(Placement.campaign_id == c.id, Placement.id > after)  # type: ignore[operator]
                .order_by(Placement.id)
                .limit(limit)
            )
        )
    items = [
        PlacementOut.model_validate(p, from_attributes=True).model_dump(mode="json") for p in rows
    ]
    more = len(rows) == limit
    return PageOut(
        items=items,
        next=f"/api/v1/campaigns/{slug}/placements?limit={limit}&after={rows[-1].id}"
        if more
        else None,
    )


@router.get("/log", name="api_log", response_model=PageOut)
def api_log(
    app: AppDep,
    viewer: Authorized,
    campaign: str | None = None,
    channel: str | None = None,
    site: str | None = None,
    status: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> PageOut:
    f = logquery.LogFilter(
        campaign=campaign, channel=channel, site=site, status=status, since=since, until=until
    )
    rows = logquery.page(app.db, f, limit=limit, before=before)
    items = [r.as_dict() for r in rows]
    nxt = None
    if len(rows) == limit:
        query = "&".join(f"{k}={v}" for k, v in f.as_query().items())
        nxt = f"/api/v1/log?limit={limit}&before={rows[-1].event.id}" + (
            f"&{query}" if query else ""
        )
    return PageOut(items=items, next=nxt)


@router.get("/formats", name="api_formats")
def api_formats(app: AppDep, viewer: Authorized) -> list[dict[str, Any]]:
    return [f.summary() for f in app.formats]


@router.get("/versions/{version_id}", name="api_version", response_model=VersionOut)
def api_version(app: AppDep, viewer: Authorized, version_id: RowId) -> VersionOut:
    st = version_status(app.db, app.formats, version_id=version_id)
    return VersionOut(
        id=version_id,
        status=st.label,
        complete=st.complete,
        renditions=[
            RenditionOut(
                id=r.id,
                format_id=r.format_id,
                width=r.width,
                height=r.height,  # type: ignore[arg-type]
                bytes=r.bytes,
                status=r.status,
                messages=r.messages,
            )
            for r in st.renditions
        ],
    )


@router.post("/versions/{version_id}/approve", name="api_approve", response_model=ApprovedOut)
def api_approve(app: AppDep, viewer: Authorized, version_id: RowId) -> ApprovedOut:
    n = approve_version(app.db, version_id=version_id, actor=viewer.actor, now=app.clock.now())
    return ApprovedOut(version_id=version_id, placements_approved=n)


@router.post(
    "/campaigns/{slug}/artworks", name="api_upload", response_model=VersionOut, status_code=201
)
async def api_upload(
    app: AppDep,
    viewer: Authorized,
    slug: str,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form()],
) -> VersionOut:
    with tempfile.TemporaryDirectory(prefix="campaign-upload-") as tmp:
        path = Path(tmp) / Path(file.filename or "upload").name
        await _save_limited(file, path, app.settings.max_upload_bytes)
        added = add_master(
            app.db,
            app.storage,
            campaign_slug=slug,
            path=path,
            title=title,
            max_pixels=app.settings.max_image_pixels,
            actor=viewer.actor,
            now=app.clock.now(),
        )
    for fmt in app.formats:
        app.dispatcher.render(added.version.id, fmt.id)  # type: ignore[arg-type]
    return api_version(app, viewer, added.version.id)  # type: ignore[arg-type]
