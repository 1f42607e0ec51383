"""The ``campaign`` command: one thin edge over the services."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from campaign.cli import artwork as artwork_cli
from campaign.cli import assets as assets_cli
from campaign.cli import campaigns as campaigns_cli
from campaign.cli import db as db_cli
from campaign.cli import demo as demo_cli
from campaign.cli import log as log_cli
from campaign.cli import plan as plan_cli
from campaign.cli import proof as proof_cli
from campaign.cli import run as run_cli
from campaign.cli import scheduler as scheduler_cli
from campaign.cli import web as web_cli
from campaign.cli import worker as worker_cli
from campaign.errors import CampaignError

app = typer.Typer(
    name="campaign",
    help="Campaign asset and distribution scheduler: renditions for every channel, "
    "rollout plans, exactly-once publishing and the placement log.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(db_cli.app, name="db")
app.add_typer(campaigns_cli.app, name="campaigns")
app.add_typer(artwork_cli.app, name="artwork")
app.command("worker")(worker_cli.worker)
app.add_typer(plan_cli.app, name="plan")
app.command("scheduler")(scheduler_cli.scheduler)
app.add_typer(proof_cli.app, name="proof")
app.command("web")(web_cli.web)
app.command("run")(run_cli.run)
app.add_typer(log_cli.app, name="log")
app.add_typer(web_cli.users_app, name="users")
app.command("demo")(demo_cli.demo)
app.command("formats")(assets_cli.formats)
app.command("render")(assets_cli.render)
app.command("sample-artwork")(assets_cli.sample_artwork)

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    """Run the CLI, turning any user-caused error into one line and an exit code."""
    try:
        app()
    except CampaignError as exc:
        _err.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        _err.print(f"error: database error: {reason}", markup=False)
        sys.exit(2)
    except Exception as exc:
        crash = _write_crash_report()
        _err.print(
            f"error: internal error ({type(exc).__name__}: {exc}); details in {crash}", markup=False
        )
        sys.exit(70)


def _write_crash_report() -> Path:
    folder = Path(tempfile.gettempdir()) / "campaign-crashes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}.log"
    path.write_text(traceback.format_exc())
    return path
