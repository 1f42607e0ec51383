"""Print deliveries and proof of posting."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlmodel import select

from assets.library import add_master
from campaign import campaigns
from campaign.bootstrap import App
from campaign.errors import ImageRejected, InvalidInput
from campaign.models import Placement, PlacementEvent, Site
from campaign.proofs import add_proof, missing_proofs
from campaign.states import PlacementKind, PlacementState
from tests import images
from tests.clirunner import run_cli
from tests.publishing import make_app, settings_for
from workers.delivery import deliver

S = PlacementState
NOW = datetime(2027, 1, 10, 9, tzinfo=UTC)


@pytest.fixture
def app(db_url: str, tmp_path: Path) -> App:
    return make_app(settings_for(db_url, tmp_path, None))


def _print_placements(app: App, tmp_path: Path, size: tuple[int, int] = (4800, 2400)) -> list[int]:
    campaigns.ensure_campaign(
        app.db, slug="tao", name="T", timezone="Europe/London", actor="t", now=NOW
    )
    added = add_master(
        app.db,
        app.storage,
        campaign_slug="tao",
        title="Main",
        path=images.master_jpeg(tmp_path / "m.jpg", size),
        max_pixels=150_000_000,
        actor="t",
        now=NOW,
    )
    ids = []
    with app.db.session() as s:
        for code, fmt in (
            ("LIV-48-1", "billboard-48-sheet"),
            ("SEF-48-2", "billboard-48-sheet"),
            ("LIV-NEWS", "newspaper-quarter-page"),
        ):
            site = Site(
                campaign_id=added.artwork.campaign_id,
                code=code,
                kind="frame",
                media_owner="Clear Channel",
                address=f"{code} street",
                format_id=fmt,
            )
            s.add(site)
            s.flush()
            p = Placement(
                campaign_id=site.campaign_id,
                plan_key=f"{code}/2027-02-01",
                kind=PlacementKind.PRINT,
                channel="billboard",
                version_id=added.version.id,
                format_id=fmt,
                site_id=site.id,  # type: ignore[arg-type]
                state=S.QUEUED,
                timezone="Europe/London",
                flight_start=date(2027, 2, 1),
                flight_end=date(2027, 2, 14),
                due_at=NOW,
            )
            s.add(p)
            s.flush()
            ids.append(p.id)
        s.commit()
    return ids  # type: ignore[return-value]


def test_a_package_per_media_owner_and_flight(app: App, tmp_path: Path) -> None:
    ids = _print_placements(app, tmp_path)
    (package,) = deliver(app, ids)
    root = tmp_path / "var" / "deliveries" / package.prefix
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["media_owner"] == "Clear Channel"
    assert manifest["flight"] == {"start": "2027-02-01", "end": "2027-02-14"}
    assert sorted(s["site"] for s in manifest["sites"]) == ["LIV-48-1", "LIV-NEWS", "SEF-48-2"]
    import hashlib

    for name, sha in manifest["files"].items():
        assert hashlib.sha256((root / name).read_bytes()).hexdigest() == sha
    pdfs = [n for n in manifest["files"] if n.endswith(".pdf")]
    assert len(pdfs) == 2  # one 48-sheet file serves both frames, one newspaper file
    assert pypdf.PdfReader(root / pdfs[0]).pages[0].trimbox is not None
    assert (root / "contact-sheet.png").stat().st_size > 10_000
    with app.db.session() as s:
        assert {p.state for p in s.exec(select(Placement))} == {S.DELIVERED}
        delivered = s.exec(
            select(PlacementEvent).where(PlacementEvent.to_state == "delivered")
        ).all()
        assert len(delivered) == 3
        assert delivered[0].details["files"]["contact-sheet.png"]


def test_a_file_that_failed_preflight_is_never_delivered(app: App, tmp_path: Path) -> None:
    ids = _print_placements(app, tmp_path, size=(2400, 1200))  # 3x upscale for a 48-sheet
    (package,) = deliver(app, ids)
    assert package.placement_ids == [ids[2]]  # only the newspaper
    with app.db.session() as s:
        failed = [s.get(Placement, i) for i in ids[:2]]
    assert {p.state for p in failed} == {S.FAILED}  # type: ignore[union-attr]
    assert failed[0].last_error.startswith(  # type: ignore[union-attr]
        "the billboard-48-sheet rendition failed preflight: fail: master upscaled 3.00x"
    )


def test_a_rerun_writes_the_same_package_again(app: App, tmp_path: Path) -> None:
    ids = _print_placements(app, tmp_path)
    (first,) = deliver(app, ids)
    root = tmp_path / "var" / "deliveries"
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with app.db.session() as s:  # as if the worker died before recording the delivery
        for p in s.exec(select(Placement)):
            p.state = S.QUEUED
            s.add(p)
        s.commit()
    (second,) = deliver(app, ids)
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert second.prefix == first.prefix and after == before
    assert deliver(app, ids) == []  # delivered: nothing to do


def test_proof_of_posting_and_missing_proofs(app: App, tmp_path: Path) -> None:
    ids = _print_placements(app, tmp_path)
    deliver(app, ids)
    with app.db.session() as s:
        for p in s.exec(select(Placement)):
            p.state = S.LIVE
            s.add(p)
        s.commit()
    later = datetime(2027, 2, 5, 12, tzinfo=UTC)
    assert len(missing_proofs(app.db, now=later, grace_days=3)) == 3
    assert missing_proofs(app.db, now=later - timedelta(days=2), grace_days=3) == []
    photo = images.master_jpeg(tmp_path / "photo.jpg", (800, 600))
    add_proof(
        app.db,
        app.storage,
        placement_id=ids[0],
        photo=photo,
        taken_on=date(2027, 2, 2),
        actor="owner@example.org",
        now=later,
        max_pixels=150_000_000,
    )
    missing = missing_proofs(app.db, now=later, grace_days=3)
    assert sorted(m.site for m in missing) == ["LIV-NEWS", "SEF-48-2"]
    with app.db.session() as s:
        assert s.get(Placement, ids[0]).state == S.POSTED  # type: ignore[union-attr]
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    with pytest.raises(ImageRejected):
        add_proof(
            app.db,
            app.storage,
            placement_id=ids[1],
            photo=text,
            taken_on=date(2027, 2, 2),
            actor="x",
            now=later,
            max_pixels=150_000_000,
        )


def test_proof_needs_a_delivered_poster(app: App, tmp_path: Path) -> None:
    ids = _print_placements(app, tmp_path)  # queued, not delivered
    photo = images.master_jpeg(tmp_path / "photo.jpg", (800, 600))
    with pytest.raises(InvalidInput, match="is queued"):
        add_proof(
            app.db,
            app.storage,
            placement_id=ids[0],
            photo=photo,
            taken_on=date(2027, 2, 2),
            actor="x",
            now=NOW,
            max_pixels=150_000_000,
        )


def test_cli_proof_add_reports_a_bad_placement_in_one_line(tmp_path: Path) -> None:
    photo = images.master_jpeg(tmp_path / "photo.jpg", (800, 600))
    result = run_cli("proof", "add", "999", str(photo), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no placement 999"
