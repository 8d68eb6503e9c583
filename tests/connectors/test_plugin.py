"""The example plugin package is really installed (pip, from its directory), discovered and conformant."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from c360.connectors import Connector, registry
from c360.connectors.conformance import read_all
from c360.connectors.testing import ConnectorConformance
from c360.records import OrderRecord, PartyRecord
from tests.connectors.conftest import FAST
from tests.connectors.loopback import LoopbackServer, RestSilo, bad_pages_app
from tests.connectors.sample import T1, T2
from tests.helpers.plugins import installed_plugin, run_plugin_tests

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "c360-connector-webshop"


@pytest.fixture(scope="session")
def webshop_installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``pip install`` the example into a private target directory and put it on ``sys.path``."""
    with installed_plugin(EXAMPLE, tmp_path_factory.mktemp("plugins"), "c360_webshop") as target:
        yield target


def shop_collections() -> dict[str, tuple[str, list[dict[str, object]]]]:
    members = [{"member_id": f"W{i}", "nickname": "小张", "mobile": "13800138000", "email": None,
                "updated_at": T1 if i < 3 else T2, "deleted": False} for i in range(5)]  # fmt: skip
    orders = [{"order_no": f"N{i}", "member_id": "W1", "state": "paid", "total": "99.90", "placed_at": T1,
               "updated_at": T1} for i in range(3)]  # fmt: skip
    return {"/v2/members": ("member_id", members), "/v2/orders": ("order_no", orders)}


@pytest.fixture
def shop(webshop_installed: Path) -> Iterator[tuple[RestSilo, LoopbackServer]]:
    silo = RestSilo(shop_collections())
    server = LoopbackServer(silo.app()).start()
    yield silo, server
    server.stop()


def webshop(url: str, key_env: str, **over: object) -> Connector:
    return registry.build("shop", {"type": "webshop", "base_url": url, "api_key_env": key_env, "store": "bj-01",
                                   "page_size": 2, **FAST, **over})  # fmt: skip


def test_entry_point_is_installed_and_discovered(webshop_installed: Path) -> None:
    ours = [p for p in entry_points(group=registry.ENTRY_POINT_GROUP)
            if p.name == "webshop" and p.dist is not None and Path(str(p.dist.locate_file(""))) == webshop_installed]  # fmt: skip
    (point,) = ours  # others may exist: the example installed in the virtualenv too, as its README says
    assert point.dist is not None and point.dist.name == "c360-connector-webshop"
    found = registry.discover()
    assert found.origins["webshop"] == "plugin (c360-connector-webshop)"
    assert found.connectors["webshop"].__module__ == "c360_webshop"
    assert str(webshop_installed) in sys.modules["c360_webshop"].__file__


def test_plugin_reads_maps_and_uses_its_own_config(shop: tuple[RestSilo, LoopbackServer], silo_key: str) -> None:
    silo, server = shop
    with webshop(server.url, silo_key) as connector:
        records = [r for s in connector.streams() for p in read_all(s) for raw in p.records for r in s.records(raw)]
    assert {type(r) for r in records} == {PartyRecord, OrderRecord}
    assert all(params["store"] == "bj-01" for _, params in silo.requests)
    with pytest.raises(registry.ConfigError, match=r"\[connectors.shop\] store: Field required"):
        registry.build("shop", {"type": "webshop", "base_url": server.url})


class TestWebshopConformance(ConnectorConformance):
    @pytest.fixture
    def connector(self, shop: tuple[RestSilo, LoopbackServer], silo_key: str) -> Connector:
        return webshop(shop[1].url, silo_key)

    @pytest.fixture
    def broken_connector(self, webshop_installed: Path, silo_key: str) -> Iterator[Connector]:
        server = LoopbackServer(bad_pages_app(list(shop_collections()))).start()
        yield webshop(server.url, silo_key)
        server.stop()


def test_the_example_ships_a_test_silo_and_its_conformance_tests_pass(webshop_installed: Path) -> None:
    """An integrator copies the example: its own tests (silo + conformance kit) run green as shipped."""
    result = run_plugin_tests(EXAMPLE, webshop_installed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b(\d+) passed\b", result.stdout) and "conformance" in (EXAMPLE / "tests" / "test_conformance.py").read_text()
