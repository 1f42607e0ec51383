"""Real image files made by the tests: orientations, colour modes, broken files, bombs."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

RED, BLUE, YELLOW, WHITE = (220, 30, 30), (20, 60, 200), (250, 200, 40), (255, 255, 255)


def quadrants(size: tuple[int, int] = (400, 200)) -> Image.Image:
    """Return a card: red top-left, blue top-right, yellow bottom-left, white bottom-right."""
    w, h = size
    im = Image.new("RGB", size, WHITE)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, w // 2 - 1, h // 2 - 1), fill=RED)
    d.rectangle((w // 2, 0, w - 1, h // 2 - 1), fill=BLUE)
    d.rectangle((0, h // 2, w // 2 - 1, h - 1), fill=YELLOW)
    return im


# The stored pixels that, displayed with EXIF orientation N, show the upright image.
_STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def oriented_jpeg(path: Path, orientation: int, upright: Image.Image) -> Path:
    op = _STORE[orientation]
    stored = upright.transpose(op) if op is not None else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=95, exif=exif.tobytes())
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int, raw_rows: bytes) -> bytes:
    """Build a PNG by hand (for 16-bit RGB, which Pillow cannot write, and for bombs)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw_rows))
        + _chunk(b"IEND", b"")
    )


def png16_rgb(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (64, 32)) -> Path:
    w, h = size
    pixel = b"".join(struct.pack(">H", c * 257) for c in colour)
    rows = b"".join(b"\x00" + pixel * w for _ in range(h))
    path.write_bytes(png_bytes(w, h, 16, 2, rows))
    return path


def png_bomb(path: Path, side: int = 100_000) -> Path:
    """A tiny file whose header claims side x side pixels (10 gigapixels by default)."""
    row = b"\x00" + b"\x00" * (side // 8 + 1)
    path.write_bytes(png_bytes(side, side, 1, 0, row * 4))
    return path


def master_jpeg(
    path: Path, size: tuple[int, int] = (3000, 2000), dot: tuple[float, float] | None = None
) -> Path:
    """A striped master with an optional red dot at a relative position."""
    w, h = size
    im = Image.new("RGB", size, (40, 110, 150))
    d = ImageDraw.Draw(im)
    for x in range(0, w, max(1, w // 20)):
        d.rectangle((x, 0, x + w // 40, h), fill=YELLOW)
    if dot is not None:
        cx, cy, r = dot[0] * w, dot[1] * h, min(w, h) // 25
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED)
    im.save(path, "JPEG", quality=92)
    return path
