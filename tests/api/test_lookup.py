"""Finding customers: golden id and merged aliases, every identifier kind, search; masking; error codes."""

from __future__ import annotations

from typing import Any

import pytest

from c360.hub.models import Account, Subscription
from tests.api import factory
from tests.api.conftest import Api

RIC = "11010519491231002X"
PHONE = "+8613800138000"
USCC = "91350100M000100Y43"

LOOKUP = """
query($idNumber: String, $phone: String, $email: String, $creditCode: String, $source: String, $sourceKey: String) {
  customerBy(idNumber: $idNumber, phone: $phone, email: $email, creditCode: $creditCode, source: $source, sourceKey: $sourceKey) {
    id displayName
  }
}"""


@pytest.fixture
def people(seed: Any) -> dict[str, str]:
    def build(session: Any) -> dict[str, str]:
        zhang = factory.customer(
            session, "张伟", ric=RIC, phone=PHONE, email="zhang.wei@example.cn", source_key="C001", address="北京市朝阳区建国路88号"
        )
        old = factory.customer(session, "张 伟")
        factory.merge(session, old, zhang)
        firm = factory.customer(session, "闽江科技有限公司", kind="organization", uscc=USCC)
        return {"zhang": zhang.id, "old": old.id, "firm": firm.id}

    return seed(build)


def test_customer_by_golden_id(api: Api, people: dict[str, str]) -> None:
    data = api.data("query($id: ID!) { customer(id: $id) { id displayName kind status } }", {"id": people["zhang"]})
    assert data["customer"] == {"id": people["zhang"], "displayName": "张伟", "kind": "PERSON", "status": "active"}


def test_merged_id_resolves_to_survivor(api: Api, people: dict[str, str]) -> None:
    data = api.data("query($id: ID!) { customer(id: $id) { id } }", {"id": people["old"]})
    assert data["customer"]["id"] == people["zhang"]


def test_unknown_id_is_not_found(api: Api, people: dict[str, str]) -> None:
    assert api.error('{ customer(id: "GNOPE") { id } }')["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("variables", "who"),
    [
        ({"idNumber": "110105194912310 02x"}, "zhang"),  # spaces and lower-case x are normalized
        ({"phone": "138-0013-8000"}, "zhang"),
        ({"email": "Zhang.Wei@Example.cn"}, "zhang"),
        ({"creditCode": USCC}, "firm"),
        ({"source": "boss", "sourceKey": "C001"}, "zhang"),
    ],
)
def test_customer_by_each_identifier(api: Api, people: dict[str, str], variables: dict[str, str], who: str) -> None:
    assert api.data(LOOKUP, variables)["customerBy"]["id"] == people[who]


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"idNumber": "110105194912310021"}, "BAD_USER_INPUT", "idNumber"),  # bad check digit
        ({"email": "not-an-email"}, "BAD_USER_INPUT", "email"),
        ({"phone": "+8613911112222"}, "NOT_FOUND", "phone"),
        ({"phone": PHONE, "email": "zhang.wei@example.cn"}, "BAD_USER_INPUT", "customer"),
    ],
)
def test_customer_by_errors(api: Api, people: dict[str, str], variables: dict[str, str], code: str, field: str) -> None:
    extensions = api.error(LOOKUP, variables)
    assert extensions["code"] == code
    assert extensions["field"] == field


def test_identifiers_are_masked(api: Api, people: dict[str, str]) -> None:
    data = api.data(
        "query($id: ID!) { customer(id: $id) { identifiers { nodes { type value } } } }", {"id": people["zhang"]}
    )
    values = {node["type"]: node["value"] for node in data["customer"]["identifiers"]["nodes"]}
    assert values == {"ric": "110105********002X", "phone": "138****8000", "email": "z***@example.cn"}


