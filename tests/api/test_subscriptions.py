"""contactEvents over a real WebSocket (graphql-transport-ws): replay, live, resume, bad cursor, cap, feed query."""

from __future__ import annotations

import asyncio

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from tests.helpers.subscriptions import (
    SUBSCRIBE,
    Server,
    record_contact,
    take_events,
    ws_transport,
)


def test_replay_then_live_then_resume(server: Server, customer_id: str) -> None:
    async def main() -> None:
        for i in range(3):
            await record_contact(server.ws_url, customer_id, f"old {i}")

        async def live() -> None:
            await record_contact(server.ws_url, customer_id, "live 0")
            await record_contact(server.ws_url, customer_id, "live 1")

        first = await take_events(server.ws_url, None, 5, during=live)
        assert [e["summary"] for e in first] == ["old 0", "old 1", "old 2", "live 0", "live 1"]
        assert [e["seq"] for e in first] == sorted({e["seq"] for e in first})
        # Disconnected after "old 1"'s cursor: resume delivers exactly the rest.
        resumed = await take_events(server.ws_url, first[1]["cursor"], 3)
        assert [e["summary"] for e in resumed] == ["old 2", "live 0", "live 1"]

    asyncio.run(main())


def test_unknown_cursor_is_an_error_not_a_restart(server: Server, customer_id: str) -> None:
    async def main() -> None:
        event = await record_contact(server.ws_url, customer_id, "one")
        missing = _cursor(event["seq"] + 1000)
        with pytest.raises(TransportQueryError) as raised:
            await take_events(server.ws_url, missing, 1)
        assert raised.value.errors and raised.value.errors[0]["extensions"]["code"] == "NOT_FOUND"

    asyncio.run(main())


def _cursor(seq: int) -> str:
    from c360.schema.feed import event_cursor

    return event_cursor(seq)


def test_subscriptions_per_connection_are_capped(server: Server, customer_id: str) -> None:
    from c360.schema.feed import MAX_SUBSCRIPTIONS_PER_CONNECTION

    async def main() -> None:
        await record_contact(server.ws_url, customer_id, "one")
        async with Client(transport=ws_transport(server.ws_url)) as session:
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
        events = [await record_contact(server.ws_url, customer_id, f"e{i}") for i in range(5)]
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
                await record_contact(other.ws_url, customer_id, "from the other hub")

            await record_contact(one.ws_url, customer_id, "first")
            got = await take_events(one.ws_url, None, 2, during=record_on_other)
            assert [e["summary"] for e in got] == ["first", "from the other hub"]

        asyncio.run(main())
