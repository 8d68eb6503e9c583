"""What recordContact and updateServiceRequest store, how retries replay, and what each costs in statements."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from typing import Any

import psycopg
import pytest
from psycopg import pq
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session

from c360.config import Settings
from c360.hub.db import create_async_db_engine
from c360.hub.events import ContactWrite, EventWriter, pg_writes
from c360.hub.events.writes import WriteAudit
from c360.hub.models import (
    AuditEntry,
    Contact,
    EventLogEntry,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
    utcnow,
)
from c360.schema import HubContext
from tests.api import factory
from tests.api.conftest import FULL_ACCESS, SCHEMA, Api

RECORD = """mutation($input: RecordContactInput!) { recordContact(input: $input) {
  replayed event { seq eventId customerId contactId serviceRequestId serviceRequestStatus summary } } }"""
UPDATE = """mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) {
  replayed event { seq eventId type customerId serviceRequestId serviceRequestStatus summary } } }"""


@pytest.fixture
def customer_id(seed: Any) -> str:
    return seed(lambda s: factory.customer(s, "张伟").id)


def _contact(customer: str, **overrides: Any) -> dict[str, Any]:
    return {"input": {"customer": {"id": customer}, "channel": "CALL_CENTER", "type": "INQUIRY",
                      "occurredAt": "2024-05-01T09:30:00+08:00", "agent": "A017", "summary": "asks about roaming", **overrides}}


def _stored(engine: Any) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (EventLogEntry, SourceRecord, Contact, ServiceRequest, ServiceRequestStatus)
        }


def test_a_retry_answers_the_first_event_and_writes_nothing(api: Api, engine: Any, customer_id: str) -> None:
    first = api.data(RECORD, _contact(customer_id, idempotencyKey="r-1"))["recordContact"]
    before = _stored(engine)
    again = api.data(RECORD, _contact(customer_id, idempotencyKey="r-1"))["recordContact"]
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["event"] == first["event"]  # the stored event, ids and all
    assert _stored(engine) == before


def test_a_contact_lands_as_a_source_record_and_its_fact(api: Api, engine: Any, customer_id: str) -> None:
    event = api.data(RECORD, _contact(customer_id, idempotencyKey="land-1", phone="+8613800138000"))["recordContact"]["event"]
    with Session(engine) as session:
        contact = session.get(Contact, int(event["contactId"]))
        assert contact is not None
        record = session.get(SourceRecord, contact.source_record_id)
        row = session.scalars(select(EventLogEntry).where(EventLogEntry.seq == event["seq"])).one()
    assert record is not None
    assert (record.source, record.kind, record.source_key, record.version, record.deleted) == (
        "channel:call_center", "contact", event["eventId"], 1, False)
    assert record.raw["summary"] == "asks about roaming" and record.content_hash == row.request_hash
    assert (contact.source, contact.source_key, contact.party_source, contact.party_key, contact.golden_id) == (
        "channel:call_center", event["eventId"], "golden", customer_id, customer_id)
    assert (contact.event_seq, contact.phone, contact.agent, contact.service_request_key) == (
        event["seq"], "+8613800138000", "A017", None)
    assert row.payload["contactId"] == contact.id and row.payload["serviceRequestId"] is None
    assert row.recorded_by == FULL_ACCESS.name and row.idempotency_key == "land-1"


def test_a_complaint_opens_a_request_with_its_first_step(api: Api, engine: Any, customer_id: str) -> None:
    event = api.data(RECORD, _contact(customer_id, type="COMPLAINT", summary="no signal"))["recordContact"]["event"]
    assert event["serviceRequestStatus"] == "open"
    with Session(engine) as session:
        request = session.get(ServiceRequest, int(event["serviceRequestId"]))
        assert request is not None
        (step,) = session.scalars(select(ServiceRequestStatus).where(ServiceRequestStatus.request_key == request.source_key))
        record = session.get(SourceRecord, request.source_record_id)
        contact = session.get(Contact, int(event["contactId"]))
    assert record is not None and contact is not None
    assert (request.source_key, request.golden_id, request.status, request.type, request.summary) == (
        event["eventId"], customer_id, "open", "complaint", "no signal")
    assert (record.kind, record.source_key) == ("service_request", event["eventId"])
    assert (step.status, step.source_record_id, step.note) == ("open", record.id, "no signal")
    assert contact.service_request_key == request.source_key


def test_a_contact_links_to_a_live_request_and_not_to_a_deleted_one(api: Api, engine: Any, customer_id: str) -> None:
    opened = api.data(RECORD, _contact(customer_id, type="COMPLAINT"))["recordContact"]["event"]
    linked = api.data(RECORD, _contact(customer_id, type="INQUIRY",
                                       serviceRequestId=opened["serviceRequestId"]))["recordContact"]["event"]
    assert (linked["serviceRequestId"], linked["serviceRequestStatus"]) == (opened["serviceRequestId"], "open")
    with Session(engine) as session:
        contact = session.get(Contact, int(linked["contactId"]))
        assert contact is not None and contact.service_request_key == opened["eventId"]
        session.execute(update(ServiceRequest).where(ServiceRequest.id == int(opened["serviceRequestId"])).values(deleted=True))
        session.commit()
    before = _stored(engine)
    refused = api.error(RECORD, _contact(customer_id, serviceRequestId=opened["serviceRequestId"]))
    assert refused == {"code": "NOT_FOUND", "field": "input.serviceRequestId"}
    assert _stored(engine) == before


def test_update_replays_and_conflicts_like_record(api: Api, engine: Any, customer_id: str) -> None:
    request_id = api.data(RECORD, _contact(customer_id, type="COMPLAINT"))["recordContact"]["event"]["serviceRequestId"]
    moved = {"input": {"serviceRequestId": request_id, "status": "RESOLVED", "channel": "BUSINESS_HALL", "note": "fixed",
                       "idempotencyKey": "u-1"}}
    first = api.data(UPDATE, moved)["updateServiceRequest"]
    assert first["event"]["customerId"] == customer_id and first["event"]["serviceRequestStatus"] == "resolved"
    before = _stored(engine)
    again = api.data(UPDATE, moved)["updateServiceRequest"]  # no `at`: "now" is left out of the hash
    assert again == {**first, "replayed": True}
    other = {"input": {**moved["input"], "status": "CLOSED"}}
    assert api.error(UPDATE, other) == {"code": "CONFLICT", "field": "input.idempotencyKey"}
    assert _stored(engine) == before
    with Session(engine) as session:
        request = session.get(ServiceRequest, int(request_id))
        assert request is not None and (request.status, request.closed_at is not None) == ("resolved", True)


@pytest.mark.postgres_only
def test_a_reference_by_id_is_checked_by_the_write_itself(database_url: str, customer_id: str) -> None:
    """No look-up of the customer before the write: its one statement checks the id names an active customer.
    (On SQLite the check is the first statement of the write's transaction.)"""
    seen: list[str] = []

    async def main() -> Any:
        engine = create_async_db_engine(database_url)
        event.listen(engine.sync_engine, "before_cursor_execute", lambda _c, _cu, statement, *_a: seen.append(statement))
        try:
            context = HubContext(request=None, response=None, sessions=async_sessionmaker(engine, expire_on_commit=False),
                                 settings=Settings(database_url=database_url), caller=FULL_ACCESS)
            return await SCHEMA.execute(RECORD, variable_values=_contact(customer_id), context_value=context)
        finally:
            await engine.dispose()

    result = asyncio.run(main())
    assert result.errors is None, result.errors
    assert not [statement for statement in seen if "FROM golden_customer" in statement]


def _trace_statements(connection: psycopg.AsyncConnection[Any], file: Any) -> None:
    connection.pgconn.trace(file.fileno())
    connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)


