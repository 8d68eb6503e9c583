"""Sync and steward operations through the real ASGI app: runs, status, quarantine, explain, review, steward."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.models import AuditEntry, EventLogEntry, QuarantinedRecord, SourceRecord, SyncRun
from c360.silos import build
from c360.silos.run import SiloServers
from c360.sync.lock import stream_lock

KEY_ENV = "C360_OPS_TEST_BOSS_KEY"


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiloServers]:
    data = tmp_path_factory.mktemp("ops") / "silos"
    build(data, 100, seed=7)
    with SiloServers(data, api_key="ops-key") as running:
        yield running


@pytest.fixture
def settings(database_url: str, servers: SiloServers, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv(KEY_ENV, "ops-key")
    boss = {"type": "boss", "base_url": servers.boss_url, "api_key_env": KEY_ENV, "page_size": 40,
            "schedule": {"interval_seconds": 300}, "streams": {"orders": {"enabled": False}}}
    return Settings(database_url=database_url, connectors={"boss": boss})


OPS_SCOPES = frozenset({"sync:admin", "steward", "events:read"})


@pytest.fixture
def client(settings: Settings, engine: Any) -> Iterator[TestClient]:
    from c360.hub.auth.keys import create_key

    keys = {name: create_key(engine, name, OPS_SCOPES).key for name in ("steward.li", "ops")}
    with TestClient(create_app(settings)) as client:
        client.keys = keys  # type: ignore[attr-defined]
        yield client


def _post(client: TestClient, query: str, variables: dict[str, Any] | None = None, actor: str = "ops") -> Any:
    headers = {"Authorization": f"Bearer {client.keys[actor]}"}  # type: ignore[attr-defined]
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _data(client: TestClient, query: str, variables: dict[str, Any] | None = None, actor: str = "ops") -> Any:
    body = _post(client, query, variables, actor)
    assert "errors" not in body, body
    return body["data"]


def _error(client: TestClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = _post(client, query, variables)
    assert body.get("errors"), body
    return body["errors"][0]["extensions"]


TRIGGER = """mutation($target: String!, $full: Boolean) { triggerSync(target: $target, full: $full) {
  runs { id connector stream status recordsRead recordsWritten recordsQuarantined error } alreadyRunning } }"""
RUNS = """query($first: Int, $after: String, $status: SyncRunStatus, $stream: String) {
  syncRuns(first: $first, after: $after, status: $status, stream: $stream) {
  edges { cursor node { id connector stream status recordsRead } } pageInfo { hasNextPage endCursor } } }"""
STATUS = """{ syncStatus { availableConnectorTypes connectors { name type enabled schedule error
  streams { name enabled schedule latestRun { id status recordsRead } } } } }"""


def _sync_customers(client: TestClient) -> dict[str, Any]:
    runs = _data(client, TRIGGER, {"target": "boss.customers"})["triggerSync"]["runs"]
    assert len(runs) == 1 and runs[0]["status"] == "succeeded", runs
    return runs[0]


def test_trigger_sync_history_status_and_conflict(client: TestClient, engine: Any) -> None:
    run = _sync_customers(client)
    assert run["recordsRead"] >= 100 and run["recordsWritten"] >= 100
    second = _data(client, TRIGGER, {"target": "boss.accounts", "full": True})["triggerSync"]["runs"][0]

    page = _data(client, RUNS, {"first": 1})["syncRuns"]
    assert [e["node"]["id"] for e in page["edges"]] == [second["id"]]  # newest first
    assert page["pageInfo"]["hasNextPage"]
    rest = _data(client, RUNS, {"first": 5, "after": page["pageInfo"]["endCursor"]})["syncRuns"]
    assert [e["node"]["id"] for e in rest["edges"]] == [run["id"]]
    only = _data(client, RUNS, {"stream": "customers", "status": "SUCCEEDED"})["syncRuns"]["edges"]
    assert [e["node"]["stream"] for e in only] == ["customers"]

    status = _data(client, STATUS)["syncStatus"]
    assert "boss" in status["availableConnectorTypes"]
    (boss,) = status["connectors"]
    assert (boss["name"], boss["enabled"], boss["schedule"], boss["error"]) == ("boss", True, "every 300s", None)
    streams = {s["name"]: s for s in boss["streams"]}
    assert streams["customers"]["latestRun"]["id"] == run["id"]
    assert streams["subscriptions"]["latestRun"] is None
    assert streams["orders"]["enabled"] is False

    lock = stream_lock(engine, "boss", "customers")
    assert lock.acquire()
    try:
        extensions = _error(client, TRIGGER, {"target": "boss.customers"})
        assert extensions["code"] == "CONFLICT" and extensions["streams"] == ["boss.customers"]
    finally:
        lock.release()
    with Session(engine) as session:  # the refused trigger left no run behind
        assert session.scalar(select(SyncRun.id).order_by(SyncRun.id.desc()).limit(1)) == int(second["id"])

    assert _error(client, TRIGGER, {"target": "nosuch"}) == {"code": "BAD_USER_INPUT", "field": "target"}
    assert _error(client, TRIGGER, {"target": "boss.nosuch"})["field"] == "target"
    assert _error(client, RUNS, {"after": "bogus"})["field"] == "after"
    assert _error(client, RUNS, {"first": 101})["field"] == "first"


QUARANTINE = """query($status: QuarantineStatus, $first: Int, $after: String) {
  quarantine(status: $status, first: $first, after: $after) {
  edges { cursor node { id connector stream sourceKey status reason payload { name value } } } pageInfo { hasNextPage endCursor } } }"""
SHOW = """query($id: ID!) { quarantinedRecord(id: $id) { id status reason payload { name value } } }"""
RETRY = """mutation($id: ID!) { retryQuarantined(id: $id) { ok message sourceRecordIds record { id status } } }"""

GOOD = {"customer_id": "QX-GOOD", "customer_type": "individual", "name": "王芳", "phones": ["13800138000"],
        "email": "wangfang@example.cn", "id_type": "RIC", "id_number": "110101199003071234",
        "updated_at": "2024-06-01T10:00:00+08:00"}
BAD = {**GOOD, "customer_id": "QX-BAD", "customer_type": "alien"}


def test_quarantine_list_show_and_retry(client: TestClient, seed: Any, engine: Any) -> None:
    def rows(session: Session) -> list[int]:
        made = [QuarantinedRecord(connector="boss", stream="customers", source_key=raw["customer_id"],
                                  payload=json.dumps(raw, ensure_ascii=False), reason="customer_type: expected individual or enterprise",
                                  status="open") for raw in (BAD, GOOD)]
        made.append(QuarantinedRecord(connector="boss", stream="customers", source_key=None, payload="not json at all",
                                      reason="unparseable record", status="retried"))
        session.add_all(made)
        session.flush()
        return [row.id for row in made]

    bad_id, good_id, old_id = seed(rows)
    page = _data(client, QUARANTINE, {"first": 1})["quarantine"]
    assert [e["node"]["id"] for e in page["edges"]] == [str(good_id)]  # open only, newest first
    rest = _data(client, QUARANTINE, {"after": page["pageInfo"]["endCursor"]})["quarantine"]
    assert [e["node"]["id"] for e in rest["edges"]] == [str(bad_id)] and not rest["pageInfo"]["hasNextPage"]
    everything = _data(client, QUARANTINE, {"status": None})["quarantine"]["edges"]
    assert [e["node"]["id"] for e in everything] == [str(old_id), str(good_id), str(bad_id)]

    shown = _data(client, SHOW, {"id": str(good_id)})["quarantinedRecord"]
    fields = {f["name"]: f["value"] for f in shown["payload"]}
    assert fields["phones"] == ["138****8000"]
    assert fields["id_number"] == "110101********1234"
    assert fields["email"] == "w***@example.cn"
    text = json.dumps(shown, ensure_ascii=False)
    for personal in ("13800138000", "110101199003071234", "wangfang@"):
        assert personal not in text
    raw = _data(client, SHOW, {"id": str(old_id)})["quarantinedRecord"]["payload"]
    assert raw[0]["name"] == "(raw)" and "not json" not in json.dumps(raw)

    retried = _data(client, RETRY, {"id": str(good_id)})["retryQuarantined"]
    assert retried["ok"] and retried["record"]["status"] == "retried" and retried["sourceRecordIds"]
    with Session(engine) as session:
        assert session.scalar(select(SourceRecord.id).where(SourceRecord.source_key == "QX-GOOD")) is not None
    failed = _data(client, RETRY, {"id": str(bad_id)})["retryQuarantined"]
    assert not failed["ok"] and failed["message"].startswith("still fails") and failed["record"]["status"] == "open"
    again = _data(client, RETRY, {"id": str(good_id)})["retryQuarantined"]
    assert not again["ok"] and "already retried" in again["message"]

    assert _error(client, SHOW, {"id": "999999"}) == {"code": "NOT_FOUND", "field": "id"}
    assert _error(client, RETRY, {"id": "999999"})["code"] == "NOT_FOUND"
    assert _error(client, SHOW, {"id": "abc"}) == {"code": "BAD_USER_INPUT", "field": "id"}


EXPLAIN = """query($l: ID!, $r: ID!) { explain(left: $l, right: $r) {
  score decision rule left { id sourceKey customerId } right { id customerId } comparisons { field outcome weight } } }"""
STEWARD_RESULT = "operation actor reason customerId auditId records { id customerId } events { type fromIds toIds recordId recordedBy cursor }"
MERGE = f"mutation($l: ID!, $r: ID!, $why: String) {{ stewardMerge(left: $l, right: $r, reason: $why) {{ {STEWARD_RESULT} }} }}"
NEVER = f"mutation($l: ID!, $r: ID!, $why: String) {{ stewardNeverMerge(left: $l, right: $r, reason: $why) {{ {STEWARD_RESULT} }} }}"
UNMERGE = f"mutation($r: ID!, $why: String) {{ stewardUnmerge(record: $r, reason: $why) {{ {STEWARD_RESULT} }} }}"
REVIEW = """query($first: Int, $after: String) { reviewQueue(first: $first, after: $after) {
  edges { cursor node { score left { id customerId } right { id customerId } reasons { field outcome weight } } } pageInfo { hasNextPage endCursor } } }"""
EVENTS = """query($after: String) { identityEvents(after: $after) { nodes { type fromIds toIds recordId cursor } } }"""


def _parties(engine: Any) -> list[tuple[int, str, dict[str, Any]]]:
    with Session(engine) as session:
        rows = session.execute(select(SourceRecord.id, SourceRecord.source_key, SourceRecord.raw)
                               .where(SourceRecord.kind == "party", SourceRecord.source == "boss")
                               .order_by(SourceRecord.id)).all()
    return [(rid, key, raw) for rid, key, raw in rows]


def test_explain_steward_review_and_identity_events(client: TestClient, engine: Any) -> None:
    _sync_customers(client)
    parties = _parties(engine)
    (a, a_key, a_raw), (b, _, b_raw) = parties[0], parties[1]

    shown = _data(client, EXPLAIN, {"l": str(a), "r": f"boss:party:{parties[1][1]}"})["explain"]
    assert (shown["score"] is None) == (shown["decision"] == "never") and shown["decision"] in {"match", "review", "non_match", "never"}
    assert shown["comparisons"] and {"field", "outcome", "weight"} <= set(shown["comparisons"][0])
    assert shown["left"]["sourceKey"] == a_key and shown["right"]["id"] == str(b)
    text = json.dumps(shown, ensure_ascii=False)
    for raw in (a_raw, b_raw):
        for name in ("name", "id_number", "address"):
            value = raw.get(name)
            if isinstance(value, str) and len(value) >= 2:
                assert value not in text, name
        for phone in raw.get("phones") or []:
            assert str(phone) not in text

    merged = _data(client, MERGE, {"l": str(a), "r": str(b), "why": "same person, checked ID card"}, actor="steward.li")
    merged = merged["stewardMerge"]
    survivor = merged["customerId"]
    assert merged["actor"].startswith("key:steward.li:") and [r["customerId"] for r in merged["records"]] == [survivor, survivor]
    assert merged["auditId"] and any(e["type"] == "customer.merged" and e["toIds"] == [survivor] for e in merged["events"])

    unmerged = _data(client, UNMERGE, {"r": str(b), "why": "wrong merge"}, actor="steward.li")["stewardUnmerge"]
    moved = unmerged["customerId"]
    assert moved and moved != survivor
    assert any(e["type"] == "customer.unmerged" and e["fromIds"] == [survivor] and e["toIds"] == [moved]
               and e["recordId"] == str(b) for e in unmerged["events"])

    never = _data(client, NEVER, {"l": str(a), "r": str(b), "why": "twins"})["stewardNeverMerge"]
    assert never["actor"].startswith("key:ops:") and never["records"][0]["customerId"] != never["records"][1]["customerId"]
    again = _data(client, MERGE, {"l": str(a), "r": str(b)})["stewardMerge"]  # a merge overrides a never-merge
    assert again["records"][0]["customerId"] == again["records"][1]["customerId"]

    with Session(engine) as session:
        audit = session.execute(select(AuditEntry.actor, AuditEntry.operation, AuditEntry.detail, AuditEntry.at)
                                .where(AuditEntry.action == "steward").order_by(AuditEntry.id)).all()
        logged = session.scalars(select(EventLogEntry.type)).all()
    assert [(actor.split(":")[1], op) for actor, op, _, _ in audit] == [
        ("steward.li", "merge"), ("steward.li", "unmerge"), ("ops", "never_merge"), ("ops", "merge")]
    assert audit[0][2]["reason"] == "same person, checked ID card" and all(at is not None for *_, at in audit)
    assert "customer.merged" in logged and "customer.unmerged" in logged

    feed = _data(client, EVENTS)["identityEvents"]["nodes"]
    types = [e["type"] for e in feed]
    assert types.count("customer.unmerged") == 1 and "customer.merged" in types
    assert {t for t in types} <= {"customer.merged", "customer.split", "customer.unmerged"}
    tail = _data(client, EVENTS, {"after": feed[0]["cursor"]})["identityEvents"]["nodes"]
    assert tail == feed[1:]

    review = _data(client, REVIEW, {"first": 2})["reviewQueue"]
    for edge in review["edges"]:
        node = edge["node"]
        assert 0 < len(node["reasons"]) <= 3 and node["left"]["id"] != node["right"]["id"]
    if review["pageInfo"]["hasNextPage"]:
        more = _data(client, REVIEW, {"first": 2, "after": review["pageInfo"]["endCursor"]})["reviewQueue"]["edges"]
        assert more and more[0]["cursor"] not in {e["cursor"] for e in review["edges"]}

    assert _error(client, EXPLAIN, {"l": "999999", "r": str(b)}) == {"code": "NOT_FOUND", "field": "left"}
    assert _error(client, EXPLAIN, {"l": str(a), "r": "boss:party"}) == {"code": "BAD_USER_INPUT", "field": "right"}
    assert _error(client, MERGE, {"l": str(a), "r": "boss:party:nobody"}) == {"code": "NOT_FOUND", "field": "right"}
    assert _error(client, UNMERGE, {"r": "not a ref"})["field"] == "record"
    assert _error(client, EVENTS, {"after": "bogus"})["field"] == "after"
    assert _error(client, REVIEW, {"after": "bogus"})["field"] == "after"


CUSTOMER = """query($id: ID!) { customer(id: $id) { id } }"""


def _records_in_other_customers(client: TestClient, engine: Any, count: int) -> list[tuple[int, str]]:
    """``count`` boss party records, each in a customer of its own among them: (record id, customer id)."""
    chosen: list[tuple[int, str]] = []
    for rid, _, _ in _parties(engine):
        customer = _data(client, EXPLAIN, {"l": str(rid), "r": str(rid)})["explain"]["left"]["customerId"]
        if customer not in {gid for _, gid in chosen}:
            chosen.append((rid, customer))
        if len(chosen) == count:
            return chosen
    raise AssertionError("too few customers synced")


def test_steward_unmerge_through_graphql_keeps_the_survivors_id_and_splits_the_merged_away_id(
    client: TestClient, engine: Any,
) -> None:
    from c360.hub.auth.keys import create_key

    client.keys["reader"] = create_key(engine, "reader", frozenset({"customer:read"})).key  # type: ignore[attr-defined]
    _sync_customers(client)
    (a, a_customer), (b, b_customer), (c, _) = _records_in_other_customers(client, engine, 3)

    survivor = _data(client, MERGE, {"l": str(a), "r": str(b)}, actor="steward.li")["stewardMerge"]["customerId"]
    merged_away = ({a_customer, b_customer} - {survivor}).pop()
    unmerged = _data(client, UNMERGE, {"r": str(b), "why": "wrong merge"}, actor="steward.li")["stewardUnmerge"]
    moved = unmerged["customerId"]

    assert moved not in {survivor, merged_away}
    assert {r["id"]: r["customerId"] for r in unmerged["records"]} == {str(b): moved}
    assert _data(client, CUSTOMER, {"id": survivor}, actor="reader")["customer"]["id"] == survivor
    assert _data(client, CUSTOMER, {"id": moved}, actor="reader")["customer"]["id"] == moved
    answer = _post(client, CUSTOMER, {"id": merged_away}, actor="reader")
    assert answer["data"] in (None, {"customer": None})
    assert answer["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "id", "splitInto": sorted([survivor, moved])}
    customer_of = _data(client, EXPLAIN, {"l": str(a), "r": str(b)})["explain"]
    assert (customer_of["left"]["customerId"], customer_of["right"]["customerId"]) == (survivor, moved)

    _data(client, NEVER, {"l": str(a), "r": str(c)})
    _data(client, MERGE, {"l": str(b), "r": str(c)})
    refused = _post(client, MERGE, {"l": str(a), "r": str(b)})  # b's customer now holds c, kept apart from a
    conflict = refused["errors"][0]["extensions"]
    assert conflict["code"] == "CONFLICT" and set(conflict["keptApart"]) == {str(a), str(c)}
    assert _data(client, EXPLAIN, {"l": str(a), "r": str(b)})["explain"]["left"]["customerId"] == survivor
