"""PDFium, one caller at a time.

PDFium is not thread-safe: two threads in it at once abort the whole process
(seen when the web app served several PDF previews together). Every use in the
project goes through ``document`` below, which holds one process-wide lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium

LOCK = threading.RLock()
PdfiumError = pdfium.PdfiumError


@contextmanager
def document(source: Path | bytes) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF and hold the PDFium lock until it is closed."""
    with LOCK:
        pdf = pdfium.PdfDocument(str(source) if isinstance(source, Path) else source)
        try:
            yield pdf
        finally:
            pdf.close()
