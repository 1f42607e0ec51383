"""The ``campaign`` command: one thin edge over the services."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from campaign.cli import artwork as artwork_cli
from campaign.cli import assets as assets_cli
from campaign.cli import campaigns as campaigns_cli
from campaign.cli import db as db_cli
from campaign.cli import demo as demo_cli
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
app.command("demo")(demo_cli.demo)
app.command("formats")(assets_cli.formats)
app.command("render")(assets_cli.render)

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def main() -> None:
    """Run the CLI, turning any user-caused error into one line and an exit code."""
    try:
        app()
    except CampaignError as exc:
        _err.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
