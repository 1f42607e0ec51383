"""/healthz and /metrics: what an orchestrator and Prometheus ask."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, text
from sqlmodel import select

from campaign.bootstrap import App
from campaign.models import Placement, PlacementEvent
from campaign.web.deps import AppDep

router = APIRouter()


def _check_broker(app: App) -> None:
    url = app.settings.broker_url
    if url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    elif app.settings.broker_embedded:
        folder = app.settings.data_dir / "broker"
        folder.mkdir(parents=True, exist_ok=True)


@router.get("/healthz", name="healthz")
def healthz(app: AppDep) -> JSONResponse:
    """Report whether the database, the broker and storage can be reached (503 if not)."""
    checks: dict[str, str] = {}
    for name, check in (
        ("database", lambda: _ping_db(app)),
        ("broker", lambda: _check_broker(app)),
        ("storage", lambda: app.storage.ping()),
    ):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:
            checks[name] = (
                f"error: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
            )
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503
    )


def _ping_db(app: App) -> None:
    with app.db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


class _FromDatabase:
    """Read the numbers from the database at scrape time: right across every process."""

    def __init__(self, app: App) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        with self.app.db.session() as s:
            by_state = s.exec(
                select(Placement.kind, Placement.state, func.count()).group_by(
                    Placement.kind, Placement.state
                )
            ).all()
            outcomes = s.exec(
                select(PlacementEvent.actor, PlacementEvent.to_state, func.count())
                .where(PlacementEvent.actor.in_(["worker", "scheduler"]))  # type: ignore[attr-defined]
                .group_by(PlacementEvent.actor, PlacementEvent.to_state)
            ).all()
            recent = s.exec(
                select(PlacementEvent.details)
                .where(PlacementEvent.to_state == "queued", PlacementEvent.actor == "scheduler")
                .order_by(PlacementEvent.id.desc())
                .limit(200)
            ).all()  # type: ignore[union-attr]
        placements = GaugeMetricFamily(
            "campaign_placements", "Placements by kind and state", labels=["kind", "state"]
        )
        for kind, state, n in by_state:
            placements.add_metric([kind, state], n)
        yield placements
        events = GaugeMetricFamily(
            "campaign_outcomes_total",
            "State changes made by workers and the scheduler",
            labels=["actor", "to_state"],
        )
        for actor, state, n in outcomes:
            events.add_metric([actor, state or "none"], n)
        yield events
        late = sorted(
            float(d.get("lateness_s") or 0)
            for d in recent
            if isinstance(d, dict) and d.get("lateness_s") is not None
        )
        lateness = GaugeMetricFamily(
            "campaign_dispatch_lateness_seconds",
            "Dispatch lateness over the last 200 dispatches",
            labels=["quantile"],
        )
        if late:
            for q in (0.5, 0.99):
                lateness.add_metric([str(q)], late[min(len(late) - 1, int(q * len(late)))])
        yield lateness
        depth = GaugeMetricFamily("campaign_queue_depth", "Messages waiting on the broker")
        depth.add_metric([], _queue_depth(self.app))
        yield depth


def _queue_depth(app: App) -> float:
    url = app.settings.broker_url
    if url.startswith(("redis://", "rediss://")):
        import redis

        try:
            return float(redis.Redis.from_url(url, socket_timeout=2).llen("campaign"))
        except redis.RedisError:
            return float("nan")
    folder = app.settings.data_dir / "broker" / "queue"
    return float(len(list(folder.glob("*.msg")))) if folder.exists() else 0.0


@router.get("/metrics", name="metrics")
def metrics(app: AppDep) -> Response:
    """Prometheus text format."""
    registry = CollectorRegistry()
    registry.register(_FromDatabase(app))  # type: ignore[arg-type]
    return Response(generate_latest(registry), media_type="text/plain; version=0.0.4")
