"""Unauthenticated surfaces say no more than they must: /readyz names no database, a WebSocket that never
sends connection_init is closed within 10 s, and production mode suggests no field names."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
import websockets
from starlette.testclient import TestClient

from c360.app.factory import CONNECTION_INIT_TIMEOUT, create_app
from c360.config import AuthSettings, Settings
from tests.helpers.subscriptions import Server


def test_a_websocket_without_connection_init_is_closed_within_ten_seconds(database_url: str) -> None:
    assert CONNECTION_INIT_TIMEOUT.total_seconds() <= 10

    async def idle(url: str) -> tuple[int | None, float]:
        started = time.monotonic()
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(socket.recv(), timeout=15)
            return socket.close_code, time.monotonic() - started

    with Server(database_url) as server:
        code, waited = asyncio.run(idle(server.ws_url))
    assert code == 4408  # "Connection initialisation timeout"
    assert waited < 11


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_readyz_names_no_database_when_it_does_not_answer(kind: str, tmp_path: object) -> None:
    url = (f"sqlite:///{tmp_path}/no-such-folder/c360.db" if kind == "sqlite"
           else "postgresql://c360user:pw@127.0.0.1:1/c360db")
    with TestClient(create_app(Settings(database_url=url))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "schema": "unknown", "reason": "the database does not answer"}
    for detail in ("127.0.0.1", ":1", "c360user", "c360db", "no-such-folder", "pw", "sqlite", "postgres"):
        assert detail not in response.text


def test_readyz_says_whether_the_schema_is_current_and_nothing_else(database_url: str, fresh_database_url: object) -> None:
    from c360.hub.db.migrate import head_revision

    with TestClient(create_app(Settings(database_url=database_url))) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "schema": "current", "schema_revision": head_revision()}
    empty = fresh_database_url()  # type: ignore[operator]
    with TestClient(create_app(Settings(database_url=empty))) as client:
        outdated = client.get("/readyz")
    assert outdated.status_code == 503
    assert outdated.json() == {"status": "unavailable", "schema": "outdated", "schema_revision": None,
                               "expected_revision": head_revision(),
                               "reason": "the database schema is not current; run `c360 db upgrade`"}


@pytest.fixture
def clients(database_url: str, auth_headers: dict[str, str]) -> Iterator[dict[str, TestClient]]:
    apps = {mode: create_app(Settings(database_url=database_url, auth=AuthSettings(mode=mode))) for mode in ("development", "production")}
    with TestClient(apps["development"], headers=auth_headers) as dev, TestClient(apps["production"], headers=auth_headers) as prod:
        yield {"development": dev, "production": prod}


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ hubb { version } }", None),  # a field
        ("{ hub { versio } }", None),
        ("{ customer(idd: \"G1\") { id } }", None),  # an argument
        ("query($c: [Channel!]) { contactEvents(filter: { channels: $c }) { nodes { seq } } }", {"c": ["WBE"]}),  # an enum value
        ("{ contactEvents(filter: { channels: [WBE] }) { nodes { seq } } }", None),
        ("query($f: ContactEventFiltr) { contactEvents(filter: $f) { nodes { seq } } }", {"f": None}),  # a type
    ],
)
def test_production_suggests_no_names(clients: dict[str, TestClient], query: str, variables: dict[str, object] | None) -> None:
    answers = {mode: client.post("/graphql", json={"query": query, "variables": variables}).json() for mode, client in clients.items()}
    assert "Did you mean" in answers["development"]["errors"][0]["message"]  # the probe does hit a suggestion
    production = answers["production"]["errors"]
    assert production and not any("Did you mean" in error["message"] for error in production)
    assert production[0]["extensions"]["code"] == answers["development"]["errors"][0]["extensions"]["code"]


def test_production_suggests_no_names_over_websocket_either(database_url: str) -> None:
    """A subscription's validation errors take another way out than a query's: they are cut too."""
    settings = Settings(database_url=database_url, auth=AuthSettings(mode="production"))
    server = Server(database_url, settings=settings)

    async def subscribe(url: str) -> dict[str, object]:
        async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
            await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {server.key}"}}))
            assert json.loads(await asyncio.wait_for(socket.recv(), 5))["type"] == "connection_ack"
            query = "subscription { contactEvent { seq } }"
            await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": query}}))
            return json.loads(await asyncio.wait_for(socket.recv(), 5))  # type: ignore[no-any-return]

    with server:
        answer = asyncio.run(subscribe(server.ws_url))
    assert answer["type"] == "error"
    message = answer["payload"][0]["message"]  # type: ignore[index]
    assert "contactEvent" in message and "Did you mean" not in message
