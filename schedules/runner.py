"""Drive ``tick`` in a long-running process: APScheduler on the real clock, a loop on fast clocks.

APScheduler only decides *when* to look: a date job at the next due instant
and an interval sweep as a backstop. What is due always comes from the
database, so a missed or doubled APScheduler run loses and doubles nothing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError

from campaign.bootstrap import App
from campaign.dispatch import Dispatcher
from schedules import lease
from schedules.dispatch import Rules, TickResult, summarise, tick

log = logging.getLogger("campaign.scheduler")


class DatabaseGone(RuntimeError):
    """The database stayed unreachable past the limit: exit so a supervisor restarts us."""


class SchedulerProcess:
    def __init__(
        self,
        app: App,
        dispatcher: Dispatcher,
        *,
        holder: str | None = None,
        db_down_limit: timedelta = timedelta(minutes=2),
    ) -> None:
        self.app = app
        self.dispatcher = dispatcher
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        self.ttl = timedelta(seconds=app.settings.scheduler_lease_seconds)
        self.sweep = app.settings.sweep_interval_seconds
        self.rules = Rules(
            grace=timedelta(seconds=app.settings.misfire_grace_seconds),
            resend_after=timedelta(seconds=app.settings.resend_after_seconds),
            # Past the task's hard time limit, a "publishing" attempt is certainly over.
            stale_after=timedelta(
                seconds=app.settings.publish_time_limit_seconds
                + max(5, app.settings.publish_time_limit_seconds // 4)
            ),
            settle=timedelta(seconds=app.settings.reconcile_settle_seconds),
        )
        self.db_down_limit = db_down_limit
        self.leading = False
        self.last: TickResult | None = None
        self._down_since: datetime | None = None
        self.stopped = threading.Event()

    def step(self) -> float:
        """Lead or stand by, do what is due, and return seconds until the next look."""
        now = self.app.clock.now()
        try:
            leading = lease.acquire(self.app.db, holder=self.holder, now=now, ttl=self.ttl)
            if leading != self.leading:
                log.info("%s: %s", self.holder, "leading" if leading else "standing by")
                self.leading = leading
            if not leading:
                self._down_since = None
                return min(self.sweep, self.ttl.total_seconds() / 3)
            result = tick(self.app.db, self.dispatcher, now=now, rules=self.rules)
        except SQLAlchemyError as exc:
            self._down_since = self._down_since or now
            down = now - self._down_since
            log.error(
                "database error (%s s): %s", int(down.total_seconds()), str(exc).splitlines()[0]
            )
            if down > self.db_down_limit:
                raise DatabaseGone(
                    f"database unreachable for {int(down.total_seconds())} s; "
                    "exiting so a supervisor restarts the scheduler"
                ) from None
            return min(5.0, self.sweep)
        self._down_since = None
        self.last = result
        from campaign.notify import notify_failures

        notified = notify_failures(self.app.db, self.app.settings, now=now)
        if notified:
            log.info("notified about %s placement(s) needing attention", len(notified))
        lines = list(summarise(result))
        if lines:
            log.info("tick: %s", ", ".join(lines))
        wait = self.sweep
        if result.next_due is not None:
            wait = min(wait, max(0.0, (result.next_due - now).total_seconds()))
        # Renew the lease well before it expires.
        return min(wait, self.ttl.total_seconds() / 3)

    def run_loop(self) -> None:
        """Run on the app's clock (a fast clock runs weeks of rollout in seconds)."""
        try:
            while not self.stopped.is_set():
                delay = self.step()
                self.app.clock.sleep(max(delay, 0.001))
        finally:
            self._release()

    def run(self) -> None:
        """Run under APScheduler on the real clock until stopped."""
        scheduler = BlockingScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(1)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        failure: list[BaseException] = []

        def job() -> None:
            if self.stopped.is_set():
                return
            try:
                delay = self.step()
            except DatabaseGone as exc:
                failure.append(exc)
                self.stopped.set()
                scheduler.shutdown(wait=False)
                return
            scheduler.add_job(
                job,
                "date",
                id="wakeup",
                replace_existing=True,
                run_date=datetime.now(UTC) + timedelta(seconds=delay),
            )

        scheduler.add_job(
            job, "interval", id="sweep", seconds=self.sweep, next_run_time=datetime.now(UTC)
        )
        stopper = threading.Thread(target=self._stop_when_asked, args=(scheduler,), daemon=True)
        stopper.start()
        try:
            scheduler.start()
        finally:
            self._release()
        if failure:
            raise failure[0]

    def _stop_when_asked(self, scheduler: BlockingScheduler) -> None:
        self.stopped.wait()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def _release(self) -> None:
        if self.leading:
            with contextlib.suppress(SQLAlchemyError):  # else it expires by itself
                lease.release(self.app.db, holder=self.holder, now=self.app.clock.now())
            self.leading = False
