"""Local wall-clock times to UTC instants, DST-aware, and recurrences. Pure: no clock.

Rules (documented in the README): a local time that does not exist (the spring
gap) moves forward past the gap, so 01:30 on 29 March 2026 in Europe/London is
02:30 BST; an ambiguous one (the autumn fold) takes its first occurrence, so
01:30 on 25 October 2026 is 01:30 BST. Both produce a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Resolved:
    local: datetime  # the wall-clock time asked for (naive)
    instant: datetime  # aware UTC
    warning: str | None = None


def resolve_local(local: datetime, zone: ZoneInfo) -> Resolved:
    """Return the UTC instant of a naive local time in ``zone``, with a DST warning if any."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    instant = first.astimezone(UTC)
    if first.utcoffset() == second.utcoffset():
        return Resolved(local, instant)
    # Offsets differ: either a gap (neither round-trips) or a fold (both do).
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        shown = instant.astimezone(zone)
        return Resolved(
            local,
            instant,
            (
                f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key} (clocks go forward): "
                f"moved to {shown:%H:%M %Z}"
            ),
        )
    return Resolved(
        local,
        instant,
        (
            f"{local:%Y-%m-%d %H:%M} happens twice in {zone.key} (clocks go back): "
            f"using the first, {first:%H:%M %Z}"
        ),
    )


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """Return the UTC instant at which ``day`` starts in ``zone``."""
    return resolve_local(datetime.combine(day, time(0, 0)), zone).instant


@dataclass(frozen=True)
class Recurrence:
    """Every day, every weekday, or given days of the week, at a local time."""

    at: time
    start: date
    days: tuple[int, ...]  # 0 = Monday
    until: date | None = None
    count: int | None = None

    def occurrences(self, limit: int = 10_000) -> Iterator[datetime]:
        """Yield naive local datetimes in order, up to ``until`` or ``count``."""
        if self.until is None and self.count is None:
            raise ValueError("a recurrence needs an end: until or count")
        day, made = self.start, 0
        while made < limit:
            if self.until is not None and day > self.until:
                return
            if self.count is not None and made >= self.count:
                return
            if day.weekday() in self.days:
                yield datetime.combine(day, self.at)
                made += 1
            day += timedelta(days=1)


def parse_days(spec: str) -> tuple[int, ...]:
    """Parse ``daily``, ``weekdays``, ``weekends`` or ``mon,wed,fri``."""
    spec = spec.strip().lower()
    named = {"daily": tuple(range(7)), "weekdays": tuple(range(5)), "weekends": (5, 6)}
    if spec in named:
        return named[spec]
    parts = [p.strip()[:3] for p in spec.split(",") if p.strip()]
    if not parts or any(p not in WEEKDAYS for p in parts):
        raise ValueError(f"unknown days {spec!r}: use daily, weekdays, weekends or mon,tue,...")
    return tuple(sorted({WEEKDAYS.index(p) for p in parts}))
