"""Run one stream: read pages from its cursor, quarantine bad records, land each page atomically.

Per page, ONE transaction holds the records, their facts and identifiers,
the quarantine rows, the run's counts and the cursor that covers them; a
crash between pages loses nothing and duplicates nothing, because the next
run starts from the last committed cursor and upserts are idempotent.

Transient connector failures (``RetriableError``, timeouts, dropped
connections) re-read from the last committed cursor with backoff; anything
else, a malformed page included, fails the run at the last good page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from c360.errors import SyncError
from c360.hub.ingest import LandedRecordsHandler, NoResolution, ingest_page, mark_unseen_deleted
from c360.hub.ingest.statistics import StatisticsRefresher
from c360.hub.models import utcnow
from c360.hub.models.epoch import hold_identity_lock
from c360.records import CanonicalRecord, InvalidRecord
from c360.sync._contract import ConnectorError, Page, RetriableError, Stream
from c360.sync.history import (
    FAILED,
    SUCCEEDED,
    RunCounts,
    add_counts,
    finish_run,
    one_line,
    run_outcome,
    start_run,
)
from c360.sync.lock import stream_lock
from c360.sync.quarantine import map_raw, quarantine
from c360.sync.retry import RetryPolicy
from c360.sync.state import load_cursor, mark_full_sync, save_cursor, stream_name

__all__ = ["AlreadyRunning", "RunOutcome", "run_stream", "TRANSIENT"]

log = logging.getLogger(__name__)

# Failures worth re-reading after: the silo may answer properly next time.
TRANSIENT: tuple[type[BaseException], ...] = (RetriableError, TimeoutError, ConnectionError)


class AlreadyRunning(SyncError):
    """Raised when another thread or hub process is running this stream right now."""

    def __init__(self, connector: str, stream: str) -> None:
        super().__init__(f"{connector}.{stream} is already running")
        self.connector, self.stream = connector, stream


@dataclass
class RunOutcome:
    run_id: int
    connector: str
    stream: str
    status: str
    counts: RunCounts = field(default_factory=RunCounts)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """It finished: every record landed or was quarantined (see :attr:`outcome` for which)."""
        return self.status == SUCCEEDED

    @property
    def outcome(self) -> str:
        """running, succeeded, succeeded_with_warnings (records were quarantined) or failed."""
        return run_outcome(self.status, self.counts.quarantined)


@dataclass
class _Run:
    engine: Engine
    connector: str
    stream: Stream[Any, Any]
    full: bool
    handler: LandedRecordsHandler
    run_id: int
    started: datetime
    counts: RunCounts = field(default_factory=RunCounts)
    seen: set[tuple[str, str]] = field(default_factory=set)
    spared: set[str] = field(default_factory=set)
    statistics: StatisticsRefresher | None = None

    @property
    def name(self) -> str:
        """The stream as its records name it (``source_record.streams``)."""
        return stream_name(self.connector, self.stream.name)

    def land(self, page: Page) -> RunCounts:
        """Map and ingest one page, save its cursor and counts: all in one transaction."""
        delta = RunCounts(read=len(page.records))
        now = utcnow()
        with Session(self.engine) as session, session.begin():
            hold_identity_lock(session)  # before any write: one identity writer at a time, no lock cycles
            records: list[CanonicalRecord] = []
            for raw in page.records:
                try:
                    records.extend(map_raw(self.stream, raw))
                except InvalidRecord as error:
                    key = quarantine(session, self.connector, self.stream, raw, error, self.run_id)
                    delta.quarantined += 1
                    if key is not None:
                        self.spared.add(key)
            result = ingest_page(session, records, seen_at=now, stream=self.name)
            self.handler.records_landed(session, result.changed_ids, result.parties)
            if page.cursor is not None:
                save_cursor(session, self.connector, self.stream.name, page.cursor)
            delta.written, delta.deleted = result.written, result.deleted
            add_counts(session, self.run_id, delta)
        self.seen.update((record.source, record.kind) for record in records)
        if self.statistics is not None:
            self.statistics.wrote(delta.written, {record.kind for record in records})
        return delta

    def delete_unseen(self) -> None:
        """After a complete full read: what this stream delivered and its snapshot no longer holds was deleted."""
        with Session(self.engine) as session, session.begin():
            hold_identity_lock(session)
            flagged = mark_unseen_deleted(
                session, self.seen, stream=self.name, seen_since=self.started, now=utcnow(), spare_keys=self.spared
            )
            self.handler.records_landed(session, flagged)
            mark_full_sync(session, self.connector, self.stream.name, self.started)
            add_counts(session, self.run_id, RunCounts(deleted=len(flagged)))
        self.counts.deleted += len(flagged)


def _pages(run: _Run, policy: RetryPolicy, on_page: Callable[[RunCounts], None] | None) -> None:
    failures = 0
    restart_full = run.full
    while True:
        with Session(run.engine) as session:
            cursor = None if restart_full else load_cursor(session, run.connector, run.stream.name)
        pages: Iterator[Page] = iter(run.stream.read(cursor, full=restart_full))
        try:
            for page in pages:
                delta = run.land(page)
                failures = 0
                for name in ("read", "written", "quarantined", "deleted"):
                    setattr(run.counts, name, getattr(run.counts, name) + getattr(delta, name))
                if on_page is not None:
                    on_page(run.counts)
            return
        except TRANSIENT as exc:
            failures += 1
            if failures >= policy.attempts:
                raise
            # A full read starts over (idempotent); an incremental one resumes at the committed cursor.
            log.warning("%s.%s: %s; re-reading (attempt %d)", run.connector, run.stream.name,
                        type(exc).__name__, failures + 1)
            policy.sleep(policy.delay(failures))
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()


def run_stream(
    engine: Engine,
    connector: str,
    stream: Stream[Any, Any],
    *,
    full: bool = False,
    handler: LandedRecordsHandler | None = None,
    retry: RetryPolicy | None = None,
    on_page: Callable[[RunCounts], None] | None = None,
) -> RunOutcome:
    """Run ``stream`` once. Raises AlreadyRunning if another run of it holds the lock.

    Connector failures end as a failed run (returned, not raised); anything
    unexpected is recorded on the run row and re-raised.
    """
    lock = stream_lock(engine, connector, stream.name)
    if not lock.acquire():
        raise AlreadyRunning(connector, stream.name)
    with lock:
        run_id, started = start_run(engine, connector, stream.name, full=full)
        run = _Run(engine, connector, stream, full, handler or NoResolution(), run_id, started,
                   statistics=StatisticsRefresher(engine))
        outcome = RunOutcome(run_id, connector, stream.name, SUCCEEDED, run.counts)
        try:
            _pages(run, retry or RetryPolicy(), on_page)
            if full and stream.snapshot_deletes:
                run.delete_unseen()
        except ConnectorError as exc:
            outcome.status, outcome.error = FAILED, one_line(exc)
        except TRANSIENT as exc:
            outcome.status, outcome.error = FAILED, one_line(exc)
        except Exception as exc:
            # Outer guard: record why the run ended (one line, no payloads), then let the caller see it.
            _finish(engine, run_id, FAILED, one_line(exc))
            raise
        _finish(engine, run_id, outcome.status, outcome.error)
        return outcome


def _finish(engine: Engine, run_id: int, status: str, error: str | None) -> None:
    with Session(engine) as session, session.begin():
        finish_run(session, run_id, status, error)


