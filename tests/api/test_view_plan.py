"""The 360 plan follows the document as execution does: fragments, aliases, variables, directives, nested customers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tests.api import factory
from tests.api.conftest import Api

SHAPED = """
query($id: ID!, $two: Int, $skipBills: Boolean!, $since: DateTime) {
  customer(id: $id) {
    ... on Customer { a: orders(first: $two) { nodes { id } totalCount } }
    b: orders(first: 5, status: ["done"], since: $since) { edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } }
    bills @skip(if: $skipBills) { nodes { id } }
    payments @include(if: false) { nodes { id } }
    ...Requests
    enterpriseContacts { nodes { title person { displayName contacts(first: 1) { totalCount nodes { id } } } } }
    balance { balance accounts }
    analysis { segment }
  }
}
fragment Requests on Customer { serviceRequests(first: 3) { totalCount nodes { id statusHistory(first: 1) { totalCount nodes { status } } } } }
"""

ONE_BY_ONE = {
    "a": "query($id: ID!) { customer(id: $id) { orders(first: 2) { nodes { id } totalCount } } }",
    "b": """query($id: ID!, $since: DateTime) { customer(id: $id) { orders(first: 5, status: ["done"], since: $since) {
            edges { cursor node { id createdAt } } pageInfo { hasNextPage endCursor } } } }""",
    "serviceRequests": """query($id: ID!) { customer(id: $id) { serviceRequests(first: 3) { totalCount nodes { id
            statusHistory(first: 1) { totalCount nodes { status } } } } } }""",
    "enterpriseContacts": """query($id: ID!) { customer(id: $id) { enterpriseContacts { nodes { title person { displayName
            contacts(first: 1) { totalCount nodes { id } } } } } } }""",
    "balance": "query($id: ID!) { customer(id: $id) { balance { balance accounts } } }",
    "analysis": "query($id: ID!) { customer(id: $id) { analysis { segment } } }",
}


def _firm(seed: Any) -> str:
    def build(session: Session) -> str:
        golden = factory.customer(session, "闽江科技有限公司", kind="organization")
        factory.full_360(session, golden, 4)  # with a contact person, whose own lists are empty
        return golden.id

    return seed(build)  # type: ignore[no-any-return]


def test_a_shaped_document_is_one_round_trip_and_answers_as_its_fields_alone(api: Api, seed: Any) -> None:
    golden_id = _firm(seed)
    since = factory.BASE.isoformat()
    variables = {"id": golden_id, "two": 2, "skipBills": True, "since": since}
    shaped = api.data(SHAPED, variables)["customer"]
    assert api.statements == 1  # every list, count, history, person and total above: one statement
    assert "bills" not in shaped and "payments" not in shaped
    for alias, query in ONE_BY_ONE.items():
        alone = api.data(
            query, {"id": golden_id, "since": since} if "$since" in query else {"id": golden_id}
        )["customer"]
        assert shaped[alias] == next(iter(alone.values())), alias
    assert len(shaped["a"]["nodes"]) == 2 and shaped["a"]["totalCount"] == 4
    assert shaped["serviceRequests"]["nodes"][0]["statusHistory"]["totalCount"] == 1
    assert shaped["enterpriseContacts"]["nodes"][0]["person"]["displayName"] == "王芳"


def test_the_same_document_with_other_variables_plans_again(api: Api, seed: Any) -> None:
    golden_id = _firm(seed)
    query = "query($id: ID!, $n: Int, $skip: Boolean!) { customer(id: $id) { orders(first: $n) { nodes { id } } bills @skip(if: $skip) { nodes { id } } } }"
    one = api.data(query, {"id": golden_id, "n": 1, "skip": False})["customer"]
    three = api.data(query, {"id": golden_id, "n": 3, "skip": True})["customer"]
    assert api.statements == 1
    assert len(one["orders"]["nodes"]) == 1 and len(one["bills"]["nodes"]) == 4
    assert len(three["orders"]["nodes"]) == 3 and "bills" not in three


def test_a_list_the_plan_could_not_read_is_read_by_itself(api: Api, seed: Any) -> None:
    golden_id = _firm(seed)
    query = "query($id: ID!) { customer(id: $id) { orders(first: 1000) { nodes { id } } bills { nodes { id } } } }"
    result = api.execute(query, {"id": golden_id})
    assert (
        result.errors and result.errors[0].extensions["field"] == "first"
    )  # the field reports its own error
    found = api.data(
        '{ searchCustomers(text: "闽江科技") { nodes { customer { id bills(first: 2) { nodes { id } totalCount } } } } }'
    )
    (hit,) = found["searchCustomers"]["nodes"]
    assert (
        hit["customer"]["id"] == golden_id
        and len(hit["customer"]["bills"]["nodes"]) == 2
        and hit["customer"]["bills"]["totalCount"] == 4
    )
