"""contactEvents over a real WebSocket (graphql-transport-ws): replay, live, resume, bad cursor, cap, feed query."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

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


def _named(database_url: str) -> str:
    """``database_url`` with an application name of its own: tests share the database (a schema each), so
    the backends of this test's processes are told from those another test left closing by that name."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).update_query_dict({"application_name": f"c360-test-{uuid.uuid4().hex[:12]}"}).render_as_string(
        hide_password=False
    )


def _event_listeners(database_url: str) -> int:
    """Backends of ``database_url``'s processes (by its application name) whose last statement was ``LISTEN`` on the event channel."""
    import psycopg
    from sqlalchemy.engine import make_url

    from c360.hub.events.log import NOTIFY_CHANNEL

    url = make_url(database_url)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        row = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = %s AND query = %s",
            (url.query["application_name"], f"LISTEN {NOTIFY_CHANNEL}"),
        ).fetchone()
    return int(row[0]) if row else 0


async def _until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


@pytest.mark.postgres_only
def test_a_process_listens_only_while_it_has_subscribers_and_loses_nothing_between(database_url: str, customer_id: str) -> None:
    database_url = _named(database_url)  # a listener another test left closing is not counted
    with Server(database_url) as one, Server(database_url) as other:
        one.app.state.notifier.idle_seconds = 0.2

        async def main() -> None:
            await record_contact(other.ws_url, customer_id, "before anyone listened")
            assert _event_listeners(database_url) == 0  # two serving processes, no subscriber: no LISTEN

            async with Client(transport=ws_transport(one.ws_url)) as session:
                stream = session.subscribe(GraphQLRequest(SUBSCRIBE))
                assert (await anext(stream))["contactEvents"]["summary"] == "before anyone listened"
                await _until(lambda: _event_listeners(database_url) == 1)
                await record_contact(other.ws_url, customer_id, "while listening")
                seen = (await anext(stream))["contactEvents"]
                assert seen["summary"] == "while listening"
                await stream.aclose()

            await _until(lambda: _event_listeners(database_url) == 0)  # the last subscriber left: LISTEN ends
            for i in range(2):
                await record_contact(other.ws_url, customer_id, f"while nobody listened {i}")

            async def live() -> None:
                await record_contact(other.ws_url, customer_id, "after subscribing again")

            resumed = await take_events(one.ws_url, seen["cursor"], 3, during=live)
            assert [e["summary"] for e in resumed] == ["while nobody listened 0", "while nobody listened 1", "after subscribing again"]

        asyncio.run(main())
