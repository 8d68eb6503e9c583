"""A channel's event on PostgreSQL: one statement, run in autocommit, so one round trip and one commit.

Each kind of write is a single ``WITH`` statement whose parts feed one another through
``RETURNING``: the ordering lock (shared, ``c360.hub.events.order``), the checks (an active customer, a
live service request), the ids it draws, the ``event_log`` insert (``ON CONFLICT DO NOTHING`` on the
idempotency key), the source records and facts (inserted only from the event's row, so a replay
writes nothing), the write's access-audit row when it carries one (``c360.hub.events.writes.WriteAudit``;
also only from the event's row), and the ``pg_notify`` wake-up. In autocommit the statement is its own transaction:
when it returns, everything is committed, and the answer is sent after.

Order inside the statement: the lock is the first CTE; the ids (``ids``) are drawn in a projection
over its row, and the event's ``seq`` (the column default) in the insert's projection over those
ids, so no ``seq`` is drawn before the lock is held. The event's payload needs the contact's id and
the contact needs the event's ``seq``: the contact id (and a new request's id) is drawn from its
sequence up front rather than updating the payload afterwards.

The final row always comes back: ``seq`` is NULL when nothing was written, and the checks say why
(the customer, the service request, else the idempotency key was taken: :func:`_replay` reads the
first event and compares the request hashes).
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from psycopg import AsyncConnection

from c360.hub.events.log import NOTIFY_CHANNEL
from c360.hub.events.order import WRITER_LOCK_SQL
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
from c360.hub.models.golden import GOLDEN_ACTIVE

__all__ = [
    "CONTACT_STATEMENTS",
    "REPLAY_STATEMENT",
    "UPDATE_STATEMENTS",
    "contact_statement",
    "record_contact",
    "update_service_request",
]

_TARGET = ", ".join(IDEMPOTENCY_SCOPE)
_EVENT_COLUMNS = (
    "event_id, type, golden_id, channel, payload, occurred_at, recorded_at, recorded_by, idempotency_key, request_hash"
)
_RECORD_COLUMNS = (
    "source, kind, source_key, raw, normalized, content_hash, version, source_updated_at, first_seen, last_seen, deleted"
)
_FACT_COLUMNS = "source, source_key, party_source, party_key, golden_id, source_record_id, source_updated_at, deleted"
_AUDIT_COLUMNS = "at, actor, action, operation, customer_id, fields, detail"


def _source_record(kind: str) -> str:
    """A source record for the event's row, as ingest writes a new one (version 1, first seen now)."""
    return (
        f"INSERT INTO source_record ({_RECORD_COLUMNS}) "
        f"SELECT %(source)s, '{kind}', %(event_id)s, %(payload)s::jsonb, '{{}}'::jsonb, %(content_hash)s, 1, "
        "%(recorded_at)s, %(recorded_at)s, %(recorded_at)s, false FROM event RETURNING id"
    )


def _audit_row(customer: str, sources: str) -> str:
    """The write's access-audit row, inserted only when ``sources`` (which include the new event's row) give one."""
    return (
        f"audited AS (INSERT INTO audit_log ({_AUDIT_COLUMNS}) "
        f"SELECT %(recorded_at)s, %(audit_actor)s, 'write', %(audit_operation)s, {customer}, '[]'::jsonb, "
        f"%(audit_detail)s::jsonb FROM {sources})"
    )


