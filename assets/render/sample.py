"""Draw the sample campaign's artwork (the examples and the demo make their own masters)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont


@dataclass(frozen=True)
class SampleArt:
    filename: str
    size: tuple[int, int]
    headline: str
    strapline: str
    partner: str
    colours: tuple[str, str]


PARTNERS = (
    "Merseyside Police · Merseyside Fire & Rescue · Five councils · NHS Cheshire & Merseyside"
)

SAMPLES = [
    # A large print master sized for the 96-sheet at 10% scale (supply 14400 x 3600 px).
    SampleArt(
        "main-print.jpg",
        (14400, 3600),
        "TOGETHER AS ONE",
        "Knife crime affects us all. Talk to someone today.",
        PARTNERS,
        ("#12355b", "#2a9d8f"),
    ),
    # Portrait for the 6-sheet (7122 x 10665 px): a 1.5x upscale, a preflight warning to show.
    SampleArt(
        "main-portrait.jpg",
        (4800, 7200),
        "TOGETHER AS ONE",
        "Knife crime affects us all.",
        PARTNERS,
        ("#12355b", "#2a9d8f"),
    ),
    SampleArt(
        "police.jpg",
        (4800, 3000),
        "PUT THE KNIFE DOWN",
        "Together As One with Merseyside Police",
        "Merseyside Police",
        ("#1d3557", "#457b9d"),
    ),
    SampleArt(
        "nhs.jpg",
        (4800, 3000),
        "EVERY WOUND HAS A STORY",
        "Together As One with NHS Cheshire & Merseyside",
        "NHS Cheshire & Merseyside",
        ("#005eb8", "#41b6e6"),
    ),
    SampleArt(
        "fire.jpg",
        (4800, 3000),
        "SAFER STREETS, TOGETHER",
        "Together As One with Merseyside Fire & Rescue",
        "Merseyside Fire & Rescue",
        ("#9d0208", "#e85d04"),
    ),
]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    # Draw a 1-pixel-wide gradient and stretch it: fast at 50 MP.
    a, b = (
        Image.new("RGB", (1, 1), top).getpixel((0, 0)),
        Image.new("RGB", (1, 1), bottom).getpixel((0, 0)),
    )
    strip = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        strip.putpixel((0, y), tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3)))  # type: ignore[index]
    return strip.resize(size, Image.Resampling.BILINEAR)


def draw(art: SampleArt) -> Image.Image:
    """Return the sample master: a gradient, the headline, a strapline, the partners."""
    w, h = art.size
    im = _gradient(art.size, *art.colours)
    d = ImageDraw.Draw(im)
    unit = min(w, h)
    # Linked rings: the campaign's mark, placed where the focal point is.
    cx, cy, r = w // 2, int(h * 0.42), unit // 6
    for i, colour in enumerate(("#ffffff", "#e9c46a", "#f4a261")):
        ox = cx + (i - 1) * int(r * 1.1)
        d.ellipse((ox - r, cy - r, ox + r, cy + r), outline=colour, width=max(4, unit // 60))
    headline = _font(max(24, unit // 7 if w > h * 2 else unit // 9))
    d.text((w // 2, int(h * 0.72)), art.headline, font=headline, fill="#ffffff", anchor="mm")
    d.text(
        (w // 2, int(h * 0.83)),
        art.strapline,
        font=_font(max(14, unit // 22)),
        fill="#f1faee",
        anchor="mm",
    )
    band = int(h * 0.07)
    d.rectangle((0, h - band, w, h), fill="#ffffff")
    d.text(
        (w // 2, h - band // 2),
        art.partner,
        font=_font(max(12, band // 2)),
        fill="#12355b",
        anchor="mm",
    )
    return im


def write_samples(folder: Path, *, quality: int = 90) -> list[Path]:
    """Write every sample master into ``folder`` (skipping ones already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for art in SAMPLES:
        path = folder / art.filename
        if not path.exists():
            draw(art).save(path, "JPEG", quality=quality)
        written.append(path)
    return written
