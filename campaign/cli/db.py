"""``campaign db``: the database schema."""

from __future__ import annotations

import typer

from campaign import migrate
from campaign.db import check_connection, engine_for
from campaign.settings import get_settings

app = typer.Typer(help="Create and migrate the database schema.", no_args_is_help=True)


def _engine():  # type: ignore[no-untyped-def]
    engine = engine_for(get_settings().effective_database_url)
    check_connection(engine)
    return engine


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the schema up to REVISION (default: the latest)."""
    engine = _engine()
    migrate.upgrade(engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(engine)}")


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Take the schema down to REVISION ('base' removes every table)."""
    engine = _engine()
    migrate.downgrade(engine, revision)
    typer.echo(f"database at revision {migrate.current_revision(engine) or 'base'}")


@app.command()
def current() -> None:
    """Print the schema's revision and whether it is the latest."""
    engine = _engine()
    rev, head = migrate.current_revision(engine), migrate.head_revision(engine)
    state = "up to date" if rev == head else f"behind (latest is {head})"
    typer.echo(f"{rev or 'base'}: {state}")
