"""The demo: the whole Together As One rollout on embedded defaults, no services, no network.

It draws the sample artwork, applies the example plan, renders every rendition
through an in-process Celery worker, approves as a manager, then runs weeks of
rollout on a simulated clock that jumps from one due instant to the next:
print packages to the local outbox, flights going live and completing, X posts
to a fake X server on 127.0.0.1 (one hitting a rate limit, one with an unknown
outcome that reconciliation resolves). It ends with a summary and an HTML report.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import func, select

from assets.render.sample import write_samples
from assets.renditions import version_status
from campaign import migrate
from campaign.approvals import approve_version
from campaign.bootstrap import App, bootstrap
from campaign.clock import ManualClock
from campaign.db import engine_for
from campaign.devtools.fakex import FakeX, Fault
from campaign.models import ArtworkVersion, Placement, PlacementEvent, Rendition
from campaign.report import write_report
from campaign.settings import Settings
from campaign.states import PlacementState
from schedules.apply import apply_plan
from schedules.dispatch import Rules, next_due, tick
from workers.embedded import EmbeddedWorker

S = PlacementState
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "together-as-one" / "plan.yaml"
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # four weeks before the launch
HANDLE = "@TogetherAsOneMSY"
MANAGER = "manager@merseyside-pcc.example"
Say = Callable[[str], None]


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)
    report: Path | None = None
    posts: int = 0
    deliveries: int = 0
    by_state: Counter[tuple[str, str]] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


def _settings(work: Path, fake: FakeX) -> Settings:
    return Settings(
        environment="development",
        data_dir=work,
        database_url=f"sqlite:///{work / 'campaign.db'}",
        storage_url=f"file://{work / 'storage'}",
        broker_url="memory://",
        x_api_base=fake.url,
        x_upload_base=fake.url,
        x_credentials=json.dumps({HANDLE: fake.add_account(HANDLE)}),  # type: ignore[arg-type]
        reconcile_settle_seconds=60,
        resend_after_seconds=600,
        http_timeout_seconds=5,
    )


def run_demo(work: Path, say: Say) -> DemoReport:
    """Run the whole demo in ``work`` (emptied first, so running it twice works)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    out = DemoReport()

    def step(line: str) -> None:
        out.lines.append(line)
        say(line)

    fake = FakeX().start()
    clock = ManualClock(START)
    settings = _settings(work, fake)
    migrate.upgrade(engine_for(settings.effective_database_url))
    app = bootstrap(settings, clock=clock)
    worker = EmbeddedWorker(app, app.celery, concurrency=2).start()
    try:
        _run(app, clock, fake, work, step, out, worker)
    finally:
        worker.stop()
        fake.stop()
        app.db.engine.dispose()
    return out


def _run(
    app: App,
    clock: ManualClock,
    fake: FakeX,
    work: Path,
    step: Say,
    out: DemoReport,
    worker: EmbeddedWorker,
) -> None:
    t0 = time.monotonic()
    plan_dir = work / "plan"
    plan_dir.mkdir()
    shutil.copy(EXAMPLE, plan_dir / "plan.yaml")
    masters = write_samples(plan_dir / "masters")
    step(f"drew {len(masters)} sample masters (the largest 14400 x 3600 px for the 96-sheet)")
    report = apply_plan(
        app.db,
        app.storage,
        app.formats,
        path=plan_dir / "plan.yaml",
        now=clock.now(),
        max_pixels=app.settings.max_image_pixels,
        actor="comms@merseyside-pcc.example",
    )
    step(
        f"applied the Together As One plan: {len(report.added)} placements across the five "
        f"Merseyside boroughs, {len(report.new_versions)} artwork versions"
    )
    for version_id, format_id in report.renders:
        app.dispatcher.render(version_id, format_id)
    _wait(
        lambda: all(
            version_status(
                app.db,
                app.formats,
                version_id=v,
                format_ids=[f for vv, f in report.renders if vv == v],
            ).complete
            for v in {v for v, _ in report.renders}
        ),
        240,
        "renditions",
    )
    with app.db.session() as s:
        counts = Counter(s.exec(select(Rendition.status)))
        versions = [v.id for v in s.exec(select(ArtworkVersion))]
    step(
        f"rendered {sum(counts.values())} renditions with preflight: {counts.get('ok', 0)} ok, "
        f"{counts.get('warn', 0)} warn, {counts.get('fail', 0)} fail"
    )
    approved = sum(
        approve_version(app.db, version_id=v, actor=MANAGER, now=clock.now())  # type: ignore[arg-type]
        for v in versions
    )
    step(f"{MANAGER} approved {len(versions)} versions: {approved} placements may go out")
    _rollout(app, clock, fake, step, worker)
    _summary(app, fake, work, step, out)
    out.report = write_report(
        app.db, app.storage, slug="together-as-one", folder=work / "report", now=clock.now()
    )
    step(f"report: {out.report}")
    step(f"demo finished in {time.monotonic() - t0:.0f} s")


