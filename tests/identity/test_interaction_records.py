"""Interaction records (a caller known by surname and the phone of one day) attach to the holder of that phone.

Loaded as a user loads them: generic files through ``import_parties``, in either order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.models import CrossReference, SourceRecord
from c360.hub.transfer import import_parties
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, partition, ric

BOSS = [
    # 王芳 held 13811110001 until the end of 2022; 孙丽 has held it since June 2023 (a recycled number)
    {"source_key": "B1", "kind": "person", "name": "王芳", "id_type": "身份证", "id_number": ric("44010619800101002"),
     "gender": "女", "address": "广东省广州市天河区体育西路123号3栋502",
     "phones": [{"number": "13811110001", "since": "2015-03-01", "until": "2023-01-01"},
                {"number": "020-38881234", "since": "2010-01-01"}]},
    {"source_key": "B2", "kind": "person", "name": "孙丽", "id_number": ric("44010619920707004"), "gender": "F",
     "phones": [{"number": "13811110001", "since": "2023-06-01"}]},
    # 王芳's husband shares the household's fixed line
    {"source_key": "B3", "kind": "person", "name": "李强", "id_number": ric("44010619790505003"), "gender": "M",
     "address": "广东省广州市天河区体育西路123号3栋502", "phones": [{"number": "020-38881234", "since": "2010-01-01"},
                                                           {"number": "13922220002", "since": "2012-01-01"}]},
]
CALLS = [
    {"source_key": "T1", "kind": "person", "name": "王女士", "phones": [{"number": "13811110001", "since": "2021-04-02", "until": "2021-04-02"}]},
    {"source_key": "T2", "kind": "person", "name": "孙女士", "phones": [{"number": "138 1111 0001", "since": "2024-02-03", "until": "2024-02-03"}]},
    # the earlier holder's number, called from after it passed to someone else, by a man: contradicts 孙丽
    {"source_key": "T3", "kind": "person", "name": "赵先生", "phones": [{"number": "13811110001", "since": "2024-03-01", "until": "2024-03-01"}]},
    # the household line: 李先生 is the husband (sex and surname narrow two holders to one)
    {"source_key": "T4", "kind": "person", "name": "李先生", "phones": [{"number": "02038881234", "since": "2022-08-08", "until": "2022-08-08"}]},
    # the household line and nothing else that tells the two holders apart
    {"source_key": "T5", "kind": "person", "name": "客户", "phones": [{"number": "020-38881234", "since": "2022-08-09", "until": "2022-08-09"}]},
    # a number nobody held then (between holders)
    {"source_key": "T6", "kind": "person", "name": "孙女士", "phones": [{"number": "13811110001", "since": "2023-03-01", "until": "2023-03-01"}]},
    # an instant rather than a day, with the caller's full name
    {"source_key": "T7", "kind": "person", "name": "李强", "phones": [{"number": "13922220002", "since": "2024-05-01T10:00:00+08:00",
                                                                   "until": "2024-05-01T10:00:00+08:00"}]},
]



@pytest.fixture(params=["holders first", "calls first"])
def loaded(request: pytest.FixtureRequest, engine: Engine, tmp_path: Path) -> Engine:
    files = [("boss", write_jsonl(tmp_path / "boss.jsonl", BOSS)), ("callcenter", write_jsonl(tmp_path / "calls.jsonl", CALLS))]
    for source, path in files if request.param == "holders first" else files[::-1]:
        import_parties(engine, path, source=source, page_size=2)
    return engine


def test_a_caller_attaches_to_the_holder_of_that_day(loaded: Engine) -> None:
    assert golden_of(loaded, "callcenter", "T1") == golden_of(loaded, "boss", "B1")
    assert golden_of(loaded, "callcenter", "T2") == golden_of(loaded, "boss", "B2")
    assert golden_of(loaded, "callcenter", "T7") == golden_of(loaded, "boss", "B3")


def test_a_contradicted_caller_stays_apart(loaded: Engine) -> None:
    alone = {golden_of(loaded, "callcenter", "T3")} - {golden_of(loaded, "boss", k) for k in ("B1", "B2", "B3")}
    assert alone


def test_a_shared_line_is_not_enough_alone(loaded: Engine) -> None:
    assert golden_of(loaded, "callcenter", "T4") == golden_of(loaded, "boss", "B3")  # 李先生: only the husband fits
    holders = {golden_of(loaded, "boss", k) for k in ("B1", "B3")}
    assert golden_of(loaded, "callcenter", "T5") not in holders


def test_nobody_held_the_number_that_day(loaded: Engine) -> None:
    assert golden_of(loaded, "callcenter", "T6") not in {golden_of(loaded, "boss", k) for k in ("B1", "B2", "B3")}


def test_callers_never_bridge_two_customers(loaded: Engine) -> None:
    assert len({golden_of(loaded, "boss", k) for k in ("B1", "B2", "B3")}) == 3


def test_the_link_says_how_it_was_made(loaded: Engine) -> None:
    with Session(loaded) as session:
        method, evidence = session.execute(
            select(CrossReference.method, CrossReference.evidence).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
            .where(SourceRecord.source == "callcenter", SourceRecord.source_key == "T1")
        ).one()
    assert (method, evidence) == ("event_time", {"by": "phone_window"})


def test_full_resolution_gives_the_same_partition(loaded: Engine) -> None:
    before = partition(loaded)
    resolve_full(loaded)
    assert partition(loaded) == before


def test_familiar_forms_of_rarer_surnames_are_forms_of_address(engine: Engine, tmp_path: Path) -> None:
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", [
        {"source_key": "B9", "kind": "person", "name": "瞿瑜", "id_number": ric("44190019840730700"), "gender": "F",
         "phones": [{"number": "19691677379", "since": "2012-12-16"}]},
    ]), source="boss")
    import_parties(engine, write_jsonl(tmp_path / "calls.jsonl", [
        {"source_key": "T9", "kind": "person", "name": "小瞿", "phones": [{"number": "19691677379", "since": "2015-08-12", "until": "2015-08-12"}]},
    ]), source="callcenter")
    assert golden_of(engine, "callcenter", "T9") == golden_of(engine, "boss", "B9")


def test_a_number_on_many_records_over_the_years_is_no_placeholder(engine: Engine, tmp_path: Path) -> None:
    """Two holders one after the other, each on several silos' records: callers still find the holder of their day."""
    number = "18772400954"
    lines = []
    for who, (name, since, until) in enumerate((("李平睿", "2012-01-01", "2018-01-01"), ("张敏", "2018-09-01", None))):
        for account in range(4):
            lines.append({"source_key": f"B{who}{account}", "kind": "person", "name": name, "gender": "M" if who == 0 else "F",
                          "id_number": ric(f"44080219910306{who}63"), "phones": [{"number": number, "since": since, "until": until}]})
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", lines), source="boss")
    import_parties(engine, write_jsonl(tmp_path / "calls.jsonl", [
        {"source_key": "T1", "kind": "person", "name": "李先生", "phones": [{"number": number, "since": "2016-05-05", "until": "2016-05-05"}]},
        {"source_key": "T2", "kind": "person", "name": "张女士", "phones": [{"number": number, "since": "2021-05-05", "until": "2021-05-05"}]},
    ]), source="callcenter")
    assert golden_of(engine, "callcenter", "T1") == golden_of(engine, "boss", "B00")
    assert golden_of(engine, "callcenter", "T2") == golden_of(engine, "boss", "B10")


