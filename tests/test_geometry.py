"""Crop planning on plain rectangles (no pixels)."""

from __future__ import annotations

import pytest

from assets.geometry import plan_contain, plan_cover, point_inside

CASES = [
    # source, target, focal
    ((8000, 5000), (1080, 1920), (0.5, 0.5)),
    ((8000, 5000), (1080, 1920), (0.05, 0.5)),
    ((8000, 5000), (1080, 1920), (0.95, 0.1)),
    ((8000, 5000), (14400, 3600), (0.5, 0.9)),
    ((3000, 4000), (1600, 900), (0.2, 0.8)),
    ((3000, 4000), (1600, 900), (0.0, 0.0)),
    ((3000, 4000), (1600, 900), (1.0, 1.0)),
    ((1000, 1000), (1080, 1080), (0.3, 0.3)),
]


@pytest.mark.parametrize(("source", "target", "focal"), CASES)
def test_cover_fills_the_target_with_a_box_inside_the_master(source, target, focal) -> None:
    plan = plan_cover(source, target, focal)
    left, top, right, bottom = plan.crop
    assert left >= 0 and top >= 0 and right <= source[0] + 1e-9 and bottom <= source[1] + 1e-9
    assert (right - left) / (bottom - top) == pytest.approx(target[0] / target[1])
    assert plan.resized == target and plan.offset == (0, 0)
    # The box is as large as the shape allows: it touches both sides in one direction.
    assert (right - left) == pytest.approx(source[0]) or (bottom - top) == pytest.approx(source[1])


@pytest.mark.parametrize(("source", "target", "focal"), CASES)
def test_focal_point_stays_in_frame(source, target, focal) -> None:
    plan = plan_cover(source, target, focal)
    p = plan.map_relative(*focal)
    assert point_inside(p, (0, 0, target[0], target[1]))


def test_focal_point_is_centred_when_the_master_allows() -> None:
    plan = plan_cover((8000, 5000), (1080, 1920), (0.4, 0.5))
    p = plan.map_relative(0.4, 0.5)
    assert p.x == pytest.approx(540, abs=1)


def test_keep_region_slides_the_crop_to_stay_whole() -> None:
    keep = (0.02, 0.3, 0.2, 0.6)  # near the left edge
    plan = plan_cover((8000, 5000), (1080, 1920), (0.5, 0.5), keep)
    a, b = plan.map_relative(keep[0], keep[1]), plan.map_relative(keep[2], keep[3])
    assert a.x >= 0 and b.x <= 1080


def test_contain_pads_and_centres() -> None:
    plan = plan_contain((4000, 1000), (1080, 1080))
    assert plan.resized == (1080, 270)
    assert plan.offset == (0, 405)
    assert plan.padded
