"""A hub killed with SIGKILL under mixed reads and writes loses no audit row of an acknowledged write, and of
reads at most the audit writer's lag bound (``AuditWriter.max_lag``) of answers.

Eight clients each take the next customer, read its 360 view or record a contact for it (every customer
is touched once, so each audit row names the answer it belongs to), and note when the answer came. The
``c360 serve`` process is killed mid-burst; the audit log is then compared with the answers.
"""

from __future__ import annotations

import itertools
import threading
import time
import urllib.error
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.auth.audit_writer import DEFAULT_MAX_LAG
from c360.hub.models import AuditEntry
from tests.api import factory
from tests.demo_process import free_port, post_graphql
from tests.helpers.serving import kill_mid_burst, serving

pytestmark = pytest.mark.reliability

CUSTOMERS = 1_500
CLIENTS = 8
RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { seq } } }"
VIEW = "query($id: ID!) { customer(id: $id) { id displayName identifiers { nodes { type value } } } }"
SLACK_S = 0.3  # scheduling of the clients' threads: an answer is noted a little after the row was queued


def _customers(engine: Engine) -> list[str]:
    with Session(engine) as session, session.begin():
        return [factory.customer(session, f"客户{n}", phone=f"+86139{n:08d}").id for n in range(CUSTOMERS)]


def _traffic(port: int, key: str, customers: list[str], answered: dict[str, tuple[str, float]], stop: threading.Event) -> None:
    """Each client takes the next customer: even ones are read, odd ones get a contact; answers are noted with their time."""
    turns = itertools.count()
    lock = threading.Lock()

    def client() -> None:
        while not stop.is_set():
            with lock:
                turn = next(turns)
            if turn >= len(customers):
                return
            customer = customers[turn]
            try:
                if turn % 2:
                    contact = {"customer": {"id": customer}, "channel": "APP", "type": "INQUIRY", "idempotencyKey": f"k{turn}",
                               "occurredAt": "2024-05-01T09:30:00+00:00", "summary": "asked about roaming"}  # fmt: skip
                    answer = post_graphql(port, key, RECORD, {"input": contact})
                    action = "write" if (answer.get("data") or {}).get("recordContact") else None
                else:
                    answer = post_graphql(port, key, VIEW, {"id": customer})
                    action = "read" if (answer.get("data") or {}).get("customer") else None
            except (OSError, urllib.error.URLError, ValueError):
                return  # the hub is gone
            if action:
                with lock:
                    answered[customer] = (action, time.monotonic())

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def test_sigkill_loses_no_audit_row_of_a_write_and_at_most_the_lag_bound_of_reads(
    work_dir: Path, database_url: str, engine: Engine, full_access_key: str
) -> None:
    customers = _customers(engine)
    answered: dict[str, tuple[str, float]] = {}
    port = free_port()
    with serving(work_dir, database_url, port) as hub:
        kill_mid_burst(hub, lambda stop: _traffic(port, full_access_key, customers, answered, stop), answered.__len__, CUSTOMERS // 3)
    assert CUSTOMERS // 3 <= len(answered) < CUSTOMERS  # killed mid-burst

    with Session(engine) as session:
        audited = {(customer, action) for customer, action in session.execute(select(AuditEntry.customer_id, AuditEntry.action))}
    missing = {customer: at for customer, (action, at) in answered.items() if (customer, action) not in audited}
    writes_missing = [customer for customer in missing if answered[customer][0] == "write"]
    assert not writes_missing, f"{len(writes_missing)} acknowledged writes have no audit row"
    if missing:
        span = max(missing.values()) - min(missing.values())
        assert span <= DEFAULT_MAX_LAG + SLACK_S, f"{len(missing)} reads lost over {span:.2f} s of answers"
