"""Identifiers once per (type, value) with their sources; a service request's status history as a connection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from c360.hub.models import CrossReference, Identifier, ServiceRequest, ServiceRequestStatus
from tests.api import factory
from tests.api.conftest import Api

PHONE = "+8613800138000"

IDENTIFIERS = """query($id: ID!, $first: Int, $after: String) { customer(id: $id) {
  identifiers(first: $first, after: $after) {
    nodes { id type value trusted reason sources { recordId source sourceKey trusted reason } }
    pageInfo { hasNextPage endCursor } } } }"""


def _carry(session: Any, golden_id: str, source: str, key: str, *identifiers: tuple[str, str, bool]) -> None:
    """A second silo's record of the customer, carrying ``identifiers`` (type, value, trusted)."""
    record = factory.source_record(session, source, "party", key)
    session.add(CrossReference(source_record_id=record.id, golden_id=golden_id, method="deterministic"))
    for type_, value, trusted in identifiers:
        session.add(
            Identifier(
                source_record_id=record.id, type=type_, value=value, raw_value=value, trusted=trusted,
                reason=None if trusted else "generic",
            )
        )
    session.flush()


def test_an_identifier_is_listed_once_with_every_source_carrying_it(api: Api, seed: Any) -> None:
    def build(session: Any) -> str:
        golden = factory.customer(session, "张伟", phone=PHONE, source_key="C001")
        _carry(session, golden.id, "billing", "B7", ("phone", PHONE, False), ("email", "zhang@example.cn", True))
        _carry(session, golden.id, "callcenter", "K3", ("phone", PHONE, True))
        return golden.id

    golden_id = seed(build)
    nodes = api.data(IDENTIFIERS, {"id": golden_id})["customer"]["identifiers"]["nodes"]
    assert [(node["type"], node["value"]) for node in nodes] == [("email", "z***@example.cn"), ("phone", "138****8000")]
    email, phone = nodes
    assert [(s["source"], s["sourceKey"], s["trusted"]) for s in phone["sources"]] == [
        ("boss", "C001", True), ("billing", "B7", False), ("callcenter", "K3", True)
    ]
    assert phone["trusted"] is True and phone["reason"] is None  # trusted by at least one source
    assert [s["reason"] for s in phone["sources"]] == [None, "generic", None]
    assert email["sources"][0]["source"] == "billing" and len(email["sources"]) == 1


def test_identifier_pages_go_through_the_values_once(api: Api, seed: Any) -> None:
    def build(session: Any) -> str:
        golden = factory.customer(session, "李娜", phone=PHONE, email="li@example.cn", ric="11010519491231002X")
        _carry(session, golden.id, "billing", "B8", ("phone", PHONE, True), ("email", "li@example.cn", True))
        return golden.id

    golden_id = seed(build)
    seen: list[str] = []
    after = None
    while True:
        page = api.data(IDENTIFIERS, {"id": golden_id, "first": 2, "after": after})["customer"]["identifiers"]
        seen.extend(node["type"] for node in page["nodes"])
        assert all(len(node["sources"]) == (1 if node["type"] == "ric" else 2) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["email", "phone", "ric"]


HISTORY = """query($id: ID!, $first: Int, $after: String) { customer(id: $id) { serviceRequests { nodes {
  statusHistory(first: $first, after: $after) { edges { cursor node { status changedAt agent } } pageInfo { hasNextPage endCursor } }
} } } }"""


def test_status_history_is_a_connection_read_oldest_first(api: Api, seed: Any) -> None:
    def build(session: Any) -> str:
        golden = factory.customer(session, "王芳")
        request = factory.fact(session, ServiceRequest, golden, type="fault", channel="app", status="closed", opened_at=factory.BASE)
        for i, status in enumerate(["open", "assigned", "resolved", "closed"]):
            session.add(
                ServiceRequestStatus(
                    source=request.source, request_key=request.source_key, status=status,
                    changed_at=factory.BASE + timedelta(hours=5 if status == "assigned" else i), agent=f"a{i}",
                )
            )
        session.flush()
        return golden.id

    golden_id = seed(build)
    whole = api.data(HISTORY, {"id": golden_id})["customer"]["serviceRequests"]["nodes"][0]["statusHistory"]
    assert [edge["node"]["status"] for edge in whole["edges"]] == ["open", "resolved", "closed", "assigned"]
    assert whole["pageInfo"]["hasNextPage"] is False
    seen: list[str] = []
    after = None
    while True:
        page = api.data(HISTORY, {"id": golden_id, "first": 3, "after": after})["customer"]["serviceRequests"]["nodes"][0]
        history = page["statusHistory"]
        seen.extend(edge["node"]["status"] for edge in history["edges"])
        if not history["pageInfo"]["hasNextPage"]:
            break
        after = history["pageInfo"]["endCursor"]
    assert seen == ["open", "resolved", "closed", "assigned"]
    assert api.error(HISTORY, {"id": golden_id, "after": "garbage"})["field"] == "after"


def test_status_histories_of_many_requests_are_one_statement(api: Api, seed: Any) -> None:
    def build(session: Any, requests: int) -> str:
        golden = factory.customer(session, "赵敏")
        for r in range(requests):
            request = factory.fact(session, ServiceRequest, golden, type="inquiry", channel="web", status="open", opened_at=factory.BASE)
            for i in range(2):
                session.add(
                    ServiceRequestStatus(
                        source=request.source, request_key=request.source_key, status=f"s{i}",
                        changed_at=factory.BASE + timedelta(minutes=r * 10 + i),
                    )
                )
        session.flush()
        return golden.id

    counts = []
    for requests in (1, 6):
        golden_id = seed(lambda session, requests=requests: build(session, requests))
        data = api.data(HISTORY, {"id": golden_id})["customer"]["serviceRequests"]["nodes"]
        assert len(data) == requests and all(len(node["statusHistory"]["edges"]) == 2 for node in data)
        counts.append(api.statements)
    assert counts[0] == counts[1]


def test_list_arguments_reach_the_resolvers_directly(api: Api, seed: Any) -> None:
    """The 360 fields skip strawberry's argument conversion (c360/schema/direct.py): names, lists, datetimes, defaults."""

    def build(session: Any) -> str:
        golden = factory.customer(session, "孙丽", source="boss")
        _carry(session, golden.id, "billing", "B9")
        for day in range(3):
            factory.fact(session, ServiceRequest, golden, type="fault", channel="web", status="open",
                         opened_at=factory.BASE + timedelta(days=day))
        return golden.id

    golden_id = seed(build)
    query = """query($id: ID!, $since: DateTime) { customer(id: $id) {
      sourceRecords(source: ["billing"]) { nodes { source } }
      serviceRequests(since: $since, channel: ["web"]) { nodes { openedAt } }
      all: serviceRequests { nodes { id } } } }"""
    data = api.data(query, {"id": golden_id, "since": (factory.BASE + timedelta(days=1)).isoformat()})["customer"]
    assert [node["source"] for node in data["sourceRecords"]["nodes"]] == ["billing"]
    assert len(data["serviceRequests"]["nodes"]) == 2 and len(data["all"]["nodes"]) == 3
