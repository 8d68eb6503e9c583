"""recordContact and updateServiceRequest: idempotency, validation, and what other channels see."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.models import Contact, EventLogEntry, SourceRecord
from c360.schema import HubContext
from tests.api import factory
from tests.api.conftest import SCHEMA, Api

RECORD = """mutation($input: RecordContactInput!) { recordContact(input: $input) {
  replayed event { cursor seq eventId type customerId channel contactType serviceRequestId serviceRequestStatus } } }"""
PHONE = "+8613800138000"


@pytest.fixture
def customer_id(seed: Any) -> str:
    return seed(lambda s: factory.customer(s, "张伟", phone=PHONE).id)


def _input(customer: dict[str, str], **overrides: Any) -> dict[str, Any]:
    return {
        "customer": customer,
        "channel": "CALL_CENTER",
        "type": "INQUIRY",
        "occurredAt": "2024-05-01T09:30:00+08:00",
        "agent": "A017",
        "summary": "asks about roaming",
        **overrides,
    }


def _count(engine: Any, model: Any) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_fifty_concurrent_duplicates_store_one_event(api: Api, engine: Any, customer_id: str) -> None:
    variables = {"input": _input({"phone": "13800138000"}, idempotencyKey="cc-42")}

    async def work(sessions: Any) -> list[Any]:
        def run() -> Any:
            context = HubContext(request=None, response=None, sessions=sessions, settings=Settings(), caller=api.caller)
            return SCHEMA.execute(RECORD, variable_values=variables, context_value=context)

        return await asyncio.gather(*(run() for _ in range(50)))

    results = api.run(work)
    assert all(result.errors is None for result in results), [r.errors for r in results if r.errors][:1]
    events = {result.data["recordContact"]["event"]["eventId"] for result in results}
    assert len(events) == 1
    assert sum(not result.data["recordContact"]["replayed"] for result in results) == 1
    assert _count(engine, EventLogEntry) == 1
    assert _count(engine, Contact) == 1
    with Session(engine) as session:
        contact = session.scalars(select(Contact)).one()
        record = session.get(SourceRecord, contact.source_record_id)
        assert contact.golden_id == customer_id and contact.event_seq is not None
        assert record is not None and (record.source, record.kind) == ("channel:call_center", "contact")


def test_same_key_different_input_is_a_conflict(api: Api, engine: Any, customer_id: str) -> None:
    api.data(RECORD, {"input": _input({"id": customer_id}, idempotencyKey="k1")})
    extensions = api.error(RECORD, {"input": _input({"id": customer_id}, idempotencyKey="k1", summary="other")})
    assert extensions == {"code": "CONFLICT", "field": "input.idempotencyKey"}
    assert _count(engine, EventLogEntry) == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"occurredAt": "2999-01-01T00:00:00+00:00"}, "BAD_USER_INPUT", "input.occurredAt"),
        ({"summary": "x" * 2001}, "BAD_USER_INPUT", "input.summary"),
        ({"customer": {"phone": "12"}}, "BAD_USER_INPUT", "input.customer.phone"),
        ({"customer": {"id": "GUNKNOWN"}}, "NOT_FOUND", "input.customer.id"),
        ({"serviceRequestId": "999999"}, "NOT_FOUND", "input.serviceRequestId"),
    ],
)
def test_bad_input_stores_nothing(
    api: Api, engine: Any, customer_id: str, overrides: dict[str, Any], code: str, field: str
) -> None:
    variables = {"input": {**_input({"id": customer_id}), **overrides}}
    assert api.error(RECORD, variables) == {"code": code, "field": field}
    assert _count(engine, EventLogEntry) == 0 and _count(engine, Contact) == 0


def test_unknown_channel_is_bad_user_input(api: Api, engine: Any, customer_id: str) -> None:
    extensions = api.error(RECORD, {"input": _input({"id": customer_id}, channel="FAX")})
    assert extensions["code"] == "BAD_USER_INPUT"
    assert _count(engine, EventLogEntry) == 0


@pytest.fixture
def client(database_url: str, auth_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url)), headers=auth_headers) as client:
        yield client


def _gql(client: TestClient, query: str, variables: dict[str, Any]) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


HALL_VIEW = """query($phone: String) { customerBy(phone: $phone) {
  serviceRequests(type: ["complaint"]) { nodes { id status channel statusHistory { nodes { status agent } } } }
  contacts { nodes { channel type summary phone } } } }"""


def test_call_center_complaint_is_seen_by_business_hall(client: TestClient, customer_id: str) -> None:
    recorded = _gql(client, RECORD, {"input": _input({"phone": PHONE}, type="COMPLAINT", summary="no signal at home")})
    event = recorded["recordContact"]["event"]
    assert (event["contactType"], event["serviceRequestStatus"]) == ("complaint", "open")

    hall = _gql(client, HALL_VIEW, {"phone": "138 0013 8000"})["customerBy"]
    (request,) = hall["serviceRequests"]["nodes"]
    assert request["id"] == event["serviceRequestId"]
    assert (request["status"], request["channel"]) == ("open", "call_center")
    assert hall["contacts"]["nodes"] == [
        {"channel": "call_center", "type": "complaint", "summary": "no signal at home", "phone": None}
    ]

    update = """mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) {
      event { type serviceRequestStatus } } }"""
    moved = _gql(
        client,
        update,
        {"input": {"serviceRequestId": request["id"], "status": "RESOLVED", "channel": "BUSINESS_HALL", "agent": "H3"}},
    )
    assert moved["updateServiceRequest"]["event"] == {"type": "SERVICE_REQUEST_UPDATED", "serviceRequestStatus": "resolved"}
    again = _gql(client, HALL_VIEW, {"phone": PHONE})["customerBy"]["serviceRequests"]["nodes"][0]
    assert again["status"] == "resolved"
    assert [step["status"] for step in again["statusHistory"]["nodes"]] == ["open", "resolved"]


def test_get_serves_queries_and_errors_carry_codes(client: TestClient, customer_id: str) -> None:
    response = client.get("/graphql", params={"query": '{ customer(id: "GNOPE") { id } }'})
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    response = client.get("/graphql", params={"query": f'{{ customer(id: "{customer_id}") {{ displayName }} }}'})
    assert response.json() == {"data": {"customer": {"displayName": "张伟"}}}


def test_contact_feed_skips_identity_events_sharing_the_log(api: Api, engine: Any, customer_id: str) -> None:
    """Merges and splits live in the same log; the contact feed must step over them, not fail on them."""
    from datetime import UTC, datetime

    with Session(engine) as session:
        session.add(
            EventLogEntry(
                event_id="identity-1", type="customer.merged", golden_id=customer_id, occurred_at=datetime.now(UTC)
            )
        )
        session.commit()
    api.data(RECORD, {"input": _input({"id": customer_id}, idempotencyKey="feed-k1")})
    feed = api.data("{ contactEvents(first: 10) { edges { node { type customerId } } } }")
    assert [edge["node"]["type"] for edge in feed["contactEvents"]["edges"]] == ["CONTACT_RECORDED"]
