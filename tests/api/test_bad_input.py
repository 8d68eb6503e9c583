"""Bad input is refused before anything is stored, naming the field; GraphQL over HTTP answers with proper status codes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from tests.api import factory
from tests.api.conftest import Api
from tests.helpers.contact_input import RECORD, complaint, stored_counts
from tests.helpers.subscriptions import Server, ws_transport

UPDATE = "mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) { event { seq } } }"


@pytest.fixture
def customer_id(seed: Any) -> str:
    return seed(lambda s: factory.customer(s, "张伟").id)


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"occurredAt": "2024-05-01T09:30:00"}, "BAD_USER_INPUT", "input.occurredAt"),  # no timezone
        ({"occurredAt": "yesterday"}, "BAD_USER_INPUT", "input.occurredAt"),
        ({"type": "GOSSIP"}, "BAD_USER_INPUT", "input.type"),  # unknown enum
        ({"serviceRequestId": "SR-1"}, "BAD_USER_INPUT", "input.serviceRequestId"),
        ({"customer": {"idNumber": "110105194912310021"}}, "BAD_USER_INPUT", "input.customer.idNumber"),
        ({"customer": {"email": "nobody@example.cn"}}, "NOT_FOUND", "input.customer.email"),
        ({"agent": "A" * 65}, "BAD_USER_INPUT", "input.agent"),
        ({"idempotencyKey": "k" * 129}, "BAD_USER_INPUT", "input.idempotencyKey"),
    ],
)
def test_record_contact_refuses_bad_input(api: Api, engine: Any, customer_id: str, overrides: dict[str, Any], code: str, field: str) -> None:
    assert api.error(RECORD, {"input": complaint(customer_id, **overrides)}) == {"code": code, "field": field}
    assert stored_counts(engine) == (0, 0, 0, 0)


def test_update_service_request_refuses_bad_input(api: Api, engine: Any, customer_id: str) -> None:
    request_id = api.data(RECORD, {"input": complaint(customer_id)})["recordContact"]["event"]["serviceRequestId"]
    before = stored_counts(engine)
    good = {"serviceRequestId": request_id, "status": "RESOLVED", "channel": "BUSINESS_HALL"}
    for overrides, code, field in [
        ({"serviceRequestId": "12345678"}, "NOT_FOUND", "input.serviceRequestId"),
        ({"serviceRequestId": "not-a-number"}, "BAD_USER_INPUT", "input.serviceRequestId"),
        ({"at": "2999-01-01T00:00:00+00:00"}, "BAD_USER_INPUT", "input.at"),
        ({"note": "x" * 2001}, "BAD_USER_INPUT", "input.note"),
        ({"status": "DONE"}, "BAD_USER_INPUT", "input.status"),
        ({"channel": "FAX"}, "BAD_USER_INPUT", "input.channel"),
    ]:
        assert api.error(UPDATE, {"input": {**good, **overrides}}) == {"code": code, "field": field}, overrides
    assert stored_counts(engine) == before


def test_unknown_enum_written_into_the_document_names_the_argument(api: Api, customer_id: str) -> None:
    literal = f"""mutation {{ recordContact(input: {{customer: {{id: "{customer_id}"}}, channel: FAX, type: INQUIRY,
      occurredAt: "2024-05-01T09:30:00+00:00"}}) {{ event {{ seq }} }} }}"""
    assert api.error(literal) == {"code": "BAD_USER_INPUT", "field": "input.channel"}
    assert api.error("{ contactEvents(filter: {channels: [WEB, FAX]}) { totalCount } }") == {
        "code": "BAD_USER_INPUT", "field": "filter.channels[1]",
    }


def test_feed_cursors_that_are_malformed_or_name_no_event(api: Api, customer_id: str) -> None:
    from c360.schema.feed import event_cursor

    query = "query($after: String) { contactEvents(after: $after) { nodes { seq } } }"
    assert api.error(query, {"after": "garbage"}) == {"code": "BAD_USER_INPUT", "field": "after"}
    assert api.error(query, {"after": event_cursor(424242)})["code"] == "NOT_FOUND"


def test_subscription_with_a_malformed_cursor_is_refused(database_url: str, customer_id: str) -> None:
    with Server(database_url) as server:

        async def main() -> dict[str, Any]:
            async with Client(transport=ws_transport(server.ws_url)) as session:
                with pytest.raises(TransportQueryError) as refused:
                    async for _ in session.subscribe(GraphQLRequest('subscription { contactEvents(after: "garbage") { seq } }')):
                        pass
            return refused.value.errors[0]["extensions"]  # type: ignore[index,no-any-return]

        assert asyncio.run(main()) == {"code": "BAD_USER_INPUT", "field": "after"}


def test_text_the_hub_cannot_store_is_refused_naming_the_field(api: Api, engine: Any, customer_id: str) -> None:
    """U+0000 (PostgreSQL cannot store it; SQLite took it) and lone surrogates used to fail inside a statement as INTERNAL_SERVER_ERROR."""
    assert api.error(RECORD, {"input": complaint(customer_id, summary="no\x00signal")}) == {
        "code": "BAD_USER_INPUT", "field": "input.summary",
    }
    literal = f"""mutation {{ recordContact(input: {{customer: {{id: "{customer_id}"}}, channel: APP, type: INQUIRY,
      occurredAt: "2024-05-01T09:30:00+00:00", summary: "no\\u0000signal"}}) {{ event {{ seq }} }} }}"""
    assert api.error(literal) == {"code": "BAD_USER_INPUT", "field": "input.summary"}
    assert stored_counts(engine) == (0, 0, 0, 0)
    lookup = "query($id: ID!) { customer(id: $id) { id } }"
    assert api.error(lookup, {"id": customer_id + "\x00"}) == {"code": "BAD_USER_INPUT", "field": "id"}
    assert api.error('{ customer(id: "\\u0000") { id } }') == {"code": "BAD_USER_INPUT", "field": "id"}
    assert api.error('{ searchCustomers(text: "张\\u0000伟") { totalCount } }') == {"code": "BAD_USER_INPUT", "field": "text"}
    assert api.error(lookup, {"id": "\ud800"}) == {"code": "BAD_USER_INPUT", "field": "id"}  # half a surrogate pair
    assert api.data(lookup, {"id": customer_id}) == {"customer": {"id": customer_id}}  # the same request, without it


def test_subscription_variables_the_hub_cannot_store_are_refused(database_url: str, customer_id: str) -> None:
    with Server(database_url) as server:

        async def main() -> dict[str, Any]:
            async with Client(transport=ws_transport(server.ws_url)) as session:
                request = GraphQLRequest(
                    "subscription($ids: [ID!]) { contactEvents(filter: {customerIds: $ids}) { seq } }",
                    variable_values={"ids": [customer_id, "G\x00"]},
                )
                with pytest.raises(TransportQueryError) as refused:
                    async for _ in session.subscribe(request):
                        pass
            return refused.value.errors[0]["extensions"]  # type: ignore[index,no-any-return]

        assert asyncio.run(main()) == {"code": "BAD_USER_INPUT", "field": "ids[1]"}


@pytest.fixture
def client(database_url: str, auth_headers: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database_url)), headers=auth_headers) as client:
        yield client


def test_http_status_codes(client: TestClient, engine: Any, customer_id: str) -> None:
    query = f'{{ customer(id: "{customer_id}") {{ displayName }} }}'
    assert client.get("/graphql", params={"query": query}).json() == {"data": {"customer": {"displayName": "张伟"}}}
    mutation = f"""mutation {{ recordContact(input: {{customer: {{id: "{customer_id}"}}, channel: APP, type: INQUIRY,
      occurredAt: "2024-05-01T09:30:00+00:00"}}) {{ event {{ seq }} }} }}"""
    refused = client.get("/graphql", params={"query": mutation})
    assert refused.status_code == 400 and "GET" in refused.text  # mutations only over POST
    assert stored_counts(engine) == (0, 0, 0, 0)
    assert client.post("/graphql", json={"query": mutation}).status_code == 200  # the same mutation, POSTed
    assert client.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400
    assert client.put("/graphql", json={"query": query}).status_code == 405
    assert client.get("/graphql", headers={"Accept": "application/json"}).status_code == 400  # no query at all
    for refused in (  # strawberry's own refusals, in the same shape as the gate's
        client.post("/graphql", content=b"{not json", headers={"Content-Type": "application/json"}),
        client.post("/graphql", json={"query": 5}),
        client.post("/graphql", json={"query": query, "variables": "x"}),
        client.post("/graphql", json={"query": query, "operationName": "Nope"}),
        client.post("/graphql", content=b"a,b", headers={"Content-Type": "text/csv"}),
        client.get("/graphql", params={"query": mutation}),
    ):
        assert refused.status_code == 400 and refused.headers["content-type"].startswith("application/json")
        assert refused.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}, refused.text
    invalid = client.post("/graphql", json={"query": "{ nosuchField }"})
    assert invalid.headers["content-type"].startswith("application/json")
    assert invalid.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
