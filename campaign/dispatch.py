"""How services hand work to workers, without knowing about Celery.

Send only after the transaction that made the work has committed: a task that
arrives first would find no row (Celery's own advice).
"""

from __future__ import annotations

from typing import Protocol


class Dispatcher(Protocol):
    def render(self, version_id: int, format_id: str) -> None: ...
    def publish(self, placement_id: int) -> None: ...
    def deliver(self, placement_ids: list[int]) -> None: ...


class RecordingDispatcher:
    """Keeps what would be sent (dry runs and tests)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple[object, ...]]] = []

    def render(self, version_id: int, format_id: str) -> None:
        self.sent.append(("render", (version_id, format_id)))

    def publish(self, placement_id: int) -> None:
        self.sent.append(("publish", (placement_id,)))

    def deliver(self, placement_ids: list[int]) -> None:
        self.sent.append(("deliver", (tuple(placement_ids),)))
