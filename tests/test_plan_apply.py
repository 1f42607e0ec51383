"""Applying plans: one transaction, idempotent, and never touching what went out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from assets.formats import load_registry
from assets.storage import open_storage
from campaign.db import Database
from campaign.models import ArtworkVersion, Placement
from campaign.states import PlacementState
from schedules.apply import apply_plan
from schedules.plan import PlanRejected
from tests.clirunner import run_cli
from tests.plans import BASE, replace, write_plan

NOW = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture
def ctx(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    storage = open_storage(f"file://{tmp_path / 'store'}")

    def apply(text: str = BASE, dry_run: bool = False, now: datetime = NOW):  # type: ignore[no-untyped-def]
        path = write_plan(tmp_path / "plan", text)
        return apply_plan(
            db,
            storage,
            load_registry(),
            path=path,
            now=now,
            max_pixels=150_000_000,
            actor="comms",
            dry_run=dry_run,
        )

    return db, apply


def _states(db: Database) -> dict[str, str]:
    with db.session() as s:
        return {p.plan_key: p.state for p in s.exec(select(Placement))}


def test_apply_twice_changes_nothing(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    first = apply()
    assert len(first.added) == 6 and first.new_versions == ["main v1"]
    second = apply()
    assert second.changes == 0 and len(second.unchanged) == 6
    assert set(_states(db).values()) == {"planned"}
    from campaign import eventlog

    with db.session() as s:  # the batched inserts kept the hash chain in id order
        report = eventlog.verify_session(s)
    assert report.ok and report.checked == 8  # campaign, version, 6 placements


def test_dry_run_changes_nothing(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    report = apply(dry_run=True)
    assert len(report.added) == 6
    assert _states(db) == {}


def test_a_plan_with_errors_changes_nothing(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    with pytest.raises(PlanRejected, match="1 problem, nothing applied"):
        apply(replace(BASE, "sites: [MER-6S-0200]", "sites: [NOPE]"))
    assert _states(db) == {}


def test_changes_and_cancellations_are_reported(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    apply()
    text = replace(
        BASE, "text: Every weekday we stand together ({n}).", "text: We stand together ({n})."
    )
    text = replace(text, "    end: 2027-02-28", "    end: 2027-03-07")
    text = replace(text, "    count: 3", "    count: 2")
    report = apply(text)
    assert sorted(report.changed) == [
        "MER-6S-0200/2027-02-01 (flight_end)",
        "daily/2027-02-02T10:30 (post_text)",
        "daily/2027-02-03T10:30 (post_text)",
    ]
    assert report.cancelled == ["daily/2027-02-04T10:30"]
    assert _states(db)["daily/2027-02-04T10:30"] == "cancelled"
    again = apply(BASE)  # put back: the cancelled one is planned again
    assert "daily/2027-02-04T10:30" in [c.split(" ")[0] for c in again.changed]
    assert _states(db)["daily/2027-02-04T10:30"] == "planned"


FIRST_POST = "@MerseysidePCC/2027-02-01T09:00"
FIRST_POST_YAML = (
    '  - account: "@MerseysidePCC"\n    artwork: main\n    text: "Together As One: knife crime '
    'affects us all. Find support at https://example.org/support"\n    alt: Partners standing '
    "together\n    at: 2027-02-01 09:00\n"
)


def _publish(db: Database, key: str) -> None:
    with db.session() as s:
        p = s.exec(select(Placement).where(Placement.plan_key == key)).one()
        p.state = PlacementState.PUBLISHED
        s.add(p)
        s.commit()


def test_what_went_out_is_never_changed(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    apply()
    _publish(db, FIRST_POST)
    report = apply(replace(BASE, "Find support at", "Get help at"))
    assert report.kept == [f"{FIRST_POST} (published; the plan's change is not applied)"]
    with db.session() as s:
        p = s.exec(select(Placement).where(Placement.plan_key == FIRST_POST)).one()
        assert "Find support at" in (p.post_text or "")
    removed = apply(replace(BASE, FIRST_POST_YAML, ""))
    assert removed.kept == [f"{FIRST_POST} (published; no longer in the plan)"]
    assert _states(db)[FIRST_POST] == "published"


def test_past_times_of_posts_that_went_out_do_not_block_a_reapply(ctx) -> None:  # type: ignore[no-untyped-def]
    db, apply = ctx
    social_only = BASE[: BASE.index("placements:")] + BASE[BASE.index("posts:") :]
    apply(social_only)
    _publish(db, FIRST_POST)
    later = datetime(2027, 2, 1, 12, tzinfo=UTC)  # after the first post, before the dailies
    assert apply(social_only, now=later).changes == 0
    with db.session() as s:  # had it not gone out, its past time would be an error
        p = s.exec(select(Placement).where(Placement.plan_key == FIRST_POST)).one()
        p.state = PlacementState.APPROVED
        s.add(p)
        s.commit()
    with pytest.raises(PlanRejected):
        apply(social_only, now=later)


def test_approved_versions_approve_new_placements(ctx) -> None:  # type: ignore[no-untyped-def]
    from campaign.approvals import approve_version

    db, apply = ctx
    apply()
    with db.session() as s:
        version = s.exec(select(ArtworkVersion)).one()
    assert approve_version(db, version_id=version.id, actor="manager", now=NOW) == 6  # type: ignore[arg-type]
    report = apply(replace(BASE, "count: 3", "count: 4"))
    assert report.added == ["daily/2027-02-05T10:30"]
    assert set(_states(db).values()) == {"approved"}


def test_a_new_master_in_the_plan_withdraws_approval(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from campaign.approvals import approve_version
    from tests import images

    db, apply = ctx
    apply()
    with db.session() as s:
        version = s.exec(select(ArtworkVersion)).one()
    approve_version(db, version_id=version.id, actor="manager", now=NOW)  # type: ignore[arg-type]
    images.master_jpeg(tmp_path / "plan" / "masters" / "main.jpg", (1900, 1200))  # new bytes
    report = apply()
    assert report.new_versions == ["main v2"]
    assert set(_states(db).values()) == {"planned"}


def test_cli_apply_prints_the_difference(tmp_path: Path) -> None:
    path = write_plan(tmp_path)
    first = run_cli("plan", "apply", str(path), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "together-as-one: 6 added, 0 changed, 0 cancelled, 0 unchanged" in first.stdout
    again = run_cli("plan", "apply", str(path), cwd=tmp_path)
    assert "0 added, 0 changed, 0 cancelled, 6 unchanged" in again.stdout
