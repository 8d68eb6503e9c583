"""The silos disagree the way real ones do, and the truth still says who is who."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from c360.silos.idnumbers import PLACEHOLDER_IDS
from c360.silos.noise import BUSINESS_HALL_PHONES, TRADITIONAL


@pytest.fixture(scope="module")
def truth(big_dir: Path, read, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], str]:
    rows = read.truth_rows(big_dir, tmp_path_factory.mktemp("truth") / "truth.csv")
    return {(r["source"], r["kind"], r["source_key"]): r["entity_id"] for r in rows}


@pytest.fixture(scope="module")
def customers(big_dir: Path, read) -> list[dict]:
    return read.docs(big_dir, "boss.db", "customers")


def _entity(truth: dict, kind: str, key: str, source: str = "boss") -> str:
    return truth[(source, kind, key)]


def test_same_person_registered_twice_in_boss(customers, truth) -> None:
    per_entity = defaultdict(list)
    for c in customers:
        if c["customer_type"] == "individual":
            per_entity[_entity(truth, "customer", c["customer_id"])].append(c)
    dups = [cs for cs in per_entity.values() if len(cs) > 1]
    assert len(dups) >= 10
    assert any(a["name"] != b["name"] or a["id_number"] != b["id_number"] for a, b, *_ in dups)


def test_common_names_on_many_distinct_people(customers, truth) -> None:
    for name in ("张伟", "王芳", "李娜"):
        people = {_entity(truth, "customer", c["customer_id"]) for c in customers if c["name"] == name}
        assert len(people) >= 3, name


def test_recycled_number_in_two_windows(big_dir: Path, read, truth) -> None:
    subs = defaultdict(list)
    for s in read.docs(big_dir, "boss.db", "subscriptions"):
        subs[s["msisdn"]].append(s)
    recycled = []
    for msisdn, ss in subs.items():
        holders = {_entity(truth, "subscription", s["subscription_id"]) for s in ss}
        if len(holders) == 2:
            old = next(s for s in ss if s["status"] == "terminated")
            new = next(s for s in ss if s["status"] != "terminated")
            assert old["deactivated_at"] < new["activated_at"]
            recycled.append((msisdn, old, new))
    assert recycled
    calls = [c for c in read.csv_rows(big_dir, "calls")]
    digits = {msisdn: (old, new) for msisdn, old, new in recycled}
    callers_seen = defaultdict(set)
    for c in calls:
        m = re.sub(r"\D", "", c["caller_phone"])[-11:]
        if m in digits:
            old, new = digits[m]
            holder = old if c["started_at"] < old["deactivated_at"] else new
            assert c["started_at"] < old["deactivated_at"] or c["started_at"] >= new["activated_at"]
            assert truth[("callcenter", "call", c["call_id"])] == truth[("boss", "subscription", holder["subscription_id"])]
            callers_seen[m].add(truth[("callcenter", "call", c["call_id"])])
    assert any(len(v) == 2 for v in callers_seen.values())


def test_id_number_disagreements(customers) -> None:
    legacy = [c for c in customers if c["id_type"] == "RIC15"]
    assert legacy and all(len(c["id_number"]) == 15 for c in legacy)
    assert any(c["id_number"] and c["id_number"].endswith("x") for c in customers)
    assert sum(1 for c in customers if c["id_number"] in PLACEHOLDER_IDS) >= 2
    assert any(c["id_number"] is None for c in customers)
    assert any(c["birth_date"] is None and c["customer_type"] == "individual" for c in customers)
    assert any(c["email"] is None for c in customers)


def test_name_and_phone_variants(customers) -> None:
    trad = set(TRADITIONAL.values()) - set(TRADITIONAL)
    assert any(any(ch in trad for ch in c["name"]) for c in customers)
    phones = [p for c in customers for p in c["phones"]]
    assert any(p.startswith("+86 ") for p in phones)
    assert any(p.startswith("0086-") for p in phones)
    assert any(re.fullmatch(r"1\d\d-\d{4}-\d{4}", p) for p in phones)
    assert any(re.fullmatch(r"0\d{2,3}-\d{7,8}", p) for p in phones)


def test_shared_numbers_and_families(customers, truth) -> None:
    hall = defaultdict(set)
    landline = defaultdict(set)
    for c in customers:
        e = _entity(truth, "customer", c["customer_id"])
        for p in c["phones"]:
            if p in BUSINESS_HALL_PHONES:
                hall[p].add(e)
            elif p.startswith("0"):
                landline[(p, c["address"])].add(e)
    assert max(len(v) for v in hall.values()) >= 3
    assert any(len(v) >= 2 for v in landline.values())


def test_honorific_callers(big_dir: Path, read, truth) -> None:
    srs = read.csv_rows(big_dir, "service_requests")
    anon = [r for r in srs if not r["customer_id"] and re.fullmatch(r".{1,2}(先生|女士)", r["caller_name"])]
    assert len(anon) >= 10
    assert all(truth[("callcenter", "service_request", r["sr_id"])].startswith("P") for r in anon)


def test_malformed_records_present(big_dir: Path, read) -> None:
    import sqlite3

    orders = read.docs(big_dir, "boss.db", "orders")
    assert any(not re.fullmatch(r"\d+\.\d{2}", o["amount"]) for o in orders)
    conn = sqlite3.connect(big_dir / "billing.db")
    try:
        assert conn.execute("SELECT count(*) FROM bills WHERE account_id = ''").fetchone()[0] >= 1
    finally:
        conn.close()
    assert any(isinstance(r["churn_score"], str) for r in read.jsonl_rows(big_dir))


def test_contacts_who_are_also_customers(big_dir: Path, read, truth, customers) -> None:
    customer_entities = {_entity(truth, "customer", c["customer_id"]) for c in customers}
    contacts = read.docs(big_dir, "keyaccount.db", "contacts")
    linked = [k for k in contacts if truth[("keyaccount", "contact", k["contact_id"])] in customer_entities]
    assert linked and len(linked) < len(contacts)
