"""Engines and sessions for the configured database (SQLite embedded, PostgreSQL at scale)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from campaign.errors import DatabaseUnavailable


def normalise_url(url: str) -> str:
    """Prefer psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook issue BEGIN itself (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # WAL lets the web app read while a worker writes; busy_timeout waits instead of failing.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front: two processes that read then write
    # (a claim, the log's hash chain) queue up instead of failing on a stale snapshot.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine, turning a malformed URL into a one-line ``DatabaseUnavailable``."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            f"CAMPAIGN_DATABASE_URL is not a database URL: {url!r} "
            "(expected e.g. postgresql://host/db or sqlite:///path)"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseUnavailable(
            f"CAMPAIGN_DATABASE_URL uses an unsupported database ({parsed.drivername}): {exc}"
        ) from None
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once, raising ``DatabaseUnavailable`` with the reason in one line."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).strip().splitlines()[0]
        raise DatabaseUnavailable(
            f"cannot connect to the database {engine.url.render_as_string(hide_password=True)}: "
            f"{reason}"
        ) from None


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(url: str) -> Engine:
    """Return the shared engine for a URL (one pool per process)."""
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = make_engine(url)
        return _ENGINES[url]


def reset_pools_after_fork() -> None:
    """Drop pooled connections inherited from a parent process without closing them.

    A forked worker child must never talk over its parent's socket: the two
    would interleave on one PostgreSQL session (SQLAlchemy's advice for fork).
    """
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose(close=False)


class NestedSession(RuntimeError):
    """A second session was opened in a thread that already has one."""


class Database:
    """The session factory every service receives; owns no transaction itself.

    One session per thread at a time: a service that opens a second one while
    the first is open holds two transactions, and on SQLite the second waits on
    the first's write lock until it times out. Failing at once makes that a bug
    found by any test rather than a 30-second hang in production.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, class_=Session, expire_on_commit=False)
        self._open = threading.local()

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(engine_for(normalise_url(url)))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session; the caller (a service) commits, anything unhandled rolls back."""
        if getattr(self._open, "active", False):
            raise NestedSession(
                "a database session is already open in this thread: close it "
                "before calling another service"
            )
        session = self._factory()
        self._open.active = True
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            self._open.active = False
            session.close()
