"""Verified API keys' rows, kept a few seconds so a request does not read its key from the database.

Every request carries its credential; reading the key's row for each one was a round trip per
request. :class:`KeyCache` keeps the row of each key id seen (salt, hash, scopes, revocation) for
``ttl`` seconds; the secret a request brings is still hashed and compared every time. Unknown key
ids are not kept, so guessed ids cannot fill it. Requests that find an entry missing or expired while
its key is being read wait for that read (:meth:`KeyCache.fetch`): one read per key id at a time,
whatever the concurrency. One cache per app (the
:class:`~c360.hub.auth.authenticate.Authenticator`), never per process.

Revocation. ``c360 keys revoke`` / ``rotate`` (any process, any host) announce the key id on the
PostgreSQL channel ``c360_keys`` in their transaction; :class:`RevocationListener` (one LISTEN
connection per app) drops it from the cache as soon as the revocation commits, so every worker
refuses the key at once, and hands the key id to ``on_revoked`` (the app's
:class:`~c360.hub.auth.open_sockets.OpenSockets`, which closes the key's WebSockets). Should the listener
lose its connection, the cache is emptied and revocations again take effect within ``ttl``; on
SQLite (one host, no NOTIFY) they always do (``[auth] key_cache_seconds``, default 5; 0 reads the
key on every request).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from c360.hub.db.listen import ChannelListener, ListensOnChannel

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
        self._reading: dict[str, asyncio.Future[Any]] = {}  # key id -> its read in flight
        self._forgotten = 0  # counts ``forget`` calls: a read begun before one is not kept

    async def fetch(self, key_id: str, read: Callable[[str], Awaitable[Any]]) -> Any:
        """The row of ``key_id``: cached, else read by ``read(key_id)``, once for every request asking meanwhile.

        When an entry expires under load, every request in flight with that key would otherwise
        read it at the same moment, each on a connection of its own (at c=32, 16 per worker: the
        pool opened and closed backends every ``ttl`` seconds). A revocation heard while the read
        is in flight wins: that row answers the requests that waited for it but is not kept.
        """
        row = self.get(key_id)
        if row is not None:
            return row
        pending = self._reading.get(key_id)
        if pending is None:
            pending = self._reading[key_id] = asyncio.ensure_future(self._read(key_id, read, self._forgotten))
            pending.add_done_callback(lambda _done: self._reading.pop(key_id, None))
        return await asyncio.shield(pending)  # a request that goes away does not cancel the others' read

    async def _read(self, key_id: str, read: Callable[[str], Awaitable[Any]], forgotten: int) -> Any:
        row = await read(key_id)
        if row is not None and forgotten == self._forgotten:
            self.put(key_id, row)
        return row

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
        self._forgotten += 1
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


class RevocationListener(ListensOnChannel):
    """``LISTEN c360_keys`` on a connection of its own (PostgreSQL only); each revocation empties its key's entry."""

    def __init__(self, database_url: str, cache: KeyCache, on_revoked: Callable[[str | None], None] | None = None) -> None:
        """``on_revoked(key_id)`` is told of each revocation heard; ``on_revoked(None)`` when some may have been missed."""
        self.cache = cache
        self.on_revoked = on_revoked
        self._listener = ChannelListener(
            database_url, REVOCATION_CHANNEL, what="key revocation",
            on_notify=self._heard, on_listening=self._may_have_missed, on_lost=cache.forget,
        )  # fmt: skip

    def _heard(self, key_id: str) -> None:
        self.cache.forget(key_id)
        self._revoked(key_id)

    def _may_have_missed(self) -> None:
        """(Re)connected: anything revoked while nobody listened is forgotten."""
        self.cache.forget()
        self._revoked(None)

    def _revoked(self, key_id: str | None) -> None:
        if self.on_revoked is not None:
            try:
                self.on_revoked(key_id)
            except Exception:  # never let a listener's consumer stop the listening
                log.exception("a key revocation could not be passed on")
