"""Fixtures: each built-in connector on a small real silo (loopback HTTP, SQLite file, drop folders)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from c360.connectors import Connector, registry
from tests.connectors.loopback import API_KEY, LoopbackServer, RestSilo, bad_pages_app
from tests.connectors.sample import (
    boss_collections,
    keyaccount_collections,
    write_bi,
    write_billing,
    write_callcenter,
)

KEY_ENV = "C360_TEST_SILO_KEY"
#: Retries are real but cheap: backoff in milliseconds, a short total budget.
FAST = {"backoff_base_s": 0.001, "backoff_max_s": 0.01, "max_wait_s": 2, "max_retries": 3, "timeout_s": 5}


@pytest.fixture
def silo_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(KEY_ENV, API_KEY)
    return KEY_ENV


def _serve(silo: RestSilo) -> Iterator[tuple[RestSilo, LoopbackServer]]:
    server = LoopbackServer(silo.app()).start()
    yield silo, server
    server.stop()


@pytest.fixture
def boss_silo() -> Iterator[tuple[RestSilo, LoopbackServer]]:
    yield from _serve(RestSilo(boss_collections()))


@pytest.fixture
def keyaccount_silo() -> Iterator[tuple[RestSilo, LoopbackServer]]:
    yield from _serve(RestSilo(keyaccount_collections()))


@pytest.fixture
def broken_rest_server() -> Iterator[LoopbackServer]:
    """Answers every BOSS and key-account path with a page whose ``items`` is not a list."""
    server = LoopbackServer(bad_pages_app([*boss_collections(), *keyaccount_collections()])).start()
    yield server
    server.stop()


def rest(name: str, server: LoopbackServer, key_env: str, **over: object) -> Connector:
    return registry.build(name, {"base_url": server.url, "api_key_env": key_env, "page_size": 2, **FAST, **over})


@pytest.fixture
def billing_db(tmp_path: Path) -> Path:
    return write_billing(tmp_path / "billing.db")


@pytest.fixture
def callcenter_dir(tmp_path: Path) -> Path:
    return write_callcenter(tmp_path / "callcenter")


@pytest.fixture
def bi_dir(tmp_path: Path) -> Path:
    return write_bi(tmp_path / "bi")
