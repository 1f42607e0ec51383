"""The asset library on SQLite and PostgreSQL: content-addressed masters, versions, renditions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import func, select

from assets.formats import load_registry
from assets.library import add_master, set_focal
from assets.renditions import ensure_rendition, version_status
from assets.storage import open_storage
from campaign import campaigns
from campaign.db import Database
from campaign.errors import ImageRejected, NotFound
from campaign.models import ArtworkVersion, Placement, PlacementEvent, Rendition
from campaign.states import PlacementState
from tests import images
from tests.factories import T0, make_placement

MAX = 150_000_000


@pytest.fixture
def library(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    campaigns.ensure_campaign(
        db, slug="tao", name="Together As One", timezone="Europe/London", actor="test", now=T0
    )
    return db, open_storage(f"file://{tmp_path / 'store'}")


def _add(library, path: Path, **kw):  # type: ignore[no-untyped-def]
    db, storage = library
    return add_master(
        db,
        storage,
        campaign_slug="tao",
        path=path,
        title=kw.pop("title", "Main"),
        max_pixels=MAX,
        actor="comms@example.org",
        now=T0,
        **kw,
    )


def test_same_bytes_twice_are_stored_once(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = images.master_jpeg(tmp_path / "m.jpg", (600, 400))
    first = _add(library, path)
    again = _add(library, path)
    assert first.created and not again.created
    assert again.version.id == first.version.id
    other = _add(library, path, title="Partner version")  # another artwork, same bytes
    assert other.created
    _, storage = library
    assert len(storage.keys("masters")) == 1
    assert storage.keys("masters")[0].endswith(f"{first.version.master_sha256}.jpg")


def test_a_new_master_is_the_next_version_and_withdraws_approval(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = library
    v1 = _add(library, images.master_jpeg(tmp_path / "a.jpg", (600, 400))).version
    with db.session() as s:
        c = campaigns.get_by_slug(s, "tao")
        p = make_placement(s, c, v1, state=PlacementState.APPROVED)
        s.commit()
    added = _add(library, images.master_jpeg(tmp_path / "b.jpg", (640, 400)))
    assert added.version.number == 2 and added.withdrawn == 1
    with db.session() as s:
        placement = s.get(Placement, p.id)
        assert placement is not None
        assert placement.state == PlacementState.PLANNED
        assert placement.version_id == added.version.id
        actions = [e.action for e in s.exec(select(PlacementEvent).order_by(PlacementEvent.id))]
        assert actions[-1] == "approval-withdrawn"


@pytest.mark.parametrize("bad", ["empty", "svg", "bomb"])
def test_refused_files_leave_nothing_behind(library, tmp_path: Path, bad: str) -> None:  # type: ignore[no-untyped-def]
    db, storage = library
    path = {
        "empty": lambda: tmp_path.joinpath("e.jpg"),
        "svg": lambda: tmp_path.joinpath("l.svg"),
        "bomb": lambda: images.png_bomb(tmp_path / "b.png"),
    }[bad]()
    if bad == "empty":
        path.write_bytes(b"")
    if bad == "svg":
        path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(ImageRejected):
        _add(library, path)
    assert storage.keys() == []
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(ArtworkVersion)).one() == 0


def test_renditions_are_cached_by_master_spec_and_focal(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, storage = library
    formats = load_registry()
    v = _add(library, images.master_jpeg(tmp_path / "m.jpg", (1600, 1000))).version
    kw = {"version_id": v.id, "format_id": "x-landscape", "max_pixels": MAX, "now": T0}
    first, made = ensure_rendition(db, storage, formats, **kw)
    again, made_again = ensure_rendition(db, storage, formats, **kw)
    assert made and not made_again and again.id == first.id
    assert (first.width, first.height) == (1600, 900)
    assert storage.get_bytes(first.storage_key)[:3] == b"\xff\xd8\xff"
    set_focal(db, version_id=v.id, focal=(0.2, 0.5), keep=None, actor="comms", now=T0)
    moved, made_moved = ensure_rendition(db, storage, formats, **kw)
    assert made_moved and moved.cache_key != first.cache_key


def test_racing_workers_create_one_rendition(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, storage = library
    formats = load_registry()
    v = _add(library, images.master_jpeg(tmp_path / "m.jpg", (1600, 1000))).version
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            row, _ = ensure_rendition(
                db,
                storage,
                formats,
                version_id=v.id,
                format_id="instagram-square",
                max_pixels=MAX,
                now=T0,
            )
            results.append(row.id)  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(Rendition)).one() == 1


def test_version_status_counts_done_formats(library, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, storage = library
    formats = load_registry()
    v = _add(library, images.master_jpeg(tmp_path / "m.jpg", (1600, 1000))).version
    ids = ["x-landscape", "facebook-link"]
    assert version_status(db, formats, version_id=v.id, format_ids=ids).label == "rendering (0/2)"
    for f in ids:
        ensure_rendition(db, storage, formats, version_id=v.id, format_id=f, max_pixels=MAX, now=T0)
    status = version_status(db, formats, version_id=v.id, format_ids=ids)
    assert status.complete and status.label == "rendered: ok"
    with pytest.raises(NotFound):
        version_status(db, formats, version_id=9999)


def test_library_on_s3(db: Database, s3_url: str, tmp_path: Path) -> None:
    campaigns.ensure_campaign(db, slug="tao", name="T", timezone="Europe/London", actor="t", now=T0)
    storage = open_storage(s3_url)
    added = add_master(
        db,
        storage,
        campaign_slug="tao",
        path=images.master_jpeg(tmp_path / "m.jpg", (1600, 1000)),
        title="Main",
        max_pixels=MAX,
        actor="t",
        now=T0,
    )
    row, made = ensure_rendition(
        db,
        storage,
        load_registry(),
        version_id=added.version.id,
        format_id="linkedin-landscape",
        max_pixels=MAX,
        now=T0,
    )
    assert made and storage.exists(row.storage_key)
