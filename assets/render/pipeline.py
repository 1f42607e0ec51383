"""Render a decoded master into channel formats: plan, resample, convert, encode, preflight."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from PIL import Image

from assets import geometry, preflight
from assets.formats import ChannelFormat, Colour, Fit
from assets.render import colour, encode
from assets.render.intake import Master

# Part of every rendition's cache key: bump it when output for the same inputs changes.
RENDERER_VERSION = "2"
THUMB_BOX = (480, 360)


@dataclass
class Rendered:
    """One rendition: its file (in a spool folder, removed with this object) and what it is."""

    fmt: ChannelFormat
    path: Path
    extension: str
    size: tuple[int, int]
    mode: str
    preflight: preflight.Preflight
    thumbnail: Image.Image

    def __post_init__(self) -> None:
        # Renditions reach hundreds of MB a set: they wait on disk, never in memory.
        weakref.finalize(self, self.path.unlink, missing_ok=True)

    @property
    def filename(self) -> str:
        return f"{self.fmt.id}.{self.extension}"

    @property
    def nbytes(self) -> int:
        return self.path.stat().st_size

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    def sha256(self) -> str:
        with self.path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()

    def save(self, dest: Path) -> None:
        shutil.copyfile(self.path, dest)


def _spool(extension: str) -> Path:
    fd, name = tempfile.mkstemp(prefix="rendition-", suffix=f".{extension}")
    os.close(fd)
    return Path(name)


def plan_for(
    fmt: ChannelFormat,
    master_size: tuple[int, int],
    focal: tuple[float, float],
    keep: geometry.Box | None,
) -> geometry.CropPlan:
    if fmt.fit is Fit.CONTAIN:
        return geometry.plan_contain(master_size, fmt.size)
    return geometry.plan_cover(master_size, fmt.size, focal, keep)


class _Made(NamedTuple):
    path: Path
    extension: str
    size: tuple[int, int]
    mode: str
    thumbnail: Image.Image


def render_format(
    master: Master,
    fmt: ChannelFormat,
    *,
    focal: tuple[float, float] = (0.5, 0.5),
    keep: geometry.Box | None = None,
) -> Rendered:
    """Render one format from an already decoded master."""
    plan = plan_for(fmt, master.size, focal, keep)
    made = (_render_print if fmt.colour is Colour.CMYK else _render_screen)(master, fmt, plan)
    check = preflight.check(
        fmt,
        plan,
        focal=focal,
        keep=keep,
        size=made.size,
        nbytes=made.path.stat().st_size,
        mode=made.mode,
    )
    return Rendered(fmt, made.path, made.extension, made.size, made.mode, check, made.thumbnail)


def _render_screen(master: Master, fmt: ChannelFormat, plan: geometry.CropPlan) -> _Made:
    from assets.render import vips  # libvips starts threads: load it only where it is used

    # Screens are downscaled: resample first, convert colour after, on the smaller side.
    image = colour.to_srgb(vips.resample(master, plan), master.icc)
    if plan.padded:
        canvas = Image.new(image.mode, plan.target, _pad(fmt.pad_colour, image.mode))
        canvas.paste(image, plan.offset)
        image = canvas
    fmt_name = fmt.file_format if fmt.file_format in ("JPEG", "PNG", "WEBP") else "JPEG"
    encoded = encode.encode_within(image, fmt_name, colour.srgb_bytes(), fmt.max_bytes)
    path = _spool(encoded.extension)
    path.write_bytes(encoded.data)
    thumb = image.resize(
        geometry.fit_within(image.size, THUMB_BOX), Image.Resampling.BILINEAR, reducing_gap=3.0
    )
    return _Made(path, encoded.extension, image.size, image.mode, thumb)


def _render_print(master: Master, fmt: ChannelFormat, plan: geometry.CropPlan) -> _Made:
    from assets.render import vips  # libvips starts threads: load it only where it is used

    extension = {"TIFF": "tif", "JPEG": "jpg"}.get(fmt.file_format, "pdf")
    path = _spool(extension)
    try:
        made = vips.render_print(
            master, fmt, plan, path, pad=_pad(fmt.pad_colour, "CMYK"), thumb_box=THUMB_BOX
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return _Made(path, extension, made.size, "CMYK", made.thumbnail)


def _pad(hex_colour: str, mode: str) -> tuple[int, ...]:
    rgb = Image.new("RGB", (1, 1), hex_colour)
    if mode == "CMYK":
        return tuple(rgb.convert("CMYK").getpixel((0, 0)))  # type: ignore[arg-type]
    return tuple(rgb.getpixel((0, 0)))  # type: ignore[arg-type]


def render_set(
    master: Master,
    formats: list[ChannelFormat],
    *,
    focal: tuple[float, float] = (0.5, 0.5),
    keep: geometry.Box | None = None,
    workers: int | None = None,
    on_done: Callable[[Rendered], None] | None = None,
) -> list[Rendered]:
    """Render many formats from one decode, on every core.

    Screens go through a pool of threads (libvips and Pillow release the GIL
    while resampling, converting and encoding), sharing the decoded master
    without copying it. Print goes through one lane, a format at a time: libvips
    already spreads each one over every core, and one at a time keeps its
    buffers (a few strips each) and the disk busy with one file.
    """

    def pixels(fmt: ChannelFormat) -> int:
        return fmt.size[0] * fmt.size[1]

    ordered = sorted(formats, key=pixels, reverse=True)  # biggest first: shortest tail
    printed = [f for f in ordered if f.colour is Colour.CMYK]
    screens = [f for f in ordered if f.colour is not Colour.CMYK]
    results: dict[str, Rendered] = {}
    lock = threading.Lock()

    def one(fmt: ChannelFormat) -> None:
        rendered = render_format(master, fmt, focal=focal, keep=keep)
        with lock:
            results[fmt.id] = rendered
            if on_done:
                on_done(rendered)

    def print_lane() -> None:
        for fmt in printed:
            one(fmt)

    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(print_lane)] + [pool.submit(one, f) for f in screens]
        for future in futures:
            future.result()
    return [results[f.id] for f in formats]
