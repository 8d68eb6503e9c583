"""The event log's order: a reader resuming after ``seq`` N never misses an event that commits later below N.

PostgreSQL hands out sequence values before commit, so two transactions can commit out of
``seq`` order. The guarantee rests on one advisory lock, :data:`EVENT_LOG_LOCK`, and two rules:

* A writer holds the lock from before it draws a ``seq`` until its transaction ends (an xact
  lock). Contact appends take it in *shared* mode: they do not wait for one another and
  their commits are flushed together. Identity changes (steward decisions, the identity
  hook) take it *exclusively*, as they always have: they also read back the events they
  wrote by ``seq`` and must not see another writer's.
* A reader first passes a barrier (:data:`HORIZON_SQL`, its own transaction): it takes the lock
  exclusively, which waits for every transaction that holds it in either mode, reads the
  sequence's last value H and lets go. At that instant no transaction that drew a ``seq`` is
  still open, so every ``seq`` ≤ H is final: committed (and visible to any later snapshot) or
  rolled back (never visible). Reading ``cursor < seq <= H`` can therefore never be followed by
  a row appearing below the new cursor. Rows above H may already be visible; the next read
  takes them, after its own barrier.

The barrier blocks writers only for the instant it holds the lock, so appends keep running
side by side; a reader waits at most for the writers in flight. It relies on the sequence
handing out values in order across sessions, i.e. its ``CACHE`` of 1 (the default, checked by
``tests/api/test_event_order.py``). SQLite serializes writers, so its rows commit in ``seq``
order and a read needs no horizon.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["EVENT_LOG_LOCK", "EVENT_SEQUENCE", "HORIZON_SQL", "WRITER_LOCK_SQL", "committed_horizon"]

EVENT_LOG_LOCK = 0x0C360E7  # fixed advisory-lock key for the event log's order
EVENT_SEQUENCE = "event_log_seq_seq"  # the sequence behind event_log.seq (a BIGSERIAL's own name)

# Shared mode, for contact appends: written into their statements (c360.hub.events.statements).
WRITER_LOCK_SQL = f"SELECT pg_advisory_xact_lock_shared({EVENT_LOG_LOCK})"

# The barrier. OFFSET 0 keeps the lock in a subquery of its own, which yields its row (the lock
# held) before the outer projection reads the sequence; in autocommit the lock goes at the end of
# the statement. NULL: no seq was ever drawn.
HORIZON_SQL = (
    f"SELECT pg_sequence_last_value('{EVENT_SEQUENCE}'::regclass) "
    f"FROM (SELECT pg_advisory_xact_lock({EVENT_LOG_LOCK}) OFFSET 0) AS barrier"
)


async def committed_horizon(session: AsyncSession) -> int | None:
    """The highest ``seq`` below which the log is final now (PostgreSQL), or None when no bound is needed (SQLite).

    Call it on a session that has not begun a transaction: its connection is switched to
    autocommit, so the barrier is a transaction of its own and every later statement of the
    session takes its snapshot after it.
    """
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return None
    connection = await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    horizon = (await connection.exec_driver_sql(HORIZON_SQL)).scalar()
    return int(horizon or 0)
