"""The event log's order: a reader resuming by ``seq`` never skips an event that commits late with a lower ``seq``.

On PostgreSQL a ``seq`` is drawn before commit, so the event of a transaction still open can
hold a lower ``seq`` than one already committed. The tests hold such a transaction open on a
connection of their own, running the very statement the hub runs, while the hub writes and
reads through its own connections.
"""

from __future__ import annotations

import asyncio
import random
import threading
from typing import Any

import psycopg
import pytest
from gql import Client, GraphQLRequest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from c360.hub.db import create_async_db_engine
from c360.hub.events import ContactWrite, EventWriter, pg_writes, read_events
from c360.hub.events.order import EVENT_LOG_LOCK, EVENT_SEQUENCE
from c360.hub.models import utcnow
from tests.demo_process import post_graphql
from tests.helpers.subscriptions import RECORD, Server, contact_input, ws_transport

SUBSCRIBE = "subscription($after: String) { contactEvents(after: $after) { seq summary } }"


def _conninfo(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _write(customer_id: str, summary: str, key: str | None = None) -> ContactWrite:
    return ContactWrite(
        golden_id=customer_id, channel="app", type="inquiry", occurred_at=utcnow(), direction="inbound", agent=None,
        summary=summary, outcome=None, phone=None, service_request_id=None, opens_request=False, recorded_by="tests",
        idempotency_key=key, request_hash=None,
    )


@pytest.mark.postgres_only
def test_a_subscriber_waits_for_the_lower_seq_that_commits_late(database_url: str, server: Server, customer_id: str) -> None:
    """Writer A draws its seq and stays open; writer B (the hub) commits a higher seq. The subscriber
    must not deliver B before A commits, and then delivers A, B in order."""

    async def main() -> None:
        start = (await asyncio.to_thread(post_graphql, server.port, server.key, RECORD, contact_input(customer_id, "first")))
        cursor = start["data"]["recordContact"]["event"]["cursor"]
        late = await psycopg.AsyncConnection.connect(_conninfo(database_url))  # not autocommit: the transaction stays open
        try:
            held = await pg_writes.record_contact(late, _write(customer_id, "late, lower seq"))
            got: list[dict[str, Any]] = []

            async def subscribe() -> None:
                async with Client(transport=ws_transport(server.ws_url)) as session:
                    async for result in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values={"after": cursor})):
                        got.append(result["contactEvents"])
                        if len(got) == 2:
                            return

            subscriber = asyncio.ensure_future(subscribe())
            other = asyncio.ensure_future(
                asyncio.to_thread(post_graphql, server.port, server.key, RECORD, contact_input(customer_id, "early, higher seq"))
            )
            answered = (await asyncio.wait_for(other, 15))["data"]["recordContact"]["event"]
            assert answered["seq"] > held.event.seq  # and the hub's append did not wait for the open one
            await asyncio.sleep(1.0)
            assert got == []  # the higher seq is committed, but a lower one may still come: nothing yet
            await late.commit()
            await asyncio.wait_for(subscriber, 15)
            assert [(e["seq"], e["summary"]) for e in got] == [
                (held.event.seq, "late, lower seq"), (answered["seq"], "early, higher seq"),
            ]
        finally:
            await late.close()

    asyncio.run(main())


