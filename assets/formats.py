"""Channel formats: what each media owner or platform wants, as checked value objects.

Pure: no Pillow, no database. Print formats are described physically (trim
size in mm at full size, the scale the artwork is supplied at, dpi at that
scale, bleed and safe area); screen and social formats by pixel size. The
registry holds the built-in formats (``builtin_formats.py``) overlaid with a
user's formats file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from campaign.errors import ConfigError, UnknownFormat

MM_PER_INCH = 25.4


class Group(StrEnum):
    BILLBOARD = "billboard"
    BUS = "bus"
    BUS_STOP = "bus-stop"
    NEWSPAPER = "newspaper"
    SOCIAL = "social"


class Colour(StrEnum):
    RGB = "RGB"
    CMYK = "CMYK"


class Fit(StrEnum):
    COVER = "cover"  # fill the frame, cropping around the focal point
    CONTAIN = "contain"  # show the whole artwork, padding with a colour


FileFormat = Literal["JPEG", "PNG", "WEBP", "PDF", "TIFF"]


class ChannelFormat(BaseModel):
    """One deliverable: the size, colour and file a media owner or network asks for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    name: str
    group: Group
    # Print: physical size at 100%, the scale the file is supplied at, dpi at that scale.
    trim_mm: tuple[float, float] | None = None
    scale: float = Field(default=1.0, gt=0, le=1)
    dpi: float | None = Field(default=None, gt=0, le=2400)
    bleed_mm: float = Field(default=0.0, ge=0, le=100)
    # Safe area at full size, centred unless margins are given (mm from each edge).
    safe_mm: tuple[float, float] | None = None
    safe_margins_mm: tuple[float, float, float, float] | None = Field(
        default=None, description="left, top, right, bottom, at full size"
    )
    # Screen and social: the exact pixel size.
    size_px: tuple[int, int] | None = None
    safe_px: tuple[int, int] | None = None
    colour: Colour = Colour.RGB
    icc_profile: str | None = Field(
        default=None, description="CMYK output profile: a shipped name or a file path"
    )
    file_format: FileFormat = "JPEG"
    max_bytes: int | None = Field(default=None, gt=0)
    fit: Fit = Fit.COVER
    pad_colour: str = "#ffffff"
    min_effective_dpi: float | None = Field(default=None, gt=0)
    lead_days: int = Field(default=0, ge=0, description="days before flight start due")
    source: str = Field(min_length=1, description="where the figures come from")

    @model_validator(mode="after")
    def _consistent(self) -> ChannelFormat:
        physical = self.trim_mm is not None
        if physical == (self.size_px is not None):
            raise ValueError("give either trim_mm (print) or size_px (screen), not both")
        if physical and self.dpi is None:
            raise ValueError("a print format needs dpi")
        if self.colour is Colour.CMYK and self.file_format not in ("PDF", "TIFF", "JPEG"):
            raise ValueError("CMYK output must be PDF, TIFF or JPEG")
        if self.trim_mm and min(self.trim_mm) <= 0:
            raise ValueError("trim_mm must be positive")
        if self.size_px and min(self.size_px) <= 0:
            raise ValueError("size_px must be positive")
        return self

    @property
    def is_print(self) -> bool:
        return self.trim_mm is not None

    @property
    def supplied_mm(self) -> tuple[float, float]:
        """Return the artwork's size as supplied (trim plus bleed, at the supply scale)."""
        assert self.trim_mm is not None
        w, h = self.trim_mm
        b = self.bleed_mm
        return ((w + 2 * b) * self.scale, (h + 2 * b) * self.scale)

    @property
    def size(self) -> tuple[int, int]:
        """Return the pixel size of the delivered file, bleed included."""
        if self.size_px is not None:
            return self.size_px
        assert self.dpi is not None
        w, h = self.supplied_mm
        return (round(w / MM_PER_INCH * self.dpi), round(h / MM_PER_INCH * self.dpi))

    @property
    def bleed_px(self) -> int:
        if not self.is_print:
            return 0
        assert self.dpi is not None
        return round(self.bleed_mm * self.scale / MM_PER_INCH * self.dpi)

    def safe_box(self) -> tuple[int, int, int, int]:
        """Return the safe area as a pixel box (left, top, right, bottom) in the file."""
        width, height = self.size
        if not self.is_print:
            if self.safe_px is None:
                return (0, 0, width, height)
            sw, sh = self.safe_px
            return ((width - sw) // 2, (height - sh) // 2, (width + sw) // 2, (height + sh) // 2)
        assert self.trim_mm is not None and self.dpi is not None
        px_per_mm = self.scale * self.dpi / MM_PER_INCH
        bleed = self.bleed_mm
        if self.safe_margins_mm is not None:
            left, top, right, bottom = self.safe_margins_mm
        elif self.safe_mm is not None:
            left = right = (self.trim_mm[0] - self.safe_mm[0]) / 2
            top = bottom = (self.trim_mm[1] - self.safe_mm[1]) / 2
        else:
            left = top = right = bottom = 0.0
        return (
            round((bleed + left) * px_per_mm),
            round((bleed + top) * px_per_mm),
            width - round((bleed + right) * px_per_mm),
            height - round((bleed + bottom) * px_per_mm),
        )

    def spec_hash(self) -> str:
        """Return a hash of everything that changes the rendered output."""
        fields = self.model_dump(mode="json", exclude={"name", "source", "lead_days"})
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()

    def summary(self) -> dict[str, Any]:
        """Return the public description (``campaign formats --json``)."""
        width, height = self.size
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "group": self.group.value,
            "width_px": width,
            "height_px": height,
            "colour": self.colour.value,
            "file_format": self.file_format,
            "max_bytes": self.max_bytes,
            "fit": self.fit.value,
            "source": self.source,
        }
        if self.is_print:
            out |= {
                "trim_mm": list(self.trim_mm or ()),
                "scale": self.scale,
                "dpi": self.dpi,
                "bleed_mm": self.bleed_mm,
                "icc_profile": self.icc_profile,
                "lead_days": self.lead_days,
            }
        return out


