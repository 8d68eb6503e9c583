"""The contact-event log: channel events written in commit order (idempotent), read after a cursor, subscribers woken."""

from c360.hub.events.aliases import merged_aliases, touches
from c360.hub.events.log import count_events, event_exists, read_events, request_hash
from c360.hub.events.notify import EventNotifier
from c360.hub.events.writer import EventWriter
from c360.hub.events.writes import (
    Appended,
    ContactWrite,
    CustomerInactive,
    EventConflict,
    LoggedEvent,
    RequestUpdateWrite,
    ServiceRequestMissing,
)

__all__ = [
    "Appended",
    "ContactWrite",
    "CustomerInactive",
    "EventConflict",
    "EventNotifier",
    "EventWriter",
    "LoggedEvent",
    "RequestUpdateWrite",
    "ServiceRequestMissing",
    "count_events",
    "event_exists",
    "merged_aliases",
    "read_events",
    "request_hash",
    "touches",
]
