"""Rules found on the northern case (``bench/northern_case``): contacts exported as tables, app accounts known only by
their login phone, and what a caller says that rules out the phone's holder (the ID's last four, a birth date).

Loaded as a user loads them: generic files through ``import_parties``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.models import Identifier, QuarantinedRecord, SourceRecord
from c360.hub.normalize.profile import build_profile
from c360.hub.transfer import import_parties, parse_party
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, partition, ric

CHEN = ric("13020319570418841")  # ends in 841 + check digit
CHEN_TAIL = CHEN[-4:]
BOSS = [
    # 陈卫东 has held 15610268322 since 2015; his wife 刘敏 holds 18037014419 and the household line
    {"source_key": "B1", "kind": "person", "name": "陈卫东", "id_number": CHEN, "gender": "男", "birth_date": "1957-04-18",
     "phones": [{"number": "15610268322", "since": "2015-01-01"}]},
    {"source_key": "B2", "kind": "person", "name": "刘敏", "id_number": ric("13020319600101002"), "gender": "女",
     "birth_date": "1960-01-01", "phones": [{"number": "18037014419", "since": "2012-01-01"}]},
]


def _calls_table(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "calls.csv"
    path.write_bytes(("ID,客户姓名,联系电话,来电时间,证件后四位,诉求类型\n" + "\n".join(rows) + "\n").encode("gb18030"))
    return path


def test_a_call_center_table_gives_the_call_time_as_the_numbers_window(engine: Engine, tmp_path: Path) -> None:
    """The calling number and the call time sit in two columns: the time is the number's one-instant window, so the
    caller joins whoever held the number then (a number with no window read as held for all time)."""
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", BOSS), source="boss")
    table = _calls_table(tmp_path, ["GD1,陈先生,15610268322,2021-05-02 15:01:28,,宽带报修", "GD2,,156 1026 8322,2021/5/3,,话费查询"])
    report = import_parties(engine, table, source="callcenter", kind="person")
    assert (report.written, report.quarantined) == (2, 0)
    holder = golden_of(engine, "boss", "B1")
    assert golden_of(engine, "callcenter", "GD1") == holder
    assert golden_of(engine, "callcenter", "GD2") == holder  # a bare date: the whole day
    record = parse_party({"source_key": "GD1", "kind": "person", "phone": "15610268322", "来电时间": "2021-05-02 15:01:28"},
                         line=1, source="callcenter")
    instant = dt.datetime(2021, 5, 2, 7, 1, 28, tzinfo=dt.UTC)  # China time, stored in UTC
    assert [(phone.since, phone.until) for phone in record.phones] == [(instant, instant)]
    assert record.extra["contact_at"] == "2021-05-02 15:01:28"  # kept as the silo gave it


def test_a_phones_cell_may_hold_the_json_of_numbers_with_windows(engine: Engine, tmp_path: Path) -> None:
    """A table cell has no other way to give a window; one that looks like JSON but is not is refused, naming the field,
    where it was split at its commas into bad numbers before."""
    path = tmp_path / "boss.csv"
    path.write_text(
        "cust_id,cust_name,id_no,msisdn\n"
        f'1,陈卫东,{CHEN},"[{{""number"": ""15610268322"", ""since"": ""2015-01-01"", ""until"": ""2020-01-01""}}]"\n'
        f'2,刘敏,{ric("13020319600101002")},"[{{""number"": ""18037014419"", ""since"": "\n',
        encoding="utf-8",
    )
    report = import_parties(engine, path, source="boss", kind="person")
    assert (report.written, report.quarantined) == (1, 1)
    with Session(engine) as session:
        reason = session.execute(select(QuarantinedRecord.reason)).scalar_one()
    assert reason.startswith("line 3: phones[0]: starts with [ or { but is not JSON")
    record = parse_party({"source_key": "1", "kind": "person", "msisdn": '[{"number": "15610268322", "since": "2015-01-01"}]'},
                         line=1, source="boss")
    assert [(p.number, p.since is not None, p.until) for p in record.phones] == [("15610268322", True, None)]


def test_the_ids_last_four_rules_out_a_relative_and_outweighs_a_slip_of_the_agent(engine: Engine, tmp_path: Path) -> None:
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", BOSS), source="boss")
    import_parties(engine, _calls_table(tmp_path, [
        f"GD1,陈女士,15610268322,2021-05-02 15:01:28,{CHEN_TAIL},宽带报修",  # the agent wrote 女士; the card is his
        "GD2,,15610268322,2021-06-02 10:00:00,724X,话费查询",  # someone else's card, on his phone
        "GD3,陈女士,15610268322,2021-07-02 10:00:00,,话费查询",  # a woman, nothing else: not him
    ]), source="callcenter", kind="person")
    holder = golden_of(engine, "boss", "B1")
    assert golden_of(engine, "callcenter", "GD1") == holder
    assert golden_of(engine, "callcenter", "GD2") != holder
    assert golden_of(engine, "callcenter", "GD3") != holder


def test_an_app_account_known_only_by_its_login_phone_joins_who_held_it_when_it_was_bound(engine: Engine, tmp_path: Path) -> None:
    """No name, no document: the login phone, verified by a text message when it was bound, says whose account it is
    (the number may have passed to someone else since). A child's account on a parent's number says a birth date
    years from the parent's: that rules the parent out."""
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", [
        *BOSS,
        {"source_key": "B3", "kind": "person", "name": "孙丽", "id_number": ric("13020319920707004"), "gender": "女",
         "phones": [{"number": "18037014419", "since": "2023-06-01"}]},  # 刘敏's old number, recycled
    ]), source="boss")
    # 刘敏 gave the number up in 2022 (a second BOSS line says so), before it passed to 孙丽
    import_parties(engine, write_jsonl(tmp_path / "boss_end.jsonl", [
        {"source_key": "B2", "kind": "person", "name": "刘敏", "id_number": ric("13020319600101002"), "gender": "女",
         "birth_date": "1960-01-01", "phones": [{"number": "18037014419", "since": "2012-01-01", "until": "2022-12-01"}]},
    ]), source="boss")
    import_parties(engine, write_jsonl(tmp_path / "app.jsonl", [
        {"id": "u1", "nickname": "静待花开", "mobile": [{"number": "18037014419", "since": "2019-05-25T03:22:25+08:00"}]},
        {"id": "u2", "nickname": "chenwd", "mobile": [{"number": "15610268322", "since": "2020-01-01T08:00:00+08:00"}],
         "email": "cwd@example.com"},
        {"id": "u3", "nickname": "小宝", "birthday": "2012年6月13日", "mobile": [{"number": "15610268322", "since": "2023-01-01"}]},
        {"id": "u4", "nickname": "新用户", "mobile": [{"number": "18037014419", "since": "2024-02-02T08:00:00+08:00"}]},
    ]), source="app", kind="person")
    assert golden_of(engine, "app", "u1") == golden_of(engine, "boss", "B2")
    assert golden_of(engine, "app", "u2") == golden_of(engine, "boss", "B1")
    assert golden_of(engine, "app", "u3") != golden_of(engine, "boss", "B1")
    assert golden_of(engine, "app", "u4") == golden_of(engine, "boss", "B3")
    before = partition(engine)
    resolve_full(engine)
    assert partition(engine) == before


