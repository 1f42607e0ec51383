"""``campaign log``: read, export and verify the placement log."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from campaign import eventlog, logquery
from campaign.bootstrap import bootstrap

app = typer.Typer(help="Read, export and verify the placement log.", invoke_without_command=True)


class Output(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint=name) from None


@app.callback()
def log(
    ctx: typer.Context,
    campaign: str | None = typer.Option(None, "--campaign", "-c", help="Campaign slug."),
    channel: str | None = typer.Option(None, "--channel", help="billboard, bus, bus-stop..."),
    status: str | None = typer.Option(None, "--status", help="State reached, e.g. failed."),
    site: str | None = typer.Option(None, "--site", help="Frame id, title or @handle."),
    since: str | None = typer.Option(None, "--since", help="From this date (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, "--until", help="Up to this date, inclusive."),
    output: Output = typer.Option(Output.table, "--format", help="table, csv or json."),
    limit: int = typer.Option(100, "--limit", help="Rows in the table (csv/json: all)."),
) -> None:
    """Print or export the placement log, filtered."""
    if ctx.invoked_subcommand is not None:
        return
    app_ = bootstrap()
    zone = ZoneInfo(app_.settings.timezone)
    f = logquery.LogFilter(
        campaign=campaign,
        channel=channel,
        status=status,
        site=site,
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        timezone=app_.settings.timezone,
    )
    if output is Output.csv:
        for chunk in logquery.csv_chunks(logquery.stream(app_.db, f), zone):
            sys.stdout.write(chunk)
        return
    if output is Output.json:
        for row in logquery.stream(app_.db, f):
            sys.stdout.write(json.dumps(row.as_dict(zone), default=str) + "\n")
        return
    rows = logquery.page(app_.db, f, limit=limit)
    table = Table(title=f"placement log ({len(rows)} newest)")
    for col in ("when", "campaign", "placement", "channel", "site", "who", "what", "change"):
        table.add_column(col)
    for r in reversed(rows):
        e = r.event
        table.add_row(
            f"{e.at.astimezone(zone):%Y-%m-%d %H:%M}",
            r.campaign or "",
            str(e.placement_id or ""),
            e.channel or "",
            r.site or "",
            e.actor,
            e.action,
            f"{e.from_state or ''} -> {e.to_state}" if e.to_state else "",
        )
    Console().print(table)


@app.command("verify")
def verify() -> None:
    """Check the log's hash chain; report the first broken link (exit 1)."""
    app_ = bootstrap()
    with app_.db.session() as session:
        report = eventlog.verify_session(session)
    if report.ok:
        typer.echo(f"log intact: {report.checked} events, every link and hash checks out")
        return
    typer.echo(
        f"log broken at event {report.broken_id} (after {report.checked - 1} good "
        f"events): {report.reason}",
        err=True,
    )
    raise typer.Exit(1)
