"""``campaign worker``: run a Celery worker for this system."""

from __future__ import annotations

import os

import typer

from campaign.bootstrap import bootstrap
from campaign.logs import configure_logging


def worker(
    concurrency: int = typer.Option(2, "--concurrency", "-c", min=1, help="Tasks at once."),
    pool: str = typer.Option(
        "",
        "--pool",
        help="Celery pool (default: prefork with a broker server, solo with the embedded one).",
    ),
    loglevel: str = typer.Option("INFO", "--loglevel", "-l"),
) -> None:
    """Run a worker: renders, posts and deliveries, from the configured broker."""
    app_ = bootstrap()
    configure_logging(app_.settings, loglevel)
    app_.db  # noqa: B018 - fail fast, in one line, when the database is unreachable
    chosen = pool or ("solo" if app_.settings.broker_embedded else "prefork")
    argv = [
        "worker",
        f"--loglevel={loglevel}",
        f"--pool={chosen}",
        "--without-gossip",
        "--without-mingle",
        "--queues=campaign",
        f"--hostname=campaign-{os.getpid()}@%h",
    ]
    if chosen != "solo":
        argv.append(f"--concurrency={concurrency}")
    app_.celery.worker_main(argv)
