"""The channel format registry: built-ins, figures, user overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assets.formats import ChannelFormat, Group, load_registry
from campaign.errors import ConfigError, UnknownFormat
from tests.clirunner import run_cli

REQUIRED_IDS = {
    "billboard-48-sheet",
    "billboard-96-sheet",
    "bus-side",
    "bus-rear",
    "bus-stop-6-sheet",
    "bus-stop-digital-6-sheet",
    "newspaper-full-page",
    "newspaper-half-page",
    "newspaper-quarter-page",
    "x-landscape",
    "instagram-square",
    "instagram-portrait",
    "instagram-story",
    "facebook-feed",
    "facebook-link",
    "linkedin-landscape",
}


def test_builtins_cover_every_channel() -> None:
    registry = load_registry()
    assert {f.id for f in registry} >= REQUIRED_IDS
    assert {f.group for f in registry} == set(Group)
    assert all(f.source for f in registry)


@pytest.mark.parametrize(
    ("format_id", "size"),
    [
        ("billboard-96-sheet", (14400, 3600)),  # 1219.2 x 304.8 mm at 300 dpi
        ("billboard-48-sheet", (7200, 3600)),
        ("bus-stop-digital-6-sheet", (1080, 1920)),
        ("bus-stop-6-sheet", (7122, 10665)),  # (1200+6) x (1800+6) mm at 150 dpi
        ("x-landscape", (1600, 900)),
    ],
)
def test_pixel_sizes_follow_the_spec(format_id: str, size: tuple[int, int]) -> None:
    assert load_registry().get(format_id).size == size


def test_unconfirmed_figures_say_so() -> None:
    assert "unconfirmed" in load_registry().get("billboard-48-sheet").source


def test_select_by_group_and_ids() -> None:
    registry = load_registry()
    social = registry.select("social")
    assert social and all(f.group is Group.SOCIAL for f in social)
    assert [f.id for f in registry.select("x-landscape,bus-rear")] == ["x-landscape", "bus-rear"]
    with pytest.raises(UnknownFormat, match="'nope'"):
        registry.select("x-landscape,nope")


def test_formats_file_overrides_and_adds(tmp_path: Path) -> None:
    path = tmp_path / "formats.yaml"
    path.write_text(
        "formats:\n"
        "  - id: bus-stop-6-sheet\n"
        "    safe_mm: [1185, 1750]\n"
        "    source: JCDecaux 6-sheet poster spec\n"
        "  - id: liverpool-echo-half\n"
        "    name: Liverpool Echo half page\n"
        "    group: newspaper\n"
        "    trim_mm: [266, 170]\n"
        "    dpi: 200\n"
        "    colour: CMYK\n"
        "    file_format: PDF\n"
        "    source: title's own rate card\n"
    )
    registry = load_registry(path)
    assert registry.get("bus-stop-6-sheet").safe_mm == (1185, 1750)
    assert registry.get("bus-stop-6-sheet").bleed_mm == 3  # kept from the built-in
    assert registry.get("liverpool-echo-half").size == (2094, 1339)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("formats: 3\n", "expected a mapping with a 'formats' list"),
        ("formats:\n  - name: x\n", "formats[0]: each entry needs an 'id'"),
        ("formats:\n  - id: x-landscape\n    size_px: [0, 10]\n", "size_px must be positive"),
        (
            "formats:\n  - id: new-one\n    name: n\n    group: radio\n    size_px: [1, 1]\n"
            "    source: s\n",
            "formats[0].group: Input should be",
        ),
        (
            "formats:\n  - id: new-one\n    name: n\n    group: social\n    trim_mm: [10, 10]\n"
            "    source: s\n",
            "a print format needs dpi",
        ),
        ("formats: [\n", "not valid YAML"),
    ],
)
def test_bad_formats_files_are_one_clear_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "formats.yaml"
    path.write_text(body)
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_formats_json_lists_the_fields() -> None:
    result = run_cli("formats", "--json")
    assert result.returncode == 0, result.stderr
    items = {i["id"]: i for i in json.loads(result.stdout)}
    for item in items.values():
        assert {
            "id",
            "group",
            "width_px",
            "height_px",
            "colour",
            "file_format",
            "max_bytes",
        } <= set(item)
    bb = items["billboard-96-sheet"]
    assert (bb["trim_mm"], bb["scale"], bb["dpi"], bb["bleed_mm"]) == ([12192, 3048], 0.1, 300, 0)
    assert (bb["width_px"], bb["height_px"]) == (14400, 3600)
    assert items["bus-stop-digital-6-sheet"]["max_bytes"] == 1_000_000


def test_cli_formats_table() -> None:
    result = run_cli("formats")
    assert result.returncode == 0
    assert "billboard-96-sheet" in result.stdout


def test_a_format_needs_either_print_or_pixel_size() -> None:
    with pytest.raises(ValueError, match="either trim_mm"):
        ChannelFormat(id="bad-one", name="b", group=Group.SOCIAL, source="s")
