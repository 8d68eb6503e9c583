"""The generic import takes files as silos write them: document labels, date spellings, one-day windows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from c360.app.cli.main import app
from c360.hub.models import Identifier, QuarantinedRecord, SourceRecord
from c360.hub.transfer import import_parties, parse_party
from c360.records import InvalidRecord
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, ric

ZHANG = ric("11010519850302123")



@pytest.mark.parametrize("label", ["RIC", "resident_id", "ID_CARD", "身份证", "居民身份证", "01", "", "Resident ID"])
def test_resident_id_labels(engine: Engine, tmp_path: Path, label: str) -> None:
    lines = [
        {"source_key": "A", "kind": "person", "name": "张伟", "id_type": label, "id_number": ZHANG},
        {"source_key": "B", "kind": "person", "name": "张 伟", "id_type": "RIC", "id_number": ZHANG.lower()},
    ]
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", lines), source="boss")
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")


def test_a_valid_resident_id_under_any_label_is_one_and_kept_as_given(engine: Engine, tmp_path: Path) -> None:
    written = f"{ZHANG[:6]} {ZHANG[6:14]} {ZHANG[14:]}"
    lines = [
        {"source_key": "A", "kind": "person", "name": "张伟", "id_type": "SSN", "id_number": written},
        {"source_key": "B", "kind": "person", "name": "张卫东", "id_type": "身份证", "id_number": ZHANG},  # the ID decides
    ]
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", lines), source="boss")
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")
    with Session(engine) as session:
        row = session.execute(
            select(Identifier.type, Identifier.value, Identifier.raw_value, SourceRecord.raw)
            .join(SourceRecord, SourceRecord.id == Identifier.source_record_id).where(SourceRecord.source_key == "A")
        ).one()
    assert (row.type, row.value, row.raw_value) == ("ric", ZHANG, written)
    assert row.raw["id_number"] == written and row.raw["id_type"] == "SSN"


def test_an_invalid_number_under_an_unknown_label_is_a_soft_document(engine: Engine, tmp_path: Path) -> None:
    import_parties(engine, write_jsonl(tmp_path / "f.jsonl", [
        {"source_key": "A", "kind": "person", "name": "张伟", "id_type": "SSN", "id_number": "123-45-6789"},
    ]), source="crm")
    with Session(engine) as session:
        assert session.execute(select(Identifier.type, Identifier.value)).one() == ("ssn", "123-45-6789")


@pytest.mark.parametrize("written", ["1985-03-02", "1985/3/2", "19850302", "1985年3月2日", "1985-03-02 00:00:00", "1985.03.02"])
def test_birth_date_spellings(written: str) -> None:
    record = parse_party({"source_key": "A", "kind": "person", "birth_date": written}, line=1, source="s")
    assert record.birth_date == dt.date(1985, 3, 2)


@pytest.mark.parametrize(("label", "kind"), [
    ("person", "person"), ("Individual", "person"), ("个人", "person"), ("个人客户", "person"), ("Natural Person", "person"),
    ("organization", "organization"), ("company", "organization"), ("企业", "organization"), ("集团客户", "organization"),
    ("政企", "organization"), ("Corporate", "organization"),
])
def test_kind_labels(label: str, kind: str) -> None:
    assert parse_party({"source_key": "A", "kind": label, "name": "x"}, line=1, source="s").party_type == kind


@pytest.mark.parametrize(("label", "sex"), [
    ("M", "M"), ("男", "M"), ("先生", "M"), ("男士", "M"), ("1", "M"),
    ("female", "F"), ("女", "F"), ("女士", "F"), ("小姐", "F"), ("2", "F"),
    ("0", None), ("9", None), ("未知", None), ("Unknown", None),  # GB/T 2261.1 and plain words for "not known"
])
def test_sex_labels(label: str, sex: str | None) -> None:
    assert parse_party({"source_key": "A", "kind": "person", "gender": label}, line=1, source="s").gender == sex


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("kind", "alien", "kind: must be person or organization"),
    ("gender", "maybe", "gender: must be M or F"),
    ("phones", {"number": "13811112222"}, "phones: expected a list or text"),
])
def test_a_label_nobody_listed_is_still_refused(field: str, value: object, reason: str) -> None:
    line = {"source_key": "A", "kind": "person", field: value}
    with pytest.raises(InvalidRecord) as raised:
        parse_party(line, line=7, source="s")
    assert raised.value.reason.startswith(f"line 7: {reason}")


@pytest.mark.parametrize(("phones", "numbers"), [
    ("13911112222", ["13911112222"]),
    (13911112222, ["13911112222"]),
    ("13911112222/13611112222", ["13911112222", "13611112222"]),
    (["13911112222；0757-77188163", "13611112222"], ["13911112222", "0757-77188163", "13611112222"]),
    ("0757-7718816/8", ["0757-7718816/8"]),  # a number and its extension: not two numbers
    ("+86 139 1111 2222", ["+86 139 1111 2222"]),
    ([13911112222.0, "13611112222.0", "1.3711112222E10"], ["13911112222", "13611112222", "13711112222"]),  # through a spreadsheet
    ([{"number": "13911112222.0", "since": "2015-01-01"}], ["13911112222"]),
])
def test_phones_written_in_one_field(phones: object, numbers: list[str]) -> None:
    record = parse_party({"source_key": "A", "kind": "person", "phones": phones}, line=1, source="s")
    assert [p.number for p in record.phones] == numbers


@pytest.mark.parametrize(("written", "moment"), [
    ("20150101103344", dt.datetime(2015, 1, 1, 2, 33, 44, tzinfo=dt.UTC)),  # run together, China time
    ("201501011033", dt.datetime(2015, 1, 1, 2, 33, tzinfo=dt.UTC)),
    (1420079624, dt.datetime(2015, 1, 1, 2, 33, 44, tzinfo=dt.UTC)),  # seconds since 1970
    (1420079624000, dt.datetime(2015, 1, 1, 2, 33, 44, tzinfo=dt.UTC)),  # milliseconds
])
def test_moments_as_exports_write_them(written: object, moment: dt.datetime) -> None:
    record = parse_party({"source_key": "A", "kind": "person", "updated_at": written,
                          "phones": [{"number": "13811112222", "since": written, "until": written}]}, line=1, source="s")
    assert record.updated_at == moment
    assert (record.phones[0].since, record.phones[0].until) == (moment, moment)


def test_a_deleted_flag_in_chinese() -> None:
    assert parse_party({"source_key": "A", "kind": "person", "deleted": "是"}, line=1, source="s").deleted is True
    assert parse_party({"source_key": "A", "kind": "person", "deleted": "否"}, line=1, source="s").deleted is False


def test_emails_written_in_one_field() -> None:
    record = parse_party({"source_key": "A", "kind": "person", "emails": "a@example.com; b@example.com"}, line=1, source="s")
    assert record.emails == ("a@example.com", "b@example.com")


def test_numbers_in_one_field_match_as_separate_numbers(engine: Engine, tmp_path: Path) -> None:
    lines = [
        {"source_key": "A", "kind": "person", "name": "王芳", "birth_date": "1990-01-02", "phones": "13911112222/13611112222"},
        {"source_key": "B", "kind": "个人", "name": "王芳", "birth_date": "1990/1/2", "phones": ["13611112222"], "gender": "女士"},
    ]
    report = import_parties(engine, write_jsonl(tmp_path / "crm.jsonl", lines), source="crm")
    assert report.quarantined == 0
    assert golden_of(engine, "crm", "A") == golden_of(engine, "crm", "B")


@pytest.mark.parametrize(("since", "until", "window"), [
    # one day: the whole day, China time
    ("2024-05-01", "2024-05-01", (dt.datetime(2024, 4, 30, 16, tzinfo=dt.UTC), dt.datetime(2024, 5, 1, 16, tzinfo=dt.UTC))),
    ("2024/5/1", "2024/5/1", (dt.datetime(2024, 4, 30, 16, tzinfo=dt.UTC), dt.datetime(2024, 5, 1, 16, tzinfo=dt.UTC))),
    # one instant
    ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", (dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC),) * 2),
    ("2024-05-01 18:00:00", "2024-05-01 18:00:00", (dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC),) * 2),
])
def test_a_window_may_be_one_day_or_one_instant(since: str, until: str, window: tuple[dt.datetime, dt.datetime]) -> None:
    record = parse_party({"source_key": "A", "kind": "person", "phones": [{"number": "13811112222", "since": since, "until": until}]},
                         line=1, source="s")
    assert (record.phones[0].since, record.phones[0].until) == window


def test_text_the_hub_cannot_store_is_quarantined_naming_the_field(engine: Engine, tmp_path: Path) -> None:
    """U+0000 (PostgreSQL) or a lone surrogate (both drivers): one such line used to end the import there, with a traceback."""
    path = write_jsonl(tmp_path / "crm.jsonl", [
        {"source_key": "A", "kind": "person", "name": "张\x00伟", "phones": ["13811112222"]},
        {"source_key": "B", "kind": "person", "name": "李强", "remark": "x\x00"},
        {"source_key": "C\x00", "kind": "person", "name": "王芳"},
        {"source_key": "D", "kind": "person", "name": "赵敏"},
    ])
    with path.open("ab") as handle:
        handle.write('{"source_key": "E", "kind": "person", "name": "周\x00九"}\n'.encode())  # a raw NUL: not JSON
        handle.write(b'{"source_key": "F", "kind": "person", "name": "\\ud800"}\n')  # half a surrogate pair
        handle.write(b'{"source_key": "G", "kind": "person", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n")  # too deep
    report = import_parties(engine, path, source="crm")
    assert (report.read, report.written, report.quarantined) == (7, 1, 6)
    with Session(engine) as session:
        quarantined = session.execute(select(QuarantinedRecord.source_key, QuarantinedRecord.reason, QuarantinedRecord.payload)
                                      .order_by(QuarantinedRecord.id)).all()
        landed = session.scalars(select(SourceRecord.source_key)).all()
    assert landed == ["D"]
    nul = "contains the character U+0000 (NUL), which the hub cannot store"
    assert [(key, reason) for key, reason, _ in quarantined] == [
        ("A", f"line 1: invalid PartyRecord: record: name {nul}"),
        ("B", f"line 2: invalid PartyRecord: record: extra.remark {nul}"),
        ("C\\u0000", f"line 3: invalid PartyRecord: record: source_key {nul}"),
        (None, "line 5: not valid JSON (Invalid control character at column 49)"),
        ("F", "line 6: invalid PartyRecord: name: Input should be a valid string, unable to parse raw data as a unicode string"),
        (None, "line 7: not valid JSON (nested too deeply)"),
    ]
    assert all("\x00" not in payload for *_, payload in quarantined) and "周\\u0000九" in quarantined[3][2]


def test_every_line_quarantined_fails_the_import_with_counts_per_reason(work_dir: Path, database_url: str) -> None:
    lines = [{"source_key": f"K{i}", "kind": "robot"} for i in range(3)] + [{"source_key": "K9", "kind": "person", "gender": "x"}]
    path = write_jsonl(work_dir / "bad.jsonl", lines)
    result = CliRunner().invoke(app, ["import", str(path), "--source", "crm"], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code != 0
    assert "quarantined 3: kind: must be person or organization" in result.output
    assert "quarantined 1: gender: must be M or F" in result.output
    assert "every line of bad.jsonl was quarantined" in result.output


def test_an_import_with_some_good_lines_succeeds(work_dir: Path, database_url: str) -> None:
    path = write_jsonl(work_dir / "some.jsonl", [{"source_key": "K1", "kind": "robot"}, {"source_key": "K2", "kind": "person", "name": "张伟"}])
    result = CliRunner().invoke(app, ["import", str(path), "--source", "crm"], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "quarantined 1: kind: must be person or organization" in result.output


def test_several_files_in_one_command(work_dir: Path, database_url: str, engine: Engine) -> None:
    """Each file is reported, then the sum; a customer in both files is one customer."""
    boss = write_jsonl(work_dir / "boss.jsonl", [
        {"source": "boss", "source_key": "B1", "kind": "person", "name": "张伟", "id_number": ZHANG, "phones": ["13911112222"]},
        {"source": "boss", "source_key": "B2", "kind": "robot"},
    ])
    calls = write_jsonl(work_dir / "calls.jsonl", [
        {"source": "callcenter", "source_key": "C1", "kind": "person", "name": "张先生",
         "phones": [{"number": "13911112222", "since": "2024-05-01 10:00", "until": "2024-05-01 10:05"}]},
    ])
    result = CliRunner().invoke(app, ["import", str(boss), str(calls)], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "boss.jsonl: read 2, written 1, unchanged 0, quarantined 1" in result.output
    assert "calls.jsonl: read 1, written 1, unchanged 0, quarantined 0" in result.output
    assert "read 3, written 2, unchanged 0, quarantined 1, unresolvable 0" in result.output
    assert "e.g. boss.jsonl line 2: kind" in result.output
    assert golden_of(engine, "boss", "B1") == golden_of(engine, "callcenter", "C1")


def test_a_missing_file_stops_the_command_before_anything_is_imported(work_dir: Path, database_url: str, engine: Engine) -> None:
    good = write_jsonl(work_dir / "good.jsonl", [{"source": "crm", "source_key": "K1", "kind": "person", "name": "张伟"}])
    result = CliRunner().invoke(app, ["import", str(good), str(work_dir / "missing.jsonl")], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code != 0 and "no such file" in result.output
    with Session(engine) as session:
        assert session.execute(select(SourceRecord.id)).first() is None


def test_a_file_whose_every_line_was_quarantined_fails_the_command_after_the_others(work_dir: Path, database_url: str, engine: Engine) -> None:
    good = write_jsonl(work_dir / "good.jsonl", [{"source": "crm", "source_key": "K1", "kind": "person", "name": "张伟"}])
    bad = write_jsonl(work_dir / "bad.jsonl", [{"source": "crm", "source_key": "K2", "kind": "robot"}])
    result = CliRunner().invoke(app, ["import", str(bad), str(good)], env={"C360_DATABASE_URL": database_url})
    assert result.exit_code != 0 and "every line of bad.jsonl was quarantined" in result.output
    with Session(engine) as session:
        assert session.execute(select(SourceRecord.source_key)).scalars().all() == ["K1"]
