"""Waking subscribers when the event log grows.

A wake-up carries no data: a subscriber that wakes reads the log after its
own cursor, so a lost or duplicated wake-up can cost a little latency but
never an event. ``wake()`` only sets an ``asyncio.Event`` per subscriber, so a
subscriber that stops reading never slows the writer or the others.

On PostgreSQL a listener task runs ``LISTEN c360_events`` on a connection of
its own; every append does ``pg_notify`` in its transaction, so events
recorded by any hub process wake the subscribers of every process. Waiters
also poll (``poll_seconds``) so a dropped listener connection only delays.

Listening only while someone listens. The listener starts with the process's first subscriber
and stops ``idle_seconds`` after its last one left. A process that serves no subscriber (a
channel-facing API worker) is then not sent a notification per event: delivering each one to
every listening backend and waking every worker for it cost about 8 % of ``recordContact``'s
throughput at c=8 (docs/benchmarks.md). Nothing is lost by it: when the listener stops, the shared
tail is marked stale, so the next subscriber's first read goes to the log; and when LISTEN is in
place again, ``on_listening`` wakes every subscriber, which reads the log after its cursor (what
was committed while nobody here listened included).

Shared tail. Woken subscribers do not each query the log: :meth:`EventNotifier.events_after`
serves them from one in-memory tail of the newest rows (at most ``TAIL_ROWS``), refreshed by
one query per wake-up (``generation`` counts wake-ups; a refresh covers every wake-up rung
before it started). Rows are appended to the tail only by reading ``seq > last`` from the log,
whose appends commit in seq order, so the tail has no gaps. A subscriber whose cursor lies
before the tail (a replay, or one that stopped reading for long) reads the log directly, as
before. With 100 subscribers an event costs one read, not 100.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from c360.hub.db.listen import ChannelListener, ListensOnChannel, cancel_task
from c360.hub.events.log import NOTIFY_CHANNEL, read_events

__all__ = ["EventNotifier", "Waiter", "TAIL_ROWS", "IDLE_SECONDS"]

TAIL_ROWS = 2000  # newest events kept in memory for woken subscribers
IDLE_SECONDS = 30.0  # the listener outlives the process's last subscriber by this long
REFRESH_BATCH = 500


class Waiter:
    """One subscriber's doorbell."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()

    def clear(self) -> None:
        """Call before reading the log, so a wake-up during the read is not lost."""
        self._event.clear()

    async def wait(self, timeout: float) -> bool:
        """True when rung, False when ``timeout`` passed first."""
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class EventNotifier(ListensOnChannel):
    def __init__(self, database_url: str | None = None, *, poll_seconds: float = 10.0, idle_seconds: float = IDLE_SECONDS) -> None:
        self.poll_seconds = poll_seconds
        self.idle_seconds = idle_seconds
        self._waiters: set[Waiter] = set()
        self._started = False  # between ``start`` and ``stop``: the listener may run
        self._idle: asyncio.TimerHandle | None = None  # stops the listener when no subscriber came back
        self._stopping: asyncio.Task[None] | None = None  # the listener task being cancelled (kept referenced)
        # anything committed while nobody listened: every subscriber reads the log again
        self._listener = ChannelListener(database_url, NOTIFY_CHANNEL, what="event",
                                         on_notify=lambda _payload: self.wake(), on_listening=self.wake)  # fmt: skip
        self.generation = 0  # wake-ups so far
        self._covered = -1  # the tail holds every event committed before wake-up number ``_covered``
        self._tail: list[Any] = []  # EventLogEntry rows, seq order, every event in (_tail_from, last seq]
        self._tail_from: int | None = None
        self._refresh = asyncio.Lock()

    @property
    def subscribers(self) -> int:
        return len(self._waiters)

    async def start(self) -> None:
        """Ready to listen: the listener itself starts with the first subscriber."""
        self._started = True
        if self._waiters:
            self._listener.start()

    async def stop(self) -> None:
        self._started = False
        self._cancel_idle()
        await self._listener.stop()
        stopping, self._stopping = self._stopping, None
        await cancel_task(stopping)  # its connection is closed before the process's engines go

    def waiter(self) -> Waiter:
        waiter = Waiter()
        self._waiters.add(waiter)
        self._cancel_idle()
        if self._started:
            self._listener.start()  # nothing when it runs already
        return waiter

    def release(self, waiter: Waiter) -> None:
        self._waiters.discard(waiter)
        if not self._waiters and self._started and self._idle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # a subscription closed outside the loop (collected at exit): the listener may stay
                return
            self._idle = loop.call_later(self.idle_seconds, self._quiet)

    def _cancel_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None

    def _quiet(self) -> None:
        """No subscriber for ``idle_seconds``: stop listening (synchronously, so a subscriber arriving next starts it anew)."""
        self._idle = None
        if self._waiters or not self._started:
            return
        self.stale()  # what is committed from now on wakes nobody here: the next read goes to the log
        self._stopping = self._listener.detach()

    def wake(self) -> None:
        self.generation += 1
        for waiter in list(self._waiters):
            waiter.ring()

    def forget(self) -> None:
        """Drop the shared tail: an erasure blanked rows it holds, which must not reach a subscriber as they were.

        The next read refills it from the log (as erased), like a process that has just started."""
        self._tail = []
        self._tail_from = None
        self._covered = -1

    def stale(self) -> None:
        """Make the next :meth:`events_after` re-read the log (after a poll timeout: a wake-up may have been lost)."""
        self.generation += 1

    async def events_after(
        self,
        sessions: Any,
        after: int,
        limit: int,
        *,
        generation: int,
        types: Sequence[str] = (),
        channels: Sequence[str] = (),
        golden_ids: Sequence[str] = (),
        also: Sequence[str] = (),
    ) -> list[Any]:
        """Events with ``seq > after`` in seq order (at most ``limit``), as :func:`read_events` would answer
        for a read begun when ``generation`` was current; served from the shared tail when it reaches back."""
        filters = {"types": types, "channels": channels, "golden_ids": golden_ids, "also": also}
        if self._tail_from is not None and after < self._tail_from:
            return await read_events(sessions, after, limit, **filters)
        async with self._refresh:
            if self._covered < generation or self._tail_from is None:
                await self._refill(sessions, after)
            if self._tail_from is None or after < self._tail_from:
                return await read_events(sessions, after, limit, **filters)
            rows = []
            for row in self._tail:  # short: at most TAIL_ROWS
                if row.seq <= after:
                    continue
                if row.type not in also and (
                    (types and row.type not in types)
                    or (channels and row.channel not in channels)
                    or (golden_ids and row.golden_id not in golden_ids)
                ):
                    continue
                rows.append(row)
                if len(rows) == limit:
                    break
            return rows

    async def _refill(self, sessions: Any, after: int) -> None:
        started = self.generation
        if self._tail_from is None:
            self._tail_from = after
        last = self._tail[-1].seq if self._tail else self._tail_from
        fresh = await read_events(sessions, last, REFRESH_BATCH)
        self._tail.extend(fresh)
        if len(self._tail) > TAIL_ROWS:
            drop = len(self._tail) - TAIL_ROWS
            self._tail_from = self._tail[drop - 1].seq
            del self._tail[:drop]
        if len(fresh) < REFRESH_BATCH:  # caught up with the log as of ``started``
            self._covered = started
