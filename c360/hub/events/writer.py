"""The process's writer of channel events: ``recordContact`` and ``updateServiceRequest`` land here.

On PostgreSQL each event is one statement in autocommit (``c360.hub.events.pg_writes``) on a
connection of the writer's own small pool (``psycopg_pool``), started and stopped with the app.
The pool's connections are checked only when they come back, not before each use (a pre-ping
costs a round trip per event); a connection the server has dropped meanwhile fails its statement,
and a write that carries an idempotency key is then sent once more on a fresh connection, which
is safe precisely because of the key. Without a started pool (tools and tests that run the schema
directly) the statement runs on a connection of the SQLAlchemy engine, in autocommit.

On SQLite the event is a short transaction of a few statements (``c360.hub.events.portable_writes``).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360.hub.events import pg_writes, portable_writes
from c360.hub.events.writes import Appended, ContactWrite, RequestUpdateWrite

__all__ = ["EventWriter", "POOL_NAME", "POOL_SIZE"]

POOL_SIZE = 8  # connections per process at most: the statements are short, more would only queue in the server
POOL_NAME = "c360-event-writes"  # the pool's name, and its connections' application_name (pg_stat_activity)
W = TypeVar("W", ContactWrite, RequestUpdateWrite)
Run = Callable[[psycopg.AsyncConnection[Any], W], Awaitable[Appended]]  # a write on one connection

log = logging.getLogger(__name__)


class EventWriter:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, pool_size: int = POOL_SIZE, pool_name: str = POOL_NAME
    ) -> None:
        self._sessions = sessions
        self._engine = sessions.kw["bind"]
        self.postgres = self._engine.dialect.name == "postgresql"
        self.pool_size = pool_size
        self.pool_name = pool_name
        self._pool: AsyncConnectionPool[Any] | None = None

    async def start(self) -> None:
        """Open the pool (PostgreSQL); connections are made in the background, the first write waits for one."""
        if not self.postgres or self._pool is not None:
            return
        conninfo = self._engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._pool = AsyncConnectionPool(
            conninfo,
            min_size=1,
            max_size=self.pool_size,
            kwargs={"autocommit": True, "application_name": self.pool_name},
            open=False,
            name=self.pool_name,
        )
        await self._pool.open(wait=False)

    async def stop(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    async def record_contact(self, write: ContactWrite) -> Appended:
        """Write the contact, committed on return; raises CustomerInactive, ServiceRequestMissing or EventConflict."""
        if self.postgres:
            return await self._on_postgres(pg_writes.record_contact, write)
        async with self._sessions() as session, session.begin():
            return await portable_writes.record_contact(session, write)

    async def update_service_request(self, write: RequestUpdateWrite) -> Appended:
        """Write the status step, committed on return; raises ServiceRequestMissing or EventConflict."""
        if self.postgres:
            return await self._on_postgres(pg_writes.update_service_request, write)
        async with self._sessions() as session, session.begin():
            return await portable_writes.update_service_request(session, write)

    async def _on_postgres(self, run: Run[W], write: W) -> Appended:
        try:
            async with self._connection() as connection:
                return await run(connection, write)
        except psycopg.OperationalError as exc:
            if self._pool is None:
                raise
            # A lost connection (the server restarted, say) means its idle siblings are likely lost
            # too: test them all now, so the next writes do not fail one by one.
            log.warning("event write failed on its connection (%s); testing the pool's connections", type(exc).__name__)
            await self._pool.check()
            if write.idempotency_key is None:
                raise
            # Whether the statement committed is unknown; the key makes sending it again safe: at
            # worst the event answers as a replay of itself.
            async with self._connection() as connection:
                return await run(connection, write)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if self._pool is not None:
            async with self._pool.connection() as connection:
                yield connection
            return
        async with self._engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            raw = await connection.get_raw_connection()
            yield raw.driver_connection