class FormatRegistry:
    """Formats by id: the built-ins overlaid with the user's file."""

    def __init__(self, formats: Iterable[ChannelFormat]) -> None:
        self._by_id: dict[str, ChannelFormat] = {}
        for fmt in formats:
            self._by_id[fmt.id] = fmt

    def __iter__(self) -> Iterator[ChannelFormat]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, format_id: object) -> bool:
        return format_id in self._by_id

    def get(self, format_id: str) -> ChannelFormat:
        try:
            return self._by_id[format_id]
        except KeyError:
            raise UnknownFormat(
                f"unknown format {format_id!r} (see `campaign formats` for the ids)"
            ) from None

    def select(self, spec: str) -> list[ChannelFormat]:
        """Return the formats named by ``all``, a group name, or comma-separated ids."""
        spec = spec.strip()
        if spec in ("", "all"):
            return list(self)
        chosen: list[ChannelFormat] = []
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            if part in {g.value for g in Group}:
                chosen.extend(f for f in self if f.group.value == part)
            else:
                chosen.append(self.get(part))
        return list({f.id: f for f in chosen}.values())


def _validation_line(source: str, index: int, exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return f"{source}: formats[{index}]{'.' + where if where else ''}: {err['msg']}"


def parse_formats_file(path: Path, base: FormatRegistry) -> list[ChannelFormat]:
    """Read a user's formats file: new formats, or overrides of fields of existing ones."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read formats file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    items = data.get("formats") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected a mapping with a 'formats' list")
    result: list[ChannelFormat] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            raise ConfigError(f"{path}: formats[{i}]: each entry needs an 'id'")
        try:
            if item["id"] in base:
                merged = base.get(item["id"]).model_dump() | item
                result.append(ChannelFormat.model_validate(merged))
            else:
                result.append(ChannelFormat.model_validate(item))
        except ValidationError as exc:
            raise ConfigError(_validation_line(str(path), i, exc)) from None
    return result


def load_registry(formats_file: Path | None = None) -> FormatRegistry:
    """Return the built-in formats, overlaid with ``formats_file`` when given."""
    from assets.builtin_formats import BUILTIN

    registry = FormatRegistry(BUILTIN)
    if formats_file is not None:
        registry = FormatRegistry([*registry, *parse_formats_file(formats_file, registry)])
    return registry
