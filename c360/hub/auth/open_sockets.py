"""Open WebSockets by the credential they authenticated with, closed when that credential stops being valid.

A WebSocket is authenticated once, at ``connection_init``, and may then stay open for days: checking
the credential only there let a socket outlive its token's ``exp`` and its key's revocation, and go
on receiving events. :class:`OpenSockets` (one per app) keeps every authenticated socket's caller and
a way to close it (:mod:`c360.app.ws_handler` closes it with 4403):

* a token's socket is closed when the token expires (a timer at ``exp``);
* a key's socket is closed when the key is revoked (``c360 keys revoke`` / ``rotate``, any process):
  on PostgreSQL at once, by :class:`~c360.hub.auth.key_cache.RevocationListener`, which hears the
  revocation on the ``c360_keys`` channel and calls :meth:`OpenSockets.revoked`; on every database,
  and on PostgreSQL while that listener is reconnecting, by a sweep every ``poll_seconds`` that
  reads which of the open sockets' keys are revoked (one statement; what the key cache does on
  SQLite, where a revocation takes effect within ``key_cache_seconds``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from c360.hub.auth.scopes import Caller
from c360.hub.db.listen import cancel_task
from c360.hub.models import ApiKey

__all__ = ["KEY_REVOKED", "TOKEN_EXPIRED", "OpenSocket", "OpenSockets"]

TOKEN_EXPIRED = "token expired"
KEY_REVOKED = "revoked API key"

log = logging.getLogger(__name__)

Close = Callable[[str], Awaitable[None]]

_REVOKED_AMONG = select(ApiKey.key_id).where(
    ApiKey.key_id.in_(bindparam("key_ids", expanding=True)), ApiKey.revoked_at.is_not(None)
)


class OpenSocket:
    """One authenticated socket: its caller, how to close it, and the timer set at its token's expiry."""

    def __init__(self, sockets: OpenSockets, caller: Caller, close: Close) -> None:
        self.caller = caller
        self._sockets = sockets
        self._close = close
        self._timer: asyncio.TimerHandle | None = None
        self.closing = False

    def close(self, reason: str) -> None:
        """Close the socket (once) in a task of its own: callers are timers and listeners that must not wait."""
        if self.closing:
            return
        self.closing = True
        self.forget()
        self._sockets._spawn(self._close(reason))

    def forget(self) -> None:
        """The socket is gone: stop watching it."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._sockets._open.discard(self)


class OpenSockets:
    def __init__(self, engine: AsyncEngine, poll_seconds: float) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self._open: set[OpenSocket] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(self, caller: Caller, close: Close) -> OpenSocket:
        """Watch a socket that ``caller`` just authenticated; ``close(reason)`` closes it."""
        socket = OpenSocket(self, caller, close)
        self._open.add(socket)
        if caller.expires_at is not None:
            delay = (caller.expires_at - datetime.now(UTC)).total_seconds()
            socket._timer = asyncio.get_running_loop().call_later(max(0.0, delay), socket.close, TOKEN_EXPIRED)
        return socket

    def revoked(self, key_id: str | None) -> None:
        """``key_id`` was revoked: close its sockets. None: revocations may have been missed, sweep now."""
        if key_id is None:
            self._spawn(self.sweep())
            return
        for socket in [s for s in self._open if s.caller.key_id == key_id]:
            socket.close(KEY_REVOKED)

    async def sweep(self) -> None:
        """Close the sockets whose key has been revoked (read from the database, not the key cache)."""
        key_ids = sorted({s.caller.key_id for s in self._open if s.caller.key_id is not None})
        if not key_ids:
            return
        async with self.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            revoked = set((await connection.execute(_REVOKED_AMONG, {"key_ids": key_ids})).scalars())
        for key_id in revoked:
            self.revoked(key_id)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._sweep_forever(), name="c360-socket-credentials")

    async def stop(self) -> None:
        await cancel_task(self._task)
        self._task = None
        for socket in list(self._open):
            socket.forget()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                await self.sweep()
            except (SQLAlchemyError, OSError) as exc:  # the database may be away a while: sweep again next time
                log.warning("could not check the keys of open WebSockets (%s)", type(exc).__name__)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._closing.add(task)  # a reference, so the task is not collected before it ends
        task.add_done_callback(self._closing.discard)
