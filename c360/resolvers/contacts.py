"""Contact events from channels: what a request asks for, handed to the process's event writer.

The writer (``c360.hub.events.writer``) lands each event in one transaction, committed before these
return: the event-log row, the contact's source record and fact (and a new service request for a
complaint or fault report that names none), or a service request's new status. Subscribers of
this process are woken here; those of other processes by the statement's ``pg_notify``. A request
that carries its access-audit row (``audit``) has it stored in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from c360.hub.events import ContactWrite, EventNotifier, EventWriter, RequestUpdateWrite, request_hash
from c360.hub.events.writes import (
    CLOSING_STATUSES,
    CONTACT_RECORDED,
    SERVICE_REQUEST_UPDATED,
    Appended,
    LoggedEvent,
    WriteAudit,
)

__all__ = [
    "ContactRequest",
    "ServiceRequestUpdate",
    "record_contact",
    "update_service_request",
    "CONTACT_RECORDED",
    "SERVICE_REQUEST_UPDATED",
    "CLOSING_STATUSES",
    "OPENS_REQUEST",
]

OPENS_REQUEST = frozenset({"complaint", "fault_report"})  # contact types that open a service request when none is named


@dataclass(frozen=True)
class ContactRequest:
    golden_id: str
    channel: str
    type: str
    occurred_at: datetime
    direction: str | None
    agent: str | None
    summary: str | None
    outcome: str | None
    phone: str | None
    service_request_id: int | None
    idempotency_key: str | None
    recorded_by: str | None
    request: dict[str, Any]  # the input as the channel sent it: what the idempotency hash covers
    # False: golden_id is the channel's own reference, written only if it names an active customer
    # (else c360.hub.events.CustomerInactive); True: it was resolved from the reference, merges followed.
    customer_resolved: bool = False
    audit: WriteAudit | None = None  # the write's access-audit row, stored with a new event


@dataclass(frozen=True)
class ServiceRequestUpdate:
    service_request_id: int
    status: str
    channel: str
    at: datetime
    agent: str | None
    note: str | None
    idempotency_key: str | None
    recorded_by: str | None
    request: dict[str, Any]
    audit: WriteAudit | None = None  # the write's access-audit row, stored with a new event


def _answered(appended: Appended, notifier: EventNotifier | None) -> tuple[LoggedEvent, bool]:
    if appended.new and notifier is not None:
        notifier.wake()
    return appended.event, appended.new


async def record_contact(
    writer: EventWriter, notifier: EventNotifier | None, contact: ContactRequest
) -> tuple[LoggedEvent, bool]:
    """Append the contact event and its facts; the same idempotency key and request return the first event."""
    key = contact.idempotency_key
    appended = await writer.record_contact(
        ContactWrite(
            golden_id=contact.golden_id,
            channel=contact.channel,
            type=contact.type,
            occurred_at=contact.occurred_at,
            direction=contact.direction,
            agent=contact.agent,
            summary=contact.summary,
            outcome=contact.outcome,
            phone=contact.phone,
            service_request_id=contact.service_request_id,
            opens_request=contact.service_request_id is None and contact.type in OPENS_REQUEST,
            recorded_by=contact.recorded_by,
            idempotency_key=key,
            request_hash=request_hash(contact.request) if key else None,
            customer_resolved=contact.customer_resolved,
            audit=contact.audit,
        )
    )
    return _answered(appended, notifier)


async def update_service_request(
    writer: EventWriter, notifier: EventNotifier | None, update: ServiceRequestUpdate
) -> tuple[LoggedEvent, bool]:
    """Move a service request along: a status-history step, the request's status, and an event."""
    key = update.idempotency_key
    appended = await writer.update_service_request(
        RequestUpdateWrite(
            service_request_id=update.service_request_id,
            status=update.status,
            channel=update.channel,
            at=update.at,
            agent=update.agent,
            note=update.note,
            recorded_by=update.recorded_by,
            idempotency_key=key,
            request_hash=request_hash(update.request) if key else None,
            audit=update.audit,
        )
    )
    return _answered(appended, notifier)
