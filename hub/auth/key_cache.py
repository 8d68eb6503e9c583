"""Verified API keys' rows, kept a few seconds so a request does not read its key from the database.

Every request carries its credential; reading the key's row for each one was a round trip per
request. :class:`KeyCache` keeps the row of each key id seen (salt, hash, scopes, revocation) for
``ttl`` seconds; the secret a request brings is still hashed and compared every time. Unknown key
ids are not kept, so guessed ids cannot fill it. One cache per app (the
:class:`~hub.auth.authenticate.Authenticator`), never per process.

Revocation. ``c360 keys revoke`` / ``rotate`` (any process, any host) announce the key id on the
PostgreSQL channel ``c360_keys`` in their transaction; :class:`RevocationListener` (one LISTEN
connection per app) drops it from the cache as soon as the revocation commits, so every worker
refuses the key at once, and hands the key id to ``on_revoked`` (the app's
:class:`~hub.auth.open_sockets.OpenSockets`, which closes the key's WebSockets). Should the listener
lose its connection, the cache is emptied and revocations again take effect within ``ttl``; on
SQLite (one host, no NOTIFY) they always do (``[auth] key_cache_seconds``, default 5; 0 reads the
key on every request).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hub.db import is_postgres

__all__ = ["KeyCache", "RevocationListener", "announce_revocation", "REVOCATION_CHANNEL"]

REVOCATION_CHANNEL = "c360_keys"
log = logging.getLogger(__name__)


def announce_revocation(session: Session, key_id: str) -> None:
    """Tell every listening hub process, when this transaction commits, that ``key_id`` is revoked (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :key_id)"), {"channel": REVOCATION_CHANNEL, "key_id": key_id}
        )


class KeyCache:
    """Key rows by key id, each trusted for ``ttl`` seconds after it was read; at most ``size`` kept."""

    def __init__(
        self, ttl: float, *, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._rows: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key_id: str) -> Any:
        """The row read for ``key_id`` less than ``ttl`` seconds ago, else None."""
        found = self._rows.get(key_id)
        if found is None:
            return None
        read_at, row = found
        if self._clock() - read_at >= self.ttl:
            del self._rows[key_id]
            return None
        return row

    def forget(self, key_id: str | None = None) -> None:
        """Drop one key's row (or every row): the next request reads it again."""
        if key_id is None:
            self._rows.clear()
        else:
            self._rows.pop(key_id, None)

    def put(self, key_id: str, row: Any) -> None:
        if self.ttl <= 0:
            return
        self._rows[key_id] = (self._clock(), row)
        self._rows.move_to_end(key_id)
        if len(self._rows) > self.size:
            self._rows.popitem(last=False)


class RevocationListener:
    """``LISTEN c360_keys`` on a connection of its own (PostgreSQL only); each revocation empties its key's entry."""

    def __init__(self, database_url: str, cache: KeyCache, on_revoked: Callable[[str | None], None] | None = None) -> None:
        """``on_revoked(key_id)`` is told of each revocation heard; ``on_revoked(None)`` when some may have been missed."""
        self.cache = cache
        self.on_revoked = on_revoked
        self._conninfo = (
            make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
            if is_postgres(database_url)
            else None
        )
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    async def start(self) -> None:
        if self._conninfo is not None and self._task is None:
            self.listening = asyncio.Event()
            self._task = asyncio.create_task(self._listen(), name="c360-key-revocations")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _revoked(self, key_id: str | None) -> None:
        if self.on_revoked is not None:
            try:
                self.on_revoked(key_id)
            except Exception:  # never let a listener's consumer stop the listening
                log.exception("a key revocation could not be passed on")

    async def _listen(self) -> None:
        import psycopg

        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo or "", autocommit=True, connect_timeout=5
                ) as connection:
                    await connection.execute(f"LISTEN {REVOCATION_CHANNEL}")
                    self.cache.forget()  # anything revoked while nobody listened
                    self._revoked(None)
                    self.listening.set()
                    delay = 0.5
                    async for notify in connection.notifies():
                        self.cache.forget(notify.payload)
                        self._revoked(notify.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                self.cache.forget()
                log.warning(
                    "key revocation listener lost its connection (%s); retrying in %.1fs",
                    type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
