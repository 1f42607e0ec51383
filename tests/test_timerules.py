"""Local times, DST and recurrences (Europe/London, 2026)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from schedules.timerules import Recurrence, parse_days, resolve_local
from schedules.xtext import weighted_length

LONDON = ZoneInfo("Europe/London")


def test_daily_0900_is_0900_local_on_both_sides_of_each_change() -> None:
    for start in (date(2026, 3, 28), date(2026, 10, 24)):
        rule = Recurrence(time(9, 0), start, parse_days("daily"), count=3)
        instants = [resolve_local(t, LONDON).instant for t in rule.occurrences()]
        assert [i.astimezone(LONDON).hour for i in instants] == [9, 9, 9]
        hours_utc = [i.hour for i in instants]
        assert hours_utc == ([9, 8, 8] if start.month == 3 else [8, 9, 9])


def test_0130_in_the_spring_gap_moves_forward_with_a_warning() -> None:
    r = resolve_local(datetime(2026, 3, 29, 1, 30), LONDON)
    assert r.instant == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert r.instant.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"
    assert r.warning == (
        "2026-03-29 01:30 does not exist in Europe/London (clocks go forward): moved to 02:30 BST"
    )


def test_0130_in_the_autumn_fold_takes_the_first_with_a_warning() -> None:
    r = resolve_local(datetime(2026, 10, 25, 1, 30), LONDON)
    assert r.instant == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert r.warning == (
        "2026-10-25 01:30 happens twice in Europe/London (clocks go back): "
        "using the first, 01:30 BST"
    )


def test_ordinary_times_have_no_warning() -> None:
    assert resolve_local(datetime(2026, 7, 1, 9, 0), LONDON).warning is None


@pytest.mark.parametrize(
    ("days", "start", "expected"),
    [
        ("weekdays", date(2026, 11, 27), ["27", "30", "01"]),  # Fri, Mon, Tue
        ("mon,wed", date(2026, 11, 25), ["25", "30", "02"]),
        ("weekends", date(2026, 11, 25), ["28", "29", "05"]),
    ],
)
def test_recurrences(days: str, start: date, expected: list[str]) -> None:
    rule = Recurrence(time(9, 0), start, parse_days(days), count=3)
    assert [f"{t:%d}" for t in rule.occurrences()] == expected


def test_recurrence_until_is_inclusive() -> None:
    rule = Recurrence(time(9, 0), date(2026, 12, 1), parse_days("daily"), until=date(2026, 12, 3))
    assert len(list(rule.occurrences())) == 3


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("hello", 5),
        ("café", 4),
        ("日本", 4),
        ("stay safe 👍", 12),
        ("see https://example.org/a/very/long/path/that/goes/on/and/on", 4 + 23),
        ("www.merseyside.police.uk today", 23 + 6),
        ("“quotes” — dash", 15),
    ],
)
def test_weighted_length(text: str, weight: int) -> None:
    assert weighted_length(text) == weight
