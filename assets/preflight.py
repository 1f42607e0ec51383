"""Preflight: is a rendition good enough to send? Pure rules over numbers.

Status is ``ok``, ``warn`` or ``fail``, with every reason in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assets.formats import ChannelFormat, Colour
from assets.geometry import Box, CropPlan, box_inside, point_inside

OK, WARN, FAIL = "ok", "warn", "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}


@dataclass
class Preflight:
    status: str = OK
    messages: list[str] = field(default_factory=list)
    effective_dpi: float | None = None
    upscale: float = 1.0

    def add(self, status: str, message: str) -> None:
        self.messages.append(f"{status}: {message}")
        if _RANK[status] > _RANK[self.status]:
            self.status = status


def check(
    fmt: ChannelFormat,
    plan: CropPlan,
    *,
    focal: tuple[float, float],
    keep: Box | None,
    size: tuple[int, int],
    nbytes: int,
    mode: str,
) -> Preflight:
    """Return the preflight of one rendition from its plan and the file made."""
    result = Preflight(upscale=plan.scale)
    if size != fmt.size:
        result.add(
            FAIL, f"file is {size[0]}x{size[1]} px, the format needs {fmt.size[0]}x{fmt.size[1]}"
        )
    if fmt.is_print:
        assert fmt.dpi is not None
        # Downscaling cannot add detail beyond the output's own dpi.
        effective = fmt.dpi / max(plan.scale, 1.0)
        result.effective_dpi = round(effective, 1)
        at_full = effective * fmt.scale
        if plan.scale > 1.0001:
            floor = fmt.min_effective_dpi or fmt.dpi
            status = FAIL if effective < floor else WARN
            result.add(
                status,
                f"master upscaled {plan.scale:.2f}x: effective {effective:.0f} "
                f"dpi at supply scale ({at_full:.0f} dpi printed), format asks "
                f"{fmt.dpi:.0f}" + (f", minimum {floor:.0f}" if status == FAIL else ""),
            )
    elif plan.scale > 1.0001:
        result.add(
            WARN if plan.scale <= 1.5 else FAIL,
            f"master upscaled {plan.scale:.2f}x for a {fmt.size[0]}x{fmt.size[1]} screen",
        )
    safe = tuple(float(v) for v in fmt.safe_box())
    if not point_inside(plan.map_relative(*focal), safe):  # type: ignore[arg-type]
        result.add(WARN, "focal point falls outside the safe area")
    if keep is not None:
        a = plan.map_relative(keep[0], keep[1])
        b = plan.map_relative(keep[2], keep[3])
        if not box_inside((a.x, a.y, b.x, b.y), safe):  # type: ignore[arg-type]
            result.add(FAIL, "keep-region is cut off or outside the safe area")
    if fmt.max_bytes is not None and nbytes > fmt.max_bytes:
        result.add(FAIL, f"{nbytes:,} bytes, over the {fmt.max_bytes:,} byte limit")
    want = "CMYK" if fmt.colour is Colour.CMYK else "RGB"
    if mode != want:
        result.add(FAIL, f"colour mode {mode}, the format needs {want}")
    if plan.padded:
        result.add(WARN, "artwork padded to fit (contain): check the padding colour")
    return result
