"""Writing and reading the append-only event log.

Ordering. Subscribers resume from "seq > cursor", so a row must never
become visible after a row with a higher ``seq``. SQLite serializes writers
already. On PostgreSQL, sequence values are handed out before commit, so two
concurrent transactions can commit out of order; every append therefore
takes ``pg_advisory_xact_lock(EVENT_LOG_LOCK)`` first, which makes the
append-and-commit of event-log rows strictly sequential. Throughput is one
event transaction at a time, which is ample for contact events (see
docs/api.md).

Idempotency. ``append_event`` inserts with ON CONFLICT DO NOTHING on the
unique ``idempotency_key``; when the key exists, the stored row is read back
and its ``request_hash`` compared: same request -> the first row is returned,
different request -> :class:`EventConflict`. ``extra`` runs in the same
transaction for a new event only, so the facts written alongside an event
exist exactly once.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.models import EventLogEntry, utcnow

__all__ = [
    "EVENT_LOG_LOCK",
    "NOTIFY_CHANNEL",
    "EventConflict",
    "NewEvent",
    "append_event",
    "count_events",
    "event_exists",
    "read_events",
    "request_hash",
]

EVENT_LOG_LOCK = 0x0C360E7  # fixed advisory-lock key for event-log appends
NOTIFY_CHANNEL = "c360_events"


class EventConflict(Exception):
    """The idempotency key was used before with a different request."""

    def __init__(self, key: str) -> None:
        super().__init__("idempotency key was already used with a different request")
        self.key = key


def request_hash(request: dict[str, Any]) -> str:
    """A stable hash of a request's canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewEvent:
    type: str
    golden_id: str | None
    channel: str | None
    occurred_at: datetime
    payload: dict[str, Any]
    recorded_by: str | None = None
    idempotency_key: str | None = None
    request: dict[str, Any] = field(default_factory=dict)  # what the hash covers


Extra = Callable[[AsyncSession, EventLogEntry], Awaitable[None]]


async def append_event(
    sessions: async_sessionmaker[AsyncSession], event: NewEvent, extra: Extra | None = None
) -> tuple[EventLogEntry, bool]:
    """Append ``event`` (or find its earlier twin); returns the row and whether it is new.

    Committed before returning. Raises :class:`EventConflict` for a reused key
    with a different request.
    """
    digest = request_hash(event.request) if event.idempotency_key else None
    async with sessions() as session:
        async with session.begin():
            dialect = session.bind.dialect.name
            if dialect == "postgresql":
                await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENT_LOG_LOCK})
            values = {
                "event_id": str(uuid.uuid4()),
                "type": event.type,
                "golden_id": event.golden_id,
                "channel": event.channel,
                "payload": event.payload,
                "occurred_at": event.occurred_at,
                "recorded_at": utcnow(),
                "recorded_by": event.recorded_by,
                "idempotency_key": event.idempotency_key,
                "request_hash": digest,
            }
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = (
                insert(EventLogEntry)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
                .returning(EventLogEntry.seq)
            )
            seq = (await session.execute(statement)).scalar_one_or_none()
            if seq is None:
                existing = (
                    await session.execute(
                        select(EventLogEntry).where(EventLogEntry.idempotency_key == event.idempotency_key)
                    )
                ).scalar_one()
                if existing.request_hash != digest:
                    raise EventConflict(event.idempotency_key or "")
                return existing, False
            row = (await session.execute(select(EventLogEntry).where(EventLogEntry.seq == seq))).scalar_one()
            if extra is not None:
                await extra(session, row)
            if dialect == "postgresql":
                # Delivered at commit; only a wake-up, the log stays the source of truth.
                await session.execute(text("SELECT pg_notify(:channel, :seq)"), {"channel": NOTIFY_CHANNEL, "seq": str(seq)})
        return row, True


async def event_exists(sessions: async_sessionmaker[AsyncSession], seq: int) -> bool:
    async with sessions() as session:
        return (await session.scalar(select(EventLogEntry.seq).where(EventLogEntry.seq == seq))) is not None


async def count_events(
    sessions: async_sessionmaker[AsyncSession],
    *,
    types: Sequence[str] = (),
    channels: Sequence[str] = (),
    golden_ids: Sequence[str] = (),
) -> int:
    """How many events the filters of :func:`read_events` match in the whole log (the feed's ``totalCount``)."""
    statement = select(func.count()).select_from(EventLogEntry)
    for column, values in ((EventLogEntry.type, types), (EventLogEntry.channel, channels), (EventLogEntry.golden_id, golden_ids)):
        if values:
            statement = statement.where(column.in_(values))
    async with sessions() as session:
        return int(await session.scalar(statement) or 0)


async def read_events(
    sessions: async_sessionmaker[AsyncSession],
    after: int,
    limit: int,
    *,
    types: Sequence[str] = (),
    channels: Sequence[str] = (),
    golden_ids: Sequence[str] = (),
    also: Sequence[str] = (),
) -> list[EventLogEntry]:
    """Events with ``seq > after`` in ``seq`` order, at most ``limit``.

    The filters are and-ed; events of the types in ``also`` pass whatever the filters say (the
    feed reads identity events alongside a customer's contact events, to follow merges live).
    """
    wanted = [
        column.in_(values)
        for column, values in (
            (EventLogEntry.type, types),
            (EventLogEntry.channel, channels),
            (EventLogEntry.golden_id, golden_ids),
        )
        if values
    ]
    statement = select(EventLogEntry).where(EventLogEntry.seq > after)
    if wanted and also:
        statement = statement.where(or_(and_(*wanted), EventLogEntry.type.in_(also)))
    elif wanted:
        statement = statement.where(*wanted)
    statement = statement.order_by(EventLogEntry.seq).limit(limit)
    async with sessions() as session:
        return list((await session.execute(statement)).scalars())
