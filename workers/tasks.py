"""Celery tasks: ids in, re-read the rows, call one service, safe to run twice."""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import shared_task
from sqlalchemy.exc import OperationalError

from campaign.bootstrap import App, bootstrap
from campaign.errors import CampaignError

log = logging.getLogger("campaign.worker")


_EMBEDDED: list[App] = []


def use_app(app: App | None) -> None:
    """Run tasks in this process against ``app`` (embedded worker: same clock, same settings)."""
    _EMBEDDED[:] = [app] if app is not None else []


@lru_cache(maxsize=1)
def _process_app() -> App:
    return bootstrap()


def worker_app() -> App:
    """Return the application tasks run against (one per worker process)."""
    return _EMBEDDED[0] if _EMBEDDED else _process_app()


@shared_task(
    name="campaign.render",
    autoretry_for=(OperationalError, ConnectionError, TimeoutError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
)
def render(version_id: int, format_id: str) -> None:
    """Make one rendition of a version (nothing to do if it exists)."""
    from assets.renditions import ensure_rendition

    app = worker_app()
    try:
        row, made = ensure_rendition(
            app.db,
            app.storage,
            app.formats,
            version_id=version_id,
            format_id=format_id,
            max_pixels=app.settings.max_image_pixels,
            now=app.clock.now(),
        )
    except CampaignError as exc:
        # A user-caused problem (deleted version, unknown format): retrying cannot help.
        log.warning("render %s/%s refused: %s", version_id, format_id, exc)
        return
    log.info(
        "render %s/%s %s (%s)", version_id, format_id, "made" if made else "cached", row.status
    )


@shared_task(name="campaign.publish")
def publish(placement_id: int) -> None:
    """Publish one social placement (or reconcile an unknown outcome)."""
    from workers.publishing import publish as publish_placement

    app = worker_app()
    outcome = publish_placement(app, placement_id, dispatcher=app.dispatcher)
    log.info(
        "publish %s: %s",
        placement_id,
        outcome,
        extra={"placement_id": placement_id, "outcome": outcome},
    )


@shared_task(name="campaign.deliver")
def deliver(placement_ids: list[int]) -> None:
    """Package and deliver print placements for their media owners."""
    from workers.delivery import deliver as deliver_placements

    for package in deliver_placements(worker_app(), placement_ids):
        log.info("delivered %s placement(s) in %s", len(package.placement_ids), package.prefix)
