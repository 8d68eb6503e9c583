"""The contact-event log: append (idempotent, in commit order), read after a cursor, wake subscribers."""

from hub.events.aliases import merged_aliases, touches
from hub.events.log import (
    EventConflict,
    NewEvent,
    append_event,
    count_events,
    event_exists,
    read_events,
    request_hash,
)
from hub.events.notify import EventNotifier

__all__ = [
    "EventConflict",
    "EventNotifier",
    "NewEvent",
    "append_event",
    "count_events",
    "event_exists",
    "merged_aliases",
    "read_events",
    "request_hash",
    "touches",
]
