"""Tell what a file really is from its first bytes, whatever its name says. Pure."""

from __future__ import annotations

ACCEPTED = ("JPEG", "PNG", "TIFF", "WEBP", "PDF")

_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"\x89PNG\r\n\x1a\n", 0, "PNG"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"II+\x00", 0, "TIFF"),
    (b"MM\x00+", 0, "TIFF"),
    (b"%PDF-", 0, "PDF"),
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"BM", 0, "BMP"),
    (b"8BPS", 0, "PSD"),
    (b"%!PS", 0, "PostScript"),
]

_ADVICE = "send JPEG, PNG, TIFF, WebP or PDF artwork"


def sniff(head: bytes) -> str | None:
    """Return the file type named by ``head`` (the first 64+ bytes), or None."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    for magic, offset, name in _SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return name
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<?xml") or text.startswith(b"<svg"):
        return "SVG" if b"<svg" in head.lower() or text.startswith(b"<?xml") else "XML"
    return None


def refusal(kind: str | None, size: int) -> str | None:
    """Return why a file of this kind cannot be a master, or None when it is accepted."""
    if size == 0:
        return "the file is empty"
    if kind in ACCEPTED:
        return None
    if kind == "SVG":
        return f"SVG is not accepted as a master: export it as PDF or PNG ({_ADVICE})"
    if kind is None:
        return f"not an image: the bytes match no known image format ({_ADVICE})"
    return f"{kind} files are not accepted as masters ({_ADVICE})"
