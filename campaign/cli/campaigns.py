"""``campaign campaigns``: create and list campaigns."""

from __future__ import annotations

import typer

from campaign import campaigns as service
from campaign.bootstrap import bootstrap

app = typer.Typer(help="Create and list campaigns.", no_args_is_help=True)


@app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short id, e.g. together-as-one."),
    name: str = typer.Option(..., "--name", help="Display name."),
    timezone: str | None = typer.Option(None, "--timezone", help="IANA zone (default: settings)."),
) -> None:
    """Create a campaign (or update its name and zone)."""
    app_ = bootstrap()
    c, created = service.ensure_campaign(
        app_.db,
        slug=slug,
        name=name,
        timezone=timezone or app_.settings.timezone,
        actor="cli",
        now=app_.clock.now(),
    )
    typer.echo(f"{'created' if created else 'updated'} campaign {c.slug} ({c.timezone})")


@app.command("list")
def list_() -> None:
    """List campaigns."""
    for c in service.list_campaigns(bootstrap().db):
        typer.echo(f"{c.slug}\t{c.name}\t{c.timezone}")
