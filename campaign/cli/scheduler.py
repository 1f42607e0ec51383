"""``campaign scheduler``: dispatch placements when they are due."""

from __future__ import annotations

import signal

import typer

from campaign.bootstrap import bootstrap
from campaign.errors import DatabaseUnavailable
from campaign.logs import configure_logging
from schedules.runner import DatabaseGone, SchedulerProcess


def scheduler() -> None:
    """Run the scheduler (one leads, others stand by and take over within seconds)."""
    app_ = bootstrap()
    configure_logging(app_.settings)
    app_.db  # noqa: B018 - one-line error now if the database is unreachable
    process = SchedulerProcess(app_, app_.dispatcher)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: process.stopped.set())
    typer.echo(
        f"scheduler {process.holder} started (lease {process.ttl.total_seconds():g} s, "
        f"sweep {process.sweep:g} s)",
        err=True,
    )
    try:
        process.run()
    except DatabaseGone as exc:
        raise DatabaseUnavailable(str(exc)) from None
