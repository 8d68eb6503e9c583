"""Through the running app: idempotency keys belong to the credential that used them, and a key bound
to channels records only those channels."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from c360.config import Settings
from c360.hub.auth import create_key, rotate_key
from c360.hub.db import create_db_engine
from c360.hub.models import ApiKey, EventLogEntry

RECORD = """mutation($input: RecordContactInput!) { recordContact(input: $input) {
  replayed event { seq channel recordedBy summary serviceRequestId } } }"""
UPDATE = """mutation($input: UpdateServiceRequestInput!) { updateServiceRequest(input: $input) {
  replayed event { seq channel recordedBy serviceRequestStatus } } }"""
WRITER = {"customer:read", "contact:write"}


def _key(settings: Settings, name: str, channels: list[str] | None = None) -> tuple[str, str]:
    engine = create_db_engine(settings.database_url)
    try:
        issued = create_key(engine, name, WRITER, channels=channels)
        return issued.key, f"key:{issued.name}:{issued.key_id}"
    finally:
        engine.dispose()


def _contact(customer: str, channel: str = "CALL_CENTER", **overrides: Any) -> dict[str, Any]:
    return {"input": {"customer": {"id": customer}, "channel": channel, "type": "INQUIRY",
                      "occurredAt": "2024-05-01T09:30:00+08:00", "summary": "asks about roaming", **overrides}}


def _post(client: TestClient, key: str, query: str, variables: dict[str, Any]) -> Any:
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    return response.json()


def test_another_key_reusing_an_idempotency_key_records_its_own_event(
    client: TestClient, settings: Settings, people: dict[str, str]
) -> None:
    a, a_name = _key(settings, "call-center-a")
    b, b_name = _key(settings, "call-center-b")
    first = _post(client, a, RECORD, _contact(people["me"], idempotencyKey="k-1"))["data"]["recordContact"]
    same = _post(client, b, RECORD, _contact(people["me"], idempotencyKey="k-1"))["data"]["recordContact"]
    other = _post(client, b, RECORD, _contact(people["me"], idempotencyKey="k-2", summary="something else"))
    taken_by_a = _post(client, a, RECORD, _contact(people["me"], idempotencyKey="k-2"))["data"]["recordContact"]
    assert (first["replayed"], first["event"]["recordedBy"]) == (False, a_name)
    # Neither an oracle (A's event back) nor a block (CONFLICT): B's key is B's alone.
    assert (same["replayed"], same["event"]["recordedBy"]) == (False, b_name)
    assert same["event"]["seq"] != first["event"]["seq"]
    assert "errors" not in other and other["data"]["recordContact"]["replayed"] is False
    assert (taken_by_a["replayed"], taken_by_a["event"]["recordedBy"]) == (False, a_name)
    # Each caller's own retries still replay, and a different input under its own key is still a CONFLICT.
    again = _post(client, b, RECORD, _contact(people["me"], idempotencyKey="k-1"))["data"]["recordContact"]
    assert (again["replayed"], again["event"]["seq"]) == (True, same["event"]["seq"])
    conflict = _post(client, a, RECORD, _contact(people["me"], idempotencyKey="k-1", summary="changed"))
    assert conflict["errors"][0]["extensions"]["code"] == "CONFLICT"


def test_idempotency_keys_of_service_request_updates_are_per_caller_too(
    client: TestClient, settings: Settings, people: dict[str, str]
) -> None:
    a, a_name = _key(settings, "call-center-a")
    b, b_name = _key(settings, "call-center-b")
    opened = _post(client, a, RECORD, _contact(people["me"], type="COMPLAINT"))["data"]["recordContact"]["event"]
    step = {"serviceRequestId": opened["serviceRequestId"], "status": "IN_PROGRESS", "channel": "CALL_CENTER",
            "at": "2024-05-01T10:00:00+08:00", "idempotencyKey": "u-1"}
    first = _post(client, a, UPDATE, {"input": step})["data"]["updateServiceRequest"]
    by_b = _post(client, b, UPDATE, {"input": {**step, "status": "RESOLVED"}})["data"]["updateServiceRequest"]
    assert (first["replayed"], first["event"]["recordedBy"]) == (False, a_name)
    assert (by_b["replayed"], by_b["event"]["recordedBy"], by_b["event"]["serviceRequestStatus"]) == (False, b_name, "resolved")


def test_a_key_bound_to_a_channel_records_only_that_channel(
    client: TestClient, settings: Settings, people: dict[str, str], engine: Any
) -> None:
    call_center, _ = _key(settings, "call-center")  # named after a channel: bound to it
    explicit, _ = _key(settings, "hall-desk-7", channels=["BUSINESS_HALL", "account-manager"])
    before = _events(engine)
    refused = _post(client, call_center, RECORD, _contact(people["me"], channel="WEB"))
    assert refused["data"] is None
    error = refused["errors"][0]
    assert error["extensions"] == {"code": "FORBIDDEN", "field": "input.channel", "channels": ["CALL_CENTER"]}
    assert "CALL_CENTER" in error["message"] and "WEB" in error["message"]
    assert _events(engine) == before  # nothing written
    ok = _post(client, call_center, RECORD, _contact(people["me"]))["data"]["recordContact"]["event"]
    assert ok["channel"] == "CALL_CENTER"
    assert _post(client, explicit, RECORD, _contact(people["me"], channel="ACCOUNT_MANAGER"))["data"]["recordContact"]
    refused = _post(client, explicit, RECORD, _contact(people["me"], channel="CALL_CENTER"))
    assert refused["errors"][0]["extensions"]["channels"] == ["ACCOUNT_MANAGER", "BUSINESS_HALL"]
    # A service request's steps are recorded for a channel too.
    opened = _post(client, call_center, RECORD, _contact(people["me"], type="COMPLAINT"))["data"]["recordContact"]["event"]
    step = {"serviceRequestId": opened["serviceRequestId"], "status": "RESOLVED", "channel": "WEB"}
    refused = _post(client, call_center, UPDATE, {"input": step})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    moved = _post(client, call_center, UPDATE, {"input": {**step, "channel": "CALL_CENTER"}})
    assert moved["data"]["updateServiceRequest"]["event"]["serviceRequestStatus"] == "resolved"


def test_a_key_named_after_no_channel_records_any_channel_and_rotation_keeps_the_binding(
    client: TestClient, settings: Settings, people: dict[str, str], engine: Any
) -> None:
    anywhere, _ = _key(settings, "integration-bus")
    for channel in ("WEB", "SMS", "CALL_CENTER"):
        assert _post(client, anywhere, RECORD, _contact(people["me"], channel=channel))["data"]["recordContact"]
    _, name = _key(settings, "sms")
    rotated = rotate_key(engine, name.rsplit(":", 1)[1])
    assert rotated.channels == ("sms",)
    refused = _post(client, rotated.key, RECORD, _contact(people["me"], channel="APP"))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_unknown_channels_and_overlong_names_are_refused_when_a_key_is_made(engine: Any) -> None:
    from c360.hub.auth.keys import ApiKeyError

    with pytest.raises(ApiKeyError, match="unknown channel"):
        create_key(engine, "desk", WRITER, channels=["FAX"])
    with pytest.raises(ApiKeyError, match="at most 100 characters"):  # its identity must fit recorded_by
        create_key(engine, "d" * 101, WRITER)
    with Session(engine) as session:
        assert session.scalars(select(ApiKey)).all() == []


def _events(engine: Any) -> int:
    with Session(engine) as session:
        return len(session.scalars(select(EventLogEntry.seq)).all())
