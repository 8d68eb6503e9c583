"""Requests that used to end in a 500: a JSON body that is not an object, a database that does not answer
the key check, a time with no UTC equivalent. Each is now a clean 400, 503 or BAD_USER_INPUT."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from c360.app.factory import create_app
from c360.config import AuthSettings, Settings
from tests.api import factory
from tests.api.conftest import Api
from tests.helpers.contact_input import RECORD, complaint, stored_counts

pytestmark = pytest.mark.reliability  # the abuse list of the reliability suite (docs/security.md)

EDGES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")


@pytest.fixture
def customer_id(seed: Any) -> str:
    return seed(lambda s: factory.customer(s, "张伟").id)


@pytest.fixture(params=["development", "production"])
def client(request: pytest.FixtureRequest, database_url: str, auth_headers: dict[str, str]) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, auth=AuthSettings(mode=request.param))
    with TestClient(create_app(settings), headers=auth_headers, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("body", [b"null", b'"x"', b"1", b"true", b"  null  ", b""])
def test_a_json_body_that_is_not_an_object_is_400(client: TestClient, body: bytes) -> None:
    for content_type in ("application/json", "application/json; charset=utf-8"):
        response = client.post("/graphql", content=body, headers={"Content-Type": content_type})
        assert response.status_code == 400, response.text
        assert response.json() == {"errors": [{"message": "the request body must be a JSON object with a 'query'",
                                               "extensions": {"code": "BAD_REQUEST"}}]}
    assert client.post("/graphql", json={"query": "{ hub { version } }"}).status_code == 200  # an object still passes


def _unreachable(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'c360.db'}"
    return "postgresql://c360:secret@127.0.0.1:1/c360"  # nothing listens on port 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_key_that_cannot_be_checked_is_503_with_retry_after(kind: str, tmp_path: Path) -> None:
    key = "c360k_0123456789ab_" + "s" * 43
    settings = Settings(database_url=_unreachable(kind, tmp_path))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post("/graphql", json={"query": "{ hub { version } }"}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
    assert "127.0.0.1" not in response.text and "secret" not in response.text and "no-such-folder" not in response.text


@pytest.mark.parametrize("moment", EDGES)
def test_a_time_with_no_utc_equivalent_is_bad_user_input(api: Api, engine: Any, customer_id: str, moment: str) -> None:
    assert api.error(RECORD, {"input": complaint(customer_id, occurredAt=moment)}) == {
        "code": "BAD_USER_INPUT", "field": "input.occurredAt"}
    literal = f"""mutation {{ recordContact(input: {{customer: {{id: "{customer_id}"}}, channel: APP, type: INQUIRY,
      occurredAt: "{moment}"}}) {{ event {{ seq }} }} }}"""
    assert api.error(literal) == {"code": "BAD_USER_INPUT", "field": "input.occurredAt"}
    orders = "query($id: ID!, $since: DateTime) { customer(id: $id) { orders(since: $since) { nodes { id } } } }"
    assert api.error(orders, {"id": customer_id, "since": moment}) == {"code": "BAD_USER_INPUT", "field": "since"}
    assert stored_counts(engine) == (0, 0, 0, 0)
    # The same edges in UTC are fine to parse (and refused for what they are: in the future, or accepted).
    assert api.error(RECORD, {"input": complaint(customer_id, occurredAt="9999-12-31T23:59:59+00:00")})["field"] == "input.occurredAt"
    assert api.data(orders, {"id": customer_id, "since": "0001-01-01T00:00:00+00:00"})["customer"]["orders"]["nodes"] == []


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_socket_whose_key_cannot_be_checked_is_closed_to_try_again_later(kind: str, tmp_path: Path) -> None:
    key = "c360k_0123456789ab_" + "s" * 43
    settings = Settings(database_url=_unreachable(kind, tmp_path))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client, client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        socket.send_json({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 1013
    assert "retry later" in closed.value.reason


def test_json_nested_deeper_than_the_stack_is_malformed_not_a_crash(client: TestClient) -> None:
    """json.loads raised RecursionError on a body of 30,000 open brackets (under the size limit): it was a 500."""
    deep = b'{"query": "{ hub { version } }", "variables": {"x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}}"
    response = client.post("/graphql", content=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_text("[" * 30_000 + "]" * 30_000)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
    assert closed.value.code == 4400  # the protocol's close for a message that is not valid JSON
