"""A subscriber that stops reading does not hold up the others, and later resumes from the log without loss.

The slow client's socket has a tiny receive buffer and its WebSocket library a
one-message queue, so the server's sends to it block after a few events (the
transport's high-water mark). The log is the only queue: the slow
subscription's generator simply stays suspended at its cursor, holding at
most one replay batch, and continues from there when the client reads again.
No timing assertions: the fast subscriber must get every event while the slow
one reads nothing, and the slow one must then get the same events, in order.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import websockets

from tests.helpers.subscriptions import SERVER_KEYS, SUBSCRIBE, Server, record_contact, take_events

EVENTS = 60
SUMMARY = "x" * 1900  # big events fill the slow client's buffers quickly


async def _slow_subscriber(url: str) -> Any:
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


async def _drain(connection: Any, count: int) -> list[dict[str, Any]]:
    got = []
    while len(got) < count:
        message = json.loads(await asyncio.wait_for(connection.recv(), 60))
        if message["type"] == "next":
            got.append(message["payload"]["data"]["contactEvents"])
        elif message["type"] in ("error", "complete"):
            raise AssertionError(message)
    return got


def test_a_subscriber_that_stops_reading_does_not_slow_the_others(database_url: str, customer_id: str) -> None:
    with Server(database_url) as server:

        async def main() -> None:
            slow = await _slow_subscriber(server.ws_url)

            async def record_all() -> None:
                for i in range(EVENTS):
                    await record_contact(server.ws_url, customer_id, f"{i} {SUMMARY}")

            first = await record_contact(server.ws_url, customer_id, "first")
            # The fast subscriber gets every event while the slow one reads nothing at all.
            fast = await asyncio.wait_for(take_events(server.ws_url, None, EVENTS + 1, during=record_all), 120)
            assert [e["summary"].split(" ")[0] for e in fast] == ["first", *map(str, range(EVENTS))]
            # The slow one then reads: everything, in order, nothing lost or repeated.
            late = await _drain(slow, EVENTS + 1)
            assert [e["seq"] for e in late] == [e["seq"] for e in fast]
            assert late[0]["seq"] == first["seq"]
            await slow.close()

        asyncio.run(main())
