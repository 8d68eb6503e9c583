"""A hub killed with SIGKILL during a burst of retried recordContact calls stores exactly the acknowledged events.

Writers send contacts with idempotency keys and retry whatever got no answer, as a channel does.
The ``c360 serve`` process is killed mid-burst. Right after, every acknowledged event is in the
log with the seq and id its answer carried (durable before acknowledged) and nothing is there
twice; once the hub is back, the retries store what was never stored and replay what was stored
but never acknowledged, so each key ends up as exactly one event, with one contact and one
source record.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from c360.hub.models import Contact, EventLogEntry, SourceRecord
from tests.api import factory
from tests.demo_process import free_port
from tests.helpers.serving import kill_mid_burst, serving

pytestmark = pytest.mark.reliability

RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { replayed event { seq eventId } } }"
KEYS = 240
WRITERS = 8


def _send(port: int, credential: str, customer_id: str, key: str, patience: float = 30) -> dict[str, Any] | None:
    """The answer, or None when none came within ``patience`` seconds (the hub is down, went down, or was slow)."""
    body = {"query": RECORD, "variables": {"input": {
        "customer": {"id": customer_id}, "channel": "APP", "type": "INQUIRY", "occurredAt": "2024-05-01T09:30:00+00:00",
        "summary": f"burst {key}", "idempotencyKey": key}}}
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {credential}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=patience) as response:
            answer = json.load(response)
    except (OSError, urllib.error.HTTPError, ValueError):  # refused, reset, cut short
        return None
    return answer  # type: ignore[no-any-return]


def _burst(
    port: int, credential: str, customer_id: str, keys: list[str], acked: dict[str, dict[str, Any]], stop: threading.Event,
    impatient: frozenset[str] = frozenset(),
) -> list[str]:
    """Send every key once from WRITERS threads (until ``stop``); returns the keys that got no answer.

    For the ``impatient`` keys the writer gives up after a few milliseconds, as a channel with a short
    timeout would: the hub may well store the event, and only the retry hears of it."""
    pending: queue.Queue[str] = queue.Queue()
    for key in keys:
        pending.put(key)
    unanswered: list[str] = []
    lock = threading.Lock()

    def writer() -> None:
        while not stop.is_set():
            try:
                key = pending.get_nowait()
            except queue.Empty:
                return
            answer = _send(port, credential, customer_id, key, 0.003 if key in impatient else 30)
            with lock:
                if answer is None:
                    unanswered.append(key)
                elif "errors" in answer:
                    acked[key] = {"errors": answer["errors"]}  # fails the test's checks, with the reason
                else:
                    acked[key] = answer["data"]["recordContact"]

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with lock:
        return unanswered + list(pending.queue)


def _stored(engine: Any) -> dict[str, tuple[int, str]]:
    with Session(engine) as session:
        rows = session.execute(select(EventLogEntry.idempotency_key, EventLogEntry.seq, EventLogEntry.event_id))
        return {key: (seq, event_id) for key, seq, event_id in rows}


def _settled(engine: Any) -> dict[str, tuple[int, str]]:
    """What is stored once statements the killed hub had sent are over (the server finishes a statement
    whose client died, then finds nobody to answer)."""
    stored = _stored(engine)
    while True:
        time.sleep(0.5)
        again = _stored(engine)
        if again == stored:
            return stored
        stored = again


def _facts(engine: Any) -> tuple[list[int], list[str]]:
    with Session(engine) as session:
        seqs = list(session.scalars(select(Contact.event_seq)))
        records = list(session.scalars(select(SourceRecord.source_key).where(SourceRecord.kind == "contact")))
    return seqs, records


def test_sigkill_mid_burst_keeps_exactly_the_acknowledged_events(
    work_dir: Path, database_url: str, engine: Any, full_access_key: str
) -> None:
    with Session(engine) as session, session.begin():
        customer_id = factory.customer(session, "张伟").id
    keys = [f"burst-{i:04d}" for i in range(KEYS)]
    acked: dict[str, dict[str, Any]] = {}
    port = free_port()

    with serving(work_dir, database_url, port) as hub:
        impatient = frozenset(keys[::5])
        kill_mid_burst(hub, lambda stop: _burst(port, full_access_key, customer_id, keys, acked, stop, impatient), acked.__len__, KEYS // 4)
    acknowledged = dict(acked)
    assert KEYS // 4 <= len(acknowledged) < KEYS  # killed mid-burst
    assert not [answer for answer in acknowledged.values() if "errors" in answer]

    stored = _settled(engine)
    assert set(stored) <= set(keys)
    for key, answer in acknowledged.items():  # durable before acknowledged, with the seq and id it answered
        assert stored.get(key) == (answer["event"]["seq"], answer["event"]["eventId"]), key
    seqs, records = _facts(engine)
    assert sorted(seqs) == sorted(seq for seq, _ in stored.values())  # one contact per stored event, none without
    assert sorted(records) == sorted(event_id for _, event_id in stored.values())

    with serving(work_dir, database_url, port):
        retried: dict[str, dict[str, Any]] = {}
        left = [key for key in keys if key not in acknowledged]
        for _attempt in range(3):
            left = _burst(port, full_access_key, customer_id, left, retried, threading.Event())
            if not left:
                break
        assert not left
    assert not [answer for answer in retried.values() if "errors" in answer]
    final = _stored(engine)
    assert set(final) == set(keys)
    for key, answer in retried.items():
        assert final[key] == (answer["event"]["seq"], answer["event"]["eventId"])
        assert answer["replayed"] == (key in stored)  # stored but never acknowledged: the retry replays it
    assert all(final[key] == stored[key] for key in stored)
    seqs, records = _facts(engine)
    assert sorted(seqs) == sorted(seq for seq, _ in final.values())
    assert sorted(records) == sorted(event_id for _, event_id in final.values())
