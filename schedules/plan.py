"""Check a rollout plan and expand it into the placements it asks for. Pure: ``now`` is passed in.

Every problem is reported at once, each with its line: ``plan.yaml:23: posts[2].text: ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from assets.formats import FormatRegistry, Group
from campaign.errors import CampaignError, UnknownFormat
from campaign.states import PlacementKind
from schedules import timerules, xtext, yamlsafe
from schedules.planfile import ArtworkSpec, BookingSpec, Plan, PostSpec
from schedules.yamlsafe import Path_, format_path, line_of

ERROR, WARNING = "error", "warning"
DELIVERY_HOUR = time(9, 0)  # print packages go out at 09:00 local on their day


@dataclass(frozen=True)
class Problem:
    line: int
    path: str
    message: str
    severity: str = ERROR

    def render(self, name: str) -> str:
        prefix = "warning: " if self.severity == WARNING else ""
        where = f" {self.path}:" if self.path else ""
        return f"{name}:{self.line}:{where} {prefix}{self.message}"


@dataclass(frozen=True)
class Desired:
    """One placement the plan asks for, keyed so re-applying finds it again."""

    key: str
    kind: PlacementKind
    channel: str
    artwork: str
    version: int | None
    format_id: str
    site: str
    phase: str
    flight_start: date | None
    flight_end: date | None
    due_at: datetime
    post_text: str | None
    alt_text: str | None
    line: int


@dataclass
class CheckedPlan:
    name: str
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    desired: list[Desired] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> list[str]:
        return [p.render(self.name) for p in sorted(self.problems, key=lambda p: p.line)]


class PlanRejected(CampaignError):
    """A plan with errors: nothing was changed."""

    http_status = 422

    def __init__(self, checked: CheckedPlan) -> None:
        self.checked = checked
        count = len(checked.errors)
        super().__init__(f"{checked.name}: {count} problem{'s' * (count != 1)}, nothing applied")


class _Checker:
    def __init__(
        self,
        name: str,
        lines: dict[Path_, int],
        formats: FormatRegistry,
        now: datetime,
        gone_out: Collection[str],
        margin_days: int,
        master_problem: Callable[[str], str | None],
    ) -> None:
        self.out = CheckedPlan(name)
        self.master_problem = master_problem
        self.lines = lines
        self.formats = formats
        self.now = now
        self.gone_out = gone_out
        self.margin_days = margin_days

    def add(self, path: Path_, message: str, severity: str = ERROR) -> None:
        self.out.problems.append(
            Problem(line_of(self.lines, path), format_path(path), message, severity)
        )

    def fmt(self, path: Path_, format_id: str):  # type: ignore[no-untyped-def]
        try:
            return self.formats.get(format_id)
        except UnknownFormat:
            self.add(path, f"unknown format {format_id!r} (see `campaign formats`)")
            return None


def check_plan(
    text: str,
    name: str,
    *,
    formats: FormatRegistry,
    now: datetime,
    master_problem: Callable[[str], str | None] = lambda _m: None,
    gone_out: Collection[str] = (),
    margin_days: int = 2,
) -> CheckedPlan:
    """Validate a plan and expand it; ``gone_out`` keys were sent already (may be past)."""
    try:
        data, lines, cut = yamlsafe.load(text, name)
    except CampaignError as exc:
        message = str(exc)
        line = 1
        if message.startswith(f"{name}:") and message[len(name) + 1 :].split(":")[0].isdigit():
            line = int(message[len(name) + 1 :].split(":")[0])
            message = message.split(": ", 1)[1]
        elif message.startswith(f"{name}: "):
            message = message[len(name) + 2 :]
        return CheckedPlan(name, problems=[Problem(line, "", message)])
    c = _Checker(name, lines, formats, now, gone_out, margin_days, master_problem)
    if not isinstance(data, dict):
        c.add((), "a plan is a mapping with campaign, artworks, sites, placements and posts")
        return c.out
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field (see `campaign plan schema`)"
            c.add(loc, msg)
        return c.out
    c.out.plan = plan
    for path in cut:
        c.add(
            path,
            "a ' #' after a space starts a YAML comment, so the rest of this line was "
            "dropped: put the text in quotes to keep hashtags",
            WARNING,
        )
    _check(c, plan)
    return c.out


def _check(c: _Checker, plan: Plan) -> None:
    try:
        zone = ZoneInfo(plan.campaign.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        c.add(("campaign", "timezone"), f"unknown IANA time zone {plan.campaign.timezone!r}")
        return
    artworks = _unique(c, "artworks", [a.id for a in plan.artworks])
    phases = {p.id: p for p in plan.phases}
    _unique(c, "phases", [p.id for p in plan.phases])
    sites = {s.id: s for s in plan.sites}
    _unique(c, "sites", [s.id for s in plan.sites])
    art_by_id = {a.id: a for a in plan.artworks}
    for i, art in enumerate(plan.artworks):
        for j, version in enumerate(art.all_versions()):
            problem = c.master_problem(version.master)
            path = (
                ("artworks", i, "versions", j, "master")
                if art.versions
                else ("artworks", i, "master")
            )
            if problem:
                c.add(path, problem)
    for i, phase in enumerate(plan.phases):
        if phase.end < phase.start:
            c.add(("phases", i, "end"), f"phase ends {phase.end} before it starts {phase.start}")
    for i, site in enumerate(plan.sites):
        if site.format is not None:
            c.fmt(("sites", i, "format"), site.format)
        if site.kind == "account" and site.format is not None:
            c.add(("sites", i, "format"), "accounts take a format per post, not per site")
    bookings: dict[str, list[tuple[date, date, int]]] = {}
    keys: dict[str, Path_] = {}
    for i, b in enumerate(plan.placements):
        _booking(c, i, b, zone, art_by_id, artworks, phases, sites, bookings, keys)
    for i, p in enumerate(plan.posts):
        _post(c, i, p, zone, art_by_id, artworks, phases, sites, keys)
    _duplicate_texts(c)


def _unique(c: _Checker, section: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            c.add((section, i, "id"), f"duplicate id {ident!r}")
        seen.add(ident)
    return seen


def _artwork_ref(
    c: _Checker, path: Path_, art_id: str, version: int | None, art_by_id: dict[str, ArtworkSpec]
) -> bool:
    art = art_by_id.get(art_id)
    if art is None:
        c.add((*path, "artwork"), f"unknown artwork {art_id!r}")
        return False
    count = len(art.all_versions())
    if version is not None and version > count:
        c.add((*path, "version"), f"artwork {art_id!r} has {count} version(s), not {version}")
        return False
    return True


def _booking(
    c, i, b: BookingSpec, zone, art_by_id, artworks, phases, sites, bookings, keys
) -> None:  # type: ignore[no-untyped-def]
    path: Path_ = ("placements", i)
    ok = _artwork_ref(c, path, b.artwork, b.version, art_by_id)
    fmt = c.fmt((*path, "format"), b.format)
    if fmt is not None and fmt.group is Group.SOCIAL:
        c.add((*path, "format"), f"{b.format} is a social format: put it under posts")
        fmt = None
    phase = None
    if b.phase is not None:
        phase = phases.get(b.phase)
        if phase is None:
            c.add((*path, "phase"), f"unknown phase {b.phase!r}")
    start = b.start or (phase.start if phase else None)
    end = b.end or (phase.end if phase else None)
    if start is None or end is None:
        c.add(path, "give start and end, or a phase that has them")
        return
    if end < start:
        c.add((*path, "end"), f"flight ends {end} before it starts {start}")
        return
    for j, code in enumerate(b.sites):
        site = sites.get(code)
        spath = (*path, "sites", j)
        if site is None:
            c.add(spath, f"unknown site {code!r}")
            continue
        if site.kind == "account":
            c.add(spath, f"{code} is a social account: put it under posts")
            continue
        if fmt is not None and site.format is not None and site.format != fmt.id:
            c.add(spath, f"site {code} takes {site.format}, not {fmt.id}")
            continue
        for other_start, other_end, other_i in bookings.get(code, []):
            if start <= other_end and other_start <= end:
                c.add(
                    spath,
                    f"site {code} is already booked {other_start}..{other_end} by "
                    f"placements[{other_i}]",
                )
        bookings.setdefault(code, []).append((start, end, i))
        if fmt is None or not ok:
            continue
        key = f"{b.id}/{code}" if b.id else f"{code}/{start.isoformat()}"
        if _duplicate_key(c, key, spath, keys):
            continue
        deadline = start - timedelta(days=fmt.lead_days)
        due_day = deadline - timedelta(days=c.margin_days)
        due = timerules.resolve_local(datetime.combine(due_day, DELIVERY_HOUR), zone).instant
        if key not in c.gone_out and timerules.local_midnight(deadline, zone) < c.now:
            c.add(
                spath,
                f"artwork for {fmt.id} is due at {site.media_owner or 'the media owner'} "
                f"{fmt.lead_days} days before the flight ({deadline}), which has passed",
            )
        c.out.desired.append(
            Desired(
                key=key,
                kind=PlacementKind.PRINT,
                channel=fmt.group.value,
                artwork=b.artwork,
                version=b.version,
                format_id=fmt.id,
                site=code,
                phase=b.phase or "",
                flight_start=start,
                flight_end=end,
                due_at=due,
                post_text=None,
                alt_text=None,
                line=line_of(c.lines, spath),
            )
        )


def render_text(text: str, *, n: int, day: datetime | date) -> str:
    """Fill a post's placeholders: ``{n}`` (1, 2, 3... within a recurrence) and ``{date}``."""
    return text.replace("{n}", str(n)).replace("{date}", f"{day:%-d %B}")


