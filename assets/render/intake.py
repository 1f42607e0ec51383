"""Open a master safely: check the real type and pixel count before decoding anything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from assets.render import memory
from assets.sniff import refusal, sniff
from campaign.errors import ImageRejected

ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated master is refused, never half-used
# probe() checks the configured limit from the header before anything is decoded, with a
# message that names the setting; Pillow's fixed guard would pre-empt it with its own.
Image.MAX_IMAGE_PIXELS = None


@dataclass(frozen=True)
class MasterInfo:
    kind: str
    width: int
    height: int
    mode: str
    has_icc: bool

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass
class Master:
    """A decoded master, upright, 8 bits per channel, RGB or CMYK, with its ICC profile."""

    image: Image.Image
    icc: bytes | None
    info: MasterInfo

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def _head(path: Path) -> tuple[bytes, int]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            return fh.read(512), size
    except OSError as exc:
        raise ImageRejected(f"cannot read {path.name}: {exc.strerror}") from None


def _too_many(width: int, height: int, max_pixels: int) -> str:
    return (
        f"{width}x{height} is {width * height / 1e6:.0f} MP, over the {max_pixels / 1e6:.0f} "
        "MP limit (CAMPAIGN_MAX_IMAGE_PIXELS)"
    )


_ORIENTATION_SWAPS = {5, 6, 7, 8}


def probe(path: Path, *, max_pixels: int) -> MasterInfo:
    """Return what the master is, reading only its header; refuse what cannot be a master."""
    head, size = _head(path)
    kind = sniff(head)
    reason = refusal(kind, size)
    if reason:
        raise ImageRejected(f"{path.name}: {reason}")
    assert kind is not None
    if kind == "PDF":
        return _probe_pdf(path)
    try:
        with Image.open(path) as im:
            width, height = im.size
            if width * height > max_pixels:
                raise ImageRejected(f"{path.name}: {_too_many(width, height, max_pixels)}")
            orientation = im.getexif().get(0x0112, 1)
            if orientation in _ORIENTATION_SWAPS:
                width, height = height, width
            return MasterInfo(kind, width, height, im.mode, bool(im.info.get("icc_profile")))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ImageRejected(f"{path.name}: not a readable {kind} image ({exc})") from None


def _probe_pdf(path: Path) -> MasterInfo:
    from assets.render.pdfium import PdfiumError, document

    try:
        with document(path) as pdf:
            if len(pdf) < 1:
                raise ImageRejected(f"{path.name}: the PDF has no pages")
            w_pt, h_pt = pdf[0].get_size()
    except PdfiumError as exc:
        raise ImageRejected(f"{path.name}: not a readable PDF ({exc})") from None
    return MasterInfo("PDF", round(w_pt), round(h_pt), "RGB", False)


def pdf_raster_scale(info: MasterInfo, targets: list[tuple[int, int]], max_pixels: int) -> float:
    """Return pixels per PDF point so the raster covers the largest target without upscaling."""
    need = max((max(tw / info.width, th / info.height) for tw, th in targets), default=1.0)
    cap = (max_pixels / max(info.pixels, 1)) ** 0.5
    return max(min(need, cap), 0.01)


def open_master(
    path: Path,
    *,
    max_pixels: int,
    targets: list[tuple[int, int]] | None = None,
    background: str = "#ffffff",
) -> Master:
    """Decode a master, applying EXIF orientation and keeping its ICC profile."""
    memory.tune()  # before the first big allocation
    info = probe(path, max_pixels=max_pixels)
    if info.kind == "PDF":
        return _open_pdf(path, info, targets or [], max_pixels)
    try:
        with Image.open(path) as im:
            if info.kind == "JPEG" and targets:
                # Let libjpeg decode at 1/2, 1/4 or 1/8 when no target needs full size.
                im.draft(im.mode, _draft_size(info, targets))
            im.load()
            icc = im.info.get("icc_profile") or None
            # In place: no second copy of a 100+ MP master when there is nothing to rotate.
            ImageOps.exif_transpose(im, in_place=True)
            upright = im
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected(f"{path.name}: truncated or corrupt {info.kind} ({exc})") from None
    image, icc = _normalise(upright, icc, background)
    return Master(image, icc, info)


def _draft_size(info: MasterInfo, targets: list[tuple[int, int]]) -> tuple[int, int]:
    k = max(max(tw / info.width, th / info.height) for tw, th in targets)
    return (max(1, int(info.width * k)), max(1, int(info.height * k)))


def _open_pdf(
    path: Path, info: MasterInfo, targets: list[tuple[int, int]], max_pixels: int
) -> Master:
    from assets.render.pdfium import PdfiumError, document

    scale = pdf_raster_scale(info, targets, max_pixels)
    try:
        with document(path) as pdf:
            bitmap = pdf[0].render(scale=scale, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil().convert("RGB")
    except PdfiumError as exc:
        raise ImageRejected(f"{path.name}: cannot rasterise the PDF ({exc})") from None
    return Master(image, None, MasterInfo("PDF", image.width, image.height, "RGB", False))


def _normalise(
    im: Image.Image, icc: bytes | None, background: str
) -> tuple[Image.Image, bytes | None]:
    """Return an 8-bit RGB or CMYK image; flatten transparency onto ``background``."""
    mode = im.mode
    if mode in ("RGB", "CMYK"):
        return im, icc
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: scale to 8 bits (a plain convert would clip at 255).
        scaled = im.convert("I").point(lambda v: v * (1 / 256))
        return scaled.convert("L").convert("RGB"), None
    if mode == "F":
        return im.point(lambda v: v * 255).convert("L").convert("RGB"), None
    if mode in ("1", "L"):
        return im.convert("RGB"), None  # a grey profile does not describe RGB pixels
    if mode in ("P", "PA", "LA", "RGBA", "La", "RGBa") or "transparency" in im.info:
        rgba = im.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, background)
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB"), icc if mode in ("RGBA", "RGBa") else None
    if mode == "YCbCr":
        return im.convert("RGB"), icc
    raise ImageRejected(f"unsupported colour mode {mode}: save the master as RGB or CMYK")
