"""The Celery app, configured from the one settings object.

With ``CAMPAIGN_BROKER_URL`` set (e.g. ``redis://host:6379/0``) workers run
anywhere; with nothing set the embedded ``filesystem://`` transport under
``data_dir/broker`` needs no server. Either way the broker is only transport:
rows in the database say what must happen, and sweeps re-send what a lost
message dropped, so every task is idempotent and keyed by row id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

from campaign.settings import Settings

QUEUE = "campaign"


@worker_process_init.connect
def _fresh_connections_in_child(**_: Any) -> None:
    from campaign.db import reset_pools_after_fork

    reset_pools_after_fork()


def broker_config(settings: Settings) -> dict[str, Any]:
    """Return the broker part of Celery's configuration."""
    if settings.broker_url.startswith("memory://"):
        # In-process transport (the demo): kombu polls it once a second by default.
        return {
            "broker_url": settings.broker_url,
            "broker_transport_options": {"polling_interval": 0.01},
        }
    if not settings.broker_embedded:
        config: dict[str, Any] = {
            "broker_url": settings.broker_url,
            # Recovery is the database sweep's job; keep redelivery out of its way.
            "broker_transport_options": {"visibility_timeout": 3600},
        }
        if settings.broker_url.startswith("redis://"):
            from workers.broker import TRANSPORT

            config["broker_transport"] = TRANSPORT  # see workers/broker.py
        return config
    folder = (settings.data_dir / "broker").resolve()
    queue, control = folder / "queue", folder / "control"
    for path in (queue, control):
        Path(path).mkdir(parents=True, exist_ok=True)
    return {
        "broker_url": "filesystem://",
        "broker_transport_options": {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "polling_interval": 0.1,
        },
    }


def make_celery(settings: Settings) -> Celery:
    app = Celery("campaign", include=["workers.tasks"])
    app.conf.update(
        broker_config(settings),
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,  # outcomes live in the application's own tables
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=15 * 60,
        task_soft_time_limit=14 * 60,
        # Publishing is bounded tightly: the scheduler treats an attempt older than this
        # limit (plus a margin) as dead and reconciles it.
        task_annotations={
            "campaign.publish": {
                "time_limit": settings.publish_time_limit_seconds,
                "soft_time_limit": max(1, settings.publish_time_limit_seconds - 5),
            }
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        timezone="UTC",
        enable_utc=True,
    )
    return app
