"""The dry-run publisher: writes what would be posted to a folder (default without credentials)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from workers.publishers.base import PostRequest, Published


class OutboxPublisher:
    name = "outbox"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, post: PostRequest) -> tuple[Path, Path]:
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", post.key)
        account = re.sub(r"[^A-Za-z0-9._-]+", "_", post.account.lstrip("@")) or "account"
        base = self.folder / account / safe
        return base.with_suffix(".json"), base.with_suffix(Path(post.image_name).suffix or ".jpg")

    def publish(self, post: PostRequest) -> Published:
        meta, image = self._paths(post)
        meta.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(post.image)
        meta.write_text(
            json.dumps(
                {
                    "placement_id": post.placement_id,
                    "key": post.key,
                    "account": post.account,
                    "text": post.text,
                    "alt_text": post.alt_text,
                    "image": image.name,
                    "image_sha256": hashlib.sha256(post.image).hexdigest(),
                    "scheduled_for": post.scheduled_for.isoformat() if post.scheduled_for else None,
                },
                indent=2,
            )
            + "\n"
        )
        return Published(f"outbox:{post.key}", meta.as_uri())

    def find(self, post: PostRequest, since: datetime) -> Published | None:
        meta, _ = self._paths(post)
        return Published(f"outbox:{post.key}", meta.as_uri()) if meta.exists() else None
