"""LISTEN on one PostgreSQL channel, on a connection of its own, for as long as the process runs.

Event wake-ups, key revocations and erasures each reach every hub process this way. A listener
that loses its connection (a restart, a failover) reconnects with a growing pause (0.5 s doubling
to 10 s); on every (re)connection it calls ``on_listening`` before the first notification, since
notifications sent while nobody listened are lost. On SQLite there is no NOTIFY and nothing runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.engine import make_url

from c360.hub.db.engine import is_postgres

__all__ = ["ChannelListener", "ListensOnChannel", "cancel_task"]

log = logging.getLogger(__name__)


async def cancel_task(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait until it has ended."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class ChannelListener:
    """``LISTEN channel``: ``on_notify(payload)`` per notification; ``on_listening()`` on each (re)connection."""

    def __init__(
        self,
        database_url: str | None,
        channel: str,
        *,
        what: str,  # names the listener in task names and log lines ("event", "key revocation", …)
        on_notify: Callable[[str], None],
        on_listening: Callable[[], None],
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self.channel, self.what = channel, what
        self.on_notify, self.on_listening, self.on_lost = on_notify, on_listening, on_lost
        self._conninfo = (
            make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
            if database_url and is_postgres(database_url)
            else None
        )
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()  # set while LISTEN is active (PostgreSQL only)

    def start(self) -> None:
        """Start listening in a task of the running loop (nothing when it already runs, or on SQLite)."""
        if self._conninfo is not None and self._task is None:
            self.listening = asyncio.Event()  # of the loop the listener runs on
            self._task = asyncio.create_task(self._listen(), name=f"c360-{self.what.replace(' ', '-')}-listener")

    def detach(self) -> asyncio.Task[None] | None:
        """Stop listening at once: the task is cancelled (and returned) and a ``start`` from now on begins afresh."""
        task, self._task = self._task, None
        self.listening.clear()
        if task is not None:
            task.cancel()
        return task

    async def stop(self) -> None:
        await cancel_task(self.detach())

    async def _listen(self) -> None:
        import psycopg

        delay = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo or "", autocommit=True, connect_timeout=5) as connection:
                    await connection.execute(f"LISTEN {self.channel}")
                    self.on_listening()
                    self.listening.set()
                    delay = 0.5
                    async for notify in connection.notifies():
                        self.on_notify(notify.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                if self.on_lost is not None:
                    self.on_lost()
                log.warning("%s listener lost its connection (%s); retrying in %.1fs", self.what, type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)


class ListensOnChannel:
    """For objects that own a :class:`ChannelListener` as ``_listener``: its start, stop and listening flag."""

    _listener: ChannelListener

    @property
    def listening(self) -> asyncio.Event:
        """Set while LISTEN is active (PostgreSQL only)."""
        return self._listener.listening

    async def start(self) -> None:
        self._listener.start()

    async def stop(self) -> None:
        await self._listener.stop()
