"""Colour with LittleCMS (Pillow's ImageCms): profiles, and conversion to sRGB for screens.

Print output is converted to CMYK by libvips (``vips``) with the same profiles.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms

PROFILES_DIR = Path(__file__).resolve().parent.parent / "profiles"
DEFAULT_CMYK = "campaign-fogra39l-coated"


def profile_path(name_or_path: str) -> Path:
    """Return where an ICC profile is: a shipped profile's name, or a file path."""
    shipped = PROFILES_DIR / f"{name_or_path}.icc"
    return shipped if shipped.exists() else Path(name_or_path)


@lru_cache(maxsize=16)
def profile_bytes(name_or_path: str) -> bytes:
    return profile_path(name_or_path).read_bytes()


@lru_cache(maxsize=1)
def srgb_bytes() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _profile(data: bytes) -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(io.BytesIO(data))


@lru_cache(maxsize=32)
def _transform(src: bytes, src_mode: str, dst: bytes, dst_mode: str) -> ImageCms.ImageCmsTransform:
    # Building a transform costs tens of ms; a render set reuses a handful of them.
    return ImageCms.buildTransform(
        _profile(src),
        _profile(dst),
        src_mode,
        dst_mode,
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


def source_profile(image: Image.Image, icc: bytes | None) -> bytes:
    """Return the profile describing the master's pixels (assumed ones when it has none)."""
    if icc:
        try:
            if _profile(icc).profile.xcolor_space.strip() == image.mode:
                return icc
        except (OSError, ImageCms.PyCMSError):
            pass  # a broken embedded profile: fall back to the usual assumption
    return profile_bytes(DEFAULT_CMYK) if image.mode == "CMYK" else srgb_bytes()


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Return the image in sRGB."""
    src = source_profile(image, icc)
    if image.mode == "RGB" and src == srgb_bytes():
        return image
    return ImageCms.applyTransform(image, _transform(src, image.mode, srgb_bytes(), "RGB"))