def _contact_statement(request: str, audited: bool) -> str:
    """``request``: ``none`` (a plain contact), ``linked`` (to a live request) or ``opens`` (a new request);
    ``audited``: the statement also stores the write's audit row."""
    linked, opens = request == "linked", request == "opens"
    checked = "customer, request" if linked else "customer"
    drawn = "nextval('contact_id_seq') AS contact_id"
    if opens:
        drawn += ", nextval('service_request_id_seq') AS request_id"
    request_id = "request.id" if linked else "ids.request_id" if opens else "NULL::bigint"
    request_status = "request.status" if linked else "'open'::text" if opens else "NULL::text"
    request_key = "request.source_key" if linked else "%(event_id)s" if opens else "NULL"
    ctes = [
        f"held AS MATERIALIZED ({WRITER_LOCK_SQL})",
        (
            "customer AS MATERIALIZED (SELECT id FROM golden_customer "
            f"WHERE id = %(golden_id)s AND (status = '{GOLDEN_ACTIVE}' OR %(customer_resolved)s))"
        ),
    ]
    if linked:
        ctes.append(
            "request AS MATERIALIZED (SELECT id, source_key, status FROM service_request "
            "WHERE id = %(service_request_id)s AND NOT deleted)"
        )
    ctes.append(f"ids AS MATERIALIZED (SELECT {drawn} FROM held, {checked})")
    ctes.append(
        f"event AS (INSERT INTO event_log ({_EVENT_COLUMNS}) "
        f"SELECT %(event_id)s, '{CONTACT_RECORDED}', customer.id, %(channel)s, "
        "%(payload)s::jsonb || jsonb_build_object("
        f"'contactId', ids.contact_id, 'serviceRequestId', {request_id}, 'serviceRequestStatus', {request_status}), "
        "%(occurred_at)s, %(recorded_at)s, %(recorded_by)s, %(idempotency_key)s, %(request_hash)s "
        f"FROM ids, {checked} ON CONFLICT ({_TARGET}) DO NOTHING RETURNING seq)"
    )
    if opens:
        ctes.append(f"request_record AS ({_source_record('service_request')})")
        ctes.append(
            f"opened AS (INSERT INTO service_request (id, {_FACT_COLUMNS}, type, channel, status, summary, caller_phone, opened_at) "
            f"SELECT ids.request_id, %(source)s, %(event_id)s, '{HUB_PARTY_SOURCE}', customer.id, customer.id, request_record.id, "
            "%(recorded_at)s, false, %(type)s, %(channel)s, 'open', %(summary)s, %(phone)s, %(occurred_at)s "
            "FROM ids, customer, request_record)"
        )
        ctes.append(
            "first_step AS (INSERT INTO service_request_status (source, request_key, status, changed_at, agent, note, source_record_id) "
            "SELECT %(source)s, %(event_id)s, 'open', %(occurred_at)s, %(agent)s, %(summary)s, request_record.id FROM request_record)"
        )
    ctes.append(f"record AS ({_source_record('contact')})")
    ctes.append(
        f"contact AS (INSERT INTO contact (id, {_FACT_COLUMNS}, channel, direction, type, occurred_at, agent, summary, outcome, "
        "phone, service_request_key, event_seq) "
        f"SELECT ids.contact_id, %(source)s, %(event_id)s, '{HUB_PARTY_SOURCE}', customer.id, customer.id, record.id, "
        "%(recorded_at)s, false, %(channel)s, %(direction)s, %(type)s, %(occurred_at)s, %(agent)s, %(summary)s, %(outcome)s, "
        f"%(phone)s, {request_key}, event.seq FROM ids, {checked}, record, event)"
    )
    if audited:
        ctes.append(_audit_row("customer.id", "customer, event"))
    found_request = "EXISTS (SELECT FROM request)" if linked else "true"
    answer_id = "(SELECT id FROM request)" if linked else "(SELECT request_id FROM ids)" if opens else "NULL::bigint"
    answer_status = "(SELECT status FROM request)" if linked else "'open'" if opens else "NULL::text"
    return (
        "WITH " + ",\n".join(ctes) + "\n"
        f"SELECT (SELECT seq FROM event), EXISTS (SELECT FROM customer), {found_request}, (SELECT contact_id FROM ids), "
        f"{answer_id}, {answer_status}, (SELECT pg_notify('{NOTIFY_CHANNEL}', seq::text) FROM event)"
    )


CONTACT_STATEMENTS: dict[tuple[str, bool], str] = {
    (request, audited): _contact_statement(request, audited) for request in ("none", "linked", "opens") for audited in (False, True)
}


def _update_statement(audited: bool) -> str:
    """A service request's status step; ``audited``: the statement also stores the write's audit row."""
    ctes = [
        f"held AS MATERIALIZED ({WRITER_LOCK_SQL})",
        "request AS MATERIALIZED (SELECT id, golden_id, source, source_key FROM service_request "
        "WHERE id = %(service_request_id)s AND NOT deleted)",
        f"event AS (INSERT INTO event_log ({_EVENT_COLUMNS}) "
        f"SELECT %(event_id)s, '{SERVICE_REQUEST_UPDATED}', request.golden_id, %(channel)s, "
        "%(payload)s::jsonb || jsonb_build_object('customerId', request.golden_id), "
        "%(at)s, %(recorded_at)s, %(recorded_by)s, %(idempotency_key)s, %(request_hash)s "
        f"FROM held, request ON CONFLICT ({_TARGET}) DO NOTHING RETURNING seq)",
        "moved AS (UPDATE service_request SET status = %(status)s, closed_at = %(closed_at)s "
        "FROM event WHERE service_request.id = %(service_request_id)s)",
        "step AS (INSERT INTO service_request_status (source, request_key, status, changed_at, agent, note) "
        "SELECT request.source, request.source_key, %(status)s, %(at)s, %(agent)s, %(note)s FROM request, event)",
    ]
    if audited:  # a request of no known customer has no customer to audit
        ctes.append(_audit_row("request.golden_id", "request, event WHERE request.golden_id IS NOT NULL"))
    return (
        "WITH " + ",\n".join(ctes) + "\n"
        "SELECT (SELECT seq FROM event), EXISTS (SELECT FROM request), (SELECT golden_id FROM request), "
        f"(SELECT pg_notify('{NOTIFY_CHANNEL}', seq::text) FROM event)"
    )


UPDATE_STATEMENTS: dict[bool, str] = {audited: _update_statement(audited) for audited in (False, True)}

