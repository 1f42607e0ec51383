"""Celery workers: ``celery -A workers worker`` or ``campaign worker``."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Built on first use, not at import: importing this package must never read
    # settings (a bad setting would then surface as a traceback, not one line).
    if name in ("app", "celery"):
        from campaign.settings import get_settings
        from workers.celery_app import make_celery

        globals()["app"] = globals()["celery"] = make_celery(get_settings())
        return globals()[name]
    raise AttributeError(name)