def test_a_fixed_line_needs_at_least_a_surname(engine: Engine, tmp_path: Path) -> None:
    """A home's fixed line says which household called, not who: a caller who gave no name stays apart, even when
    one customer holds the line; one who gave a surname that fits joins that customer."""
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", [
        {"source_key": "B1", "kind": "person", "name": "孙丽", "id_number": ric("44010619920707004"), "gender": "F",
         "phones": [{"number": "020-38889999", "since": "2015-01-01"}, {"number": "13811112222", "since": "2015-01-01"}]},
    ]), source="boss")
    import_parties(engine, write_jsonl(tmp_path / "calls.jsonl", [
        {"source_key": "T1", "kind": "person", "phones": [{"number": "020-38889999", "since": "2024-02-03", "until": "2024-02-03"}]},
        {"source_key": "T2", "kind": "person", "name": "孙女士", "phones": [{"number": "02038889999", "since": "2024-02-04", "until": "2024-02-04"}]},
        {"source_key": "T3", "kind": "person", "phones": [{"number": "13811112222", "since": "2024-02-05", "until": "2024-02-05"}]},
    ]), source="callcenter")
    holder = golden_of(engine, "boss", "B1")
    assert golden_of(engine, "callcenter", "T1") != holder
    assert golden_of(engine, "callcenter", "T2") == holder
    assert golden_of(engine, "callcenter", "T3") == holder  # a mobile is one person's: no name is no contradiction
    with Session(engine) as session:
        evidence = session.execute(
            select(CrossReference.evidence).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
            .where(SourceRecord.source == "callcenter", SourceRecord.source_key == "T1")
        ).scalar_one()
    assert evidence == {"reason": "fixed_line_unnamed"}
    before = partition(engine)
    resolve_full(engine)
    assert partition(engine) == before
