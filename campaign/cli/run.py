"""``campaign run``: the whole system in one process, for a single user with nothing installed."""

from __future__ import annotations

import threading

import typer

from campaign.bootstrap import bootstrap
from campaign.errors import ConfigError


def run(
    host: str = typer.Option("127.0.0.1", "--host", help="Address for the web app."),
    port: int = typer.Option(8000, "--port", help="Port for the web app."),
) -> None:
    """Run the web app, the scheduler and a worker together (embedded defaults, no Redis)."""
    import uvicorn

    from campaign.logs import configure_logging
    from campaign.web.app import create_app
    from schedules.runner import SchedulerProcess
    from workers.embedded import EmbeddedWorker

    app_ = bootstrap()
    if not app_.settings.broker_embedded:
        raise ConfigError(
            "campaign run is the single-process mode; with CAMPAIGN_BROKER_URL set, "
            "run `campaign web`, `campaign worker` and `campaign scheduler`"
        )
    configure_logging(app_.settings)
    app_.db  # noqa: B018 - the embedded database migrates itself here
    # The filesystem transport: `campaign artwork add` in another shell still reaches it.
    worker = EmbeddedWorker(app_, app_.celery).start()
    scheduler = SchedulerProcess(app_, app_.dispatcher)
    thread = threading.Thread(target=scheduler.run, name="scheduler", daemon=True)
    thread.start()
    typer.echo(
        f"campaign run: web on http://{host}:{port}, scheduler and worker in this "
        "process; Ctrl-C stops all three",
        err=True,
    )
    try:
        uvicorn.run(create_app(app_), host=host, port=port, log_config=None)
    finally:
        scheduler.stopped.set()
        thread.join(timeout=15)
        worker.stop()
