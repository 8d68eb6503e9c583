"""Resident IDs printed with hidden digits (440303********6133), as downstream exports print them.

Loaded as a user loads them (``import_parties``), in either order: the digits a masked number shows find
the whole number's record and agree with it; a masked number never decides alone, and one whose shown
digits differ keeps two people apart.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from c360.hub.identity.full_run import resolve_full
from c360.hub.transfer import import_parties
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, partition, ric

NUMBER = ric("44030319630808613")
OTHER = ric("44030319710101613")  # the same district and the same last four: only the name tells them apart
BOSS = [
    {"source_key": "B1", "kind": "person", "name": "刘国强", "id_type": "身份证", "id_number": NUMBER,
     "phones": [{"number": "13509616146", "since": "2015-01-01"}]},
    {"source_key": "B2", "kind": "person", "name": "陈美玲", "id_type": "身份证", "id_number": OTHER},
]
BILLING = [
    # a bill with the holder's name, a relative's mobile and the number masked: the mask is what links it
    {"source_key": "A1", "kind": "person", "name": "刘国强", "id_type": "居民身份证",
     "id_number": f"{NUMBER[:6]}********{NUMBER[-4:]}", "phones": ["18612345678"]},
    # the same name, a mask that shows other digits: another 刘国强
    {"source_key": "A2", "kind": "person", "name": "刘国强", "id_type": "居民身份证", "id_number": f"{NUMBER[:6]}********0017"},
]



@pytest.fixture(params=["whole numbers first", "masked first"])
def loaded(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Engine:
    files = [("boss", write_jsonl(tmp_path / "boss.jsonl", BOSS)), ("billing", write_jsonl(tmp_path / "billing.jsonl", BILLING))]
    for source, path in files if request.param == "whole numbers first" else files[::-1]:
        import_parties(engine, path, source=source)
    return engine


def test_a_masked_number_finds_and_joins_the_whole_one(loaded: Engine) -> None:
    assert golden_of(loaded, "billing", "A1") == golden_of(loaded, "boss", "B1")


def test_shown_digits_that_differ_keep_people_apart(loaded: Engine) -> None:
    assert golden_of(loaded, "billing", "A2") not in {golden_of(loaded, "boss", "B1"), golden_of(loaded, "boss", "B2")}
    assert golden_of(loaded, "boss", "B1") != golden_of(loaded, "boss", "B2")


def test_full_resolution_gives_the_same_partition(loaded: Engine) -> None:
    before = partition(loaded)
    resolve_full(loaded)
    assert partition(loaded) == before
