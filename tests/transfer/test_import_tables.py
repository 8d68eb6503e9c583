"""Exports as silos write them: CSV / TSV tables with a header row, GB18030 or UTF-8, and their own names for fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from c360.app.cli.main import app
from c360.hub.models import QuarantinedRecord, SourceRecord
from c360.hub.transfer import import_parties, parse_party
from tests.helpers.identity import golden_of, ric

ZHANG = ric("11010519850302123")
ZHANG_15 = ZHANG[:6] + ZHANG[8:17]  # the same card before 1999: no century, no check digit


def test_a_spreadsheet_export_in_gb18030_with_chinese_headers(engine: Engine, tmp_path: Path) -> None:
    table = (
        "客户编号,姓名,证件号码,手机号码,性别,客户类型,开户网点\n"
        f"1,张伟,{ZHANG},13911112222,男,个人,天河营业厅\n"
        f'2,张伟,{ZHANG_15},"13611113333/13911112222",先生,个人客户,\n'
        '3,"李"强",x,x,x,x,x\n'
        "4,王芳,,13711114444,女,个人,,多出的一格\n"
    )
    path = tmp_path / "boss.csv"
    path.write_bytes(table.encode("gb18030"))  # what a spreadsheet in China saves as CSV
    report = import_parties(engine, path, source="boss")
    assert (report.read, report.written, report.quarantined) == (4, 2, 2)
    assert golden_of(engine, "boss", "1") == golden_of(engine, "boss", "2")
    with Session(engine) as session:
        quarantined = session.execute(select(QuarantinedRecord.reason, QuarantinedRecord.payload).order_by(QuarantinedRecord.id)).all()
    assert quarantined == [
        ("line 4: not a valid CSV row (',' expected after '\"')", '3,"李"强",x,x,x,x,x'),  # the row as the file has it
        ("line 5: 8 cells, but the header names 7 columns", "4,王芳,,13711114444,女,个人,,多出的一格"),
    ]


def test_a_tab_separated_export_in_utf8_with_a_line_break_in_a_cell(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "crm.tsv"
    path.write_bytes(
        "\ufeffcust_id\tType\tcust_name\tid_no\tMobile Phone\taddr\n"
        f'A\tindividual\t张伟\t{ZHANG}\t13911112222\t"广州市天河区\n体育西路1号"\n'
        "\n"
        f"B\tindividual\t张伟\t{ZHANG}\t\t\n".encode()
    )
    report = import_parties(engine, path, source="crm")
    assert (report.read, report.written, report.quarantined) == (2, 2, 0)
    assert golden_of(engine, "crm", "A") == golden_of(engine, "crm", "B")


def test_a_file_neither_utf8_nor_gb18030_is_refused_before_anything_is_imported(work_dir: Path, database_url: str) -> None:
    path = work_dir / "broken.csv"
    path.write_bytes(b"source_key,name\n1,\x80\x80\n")
    result = CliRunner().invoke(app, ["import", str(path), "--source", "crm"], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code != 0 and "neither UTF-8 nor GB18030" in result.output


def test_a_header_must_name_every_column_once(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("source_key,phone,phone\n1,13911112222,13611113333\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name every column once"):
        import_parties(engine, path, source="crm")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"id": "K1", "cust_name": "张伟", "sex": "女", "type": "个人"}, {"source_key": "K1", "name": "张伟", "gender": "F"}),
        ({"客户号": "K1", "姓名": "张伟", "出生日期": "1985/3/2", "身份证号": ZHANG}, {"name": "张伟", "id_number": ZHANG}),
        ({"source_key": "K1", "name": "张伟", "姓名": "张小伟"}, {"name": "张伟", "extra": {"姓名": "张小伟"}}),  # its own name wins
        ({"source_key": "K1", "E-Mail": "a@b.cn", "mail": "c@d.cn"}, {"emails": ("a@b.cn", "c@d.cn")}),
    ],
)
def test_fields_under_the_names_exports_give_them(line: dict[str, object], expected: dict[str, object]) -> None:
    record = parse_party({"kind": "person", **line}, line=1, source="crm")
    assert {name: getattr(record, name) for name in expected} == expected


def test_phones_from_every_phone_column(engine: Engine, tmp_path: Path) -> None:
    """Before, a column named ``mobile`` was kept in extra and never matched on."""
    record = parse_party(
        {"source_key": "K1", "kind": "person", "phones": ["13911112222"], "mobile": "13611113333", "联系电话": "020-12345678"},
        line=1, source="crm",
    )
    assert [phone.number for phone in record.phones] == ["13911112222", "13611113333", "020-12345678"]


def test_kind_for_lines_that_give_none(work_dir: Path, database_url: str, engine: Engine) -> None:
    """An export of one silo's individual customers often has no kind column: --kind says it, a line's own kind wins."""
    path = work_dir / "hall.csv"
    path.write_text("客户编号,姓名,手机号码,客户类型\n1,张伟,13911112222,\n2,鑫博科技有限公司,02012345678,企业\n", encoding="utf-8")
    env = {"C360_DATABASE_URL": database_url}
    refused = CliRunner().invoke(app, ["import", str(path), "--source", "hall"], env=env)
    assert refused.exit_code == 0 and "quarantined 1: kind: required but empty (or give --kind)" in refused.output
    bad = CliRunner().invoke(app, ["import", str(path), "--source", "hall", "--kind", "robot"], env=env)
    assert bad.exit_code != 0 and "--kind must be person or organization" in bad.output
    taken = CliRunner().invoke(app, ["import", str(path), "--source", "hall", "--kind", "个人"], env=env)
    assert taken.exit_code == 0, taken.output
    with Session(engine) as session:
        kinds = dict(session.execute(select(SourceRecord.source_key, SourceRecord.raw["party_type"].as_string())).all())
    assert kinds == {"1": "person", "2": "organization"}


def test_one_json_array_as_many_tools_export(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "crm.json"
    path.write_text(
        "[\n"
        f'  {{"cust_id": "A", "type": "个人", "姓名": "张伟",\n   "证件号码": "{ZHANG}"}},\n'
        f'  {{"cust_id": "B", "type": "个人", "姓名": "张伟", "证件号码": "{ZHANG_15}"}},\n'
        '  "not an object"\n'
        "]\n",
        encoding="utf-8",
    )
    report = import_parties(engine, path, source="crm")
    assert (report.read, report.written, report.quarantined) == (3, 2, 1)
    assert report.reasons == ["line 5: expected a JSON object, got str"]  # numbered by the line the item starts on
    assert golden_of(engine, "crm", "A") == golden_of(engine, "crm", "B")


def test_a_broken_json_array_is_refused_before_anything_is_imported(work_dir: Path, database_url: str, engine: Engine) -> None:
    path = work_dir / "broken.json"
    path.write_text('[{"source_key": "A", "kind": "person", "name": "张伟"},\n {"source_key": "B", "kind": ]', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(path), "--source", "crm"], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code != 0 and "broken.json: not one valid JSON array (line 2 column" in result.output
    with Session(engine) as session:
        assert session.scalars(select(SourceRecord.source_key)).all() == []
