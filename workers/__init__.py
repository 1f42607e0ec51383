"""Celery workers: ``celery -A workers worker`` or ``campaign worker``."""

from campaign.settings import get_settings
from workers.celery_app import make_celery

app = make_celery(get_settings())

__all__ = ["app"]
