"""``campaign formats`` and ``campaign render``: the asset side of the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assets.folder import render_to_folder
from assets.formats import load_registry
from campaign.cli.options import parse_focal, parse_keep
from campaign.settings import get_settings

_STATUS_STYLE = {"ok": "green", "warn": "yellow", "fail": "red"}


def formats(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """List the channel formats (built in, plus CAMPAIGN_FORMATS_FILE)."""
    registry = load_registry(get_settings().formats_file)
    if as_json:
        typer.echo(json.dumps([f.summary() for f in registry], indent=2))
        return
    table = Table(title=f"{len(registry)} channel formats")
    table.add_column("id", no_wrap=True)
    for col in ("group", "pixels", "printed", "colour", "file", "limit"):
        table.add_column(col)
    for f in registry:
        w, h = f.size
        printed = (
            f"{f.trim_mm[0]:g}x{f.trim_mm[1]:g} mm @ {f.scale:g}, {f.dpi:g} dpi"
            if f.trim_mm
            else ""
        )
        limit = f"{f.max_bytes / 1e6:.0f} MB" if f.max_bytes else ""
        table.add_row(
            f.id, f.group.value, f"{w}x{h}", printed, f.colour.value, f.file_format, limit
        )
    Console().print(table)


def render(
    master: Path = typer.Argument(..., help="The master artwork (JPEG, PNG, TIFF, WebP or PDF)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the renditions into."),
    formats_: str = typer.Option(
        "all",
        "--formats",
        "-f",
        help="'all', a group (social, billboard...) or ids, comma-separated.",
    ),
    focal: str | None = typer.Option(None, "--focal", help="Focal point X,Y in 0..1."),
    keep: str | None = typer.Option(
        None, "--keep", help="Region X0,Y0,X1,Y1 that must stay visible."
    ),
) -> None:
    """Render MASTER into every format, with preflight.json and contact-sheet.png/.pdf.

    Needs no database or broker. On bad input nothing is left in the folder.
    """
    settings = get_settings()
    chosen = load_registry(settings.formats_file).select(formats_)
    point, region = parse_focal(focal), parse_keep(keep)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("rendering", total=len(chosen))
        entries = render_to_folder(
            master,
            out,
            chosen,
            focal=point,
            keep=region,
            max_pixels=settings.max_image_pixels,
            on_done=lambda r: progress.update(task, advance=1, description=r.fmt.id),
        )
    counts = {s: sum(e["status"] == s for e in entries) for s in ("ok", "warn", "fail")}
    out_console = Console(highlight=False)
    for e in entries:
        style = _STATUS_STYLE[e["status"]]
        reason = f"  {e['messages'][0]}" if e["messages"] else ""
        out_console.print(
            f"[{style}]{e['status']:>4}[/] {e['file']}  {e['width']}x{e['height']}"
            f"  {e['bytes']:,} bytes{reason}"
        )
    out_console.print(
        f"{len(entries)} renditions in {out}: {counts['ok']} ok, "
        f"{counts['warn']} warn, {counts['fail']} fail"
    )


def sample_artwork(
    folder: Path = typer.Argument(..., help="Where to write the masters."),
) -> None:
    """Draw the sample campaign's masters (used by examples/ and the demo)."""
    from assets.render.sample import write_samples

    for path in write_samples(folder):
        typer.echo(str(path))
