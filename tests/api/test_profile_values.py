"""Profile attributes leave as values: a phone entry is its number, in clear for pii:read, masked otherwise."""

from __future__ import annotations

import dataclasses
from typing import Any

from c360.hub.auth.scopes import ALL_SCOPES
from tests.api import factory
from tests.api.conftest import FULL_ACCESS, Api

PHONES = {"value": [{"number": "138-0013-8000", "since": "2020-01-01T00:00:00+00:00", "until": None}],
          "source": "boss", "source_key": "C1", "updated_at": "2024-01-01T00:00:00+00:00"}  # fmt: skip
QUERY = "query($id: ID!) { customer(id: $id) { profile { name value source sourceKey } } }"


def _phones(api: Api, golden_id: str) -> Any:
    fields = api.data(QUERY, {"id": golden_id})["customer"]["profile"]
    (phones,) = [field for field in fields if field["name"] == "phones"]
    assert (phones["source"], phones["sourceKey"]) == ("boss", "C1")
    return phones["value"]


def test_phones_reach_a_pii_reader_as_numbers(api: Api, seed: Any) -> None:
    golden = seed(lambda s: factory.customer(s, profile={"phones": PHONES}))
    api.caller = dataclasses.replace(FULL_ACCESS, scopes=ALL_SCOPES)
    assert _phones(api, golden.id) == ["138-0013-8000"]


def test_phones_are_masked_numbers_without_pii_read(api: Api, seed: Any) -> None:
    golden = seed(lambda s: factory.customer(s, profile={"phones": PHONES}))
    assert _phones(api, golden.id) == ["138****8000"]

