"""Deletion by stream: each source record names the sync streams that deliver it.

A full read used to flag every record of the (source, kind) pairs it produced
that it had not seen, so a full read of one stream flagged the records of the
silo's other streams writing the same kinds (key-account ``contacts`` flagged
every enterprise and account-manager relation). ``source_record.streams`` lets
a full read judge only its own stream's records.

Existing records: the run history tells which stream delivered each one — a
record's ``last_seen`` is the instant of the page that last landed it, inside
the ``sync_run`` of that stream (every run whose span holds it is taken, so
concurrent runs err on keeping records). Records no run landed (``c360
import``, the API, quarantine retries) get no stream.

Repair: a record flagged deleted by a full read (``deleted_at`` after its
``last_seen``, inside a full run) of a stream that does not deliver it was
judged by the wrong stream, unless a full run of its own stream started since
it was last seen (that read would have brought it back). Whether it is still in
the silo can only be asked of the silo, so the migration does not revive it:
it clears the cursor of the stream that delivers it, so that stream's next run
(incremental or full) reads everything again and revives, with identity
resolution, whatever is still there. A full sync of the source does the same.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import c360.hub.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_TIME = c360.hub.models.base.UTCDateTime(timezone=True)
_PAGE = 20_000
_TICK = timedelta(microseconds=1)

_records = sa.table(
    "source_record",
    sa.column("id", sa.BigInteger()),
    sa.column("last_seen", _TIME),
    sa.column("deleted", sa.Boolean()),
    sa.column("deleted_at", _TIME),
    sa.column("streams", _JSON),
)
_runs = sa.table(
    "sync_run",
    sa.column("connector", sa.String()),
    sa.column("stream", sa.String()),
    sa.column("full", sa.Boolean()),
    sa.column("status", sa.String()),
    sa.column("started_at", _TIME),
    sa.column("finished_at", _TIME),
)
_state = sa.table("sync_state", sa.column("connector", sa.String()), sa.column("stream", sa.String()),
                  sa.column("cursor", _JSON))


class _Run(NamedTuple):  # not a dataclass: Alembic loads this module outside sys.modules
    connector: str
    stream: str
    full: bool
    succeeded: bool
    start: datetime
    end: datetime  # inclusive

    @property
    def name(self) -> str:
        return f"{self.connector}.{self.stream}"  # as c360.sync.state.stream_name spells it


class _Timeline:
    """Which streams had a run going at an instant: elementary spans between run starts and ends."""

    def __init__(self, runs: Iterable[_Run]) -> None:
        changes: dict[datetime, Counter[str]] = {}
        for run in runs:
            changes.setdefault(run.start, Counter())[run.name] += 1
            changes.setdefault(run.end + _TICK, Counter())[run.name] -= 1
        self.bounds: list[datetime] = sorted(changes)
        self.active: list[tuple[str, ...]] = []
        going: Counter[str] = Counter()
        for bound in self.bounds:
            going.update(changes[bound])
            self.active.append(tuple(sorted(name for name, count in going.items() if count > 0)))

    def at(self, instant: datetime) -> tuple[str, ...]:
        index = bisect_right(self.bounds, instant) - 1
        return self.active[index] if index >= 0 else ()


def _load_runs(connection: sa.Connection, now: datetime) -> list[_Run]:
    rows = connection.execute(
        sa.select(_runs.c.connector, _runs.c.stream, _runs.c.full, _runs.c.status, _runs.c.started_at,
                  _runs.c.finished_at).order_by(_runs.c.started_at)
    ).all()
    next_start: dict[tuple[str, str], datetime] = {}
    runs: list[_Run] = []
    for connector, stream, full, status, started, finished in reversed(rows):
        # A run that never finished (its process died) lasted at most until the stream's next run.
        end = finished or next_start.get((connector, stream), now)
        runs.append(_Run(connector, stream, bool(full), status == "succeeded", started, end))
        next_start[(connector, stream)] = started
    runs.reverse()
    return runs


def _confirmed(full_runs: dict[str, list[datetime]], streams: Sequence[str], last_seen: datetime) -> bool:
    """A full run of a stream delivering the record started after it was last seen: its flag stands."""
    for name in streams:
        starts = full_runs.get(name, [])
        if starts and starts[-1] > last_seen:
            return True
    return False


def _backfill(connection: sa.Connection) -> set[tuple[str, str]]:
    """Write each record's streams from the run history; return the streams whose records a sibling flagged."""
    now = datetime.now(UTC)
    runs = _load_runs(connection, now)
    landed = _Timeline(runs)
    swept = _Timeline(run for run in runs if run.full)
    full_runs: dict[str, list[datetime]] = {}
    for run in runs:
        if run.full and run.succeeded:
            full_runs.setdefault(run.name, []).append(run.start)
    to_reread: set[str] = set()
    by_name = {run.name: (run.connector, run.stream) for run in runs}
    misjudged = 0
    after = -1
    while True:
        page = connection.execute(
            sa.select(_records.c.id, _records.c.last_seen, _records.c.deleted, _records.c.deleted_at)
            .where(_records.c.id > after).order_by(_records.c.id).limit(_PAGE)
        ).all()
        if not page:
            break
        spans: list[tuple[int, int, tuple[str, ...]]] = []  # consecutive ids with the same streams
        for id_, last_seen, deleted, deleted_at in page:
            streams = landed.at(last_seen)
            if deleted and deleted_at is not None and deleted_at > last_seen and streams:
                sweepers = swept.at(deleted_at)
                if sweepers and not set(sweepers) & set(streams) and not _confirmed(full_runs, streams, last_seen):
                    to_reread.update(streams)
                    misjudged += 1
            if spans and spans[-1][2] == streams:
                spans[-1] = (spans[-1][0], id_, streams)
            else:
                spans.append((id_, id_, streams))
        for first, last, streams in spans:
            if streams:
                connection.execute(
                    sa.update(_records).where(_records.c.id >= first, _records.c.id <= last).values(streams=list(streams))
                )
        after = page[-1][0]
    if misjudged:
        log.info("%d records were flagged deleted by a full read of another stream; their streams re-read "
                 "everything on their next run: %s", misjudged, ", ".join(sorted(to_reread)))
    return {by_name[name] for name in to_reread}


def upgrade() -> None:
    op.add_column("source_record", sa.Column("streams", _JSON, server_default=sa.text("'[]'"), nullable=False))
    connection = op.get_bind()
    for connector, stream in sorted(_backfill(connection)):
        connection.execute(
            sa.update(_state).where(_state.c.connector == connector, _state.c.stream == stream).values(cursor={})
        )


def downgrade() -> None:
    # Not a batch (table copy) on SQLite: dropping the old table would cascade to every fact, identifier and xref.
    op.drop_column("source_record", "streams")
