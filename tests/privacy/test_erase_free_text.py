"""Free text a channel wrote through the API (a contact's outcome and summary, a step's note) is gone after an
erasure, and nothing of the person stays in the process's memos of normalized values or parsed queries."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import create_key
from c360.hub.normalize import VALUE_CACHES, normalize_phone, normalize_ric
from tests.helpers.personal_data import dump_personal_tables
from tests.privacy.conftest import OTHER_PHONE, RIC, World

CALLBACK = "13612345678"  # a number the agent wrote down as free text, known to no silo
RECORD = """mutation($input: RecordContactInput!) { recordContact(input: $input) { event { serviceRequestId } } }"""
UPDATE = """mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) { event { seq } } }"""
ERASE = "mutation($id: ID!) { eraseCustomer(id: $id, reason: \"DSR-7\") { events } }"


def _post(client: TestClient, key: str, query: str, variables: dict[str, Any]) -> Any:
    answer = client.post("/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"}).json()
    assert "errors" not in answer, answer
    return answer["data"]


def test_outcome_and_notes_written_through_the_api_are_erased(engine: Engine, database_url: str, world: World) -> None:
    steward = create_key(engine, "dpo-desk", {"steward", "customer:lookup"}).key
    channel = create_key(engine, "call-center", {"customer:read", "contact:write"}).key
    contact = {"customer": {"id": world.me}, "channel": "CALL_CENTER", "type": "COMPLAINT", "occurredAt": "2024-06-02T09:00:00+08:00",
               "summary": "no signal at home", "outcome": f"call back on {CALLBACK}", "phone": CALLBACK, "idempotencyKey": "c-1"}
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        opened = _post(client, channel, RECORD, {"input": contact})["recordContact"]["event"]
        _post(client, channel, UPDATE, {"input": {"serviceRequestId": opened["serviceRequestId"], "status": "RESOLVED",
                                                  "channel": "CALL_CENTER", "note": f"reached him on {CALLBACK}"}})
        lookup = f'{{ customerBy(idNumber: "{RIC}") {{ id }} }}'  # a literal ID number in a query text
        client.post("/graphql", json={"query": lookup}, headers={"Authorization": f"Bearer {steward}"})
        normalize_phone(CALLBACK), normalize_ric(RIC)
        documents = client.app.state.documents  # type: ignore[attr-defined]
        assert CALLBACK in dump_personal_tables(engine) and any(lookup == text for text in documents.valid)
        assert all(cached.cache_info().currsize for cached in (normalize_phone, normalize_ric))

        assert _post(client, steward, ERASE, {"id": world.me})["eraseCustomer"]["events"] >= 2

    after = dump_personal_tables(engine)
    assert CALLBACK not in after and "call back on" not in after and "reached him" not in after
    assert OTHER_PHONE in after  # the bystander is untouched
    assert [cached.__name__ for cached in VALUE_CACHES if cached.cache_info().currsize] == []
    assert not any(RIC in text for text in documents.valid)


def test_subscribers_shared_tail_holds_no_erased_text(engine: Engine, database_url: str, world: World) -> None:
    """Woken subscribers are served from one in-memory tail of the newest events: an erasure must not leave
    the erased text there for a subscriber that resumes from it."""
    steward = create_key(engine, "dpo-desk", {"steward", "customer:lookup"}).key
    channel = create_key(engine, "call-center", {"customer:read", "contact:write"}).key
    contact = {"customer": {"id": world.me}, "channel": "CALL_CENTER", "type": "INQUIRY", "occurredAt": "2024-06-02T09:00:00+08:00",
               "summary": f"asked to be called on {CALLBACK}", "idempotencyKey": "c-2"}  # fmt: skip
    with TestClient(create_app(Settings(database_url=database_url))) as client:
        notifier = client.app.state.notifier  # type: ignore[attr-defined]
        sessions = client.app.state.sessions  # type: ignore[attr-defined]

        def tail_text() -> str:
            rows = client.portal.call(lambda: notifier.events_after(sessions, 0, 100, generation=notifier.generation))
            return str([row.payload for row in rows])

        tail_text()  # the tail starts at the log's beginning
        _post(client, channel, RECORD, {"input": contact})
        notifier.wake()
        assert CALLBACK in tail_text()
        _post(client, steward, ERASE, {"id": world.me})
        assert CALLBACK not in tail_text()