def _pending(app: App) -> bool:
    """Return whether the worker still has something to do now (busy, or a retry due)."""
    if _busy(app):
        return True
    with app.db.session() as s:
        due = s.exec(
            select(func.count())
            .select_from(Placement)
            .where(
                Placement.state.in_([S.QUEUED.value, S.UNKNOWN.value]),  # type: ignore[attr-defined]
                Placement.next_attempt_at <= app.clock.now(),  # type: ignore[operator]
            )
        ).one()
    return bool(due)


def _wait(done: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo's worker did not finish {what} in {seconds:.0f} s")
        time.sleep(0.05)


def _rollout(app: App, clock: ManualClock, fake: FakeX, step: Say, worker: EmbeddedWorker) -> None:
    rules = Rules(
        grace=timedelta(minutes=15),
        resend_after=timedelta(minutes=10),
        settle=timedelta(seconds=60),
    )
    injected = set()
    for _ in range(2000):
        now = clock.now()
        result = tick(app.db, app.dispatcher, now=now, rules=rules)
        for line in _describe(result, now):
            step(line)
        published = len(fake.posts())
        # Two things go wrong on purpose, once each.
        if published >= 2 and "429" not in injected:
            fake.inject("POST /2/tweets", Fault(status=429, reset_in=1))
            injected.add("429")
            step("  (fake X will answer the next post with 429 Too Many Requests)")
        if published >= 6 and "cut" not in injected:
            fake.inject("POST /2/tweets", Fault(drop_after_accept=True))
            injected.add("cut")
            step("  (fake X will accept the next post, then cut the connection)")
        # The clock moves on only once the worker has finished everything sent so far.
        _wait(lambda: worker.idle() and not _busy(app), 120, "the due work")
        if _pending(app):
            continue  # retries due now: look again at the same instant
        following = next_due(app.db, clock.now())
        if following is None:
            break
        clock.set(max(following, now + timedelta(microseconds=1)))


def _busy(app: App) -> bool:
    with app.db.session() as s:
        return bool(
            s.exec(
                select(func.count())
                .select_from(Placement)
                .where(
                    (Placement.state == S.PUBLISHING)
                    | ((Placement.state == S.QUEUED) & Placement.next_attempt_at.is_(None))
                )  # type: ignore[union-attr]
            ).one()
        )


def _describe(result, now: datetime) -> list[str]:  # type: ignore[no-untyped-def]
    stamp = f"{now.astimezone(UTC):%a %d %b %H:%M} UTC"
    lines = []
    if result.queued:
        lines.append(f"{stamp}  dispatched {len(result.queued)}")
    if result.flights:
        kinds = Counter(kind for _, kind in result.flights)
        lines.append(f"{stamp}  flights: " + ", ".join(f"{n} {k}" for k, n in kinds.items()))
    if result.missed:
        lines.append(f"{stamp}  missed {len(result.missed)}")
    if result.resent:
        lines.append(f"{stamp}  retried or reconciled {len(result.resent)}")
    return lines


def _summary(app: App, fake: FakeX, work: Path, step: Say, out: DemoReport) -> None:
    with app.db.session() as s:
        rows = s.exec(select(Placement.channel, Placement.state)).all()
        out.by_state = Counter(rows)
        rendition_warnings = s.exec(
            select(Rendition.format_id, Rendition.status, Rendition.messages).where(
                Rendition.status != "ok"
            )
        ).all()
        problems = s.exec(
            select(Placement.plan_key, Placement.state, Placement.last_error).where(
                Placement.state.in_(["failed", "missed", "unknown"])
            )
        ).all()  # type: ignore[attr-defined]
        actions = list(
            s.exec(
                select(PlacementEvent.to_state, PlacementEvent.details).where(
                    PlacementEvent.actor == "worker"
                )
            )
        )
    rate_limited = sum(1 for to, d in actions if to == "queued" and "429" in str(d.get("reason")))
    reconciled = sum(1 for to, d in actions if to == "published" and d.get("reconciled"))
    out.posts = len(fake.posts())
    packages = list((work / "deliveries").rglob("manifest.json"))
    out.deliveries = len(packages)
    step("")
    step("summary: placements by channel and state")
    for channel in sorted({c for c, _ in out.by_state}):
        states = ", ".join(
            f"{n} {st}" for (c, st), n in sorted(out.by_state.items()) if c == channel
        )
        step(f"  {channel:<10} {states}")
    step(f"  X posts published on the fake X server: {out.posts}")
    step(f"  print packages delivered to {work / 'deliveries'}: {out.deliveries}")
    step(
        f"  rate-limited posts that waited for X's reset: {rate_limited}; unknown outcomes "
        f"resolved by reconciliation without posting twice: {reconciled}"
    )
    # A preflight message already starts with its status ("warn: master upscaled ...").
    out.warnings = [f"{f}: {m[0] if m else st}" for f, st, m in rendition_warnings]
    out.warnings += [f"{k}: {st}: {e or ''}" for k, st, e in problems]
    step(f"  warnings: {len(out.warnings)}")
    for w in out.warnings:
        step(f"    {w}")
