"""The Celery implementation of ``campaign.dispatch.Dispatcher``."""

from __future__ import annotations

from celery import Celery


class CeleryDispatcher:
    """Sends tasks by name through the configured broker."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def render(self, version_id: int, format_id: str) -> None:
        self.app.send_task("campaign.render", args=[version_id, format_id])

    def publish(self, placement_id: int) -> None:
        self.app.send_task("campaign.publish", args=[placement_id])

    def deliver(self, placement_ids: list[int]) -> None:
        self.app.send_task("campaign.deliver", args=[placement_ids])
