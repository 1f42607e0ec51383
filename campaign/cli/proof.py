"""``campaign proof``: proof of posting for posters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from campaign.bootstrap import bootstrap
from campaign.proofs import add_proof, missing_proofs

app = typer.Typer(help="Proof of posting: dated photos per site.", no_args_is_help=True)


@app.command("add")
def add(
    placement: int = typer.Argument(..., help="Placement id."),
    photo: Path = typer.Argument(..., help="The photo of the poster on its site."),
    taken: str | None = typer.Option(
        None, "--taken", help="Date taken (YYYY-MM-DD; default today)."
    ),
    by: str = typer.Option("cli", "--by", help="Who adds it, for the log."),
) -> None:
    """Attach a dated photo to PLACEMENT and mark it posted."""
    app_ = bootstrap()
    try:
        taken_on = date.fromisoformat(taken) if taken else app_.clock.now().date()
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--taken") from None
    proof = add_proof(
        app_.db,
        app_.storage,
        placement_id=placement,
        photo=photo,
        taken_on=taken_on,
        actor=by,
        now=app_.clock.now(),
        max_pixels=app_.settings.max_image_pixels,
    )
    typer.echo(f"placement {placement}: posted, photo {proof.sha256[:12]} taken {taken_on}")


@app.command("missing")
def missing() -> None:
    """List posters with no photo CAMPAIGN_PROOF_GRACE_DAYS after their flight started."""
    app_ = bootstrap()
    rows = missing_proofs(app_.db, now=app_.clock.now(), grace_days=app_.settings.proof_grace_days)
    for m in rows:
        typer.echo(
            f"{m.placement_id}\t{m.site}\t{m.media_owner}\t{m.address}\t"
            f"flight {m.flight_start}\t{m.days_overdue} day(s) overdue"
        )
    typer.echo(f"{len(rows)} site(s) without proof of posting", err=True)
