"""The contact sheet: every rendition, labelled, for sign-off (PNG and PDF)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from assets.render.pipeline import THUMB_BOX, Rendered
from assets.sniff import sniff

_STATUS_COLOUR = {"ok": "#1b7f3b", "warn": "#b7791f", "fail": "#c53030"}
_CELL_W, _CELL_H = THUMB_BOX[0] + 40, THUMB_BOX[1] + 110
_COLUMNS = 4


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@dataclass(frozen=True)
class Cell:
    label: str
    detail: str
    status: str
    note: str
    thumbnail: Image.Image


def cell_for(r: Rendered) -> Cell:
    note = r.preflight.messages[0].split(": ", 1)[-1] if r.preflight.messages else ""
    return Cell(
        r.fmt.id,
        f"{r.size[0]} x {r.size[1]} px  {r.mode}  {r.extension.upper()}  {r.nbytes / 1e6:.1f} MB",
        r.preflight.status,
        note,
        r.thumbnail,
    )


def thumbnail_of(data: bytes) -> Image.Image:
    """Return a small sRGB picture of a stored rendition (JPEG, PNG, WebP, TIFF or PDF)."""
    from assets.render import colour

    if sniff(data[:64]) == "PDF":
        jpeg, picture = _pdf_first_page(data)
        if picture is not None:
            return picture
        data = jpeg
    if sniff(data[:64]) == "TIFF":
        # A print TIFF is hundreds of MB decoded and Pillow cannot decode it smaller:
        # libvips shrinks it strip by strip instead.
        from assets.render import vips

        return vips.thumbnail(data, THUMB_BOX)
    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", THUMB_BOX)
        im.thumbnail(THUMB_BOX)
        icc = im.info.get("icc_profile")
        return colour.to_srgb(im.convert(im.mode if im.mode in ("RGB", "CMYK") else "RGB"), icc)


def _pdf_first_page(data: bytes) -> tuple[bytes, Image.Image | None]:
    """Return the page's JPEG if the page is just one (a print file), else the page drawn.

    PDFium colour-manages every pixel of a CMYK image it draws: 45 s for a 6-sheet,
    under the lock every PDF user waits on. Pillow decodes the same JPEG at 1/8 scale
    in a fraction of a second.
    """
    import pypdfium2 as pdfium

    from assets.render.pdfium import document

    with document(data) as pdf:
        page = pdf[0]
        objects = list(page.get_objects(max_depth=1))
        if (
            len(objects) == 1
            and isinstance(objects[0], pdfium.PdfImage)
            and objects[0].get_filters() == ["DCTDecode"]
        ):
            return bytes(objects[0].get_data()), None
        scale = min(THUMB_BOX[0] / page.get_width(), THUMB_BOX[1] / page.get_height())
        return b"", page.render(scale=scale).to_pil().convert("RGB")


def contact_sheet(renditions: Sequence[Rendered], title: str) -> Image.Image:
    """Return a sheet image with one labelled cell per rendition."""
    return sheet_of_cells([cell_for(r) for r in renditions], title)


def sheet_of_cells(cells: Sequence[Cell], title: str) -> Image.Image:
    """Return a sheet image with one labelled cell each."""
    rows = max(1, -(-len(cells) // _COLUMNS))
    sheet = Image.new("RGB", (_CELL_W * _COLUMNS, 70 + _CELL_H * rows), "#f4f4f2")
    draw = ImageDraw.Draw(sheet)
    draw.text((20, 20), title, fill="#111111", font=_font(28))
    for i, cell in enumerate(cells):
        x0 = (i % _COLUMNS) * _CELL_W + 20
        y0 = 70 + (i // _COLUMNS) * _CELL_H
        draw.rectangle(
            (x0 - 4, y0 - 4, x0 + THUMB_BOX[0] + 4, y0 + THUMB_BOX[1] + 4), outline="#cccccc"
        )
        tx = x0 + (THUMB_BOX[0] - cell.thumbnail.width) // 2
        ty = y0 + (THUMB_BOX[1] - cell.thumbnail.height) // 2
        sheet.paste(cell.thumbnail.convert("RGB"), (tx, ty))
        label_y = y0 + THUMB_BOX[1] + 12
        draw.text((x0, label_y), cell.label, fill="#111111", font=_font(18))
        draw.text((x0, label_y + 24), cell.detail, fill="#444444", font=_font(14))
        draw.rounded_rectangle(
            (x0, label_y + 46, x0 + 70, label_y + 70), radius=6, fill=_STATUS_COLOUR[cell.status]
        )
        draw.text((x0 + 10, label_y + 49), cell.status.upper(), fill="#ffffff", font=_font(16))
        if cell.note:
            draw.text((x0 + 80, label_y + 52), cell.note[:62], fill="#444444", font=_font(12))
    return sheet


def sheet_png(sheet: Image.Image) -> bytes:
    buf = io.BytesIO()
    sheet.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def sheet_pdf(sheet: Image.Image) -> bytes:
    buf = io.BytesIO()
    sheet.save(buf, "PDF", resolution=150.0)
    return buf.getvalue()
