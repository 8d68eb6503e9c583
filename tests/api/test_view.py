"""The 360 view: one round trip per document whatever its customers and lists; connections page exactly once through."""

from __future__ import annotations

from typing import Any

from tests.api import factory
from tests.api.conftest import Api

VIEW = """
{ %s }
fragment View on Customer {
  id displayName profile { name value }
  identifiers { nodes { type value } }
  sourceRecords { nodes { source kind } }
  accounts { nodes { status } }
  subscriptions(status: ["active"]) { nodes { msisdn planName } }
  orders { nodes { status amount } }
  bills { nodes { period amount } }
  payments { nodes { amount } }
  balances { nodes { arrears } }
  balance { balance arrears inArrears }
  serviceRequests { nodes { status channel statusHistory { nodes { status } } } }
  contacts(channel: ["call_center"]) { edges { cursor node { type phone } } pageInfo { hasNextPage endCursor } }
  analysis { segment }
  accountManager { name }
  enterpriseContacts { nodes { title person { displayName } } }
}"""


def _view(api: Api, ids: list[str]) -> int:
    fields = " ".join(f'c{i}: customer(id: "{golden_id}") {{ ...View }}' for i, golden_id in enumerate(ids))
    data = api.data(VIEW % fields)
    assert len(data) == len(ids)
    return api.statements


def _customers(seed: Any, count: int, items: int) -> list[str]:
    def build(session: Any) -> list[str]:
        ids = []
        for _ in range(count):
            golden = factory.customer(session, "客户", kind="organization")
            factory.full_360(session, golden, items)
            ids.append(golden.id)
        return ids

    return seed(build)


ROUND_TRIPS = 1  # per 360 document of active customers, however many: one statement, its own transaction


def test_one_round_trip_per_document_whatever_the_customers_and_lists(api: Api, seed: Any) -> None:
    one = _view(api, _customers(seed, 1, 2))
    twenty = _view(api, _customers(seed, 20, 2))  # 20 aliases stay under the alias limit
    many_items = _view(api, _customers(seed, 1, 15))
    assert one == twenty == many_items == ROUND_TRIPS  # the access audit is written after the answer


def test_contacts_page_exactly_once_through(api: Api, seed: Any) -> None:
    (golden_id,) = _customers(seed, 1, 7)
    seen: list[str] = []
    after = None
    while True:
        page = api.data(
            """query($id: ID!, $after: String) { customer(id: $id) {
                 contacts(first: 3, after: $after) { edges { cursor node { id occurredAt } } pageInfo { hasNextPage endCursor } } } }""",
            {"id": golden_id, "after": after},
        )["customer"]["contacts"]
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7
    times = api.data(
        'query($id: ID!) { customer(id: $id) { contacts(first: 7) { nodes { id occurredAt } } } }', {"id": golden_id}
    )["customer"]["contacts"]["nodes"]
    assert [node["id"] for node in times] == seen  # the same order as a single page
    assert [node["occurredAt"] for node in times] == sorted((node["occurredAt"] for node in times), reverse=True)


def test_bad_paging_arguments(api: Api, seed: Any) -> None:
    (golden_id,) = _customers(seed, 1, 1)
    query = 'query($id: ID!, $first: Int, $after: String) { customer(id: $id) { bills(first: $first, after: $after) { nodes { id } } } }'
    assert api.error(query, {"id": golden_id, "first": 1000})["field"] == "first"
    assert api.error(query, {"id": golden_id, "after": "garbage"})["field"] == "after"
