"""Process-wide allocator settings for rendering, made once before the first decode.

Two settings, both about the same thing: a render set allocates and frees
buffers of tens of MB from several threads (Pillow's resampling, libvips's
workers), and the peak, not the average, decides what a worker machine needs.
"""

from __future__ import annotations

import ctypes
import functools

from PIL import Image

# glibc's mallopt parameter number (malloc.h).
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 20


@functools.cache
def tune() -> None:
    # One allocation per image instead of 16 MB blocks: only a single block can be lent
    # to libvips through Arrow (``vips.view``), so print renders read the master in place.
    Image.core.set_use_block_allocator(1)
    # glibc raises its mmap threshold after the first big free, so later big buffers come
    # from per-thread heaps and stay resident after use: the print set grew by 130 MB.
    # A fixed threshold keeps them on mmap, handed back to the system when freed.
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to tune
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
