"""The REST silos over real loopback servers: auth, keyset pagination, fault injection."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
import requests

from c360.silos import live
from c360.silos.run import SiloServers

KEY = "test-key"


@pytest.fixture(scope="module")
def servers(small_dir: Path) -> Iterator[SiloServers]:
    with SiloServers(small_dir, api_key=KEY) as s:
        yield s


@pytest.fixture(autouse=True)
def _healthy(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "servers" in request.fixturenames:
        s = request.getfixturevalue("servers")
        s.boss_faults.reset()
        s.keyaccount_faults.reset()


def _get(url: str, **params: object) -> requests.Response:
    return requests.get(url, params=params, headers={"X-API-Key": KEY}, timeout=10)


def walk(base: str, path: str, **params: object) -> list[dict]:
    items: list[dict] = []
    token = None
    while True:
        q = dict(params)
        if token:
            q["page_token"] = token
        r = _get(f"{base}/api/v1/{path}", **q)
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        token = body["next_page_token"]
        if token is None:
            return items


def _ids(db: Path, table: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute(f"SELECT id FROM {table}"))
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("silo", "path", "table", "key"),
    [
        ("boss", "customers", "customers", "customer_id"),
        ("boss", "accounts", "accounts", "account_id"),
        ("boss", "subscriptions", "subscriptions", "subscription_id"),
        ("boss", "orders", "orders", "order_id"),
        ("keyaccount", "enterprises", "enterprises", "enterprise_id"),
        ("keyaccount", "contacts", "contacts", "contact_id"),
        ("keyaccount", "account-managers", "account_managers", "manager_id"),
        ("keyaccount", "contracts", "contracts", "contract_id"),
    ],
)
def test_pagination_walks_every_record_once(servers: SiloServers, small_dir: Path, silo: str, path: str,
                                            table: str, key: str) -> None:
    base = servers.boss_url if silo == "boss" else servers.keyaccount_url
    items = walk(base, path, page_size=7)
    ids = [i[key] for i in items]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == _ids(small_dir / f"{silo}.db", table)
    order = [(i["updated_at"], i[key]) for i in items]
    assert order == sorted(order)
    assert all("updated_at" in i for i in items)


def test_updated_since_is_inclusive_lower_bound(servers: SiloServers) -> None:
    everything = walk(servers.boss_url, "orders", page_size=1000)
    since = sorted(i["updated_at"] for i in everything)[len(everything) // 2]
    expected = sorted(i["order_id"] for i in everything if i["updated_at"] >= since)
    # Same instant written in UTC must select the same records.
    from datetime import datetime

    utc = datetime.fromisoformat(since).astimezone(UTC).isoformat()
    for value in (since, utc):
        got = walk(servers.boss_url, "orders", page_size=13, updated_since=value)
        ids = [i["order_id"] for i in got]
        assert len(ids) == len(set(ids))
        assert sorted(ids) == expected


def test_defaults_and_bad_parameters(servers: SiloServers) -> None:
    r = _get(f"{servers.boss_url}/api/v1/customers")
    assert r.status_code == 200 and len(r.json()["items"]) == 100
    assert _get(f"{servers.boss_url}/api/v1/customers", page_size=1001).status_code == 400
    assert _get(f"{servers.boss_url}/api/v1/customers", updated_since="yesterday").status_code == 400
    assert _get(f"{servers.boss_url}/api/v1/customers", page_token="!!").status_code == 400


def test_auth(servers: SiloServers) -> None:
    for headers in ({}, {"X-API-Key": "wrong"}):
        r = requests.get(f"{servers.keyaccount_url}/api/v1/enterprises", headers=headers, timeout=10)
        assert r.status_code == 401
        assert "error" in r.json()
    assert requests.get(f"{servers.boss_url}/healthz", timeout=10).status_code == 200


def test_fault_500_then_recovers(servers: SiloServers) -> None:
    servers.boss_faults.set(fail_next=2)
    url = f"{servers.boss_url}/api/v1/accounts"
    assert [_get(url).status_code for _ in range(3)] == [500, 500, 200]


def test_fault_429_with_retry_after(servers: SiloServers) -> None:
    servers.keyaccount_faults.set(throttle_next=1)
    r = _get(f"{servers.keyaccount_url}/api/v1/contacts")
    assert r.status_code == 429 and r.headers["Retry-After"] == "1"
    assert _get(f"{servers.keyaccount_url}/api/v1/contacts").status_code == 200


def test_fault_malformed_once(servers: SiloServers) -> None:
    servers.boss_faults.set(malformed_next=1)
    url = f"{servers.boss_url}/api/v1/orders"
    bad = _get(url)
    assert bad.status_code == 200
    with pytest.raises(ValueError):
        bad.json()
    assert _get(url).json()["items"]


def test_fault_delay_still_answers(servers: SiloServers) -> None:
    servers.boss_faults.set(delay_s=0.05)
    assert _get(f"{servers.boss_url}/api/v1/orders", page_size=1).status_code == 200


def test_fault_dies_after_pages(servers: SiloServers) -> None:
    servers.boss_faults.set(die_after_pages=2, pages_served=0)
    url = f"{servers.boss_url}/api/v1/customers"
    first = _get(url, page_size=5)
    second = _get(url, page_size=5, page_token=first.json()["next_page_token"])
    assert (first.status_code, second.status_code) == (200, 200)
    assert _get(url, page_size=5, page_token=second.json()["next_page_token"]).status_code == 503
    assert requests.get(f"{servers.boss_url}/healthz", timeout=10).status_code == 200
    servers.boss_faults.reset()
    assert _get(url).status_code == 200


def test_keyset_stable_while_silo_changes(mutable_dir: Path) -> None:
    with SiloServers(mutable_dir, api_key=KEY) as s:
        before = _ids(mutable_dir / "boss.db", "orders")
        url = f"{s.boss_url}/api/v1/orders"
        page = _get(url, page_size=50).json()
        seen = [i["order_id"] for i in page["items"]]
        live.tick(mutable_dir, 7, 20)
        rest = walk(s.boss_url, "orders", page_size=50, page_token=page["next_page_token"])
        seen += [i["order_id"] for i in rest]
    assert len(seen) == len(set(seen))
    assert set(before) <= set(seen)
    assert any(i.startswith("ORDT") for i in seen)
