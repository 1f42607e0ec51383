"""Blob storage behind one narrow interface: a local folder (default) or S3-compatible.

Backends register by URL scheme (``file://``, ``s3://``). Keys are relative
paths; masters and renditions are content-addressed so writing the same
bytes twice stores them once.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, urlparse

from campaign.errors import ConfigError, NotFound


class Storage(Protocol):
    url: str

    def put_bytes(self, key: str, data: bytes) -> None: ...
    def put_file(self, key: str, path: Path) -> None: ...
    def get_bytes(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def keys(self, prefix: str = "") -> list[str]: ...
    def ping(self) -> None: ...

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]: ...


def _check_key(key: str) -> str:
    if not key or key.startswith("/") or ".." in Path(key).parts:
        raise ValueError(f"bad storage key {key!r}")
    return key


class LocalStorage:
    """A folder on this machine; writes are atomic (temp file, then rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.url = f"file://{root}"

    def _path(self, key: str) -> Path:
        return self.root / _check_key(key)

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no stored file {key!r}") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self, prefix: str = "") -> list[str]:
        if not self.root.exists():
            return []
        found = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())
        return sorted(k for k in found if k.startswith(prefix) and "/.tmp-" not in f"/{k}")

    def ping(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"no stored file {key!r}")
        yield path


class S3Storage:
    """An S3-compatible bucket (AWS, MinIO, Ceph...). Credentials come from boto3's usual chain."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket, self.prefix = bucket, prefix.strip("/")
        self.url = f"s3://{bucket}/{self.prefix}"
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region or "us-east-1",
            config=Config(connect_timeout=10, read_timeout=60, retries={"max_attempts": 3}),
        )

    def _key(self, key: str) -> str:
        key = _check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_file(self, key: str, path: Path) -> None:
        self.client.upload_file(str(path), self.bucket, self._key(key))

    def get_bytes(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise NotFound(f"no stored file {key!r}") from None
            raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def keys(self, prefix: str = "") -> list[str]:
        strip = len(self.prefix) + 1 if self.prefix else 0
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix) if prefix else self.prefix
        )
        return sorted(o["Key"][strip:] for page in pages for o in page.get("Contents", []))

    def ping(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="campaign-s3-") as tmp:
            path = Path(tmp) / Path(key).name
            path.write_bytes(self.get_bytes(key))
            yield path


def _local(url: str) -> Storage:
    parsed = urlparse(url)
    return LocalStorage(Path(parsed.netloc + parsed.path).resolve())


def _s3(url: str) -> Storage:
    parsed = urlparse(url)
    if not parsed.netloc:
        raise ConfigError(f"CAMPAIGN_STORAGE_URL {url!r} names no bucket (s3://bucket/prefix)")
    query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
    return S3Storage(parsed.netloc, parsed.path, query.get("endpoint_url"), query.get("region"))


BACKENDS: dict[str, Callable[[str], Storage]] = {"file": _local, "s3": _s3}


def open_storage(url: str) -> Storage:
    """Return the storage backend for a URL (``file:///path`` or ``s3://bucket/prefix``)."""
    scheme = urlparse(url).scheme
    if scheme not in BACKENDS:
        raise ConfigError(
            f"CAMPAIGN_STORAGE_URL {url!r}: unknown scheme (use one of: "
            f"{', '.join(s + '://' for s in BACKENDS)})"
        )
    return BACKENDS[scheme](url)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_key(prefix: str, sha256: str, extension: str) -> str:
    """Return the content-addressed key for a blob."""
    return f"{prefix}/{sha256[:2]}/{sha256}.{extension}"