def test_a_named_account_or_one_whose_numbers_were_never_held_together_is_no_interaction() -> None:
    bound = [{"number": "15610268322", "since": "2020-01-01T00:00:00+00:00"}]
    named = build_profile(1, "app", "u1", {"party_type": "person", "name": "陈卫东", "phones": bound})
    assert named.observed_at is None  # a name is compared as any record's is
    apart = build_profile(2, "app", "u2", {"party_type": "person", "phones": [
        {"number": "15610268322", "since": "2019-01-01T00:00:00+00:00", "until": "2019-06-01T00:00:00+00:00"},
        {"number": "18037014419", "since": "2020-01-01T00:00:00+00:00"},
    ]})
    assert apart.observed_at is None
    nameless = build_profile(3, "app", "u3", {"party_type": "person", "phones": bound})
    assert nameless.observed_at == nameless.observed_until == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def test_a_caller_on_a_local_number_without_its_area_code_joins_the_holder_of_that_line(engine: Engine, tmp_path: Path) -> None:
    """A switch logs a local call without its area code: 71946979 is the local part of 010-71946979. It fits the holders
    of every line with that local part, so the caller must fit exactly one of them (here by surname)."""
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", [
        {"source_key": "B1", "kind": "person", "name": "孙山勇", "id_number": ric("34010219730703259"), "gender": "男",
         "phones": ["13296702521", "010-71946979"]},
        {"source_key": "B2", "kind": "person", "name": "王强", "id_number": ric("37010219800101001"), "gender": "男",
         "phones": ["0531-71946979"]},  # the same local part in another city
    ]), source="boss")
    import_parties(engine, _calls_table(tmp_path, [
        "GD1,孙先生,71946979,2021-06-03 13:16:17,,停复机",
        "GD2,刘先生,71946979,2021-06-04 10:00:00,,话费查询",  # fits neither holder
        "GD3,先生,71946979,2021-06-05 10:00:00,,话费查询",  # fits both: not enough
    ]), source="callcenter", kind="person")
    assert golden_of(engine, "callcenter", "GD1") == golden_of(engine, "boss", "B1")
    assert golden_of(engine, "callcenter", "GD2") not in {golden_of(engine, "boss", "B1"), golden_of(engine, "boss", "B2")}
    assert golden_of(engine, "callcenter", "GD3") not in {golden_of(engine, "boss", "B1"), golden_of(engine, "boss", "B2")}
    with Session(engine) as session:
        assert session.execute(select(Identifier.value, Identifier.trusted).join(SourceRecord).where(
            SourceRecord.source_key == "GD1", Identifier.type == "phone")).one() == ("+8671946979", False)  # stored as read
    before = partition(engine)
    resolve_full(engine)
    assert partition(engine) == before


