"""One audit writer per process: access-audit rows are group-committed off the request path.

``AuditTrail`` (``c360/schema/audit_ext.py``) hands each operation's rows to :meth:`AuditWriter.submit`
and answers without waiting for a commit. A background task takes everything queued and inserts
it in one transaction per batch, at the latest ``interval`` (100 ms) after the first queued row,
sooner when :meth:`flush` is awaited. The queue is bounded (``max_rows``, counting the batch being
written): when it is full :meth:`submit` waits for space, rows are never dropped. A failed batch is
logged (counts only, no personal data) and retried with a growing pause until it is written. On
shutdown :meth:`stop` writes what is queued before the engine is disposed.

The trade-off (docs/security.md, Audit): an answer is no longer withheld when its audit write
fails, and rows accepted but not yet committed are lost if the process crashes. That loss is
bounded in time, not only in rows: while the oldest uncommitted row is older than ``max_lag``
(0.5 s), :meth:`submit` waits, so the rows a crash can take are those of at most ``max_lag`` of
answers, however far a slow or unreachable database has let the writer fall behind. Mutations
(``c360/schema/audit_ext.py``) await :meth:`flush` before answering: an acknowledged write always has
its audit row.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["DEFAULT_MAX_LAG", "AuditWriter", "WriteRows"]

log = logging.getLogger(__name__)

DEFAULT_MAX_LAG = 0.5  # seconds of answers a crash can cost the audit at most (docs/security.md)

WriteRows = Callable[[list[dict[str, Any]]], Awaitable[None]]


class AuditWriter:
    """A bounded queue of audit rows and the task that group-commits them."""

    def __init__(
        self,
        write: WriteRows,
        *,
        max_rows: int = 10_000,
        interval: float = 0.1,
        max_lag: float = DEFAULT_MAX_LAG,
        retry_initial: float = 0.1,
        retry_max: float = 5.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self._write = write
        self.max_rows = max_rows
        self.interval = interval
        self.max_lag = max_lag
        self.retry_initial = retry_initial
        self.retry_max = retry_max
        self.stop_timeout = stop_timeout
        self._queue: list[dict[str, Any]] = []
        self._in_flight = 0  # rows taken by the batch being written: they still hold queue space
        self._submitted = 0  # rows accepted so far
        self._committed = 0  # rows written so far (rows are written in the order accepted)
        self._accepted: collections.deque[tuple[float, int]] = collections.deque()  # (monotonic time, rows) per submit not yet committed
        self._wake = asyncio.Event()  # flush, stop or a full queue: write now, do not wait for company
        self._stopping = False
        self._changed: asyncio.Condition | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def running(self) -> bool:
        """True on the event loop that started the writer, while its task is alive and not stopping."""
        if self._task is None or self._task.done() or self._stopping:
            return False
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    @property
    def pending(self) -> int:
        """Rows accepted but not yet committed."""
        return self._submitted - self._committed

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Condition()
        self._wake = asyncio.Event()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def submit(self, rows: list[dict[str, Any]]) -> None:
        """Queue ``rows``; waits while the queue is full or behind by more than ``max_lag``.

        Call it only while :attr:`running`.
        """
        if not rows:
            return
        assert self._changed is not None, "AuditWriter.submit before start"
        async with self._changed:
            if self._lagging():
                self._wake.set()  # write what is queued now rather than wait for company
            # A single operation larger than the whole queue still goes in, alone.
            await self._changed.wait_for(
                lambda: self._stopping or self._used() == 0 or (self._used() + len(rows) <= self.max_rows and not self._lagging())
            )
            self._queue.extend(rows)
            self._submitted += len(rows)
            self._accepted.append((time.monotonic(), len(rows)))
            if self._used() >= self.max_rows:
                self._wake.set()
            self._changed.notify_all()

    async def flush(self) -> None:
        """Return once every row accepted before the call is committed (or the writer has stopped)."""
        if self._changed is None or self._task is None:
            return
        target = self._submitted
        async with self._changed:
            if self._committed >= target:
                return
            self._wake.set()
            await self._changed.wait_for(lambda: self._committed >= target or self._task is None or self._task.done())

    async def stop(self) -> None:
        """Write everything queued, then end the task. Gives up (and says how many rows) after ``stop_timeout``."""
        task = self._task
        if task is None or self._changed is None:
            return
        async with self._changed:
            self._stopping = True
            self._wake.set()
            self._changed.notify_all()
        try:
            await asyncio.wait_for(asyncio.shield(task), self.stop_timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            log.error("audit writer stopped after %.0f s with %d audit rows not written", self.stop_timeout, self.pending)
        self._task = None
        async with self._changed:
            self._changed.notify_all()

    def _used(self) -> int:
        return len(self._queue) + self._in_flight

    def _lagging(self) -> bool:
        """The oldest row not yet committed was accepted more than ``max_lag`` ago."""
        return bool(self._accepted) and time.monotonic() - self._accepted[0][0] > self.max_lag

    def _committed_rows(self, count: int) -> None:
        """Forget the acceptance times of the ``count`` oldest rows (batches take whole submits, in order)."""
        while count > 0 and self._accepted:
            _, rows = self._accepted.popleft()
            count -= rows

    async def _next_batch(self) -> list[dict[str, Any]] | None:
        """Wait for rows, then up to ``interval`` more for company (unless flushing, stopping or full)."""
        assert self._changed is not None
        async with self._changed:
            await self._changed.wait_for(lambda: bool(self._queue) or self._stopping)
            if not self._queue:
                return None  # stopping and nothing left
        if not (self._stopping or self._used() >= self.max_rows):
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
        self._wake.clear()
        async with self._changed:
            batch, self._queue = self._queue, []
            self._in_flight = len(batch)
            return batch

    async def _write_batch(self, batch: list[dict[str, Any]]) -> None:
        pause = self.retry_initial
        failures = 0
        while True:
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure is retried, never dropped
                failures += 1
                # Counts and the exception type only: the rows and the driver's message can carry personal data.
                log.error(
                    "audit batch of %d rows failed (attempt %d, %s); retrying in %.2f s",
                    len(batch), failures, type(exc).__name__, pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, self.retry_max)
            else:
                if failures:
                    log.warning("audit batch of %d rows written after %d failed attempts", len(batch), failures)
                return

    async def _run(self) -> None:
        assert self._changed is not None
        while True:
            batch = await self._next_batch()
            if batch is None:
                return
            await self._write_batch(batch)
            async with self._changed:
                self._in_flight = 0
                self._committed += len(batch)
                self._committed_rows(len(batch))
                self._changed.notify_all()
