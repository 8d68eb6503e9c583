"""What a channel's event writes, whichever database runs it (``c360.hub.events.pg_writes``, ``c360.hub.events.portable_writes``).

A contact lands as a silo's record does, plus its place in the log: the ``event_log`` row (the
feed), a ``source_record`` of source ``channel:<channel>``, kind ``contact`` and source key = the
event id, and the ``contact`` fact hanging off it with ``event_seq``. A complaint or fault report
that names no service request also opens one: its own source record (kind ``service_request``),
the ``service_request`` fact (status ``open``) and the first step of its status history. A
service-request update appends a status step, moves the request and logs the event.

Everything of one event is one transaction. The outcome is :class:`Appended`, or one of the
refusals below; nothing is stored when the writer refuses.

A write that carries a :class:`WriteAudit` also stores its access-audit row (action ``write``, the
event's customer) in that transaction, when the event is new: the row is durable exactly when the
event is, with no second commit to wait for before the answer (``c360.schema.audit_ext``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from c360.errors import EventError
from c360.hub.models import utcnow

__all__ = [
    "CONTACT_RECORDED",
    "SERVICE_REQUEST_UPDATED",
    "CLOSING_STATUSES",
    "HUB_PARTY_SOURCE",
    "IDEMPOTENCY_SCOPE",
    "Appended",
    "ContactWrite",
    "LoggedEvent",
    "CustomerInactive",
    "EventConflict",
    "RequestUpdateWrite",
    "ServiceRequestMissing",
    "WriteAudit",
    "channel_source",
    "new_event_id",
]

CONTACT_RECORDED = "contact.recorded"
SERVICE_REQUEST_UPDATED = "service_request.updated"
CLOSING_STATUSES = frozenset({"resolved", "closed"})
HUB_PARTY_SOURCE = "golden"  # facts written by the hub point at their party by golden id

# The event_log columns whose values make two requests "the same request" for idempotency: the
# columns of the unique constraint that ON CONFLICT names and the replay looks up. A key belongs to
# the credential that recorded it: another caller reusing the same text neither gets the first
# caller's event back nor is blocked by it.
IDEMPOTENCY_SCOPE: tuple[str, ...] = ("recorded_by", "idempotency_key")


class EventConflict(EventError):
    """Raised when the idempotency key was used before with a different request."""

    def __init__(self, key: str) -> None:
        super().__init__("idempotency key was already used with a different request")
        self.key = key


class ServiceRequestMissing(EventError):
    """Raised when no live service request has the id the event names."""


class CustomerInactive(EventError):
    """Raised when the golden id is not an active customer (unknown, merged or split): resolve the reference, then write again."""


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An ``event_log`` row as stored, as the writers answer it (no ORM instance: cheaper to build)."""

    seq: int
    event_id: str
    type: str
    golden_id: str | None
    channel: str | None
    payload: dict[str, Any]
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str | None
    idempotency_key: str | None
    request_hash: str | None


@dataclass(frozen=True, slots=True)
class WriteAudit:
    """The access-audit row a write stores with its event: who wrote, in which operation.

    The row is ``audit_log`` (at = the event's ``recorded_at``, action ``write``, customer = the
    event's customer, no sensitive kinds: an event carries none).
    """

    actor: str
    operation: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Appended:
    event: LoggedEvent  # the row as stored (the first one, when replayed)
    new: bool  # False: an earlier request with the same idempotency key answered


def new_event_id() -> str:
    return str(uuid.uuid4())


def _check_scope(idempotency_key: str | None, recorded_by: str | None) -> None:
    # NULLs never collide in a unique constraint: a key without its caller would not be idempotent at all.
    if idempotency_key is not None and recorded_by is None:
        raise ValueError("an idempotency key needs the caller it belongs to (recorded_by)")


def channel_source(channel: str) -> str:
    """The source name of what a channel writes through the hub."""
    return f"channel:{channel}"


@dataclass(frozen=True)
class ContactWrite:
    golden_id: str
    channel: str
    type: str
    occurred_at: datetime
    direction: str | None
    agent: str | None
    summary: str | None
    outcome: str | None
    phone: str | None
    service_request_id: int | None  # link to this live request
    opens_request: bool  # no link: open a request for this contact
    recorded_by: str | None
    idempotency_key: str | None
    request_hash: str | None  # of the request as the channel sent it (None without a key)
    # False: ``golden_id`` is the caller's own reference, written only if it is an active customer
    # (else CustomerInactive). True: it was resolved from the reference, merges followed.
    customer_resolved: bool = False
    audit: WriteAudit | None = None  # stored with a new event (see the module's docstring)
    event_id: str = field(default_factory=new_event_id)
    recorded_at: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        _check_scope(self.idempotency_key, self.recorded_by)

    @property
    def source(self) -> str:
        return channel_source(self.channel)

    def payload(self) -> dict[str, Any]:
        """The event's payload before the writer adds the ids it draws; also the source records' ``raw``."""
        return {
            "customerId": self.golden_id,
            "channel": self.channel,
            "type": self.type,
            "direction": self.direction,
            "occurredAt": self.occurred_at.isoformat(),
            "agent": self.agent,
            "summary": self.summary,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class RequestUpdateWrite:
    service_request_id: int
    status: str
    channel: str
    at: datetime
    agent: str | None
    note: str | None
    recorded_by: str | None
    idempotency_key: str | None
    request_hash: str | None
    audit: WriteAudit | None = None  # stored with a new event (see the module's docstring)
    event_id: str = field(default_factory=new_event_id)
    recorded_at: datetime = field(default_factory=utcnow)

    def __post_init__(self) -> None:
        _check_scope(self.idempotency_key, self.recorded_by)

    @property
    def closed_at(self) -> datetime | None:
        return self.at if self.status in CLOSING_STATUSES else None

    def payload(self, golden_id: str | None) -> dict[str, Any]:
        return {
            "serviceRequestId": self.service_request_id,
            "customerId": golden_id,
            "status": self.status,
            "channel": self.channel,
            "agent": self.agent,
            "note": self.note,
            "occurredAt": self.at.isoformat(),
        }
