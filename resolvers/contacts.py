"""Writing contact events and service-request updates: event log first, facts in the same transaction.

A contact event lands three ways in one transaction: the event-log row (the
feed), a ``source_record`` of source ``channel:<channel>``, kind ``contact``
and source key = the event id, and a ``contact`` fact with ``event_seq``
(the 360 timeline). A complaint that names no service request opens one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.events import NewEvent, append_event
from hub.events.notify import EventNotifier
from hub.models import Contact, EventLogEntry, ServiceRequest, ServiceRequestStatus, SourceRecord, utcnow

__all__ = [
    "ContactRequest",
    "ServiceRequestUpdate",
    "ServiceRequestMissing",
    "record_contact",
    "update_service_request",
    "find_service_request",
    "CONTACT_RECORDED",
    "SERVICE_REQUEST_UPDATED",
    "CLOSING_STATUSES",
]

CONTACT_RECORDED = "contact.recorded"
SERVICE_REQUEST_UPDATED = "service_request.updated"
CLOSING_STATUSES = frozenset({"resolved", "closed"})
OPENS_REQUEST = frozenset({"complaint", "fault_report"})
HUB_PARTY_SOURCE = "golden"  # facts written by the hub point at their party by golden id


class ServiceRequestMissing(LookupError):
    pass


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


async def find_service_request(sessions: async_sessionmaker[AsyncSession], request_id: int) -> ServiceRequest | None:
    async with sessions() as session:
        return await session.get(ServiceRequest, request_id)


def _source_record(session: AsyncSession, source: str, kind: str, key: str, raw: dict[str, Any], digest: str) -> SourceRecord:
    record = SourceRecord(
        source=source, kind=kind, source_key=key, raw=raw, normalized={}, content_hash=digest, source_updated_at=utcnow()
    )
    session.add(record)
    return record


async def record_contact(
    sessions: async_sessionmaker[AsyncSession], notifier: EventNotifier | None, contact: ContactRequest
) -> tuple[EventLogEntry, bool]:
    """Append the contact event and its facts; the same idempotency key and request return the first event."""
    linked: ServiceRequest | None = None
    if contact.service_request_id is not None:
        linked = await find_service_request(sessions, contact.service_request_id)
        if linked is None or linked.deleted:
            raise ServiceRequestMissing(contact.service_request_id)
    payload: dict[str, Any] = {
        "customerId": contact.golden_id,
        "channel": contact.channel,
        "type": contact.type,
        "direction": contact.direction,
        "occurredAt": contact.occurred_at.isoformat(),
        "agent": contact.agent,
        "summary": contact.summary,
        "outcome": contact.outcome,
    }

    async def write_facts(session: AsyncSession, event: EventLogEntry) -> None:
        source = f"channel:{contact.channel}"
        request = linked
        if request is None and contact.type in OPENS_REQUEST:
            request_record = _source_record(session, source, "service_request", event.event_id, payload, event.request_hash or "")
            await session.flush()
            request = ServiceRequest(
                source=source,
                source_key=event.event_id,
                party_source=HUB_PARTY_SOURCE,
                party_key=contact.golden_id,
                golden_id=contact.golden_id,
                source_record_id=request_record.id,
                source_updated_at=event.recorded_at,
                type=contact.type,
                channel=contact.channel,
                status="open",
                summary=contact.summary,
                caller_phone=contact.phone,
                opened_at=contact.occurred_at,
            )
            session.add(request)
            session.add(
                ServiceRequestStatus(
                    source=source,
                    request_key=event.event_id,
                    status="open",
                    changed_at=contact.occurred_at,
                    agent=contact.agent,
                    note=contact.summary,
                    source_record_id=request_record.id,
                )
            )
        record = _source_record(session, source, "contact", event.event_id, payload, event.request_hash or "")
        await session.flush()
        fact = Contact(
            source=source,
            source_key=event.event_id,
            party_source=HUB_PARTY_SOURCE,
            party_key=contact.golden_id,
            golden_id=contact.golden_id,
            source_record_id=record.id,
            source_updated_at=event.recorded_at,
            channel=contact.channel,
            direction=contact.direction,
            type=contact.type,
            occurred_at=contact.occurred_at,
            agent=contact.agent,
            summary=contact.summary,
            outcome=contact.outcome,
            phone=contact.phone,
            service_request_key=request.source_key if request is not None else None,
            event_seq=event.seq,
        )
        session.add(fact)
        await session.flush()
        event.payload = {
            **payload,
            "contactId": fact.id,
            "serviceRequestId": request.id if request is not None else None,
            "serviceRequestStatus": request.status if request is not None else None,
        }

    event, new = await append_event(
        sessions,
        NewEvent(
            type=CONTACT_RECORDED,
            golden_id=contact.golden_id,
            channel=contact.channel,
            occurred_at=contact.occurred_at,
            payload=payload,
            recorded_by=contact.recorded_by,
            idempotency_key=contact.idempotency_key,
            request=contact.request,
        ),
        write_facts,
    )
    if new and notifier is not None:
        notifier.wake()
    return event, new


async def update_service_request(
    sessions: async_sessionmaker[AsyncSession], notifier: EventNotifier | None, update: ServiceRequestUpdate
) -> tuple[EventLogEntry, bool]:
    """Move a service request along: a status-history step, the request's status, and an event."""
    request = await find_service_request(sessions, update.service_request_id)
    if request is None or request.deleted:
        raise ServiceRequestMissing(update.service_request_id)
    payload = {
        "serviceRequestId": request.id,
        "customerId": request.golden_id,
        "status": update.status,
        "channel": update.channel,
        "agent": update.agent,
        "note": update.note,
        "occurredAt": update.at.isoformat(),
    }

    async def write_facts(session: AsyncSession, _event: EventLogEntry) -> None:
        current = (
            await session.execute(select(ServiceRequest).where(ServiceRequest.id == update.service_request_id))
        ).scalar_one()
        current.status = update.status
        current.closed_at = update.at if update.status in CLOSING_STATUSES else None
        session.add(
            ServiceRequestStatus(
                source=current.source,
                request_key=current.source_key,
                status=update.status,
                changed_at=update.at,
                agent=update.agent,
                note=update.note,
            )
        )

    event, new = await append_event(
        sessions,
        NewEvent(
            type=SERVICE_REQUEST_UPDATED,
            golden_id=request.golden_id,
            channel=update.channel,
            occurred_at=update.at,
            payload=payload,
            recorded_by=update.recorded_by,
            idempotency_key=update.idempotency_key,
            request=update.request,
        ),
        write_facts,
    )
    if new and notifier is not None:
        notifier.wake()
    return event, new
