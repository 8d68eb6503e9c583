"""Reads shared by the batches of one request: one pooled connection, or in-loop SQLite reads.

A request's loader batches (``resolvers.loaders``) and its API-key check (``hub.auth.keys``) read
through :class:`SharedConnection`; on a SQLite file the reads run in the event loop's own thread
(:class:`_SqliteReads`), and prebuilt Core SELECTs straight on the driver
(:mod:`hub.db.direct_reads`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from hub.db.direct_reads import prepared

__all__ = ["SharedConnection", "SQLITE_THREAD_READS_ENV", "SQLITE_READ_BUSY_MS"]

SQLITE_THREAD_READS_ENV = "C360_SQLITE_THREAD_READS"  # "1": SQLite reads through aiosqlite's thread, as before


class SharedConnection:
    """One pooled connection lent to the batches of a request, one batch at a time.

    The first batch checks a connection out; it goes back to the pool when no
    batch is using or waiting for it, so nothing is held between waves or after
    the request. Batches that are dispatched together queue on the lock.

    On a SQLite file the batches instead read through :class:`_SqliteReads`, in the event loop's
    own thread (see there); ``execute`` looks the same to the batches.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._users = 0
        self._lock = asyncio.Lock()
        self._sqlite = _sqlite_reads(engine)

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Any]:
        if self._sqlite is not None:
            with self._sqlite.connect() as connection:
                yield connection
            return
        self._users += 1
        try:
            async with self._lock:
                if self._connection is None:
                    self._connection = await self._engine.connect()
                yield self._connection
        finally:
            self._users -= 1
            if self._users == 0 and self._connection is not None:
                connection, self._connection = self._connection, None
                await connection.close()


class _SqliteConnection:
    """``await x.execute(statement, params)`` over a synchronous connection: the statement runs now.

    A prebuilt Core SELECT runs straight on the driver (:mod:`hub.db.direct_reads`).
    """

    def __init__(self, target: Any) -> None:
        self.connection = target

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        target = self.connection
        if isinstance(parameters, dict):
            direct = prepared(statement, target.dialect)
            if direct is not None and direct.accepts(parameters):
                return direct.run(target, parameters)
        return target.execute(statement, parameters)


class _SqliteReads:
    """The loaders' reads of a SQLite file, run in the event loop's thread.

    Through aiosqlite every statement is several hops to its worker thread and back, which cost
    more CPU than the statement itself (≈ 0.1 ms for a page of the 360 view); see
    docs/benchmarks.md. These reads use a synchronous engine on the same file instead. In WAL mode
    (hub.db sets it) a reader never waits for a writer, and the busy timeout here is short, so the
    loop is not held up. Every statement is also reported to the async engine's
    ``before_cursor_execute``/``after_cursor_execute`` listeners, so statement counters (tests,
    bench) see the same statements as before.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        from hub.db import create_db_engine

        self.engine = create_db_engine(engine.url.render_as_string(hide_password=False))
        target = weakref.ref(engine.sync_engine)  # weak: this object is the value of a weak-keyed cache of it
        event.listen(self.engine, "connect", _short_busy_timeout)

        def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            owner = target()
            if owner is not None:
                owner.dispatch.before_cursor_execute(conn, cursor, statement, parameters, context, many)

        def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
            owner = target()
            if owner is not None:
                owner.dispatch.after_cursor_execute(conn, cursor, statement, parameters, context, many)

        event.listen(self.engine, "before_cursor_execute", before)
        event.listen(self.engine, "after_cursor_execute", after)
        self._idle: dict[int, Connection] = {}
        weakref.finalize(self, _close_all, self._idle)  # back to the pool when the engine goes

    @contextmanager
    def connect(self) -> Iterator[_SqliteConnection]:
        """A connection of this thread's event loop, kept between batches.

        A batch runs to its end without yielding to the loop, so one connection per thread serves
        every request; checking one out of the pool for each batch cost more than its statement.
        Reads do not open an SQLite transaction (pysqlite begins one only before a write), and the
        rollback after each batch ends SQLAlchemy's, so no snapshot is held between batches. A
        connection that failed is closed, not kept.
        """
        thread = threading.get_ident()
        connection = self._idle.pop(thread, None) or self.engine.connect()
        try:
            yield _SqliteConnection(connection)
            connection.rollback()
        except BaseException:
            connection.close()
            raise
        if self._idle.setdefault(thread, connection) is not connection:
            connection.close()  # another batch of this thread kept one meanwhile


def _close_all(connections: dict[int, Connection]) -> None:
    for connection in list(connections.values()):
        connection.close()
    connections.clear()


def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_READ_BUSY_MS}")
    cursor.close()


SQLITE_READ_BUSY_MS = 2000  # a WAL reader waits only in rare cases (recovery); never hold the loop long
_SQLITE_READS: weakref.WeakKeyDictionary[Any, _SqliteReads] = weakref.WeakKeyDictionary()


def _sqlite_reads(engine: AsyncEngine) -> _SqliteReads | None:
    """The in-loop readers of a SQLite *file* engine (shared by every request on it), else None."""
    url = engine.url
    if not url.get_backend_name() == "sqlite" or not url.database or url.database == ":memory:" or "memory" in str(url.query):
        return None
    if os.environ.get(SQLITE_THREAD_READS_ENV) == "1":
        return None
    reads = _SQLITE_READS.get(engine.sync_engine)
    if reads is None:
        reads = _SQLITE_READS[engine.sync_engine] = _SqliteReads(engine)
    return reads
