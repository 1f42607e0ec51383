"""The webhook publisher: POSTs the post as JSON to a URL the organisation runs."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import requests

from workers.publishers.base import (
    OutcomeUnknown,
    PostRequest,
    Published,
    RateLimited,
    Rejected,
    Retryable,
)


class WebhookPublisher:
    """Sends ``Idempotency-Key: <placement key>`` so a receiver can drop a repeat."""

    name = "webhook"

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()

    def publish(self, post: PostRequest) -> Published:
        body = {
            "placement_id": post.placement_id,
            "key": post.key,
            "account": post.account,
            "text": post.text,
            "alt_text": post.alt_text,
            "media_type": post.media_type,
            "image_base64": base64.b64encode(post.image).decode(),
            "scheduled_for": post.scheduled_for.isoformat() if post.scheduled_for else None,
        }
        try:
            resp = self.session.post(
                self.url, json=body, timeout=self.timeout, headers={"Idempotency-Key": post.key}
            )
        except requests.exceptions.ConnectTimeout as exc:
            raise Retryable(f"webhook unreachable: {exc.__class__.__name__}") from None
        except requests.exceptions.Timeout:
            raise OutcomeUnknown("the webhook did not answer in time") from None
        except requests.exceptions.ConnectionError as exc:
            raise Retryable(f"webhook unreachable: {exc.__class__.__name__}") from None
        if resp.status_code == 429:
            wait = float(resp.headers.get("Retry-After", "60") or 60)
            raise RateLimited(
                "the webhook asked to slow down (429)", datetime.now(UTC) + timedelta(seconds=wait)
            )
        if resp.status_code >= 500:
            raise Retryable(f"the webhook failed ({resp.status_code})")
        if resp.status_code >= 400:
            raise Rejected(f"the webhook refused the post ({resp.status_code}): {resp.text[:200]}")
        try:
            external = str(resp.json().get("id") or post.key)
        except ValueError:
            external = post.key
        return Published(external, None)

    def find(self, post: PostRequest, since: datetime) -> Published | None:
        # A webhook has no timeline to look at; the resend carries the same
        # Idempotency-Key, so the receiver can recognise it.
        return None
