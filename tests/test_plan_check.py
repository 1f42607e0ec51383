"""Every check of `campaign plan check`, each with a bad plan and its exact message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from assets.formats import load_registry
from schedules.apply import check_file
from tests.clirunner import run_cli
from tests.plans import BASE, replace, write_plan

NOW = datetime(2027, 1, 1, tzinfo=UTC)
LONG = ("Together we are stronger. " * 11).strip()  # 285 characters


def _line(text: str, marker: str, nth: int = 0) -> int:
    index = -1
    for _ in range(nth + 1):
        index = text.index(marker, index + 1)
    return text[:index].count("\n") + 1


def _check(tmp_path: Path, text: str, now: datetime = NOW) -> list[str]:
    path = write_plan(tmp_path, text)
    return check_file(path, formats=load_registry(), now=now, max_pixels=150_000_000).report()


def test_the_base_plan_is_clean(tmp_path: Path) -> None:
    assert _check(tmp_path, BASE) == []


CASES = [
    (  # schema: unknown field
        "schema",
        lambda t: replace(
            t, "    title: Together As One\n", "    title: Together As One\n    colour: red\n"
        ),
        "    colour: red",
        "artworks[0].colour: unknown field (see `campaign plan schema`)",
    ),
    (  # schema: bad date
        "date",
        lambda t: replace(
            t,
            "    start: 2027-02-01\n    end: 2027-02-14",
            "    start: someday\n    end: 2027-02-14",
        ),
        "    start: someday",
        "phases[0].start: Input should be a valid date or datetime, input is too short",
    ),
    (
        "unknown format",
        lambda t: replace(t, "    format: bus-stop-6-sheet", "    format: bus-stop-12-sheet"),
        "    format: bus-stop-12-sheet",
        "placements[1].format: unknown format 'bus-stop-12-sheet' (see `campaign formats`)",
    ),
    (
        "unknown site",
        lambda t: replace(t, "sites: [MER-6S-0200]", "sites: [MER-6S-9999]"),
        "sites: [MER-6S-9999]",
        "placements[1].sites[0]: unknown site 'MER-6S-9999'",
    ),
    (
        "unknown artwork",
        lambda t: replace(
            t,
            '  - id: daily\n    account: "@MerseysidePCC"\n    artwork: main',
            '  - id: daily\n    account: "@MerseysidePCC"\n    artwork: mian',
        ),
        "    artwork: mian",
        "posts[1].artwork: unknown artwork 'mian'",
    ),
    (
        "flight end before start",
        lambda t: replace(
            t,
            "    start: 2027-02-01\n    end: 2027-02-28",
            "    start: 2027-02-01\n    end: 2027-01-28",
        ),
        "    end: 2027-01-28",
        "placements[1].end: flight ends 2027-01-28 before it starts 2027-02-01",
    ),
    (
        "overlapping bookings",
        lambda t: replace(
            t,
            "posts:\n",
            "  - artwork: main\n    format: billboard-48-sheet\n"
            "    sites: [MER-48-0012]\n    start: 2027-02-10\n    end: 2027-02-20\n"
            "posts:\n",
        ),
        "    sites: [MER-48-0012]\n    start: 2027-02-10",
        "placements[2].sites[0]: site MER-48-0012 is already booked 2027-02-01..2027-02-14 by "
        "placements[0]",
    ),
    (
        "X weighted length",
        lambda t: replace(t, "text: Every weekday we stand together ({n}).", f"text: {LONG}"),
        f"text: {LONG}",
        "posts[1].text: 285 weighted characters, X allows 280",
    ),
    (
        "post time in the past",
        lambda t: replace(t, "at: 2027-02-01 09:00", "at: 2026-12-01 09:00"),
        "at: 2026-12-01 09:00",
        "posts[0].at: 2026-12-01 09:00 Europe/London is in the past",
    ),
    (
        "nonexistent local time",
        lambda t: replace(t, "at: 2027-02-01 09:00", "at: 2027-03-28 01:30"),
        "at: 2027-03-28 01:30",
        "posts[0].at: warning: 2027-03-28 01:30 does not exist in Europe/London (clocks go "
        "forward): moved to 02:30 BST",
    ),
    (
        "ambiguous local time",
        lambda t: replace(t, "at: 2027-02-01 09:00", "at: 2027-10-31 01:30"),
        "at: 2027-10-31 01:30",
        "posts[0].at: warning: 2027-10-31 01:30 happens twice in Europe/London (clocks go back):"
        " using the first, 01:30 BST",
    ),
    (
        "hashtag read as a YAML comment",
        lambda t: replace(
            t,
            "text: Every weekday we stand together ({n}).",
            "text: Every weekday we stand together #TogetherAsOne",
        ),
        "text: Every weekday",
        "posts[1].text: warning: a ' #' after a space starts a YAML "
        "comment, so the rest of this line was dropped: put the text in quotes to keep hashtags",
    ),
    (
        "missing master",
        lambda t: replace(t, "master: masters/main.jpg", "master: masters/gone.jpg"),
        "master: masters/gone.jpg",
        "artworks[0].master: master file 'masters/gone.jpg' not found (paths are relative to "
        "the plan file)",
    ),
    (
        "social format booked as print",
        lambda t: replace(t, "    format: bus-stop-6-sheet", "    format: x-landscape"),
        "    format: x-landscape",
        "placements[1].format: x-landscape is a social format: put it under posts",
    ),
    (
        "a recurrence without an end",
        lambda t: replace(t, "    count: 3\n", ""),
        "  - id: daily",
        "posts[1]: a recurrence needs exactly one end: until or count",
    ),
]


@pytest.mark.parametrize(("name", "mutate", "marker", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_check_reports_its_line_and_message(
    tmp_path: Path, name: str, mutate, marker: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    text = mutate(BASE)
    report = _check(tmp_path, text)
    expected = f"plan.yaml:{_line(text, marker)}: {message}"
    assert expected in report, "\n".join(report)


def test_repeated_text_for_x_is_an_error_and_placeholders_vary_it(tmp_path: Path) -> None:
    text = replace(
        BASE,
        "text: Every weekday we stand together ({n}).",
        "text: Every weekday we stand together.",
    )
    report = _check(tmp_path, text)
    line = _line(text, 'time: "10:30"')
    assert report == [
        f"plan.yaml:{line}: daily/2027-02-03T10:30 repeats the text of daily/2027-02-02T10:30: X "
        "refuses duplicate content; vary it, e.g. with {n} or {date}",
        f"plan.yaml:{line}: daily/2027-02-04T10:30 repeats the text of daily/2027-02-02T10:30: X "
        "refuses duplicate content; vary it, e.g. with {n} or {date}",
    ]
    dated = replace(
        BASE, "text: Every weekday we stand together ({n}).", "text: '{date}: we stand together.'"
    )
    checked = check_file(
        write_plan(tmp_path, dated), formats=load_registry(), now=NOW, max_pixels=150_000_000
    )
    assert [d.post_text for d in checked.desired if d.key.startswith("daily/")] == [
        "2 February: we stand together.",
        "3 February: we stand together.",
        "4 February: we stand together.",
    ]


def test_a_passed_media_deadline_is_reported(tmp_path: Path) -> None:
    report = _check(tmp_path, BASE, now=datetime(2027, 1, 20, tzinfo=UTC))
    line = _line(BASE, "sites: [MER-48-0012]")
    assert (
        f"plan.yaml:{line}: placements[0].sites[0]: artwork for billboard-48-sheet is due at "
        "Clear Channel 14 days before the flight (2027-01-18), which has passed"
    ) in report


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    # An unknown site and an over-long text: both are reported by one check.
    text = replace(BASE, "sites: [MER-6S-0200]", "sites: [MER-6S-9999]")
    text = replace(text, "text: Every weekday we stand together ({n}).", f"text: {LONG} {{n}}")
    assert len(_check(tmp_path, text)) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("campaign: [\n", "plan.yaml:2: not valid YAML"),
        ("", "plan.yaml:1: the file is empty"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, "
            "*c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e]\n",
            "an alias bomb",
        ),
        ("campaign: !!python/object/apply:os.system [echo hi]\n", "not valid YAML"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(tmp_path: Path, text: str, message: str) -> None:
    report = _check(tmp_path, text)
    assert len(report) == 1 and message in report[0], report


def test_times_are_strings_not_sexagesimal_numbers(tmp_path: Path) -> None:
    checked = check_file(
        write_plan(tmp_path), formats=load_registry(), now=NOW, max_pixels=150_000_000
    )
    daily = [d for d in checked.desired if d.key.startswith("daily/")]
    assert [d.due_at.isoformat() for d in daily] == [
        "2027-02-02T10:30:00+00:00",
        "2027-02-03T10:30:00+00:00",
        "2027-02-04T10:30:00+00:00",
    ]


def test_single_digit_hours_are_accepted(tmp_path: Path) -> None:
    text = replace(BASE, 'time: "10:30"', "time: 9:30")
    text = replace(text, "at: 2027-02-01 09:00", "at: 2027-02-01 9:05")
    checked = check_file(
        write_plan(tmp_path, text), formats=load_registry(), now=NOW, max_pixels=150_000_000
    )
    assert checked.ok, checked.report()
    assert {d.due_at.strftime("%H:%M") for d in checked.desired if d.post_text} == {
        "09:05",
        "09:30",
    }


def test_cli_check_prints_problems_and_exits_1(tmp_path: Path) -> None:
    text = replace(BASE, "sites: [MER-6S-0200]", "sites: [MER-6S-9999]")
    path = write_plan(tmp_path, text)
    result = run_cli("plan", "check", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "plan.yaml:" in result.stderr and "unknown site 'MER-6S-9999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_schema_is_json_schema() -> None:
    import json

    import jsonschema

    result = run_cli("plan", "schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) >= {"campaign", "artworks", "placements", "posts", "sites"}
