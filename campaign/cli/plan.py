"""``campaign plan``: check and apply rollout plans."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from campaign.bootstrap import bootstrap
from campaign.errors import CampaignError
from schedules.apply import apply_plan, check_file
from schedules.plan import PlanRejected
from schedules.planfile import json_schema

app = typer.Typer(help="Check and apply rollout plans (YAML).", no_args_is_help=True)


@app.command("schema")
def schema() -> None:
    """Print the plan file's JSON Schema."""
    typer.echo(json.dumps(json_schema(), indent=2))


@app.command("check")
def check(plan: Path = typer.Argument(..., help="The plan file (YAML).")) -> None:
    """Print every problem in PLAN at once, each with its line; exit 1 if any is an error."""
    app_ = bootstrap()
    # Checking needs no database; with one, placements that went out may lie in the past.
    db = None
    embedded = app_.settings.data_dir / "campaign.db"
    if app_.settings.database_url or embedded.exists():
        try:
            db = app_.db
        except CampaignError:
            db = None
    checked = check_file(
        plan,
        formats=app_.formats,
        now=app_.clock.now(),
        max_pixels=app_.settings.max_image_pixels,
        db=db,
    )
    for line in checked.report():
        typer.echo(line, err=True)
    if not checked.ok:
        raise typer.Exit(1)
    n = len(checked.desired)
    typer.echo(
        f"{plan.name}: ok, {n} placement{'s' * (n != 1)}"
        + (f", {len(checked.problems)} warning(s)" if checked.problems else "")
    )


@app.command("apply")
def apply(
    plan: Path = typer.Argument(..., help="The plan file (YAML)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the difference, change nothing."),
) -> None:
    """Create or update the campaign's placements from PLAN in one transaction."""
    app_ = bootstrap()
    try:
        report = apply_plan(
            app_.db,
            app_.storage,
            app_.formats,
            path=plan,
            now=app_.clock.now(),
            max_pixels=app_.settings.max_image_pixels,
            actor="cli",
            dry_run=dry_run,
        )
    except PlanRejected as exc:
        for line in exc.checked.report():
            typer.echo(line, err=True)
        raise
    for line in report.warnings:
        typer.echo(line, err=True)
    prefix = "would be " if dry_run else ""
    for label, items in (
        ("added", report.added),
        ("changed", report.changed),
        ("cancelled", report.cancelled),
        ("kept (already gone out)", report.kept),
    ):
        for item in items:
            typer.echo(f"{prefix}{label}: {item}")
    for v in report.new_versions:
        typer.echo(f"{prefix}new artwork version: {v}")
    typer.echo(
        f"{report.campaign}: {prefix}{len(report.added)} added, {len(report.changed)} "
        f"changed, {len(report.cancelled)} cancelled, {len(report.unchanged)} unchanged"
        + (f", {len(report.kept)} kept" if report.kept else "")
    )
    if not dry_run:
        for version_id, format_id in report.renders:  # after the commit
            app_.dispatcher.render(version_id, format_id)
