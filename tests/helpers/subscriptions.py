"""A hub served on loopback in a thread, and graphql-transport-ws clients of it: the subscription tests' tools."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from c360.app.factory import create_app
from c360.config import Settings
from tests.helpers.serving import app_in_thread

__all__ = ["RECORD", "SERVER_KEYS", "SUBSCRIBE", "Server", "contact_input", "record_contact", "take_events", "ws_transport", "slow_subscriber", "drain"]

SUBSCRIBE = ("""subscription($after: String) { contactEvents(after: $after) { cursor seq summary customerId } }""")
RECORD = ("""mutation($input: RecordContactInput!) { recordContact(input: $input) { event { cursor seq } } }""")


# API key of each running test server, by "host:port" (access control: every connection authenticates).
SERVER_KEYS: dict[str, str] = {}


def ws_transport(url: str) -> WebsocketsTransport:
    key = SERVER_KEYS[url.split("/")[2]]
    return WebsocketsTransport(url=url, init_payload={"authorization": f"Bearer {key}"})


class Server:
    """A hub on loopback in a thread of this process, with an API key of every scope but ``pii:read``.

    ``settings``: the app's (default: development mode on ``database_url``); ``listening``: a bound socket to serve on.
    """

    def __init__(self, database_url: str, listening: socket.socket | None = None, settings: Settings | None = None) -> None:
        from c360.hub.auth import ALL_SCOPES, create_key
        from c360.hub.db import create_db_engine

        engine = create_db_engine(database_url)
        self.key = create_key(engine, "tests", ALL_SCOPES - {"pii:read"}).key
        engine.dispose()
        self.app = create_app(settings or Settings(database_url=database_url))
        self._served = app_in_thread(self.app, listening)
        self.ws_url, self.port = "", 0

    def __enter__(self) -> Server:
        self.ws_url = self._served.__enter__()
        address = self.ws_url.split("/")[2]
        SERVER_KEYS[address] = self.key
        self.port = int(address.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc: Any) -> None:
        self._served.__exit__(*exc)


def contact_input(customer_id: str, summary: str) -> dict[str, Any]:
    return {
        "input": {
            "customer": {"id": customer_id},
            "channel": "APP",
            "type": "INQUIRY",
            "occurredAt": "2024-05-01T09:30:00+00:00",
            "summary": summary,
        }
    }


async def record_contact(url: str, customer_id: str, summary: str) -> dict[str, Any]:
    async with Client(transport=ws_transport(url)) as session:
        return (await session.execute(GraphQLRequest(RECORD, variable_values=contact_input(customer_id, summary))))["recordContact"]["event"]


async def take_events(url: str, after: str | None, count: int, during: Any = None) -> list[dict[str, Any]]:
    """Subscribe after ``after``; once subscribed, run ``during``; return the first ``count`` events."""
    got: list[dict[str, Any]] = []
    async with Client(transport=ws_transport(url)) as session:
        task = None
        async for result in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"after": after})):
            got.append(result["contactEvents"])
            if during is not None and task is None:
                task = asyncio.ensure_future(during())
            if len(got) == count:
                break
        if task is not None:
            await task
    return got


async def slow_subscriber(url: str) -> Any:
    """A subscribed raw graphql-transport-ws connection that reads nothing after the subscribe."""
    host, port = url.split("/")[2].split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.setblocking(False)
    connection = await websockets.connect(url, sock=sock, subprotocols=["graphql-transport-ws"], max_queue=1, ping_interval=None)
    key = SERVER_KEYS[url.split("/")[2]]
    await connection.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}))
    assert json.loads(await connection.recv())["type"] == "connection_ack"
    await connection.send(json.dumps({"id": "slow", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return connection


async def drain(connection: Any, count: int) -> list[dict[str, Any]]:
    """The next ``count`` events a raw connection receives; an error or a completion fails the test."""
    got = []
    while len(got) < count:
        message = json.loads(await asyncio.wait_for(connection.recv(), 60))
        if message["type"] == "next":
            got.append(message["payload"]["data"]["contactEvents"])
        elif message["type"] in ("error", "complete"):
            raise AssertionError(message)
    return got