def test_a_subscription_table_gives_its_numbers_window_in_columns(engine: Engine, tmp_path: Path) -> None:
    """入网时间 / 离网时间 beside a row's one number are its window: a recycled number's two holders then held it at
    different times, and a caller who gave no name joins the one of that day. A row of several numbers keeps its
    dates in ``extra`` only: they would say nothing of the contact phone beside the subscriber's line."""
    path = tmp_path / "subscriptions.csv"
    path.write_text(
        "客户编号,客户姓名,证件号码,手机号码,入网时间,离网时间\n"
        f"1,陈卫东,{CHEN},15610268322,2015-01-01,2020-01-01\n"
        f"2,孙丽,{ric('13020319920707004')},15610268322,2020-06-01,\n"
        f"3,刘敏,{ric('13020319600101002')},18037014419/13911112222,2012-01-01,\n",
        encoding="utf-8",
    )
    assert import_parties(engine, path, source="boss", kind="person").written == 3
    import_parties(engine, _calls_table(tmp_path, ["GD1,,15610268322,2018-03-03 10:00:00,,话费查询",
                                                  "GD2,,15610268322,2024-03-03 10:00:00,,话费查询"]),
                   source="callcenter", kind="person")
    assert golden_of(engine, "callcenter", "GD1") == golden_of(engine, "boss", "1")
    assert golden_of(engine, "callcenter", "GD2") == golden_of(engine, "boss", "2")
    several = parse_party({"source_key": "3", "kind": "person", "手机号码": "18037014419/13911112222", "入网时间": "2012-01-01"},
                          line=1, source="boss")
    assert [(p.since, p.until) for p in several.phones] == [(None, None), (None, None)]
    assert several.extra["phone_since"] == "2012-01-01"
