"""Rendition geometry on plain rectangles: pixels are touched only by ``render``.

Pure: no Pillow. Given the master's size, the target size and the focal
point, plan which box of the master to use and where it lands.
"""

from __future__ import annotations

from dataclasses import dataclass

Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class CropPlan:
    """Take ``crop`` from the master, resize it to ``resized``, paste at ``offset``."""

    source: tuple[int, int]
    target: tuple[int, int]
    crop: Box
    resized: tuple[int, int]
    offset: tuple[int, int]

    @property
    def scale(self) -> float:
        """Return output pixels per master pixel (above 1 means upscaling)."""
        return self.resized[0] / (self.crop[2] - self.crop[0])

    @property
    def padded(self) -> bool:
        return self.resized != self.target

    def map_point(self, x: float, y: float) -> Point:
        """Return where master pixel (x, y) lands in the output."""
        left, top, _, _ = self.crop
        return Point(
            (x - left) * self.scale + self.offset[0], (y - top) * self.scale + self.offset[1]
        )

    def map_relative(self, fx: float, fy: float) -> Point:
        return self.map_point(fx * self.source[0], fy * self.source[1])


def _place(centre: float, length: float, limit: float) -> float:
    """Return the start of a span of ``length`` centred on ``centre``, kept inside [0, limit]."""
    return min(max(centre - length / 2, 0.0), limit - length)


def plan_cover(
    source: tuple[int, int],
    target: tuple[int, int],
    focal: tuple[float, float] = (0.5, 0.5),
    keep: Box | None = None,
) -> CropPlan:
    """Fill ``target`` with the largest box of the master of the same shape, around ``focal``.

    ``keep`` (relative 0..1) is a region that should stay whole: the box is
    slid, never shrunk, to contain it where the shape allows.
    """
    sw, sh = source
    tw, th = target
    ratio = tw / th
    cw, ch = (sw, sw / ratio) if sw / sh <= ratio else (sh * ratio, sh)
    left = _place(focal[0] * sw, cw, sw)
    top = _place(focal[1] * sh, ch, sh)
    if keep is not None:
        kx0, ky0, kx1, ky1 = keep[0] * sw, keep[1] * sh, keep[2] * sw, keep[3] * sh
        left = _slide_to_contain(left, cw, kx0, kx1, sw)
        top = _slide_to_contain(top, ch, ky0, ky1, sh)
    return CropPlan(source, target, (left, top, left + cw, top + ch), target, (0, 0))


def _slide_to_contain(start: float, length: float, lo: float, hi: float, limit: float) -> float:
    if hi - lo > length:  # cannot hold it all: centre on the region instead
        return _place((lo + hi) / 2, length, limit)
    if lo < start:
        start = lo
    if hi > start + length:
        start = hi - length
    return min(max(start, 0.0), limit - length)


def plan_contain(source: tuple[int, int], target: tuple[int, int]) -> CropPlan:
    """Show the whole master inside ``target``, centred, padding the rest."""
    sw, sh = source
    tw, th = target
    k = min(tw / sw, th / sh)
    rw, rh = max(1, round(sw * k)), max(1, round(sh * k))
    return CropPlan(
        source, target, (0.0, 0.0, float(sw), float(sh)), (rw, rh), ((tw - rw) // 2, (th - rh) // 2)
    )


def box_inside(inner: Box, outer: Box) -> bool:
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def point_inside(p: Point, box: Box) -> bool:
    return box[0] <= p.x <= box[2] and box[1] <= p.y <= box[3]


def fit_within(size: tuple[int, int], bound: tuple[int, int]) -> tuple[int, int]:
    """Return ``size`` scaled down (never up) to fit ``bound``, keeping its shape."""
    k = min(1.0, bound[0] / size[0], bound[1] / size[1])
    return (max(1, round(size[0] * k)), max(1, round(size[1] * k)))
