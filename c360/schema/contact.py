"""Contact events in: ``recordContact`` from any channel and ``updateServiceRequest``.

A key bound to channels (``c360.hub.auth.channels``) records only those: another channel is FORBIDDEN,
checked before anything is read or written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import strawberry

from c360.hub.auth.channels import api_name
from c360.hub.events import CustomerInactive, EventConflict, EventWriter, ServiceRequestMissing
from c360.hub.models import utcnow
from c360.resolvers.contacts import (
    ContactRequest,
    ServiceRequestUpdate,
    record_contact,
    update_service_request,
)
from c360.schema.audit_ext import audited_with_write, write_audit
from c360.schema.context import HubContext, Info
from c360.schema.enums import Channel, ContactType, Direction, RequestStatus
from c360.schema.errors import BadUserInput, Forbidden, api_error
from c360.schema.feed import ContactEvent
from c360.schema.lookup import CustomerRef, resolve_customer

__all__ = [
    "RecordContactInput",
    "UpdateServiceRequestInput",
    "ContactMutation",
    "MAX_SUMMARY",
    "CLOCK_SKEW",
]

MAX_SUMMARY = 2000
MAX_SHORT = 64
MAX_KEY = 128
CLOCK_SKEW = timedelta(minutes=5)  # a channel's clock may run this far ahead of the hub's


@strawberry.input
class RecordContactInput:
    customer: CustomerRef
    channel: Channel
    type: ContactType
    occurred_at: datetime
    direction: Direction = Direction.INBOUND
    agent: str | None = None
    summary: str | None = None
    outcome: str | None = None
    phone: str | None = strawberry.field(default=None, description="The number the customer called from, if any.")
    service_request_id: strawberry.ID | None = strawberry.field(
        default=None, description="Link to an open service request; a complaint without one opens a new request."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="The same key with the same input returns the first result and records once. A key is the "
        "caller's own: another API key using the same text has a key of its own.",
    )


@strawberry.input
class UpdateServiceRequestInput:
    service_request_id: strawberry.ID
    status: RequestStatus
    channel: Channel
    at: datetime | None = strawberry.field(default=None, description="When it happened; now if not given.")
    agent: str | None = None
    note: str | None = None
    idempotency_key: str | None = None


@strawberry.type(description="The event a mutation recorded (or the first one recorded under its idempotency key).")
class EventPayload:
    event: ContactEvent
    replayed: bool = strawberry.field(
        description="True when an earlier request of this caller with the same idempotency key answered."
    )


def _text(field: str, value: str | None, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise BadUserInput(field, f"is longer than {limit} characters")
    return value


def _moment(field: str, value: datetime) -> datetime:
    if value.tzinfo is None:
        raise BadUserInput(field, "needs a timezone offset, e.g. 2024-05-01T09:30:00+08:00")
    if value > utcnow() + CLOCK_SKEW:
        raise BadUserInput(field, "is in the future")
    return value.astimezone(UTC)


def _own_channel(context: HubContext, channel: Channel) -> str:
    """The channel's stored name, if the caller may record it; else FORBIDDEN naming the channels it may."""
    caller = context.caller
    if not caller.records(channel.value):
        allowed = [api_name(name) for name in sorted(caller.channels or ())]
        raise Forbidden(
            f"this key records only channel {', '.join(allowed)}, not {channel.name}",
            field="input.channel",
            channels=allowed,
        )
    return channel.value


def _service_request_id(field: str, value: strawberry.ID | None) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        raise BadUserInput(field, "is not a service request id") from None


@contextlib.contextmanager
def _event_errors() -> Iterator[None]:
    """The expected failures of appending a channel's event, as the API reports them."""
    try:
        yield
    except ServiceRequestMissing as exc:
        raise api_error(exc, "no service request with that id", field="input.serviceRequestId") from None
    except EventConflict as exc:
        raise api_error(exc, "idempotency key was already used with a different input", field="input.idempotencyKey") from None
    except CustomerInactive as exc:  # resolved a moment ago, gone since
        raise api_error(exc, "no customer with that reference", field="input.customer") from None


