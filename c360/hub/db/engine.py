"""Engines for the two supported databases, built from one URL.

SQLite is the embedded default (a file under the working directory);
PostgreSQL is the production store. Both are reached through the same
models; the sync engine serves the CLI and the sync runner, the async
engine serves the GraphQL API. Exceptions::

    DatabaseError            (c360.errors) a database problem the operator can fix; one clear line
    ├── InvalidDatabaseUrl   the URL cannot name a supported database
    ├── DatabaseUnavailable  the server or file cannot be reached
    └── SchemaOutdated       migrations have not been applied
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from c360.errors import DatabaseError

__all__ = [
    "DatabaseError",
    "InvalidDatabaseUrl",
    "DatabaseUnavailable",
    "SchemaOutdated",
    "sync_url",
    "async_url",
    "describe_url",
    "is_postgres",
    "create_db_engine",
    "create_async_db_engine",
    "ping",
]


class InvalidDatabaseUrl(DatabaseError):
    pass


class DatabaseUnavailable(DatabaseError):
    pass


class SchemaOutdated(DatabaseError):
    pass


_POSTGRES_NAMES = {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "postgresql+asyncpg"}
_SQLITE_NAMES = {"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InvalidDatabaseUrl(
            f"C360_DATABASE_URL is not a database URL: {describe_url(url)!r} "
            "(expected sqlite:///path.db or postgresql://user@host:5432/db)"
        ) from None
    if parsed.drivername not in _POSTGRES_NAMES | _SQLITE_NAMES:
        raise InvalidDatabaseUrl(
            f"unsupported database {parsed.drivername!r} in C360_DATABASE_URL; use sqlite:/// or postgresql://"
        )
    return parsed


def is_postgres(url: str) -> bool:
    return _parse(url).drivername in _POSTGRES_NAMES


def sync_url(url: str) -> URL:
    parsed = _parse(url)
    if parsed.drivername in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed.set(drivername="sqlite+pysqlite")


def async_url(url: str) -> URL:
    parsed = _parse(url)
    if parsed.drivername in _POSTGRES_NAMES:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed.set(drivername="sqlite+aiosqlite")


def describe_url(url: str) -> str:
    """The URL with any password hidden, safe for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable>"


SQLITE_MMAP_BYTES = 1 << 30


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while a sync writes; the busy timeout turns lock
    # contention into a short wait instead of an immediate "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Pages read through a memory map, not a read() call each: reading 133k rows by id from a
    # 400k-row table took about 40% less CPU (the identity hook reads so). Address space only.
    cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cursor.close()


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    parsed = sync_url(url)
    if parsed.drivername.startswith("sqlite"):
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(parsed, **kwargs)


API_SERVER_OPTIONS = "-c plan_cache_mode=force_generic_plan"


def create_async_db_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """The API's engine.

    On PostgreSQL it does not ping a connection at each checkout (a round trip per request): a
    request's read that finds its connection dead is retried once on a fresh one
    (``c360.hub.db.request_connection``), and a disconnect seen anywhere empties the pool. Its
    connections plan a prepared statement once (``plan_cache_mode=force_generic_plan``, set when
    the connection opens): psycopg prepares a statement run five times on a connection, and a 360
    view's statement takes ~1.3 ms to plan and ~0.3 ms to run. Left to choose, the server kept
    planning it for each execution (its literal-free generic plan looks dearer on paper). The API's
    statements are index look-ups by key, for which one plan serves every value.
    """
    parsed = async_url(url)
    if parsed.drivername.startswith("sqlite"):
        engine = create_async_engine(parsed, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = kwargs.setdefault("connect_args", {"connect_timeout": 5})
    given = parsed.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    connect_args["options"] = f"{given} {API_SERVER_OPTIONS}".strip()
    return create_async_engine(parsed, **kwargs)


def ping(engine: Engine) -> None:
    """Raise DatabaseUnavailable with one clear line if the database cannot be reached."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise DatabaseUnavailable(
            f"cannot reach database {describe_url(engine.url.render_as_string(hide_password=False))}: {reason}"
        ) from None
