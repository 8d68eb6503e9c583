"""The contact-event log: append (idempotent, in commit order), read after a cursor, wake subscribers."""

from hub.events.log import (
    EventConflict,
    NewEvent,
    append_event,
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
    "event_exists",
    "read_events",
    "request_hash",
]
