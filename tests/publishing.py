"""Set-up for publishing tests: a fake X account, a stored master, queued posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assets.library import add_master
from campaign import campaigns
from campaign.bootstrap import App, bootstrap
from campaign.clock import Clock
from campaign.db import Database, make_engine
from campaign.devtools.fakex import FakeX
from campaign.models import Placement, Site
from campaign.settings import Settings
from campaign.states import PlacementKind, PlacementState
from tests import images

HANDLE = "@TogetherAsOneMSY"


def settings_for(db_url: str, tmp_path: Path, fake: FakeX | None, **extra: object) -> Settings:
    values: dict[str, object] = {
        "database_url": db_url,
        "data_dir": tmp_path / "var",
        "storage_url": f"file://{tmp_path / 'store'}",
        "environment": "test",
    }
    if fake is not None:
        values |= {
            "x_api_base": fake.url,
            "x_upload_base": fake.url,
            "x_credentials": json.dumps({HANDLE: fake.add_account(HANDLE)}),
        }
    return Settings(**(values | extra))  # type: ignore[arg-type]


def make_app(settings: Settings, clock: Clock | None = None) -> App:
    return bootstrap(settings, clock=clock)


def queue_posts(
    app: App,
    tmp_path: Path,
    count: int,
    *,
    due: datetime | None = None,
    network: str = "x",
    spacing: timedelta = timedelta(0),
    state: PlacementState = PlacementState.QUEUED,
) -> list[int]:
    """Add a campaign, a real master, an account, and ``count`` placements in ``state``."""
    now = datetime.now(UTC)
    campaigns.ensure_campaign(
        app.db, slug="tao", name="Together As One", timezone="Europe/London", actor="test", now=now
    )
    master = images.master_jpeg(tmp_path / "master.jpg", (2000, 1200), dot=(0.5, 0.5))
    added = add_master(
        app.db,
        app.storage,
        campaign_slug="tao",
        path=master,
        title="Main",
        max_pixels=150_000_000,
        actor="test",
        now=now,
    )
    due = due or now
    with app.db.session() as s:
        site = Site(
            campaign_id=added.artwork.campaign_id, code=HANDLE, kind="account", network=network
        )
        s.add(site)
        s.flush()
        rows = [
            Placement(
                campaign_id=site.campaign_id,
                plan_key=f"post-{i}",
                kind=PlacementKind.SOCIAL,
                channel="social",
                version_id=added.version.id,
                format_id="x-landscape",  # type: ignore[arg-type]
                site_id=site.id,
                state=state,
                timezone="Europe/London",  # type: ignore[arg-type]
                due_at=due + spacing * i,
                updated_at=now,
                post_text=f"Together As One, post {i}: https://example.org/tao/{i}",
                alt_text=f"Campaign image {i}",
            )
            for i in range(count)
        ]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]  # type: ignore[misc]


def states(db_url: str) -> dict[int, str]:
    db = Database(make_engine(db_url))
    try:
        with db.session() as s:
            from sqlmodel import select

            return {p.id: p.state for p in s.exec(select(Placement))}  # type: ignore[misc]
    finally:
        db.engine.dispose()
