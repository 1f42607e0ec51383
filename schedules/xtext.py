"""X's weighted text length. Pure.

From X's counting rules (twitter-text v3): code points in U+0000-10FF,
U+2000-200D, U+2010-201F and U+2032-2037 weigh 1, every other code point
(CJK, emoji) weighs 2, and every URL weighs 23 whatever its length.
Emoji sequences joined with U+200D count each code point (the ZWJ weighs 1),
which can over-count a little against X's own emoji table: safe side.
"""

from __future__ import annotations

import re

LIMIT = 280
URL_WEIGHT = 23
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|uk|"
    r"gov|nhs|police|io|co|info|eu)(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)


def _weight(ch: str) -> int:
    cp = ord(ch)
    return 1 if any(lo <= cp <= hi for lo, hi in _LIGHT) else 2


def weighted_length(text: str) -> int:
    """Return the length X counts for ``text``."""
    total, last = 0, 0
    for match in _URL.finditer(text):
        total += sum(_weight(c) for c in text[last : match.start()]) + URL_WEIGHT
        last = match.end()
    return total + sum(_weight(c) for c in text[last:])
