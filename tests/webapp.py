"""A seeded web app for tests: users of every role, a campaign from a plan, a rendition."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import select

from assets.renditions import ensure_rendition
from assets.storage import open_storage
from campaign import migrate
from campaign.bootstrap import App, bootstrap
from campaign.db import make_engine
from campaign.dispatch import RecordingDispatcher
from campaign.models import ArtworkVersion, Placement, Rendition
from campaign.settings import Settings
from campaign.users import create_user
from schedules.apply import apply_plan
from tests.plans import write_plan

PASSWORD = "correct horse battery"
ROLES = ("comms", "manager", "viewer", "admin")
NOW = datetime(2027, 1, 1, tzinfo=UTC)


@dataclass
class Seeded:
    app: App
    sent: RecordingDispatcher
    version_id: int
    rendition_id: int
    placement_id: int


def seed(db_url: str, tmp_path: Path) -> Seeded:
    settings = Settings(
        database_url=db_url,
        data_dir=tmp_path / "var",
        environment="test",
        storage_url=f"file://{tmp_path / 'store'}",
    )
    migrate.upgrade(make_engine(db_url))
    app = bootstrap(settings)
    sent = RecordingDispatcher()
    app.__dict__["dispatcher"] = sent  # record instead of sending to a broker
    for role in ROLES:
        create_user(app.db, email=f"{role}@example.org", role=role, password=PASSWORD, now=NOW)
    apply_plan(
        app.db,
        open_storage(settings.effective_storage_url),
        app.formats,
        path=write_plan(tmp_path / "plan"),
        now=NOW,
        max_pixels=150_000_000,
        actor="t",
    )
    with app.db.session() as s:
        version = s.exec(select(ArtworkVersion)).one()
        placement = s.exec(select(Placement)).first()
    ensure_rendition(
        app.db,
        app.storage,
        app.formats,
        version_id=version.id,  # type: ignore[arg-type]
        format_id="x-landscape",
        max_pixels=150_000_000,
        now=NOW,
    )
    with app.db.session() as s:
        rendition = s.exec(select(Rendition)).one()
    return Seeded(app, sent, version.id, rendition.id, placement.id)  # type: ignore[arg-type]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def signed_in(client: TestClient, role: str) -> str:
    """Sign in as ``role``; return a CSRF token for later posts."""
    token = csrf_of(client.get("/login").text)
    resp = client.post(
        "/login",
        data={"email": f"{role}@example.org", "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert resp.status_code == 303, resp.text
    return csrf_of(client.get("/").text)
