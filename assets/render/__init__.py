"""Everything that touches pixels. Nothing outside this package imports Pillow."""

from assets.render.pipeline import RENDERER_VERSION, Rendered, render_format, render_set

__all__ = ["RENDERER_VERSION", "Rendered", "render_format", "render_set"]
