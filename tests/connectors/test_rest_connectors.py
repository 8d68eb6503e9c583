"""BOSS and key-account connectors against a real loopback REST silo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from c360.connectors import FatalError
from c360.connectors.conformance import read_all
from c360.records import (
    AccountManagerRecord,
    ContractRecord,
    OrderRecord,
    PartyRecord,
    PartyRelationRecord,
    PhoneRef,
    SubscriptionRecord,
)
from tests.connectors.conftest import rest
from tests.connectors.loopback import LoopbackServer, RestSilo

Silo = tuple[RestSilo, LoopbackServer]


def test_boss_reads_and_maps_every_stream(boss_silo: Silo, silo_key: str) -> None:
    _, server = boss_silo
    with rest("boss", server, silo_key) as connector:
        mapped = {
            stream.name: [record for page in read_all(stream) for raw in page.records for record in stream.records(raw)]
            for stream in connector.streams()
        }
    people = {record.source_key: record for record in mapped["customers"]}
    assert set(people) == {"C001", "C002", "C003", "C004", "C005"}
    assert people["C001"] == PartyRecord(
        source="boss", source_key="C001", updated_at=people["C001"].updated_at, party_type="person", name="张伟",
        id_type="RIC", id_number="110101199003071234", gender="M", birth_date=people["C001"].birth_date,
        phones=(PhoneRef(number="13800138000"),), emails=("zw@example.cn",), address="北京市东城区", status="active",
    )  # fmt: skip
    assert people["C002"].party_type == "organization" and people["C002"].credit_code == "91110000600037341L"
    assert people["C004"].deleted is True
    assert all(isinstance(r, SubscriptionRecord) and r.party_key == r.account_key.replace("A", "C")
               for r in mapped["subscriptions"])  # fmt: skip
    order = mapped["orders"][0]
    assert isinstance(order, OrderRecord) and order.amount == Decimal("50.00") and order.party_source == "boss"
    assert {r.kind for r in mapped["accounts"]} == {"account"}


def test_keyaccount_maps_parties_relations_managers_contracts(keyaccount_silo: Silo, silo_key: str) -> None:
    _, server = keyaccount_silo
    with rest("keyaccount", server, silo_key) as connector:
        records = [r for s in connector.streams() for p in read_all(s) for raw in p.records for r in s.records(raw)]
    parties = {r.source_key: r for r in records if isinstance(r, PartyRecord)}
    assert parties["ent:E1"].party_type == "organization" and parties["ent:E1"].extra == {"industry": "制造业"}
    assert parties["contact:K1"].party_type == "person"
    relations = {(r.relation, r.party_key, r.related_key) for r in records if isinstance(r, PartyRelationRecord)}
    assert ("contact", "ent:E1", "contact:K1") in relations
    assert ("account_manager", "ent:E1", "M1") in relations
    assert not any(rel == "account_manager" and party == "ent:E3" for rel, party, _ in relations)
    assert {r.source_key for r in records if isinstance(r, AccountManagerRecord)} == {"M1", "M2", "M3"}
    contracts = {r.source_key: r for r in records if isinstance(r, ContractRecord)}
    assert contracts["CT1"].value == Decimal("120000.00") and contracts["CT1"].party_key == "ent:E1"
    assert contracts["CT3"].deleted is True


def test_incremental_read_resumes_inside_a_timestamp(boss_silo: Silo, silo_key: str) -> None:
    silo, server = boss_silo
    with rest("boss", server, silo_key) as connector:
        orders = connector.stream("orders")
        first = next(iter(orders.read(None)))
        assert [r["order_id"] for r in first.records] == ["O001", "O002"]
        resumed = [r["order_id"] for page in orders.read(first.cursor) for r in page.records]
    assert resumed == ["O003"]  # same updated_at as the first page: neither skipped nor repeated
    assert silo.requests[-1][1]["updated_since"] == "2024-06-01T09:00:00+08:00"


def test_new_records_after_the_last_cursor_are_read(boss_silo: Silo, silo_key: str) -> None:
    silo, server = boss_silo
    with rest("boss", server, silo_key) as connector:
        customers = connector.stream("customers")
        last = read_all(customers)[-1].cursor
        assert read_all(customers, last) == []
        _, records = silo.collections["/api/v1/customers"]
        records.append({**records[0], "customer_id": "C000", "updated_at": "2024-06-03T09:00:00+08:00"})
        records.append({**records[0], "customer_id": "C009", "updated_at": "2024-06-04T09:00:00+08:00"})
        assert [r["customer_id"] for p in read_all(customers, last) for r in p.records] == ["C009"]
        # C000 sorts before the saved key at the same instant: only a full read finds a record written late.
        assert len([r for p in read_all(customers, last, full=True) for r in p.records]) == 7


def test_wrong_key_is_a_credentials_error_naming_the_silo(
    boss_silo: Silo, monkeypatch: pytest.MonkeyPatch, silo_key: str
) -> None:
    silo, server = boss_silo
    monkeypatch.setenv(silo_key, "wrong-secret-value")
    with rest("boss", server, silo_key) as connector, pytest.raises(FatalError) as caught:
        connector.check()
    assert str(caught.value) == "credentials rejected by boss (HTTP 401 on /api/v1/customers)"
    assert "wrong-secret-value" not in str(caught.value)
    assert len(silo.requests) == 1


def test_check_passes_on_a_healthy_silo(keyaccount_silo: Silo, silo_key: str) -> None:
    silo, server = keyaccount_silo
    with rest("keyaccount", server, silo_key) as connector:
        connector.check()
    assert [path for path, _ in silo.requests] == list(silo.collections)
