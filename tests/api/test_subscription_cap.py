"""The per-connection subscription cap holds when subscribe frames arrive back to back.

Each subscribe frame starts its operation at once, so their resolvers run concurrently; a resolver
that awaited (reading the ``after`` cursor) between checking the count and raising it let every
one of them through, up to strawberry's own limit of 100.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets

from c360.schema.feed import MAX_SUBSCRIPTIONS_PER_CONNECTION
from tests.helpers.subscriptions import SERVER_KEYS, Server, record_contact

pytestmark = pytest.mark.reliability  # the abuse list of the reliability suite (docs/security.md)

FRAMES = 20
SUBSCRIBE = "subscription($after: String) { contactEvents(after: $after) { seq } }"


async def _answers(url: str, after: str) -> dict[str, str]:
    """Send FRAMES subscribe frames in one go; the first answer of each: 'next' (an event) or its error code."""
    key = SERVER_KEYS[url.split("/")[2]]
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        for i in range(FRAMES):
            frame = {"id": str(i), "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": {"after": after}}}
            await ws.send(json.dumps(frame))
        answers: dict[str, str] = {}
        while len(answers) < FRAMES:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if message["id"] in answers:
                continue
            assert message["type"] in ("next", "error"), message
            errors = message["payload"] if message["type"] == "error" else message["payload"].get("errors")
            answers[message["id"]] = errors[0]["extensions"]["code"] if errors else "next"
        return answers


def test_back_to_back_subscribe_frames_respect_the_cap(server: Server, customer_id: str) -> None:  # noqa: F811
    async def main() -> dict[str, str]:
        first = await record_contact(server.ws_url, customer_id, "first")
        await record_contact(server.ws_url, customer_id, "second")  # each subscription replays this one
        return await _answers(server.ws_url, first["cursor"])

    answers = asyncio.run(main())
    started = [i for i, answer in answers.items() if answer == "next"]
    refused = [i for i, answer in answers.items() if answer == "LIMIT_EXCEEDED"]
    assert len(started) == MAX_SUBSCRIPTIONS_PER_CONNECTION
    assert len(refused) == FRAMES - MAX_SUBSCRIPTIONS_PER_CONNECTION
