"""Run history: one ``sync_run`` row per run of a stream, committed when it starts and when it ends.

A run's stored ``status`` is running, succeeded or failed, as every consumer has always read it. Its
*outcome* (:func:`run_outcome`) tells one more thing: a run that succeeded but quarantined records
*succeeded with warnings* (the rest landed; the quarantined ones wait for ``c360 quarantine``). It is
derived from the status and the run's quarantine count, so nothing stored changes and a filter or a
script on ``status = succeeded`` still finds every run that finished.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from c360.hub.models import SyncRun, utcnow

__all__ = [
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "SUCCEEDED_WITH_WARNINGS",
    "OUTCOMES",
    "ABANDONED",
    "RunCounts",
    "start_run",
    "finish_run",
    "abandon_stale_runs",
    "add_counts",
    "latest_runs",
    "one_line",
    "run_outcome",
]

RUNNING, SUCCEEDED, FAILED = "running", "succeeded", "failed"
SUCCEEDED_WITH_WARNINGS = "succeeded_with_warnings"  # an outcome, never a stored status
OUTCOMES = (RUNNING, SUCCEEDED, SUCCEEDED_WITH_WARNINGS, FAILED)
ABANDONED = "abandoned: the process running it stopped before it finished"
_MAX_ERROR = 500


@dataclass
class RunCounts:
    read: int = 0
    written: int = 0
    quarantined: int = 0
    deleted: int = 0


def run_outcome(status: str, records_quarantined: int) -> str:
    """The status, with a success that quarantined records told apart as ``succeeded_with_warnings``."""
    return SUCCEEDED_WITH_WARNINGS if status == SUCCEEDED and records_quarantined > 0 else status


def one_line(exc: BaseException) -> str:
    """A short, single-line description for the run row and the CLI."""
    text = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return message[:_MAX_ERROR]


def _host() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def abandon_stale_runs(session: Session, connector: str, stream: str, now: datetime) -> int:
    """Runs still 'running' while we hold the stream's lock belong to a process that died."""
    result = session.execute(
        update(SyncRun)
        .where(SyncRun.connector == connector, SyncRun.stream == stream, SyncRun.status == RUNNING)
        .values(status=FAILED, finished_at=now, error=ABANDONED)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def start_run(engine: Engine, connector: str, stream: str, *, full: bool) -> tuple[int, datetime]:
    """Mark older runs abandoned and open a new one; committed at once so status shows it."""
    started = utcnow()
    with Session(engine) as session, session.begin():
        abandon_stale_runs(session, connector, stream, started)
        run = SyncRun(connector=connector, stream=stream, full=full, status=RUNNING, started_at=started, host=_host())
        session.add(run)
        session.flush()
        return run.id, started


def add_counts(session: Session, run_id: int, delta: RunCounts) -> None:
    """Stage a page's counts in the page's transaction, so history and data never disagree."""
    session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            records_read=SyncRun.records_read + delta.read,
            records_written=SyncRun.records_written + delta.written,
            records_quarantined=SyncRun.records_quarantined + delta.quarantined,
            records_deleted=SyncRun.records_deleted + delta.deleted,
        )
    )


def finish_run(session: Session, run_id: int, status: str, error: str | None = None) -> None:
    session.execute(
        update(SyncRun).where(SyncRun.id == run_id).values(status=status, finished_at=utcnow(), error=error)
    )


def latest_runs(session: Session) -> list[SyncRun]:
    """The newest run of every stream that ever ran, ordered by connector and stream."""
    newest = (
        select(func.max(SyncRun.id).label("id")).group_by(SyncRun.connector, SyncRun.stream).subquery()
    )
    return list(
        session.scalars(
            select(SyncRun).join(newest, SyncRun.id == newest.c.id).order_by(SyncRun.connector, SyncRun.stream)
        )
    )
