"""``campaign artwork``: the asset library."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import select

from assets.library import add_master
from assets.renditions import version_status
from campaign.bootstrap import bootstrap
from campaign.campaigns import get_by_slug
from campaign.cli.options import parse_focal, parse_keep
from campaign.models import Artwork, ArtworkVersion

app = typer.Typer(
    help="Add masters to the asset library and follow their renditions.", no_args_is_help=True
)


@app.command("add")
def add(
    file: Path = typer.Argument(..., help="The master (JPEG, PNG, TIFF, WebP or PDF)."),
    campaign: str = typer.Option(..., "--campaign", "-c", help="Campaign slug."),
    title: str = typer.Option(..., "--title", "-t", help="Artwork title."),
    key: str | None = typer.Option(None, "--key", help="Artwork id in plans (default: title)."),
    label: str = typer.Option("", "--label", help="What this version is (partner, message)."),
    focal: str | None = typer.Option(None, "--focal", help="Focal point X,Y in 0..1."),
    keep: str | None = typer.Option(None, "--keep", help="Region X0,Y0,X1,Y1 to keep visible."),
    formats: str = typer.Option("all", "--formats", "-f", help="Formats to render."),
) -> None:
    """Add FILE as the next version of an artwork and queue its renditions."""
    app_ = bootstrap()
    chosen = app_.formats.select(formats)
    added = add_master(
        app_.db,
        app_.storage,
        campaign_slug=campaign,
        path=file,
        title=title,
        key=key,
        label=label,
        focal=parse_focal(focal),
        keep=parse_keep(keep),
        max_pixels=app_.settings.max_image_pixels,
        actor="cli",
        now=app_.clock.now(),
    )
    v = added.version
    if not added.created:
        typer.echo(
            f"unchanged: {added.artwork.key} v{v.number} already has these bytes "
            f"(version id {v.id})"
        )
    else:
        typer.echo(
            f"added {added.artwork.key} v{v.number} (version id {v.id}): {v.width}x"
            f"{v.height} {v.master_format}, sha256 {v.master_sha256[:12]}"
        )
        if added.withdrawn:
            typer.echo(f"withdrew approval of {added.withdrawn} placement(s): approve v{v.number}")
    for fmt in chosen:  # after the commit above: a worker must find the row
        app_.dispatcher.render(v.id, fmt.id)
    where = "the worker" if not app_.settings.broker_embedded else "`campaign worker`"
    typer.echo(f"queued {len(chosen)} renditions for {where}")


@app.command("list")
def list_(campaign: str = typer.Option(..., "--campaign", "-c", help="Campaign slug.")) -> None:
    """List a campaign's artworks and versions."""
    app_ = bootstrap()
    with app_.db.session() as session:
        c = get_by_slug(session, campaign)
        rows = session.exec(
            select(Artwork, ArtworkVersion)
            .where(Artwork.campaign_id == c.id)
            .join(ArtworkVersion, ArtworkVersion.artwork_id == Artwork.id)  # type: ignore[arg-type]
            .order_by(Artwork.key, ArtworkVersion.number)
        ).all()
    table = Table(title=f"artworks of {campaign}")
    for col in ("version id", "artwork", "v", "size", "focal", "approved"):
        table.add_column(col)
    for art, ver in rows:
        table.add_row(
            str(ver.id),
            art.key,
            str(ver.number),
            f"{ver.width}x{ver.height}",
            f"{ver.focal_x:.2f},{ver.focal_y:.2f}",
            ver.approved_by or "",
        )
    Console().print(table)


@app.command("status")
def status(
    version_id: int = typer.Argument(..., help="Artwork version id."),
    formats: str = typer.Option("all", "--formats", "-f", help="Formats to count."),
) -> None:
    """Show which renditions of a version are done, with their preflight."""
    app_ = bootstrap()
    ids = [f.id for f in app_.formats.select(formats)]
    st = version_status(app_.db, app_.formats, version_id=version_id, format_ids=ids)
    typer.echo(f"version {version_id}: {st.label}")
    for r in st.renditions:
        reason = f"  {r.messages[0]}" if r.messages else ""
        typer.echo(f"  {r.status:>4} {r.format_id} {r.width}x{r.height} {r.bytes:,} bytes{reason}")


@app.command("approve")
def approve(
    version_id: int = typer.Argument(..., help="Artwork version id."),
    by: str = typer.Option(..., "--by", help="Who approves (name or e-mail), for the log."),
) -> None:
    """Approve an artwork version: its placements may go out."""
    from campaign.approvals import approve_version

    app_ = bootstrap()
    count = approve_version(app_.db, version_id=version_id, actor=by, now=app_.clock.now())
    typer.echo(f"approved version {version_id}: {count} placement(s) now approved")
