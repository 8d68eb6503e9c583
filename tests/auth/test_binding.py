"""A self-service caller sees its own customer and nothing else, whatever it asks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.auth.conftest import OTHER_PHONE, caller

SELF = ("customer:read", "events:read", "events:subscribe")


@pytest.fixture
def me(api: Api, people: dict[str, str]) -> Api:
    api.caller = caller(*SELF, customer_id=people["me"])
    return api


def test_own_view(me: Api, people: dict[str, str]) -> None:
    data = me.data("query($id: ID!) { customer(id: $id) { id displayName identifiers { nodes { value } } } }", {"id": people["me"]})
    assert data["customer"]["id"] == people["me"]


def test_other_customer_by_id(me: Api, people: dict[str, str]) -> None:
    result = me.execute("query($id: ID!) { customer(id: $id) { id displayName } }", {"id": people["other"]})
    assert result.data is None and result.errors[0].extensions["code"] == "FORBIDDEN"
    assert "李娜" not in str(result.errors)


def test_other_customer_by_identifier(me: Api) -> None:
    extensions = me.error("query($p: String) { customerBy(phone: $p) { id displayName } }", {"p": OTHER_PHONE})
    assert extensions == {"code": "FORBIDDEN", "scope": "customer:lookup"}


def test_search(me: Api) -> None:
    assert me.error('{ searchCustomers(text: "李娜") { nodes { customer { id } } } }')["scope"] == "customer:search"


def test_nested_fields_reach_no_other_customer(api: Api, people: dict[str, str]) -> None:
    api.caller = caller(*SELF, customer_id=people["firm"])
    result = api.execute(
        "query($id: ID!) { customer(id: $id) { id enterpriseContacts { nodes { title person { id displayName } } } } }",
        {"id": people["firm"]},
    )
    assert result.errors and all(e.extensions["code"] == "FORBIDDEN" for e in result.errors)
    assert "李娜" not in str(result.data) and people["other"] not in str(result.data)


@pytest.mark.parametrize("filter_", [None, {"customerIds": []}, "other", "both"])
def test_feed_filter_must_name_only_own_customer(me: Api, people: dict[str, str], filter_: Any) -> None:
    if filter_ == "other":
        filter_ = {"customerIds": [people["other"]]}
    elif filter_ == "both":
        filter_ = {"customerIds": [people["me"], people["other"]]}
    query = "query($f: ContactEventFilter) { contactEvents(filter: $f) { nodes { customerId } } }"
    assert me.error(query, {"f": filter_})["code"] == "FORBIDDEN"


def test_feed_with_own_filter(me: Api, people: dict[str, str]) -> None:
    query = "query($f: ContactEventFilter) { contactEvents(filter: $f) { nodes { customerId } } }"
    assert me.data(query, {"f": {"customerIds": [people["me"]]}})["contactEvents"]["nodes"] == []


def test_self_service_cannot_write(me: Api, people: dict[str, str]) -> None:
    mutation = """mutation($id: ID!) { recordContact(input: {customer: {id: $id}, channel: APP, type: INQUIRY,
        occurredAt: "2024-05-01T09:30:00+00:00"}) { event { seq } } }"""
    assert me.error(mutation, {"id": people["me"]}) == {"code": "FORBIDDEN", "scope": "contact:write"}
