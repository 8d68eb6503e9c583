"""The database connection of one request: no round trip but the request's own statements.

A request's reads (its loaders' statements) run in autocommit: under READ COMMITTED, the isolation
the hub uses, each statement of a transaction takes a snapshot of its own anyway, so a
transaction around reads would add a BEGIN and a COMMIT round trip and no consistency. A 360
document is one statement (``c360.resolvers.view_sql``), which is its own transaction. A request that
writes asks for :meth:`RequestConnection.transaction`: one transaction on one connection, committed
when the block ends, rolled back if it raises.

The connection is taken from the pool when a statement starts and given back as soon as no
statement of the request runs or waits: a request that is busy building its answer (or waiting
for the event loop) holds none, so a worker with many requests in flight needs only as many
connections as it runs statements at once. Neither costs a round trip: the API's engine does not
ping a connection at each checkout (``c360.hub.db.create_async_db_engine``), and giving back an
autocommit connection sends nothing (psycopg sends ROLLBACK only inside a transaction). A read that
finds its connection dead (the server restarted, a proxy dropped it) is retried once on a fresh
connection, which is what the ping was for.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["RequestConnection"]


class RequestConnection:
    """The statements of one request (or one WebSocket operation), one at a time.

    ``autocommit``: ``engine``'s connections are in autocommit already (the app's read engine,
    ``create_async_db_engine(url, isolation_level="AUTOCOMMIT")``, which sets it once per connection);
    else each checkout switches its connection to autocommit and the pool switches it back.
    """

    def __init__(self, engine: AsyncEngine, *, autocommit: bool = False) -> None:
        self._engine = engine if autocommit else engine.execution_options(isolation_level="AUTOCOMMIT")
        self._lock = asyncio.Lock()  # one statement at a time: loader batches of one tick queue here
        self._connection: AsyncConnection | None = None
        self._users = 0  # statements running or waiting
        self._writing = False

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def execute(self, statement: Any, parameters: Any = None) -> list[Any]:
        """Run a read and return its rows (all fetched)."""
        if self._writing:
            raise RuntimeError("a read was started while this request's transaction is open; read through it")
        self._users += 1
        try:
            async with self._lock:
                try:
                    return await self._run(statement, parameters)
                except DBAPIError as exc:
                    if not exc.connection_invalidated:
                        raise
                    await self._drop()
                    return await self._run(statement, parameters)  # once, on a fresh connection
        finally:
            self._users -= 1
            if self._users == 0:
                await self._give_back()

    async def _run(self, statement: Any, parameters: Any) -> list[Any]:
        if self._connection is None:
            self._connection = await self._engine.connect()
        result = await self._connection.execute(statement, parameters)
        return list(result.all())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One read-write transaction (for a mutation's writes), on a connection held for the block.

        The connection leaves autocommit for the block; the pool puts it back in autocommit.
        """
        async with self._lock:
            await self._give_back()
            async with self._engine.connect() as connection:
                await connection.execution_options(
                    isolation_level=self._engine.dialect.default_isolation_level
                )
                self._writing = True
                try:
                    async with connection.begin():
                        yield connection
                finally:
                    self._writing = False

    async def _give_back(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.invalidate()
            await connection.close()

    async def close(self) -> None:
        """The request is over: nothing is held (a read still running gives its connection back when it ends)."""
        if self._users == 0:
            await self._give_back()
