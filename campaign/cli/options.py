"""Parsers for option values shared by several commands."""

from __future__ import annotations

import typer


def parse_focal(value: str | None) -> tuple[float, float]:
    """Parse ``X,Y`` with both in 0..1 (default: the centre)."""
    if not value:
        return (0.5, 0.5)
    try:
        x, y = (float(v) for v in value.split(","))
    except ValueError:
        raise typer.BadParameter("use X,Y with numbers between 0 and 1, e.g. 0.4,0.35") from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise typer.BadParameter("X and Y must be between 0 and 1")
    return (x, y)


def parse_keep(value: str | None) -> tuple[float, float, float, float] | None:
    """Parse ``X0,Y0,X1,Y1`` (relative 0..1), the region that must stay visible."""
    if not value:
        return None
    try:
        box = tuple(float(v) for v in value.split(","))
    except ValueError:
        raise typer.BadParameter("use X0,Y0,X1,Y1 with numbers between 0 and 1") from None
    if len(box) != 4 or not all(0 <= v <= 1 for v in box) or box[0] >= box[2] or box[1] >= box[3]:
        raise typer.BadParameter("use X0,Y0,X1,Y1 between 0 and 1 with X0<X1 and Y0<Y1")
    return box  # type: ignore[return-value]
