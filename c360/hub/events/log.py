"""Reading the append-only event log, and what its writers share.

Ordering. Subscribers resume from "seq > cursor", so a row must never become visible after a
row with a higher ``seq``. On PostgreSQL writers hold :data:`EVENT_LOG_LOCK` from before they
draw a ``seq`` until they end, and :func:`read_events` reads only up to the horizon its barrier
finds (``c360.hub.events.order``): rows below it are final. SQLite serializes writers, so its rows
commit in ``seq`` order. Channel events are written by ``c360.hub.events.writer``, identity events by
``c360.hub.identity.golden.record_event``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from c360.hub.events.order import EVENT_LOG_LOCK, committed_horizon
from c360.hub.models import EventLogEntry

__all__ = [
    "EVENT_LOG_LOCK",
    "NOTIFY_CHANNEL",
    "count_events",
    "event_exists",
    "read_events",
    "request_hash",
]

NOTIFY_CHANNEL = "c360_events"


def request_hash(request: dict[str, Any]) -> str:
    """A stable hash of a request's canonical JSON (sorted keys, no whitespace)."""
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    """Events with ``seq > after`` in ``seq`` order, at most ``limit``; on PostgreSQL only up to the
    committed horizon, so no event can later appear below the last one returned.

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
        horizon = await committed_horizon(session)
        if horizon is not None:
            statement = statement.where(EventLogEntry.seq <= horizon)
        return list((await session.execute(statement)).scalars())
