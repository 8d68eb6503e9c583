"""Every hub process forgets an erased person's values, not only the one that ran the erasure.

The identifier normalizers memoize raw values per process (``hub.identity.normalize``), and the API
keeps parsed query texts. The process that erases empties its own at once; on PostgreSQL the
erasure also announces itself on the channel ``c360_erasures`` in its transaction, and each app
process listens (:class:`ErasureListener`, one LISTEN connection) and empties its memos when the
erasure commits. A listener that lost its connection empties them when it is back, since it may
have missed an erasure meanwhile. SQLite has no NOTIFY: there only the erasing process forgets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hub.db import is_postgres

__all__ = ["ERASURE_CHANNEL", "ErasureListener", "announce_erasure"]

ERASURE_CHANNEL = "c360_erasures"
log = logging.getLogger(__name__)


def announce_erasure(session: Session) -> None:
    """Tell every listening hub process, when this transaction commits, that a person was erased (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": ERASURE_CHANNEL})


class ErasureListener:
    """``LISTEN c360_erasures`` on a connection of its own (PostgreSQL only); each erasure calls ``forget``."""

    def __init__(self, database_url: str, forget: Callable[[], None]) -> None:
        self.forget = forget
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
            self._task = asyncio.create_task(self._listen(), name="c360-erasures")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self) -> None:
        import psycopg

        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self._conninfo or "", autocommit=True, connect_timeout=5
                ) as connection:
                    await connection.execute(f"LISTEN {ERASURE_CHANNEL}")
                    self.forget()  # anything erased while nobody listened
                    self.listening.set()
                    delay = 0.5
                    async for _notify in connection.notifies():
                        self.forget()
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("erasure listener lost its connection (%s); retrying in %.1fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