def _writer(context: HubContext) -> EventWriter:
    """The process's writer; a context built without one (the schema run directly) writes through its sessions."""
    return context.writer if context.writer is not None else EventWriter(context.sessions)


def _golden_id_alone(ref: CustomerRef) -> str | None:
    """The golden id when the reference is that alone: the write checks it names an active customer itself."""
    given = {name: value for name, value in vars(ref).items() if value not in (None, "")}
    return str(given["id"]) if set(given) == {"id"} else None


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, CustomerRef):
        return {k: v for k, v in vars(value).items() if v is not None}
    return value


@strawberry.type
class ContactMutation:
    @strawberry.mutation(description="Record a contact from any channel; committed to the event log before answering.")
    async def record_contact(self, info: Info, input: RecordContactInput) -> EventPayload:
        channel = _own_channel(info.context, input.channel)
        occurred_at = _moment("input.occurredAt", input.occurred_at)
        summary = _text("input.summary", input.summary, MAX_SUMMARY)
        agent = _text("input.agent", input.agent, MAX_SHORT)
        outcome = _text("input.outcome", input.outcome, MAX_SHORT)
        phone = _text("input.phone", input.phone, 32)
        key = _text("input.idempotencyKey", input.idempotency_key, MAX_KEY)
        request_id = _service_request_id("input.serviceRequestId", input.service_request_id)
        golden_id = _golden_id_alone(input.customer)
        resolved = golden_id is None
        if golden_id is None:
            golden_id = (await resolve_customer(info, input.customer, "input.customer.")).id
        contact = ContactRequest(
            golden_id=golden_id,
            channel=channel,
            type=input.type.value,
            occurred_at=occurred_at,
            direction=input.direction.value,
            agent=agent,
            summary=summary,
            outcome=outcome,
            phone=phone,
            service_request_id=request_id,
            idempotency_key=key,
            recorded_by=info.context.caller.name,
            request={name: _plain(value) for name, value in vars(input).items()},
            customer_resolved=resolved,
            audit=write_audit(info.context.caller),
        )
        writer = _writer(info.context)
        with _event_errors():
            try:
                event, new = await record_contact(writer, info.context.notifier, contact)
            except CustomerInactive:
                if resolved:
                    raise
                # Not an active customer: resolving says why (NOT_FOUND, split) or finds the survivor of a merge.
                survivor = await resolve_customer(info, input.customer, "input.customer.")
                contact = dataclasses.replace(contact, golden_id=survivor.id, customer_resolved=True)
                event, new = await record_contact(writer, info.context.notifier, contact)
        if new and contact.audit is not None:
            audited_with_write(event.golden_id)
        return EventPayload(event=ContactEvent.of(event), replayed=not new)

    @strawberry.mutation(description="Move a service request along (e.g. a complaint to resolved), from any channel.")
    async def update_service_request(self, info: Info, input: UpdateServiceRequestInput) -> EventPayload:
        channel = _own_channel(info.context, input.channel)
        at = _moment("input.at", input.at) if input.at is not None else utcnow()
        agent = _text("input.agent", input.agent, MAX_SHORT)
        note = _text("input.note", input.note, MAX_SUMMARY)
        key = _text("input.idempotencyKey", input.idempotency_key, MAX_KEY)
        request_id = _service_request_id("input.serviceRequestId", input.service_request_id)
        assert request_id is not None
        request = {name: _plain(value) for name, value in vars(input).items()}
        if input.at is None:
            request.pop("at")  # "now" differs on every retry; the key must still match
        audit = write_audit(info.context.caller)
        with _event_errors():
            event, new = await update_service_request(
                _writer(info.context),
                info.context.notifier,
                ServiceRequestUpdate(
                    service_request_id=request_id,
                    status=input.status.value,
                    channel=channel,
                    at=at,
                    agent=agent,
                    note=note,
                    idempotency_key=key,
                    recorded_by=info.context.caller.name,
                    request=request,
                    audit=audit,
                ),
            )
        if new and audit is not None:
            audited_with_write(event.golden_id)
        return EventPayload(event=ContactEvent.of(event), replayed=not new)
