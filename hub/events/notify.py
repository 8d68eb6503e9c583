"""Waking subscribers when the event log grows.

A wake-up carries no data: a subscriber that wakes reads the log after its
own cursor, so a lost or duplicated wake-up can cost a little latency but
never an event. ``wake()`` only sets an ``asyncio.Event`` per subscriber, so a
subscriber that stops reading never slows the writer or the others.

On PostgreSQL a listener task runs ``LISTEN c360_events`` on a connection of
its own; every append does ``pg_notify`` in its transaction, so events
recorded by any hub process wake the subscribers of every process. Waiters
also poll (``poll_seconds``) so a dropped listener connection only delays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.engine import make_url

from hub.db import is_postgres
from hub.events.log import NOTIFY_CHANNEL

__all__ = ["EventNotifier", "Waiter"]

log = logging.getLogger(__name__)


class Waiter:
    """One subscriber's doorbell."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    def clear(self) -> None:
        """Call before reading the log, so a wake-up during the read is not lost."""
        self._event.clear()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


class EventNotifier:
    def __init__(self, database_url: str | None = None, *, poll_seconds: float = 10.0) -> None:
        self.poll_seconds = poll_seconds
        self._waiters: set[Waiter] = set()
        self._conninfo = (
            make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
            if database_url and is_postgres(database_url)
            else None
        )
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()  # set once LISTEN is active (PostgreSQL only)

    @property
    def subscribers(self) -> int:
        return len(self._waiters)

    def waiter(self) -> Waiter:
        waiter = Waiter()
        self._waiters.add(waiter)
        return waiter

    def release(self, waiter: Waiter) -> None:
        self._waiters.discard(waiter)

    def wake(self) -> None:
        for waiter in list(self._waiters):
            waiter.ring()

    async def start(self) -> None:
        if self._conninfo is not None and self._task is None:
            self._task = asyncio.create_task(self._listen(), name="c360-event-listener")

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
                    await connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening.set()
                    delay = 0.5
                    self.wake()  # anything committed while we were not listening
                    async for _notify in connection.notifies():
                        self.wake()
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("event listener lost its connection (%s); retrying in %.1fs", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
