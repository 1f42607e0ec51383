"""A Celery worker inside this process: the single-user mode of `campaign run` and the demo.

Tasks go through a real Celery worker and transport (never eager mode), on a
thread of this process, against the same application object (settings, clock).
"""

from __future__ import annotations

import threading

from celery import Celery

from campaign.bootstrap import App
from workers import tasks


class EmbeddedWorker:
    def __init__(self, app: App, celery: Celery, *, concurrency: int = 1) -> None:
        self.app = app
        self.celery = celery
        self.concurrency = concurrency
        self._worker = None
        self._thread: threading.Thread | None = None

    def start(self) -> EmbeddedWorker:
        tasks.use_app(self.app)
        # Without set_default the worker thread resolves tasks on another app
        # instance and they come back NotRegistered (see the notes on embedded brokers).
        self.celery.set_default()
        self.celery.loader.import_default_modules()
        self._worker = self.celery.WorkController(
            pool="threads" if self.concurrency > 1 else "solo",
            concurrency=self.concurrency,
            without_mingle=True,
            without_gossip=True,
            without_heartbeat=True,
            loglevel="WARNING",
            queues=["campaign"],
            hostname=f"embedded-{id(self)}@localhost",
        )
        self._thread = threading.Thread(
            target=self._worker.start, name="celery-worker", daemon=True
        )
        self._thread.start()
        return self

    def idle(self) -> bool:
        """Return whether no task is queued, reserved or running in this worker."""
        from celery.worker import state

        if state.active_requests or state.reserved_requests:
            return False
        with self.celery.connection_for_write() as conn:
            declared = conn.default_channel.queue_declare(queue="campaign", passive=True)
        return declared.message_count == 0

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop(in_sighandler=False)
        if self._thread is not None:
            self._thread.join(timeout=30)
        tasks.use_app(None)
