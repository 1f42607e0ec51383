"""Shared fixtures: real PostgreSQL and Redis, isolated per test.

Outside CI a missing service skips the tests that need it, with a message
naming it; with CI=true the run fails loudly instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from campaign import migrate
from campaign.db import Database, make_engine, normalise_url
from campaign.settings import Settings, get_settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = normalise_url(
    os.environ.get("CAMPAIGN_TEST_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
)
# Database 15 by default: tests flush it, so keep it apart from anything else on the server.
REDIS_URL = os.environ.get("CAMPAIGN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

_unavailable: dict[str, str] = {}


def service_missing(name: str, reason: str) -> None:
    """Skip (developer machine) or fail (CI) a test whose service is unreachable."""
    message = f"{name} is not reachable: {reason}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def _check_postgres() -> str | None:
    if "postgres" not in _unavailable:
        try:
            engine = create_engine(PG_URL)
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _unavailable["postgres"] = ""
        except SQLAlchemyError as exc:
            _unavailable["postgres"] = str(exc).splitlines()[0]
    return _unavailable["postgres"] or None


def _check_redis() -> str | None:
    if "redis" not in _unavailable:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
            _unavailable["redis"] = ""
        except redis.RedisError as exc:
            _unavailable["redis"] = str(exc)
    return _unavailable["redis"] or None


@pytest.fixture(autouse=True)
def _clean_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test starts from embedded defaults in its own folder, never the developer's env."""
    for key in list(os.environ):
        if key.startswith("CAMPAIGN_") and not key.startswith("CAMPAIGN_TEST_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL schema for this test; dropped afterwards."""
    reason = _check_postgres()
    if reason:
        service_missing(f"PostgreSQL at {PG_URL}", reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, migrated SQLite file for this test."""
    url = f"sqlite:///{tmp_path / 'campaign.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(make_engine(db_url))
    yield database
    database.engine.dispose()


@pytest.fixture
def redis_url() -> str:
    """The test Redis database, emptied for this test."""
    reason = _check_redis()
    if reason:
        service_missing(f"Redis at {REDIS_URL}", reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def s3_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An S3-compatible server (moto's server mode) over HTTP on 127.0.0.1, with a bucket."""
    import socket

    import boto3
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    for key, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its state per process, across servers: a fresh bucket keeps tests apart.
    bucket = f"campaign-test-{uuid.uuid4().hex[:10]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    try:
        yield f"s3://{bucket}/assets?endpoint_url={endpoint}"
    finally:
        server.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "var", environment="test")
