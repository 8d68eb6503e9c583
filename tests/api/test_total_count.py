"""totalCount: the filtered length of a list over all its pages, counted only when asked for and batched."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api import factory
from tests.api.conftest import Api

LISTS = (
    "identifiers", "sourceRecords", "accounts", "subscriptions", "orders", "bills", "payments", "balances",
    "serviceRequests", "contacts", "analyses", "contracts", "enterpriseContacts",
)


def _customers(seed: Any, count: int, items: int) -> list[str]:
    def build(session: Any) -> list[str]:
        ids = []
        for _ in range(count):
            golden = factory.customer(session, "客户", kind="organization", phone="+8613800138000")
            factory.full_360(session, golden, items)
            ids.append(golden.id)
        return ids

    return seed(build)


def _fields(with_total: bool) -> str:
    return " ".join(f"{name}(first: 100) {{ nodes {{ __typename }} {'totalCount' if with_total else ''} }}" for name in LISTS)


def test_total_count_is_every_item_under_the_filters_on_every_page(api: Api, seed: Any) -> None:
    (golden_id,) = _customers(seed, 1, 7)
    everything = api.data(f'query($id: ID!) {{ customer(id: $id) {{ {_fields(True)} }} }}', {"id": golden_id})
    for name in LISTS:
        found = everything["customer"][name]
        assert found["totalCount"] == len(found["nodes"]), name  # all fit on one page of 100
    query = """query($id: ID!, $after: String, $since: DateTime) { customer(id: $id) {
      contacts(first: 2, after: $after, channel: ["call_center"], since: $since) {
        totalCount pageInfo { hasNextPage endCursor } } } }"""
    after, totals = None, []
    while True:
        page = api.data(query, {"id": golden_id, "after": after})["customer"]["contacts"]
        totals.append(page["totalCount"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert totals == [7, 7, 7, 7]  # 4 pages of 2, each telling the whole filtered length
    since = (factory.BASE + timedelta(days=5)).isoformat()
    assert api.data(query, {"id": golden_id, "since": since})["customer"]["contacts"]["totalCount"] == 2
    other_channel = 'query($id: ID!) { customer(id: $id) { contacts(channel: ["web"]) { totalCount } } }'
    assert api.data(other_channel, {"id": golden_id})["customer"]["contacts"]["totalCount"] == 0


def _statements(api: Api, ids: list[str], with_total: bool) -> int:
    aliases = " ".join(f'c{i}: customer(id: "{golden_id}") {{ ...Lists }}' for i, golden_id in enumerate(ids))
    data = api.data(f"{{ {aliases} }} fragment Lists on Customer {{ {_fields(with_total)} }}")
    assert len(data) == len(ids)
    return api.statements


def test_counts_are_read_with_their_pages(api: Api, seed: Any) -> None:
    one, twenty = _customers(seed, 1, 3), _customers(seed, 20, 2)
    without = _statements(api, one, with_total=False)
    counted_one = _statements(api, one, with_total=True)
    counted_twenty = _statements(api, twenty, with_total=True)
    assert counted_one == counted_twenty == without == 1  # in the view's one statement, for every customer


def test_total_count_of_the_feed_search_and_operations(api: Api, seed: Any) -> None:
    (golden_id,) = _customers(seed, 1, 1)
    record = """mutation($id: ID!) { recordContact(input: {customer: {id: $id}, channel: APP, type: INQUIRY,
      occurredAt: "2024-05-01T09:30:00+00:00"}) { event { seq } } }"""
    for _ in range(3):
        api.data(record, {"id": golden_id})
    feed = api.data("{ contactEvents(first: 1) { totalCount nodes { seq } } }")["contactEvents"]
    assert feed["totalCount"] == 3 and len(feed["nodes"]) == 1
    web = api.data("{ contactEvents(first: 1, filter: {channels: [WEB]}) { totalCount } }")["contactEvents"]
    assert web["totalCount"] == 0
    hits = api.data('{ searchCustomers(text: "客户", first: 1) { totalCount nodes { score } } }')["searchCustomers"]
    assert hits["totalCount"] == 1 and len(hits["nodes"]) == 1
    ops = api.data("{ syncRuns { totalCount } quarantine { totalCount } identityEvents { totalCount } reviewQueue { totalCount } }")
    assert ops == {name: {"totalCount": 0} for name in ("syncRuns", "quarantine", "identityEvents", "reviewQueue")}


def test_identifiers_count_as_they_are_listed(api: Api, seed: Any) -> None:
    """The same phone from two silos may be one item of the list; the total counts items, not rows."""

    def build(session: Any) -> str:
        golden = factory.customer(session, "张伟", phone="+8613800138000", email="zhang.wei@example.cn")
        record = factory.source_record(session, "billing", "party")
        session.add(factory.CrossReference(source_record_id=record.id, golden_id=golden.id, method="new"))
        session.add(factory.Identifier(source_record_id=record.id, type="phone", value="+8613800138000", raw_value="13800138000"))
        session.flush()
        return golden.id

    golden_id = seed(build)
    found = api.data(
        'query($id: ID!) { customer(id: $id) { identifiers { totalCount nodes { type } } } }', {"id": golden_id}
    )["customer"]["identifiers"]
    assert found["totalCount"] == len(found["nodes"])
    phones = api.data(
        'query($id: ID!) { customer(id: $id) { identifiers(type: ["phone"]) { totalCount nodes { type } } } }', {"id": golden_id}
    )["customer"]["identifiers"]
    assert phones["totalCount"] == len(phones["nodes"])
