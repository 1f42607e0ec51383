"""Render a master into a folder, with no database or broker (``campaign render``)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assets.formats import ChannelFormat
from assets.geometry import Box
from assets.render import Rendered, render_set
from assets.render.intake import open_master
from assets.render.sheet import contact_sheet, sheet_pdf, sheet_png


def preflight_entry(r: Rendered) -> dict[str, Any]:
    return {
        "format": r.fmt.id,
        "file": r.filename,
        "width": r.size[0],
        "height": r.size[1],
        "bytes": r.nbytes,
        "colour": r.mode,
        "status": r.preflight.status,
        "messages": r.preflight.messages,
        "effective_dpi": r.preflight.effective_dpi,
        "upscale": round(r.preflight.upscale, 3),
    }


def render_to_folder(
    master_path: Path,
    out_dir: Path,
    formats: list[ChannelFormat],
    *,
    focal: tuple[float, float],
    keep: Box | None,
    max_pixels: int,
    on_done: Callable[[Rendered], None] | None = None,
) -> list[dict[str, Any]]:
    """Write a file per format, ``preflight.json`` and the contact sheet (PNG, PDF) to ``out_dir``.

    All or nothing: files are made in a temporary folder beside ``out_dir`` and
    moved in only when every format has rendered.
    """
    master = open_master(master_path, max_pixels=max_pixels, targets=[f.size for f in formats])
    created_dir = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".render-", dir=out_dir))
    try:
        results = render_set(master, formats, focal=focal, keep=keep, on_done=on_done)
        entries = [preflight_entry(r) for r in results]
        for r in results:
            r.save(staging / r.filename)
        (staging / "preflight.json").write_text(json.dumps(entries, indent=2) + "\n")
        title = f"{master_path.name}: {len(results)} renditions"
        sheet = contact_sheet(results, title)
        (staging / "contact-sheet.png").write_bytes(sheet_png(sheet))
        (staging / "contact-sheet.pdf").write_bytes(sheet_pdf(sheet))
        for item in staging.iterdir():
            item.replace(out_dir / item.name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_dir:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    staging.rmdir()
    return entries