@pytest.mark.postgres_only
def test_a_page_read_never_passes_an_open_lower_seq(database_url: str, customer_id: str) -> None:
    """``read_events`` (the feed query, the subscriptions' replay and tail) returns nothing past an open seq."""

    async def main() -> None:
        engine = create_async_db_engine(database_url)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        writer = EventWriter(sessions)
        late = await psycopg.AsyncConnection.connect(_conninfo(database_url))
        try:
            held = await pg_writes.record_contact(late, _write(customer_id, "open"))
            early = await writer.record_contact(_write(customer_id, "committed"))
            assert early.event.seq > held.event.seq
            reading = asyncio.ensure_future(read_events(sessions, 0, 100))
            await asyncio.sleep(0.5)
            assert not reading.done()  # the read waits for the open writer rather than answer without it
            await late.rollback()  # the lower seq never commits: the read goes on without it
            rows = await asyncio.wait_for(reading, 10)
            assert [row.payload["summary"] for row in rows] == ["committed"]
        finally:
            await late.close()
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.postgres_only
def test_no_seq_is_drawn_before_the_ordering_lock_is_held(database_url: str, customer_id: str) -> None:
    async def main() -> None:
        engine = create_async_db_engine(database_url)
        writer = EventWriter(async_sessionmaker(engine, expire_on_commit=False))
        blocker = await psycopg.AsyncConnection.connect(_conninfo(database_url))
        try:
            await blocker.execute("SELECT pg_advisory_xact_lock(%s)", (EVENT_LOG_LOCK,))
            before = await (await blocker.execute(f"SELECT last_value, is_called FROM {EVENT_SEQUENCE}")).fetchone()
            writing = asyncio.ensure_future(writer.record_contact(_write(customer_id, "waits")))
            await asyncio.sleep(0.5)
            assert not writing.done()
            # read in a new statement: the sequence is not transactional, a drawn value would show
            after = await (await blocker.execute(f"SELECT last_value, is_called FROM {EVENT_SEQUENCE}")).fetchone()
            assert after == before
            await blocker.rollback()
            appended = await asyncio.wait_for(writing, 10)
            assert appended.new
        finally:
            await blocker.close()
            await engine.dispose()

    asyncio.run(main())


@pytest.mark.postgres_only
def test_the_event_sequence_hands_out_values_one_at_a_time(engine: Any) -> None:
    """The read horizon relies on no session caching a block of seq values (CACHE 1)."""
    with engine.connect() as connection:
        cache = connection.execute(
            text("SELECT cache_size FROM pg_sequences WHERE sequencename = :name AND schemaname = current_schema()"),
            {"name": EVENT_SEQUENCE},
        ).scalar_one()
    assert cache == 1


def test_concurrent_writers_on_two_connections_never_let_a_resuming_reader_skip(database_url: str, customer_id: str) -> None:
    """Two writers, each with its own event loop and connections, append while a reader resumes from
    its last seq over and over; in the end it has read every event exactly once, in seq order."""
    per_writer = 60
    done = threading.Event()
    errors: list[BaseException] = []

    def write(name: str) -> None:
        async def main() -> None:
            engine = create_async_db_engine(database_url)
            writer = EventWriter(async_sessionmaker(engine, expire_on_commit=False), pool_name=f"tests-{name}")
            await writer.start()
            try:

                async def one(i: int) -> None:
                    await asyncio.sleep(random.random() * 0.2)
                    await writer.record_contact(_write(customer_id, f"{name}-{i}", key=f"{name}-{i}"))

                await asyncio.gather(*(one(i) for i in range(per_writer)))
            finally:
                await writer.stop()
                await engine.dispose()

        try:
            asyncio.run(main())
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    async def read() -> list[int]:
        engine = create_async_db_engine(database_url)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        seen: list[int] = []
        try:
            while True:
                finished = done.is_set()
                rows = await read_events(sessions, seen[-1] if seen else 0, 7)
                seen.extend(row.seq for row in rows)
                if finished and not rows:
                    return seen
                await asyncio.sleep(0.005)
        finally:
            await engine.dispose()

    writers = [threading.Thread(target=write, args=(name,)) for name in ("one", "two")]
    for thread in writers:
        thread.start()

    async def watch() -> list[int]:
        reading = asyncio.ensure_future(read())
        await asyncio.to_thread(lambda: [thread.join() for thread in writers])
        done.set()
        return await reading

    seen = asyncio.run(watch())
    assert not errors, errors
    assert len(seen) == 2 * per_writer and seen == sorted(set(seen))

    async def stored() -> list[int]:
        engine = create_async_db_engine(database_url)
        try:
            return [row.seq for row in await read_events(async_sessionmaker(engine), 0, 10 * per_writer)]
        finally:
            await engine.dispose()

    assert seen == asyncio.run(stored())
