"""contactEvents over a real WebSocket (graphql-transport-ws): replay, live, resume, bad cursor, cap, feed query."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport

from hub.app import create_app
from hub.config import Settings

SUBSCRIBE = ("""subscription($after: String) { contactEvents(after: $after) { cursor seq summary customerId } }""")
RECORD = ("""mutation($input: RecordContactInput!) { recordContact(input: $input) { event { cursor seq } } }""")


# API key of each running test server, by "host:port" (access control: every connection authenticates).
_KEYS: dict[str, str] = {}


def _ws(url: str) -> WebsocketsTransport:
    key = _KEYS[url.split("/")[2]]
    return WebsocketsTransport(url=url, init_payload={"authorization": f"Bearer {key}"})


class Server:
    def __init__(self, database_url: str) -> None:
        from hub.auth import ALL_SCOPES, create_key
        from hub.db import create_db_engine

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        engine = create_db_engine(database_url)
        self.key = create_key(engine, "tests", ALL_SCOPES - {"pii:read"}).key
        engine.dispose()
        _KEYS[f"127.0.0.1:{self.port}"] = self.key
        config = uvicorn.Config(create_app(Settings(database_url=database_url)), host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def server_for(database_url: str) -> Server:
    return Server(database_url)


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    with Server(database_url) as running:
        yield running


def _contact(customer_id: str, summary: str) -> dict[str, Any]:
    return {
        "input": {
            "customer": {"id": customer_id},
            "channel": "APP",
            "type": "INQUIRY",
            "occurredAt": "2024-05-01T09:30:00+00:00",
            "summary": summary,
        }
    }


async def _record(url: str, customer_id: str, summary: str) -> dict[str, Any]:
    async with Client(transport=_ws(url)) as session:
        return (await session.execute(GraphQLRequest(RECORD, variable_values=_contact(customer_id, summary))))["recordContact"]["event"]


async def _take(url: str, after: str | None, count: int, during: Any = None) -> list[dict[str, Any]]:
    """Subscribe after ``after``; once subscribed, run ``during``; return the first ``count`` events."""
    got: list[dict[str, Any]] = []
    async with Client(transport=_ws(url)) as session:
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


def test_replay_then_live_then_resume(server: Server, customer_id: str) -> None:
    async def main() -> None:
        for i in range(3):
            await _record(server.ws_url, customer_id, f"old {i}")

        async def live() -> None:
            await _record(server.ws_url, customer_id, "live 0")
            await _record(server.ws_url, customer_id, "live 1")

        first = await _take(server.ws_url, None, 5, during=live)
        assert [e["summary"] for e in first] == ["old 0", "old 1", "old 2", "live 0", "live 1"]
        assert [e["seq"] for e in first] == sorted({e["seq"] for e in first})
        # Disconnected after "old 1"'s cursor: resume delivers exactly the rest.
        resumed = await _take(server.ws_url, first[1]["cursor"], 3)
        assert [e["summary"] for e in resumed] == ["old 2", "live 0", "live 1"]

    asyncio.run(main())


def test_unknown_cursor_is_an_error_not_a_restart(server: Server, customer_id: str) -> None:
    async def main() -> None:
        event = await _record(server.ws_url, customer_id, "one")
        missing = _cursor(event["seq"] + 1000)
        with pytest.raises(TransportQueryError) as raised:
            await _take(server.ws_url, missing, 1)
        assert raised.value.errors and raised.value.errors[0]["extensions"]["code"] == "NOT_FOUND"

    asyncio.run(main())


def _cursor(seq: int) -> str:
    from schema.feed import event_cursor

    return event_cursor(seq)


def test_subscriptions_per_connection_are_capped(server: Server, customer_id: str) -> None:
    from schema.feed import MAX_SUBSCRIPTIONS_PER_CONNECTION

    async def main() -> None:
        await _record(server.ws_url, customer_id, "one")
        async with Client(transport=_ws(server.ws_url)) as session:
            streams = [session.subscribe(GraphQLRequest(SUBSCRIBE)) for _ in range(MAX_SUBSCRIPTIONS_PER_CONNECTION)]
            for stream in streams:
                assert (await anext(stream))["contactEvents"]["summary"] == "one"
            with pytest.raises(TransportQueryError) as raised:
                await anext(session.subscribe(GraphQLRequest(SUBSCRIBE)))
            assert raised.value.errors[0]["extensions"]["code"] == "LIMIT_EXCEEDED"
            for stream in streams:
                await stream.aclose()

    asyncio.run(main())


def test_feed_query_pages_with_the_same_cursors(server: Server, customer_id: str) -> None:
    from gql.transport.httpx import HTTPXAsyncTransport

    async def main() -> None:
        events = [await _record(server.ws_url, customer_id, f"e{i}") for i in range(5)]
        query = ("query($after: String) { contactEvents(first: 2, after: $after) { nodes { seq } pageInfo { hasNextPage endCursor } } }")
        seen, after = [], None
        async with Client(transport=HTTPXAsyncTransport(url=f"http://127.0.0.1:{server.port}/graphql", headers={"Authorization": f"Bearer {server.key}"})) as session:
            while True:
                page = (await session.execute(GraphQLRequest(query, variable_values={"after": after})))["contactEvents"]
                seen.extend(node["seq"] for node in page["nodes"])
                if not page["pageInfo"]["hasNextPage"]:
                    break
                after = page["pageInfo"]["endCursor"]
        assert seen == [event["seq"] for event in events]

    asyncio.run(main())


@pytest.mark.postgres_only
def test_event_on_one_process_reaches_subscriber_on_another(database_url: str, customer_id: str) -> None:
    with Server(database_url) as one, Server(database_url) as other:

        async def main() -> None:
            async def record_on_other() -> None:
                await _record(other.ws_url, customer_id, "from the other hub")

            await _record(one.ws_url, customer_id, "first")
            got = await _take(one.ws_url, None, 2, during=record_on_other)
            assert [e["summary"] for e in got] == ["first", "from the other hub"]

        asyncio.run(main())
