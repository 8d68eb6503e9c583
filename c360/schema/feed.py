"""Contact events out: the ``contactEvents`` feed as a paginated query and as a resumable subscription.

Both read the event log in ``seq`` order. Every event carries its cursor; a
consumer that passes the last cursor it saw as ``after`` resumes with the
next event, without gaps or duplicates. An ``after`` that names no event is
an error (NOT_FOUND), never a silent restart from the beginning.

A filter on customer ids follows merges (``c360.hub.events.aliases``): an id matches
the events of every id of the same customer, before and after merging. A
subscription also reads the identity events of the log (never delivering them)
so that a merge touching its customers while it streams widens its filter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import strawberry
from sqlalchemy.exc import InterfaceError, OperationalError

from c360.hub.events import LoggedEvent, count_events, event_exists, merged_aliases, read_events, touches
from c360.hub.models import EventLogEntry
from c360.resolvers.operations import IDENTITY_EVENT_TYPES
from c360.resolvers.pages import InvalidCursor, decode_cursor, encode_cursor
from c360.schema.context import Info
from c360.schema.enums import Channel, EventType
from c360.schema.errors import BadUserInput, HubError, LimitExceeded, NotFound, Unavailable, api_error
from c360.schema.pagination import Connection, Edge, PageInfo, built_connection

__all__ = [
    "ContactEvent",
    "ContactEventFilter",
    "FeedQuery",
    "FeedSubscription",
    "MAX_SUBSCRIPTIONS_PER_CONNECTION",
    "event_cursor",
]

MAX_SUBSCRIPTIONS_PER_CONNECTION = 8
MAX_FEED_PAGE = 500
REPLAY_BATCH = 200
# A subscription rides out a database restart or failover: its reads of the log are retried, pausing
# 0.2 s doubling to 5 s, for up to two minutes; then it ends with SERVICE_UNAVAILABLE (resume from the
# last cursor).
READ_RETRY_FIRST_S, READ_RETRY_MAX_S, READ_GIVE_UP_S = 0.2, 5.0, 120.0

log = logging.getLogger(__name__)


def event_cursor(seq: int) -> str:
    return encode_cursor(["event", seq])


@strawberry.type(description="One event of the contact-event log.")
class ContactEvent:
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this event.")
    seq: int
    event_id: strawberry.ID
    type: EventType
    customer_id: strawberry.ID | None
    channel: Channel | None
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str | None
    contact_type: str | None
    agent: str | None
    summary: str | None
    outcome: str | None
    contact_id: strawberry.ID | None
    service_request_id: strawberry.ID | None
    service_request_status: str | None
    # The filtered customer id the event was delivered for (its own id, or one it was merged with):
    # a bound self-service caller sees the events of its customer's merged ids (c360.schema.permissions).
    subject_id: strawberry.Private[str | None] = None

    @classmethod
    def of(cls, row: EventLogEntry | LoggedEvent, subject_id: str | None = None) -> ContactEvent:
        payload: dict[str, Any] = row.payload or {}

        def _id(name: str) -> strawberry.ID | None:
            value = payload.get(name)
            return None if value is None else strawberry.ID(str(value))

        contact = row.type == EventType.CONTACT_RECORDED.value
        return cls(
            cursor=event_cursor(row.seq),
            seq=row.seq,
            event_id=strawberry.ID(row.event_id),
            type=EventType(row.type),
            customer_id=strawberry.ID(row.golden_id) if row.golden_id else None,
            channel=Channel(row.channel) if row.channel else None,
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            recorded_by=row.recorded_by,
            contact_type=payload.get("type") if contact else None,
            agent=payload.get("agent"),
            summary=payload.get("summary") if contact else payload.get("note"),
            outcome=payload.get("outcome"),
            contact_id=_id("contactId"),
            service_request_id=_id("serviceRequestId"),
            service_request_status=payload.get("serviceRequestStatus") if contact else payload.get("status"),
            subject_id=subject_id,
        )


@strawberry.input
class ContactEventFilter:
    types: list[EventType] | None = None
    channels: list[Channel] | None = None
    customer_ids: list[strawberry.ID] | None = None


CONTACT_FEED_TYPES = [t.value for t in EventType]


@dataclass
class _Filter:
    """A feed filter as the log is read: customer ids widened to every id of the same customers."""

    types: list[str]
    channels: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)  # customer ids as the consumer named them
    aliases: dict[str, str] = field(default_factory=dict)  # every matching id -> the requested id it stands for

    def reads(self) -> dict[str, list[str]]:
        """Keyword filters of ``read_events``; the feed carries contact events only, never identity events."""
        return {"types": self.types, "channels": self.channels, "golden_ids": sorted(self.aliases)}

    def event(self, row: EventLogEntry) -> ContactEvent:
        return ContactEvent.of(row, self.aliases.get(row.golden_id or "") if self.requested else None)

    async def widen(self, info: Info) -> None:
        if self.requested:
            self.aliases = await merged_aliases(info.context.sessions, self.requested)


async def _filter(info: Info, where: ContactEventFilter | None) -> _Filter:
    if where is None:
        return _Filter(types=CONTACT_FEED_TYPES)
    chosen = _Filter(
        types=[t.value for t in where.types or ()] or CONTACT_FEED_TYPES,
        channels=[c.value for c in where.channels or ()],
        requested=[str(g) for g in where.customer_ids or ()],
    )
    await chosen.widen(info)
    return chosen


async def _start(info: Info, after: str | None) -> int:
    """The seq to read after; 0 for the beginning of the log."""
    if after is None:
        return 0
    try:
        payload = decode_cursor(after, "event")
    except InvalidCursor as exc:
        raise api_error(exc, "not a contact-event cursor", field="after") from None
    if len(payload) != 2 or not isinstance(payload[1], int):
        raise BadUserInput("after", "not a contact-event cursor")
    if not await event_exists(info.context.sessions, payload[1]):
        raise NotFound("no event with this cursor in the log", field="after")
    return payload[1]


@strawberry.type
class FeedQuery:
    @strawberry.field(description="The contact-event log in order, for batch consumers (same cursors as the subscription).")
    async def contact_events(
        self, info: Info, first: int = 100, after: str | None = None, filter: ContactEventFilter | None = None
    ) -> Connection[ContactEvent]:
        if not 0 <= first <= MAX_FEED_PAGE:
            raise BadUserInput("first", f"must be between 0 and {MAX_FEED_PAGE}")
        start = await _start(info, after)
        chosen = await _filter(info, filter)
        rows = await read_events(info.context.sessions, start, first + 1, **chosen.reads())
        edges = [Edge(cursor=event_cursor(row.seq), node=chosen.event(row)) for row in rows[:first]]

        async def total() -> int:
            return await count_events(info.context.sessions, **chosen.reads())

        return built_connection(
            edges,
            PageInfo(
                has_next_page=len(rows) > first,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total,
        )


async def _read_retrying(read: Callable[[], Awaitable[list[Any]]]) -> list[Any]:
    """One read of the log, retried while the database cannot be reached: the subscriber keeps its place."""
    pause, started = READ_RETRY_FIRST_S, time.monotonic()
    while True:
        try:
            return await read()
        except (OperationalError, InterfaceError) as exc:
            if time.monotonic() - started > READ_GIVE_UP_S:
                raise Unavailable("the event log cannot be read right now; subscribe again with the last cursor") from None
            # The driver's message names the server and the statement: the type is enough here.
            log.warning("reading the event log for a subscriber failed (%s); retrying in %.1f s", type(exc.orig).__name__, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, READ_RETRY_MAX_S)


@strawberry.type
class FeedSubscription:
    @strawberry.subscription(description="Replays the log after `after`, then streams new events as they are recorded.")
    async def contact_events(
        self, info: Info, after: str | None = None, filter: ContactEventFilter | None = None
    ) -> AsyncGenerator[ContactEvent, None]:
        context = info.context
        # Check and count in one step, before any await: subscribe frames sent back to back run
        # their generators concurrently, and each must see the others already counted.
        if context.open_subscriptions >= MAX_SUBSCRIPTIONS_PER_CONNECTION:
            raise LimitExceeded(
                f"at most {MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection",
                limit=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            )
        context.open_subscriptions += 1
        notifier = context.notifier
        waiter = None
        try:
            seq = await _start(info, after)
            chosen = await _filter(info, filter)
            also = IDENTITY_EVENT_TYPES if chosen.requested else ()  # to see merges of the filtered customers live
            waiter = notifier.waiter() if notifier is not None else None
            while True:
                if notifier is None or waiter is None:
                    read = partial(read_events, context.sessions, seq, REPLAY_BATCH, **chosen.reads(), also=also)
                else:
                    waiter.clear()  # before reading: a wake-up during the read is kept
                    read = partial(notifier.events_after, context.sessions, seq, REPLAY_BATCH,
                                   generation=notifier.generation, **chosen.reads(), also=also)  # fmt: skip
                rows = await _read_retrying(read)
                for row in rows:
                    seq = row.seq
                    if row.type in also:
                        if touches(row.golden_id, row.payload, chosen.aliases):
                            await chosen.widen(info)
                            break  # read on after this event with the wider filter
                        continue
                    yield chosen.event(row)
                if rows:
                    continue  # read again until nothing is left, then wait
                if waiter is None:
                    return  # no notifier (schema-level use): replay only
                if not await waiter.wait(notifier.poll_seconds if notifier is not None else 0) and notifier is not None:
                    notifier.stale()  # polled without a wake-up: re-read the log, a notification may be lost
        except (HubError, asyncio.CancelledError, GeneratorExit):
            raise
        except Exception:
            # Errors of a subscription's events do not pass the schema's error masking (ErrorCodes sees
            # whole operations): an unexpected one is logged here and goes out as the masked message.
            log.exception("unexpected error in a contact-event subscription")
            raise HubError("Unexpected error.") from None
        finally:
            context.open_subscriptions -= 1
            if notifier is not None and waiter is not None:
                notifier.release(waiter)
