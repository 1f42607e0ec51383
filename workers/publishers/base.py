"""What every publisher takes and returns, and the outcomes the publish service acts on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class PostRequest:
    placement_id: int
    key: str
    account: str
    text: str
    alt_text: str | None
    image: bytes
    image_name: str
    media_type: str
    scheduled_for: datetime | None


@dataclass(frozen=True)
class Published:
    external_id: str
    permalink: str | None = None


class PublishError(Exception):
    """Base of the outcomes below; ``str()`` is a reason a person can read."""


class Retryable(PublishError):
    """Nothing was posted; try again later (``retry_at`` when the network says when)."""

    def __init__(self, reason: str, retry_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.retry_at = retry_at


class RateLimited(Retryable):
    """The network's rate limit: wait until ``retry_at``."""


class Rejected(PublishError):
    """The network refused the post for good (credentials, duplicate, bad media)."""


class OutcomeUnknown(PublishError):
    """The request may have been accepted (timeout after sending, connection cut)."""


class Publisher(Protocol):
    name: str

    def publish(self, post: PostRequest) -> Published:
        """Post it, or raise one of the errors above."""
        ...

    def find(self, post: PostRequest, since: datetime) -> Published | None:
        """Look among the account's recent posts for this one (reconciliation)."""
        ...


_URL = re.compile(r"https?://\S+|www\.\S+")


def comparable(text: str) -> str:
    """Return text as networks echo it back: URLs shortened, whitespace folded."""
    return " ".join(_URL.sub("<url>", text).split())