def _sent(file: Any) -> list[str]:
    """The statements a traced connection sent, by protocol message (Execute: extended protocol; Query: simple)."""
    file.seek(0)
    return [line.split("\t")[2] for line in file.read().splitlines() if line.startswith("F") and line.split("\t")[2] in ("Execute", "Query")]


@pytest.mark.postgres_only
def test_on_postgresql_a_contact_is_one_statement_and_a_replay_two(database_url: str, engine: Any, customer_id: str) -> None:
    """Its audit row included: the write stores it in the same statement, a replay stores none."""
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    async def main() -> tuple[list[str], list[str]]:
        connection = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
        write = ContactWrite(
            golden_id=customer_id, channel="app", type="inquiry", occurred_at=utcnow(), direction="inbound", agent=None,
            summary="one statement", outcome=None, phone=None, service_request_id=None, opens_request=False,
            recorded_by="tests", idempotency_key="one-1", request_hash="h",
            audit=WriteAudit(actor="tests", operation="mutation:recordContact", detail={"caller_kind": "channel", "clear": False}),
        )
        try:
            with tempfile.TemporaryFile("w+") as first, tempfile.TemporaryFile("w+") as second:
                _trace_statements(connection, first)
                assert (await pg_writes.record_contact(connection, write)).new
                connection.pgconn.untrace()
                _trace_statements(connection, second)
                assert not (await pg_writes.record_contact(connection, write)).new
                connection.pgconn.untrace()
                return _sent(first), _sent(second)
        finally:
            await connection.close()

    new, replay = asyncio.run(main())
    assert new == ["Execute"] and replay == ["Execute", "Execute"]
    with Session(engine) as session:
        rows = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.customer_id, AuditEntry.fields)).all()
    assert [tuple(row) for row in rows] == [("tests", "write", customer_id, [])]


@pytest.mark.postgres_only
def test_a_write_survives_its_pooled_connection_being_dropped(database_url: str, engine: Any, customer_id: str) -> None:
    """The pool does not ping before each write; a dropped connection costs a keyed write nothing (it is sent
    again), and a write without a key fails once, not forever: the pool's connections are tested after it."""
    name = f"tests-{uuid.uuid4().hex[:8]}"

    def drop_writer_connections() -> int:
        with engine.connect() as connection:
            dropped = connection.exec_driver_sql(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = %(name)s",
                {"name": name},
            ).scalar_one()
            connection.commit()
            return int(dropped)

    def write(summary: str, key: str | None) -> ContactWrite:
        return ContactWrite(
            golden_id=customer_id, channel="app", type="inquiry", occurred_at=utcnow(), direction="inbound", agent=None,
            summary=summary, outcome=None, phone=None, service_request_id=None, opens_request=False,
            recorded_by="tests", idempotency_key=key, request_hash="h" if key else None,
        )

    async def main() -> None:
        async_engine = create_async_db_engine(database_url)
        writer = EventWriter(async_sessionmaker(async_engine, expire_on_commit=False), pool_name=name)
        await writer.start()
        try:
            assert (await writer.record_contact(write("warm", None))).new
            assert await asyncio.to_thread(drop_writer_connections) >= 1
            assert (await writer.record_contact(write("keyed", "drop-1"))).new
            assert await asyncio.to_thread(drop_writer_connections) >= 1
            with pytest.raises(psycopg.OperationalError):
                await writer.record_contact(write("unkeyed, lost", None))
            assert (await writer.record_contact(write("unkeyed, after", None))).new
        finally:
            await writer.stop()
            await async_engine.dispose()

    asyncio.run(main())
    with Session(engine) as session:
        summaries = sorted(session.scalars(select(Contact.summary)))
    assert summaries == ["keyed", "unkeyed, after", "warm"]
