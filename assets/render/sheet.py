"""The contact sheet: every rendition, labelled, for sign-off (PNG and PDF)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from assets.render.pipeline import THUMB_BOX, Rendered

_STATUS_COLOUR = {"ok": "#1b7f3b", "warn": "#b7791f", "fail": "#c53030"}
_CELL_W, _CELL_H = THUMB_BOX[0] + 40, THUMB_BOX[1] + 110
_COLUMNS = 4


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def contact_sheet(renditions: Sequence[Rendered], title: str) -> Image.Image:
    """Return a sheet image with one labelled cell per rendition."""
    rows = max(1, -(-len(renditions) // _COLUMNS))
    sheet = Image.new("RGB", (_CELL_W * _COLUMNS, 70 + _CELL_H * rows), "#f4f4f2")
    draw = ImageDraw.Draw(sheet)
    draw.text((20, 20), title, fill="#111111", font=_font(28))
    for i, r in enumerate(renditions):
        x0 = (i % _COLUMNS) * _CELL_W + 20
        y0 = 70 + (i // _COLUMNS) * _CELL_H
        draw.rectangle(
            (x0 - 4, y0 - 4, x0 + THUMB_BOX[0] + 4, y0 + THUMB_BOX[1] + 4), outline="#cccccc"
        )
        tx = x0 + (THUMB_BOX[0] - r.thumbnail.width) // 2
        ty = y0 + (THUMB_BOX[1] - r.thumbnail.height) // 2
        sheet.paste(r.thumbnail.convert("RGB"), (tx, ty))
        status = r.preflight.status
        label_y = y0 + THUMB_BOX[1] + 12
        draw.text((x0, label_y), r.fmt.id, fill="#111111", font=_font(18))
        draw.text(
            (x0, label_y + 24),
            f"{r.size[0]} x {r.size[1]} px  {r.mode}  {r.extension.upper()}  "
            f"{len(r.data) / 1e6:.1f} MB",
            fill="#444444",
            font=_font(14),
        )
        draw.rounded_rectangle(
            (x0, label_y + 46, x0 + 70, label_y + 70), radius=6, fill=_STATUS_COLOUR[status]
        )
        draw.text((x0 + 10, label_y + 49), status.upper(), fill="#ffffff", font=_font(16))
        if r.preflight.messages:
            first = r.preflight.messages[0].split(": ", 1)[-1]
            draw.text((x0 + 80, label_y + 52), first[:62], fill="#444444", font=_font(12))
    return sheet


def sheet_png(sheet: Image.Image) -> bytes:
    buf = io.BytesIO()
    sheet.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def sheet_pdf(sheet: Image.Image) -> bytes:
    buf = io.BytesIO()
    sheet.save(buf, "PDF", resolution=150.0)
    return buf.getvalue()
