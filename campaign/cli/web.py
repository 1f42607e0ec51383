"""``campaign web`` and ``campaign users``: the web app and its accounts."""

from __future__ import annotations

import typer

from campaign.bootstrap import bootstrap

users_app = typer.Typer(help="Users and API tokens for the web app and API.", no_args_is_help=True)


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the web app and JSON API (uvicorn)."""
    import uvicorn

    from campaign.logs import configure_logging
    from campaign.web.app import create_app

    app_ = bootstrap()
    configure_logging(app_.settings)
    app_.db  # noqa: B018 - one-line error now if the database is unreachable
    uvicorn.run(create_app(app_), host=host, port=port, log_config=None, proxy_headers=True)


@users_app.command("add")
def add_user(
    email: str = typer.Argument(..., help="E-mail address (the sign-in name)."),
    role: str = typer.Option(..., "--role", help="comms, manager, viewer or admin."),
    name: str = typer.Option("", "--name"),
    password: str = typer.Option(
        ...,
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="10+ characters.",
    ),
) -> None:
    """Create a user."""
    from campaign.users import create_user

    app_ = bootstrap()
    user = create_user(
        app_.db, email=email, role=role, password=password, name=name, now=app_.clock.now()
    )
    typer.echo(f"created {user.email} ({user.role})")


@users_app.command("token")
def token(
    email: str = typer.Argument(..., help="The user the token acts as."),
    name: str = typer.Option(..., "--name", help="What uses it."),
) -> None:
    """Create an API token (printed once; only its hash is stored)."""
    from campaign.users import create_token

    app_ = bootstrap()
    typer.echo(create_token(app_.db, email=email, name=name, now=app_.clock.now()))


@users_app.command("list")
def list_users() -> None:
    """List users."""
    from campaign.users import list_users as service

    for u in service(bootstrap().db):
        typer.echo(f"{u.email}\t{u.role}\t{u.name}")
