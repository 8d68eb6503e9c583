"""A PostgreSQL restart under a live subscriber loses no event: the subscriber stays connected and, once the
database is back, gets every event of the log in order, exactly once.

Contacts are recorded before the restart and, retried with their idempotency keys as a channel retries
them, while and after it. Needs to restart the local server (``pg_ctlcluster``, as root); skips saying so
where it cannot.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
import websockets
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.models import EventLogEntry
from tests.api import factory
from tests.demo_process import free_port, post_graphql
from tests.helpers.serving import serving

pytestmark = [pytest.mark.reliability, pytest.mark.postgres_only]

SUBSCRIBE = "subscription { contactEvents { seq } }"
RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq } } }"
EVENTS_EACH_SIDE = 20


def _restart_postgres() -> None:
    clusters = sorted(Path("/etc/postgresql").glob("*/main")) if Path("/etc/postgresql").exists() else []
    if os.geteuid() != 0 or shutil.which("pg_ctlcluster") is None or not clusters:
        pytest.skip("restarting PostgreSQL needs pg_ctlcluster and root (as in .ci/run)")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1].parent.name, "main", "restart"],
                   check=True, capture_output=True, timeout=120)  # fmt: skip


class Subscriber(threading.Thread):
    """One graphql-transport-ws subscription from the log's start, in a thread of its own."""

    def __init__(self, url: str, key: str) -> None:
        super().__init__(daemon=True)
        self.url, self.key = url, key
        self.seqs: list[int] = []
        self.ended: str | None = None
        self.ready = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        async with websockets.connect(self.url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {self.key}"}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
            self.ready.set()
            while not self.stop.is_set():
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 0.5))
                except TimeoutError:
                    continue
                except websockets.ConnectionClosed as closed:
                    self.ended = f"closed {closed.code}"
                    return
                if message["type"] == "next" and message["payload"].get("data"):
                    self.seqs.append(message["payload"]["data"]["contactEvents"]["seq"])
                elif message["type"] != "next" or message["payload"].get("errors"):
                    self.ended = str(message)[:300]
                    return


def _record(port: int, key: str, customer_id: str, n: int, patience: float = 90) -> None:
    """One contact, retried with the same idempotency key until the hub answers it (the database may be down)."""
    contact = {"customer": {"id": customer_id}, "channel": "APP", "type": "INQUIRY", "occurredAt": "2024-05-01T09:30:00+00:00",
               "summary": f"event {n}", "idempotencyKey": f"restart-{n}"}  # fmt: skip
    deadline = time.monotonic() + patience
    while True:
        try:
            answer = post_graphql(port, key, RECORD, {"input": contact})
            if (answer.get("data") or {}).get("recordContact"):
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"event {n} was never accepted"
        time.sleep(0.2)


def test_a_postgres_restart_loses_no_event_for_a_live_subscriber(
    work_dir: Path, database_url: str, engine: Engine, full_access_key: str
) -> None:
    with Session(engine) as session, session.begin():
        customer_id = factory.customer(session, "张伟").id
    port = free_port()
    with serving(work_dir, database_url, port):
        subscriber = Subscriber(f"ws://127.0.0.1:{port}/graphql", full_access_key)
        subscriber.start()
        assert subscriber.ready.wait(30)
        for n in range(EVENTS_EACH_SIDE):
            _record(port, full_access_key, customer_id, n)
        _restart_postgres()
        for n in range(EVENTS_EACH_SIDE, 2 * EVENTS_EACH_SIDE):
            _record(port, full_access_key, customer_id, n)
        with Session(engine) as session:
            logged = list(session.scalars(select(EventLogEntry.seq).order_by(EventLogEntry.seq)))
        assert len(logged) == 2 * EVENTS_EACH_SIDE  # each retried event stored once
        deadline = time.monotonic() + 60
        while len(subscriber.seqs) < len(logged) and subscriber.ended is None:
            assert time.monotonic() < deadline, f"{len(subscriber.seqs)} of {len(logged)} events delivered"
            time.sleep(0.1)
        subscriber.stop.set()
        subscriber.join(10)
    assert subscriber.ended is None, subscriber.ended
    assert subscriber.seqs == logged  # every event, in order, once