def test_profile_carries_lineage_and_masks(api: Api, seed: Any) -> None:
    profile = {
        "name": {"value": "刘洋", "source": "boss", "source_key": "C9", "updated_at": "2024-03-01T00:00:00+00:00"},
        "id_number": {"value": RIC, "source": "boss", "source_key": "C9", "updated_at": "2024-03-01T00:00:00+00:00"},
        "phones": {"value": [PHONE], "source": "crm", "source_key": "K1", "updated_at": None},
        "nickname": "xiaoliu",
    }
    golden_id = seed(lambda s: factory.customer(s, "刘洋", profile=profile).id)
    data = api.data(
        "query($id: ID!) { customer(id: $id) { profile { name value source sourceKey updatedAt } } }", {"id": golden_id}
    )
    fields = {f["name"]: f for f in data["customer"]["profile"]}
    assert fields["name"]["value"] == "刘洋" and fields["name"]["source"] == "boss"
    assert fields["id_number"]["value"] == "110105********002X"
    assert fields["phones"]["value"] == ["138****8000"] and fields["phones"]["sourceKey"] == "K1"
    assert fields["nickname"]["value"] == "x****iu"  # no rule: masked, never shown in clear
    assert fields["nickname"]["source"] is None


def test_search_ranks_exact_name_first(api: Api, people: dict[str, str], seed: Any) -> None:
    seed(lambda s: factory.customer(s, "张伟明"))
    hits = api.data('{ searchCustomers(text: "张伟") { edges { node { score matched customer { displayName } } } } }')
    names = [edge["node"]["customer"]["displayName"] for edge in hits["searchCustomers"]["edges"]]
    assert names == ["张伟", "张伟明"]


@pytest.mark.parametrize("text", ["張偉", "张玮", "Zhang Wei", "zhangwei", "wei zhang"])
def test_search_finds_traditional_homophone_and_pinyin_forms(api: Api, people: dict[str, str], text: str) -> None:
    hits = api.data('query($t: String!) { searchCustomers(text: $t) { nodes { score matched customer { id } } } }', {"t": text})
    assert {"score": 100, "matched": ["name"], "customer": {"id": people["zhang"]}} in hits["searchCustomers"]["nodes"]


def test_customer_by_a_silos_account_or_subscription_key(api: Api, seed: Any) -> None:
    def build(session: Any) -> tuple[str, str, str]:
        golden = factory.customer(session, "刘洋")
        account = factory.fact(session, Account, golden, account_type="postpaid", status="active")
        line = factory.fact(session, Subscription, golden, msisdn="+8613700137000", status="active")
        return golden.id, account.source_key, line.source_key

    golden_id, account_key, line_key = seed(build)
    for key in (account_key, line_key):
        assert api.data(LOOKUP, {"source": "boss", "sourceKey": key})["customerBy"]["id"] == golden_id
    assert api.error(LOOKUP, {"source": "billing", "sourceKey": account_key})["code"] == "NOT_FOUND"


def test_search_by_phone_tail_and_address(api: Api, people: dict[str, str]) -> None:
    by_phone = api.data('{ searchCustomers(text: "8000") { nodes { matched customer { id } } } }')
    assert [(n["customer"]["id"], n["matched"]) for n in by_phone["searchCustomers"]["nodes"]] == [(people["zhang"], ["phone"])]
    by_address = api.data('{ searchCustomers(text: "朝阳区") { nodes { matched customer { id } } } }')
    assert [n["customer"]["id"] for n in by_address["searchCustomers"]["nodes"]] == [people["zhang"]]


def test_enterprise_with_contacts_and_account_manager(api: Api, seed: Any) -> None:
    firm_id = seed(lambda s: _enterprise(s))
    data = api.data(
        """query($id: ID!) { customer(id: $id) { kind accountManager { name phone }
             enterpriseContacts { nodes { title person { displayName } } } } }""",
        {"id": firm_id},
    )
    assert data["customer"]["accountManager"] == {"name": "李经理", "phone": "+8613900000000"}
    assert data["customer"]["enterpriseContacts"]["nodes"] == [{"title": "IT director", "person": {"displayName": "王芳"}}]


def _enterprise(session: Any) -> str:
    firm = factory.customer(session, "闽江科技有限公司", kind="organization")
    factory.full_360(session, firm, 1)
    return firm.id


def test_unknown_enum_is_bad_user_input(api: Api) -> None:
    extensions = api.error('query($k: CustomerKind) { searchCustomers(text: "ab", kind: $k) { nodes { score } } }', {"k": "ROBOT"})
    assert extensions["code"] == "BAD_USER_INPUT"
