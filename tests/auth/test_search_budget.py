"""A whole phone or ID number typed into searchCustomers is a look-up: it pays from the same budget as customerBy.

Before, 30 aliases of searchCustomers, each with a whole phone number, resolved every number in every
request with no LIMIT_EXCEEDED at all: the budget guarded customerBy only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from starlette.testclient import TestClient

from c360.app import factory as app_module
from c360.app.factory import create_app
from c360.config import Settings
from c360.hub.auth import RateLimiter, create_key
from c360.hub.db import create_db_engine
from c360.schema.lookup_budget import is_full_identifier
from tests.auth.conftest import PHONE, RIC

pytestmark = pytest.mark.reliability  # the abuse list of the reliability suite (docs/security.md)

SEARCH = "searchCustomers(text: {text}) {{ nodes {{ customer {{ id }} }} }}"
LOOKUP = "customerBy(phone: {text}) {{ id }}"


@pytest.fixture(autouse=True)
def no_refill(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's look-up buckets on a stopped clock: they do not refill while a test runs, so what a
    test spends is exactly what it can spend (a refused alias never races an admitted one)."""
    real = app_module.caller_limiter

    def limiter(settings: Settings, kind: str) -> RateLimiter:
        if kind == "lookups":
            return RateLimiter(settings.auth.lookups_per_minute, clock=lambda: 0.0)
        return real(settings, kind)

    monkeypatch.setattr(app_module, "caller_limiter", limiter)


def _client(settings: Settings, lookups: int) -> TestClient:
    tight = dataclasses.replace(settings, auth=dataclasses.replace(settings.auth, lookups_per_minute=lookups))
    return TestClient(create_app(tight))


def _key(settings: Settings) -> str:
    engine = create_db_engine(settings.database_url)
    try:
        return create_key(engine, "channel", {"customer:read", "customer:lookup", "customer:search"}).key
    finally:
        engine.dispose()


def _document(template: str, texts: list[str]) -> str:
    fields = [f"a{i}: " + template.format(text=f'"{text}"') for i, text in enumerate(texts)]
    return "{ " + " ".join(fields) + " }"


def _answers(client: TestClient, key: str, document: str) -> tuple[int, int]:
    """(aliases answered with a customer, LIMIT_EXCEEDED errors); the fields are non-null, so one
    refused alias refuses the whole document."""
    body: dict[str, Any] = client.post("/graphql", json={"query": document}, headers={"Authorization": f"Bearer {key}"}).json()
    data = body.get("data") or {}
    found = sum(1 for value in data.values() if value and (value.get("id") or value.get("nodes")))
    refused = sum(1 for error in body.get("errors") or () if error["extensions"]["code"] == "LIMIT_EXCEEDED")
    return found, refused


def test_aliased_full_phone_searches_exhaust_the_lookup_budget(settings: Settings, people: dict[str, str]) -> None:
    key = _key(settings)
    with _client(settings, lookups=60) as client:
        answers = [_answers(client, key, _document(SEARCH, [PHONE] * 30)) for _ in range(5)]
    assert answers == [(30, 0), (30, 0), (0, 1), (0, 1), (0, 1)]  # 60 numbers resolved, then no more


@pytest.mark.parametrize("text", [PHONE, "138 0013 8000", "13800138000", RIC])
def test_search_and_customer_by_share_one_budget(settings: Settings, people: dict[str, str], text: str) -> None:
    key = _key(settings)
    with _client(settings, lookups=2) as client:  # look-ups first, then a search
        assert _answers(client, key, _document(LOOKUP, ["13800138000"] * 2)) == (2, 0)
        assert _answers(client, key, _document(SEARCH, [text])) == (0, 1)
    with _client(settings, lookups=2) as client:  # searches first, then a look-up
        assert _answers(client, key, _document(SEARCH, [text] * 2))[1] == 0
        assert _answers(client, key, _document(LOOKUP, ["13800138000"])) == (0, 1)


def test_partial_searches_cost_nothing(settings: Settings, people: dict[str, str]) -> None:
    key = _key(settings)
    with _client(settings, lookups=1) as client:
        for texts in (["张伟"] * 5, ["8000"] * 5, ["138000"] * 5, ["建国路88号"] * 5):
            assert _answers(client, key, _document(SEARCH, texts))[1] == 0


@pytest.mark.parametrize(
    ("text", "full"),
    [
        ("13800138000", True),
        ("+86 138-0013-8000", True),
        ("010-12345678", True),
        (RIC, True),
        ("8000", False),
        ("13800", False),
        ("张伟", False),
        ("北京市朝阳区建国路88号", False),
    ],
)
def test_what_counts_as_a_full_identifier(text: str, full: bool) -> None:
    assert is_full_identifier(text) is full
