"""Encode a screen rendition within its byte budget."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Encoded:
    data: bytes
    extension: str
    quality: int | None


def _save(image: Image.Image, fmt: str, quality: int | None, icc: bytes) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"icc_profile": icc}
    if fmt == "JPEG":
        # Huffman optimisation keeps every DCT coefficient in memory (hundreds of MB for a
        # large digital screen) for a few per cent of bytes: worth it on smaller files.
        small = image.width * image.height <= 8_000_000
        kwargs |= {"quality": quality or 90, "optimize": small, "progressive": False}
        if image.mode == "RGB":
            kwargs["subsampling"] = "4:2:0" if (quality or 90) < 90 else "4:4:4"
    elif fmt == "WEBP":
        kwargs |= {"quality": quality or 90, "method": 4}
    elif fmt == "PNG":
        kwargs |= {"optimize": False, "compress_level": 6}
    # No EXIF or XMP is passed on: only the colour profile survives (privacy, size).
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def encode_within(image: Image.Image, fmt: str, icc: bytes, max_bytes: int | None) -> Encoded:
    """Encode as JPEG, PNG or WEBP; for lossy ones search the best quality within ``max_bytes``."""
    ext = _EXTENSIONS[fmt]
    if fmt not in ("JPEG", "WEBP"):
        return Encoded(_save(image, fmt, None, icc), ext, None)
    best = _save(image, fmt, 90, icc)
    if max_bytes is None or len(best) <= max_bytes:
        return Encoded(best, ext, 90)
    # Like thumbor's max_bytes: binary-search quality, keep the best that fits.
    lo, hi, chosen, q_chosen = 20, 89, None, None
    while lo <= hi:
        q = (lo + hi) // 2
        data = _save(image, fmt, q, icc)
        if len(data) <= max_bytes:
            chosen, q_chosen, lo = data, q, q + 1
        else:
            hi = q - 1
    if chosen is None:  # nothing fits: hand back the smallest and let preflight fail it
        return Encoded(_save(image, fmt, 20, icc), ext, 20)
    return Encoded(chosen, ext, q_chosen)
