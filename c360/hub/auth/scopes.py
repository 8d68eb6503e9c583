"""Scopes and the caller: who is asking and what they may do.

A caller is a channel (API key), a self-service end user (signed token,
bound to one golden customer) or, only inside the hub's own tools, the
system. Scopes are plain strings; :data:`ALL_SCOPES` lists every one the
hub knows, so a key cannot be created with a typo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "Caller",
    "ALL_SCOPES",
    "CHANNEL_SCOPES",
    "SELF_SERVICE_SCOPES",
    "CUSTOMER_READ",
    "CUSTOMER_LOOKUP",
    "CUSTOMER_SEARCH",
    "PII_READ",
    "CONTACT_WRITE",
    "EVENTS_READ",
    "EVENTS_SUBSCRIBE",
    "SYNC_ADMIN",
    "STEWARD",
    "AUDIT_READ",
    "SCHEMA_INTROSPECT",
    "ANONYMOUS",
]

CUSTOMER_READ = "customer:read"  # a customer's 360 view by golden id
CUSTOMER_LOOKUP = "customer:lookup"  # find a customer by a full identifier (counted per caller)
CUSTOMER_SEARCH = "customer:search"  # search by name, phone tail, address
PII_READ = "pii:read"  # personal values in clear instead of masked
CONTACT_WRITE = "contact:write"  # record contacts, move service requests
EVENTS_READ = "events:read"  # the contact-event feed as a query
EVENTS_SUBSCRIBE = "events:subscribe"  # the contact-event subscription
SYNC_ADMIN = "sync:admin"  # sync operations
STEWARD = "steward"  # data-steward operations, erasure
AUDIT_READ = "audit:read"  # the access audit log
SCHEMA_INTROSPECT = "schema:introspect"  # introspection in production mode

ALL_SCOPES: frozenset[str] = frozenset(
    {
        CUSTOMER_READ,
        CUSTOMER_LOOKUP,
        CUSTOMER_SEARCH,
        PII_READ,
        CONTACT_WRITE,
        EVENTS_READ,
        EVENTS_SUBSCRIBE,
        SYNC_ADMIN,
        STEWARD,
        AUDIT_READ,
        SCHEMA_INTROSPECT,
    }
)

# What a channel key gets when `c360 keys create` is given no --scope.
CHANNEL_SCOPES: frozenset[str] = frozenset(
    {CUSTOMER_READ, CUSTOMER_LOOKUP, CUSTOMER_SEARCH, CONTACT_WRITE, EVENTS_READ, EVENTS_SUBSCRIBE}
)

# What a web self-service token may ever hold; anything else in the token is dropped.
SELF_SERVICE_SCOPES: frozenset[str] = frozenset({CUSTOMER_READ, PII_READ, EVENTS_READ, EVENTS_SUBSCRIBE})


@dataclass(frozen=True)
class Caller:
    """Who is asking, as authentication found it.

    ``customer_id`` is set for a self-service caller: it may see that golden
    customer and nothing else, whatever it asks for. ``channels`` are the channels
    a channel key may record contacts for (``c360.hub.auth.channels``); None: any.
    """

    name: str = "anonymous"
    kind: str = "anonymous"  # channel | self-service | system | anonymous
    scopes: frozenset[str] = field(default_factory=frozenset)
    customer_id: str | None = None
    key_id: str | None = None
    expires_at: datetime | None = None  # a token's exp: a WebSocket it opened is closed then (c360.hub.auth.open_sockets)
    channels: frozenset[str] | None = None

    def records(self, channel: str) -> bool:
        """Whether this caller may record an event of ``channel`` (a canonical name, e.g. ``call_center``)."""
        return self.channels is None or channel in self.channels

    @property
    def can_unmask(self) -> bool:
        return PII_READ in self.scopes

    @property
    def authenticated(self) -> bool:
        return self.kind != "anonymous"

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


ANONYMOUS = Caller()
