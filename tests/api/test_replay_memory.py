"""A replay of a long backlog delivers every event once, in order, in memory that does not grow with the backlog.

The replay reads the log in pages (``c360.schema.feed.REPLAY_BATCH`` rows) and is pulled by the socket's
sends, so a subscription holds one page at a time. graphql-core, though, kept an entry for every
event delivered in a memo the subscription's executor shares with each event's executor (about
2 kB an event, for as long as the subscription lives): ``c360.schema.executor.HubExecutor`` gives each
event its own. Memory is measured with tracemalloc in this process, where the server runs; the
pages the replay reads are counted by watching the statements sent to the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import secrets
import socket
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import websockets
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from c360.hub.models import EventLogEntry
from c360.schema.feed import REPLAY_BATCH
from tests.helpers.subscriptions import SERVER_KEYS, Server, drain, slow_subscriber

pytestmark = pytest.mark.reliability  # the abuse list of the reliability suite (docs/security.md)

BACKLOG = 8000
MEASURED_FROM = 1000  # the first pages warm caches (statements, documents); growth is measured after them
GROWTH_LIMIT = 1_000_000  # bytes over the remaining 7000 events; the leak cost ~2 kB an event
SUBSCRIBE = "subscription { contactEvents { seq summary } }"


@pytest.fixture
def backlog(engine: Any, customer_id: str) -> list[int]:  # noqa: F811
    """BACKLOG contact events in the log; their seqs in order."""
    now = datetime.now(UTC)
    rows = [
        {
            "event_id": str(uuid.uuid4()),
            "type": "contact.recorded",
            "golden_id": customer_id,
            "channel": "app",
            # random text: the test server compresses messages, and repeated text would shrink to nothing
            "payload": {"type": "inquiry", "summary": f"event {i} " + secrets.token_hex(100)},
            "occurred_at": now,
            "recorded_at": now,
        }
        for i in range(BACKLOG)
    ]
    with Session(engine) as session, session.begin():
        session.execute(insert(EventLogEntry), rows)
        return list(session.scalars(select(EventLogEntry.seq).order_by(EventLogEntry.seq)))


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def _traced_now() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def _replay(url: str, count: int) -> tuple[list[int], int]:
    """Subscribe with no cursor and read ``count`` events; their seqs, and how much traced memory grew
    between event MEASURED_FROM and the last one (the subscription still open)."""
    key = SERVER_KEYS[url.split("/")[2]]
    seqs: list[int] = []
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"], max_size=None) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "replay", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
        start = 0
        while len(seqs) < count:
            message = json.loads(await asyncio.wait_for(ws.recv(), 60))
            assert message["type"] == "next" and "errors" not in message["payload"], message
            seqs.append(message["payload"]["data"]["contactEvents"]["seq"])
            if len(seqs) == MEASURED_FROM:
                start = _traced_now()
        grown = _traced_now() - start
    return seqs, grown


def test_replay_of_a_long_backlog_is_complete_ordered_and_bounded_in_memory(
    database_url: str, backlog: list[int], traced: None
) -> None:
    with Server(database_url) as server:
        seqs, grown = asyncio.run(_replay(server.ws_url, BACKLOG))
    assert seqs == backlog  # every event, in order, exactly once
    assert grown < GROWTH_LIMIT, f"memory grew by {grown} bytes over {BACKLOG - MEASURED_FROM} events"



@contextlib.contextmanager
def _small_send_buffers(database_url: str) -> Iterator[Server]:
    """A test server whose sockets have a small kernel send buffer (accepted sockets inherit it from the
    listening one): what the server sends a client that does not read piles up in the process, where
    backpressure must stop it, not in megabytes of loopback buffers."""
    listening = socket.socket()
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
    listening.bind(("127.0.0.1", 0))
    try:
        with Server(database_url, listening) as server:
            yield server
    finally:
        listening.close()


async def _settled(pages: list[str], quiet: float = 1.5, within: float = 30) -> int:
    """How many pages were read once no page has been read for ``quiet`` seconds."""
    deadline = time.monotonic() + within
    seen, since = len(pages), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        if len(pages) != seen:
            seen, since = len(pages), time.monotonic()
        elif time.monotonic() - since >= quiet:
            return seen
    raise AssertionError("the replay never stopped reading the log")


def test_a_replay_nobody_reads_stops_reading_the_log(database_url: str, backlog: list[int]) -> None:
    """Backpressure: a replaying subscriber that reads nothing holds the replay at a page or so of the
    log (the socket's buffers fill, the sends wait, the generator waits); reading resumes it, from its
    place, with nothing lost or repeated."""
    pages: list[str] = []

    def read(_connection: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "FROM event_log" in statement and "LIMIT" in statement:
            pages.append(statement)

    with _small_send_buffers(database_url) as server:

        async def main() -> tuple[int, list[dict[str, Any]]]:
            event.listen(Engine, "before_cursor_execute", read)
            try:
                slow = await slow_subscriber(server.ws_url)
                stalled = await _settled(pages)
                events = await drain(slow, BACKLOG)
                await slow.close()
                return stalled, events
            finally:
                event.remove(Engine, "before_cursor_execute", read)

        stalled, events = asyncio.run(main())
    # Had nothing stopped it, the replay would have read all BACKLOG / REPLAY_BATCH pages before waiting.
    assert stalled < BACKLOG / REPLAY_BATCH / 4, f"{stalled} pages read before the replay waited"
    assert [e["seq"] for e in events] == backlog
