"""The webshop connector against its test silo: the hub's conformance kit, plus what is particular to it.

Run from this folder after ``pip install -e .`` (next to the hub): ``pytest``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from c360_webshop import WebshopConfig, WebshopConnector
from shop_silo import API_KEY, STORE, ShopSilo

from c360.connectors.sdk import OrderRecord, PartyRecord
from c360.connectors.sdk.testing import ConnectorConformance, records_of

KEY_ENV = "WEBSHOP_TEST_API_KEY"
QUICK = {"max_retries": 1, "backoff_base_s": 0.001, "backoff_max_s": 0.01, "timeout_s": 5}


@pytest.fixture
def shop_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, API_KEY)
    return KEY_ENV


def webshop(url: str, key_env: str) -> WebshopConnector:
    config = WebshopConfig(base_url=url, api_key_env=key_env, store=STORE, page_size=2, **QUICK)
    return WebshopConnector("shop", config)


@pytest.fixture
def silo() -> Iterator[ShopSilo]:
    with ShopSilo() as running:
        yield running


class TestWebshopConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, silo: ShopSilo, shop_key: str) -> WebshopConnector:
        return webshop(silo.url, shop_key)

    @pytest.fixture
    def broken_connector(self, shop_key: str) -> Iterator[WebshopConnector]:
        with ShopSilo(broken=True) as broken:
            yield webshop(broken.url, shop_key)


def test_members_and_orders_map_to_canonical_records(silo: ShopSilo, shop_key: str) -> None:
    with webshop(silo.url, shop_key) as connector:
        records = [record for stream in connector.streams() for record in records_of(stream)]
    members = [r for r in records if isinstance(r, PartyRecord)]
    orders = [r for r in records if isinstance(r, OrderRecord)]
    assert len(members) == 5 and len(orders) == 3
    assert {o.channel for o in orders} == {"web"} and {o.party_key for o in orders} == {"W1"}
    assert members[0].phones[0].number.startswith("138")
