"""When a number stops being anyone's: a placeholder on many people's records, not one person's many records.

One customer's mobile is written on every silo's record of them (BOSS, several bills, a key-account
contact): seven records are still one person's number and still link. A number on eight records of
different people is a placeholder and links nobody.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from c360.hub.transfer import import_parties
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, ric


def test_one_persons_number_on_seven_records_still_links(engine: Engine, tmp_path: Path) -> None:
    mobile = "15259470869"
    boss = [{"source_key": "B1", "kind": "person", "name": "胡涛", "id_number": ric("42011119930323671"),
             "phones": [{"number": mobile, "since": "2010-02-12"}]}]
    bills = [{"source_key": f"A{i}", "kind": "person", "name": "胡涛", "phones": [mobile], "address": f"佛山市禅城区胜利路{600 + i}号"}
             for i in range(5)]
    contact = [{"source_key": "K1", "kind": "person", "name": "胡涛", "phones": [mobile]}]
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", boss), source="boss")
    import_parties(engine, write_jsonl(tmp_path / "billing.jsonl", bills), source="billing")
    import_parties(engine, write_jsonl(tmp_path / "keyaccount.jsonl", contact), source="keyaccount")
    customer = golden_of(engine, "boss", "B1")
    assert {golden_of(engine, "billing", f"A{i}") for i in range(5)} == {customer}
    assert golden_of(engine, "keyaccount", "K1") == customer


def test_a_number_on_eight_peoples_records_links_nobody(engine: Engine, tmp_path: Path) -> None:
    placeholder = "13800138000"
    people = [{"source_key": f"B{i}", "kind": "person", "name": "王伟", "phones": [placeholder]} for i in range(8)]
    # one line a page: the first seven link by name and number until the eighth makes the number a placeholder
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", people), source="boss", page_size=1)
    assert len({golden_of(engine, "boss", f"B{i}") for i in range(8)}) == 8
