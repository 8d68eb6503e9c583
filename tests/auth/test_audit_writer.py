"""The audit writer: group commit off the request path, every row lands, backpressure, retries, flush at shutdown."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import create_key
from c360.hub.auth.audit_writer import AuditWriter
from c360.hub.db import create_db_engine
from c360.hub.models import AuditEntry
from c360.schema import HubContext
from c360.schema.audit_ext import audit_rows_writer
from tests.api.conftest import SCHEMA
from tests.auth.conftest import PHONE, caller

VIEW = "query($id: ID!) { customer(id: $id) { id identifiers { nodes { type value } } } }"


def _audit_rows(database_url: str, **where: Any) -> int:
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            query = select(func.count()).select_from(AuditEntry)
            for column, value in where.items():
                query = query.where(getattr(AuditEntry, column) == value)
            return int(session.scalar(query) or 0)
    finally:
        engine.dispose()


def test_rows_of_many_concurrent_operations_all_land(api: Any, people: dict[str, str], settings: Settings) -> None:
    operations = 200
    batches: list[int] = []

    async def work(sessions: async_sessionmaker[Any]) -> None:
        insert = audit_rows_writer(sessions)

        async def counted(rows: list[dict[str, Any]]) -> None:
            batches.append(len(rows))
            await insert(rows)

        writer = AuditWriter(counted, max_rows=50)  # small queue: producers must wait for space too
        await writer.start()

        async def one(i: int) -> None:
            context = HubContext(request=None, response=None, sessions=sessions, settings=settings, audit=writer)
            context.caller = caller("customer:read")
            customer = people["me"] if i % 2 else people["other"]
            result = await SCHEMA.execute(VIEW, variable_values={"id": customer}, context_value=context)
            assert result.errors is None, result.errors

        await asyncio.gather(*(one(i) for i in range(operations)))
        await writer.flush()
        assert writer.pending == 0
        await writer.stop()

    api.run(work)
    assert _audit_rows(settings.database_url, action="read") == operations
    assert sum(batches) == operations and len(batches) < operations  # grouped: fewer transactions than operations
    assert max(batches) <= 50


def test_shutdown_writes_pending_rows(settings: Settings, people: dict[str, str]) -> None:
    engine = create_db_engine(settings.database_url)
    key = create_key(engine, "channel", {"customer:read"}).key
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        writer: AuditWriter = client.app.state.audit  # type: ignore[attr-defined]
        writer.interval = 3600.0  # nothing is written before shutdown unless asked
        for customer in (people["me"], people["other"], people["me"]):
            response = client.post("/graphql", json={"query": VIEW, "variables": {"id": customer}}, headers={"Authorization": f"Bearer {key}"})
            assert response.json()["data"]["customer"]["id"] == customer
        assert writer.pending == 3
        assert _audit_rows(settings.database_url, action="read") == 0
    assert writer.pending == 0
    assert _audit_rows(settings.database_url, action="read") == 3


def test_a_failed_batch_is_retried_and_logged_without_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    written: list[dict[str, Any]] = []
    failures = {"left": 2}

    async def flaky(rows: list[dict[str, Any]]) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise OSError(f"database unavailable while writing {rows[0]['actor']} {PHONE}")
        written.extend(rows)

    async def main() -> None:
        writer = AuditWriter(flaky, interval=0.01, retry_initial=0.01)
        await writer.start()
        await writer.submit([{"actor": "self:G1", "customer_id": "G1"}, {"actor": "self:G1", "customer_id": "G2"}])
        await writer.flush()
        await writer.stop()

    with caplog.at_level(logging.WARNING, logger="c360.hub.auth.audit_writer"):
        asyncio.run(main())
    assert [row["customer_id"] for row in written] == ["G1", "G2"]
    failed = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(failed) == 2 and all("2 rows" in record.getMessage() for record in failed)
    assert not any(secret in caplog.text for secret in ("self:G1", PHONE, "G2"))


def test_a_full_queue_makes_producers_wait_and_drops_nothing() -> None:
    written: list[int] = []
    async def main() -> None:
        gate = asyncio.Event()

        async def slow(rows: list[dict[str, Any]]) -> None:
            await gate.wait()
            written.extend(row["n"] for row in rows)

        writer = AuditWriter(slow, max_rows=10, interval=0.01)
        await writer.start()
        await writer.submit([{"n": n} for n in range(10)])
        late = asyncio.create_task(writer.submit([{"n": 10}]))
        await asyncio.sleep(0.05)
        # The queue (including the batch being written) is full: the producer waits, its row not accepted.
        assert not late.done() and writer.pending == 10
        gate.set()
        await late
        await writer.stop()

    asyncio.run(main())
    assert written == list(range(11))


def test_a_writer_behind_by_more_than_its_lag_holds_new_rows_until_it_catches_up() -> None:
    """What a crash can lose is bounded in time: rows older than ``max_lag`` uncommitted stop new answers."""
    written: list[int] = []

    async def main() -> None:
        gate = asyncio.Event()

        async def stuck(rows: list[dict[str, Any]]) -> None:
            await gate.wait()  # a database that does not answer
            written.extend(row["n"] for row in rows)

        writer = AuditWriter(stuck, interval=0.01, max_lag=0.1)
        await writer.start()
        await writer.submit([{"n": 0}])  # accepted at once: nothing is behind yet
        await asyncio.sleep(0.15)
        late = asyncio.create_task(writer.submit([{"n": 1}]))
        await asyncio.sleep(0.1)
        # Row 0 has waited longer than max_lag: the next operation waits with it, its row not accepted.
        assert not late.done() and writer.pending == 1
        gate.set()
        await late
        await writer.stop()

    asyncio.run(main())
    assert written == [0, 1]


def test_a_mutation_answers_only_after_its_audit_row_is_committed(settings: Settings, people: dict[str, str]) -> None:
    engine = create_db_engine(settings.database_url)
    key = create_key(engine, "app", {"customer:read", "contact:write"}).key
    engine.dispose()
    record = """mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq } } }"""
    contact = {"customer": {"id": people["me"]}, "channel": "APP", "type": "INQUIRY",
               "occurredAt": "2024-05-01T09:30:00+00:00", "summary": "asked about roaming"}  # fmt: skip
    with TestClient(create_app(settings)) as client:
        writer: AuditWriter = client.app.state.audit  # type: ignore[attr-defined]
        writer.interval = 3600.0  # nothing is written in the background unless asked
        response = client.post("/graphql", json={"query": record, "variables": {"input": contact}},
                               headers={"Authorization": f"Bearer {key}"})  # fmt: skip
        assert response.json()["data"]["recordContact"]["event"]["seq"] > 0, response.json()
        assert _audit_rows(settings.database_url, action="write", customer_id=people["me"]) == 1


def _write_rows(database_url: str, customer_id: str) -> list[tuple[str, str, list[str], dict[str, Any]]]:
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            query = select(AuditEntry.actor, AuditEntry.operation, AuditEntry.fields, AuditEntry.detail).where(
                AuditEntry.action == "write", AuditEntry.customer_id == customer_id
            )
            return [tuple(row) for row in session.execute(query.order_by(AuditEntry.id))]  # type: ignore[misc]
    finally:
        engine.dispose()


def test_a_channel_event_stores_its_audit_row_with_the_event_and_a_replay_gets_its_row_from_the_trail(
    settings: Settings, people: dict[str, str]
) -> None:
    """The event's own transaction holds the write's audit row: the audit writer is not asked, and not waited for."""
    engine = create_db_engine(settings.database_url)
    key = create_key(engine, "app", {"customer:read", "contact:write"}).key
    engine.dispose()
    record = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { serviceRequestId } replayed } }"
    update = "mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) { event { seq } replayed } }"
    complaint = {"customer": {"id": people["me"]}, "channel": "APP", "type": "COMPLAINT", "idempotencyKey": "audit-1",
                 "occurredAt": "2024-05-01T09:30:00+00:00", "summary": "no signal at home"}  # fmt: skip
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings)) as client:
        writer: AuditWriter = client.app.state.audit  # type: ignore[attr-defined]
        submitted: list[dict[str, Any]] = []
        submit = writer.submit

        async def watched(rows: list[dict[str, Any]]) -> None:
            submitted.extend(rows)
            await submit(rows)

        writer.submit = watched  # type: ignore[method-assign]
        first = client.post("/graphql", json={"query": record, "variables": {"input": complaint}}, headers=headers).json()
        assert first["data"]["recordContact"]["replayed"] is False, first
        request_id = first["data"]["recordContact"]["event"]["serviceRequestId"]
        moved = client.post("/graphql", headers=headers, json={"query": update, "variables": {"input": {
            "serviceRequestId": request_id, "status": "RESOLVED", "channel": "APP"}}}).json()  # fmt: skip
        assert moved["data"]["updateServiceRequest"]["replayed"] is False, moved
        assert submitted == []  # both rows went in with their events
        assert len(_write_rows(settings.database_url, people["me"])) == 2

        again = client.post("/graphql", json={"query": record, "variables": {"input": complaint}}, headers=headers).json()
        assert again["data"]["recordContact"]["replayed"] is True, again
        assert len(submitted) == 1  # a replay wrote nothing: its row comes from the trail, committed before the answer
        rows = _write_rows(settings.database_url, people["me"])
    assert len(rows) == 3
    operation = "mutation:recordContact"
    assert rows[0] == rows[2] and rows[0][1:3] == (operation, []), rows  # both paths store the same row
    assert rows[1][1] == "mutation:updateServiceRequest" and rows[1][3] == rows[0][3] == {"caller_kind": "channel", "clear": False}
