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

from tests.helpers.subscriptions import (
    Server,
    drain,
    record_contact,
    slow_subscriber,
    take_events,
)

EVENTS = 60
SUMMARY = "x" * 1900  # big events fill the slow client's buffers quickly


def test_a_subscriber_that_stops_reading_does_not_slow_the_others(database_url: str, customer_id: str) -> None:
    with Server(database_url) as server:

        async def main() -> None:
            slow = await slow_subscriber(server.ws_url)

            async def record_all() -> None:
                for i in range(EVENTS):
                    await record_contact(server.ws_url, customer_id, f"{i} {SUMMARY}")

            first = await record_contact(server.ws_url, customer_id, "first")
            # The fast subscriber gets every event while the slow one reads nothing at all.
            fast = await asyncio.wait_for(take_events(server.ws_url, None, EVENTS + 1, during=record_all), 120)
            assert [e["summary"].split(" ")[0] for e in fast] == ["first", *map(str, range(EVENTS))]
            # The slow one then reads: everything, in order, nothing lost or repeated.
            late = await drain(slow, EVENTS + 1)
            assert [e["seq"] for e in late] == [e["seq"] for e in fast]
            assert late[0]["seq"] == first["seq"]
            await slow.close()

        asyncio.run(main())