REPLAY_STATEMENT = (
    "SELECT seq, event_id, type, golden_id, channel, payload, occurred_at, recorded_at, recorded_by, request_hash "
    "FROM event_log WHERE " + " AND ".join(f"{column} = %({column})s" for column in IDEMPOTENCY_SCOPE)
)


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _audit_params(audit: WriteAudit | None) -> dict[str, Any]:
    if audit is None:
        return {}
    return {"audit_actor": audit.actor, "audit_operation": audit.operation, "audit_detail": _json(audit.detail)}


async def _replay(connection: AsyncConnection[Any], params: dict[str, Any], request_hash: str | None) -> Appended:
    """The first event recorded under the key, if it was the same request; else :class:`EventConflict`."""
    cursor = await connection.execute(REPLAY_STATEMENT, params)
    row = await cursor.fetchone()
    if row is None:  # cannot happen: ON CONFLICT DO NOTHING found the committed row
        raise RuntimeError("the event holding this idempotency key was not found")
    seq, event_id, type_, golden_id, channel, payload, occurred_at, recorded_at, recorded_by, stored_hash = row
    if stored_hash != request_hash:
        raise EventConflict(params["idempotency_key"] or "")
    event = LoggedEvent(
        seq=seq, event_id=event_id, type=type_, golden_id=golden_id, channel=channel, payload=payload,
        occurred_at=occurred_at.astimezone(UTC), recorded_at=recorded_at.astimezone(UTC), recorded_by=recorded_by,
        idempotency_key=params["idempotency_key"], request_hash=stored_hash,
    )
    return Appended(event, new=False)


def contact_statement(write: ContactWrite) -> tuple[str, dict[str, Any]]:
    """The statement that writes ``write`` and its parameters (also what ``bench/events.py`` times as the floor)."""
    params = {
        "golden_id": write.golden_id,
        "customer_resolved": write.customer_resolved,
        "service_request_id": write.service_request_id,
        "event_id": write.event_id,
        "channel": write.channel,
        "payload": _json(write.payload()),
        "occurred_at": write.occurred_at,
        "recorded_at": write.recorded_at,
        "recorded_by": write.recorded_by,
        "idempotency_key": write.idempotency_key,
        "request_hash": write.request_hash,
        "source": write.source,
        "content_hash": write.request_hash or "",
        "type": write.type,
        "direction": write.direction,
        "agent": write.agent,
        "summary": write.summary,
        "outcome": write.outcome,
        "phone": write.phone,
        **_audit_params(write.audit),
    }
    request = "linked" if write.service_request_id is not None else "opens" if write.opens_request else "none"
    return CONTACT_STATEMENTS[request, write.audit is not None], params


async def record_contact(connection: AsyncConnection[Any], write: ContactWrite) -> Appended:
    """Run the contact's statement on ``connection`` (autocommit: committed on return)."""
    statement, params = contact_statement(write)
    cursor = await connection.execute(statement, params)
    row = await cursor.fetchone()
    assert row is not None  # the statement's final SELECT always answers one row
    seq, customer_found, request_found, contact_id, request_id, request_status, _notified = row
    if seq is None:
        if not customer_found:
            raise CustomerInactive(write.golden_id)
        if not request_found:
            raise ServiceRequestMissing(write.service_request_id)
        return await _replay(connection, params, write.request_hash)
    ids = {"contactId": contact_id, "serviceRequestId": request_id, "serviceRequestStatus": request_status}
    event = LoggedEvent(
        seq=seq, event_id=write.event_id, type=CONTACT_RECORDED, golden_id=write.golden_id, channel=write.channel,
        payload=write.payload() | ids, occurred_at=write.occurred_at, recorded_at=write.recorded_at, recorded_by=write.recorded_by,
        idempotency_key=write.idempotency_key, request_hash=write.request_hash,
    )
    return Appended(event, new=True)


async def update_service_request(connection: AsyncConnection[Any], write: RequestUpdateWrite) -> Appended:
    """Run the update's statement on ``connection`` (autocommit: committed on return)."""
    payload = write.payload(None)
    params = {
        "service_request_id": write.service_request_id,
        "event_id": write.event_id,
        "channel": write.channel,
        "payload": _json(payload),
        "at": write.at,
        "recorded_at": write.recorded_at,
        "recorded_by": write.recorded_by,
        "idempotency_key": write.idempotency_key,
        "request_hash": write.request_hash,
        "status": write.status,
        "closed_at": write.closed_at,
        "agent": write.agent,
        "note": write.note,
        **_audit_params(write.audit),
    }
    cursor = await connection.execute(UPDATE_STATEMENTS[write.audit is not None], params)
    row = await cursor.fetchone()
    assert row is not None
    seq, request_found, golden_id, _notified = row
    if seq is None:
        if not request_found:
            raise ServiceRequestMissing(write.service_request_id)
        return await _replay(connection, params, write.request_hash)
    payload["customerId"] = golden_id
    event = LoggedEvent(
        seq=seq, event_id=write.event_id, type=SERVICE_REQUEST_UPDATED, golden_id=golden_id, channel=write.channel,
        payload=payload, occurred_at=write.at, recorded_at=write.recorded_at, recorded_by=write.recorded_by,
        idempotency_key=write.idempotency_key, request_hash=write.request_hash,
    )
    return Appended(event, new=True)