def _duplicate_texts(c: _Checker) -> None:
    """X refuses a post whose text an account has already posted: catch it before it fails."""
    seen: dict[tuple[str, str], Desired] = {}
    for d in c.out.desired:
        if d.post_text is None:
            continue
        first = seen.setdefault((d.site, d.post_text), d)
        if first is not d:
            c.out.problems.append(
                Problem(
                    d.line,
                    "",
                    f"{d.key} repeats the text of {first.key}: X refuses duplicate "
                    "content; vary it, e.g. with {n} or {date}",
                )
            )


def _duplicate_key(c: _Checker, key: str, path: Path_, keys: dict[str, Path_]) -> bool:
    if key in keys:
        c.add(path, f"same placement as {format_path(keys[key])} ({key}): give one an id")
        return True
    keys[key] = path
    return False


def _post(c, i, p: PostSpec, zone, art_by_id, artworks, phases, sites, keys) -> None:  # type: ignore[no-untyped-def]
    path: Path_ = ("posts", i)
    ok = _artwork_ref(c, path, p.artwork, p.version, art_by_id)
    fmt = c.fmt((*path, "format"), p.format)
    if fmt is not None and fmt.is_print:
        c.add((*path, "format"), f"{p.format} is a print format: book it under placements")
        fmt = None
    if p.phase is not None and p.phase not in phases:
        c.add((*path, "phase"), f"unknown phase {p.phase!r}")
    site = sites.get(p.account)
    if site is None:
        c.add((*path, "account"), f"unknown account {p.account!r}: add it under sites")
    elif site.kind != "account":
        c.add((*path, "account"), f"{p.account} is a {site.kind}, not a social account")
        site = None
    network = (site.network or "x") if site else "x"
    if network == "x":
        weight = max(
            xtext.weighted_length(render_text(p.text, n=1000, day=date(2027, 9, 30))),
            xtext.weighted_length(p.text),
        )
        if weight > xtext.LIMIT:
            c.add((*path, "text"), f"{weight} weighted characters, X allows {xtext.LIMIT}")
    if p.at is not None:
        times = [(p.at, (*path, "at"))]
    else:
        try:
            days = timerules.parse_days(p.every or "")
        except ValueError as exc:
            c.add((*path, "every"), str(exc))
            return
        assert p.time is not None and p.start is not None
        rule = timerules.Recurrence(p.time, p.start, days, p.until, p.count)
        times = [(t, (*path, "time")) for t in rule.occurrences()]
        if not times:
            c.add((*path, "every"), "the recurrence never happens")
    for n, (local, tpath) in enumerate(times, start=1):
        text = render_text(p.text, n=n, day=local)
        resolved = timerules.resolve_local(local, zone)
        if resolved.warning:
            c.add(tpath, resolved.warning, WARNING)
        key = f"{p.id or p.account}/{local:%Y-%m-%dT%H:%M}"
        if _duplicate_key(c, key, tpath, keys):
            continue
        if key not in c.gone_out and resolved.instant < c.now:
            c.add(tpath, f"{local:%Y-%m-%d %H:%M} {zone.key} is in the past")
        if site is None or fmt is None or not ok:
            continue
        c.out.desired.append(
            Desired(
                key=key,
                kind=PlacementKind.SOCIAL,
                channel=fmt.group.value,
                artwork=p.artwork,
                version=p.version,
                format_id=fmt.id,
                site=p.account,
                phase=p.phase or "",
                flight_start=None,
                flight_end=None,
                due_at=resolved.instant,
                post_text=text,
                alt_text=p.alt or None,
                line=line_of(c.lines, tpath),
            )
        )
