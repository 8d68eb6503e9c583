"""A self-service token over a real WebSocket (graphql-transport-ws): its subscription reaches its own customer only."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
import websockets
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from websockets.typing import Subprotocol

from c360.config import Secret, Settings
from c360.hub.auth import create_key, issue_token
from c360.hub.db import create_db_engine
from tests.helpers.binding import RECORD, SUBSCRIBE, client_as


async def _refused(url: str, token: str, filter_: Any) -> dict[str, Any]:
    async with client_as(url, token) as session:
        with pytest.raises(TransportQueryError) as refused:
            async for _ in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"f": filter_})):
                pass
    return refused.value.errors[0] if refused.value.errors else {}  # type: ignore[return-value]


@pytest.mark.parametrize("which", ["other", "both", "none", "empty"])
def test_subscription_filter_for_another_customer_is_refused(server: str, settings: Settings, people: dict[str, str], which: str) -> None:
    token = issue_token(settings.auth, people["me"])
    filter_ = {
        "other": {"customerIds": [people["other"]]},
        "both": {"customerIds": [people["me"], people["other"]]},
        "none": None,
        "empty": {"customerIds": []},
    }[which]
    error = asyncio.run(_refused(server, token, filter_))
    assert error["extensions"]["code"] == "FORBIDDEN" and error["extensions"]["scope"] == "customer binding"


def test_own_subscription_gets_own_events_only(server: str, settings: Settings, people: dict[str, str]) -> None:
    token = issue_token(settings.auth, people["me"])
    engine = create_db_engine(settings.database_url)
    writer = create_key(engine, "writer", {"contact:write"}).key
    engine.dispose()

    async def scenario() -> list[dict[str, Any]]:
        received: list[dict[str, Any]] = []
        subscribed = asyncio.Event()

        async def listen() -> None:
            async with client_as(server, token) as session:
                stream = session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"f": {"customerIds": [people["me"]]}}))
                task = asyncio.ensure_future(anext(stream))
                # No `after`: the log is replayed from its start, so whenever the subscription starts it
                # meets both events, and the other customer's is refused by the binding, not by timing.
                subscribed.set()
                try:
                    received.append((await asyncio.wait_for(task, 20))["contactEvents"])
                finally:
                    await stream.aclose()  # type: ignore[attr-defined]

        async def write() -> None:
            await subscribed.wait()
            async with client_as(server, writer) as session:
                await session.execute(GraphQLRequest(RECORD, variable_values={"id": people["other"], "s": "someone else"}))
                await session.execute(GraphQLRequest(RECORD, variable_values={"id": people["me"], "s": "mine"}))

        await asyncio.gather(listen(), write())
        return received

    received = asyncio.run(scenario())
    assert received == [{"customerId": people["me"], "summary": "mine"}]


def test_bad_token_is_refused_at_connection_init(server: str, settings: Settings, people: dict[str, str]) -> None:
    expired = issue_token(settings.auth, people["me"], ttl=timedelta(seconds=-5))
    forged = issue_token(dataclasses.replace(settings.auth, jwt_secret=Secret("another-secret-" + "y" * 40)), people["me"])

    async def close_code(token: str) -> int | None:
        async with websockets.connect(server, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code if closed.value.rcvd else None

    for token in (expired, forged):
        assert asyncio.run(close_code(token)) == 4403
