"""Render a decoded master into channel formats: plan, resample, convert, encode, preflight."""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from assets import geometry, preflight
from assets.formats import ChannelFormat, Colour, Fit
from assets.render import colour, encode
from assets.render.intake import Master

# Outputs above this many pixels render one at a time: each holds a few hundred MB.
HEAVY_PIXELS = 20_000_000
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
    image, icc = _resample_in_output_colour(master, fmt, plan)
    if plan.padded:
        canvas = Image.new(image.mode, plan.target, _pad(fmt.pad_colour, image.mode))
        canvas.paste(image, plan.offset)
        image = canvas
    if fmt.colour is Colour.CMYK:
        assert icc is not None
        encoded = encode.encode_print(image, fmt, icc)
    else:
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
    # Shrink first, convert after: a thumbnail never costs a full-size sRGB copy.
    thumb = image.resize(
        geometry.fit_within(image.size, THUMB_BOX), Image.Resampling.BILINEAR, reducing_gap=3.0
    )
    if thumb.mode == "CMYK":
        thumb = colour.to_srgb(thumb, icc)
    return Rendered(fmt, encoded.data, encoded.extension, image.size, image.mode, check, thumb)


def _resample_in_output_colour(
    master: Master, fmt: ChannelFormat, plan: geometry.CropPlan
) -> tuple[Image.Image, bytes | None]:
    """Crop, resample and convert colour, converting on whichever side has fewer pixels.

    Print output is often upscaled (a 40 MP master to a 76 MP 6-sheet): converting
    the source crop to CMYK and resampling in CMYK never holds a full-size RGB copy
    and gives LittleCMS a fraction of the pixels. Screens are downscaled: resample
    first, convert after.
    """
    crop_px = (plan.crop[2] - plan.crop[0]) * (plan.crop[3] - plan.crop[1])
    out_px = plan.resized[0] * plan.resized[1]
    cmyk = fmt.colour is Colour.CMYK
    profile = fmt.icc_profile or colour.DEFAULT_CMYK

    def convert(im: Image.Image) -> tuple[Image.Image, bytes | None]:
        if cmyk:
            return colour.to_cmyk(im, master.icc, profile)
        return colour.to_srgb(im, master.icc), None

    if crop_px < out_px:
        # A margin so the Lanczos kernel (3 px when upscaling) sees real pixels at the edges.
        width, height = master.size
        box = (
            max(0, math.floor(plan.crop[0]) - 4),
            max(0, math.floor(plan.crop[1]) - 4),
            min(width, math.ceil(plan.crop[2]) + 4),
            min(height, math.ceil(plan.crop[3]) + 4),
        )
        source, icc = convert(master.image.crop(box))
        shifted = (
            plan.crop[0] - box[0],
            plan.crop[1] - box[1],
            plan.crop[2] - box[0],
            plan.crop[3] - box[1],
        )
        return source.resize(plan.resized, Image.Resampling.LANCZOS, box=shifted), icc
    # resize(box=...) crops and resamples in one pass; reducing_gap does a cheap integer
    # reduce first so Lanczos runs on a smaller image (cost follows the source area).
    resized = master.image.resize(
        plan.resized, Image.Resampling.LANCZOS, box=plan.crop, reducing_gap=2.0
    )
    return convert(resized)


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

    Pillow releases the GIL while resampling, converting colour and encoding,
    so threads share the decoded master without copying it. Very large outputs
    go through one lane, one at a time, while the other threads take the rest.
    """

    def pixels(fmt: ChannelFormat) -> int:
        return fmt.size[0] * fmt.size[1]

    heavy = sorted((f for f in formats if pixels(f) > HEAVY_PIXELS), key=pixels, reverse=True)
    light = sorted((f for f in formats if pixels(f) <= HEAVY_PIXELS), key=pixels, reverse=True)
    results: dict[str, Rendered] = {}
    lock = threading.Lock()

    def one(fmt: ChannelFormat) -> None:
        rendered = render_format(master, fmt, focal=focal, keep=keep)
        with lock:
            results[fmt.id] = rendered
            if on_done:
                on_done(rendered)

    def heavy_lane() -> None:
        for fmt in heavy:  # one at a time: each holds a few hundred MB
            one(fmt)

    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(heavy_lane)] + [pool.submit(one, f) for f in light]
        for future in futures:
            future.result()
    return [results[f.id] for f in formats]
