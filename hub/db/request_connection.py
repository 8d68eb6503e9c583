"""One database connection per request, checked out at its first read and given back when it ends.

Every read of a GraphQL request (its loaders' statements) runs on this one connection. Reads run
in autocommit: under READ COMMITTED, the isolation the hub uses, each statement of a transaction
takes a snapshot of its own anyway, so a transaction around reads would add a BEGIN and a COMMIT
round trip and no consistency. A 360 document is one statement (``resolvers.view_sql``), which is
its own transaction. A request that writes asks for :meth:`RequestConnection.transaction`: one
transaction on the same connection, committed when the block ends, rolled back if it raises.

The API's engine does not ping a connection at each checkout (``hub.db.create_api_engine``): a
read that finds its connection dead (the server restarted, a proxy dropped it) is retried once on a
fresh connection, which is what the ping was for, without its round trip on every request.
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
    """The connection of one request (or one WebSocket operation); :meth:`close` gives it back."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._connection: AsyncConnection | None = None
        self._lock = asyncio.Lock()  # one statement at a time: loader batches of one tick queue here
        self._writing = False
        # False: the connection goes back to the pool after each read. A mutation's writes still go
        # through its own sessions, and holding a read connection meanwhile would take two per request.
        self.hold = True

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def execute(self, statement: Any, parameters: Any = None) -> list[Any]:
        """Run a read and return its rows (all fetched)."""
        if self._writing:
            raise RuntimeError("a read was started while this request's transaction is open; read through it")
        async with self._lock:
            try:
                return await self._run(statement, parameters)
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                await self._drop()
                return await self._run(statement, parameters)  # once, on a fresh connection
            finally:
                if not self.hold:
                    await self._give_back()

    async def _checkout(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self._engine.connect()
        return self._connection

    async def _run(self, statement: Any, parameters: Any) -> list[Any]:
        connection = await self._checkout()
        result = await connection.execute(statement, parameters)
        return list(result.all())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One read-write transaction on this request's connection (for a mutation's writes).

        The connection leaves autocommit for the block and goes back to it afterwards.
        """
        async with self._lock:
            connection = await self._checkout()
            await connection.execution_options(isolation_level=self._engine.dialect.default_isolation_level)
            self._writing = True
            try:
                async with connection.begin():
                    yield connection
            finally:
                self._writing = False
                await connection.execution_options(isolation_level="AUTOCOMMIT")

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.invalidate()
            await connection.close()

    async def _give_back(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()

    async def close(self) -> None:
        """Give the connection back to the pool: the request is over. A read still running for it (a field
        of a document whose answer was already decided) gets a connection for its own statement only."""
        self.hold = False
        async with self._lock:
            await self._give_back()
