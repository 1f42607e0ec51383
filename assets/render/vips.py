"""Print renditions through libvips, streamed in strips from the decoded master to the file.

A 6-sheet is 76 MP of CMYK (300 MB as one image); Pillow can only encode an
image it holds whole, so print output is made by libvips instead: it pulls a
few rows at a time through crop, resample, colour conversion (LittleCMS, the
engine behind ImageCms, with the same profiles, intent and black point
compensation) and the JPEG encoder, straight into a file. The master is read
where Pillow decoded it, without a copy (see ``view``).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyvips
from PIL import Image

from assets import geometry
from assets.formats import MM_PER_INCH, ChannelFormat
from assets.render import colour
from assets.render.intake import Master

# libvips caches operations with references to their input images; a view borrows
# Pillow's memory, so nothing may hold it after the render that made it.
pyvips.cache_set_max(0)

PRINT_QUALITY = 95


class _ArrowArray(ctypes.Structure):
    """The Arrow C data interface's ArrowArray (a stable ABI, arrow.apache.org/docs/format)."""


_ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(_ArrowArray))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.c_void_p),
    ("private_data", ctypes.c_void_p),
]
_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def view(image: Image.Image) -> pyvips.Image:
    """Return the RGB or CMYK Pillow image as a libvips image, sharing its pixels if it can.

    Pillow keeps RGB and CMYK as four bytes a pixel; exported through Arrow (one
    block, see ``memory``) the libvips image reads that memory in place and keeps
    the export alive for as long as it or any image made from it lives. Anything
    else (an image from another allocator) is copied.
    """
    bands = 4 if image.mode == "CMYK" else 3
    borrowed = _borrow(image)
    if borrowed is None:
        packed = pyvips.Image.new_from_memory(
            image.tobytes(), image.width, image.height, bands, "uchar"
        )
        return _interpret(packed, image.mode)
    shared = pyvips.Image.new_from_memory(borrowed, image.width, image.height, 4, "uchar")
    return _interpret(shared if bands == 4 else shared.extract_band(0, n=3), image.mode)


def _borrow(image: Image.Image) -> ctypes.Array[ctypes.c_ubyte] | None:
    """Return Pillow's pixel memory as a buffer that keeps it alive, or None if it cannot."""
    try:
        _schema, capsule = image.__arrow_c_array__()
    except ValueError:  # rows in several blocks: Pillow cannot lend them out
        return None
    array = _ArrowArray.from_address(_capsule_pointer(capsule, b"arrow_array"))
    if array.n_children != 1:
        return None
    # A multiband image is a fixed-size list of 4 uint8; its child holds the pixel buffer.
    pixels = array.children[0].contents
    if pixels.offset != 0 or pixels.length != image.width * image.height * 4:
        return None
    buffer = (ctypes.c_ubyte * pixels.length).from_address(pixels.buffers[1])
    buffer._owner = (capsule, image)  # type: ignore[attr-defined]  # keeps the memory alive
    return buffer


def _interpret(image: pyvips.Image, mode: str) -> pyvips.Image:
    return image.copy(interpretation="cmyk" if mode == "CMYK" else "srgb")


def convert(image: pyvips.Image, profile: Path) -> pyvips.Image:
    """Convert from the image's attached profile to ``profile``, as ``colour`` does with ImageCms.

    The same LittleCMS transform: relative colorimetric with black point compensation
    (the two agree within one level in 255, tested).
    """
    return image.icc_transform(
        str(profile), embedded=True, intent="relative", black_point_compensation=True
    )


def _crop(source: pyvips.Image, plan: geometry.CropPlan) -> pyvips.Image:
    # The plan's box to whole master pixels: at most half a master pixel off.
    left, top, right, bottom = (round(v) for v in plan.crop)
    return source.crop(left, top, max(1, right - left), max(1, bottom - top))


def _resize(image: pyvips.Image, size: tuple[int, int]) -> pyvips.Image:
    # Downscaling, libvips shrinks by whole factors (a box filter) before Lanczos.
    resized = image.resize(size[0] / image.width, vscale=size[1] / image.height, kernel="lanczos3")
    if (resized.width, resized.height) != size:  # rounding inside libvips
        resized = resized.gravity("centre", *size, extend="copy")
    return resized


