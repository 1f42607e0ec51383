"""Render a decoded master into channel formats: plan, resample, convert, encode, preflight."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from assets import geometry, preflight
from assets.formats import ChannelFormat, Colour, Fit
from assets.render import colour, encode
from assets.render.intake import Master

# Part of every rendition's cache key: bump it when output for the same inputs changes.
RENDERER_VERSION = "1"
THUMB_BOX = (480, 360)


@dataclass
class Rendered:
    fmt: ChannelFormat
    data: bytes
    extension: str
    size: tuple[int, int]
    mode: str
    preflight: preflight.Preflight
    thumbnail: Image.Image

    @property
    def filename(self) -> str:
        return f"{self.fmt.id}.{self.extension}"


def plan_for(
    fmt: ChannelFormat,
    master_size: tuple[int, int],
    focal: tuple[float, float],
    keep: geometry.Box | None,
) -> geometry.CropPlan:
    if fmt.fit is Fit.CONTAIN:
        return geometry.plan_contain(master_size, fmt.size)
    return geometry.plan_cover(master_size, fmt.size, focal, keep)


def render_format(
    master: Master,
    fmt: ChannelFormat,
    *,
    focal: tuple[float, float] = (0.5, 0.5),
    keep: geometry.Box | None = None,
) -> Rendered:
    """Render one format from an already decoded master."""
    plan = plan_for(fmt, master.size, focal, keep)
    # resize(box=...) crops and resamples in one pass; reducing_gap does a cheap integer
    # reduce first so Lanczos runs on a smaller image (cost follows the source area).
    image = master.image.resize(
        plan.resized, Image.Resampling.LANCZOS, box=plan.crop, reducing_gap=2.0
    )
    if plan.padded:
        canvas = Image.new(image.mode, plan.target, _pad(fmt.pad_colour, image.mode))
        canvas.paste(image, plan.offset)
        image = canvas
    icc: bytes | None = None
    if fmt.colour is Colour.CMYK:
        image, icc = colour.to_cmyk(image, master.icc, fmt.icc_profile or colour.DEFAULT_CMYK)
        encoded = encode.encode_print(image, fmt, icc)
    else:
        image = colour.to_srgb(image, master.icc)
        fmt_name = fmt.file_format if fmt.file_format in ("JPEG", "PNG", "WEBP") else "JPEG"
        encoded = encode.encode_within(image, fmt_name, colour.srgb_bytes(), fmt.max_bytes)
    check = preflight.check(
        fmt,
        plan,
        focal=focal,
        keep=keep,
        size=image.size,
        nbytes=len(encoded.data),
        mode=image.mode,
    )
    thumb = colour.to_srgb(image, icc) if image.mode == "CMYK" else image
    thumb = thumb.resize(
        geometry.fit_within(thumb.size, THUMB_BOX), Image.Resampling.BILINEAR, reducing_gap=3.0
    )
    return Rendered(fmt, encoded.data, encoded.extension, image.size, image.mode, check, thumb)


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
    """Render many formats from one decode, largest first, on every core.

    Pillow releases the GIL while resampling, converting colour and encoding,
    so threads share the decoded master without copying it.
    """
    order = sorted(formats, key=lambda f: f.size[0] * f.size[1], reverse=True)
    results: dict[str, Rendered] = {}
    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(render_format, master, f, focal=focal, keep=keep) for f in order]
        for future in futures:
            rendered = future.result()
            results[rendered.fmt.id] = rendered
            if on_done:
                on_done(rendered)
    return [results[f.id] for f in formats]
