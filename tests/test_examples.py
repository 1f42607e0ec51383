"""The shipped example plans check clean and apply."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assets.formats import load_registry
from assets.render.sample import write_samples
from assets.storage import open_storage
from campaign.db import Database
from schedules.apply import apply_plan, check_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BEFORE_CAMPAIGN = datetime(2027, 1, 4, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("together-as-one")
    shutil.copy(EXAMPLES / "together-as-one" / "plan.yaml", folder / "plan.yaml")
    write_samples(folder / "masters")
    return folder / "plan.yaml"


def test_together_as_one_checks_clean(example: Path) -> None:
    checked = check_file(
        example, formats=load_registry(), now=BEFORE_CAMPAIGN, max_pixels=150_000_000
    )
    assert checked.problems == []
    channels = {d.channel for d in checked.desired}
    assert channels == {"billboard", "bus-stop", "bus", "newspaper", "social"}
    sites = {d.site for d in checked.desired}
    for borough in ("LIV", "SEF", "KNO", "STH", "WIR"):
        assert any(s.startswith(borough) for s in sites), borough
    posts = [d for d in checked.desired if d.channel == "social"]
    assert len(posts) == 18  # launch, 5 Mondays, 6 Wednesdays, 5 Fridays, close
    assert all(
        p.post_text and p.post_text.endswith(("#TogetherAsOne", "six weeks.", "together-as-one"))
        for p in posts
    )


def test_together_as_one_applies(example: Path, sqlite_url: str, tmp_path: Path) -> None:
    from campaign.db import make_engine

    db = Database(make_engine(sqlite_url))
    report = apply_plan(
        db,
        open_storage(f"file://{tmp_path / 's'}"),
        load_registry(),
        path=example,
        now=BEFORE_CAMPAIGN,
        max_pixels=150_000_000,
        actor="t",
    )
    assert len(report.added) == 42 and len(report.new_versions) == 5
