"""A one-page print PDF around a JPEG, written as a stream: page = trim + bleed, boxes set.

The JPEG goes in as it is (DCTDecode, no re-encoding), copied from its file in
chunks: img2pdf (through pikepdf) held three copies of it, 130 MB for a 6-sheet.
The page carries TrimBox and BleedBox, the image its ICC profile, and the
document an output intent naming the same profile, which is what prepress
checks look for. Same input, same bytes: there is no date and the file ID comes
from the content, so a re-delivery never differs.
"""

from __future__ import annotations

import hashlib
import zlib
from pathlib import Path
from typing import BinaryIO

from PIL import Image

from assets.formats import MM_PER_INCH, ChannelFormat

PT_PER_MM = 72.0 / MM_PER_INCH
_CHUNK = 1 << 20


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _text(value: str) -> str:
    """Return a PDF literal string (ASCII; anything else is replaced)."""
    safe = value.encode("ascii", "replace").decode()
    return "(" + safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _box(x0: float, y0: float, x1: float, y1: float) -> str:
    return "[" + " ".join(_num(v) for v in (x0, y0, x1, y1)) + "]"


class _Writer:
    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.offsets: dict[int, int] = {}
        self.pos = 0

    def raw(self, data: bytes) -> None:
        self.fh.write(data)
        self.pos += len(data)

    def begin(self, num: int, head: str) -> None:
        self.offsets[num] = self.pos
        self.raw(f"{num} 0 obj\n{head}".encode("latin-1"))

    def obj(self, num: int, body: str) -> None:
        self.begin(num, body)
        self.raw(b"\nendobj\n")

    def stream(self, num: int, head: str, data: bytes) -> None:
        self.begin(num, f"<< {head} /Length {len(data)} >>\nstream\n")
        self.raw(data)
        self.raw(b"\nendstream\nendobj\n")


def write(jpeg: Path, fmt: ChannelFormat, out: Path, *, icc: bytes, condition: str) -> None:
    """Write ``out``: one page the size of the supplied artwork (trim + bleed) showing ``jpeg``.

    ``icc`` is the JPEG's profile, ``condition`` the printing condition it stands for.
    """
    with Image.open(jpeg) as im:  # reads the header only
        width, height, mode = im.width, im.height, im.mode
        # Adobe CMYK JPEGs (libjpeg writes the marker for CMYK) hold inverted values.
        inverted = mode == "CMYK" and "adobe" in im.info
    if mode not in ("CMYK", "RGB", "L"):
        raise ValueError(f"cannot place a {mode} JPEG in a print PDF")
    components = {"CMYK": 4, "RGB": 3, "L": 1}[mode]
    page_w, page_h = (v * PT_PER_MM for v in fmt.supplied_mm)
    bleed = fmt.bleed_mm * fmt.scale * PT_PER_MM
    size = jpeg.stat().st_size
    digest = hashlib.sha256()

    with out.open("wb") as fh:
        w = _Writer(fh)
        w.raw(b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n")
        w.obj(
            1,
            "<< /Type /Catalog /Pages 2 0 R /OutputIntents [<< /Type /OutputIntent "
            f"/S /GTS_PDFX /OutputConditionIdentifier {_text(condition)} "
            "/DestOutputProfile 6 0 R >>] >>",
        )
        w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        w.obj(
            3,
            f"<< /Type /Page /Parent 2 0 R /MediaBox {_box(0, 0, page_w, page_h)} "
            f"/BleedBox {_box(0, 0, page_w, page_h)} "
            f"/TrimBox {_box(bleed, bleed, page_w - bleed, page_h - bleed)} "
            "/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
        )
        decode = " /Decode [" + " ".join(["1 0"] * components) + "]" if inverted else ""
        w.begin(
            4,
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace [/ICCBased 6 0 R] /BitsPerComponent 8 /Filter /DCTDecode{decode} "
            f"/Length {size} >>\nstream\n",
        )
        with jpeg.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                w.raw(chunk)
        w.raw(b"\nendstream\nendobj\n")
        content = f"q {_num(page_w)} 0 0 {_num(page_h)} 0 0 cm /Im0 Do Q".encode()
        w.stream(5, "", content)
        alternate = {4: "/DeviceCMYK", 3: "/DeviceRGB", 1: "/DeviceGray"}[components]
        w.stream(
            6, f"/N {components} /Alternate {alternate} /Filter /FlateDecode", zlib.compress(icc)
        )
        w.obj(7, f"<< /Title {_text(fmt.name)} /Creator (campaign-scheduler) >>")
        xref = w.pos
        w.raw(b"xref\n0 8\n0000000000 65535 f \n")
        for num in range(1, 8):
            w.raw(f"{w.offsets[num]:010d} 00000 n \n".encode())
        file_id = digest.hexdigest()[:32]
        w.raw(
            f"trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R /ID [<{file_id}> <{file_id}>] >>\n"
            f"startxref\n{xref}\n%%EOF\n".encode()
        )
