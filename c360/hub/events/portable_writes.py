"""A channel's event on SQLite: the same rows as ``c360.hub.events.pg_writes``, a few statements in one transaction.

SQLite has no data-modifying ``WITH``, so the parts run one after another in the caller's
transaction: the checks, the ``event_log`` insert (``ON CONFLICT DO NOTHING`` on the idempotency
key; a taken key is read back and its request hash compared), the facts, the payload's ids and the
write's access-audit row when it carries one (``c360.hub.events.writes.WriteAudit``). It
serializes writers, so rows commit in ``seq`` order without a lock, and subscribers in the same
process are woken by the caller.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from c360.hub.events.writes import (
    CONTACT_RECORDED,
    HUB_PARTY_SOURCE,
    IDEMPOTENCY_SCOPE,
    SERVICE_REQUEST_UPDATED,
    Appended,
    ContactWrite,
    CustomerInactive,
    EventConflict,
    LoggedEvent,
    RequestUpdateWrite,
    ServiceRequestMissing,
    WriteAudit,
)
from c360.hub.models import (
    AuditEntry,
    Contact,
    EventLogEntry,
    GoldenCustomer,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
)
from c360.hub.models.golden import GOLDEN_ACTIVE

__all__ = ["record_contact", "update_service_request"]

_LOGGED = [getattr(EventLogEntry, field.name) for field in fields(LoggedEvent)]


async def _append(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """The new event's ``seq``, or None when its idempotency key is taken."""
    statement = (
        sqlite_insert(EventLogEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(IDEMPOTENCY_SCOPE))
        .returning(EventLogEntry.seq)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def _replay(session: AsyncSession, values: dict[str, Any]) -> Appended:
    scope = [getattr(EventLogEntry, column) == values[column] for column in IDEMPOTENCY_SCOPE]
    first = (await session.execute(select(*_LOGGED).where(*scope))).one()
    if first.request_hash != values["request_hash"]:
        raise EventConflict(values["idempotency_key"] or "")
    return Appended(LoggedEvent(**first._asdict()), new=False)


async def _source_record(session: AsyncSession, write: ContactWrite, kind: str, raw: dict[str, Any]) -> int:
    stamp = write.recorded_at
    values: dict[str, Any] = {
        "source": write.source, "kind": kind, "source_key": write.event_id, "raw": raw, "normalized": {},
        "content_hash": write.request_hash or "", "version": 1, "source_updated_at": stamp, "first_seen": stamp,
        "last_seen": stamp, "deleted": False,
    }
    return int((await session.execute(insert(SourceRecord).values(**values).returning(SourceRecord.id))).scalar_one())


async def _audit(session: AsyncSession, audit: WriteAudit | None, golden_id: str | None, at: datetime) -> None:
    """The write's access-audit row, as ``c360.hub.events.pg_writes`` stores it."""
    if audit is not None and golden_id is not None:
        await session.execute(
            insert(AuditEntry).values(
                at=at, actor=audit.actor, action="write", operation=audit.operation, customer_id=golden_id, fields=[],
                detail=audit.detail,
            )
        )


async def record_contact(session: AsyncSession, write: ContactWrite) -> Appended:
    """Write the contact in ``session``'s transaction (the caller commits)."""
    if not write.customer_resolved:
        active = select(GoldenCustomer.id).where(
            GoldenCustomer.id == write.golden_id, GoldenCustomer.status == GOLDEN_ACTIVE
        )
        if await session.scalar(active) is None:
            raise CustomerInactive(write.golden_id)
    linked = None
    if write.service_request_id is not None:
        linked = (
            await session.execute(
                select(ServiceRequest.id, ServiceRequest.source_key, ServiceRequest.status).where(
                    ServiceRequest.id == write.service_request_id, ServiceRequest.deleted.is_(False)
                )
            )
        ).first()
        if linked is None:
            raise ServiceRequestMissing(write.service_request_id)
    payload = write.payload()
    values: dict[str, Any] = {
        "event_id": write.event_id, "type": CONTACT_RECORDED, "golden_id": write.golden_id, "channel": write.channel,
        "payload": payload, "occurred_at": write.occurred_at, "recorded_at": write.recorded_at,
        "recorded_by": write.recorded_by, "idempotency_key": write.idempotency_key, "request_hash": write.request_hash,
    }
    seq = await _append(session, values)
    if seq is None:
        return await _replay(session, values)
    request_id, request_status, request_key = (linked.id, linked.status, linked.source_key) if linked else (None, None, None)
    if write.opens_request:
        record_id = await _source_record(session, write, "service_request", payload)
        request_id = (
            await session.execute(
                insert(ServiceRequest)
                .values(
                    source=write.source, source_key=write.event_id, party_source=HUB_PARTY_SOURCE, party_key=write.golden_id,
                    golden_id=write.golden_id, source_record_id=record_id, source_updated_at=write.recorded_at, deleted=False,
                    type=write.type, channel=write.channel, status="open", summary=write.summary, caller_phone=write.phone,
                    opened_at=write.occurred_at,
                )
                .returning(ServiceRequest.id)
            )
        ).scalar_one()
        await session.execute(
            insert(ServiceRequestStatus).values(
                source=write.source, request_key=write.event_id, status="open", changed_at=write.occurred_at,
                agent=write.agent, note=write.summary, source_record_id=record_id,
            )
        )
        request_status, request_key = "open", write.event_id
    record_id = await _source_record(session, write, "contact", payload)
    contact_id = (
        await session.execute(
            insert(Contact)
            .values(
                source=write.source, source_key=write.event_id, party_source=HUB_PARTY_SOURCE, party_key=write.golden_id,
                golden_id=write.golden_id, source_record_id=record_id, source_updated_at=write.recorded_at, deleted=False,
                channel=write.channel, direction=write.direction, type=write.type, occurred_at=write.occurred_at,
                agent=write.agent, summary=write.summary, outcome=write.outcome, phone=write.phone,
                service_request_key=request_key, event_seq=seq,
            )
            .returning(Contact.id)
        )
    ).scalar_one()
    ids = {"contactId": contact_id, "serviceRequestId": request_id, "serviceRequestStatus": request_status}
    values["payload"] = payload | ids
    await session.execute(update(EventLogEntry).where(EventLogEntry.seq == seq).values(payload=values["payload"]))
    await _audit(session, write.audit, write.golden_id, write.recorded_at)
    return Appended(LoggedEvent(seq=seq, **values), new=True)


async def update_service_request(session: AsyncSession, write: RequestUpdateWrite) -> Appended:
    """Write the update in ``session``'s transaction (the caller commits)."""
    request = (
        await session.execute(
            select(ServiceRequest.golden_id, ServiceRequest.source, ServiceRequest.source_key).where(
                ServiceRequest.id == write.service_request_id, ServiceRequest.deleted.is_(False)
            )
        )
    ).first()
    if request is None:
        raise ServiceRequestMissing(write.service_request_id)
    values: dict[str, Any] = {
        "event_id": write.event_id, "type": SERVICE_REQUEST_UPDATED, "golden_id": request.golden_id, "channel": write.channel,
        "payload": write.payload(request.golden_id), "occurred_at": write.at, "recorded_at": write.recorded_at,
        "recorded_by": write.recorded_by, "idempotency_key": write.idempotency_key, "request_hash": write.request_hash,
    }
    seq = await _append(session, values)
    if seq is None:
        return await _replay(session, values)
    await session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.id == write.service_request_id)
        .values(status=write.status, closed_at=write.closed_at)
    )
    await session.execute(
        insert(ServiceRequestStatus).values(
            source=request.source, request_key=request.source_key, status=write.status, changed_at=write.at,
            agent=write.agent, note=write.note,
        )
    )
    await _audit(session, write.audit, request.golden_id, write.recorded_at)
    return Appended(LoggedEvent(seq=seq, **values), new=True)