def resample(master: Master, plan: geometry.CropPlan) -> Image.Image:
    """Return the plan's crop of the master at its resized size, as a Pillow image.

    For screens: the result is small, and libvips resamples a few times faster
    than Pillow (and on every core), reading the master in place.
    """
    image = _resize(_crop(view(master.image), plan), plan.resized)
    mode = "CMYK" if image.bands == 4 else "RGB"
    return Image.frombytes(mode, (image.width, image.height), image.write_to_memory())


@dataclass(frozen=True)
class PrintFile:
    size: tuple[int, int]
    thumbnail: Image.Image


def render_print(
    master: Master,
    fmt: ChannelFormat,
    plan: geometry.CropPlan,
    out: Path,
    *,
    pad: tuple[int, ...],
    thumb_box: tuple[int, int],
) -> PrintFile:
    """Write one CMYK print rendition to ``out`` (PDF, TIFF or JPEG as the format says)."""
    from assets.render import printpdf

    profile = fmt.icc_profile or colour.DEFAULT_CMYK
    dst_path, dst = colour.profile_path(profile), colour.profile_bytes(profile)
    src_icc = colour.source_profile(master.image, master.icc)
    source = view(master.image).copy()
    source.set_type(pyvips.GValue.blob_type, "icc-profile-data", src_icc)
    crop = _crop(source, plan)

    def to_cmyk(im: pyvips.Image) -> pyvips.Image:
        if master.image.mode == "CMYK" and src_icc == dst:
            return im
        return convert(im, dst_path)

    # Convert colour on whichever side has fewer pixels (print is often upscaled).
    if crop.width * crop.height < plan.resized[0] * plan.resized[1]:
        image = _resize(to_cmyk(crop), plan.resized)
    else:
        image = to_cmyk(_resize(crop, plan.resized))
    if plan.padded:
        x, y = plan.offset
        image = image.embed(x, y, *plan.target, extend="background", background=list(pad))
    image.set_type(pyvips.GValue.blob_type, "icc-profile-data", dst)
    px_per_mm = (fmt.dpi or 300) / MM_PER_INCH
    image = image.copy(xres=px_per_mm, yres=px_per_mm)

    # The view carries no metadata from the master's file: what is written is the profile
    # and the resolution set here (JPEG keeps its dpi in EXIF, so nothing is stripped).
    if fmt.file_format == "TIFF":
        image.tiffsave(str(out), compression="lzw")
    elif fmt.file_format == "JPEG":
        image.jpegsave(str(out), Q=PRINT_QUALITY)
    else:
        jpeg = out.with_suffix(".jpg")
        try:
            image.jpegsave(str(jpeg), Q=PRINT_QUALITY)
            printpdf.write(jpeg, fmt, out, icc=dst, condition=profile)
        finally:
            jpeg.unlink(missing_ok=True)
    return PrintFile((image.width, image.height), _thumbnail(crop, plan, to_cmyk, thumb_box))


def _thumbnail(
    crop: pyvips.Image,
    plan: geometry.CropPlan,
    to_cmyk: Callable[[pyvips.Image], pyvips.Image],
    box: tuple[int, int],
) -> Image.Image:
    """Return a small sRGB picture of the rendition, soft-proofed through its CMYK profile.

    Made again from the master's crop (shrinking 40 MP to a thumbnail reads it once,
    in strips) rather than by decoding the file just written.
    """
    scale = min(box[0] / plan.target[0], box[1] / plan.target[1])
    size = (max(1, round(plan.resized[0] * scale)), max(1, round(plan.resized[1] * scale)))
    small = crop.resize(size[0] / crop.width, vscale=size[1] / crop.height, kernel="lanczos3")
    return _to_pillow(to_cmyk(small).icc_transform("srgb", embedded=True, intent="relative"))


def thumbnail(data: bytes, box: tuple[int, int]) -> Image.Image:
    """Return a small sRGB picture of an encoded image, read a strip at a time."""
    thumb = pyvips.Image.thumbnail_buffer(
        data, box[0], height=box[1], size="down", export_profile="srgb"
    )
    return _to_pillow(thumb)


def _to_pillow(image: pyvips.Image) -> Image.Image:
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    return Image.frombytes("RGB", (image.width, image.height), image.write_to_memory())
