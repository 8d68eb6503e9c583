"""Generic JSONL import (quarantine, unresolvable, phone windows, extra fields) and the xref CSV export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from c360.app.cli.transfer_cmd import export_app, import_command
from c360.hub.models import CrossReference, GoldenCustomer, QuarantinedRecord, SourceRecord
from c360.hub.transfer import LineError, export_xref, import_parties, parse_party
from c360.records import InvalidRecord
from tests.helpers.identity import ric

ZHANG = ric("11010519850302123")
LI = ric("31010419900707456")

LINES: list[object] = [
    # 1, 2: one person in two silos (same ID card; phone as text and as an object with a window)
    {"source": "crm", "source_key": "C1", "kind": "person", "name": "张伟", "id_type": "RIC", "id_number": ZHANG,
     "phones": ["13811112222"], "loyalty_tier": "gold", "tags": ["a", "b"]},
    {"source": "shop", "source_key": "M7", "kind": "person", "name": "張偉", "id_number": ZHANG,
     "phones": [{"number": "+86 138 1111 2222", "since": "2019-01-01T00:00:00+08:00", "until": "2024-01-01T00:00:00Z"}],
     "emails": ["zw@example.com"], "birth_date": "1985-03-02", "gender": "男", "updated_at": "2024-05-01T10:00:00"},
    # 3: someone else
    {"source": "crm", "source_key": "C2", "kind": "person", "name": "李娜", "id_type": "RIC", "id_number": LI},
    # 4: bad timestamp inside a phone object → quarantined, the value never in the reason
    {"source": "crm", "source_key": "C3", "kind": "person", "name": "王芳",
     "phones": [{"number": "13900001111", "since": "yesterday-ish"}]},
    # 5: nothing to match on → kept, unresolvable
    {"source": "crm", "source_key": "C4", "kind": "person", "name": "赵敏"},
    # 6: an organization named by org_name
    {"source": "crm", "source_key": "E1", "kind": "organization", "org_name": "北京示例科技有限公司",
     "phones": ["01088889999"]},
]


def write_jsonl(path: Path, lines: list[object]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")
    return path


def xref_rows(engine: Engine) -> dict[tuple[str, str], str]:
    buffer = io.StringIO()
    export_xref(engine, buffer)
    reader = csv.reader(io.StringIO(buffer.getvalue()))
    assert next(reader) == ["source", "source_key", "golden_id"]
    return {(s, k): g for s, k, g in reader}


def test_import_then_export_xref(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "parties.jsonl", [*LINES[:5], "", "{not json", *LINES[5:]])
    report = import_parties(engine, path, page_size=2)  # several pages, a bad line in the middle of one

    assert (report.read, report.written, report.quarantined, report.unresolvable) == (7, 5, 2, 1)
    with Session(engine) as session:
        bad = session.execute(select(QuarantinedRecord).order_by(QuarantinedRecord.id)).scalars().all()
        assert [(q.connector, q.stream, q.source_key) for q in bad] == [("import", "crm", "C3"), ("import", "parties.jsonl", None)]
        assert bad[0].reason == "line 4: phones[0].since: not a timestamp (ISO 8601, or a date such as 2024/5/1 with an optional time)"
        assert bad[1].reason.startswith("line 7: not valid JSON")
        assert "yesterday" not in bad[0].reason and json.loads(bad[0].payload)["source_key"] == "C3"

        raw = session.execute(select(SourceRecord.raw).where(SourceRecord.source_key == "C1")).scalar_one()
        assert raw["extra"] == {"loyalty_tier": "gold", "tags": '["a", "b"]'}  # unknown fields kept
        raw = session.execute(select(SourceRecord.raw).where(SourceRecord.source_key == "M7")).scalar_one()
        assert raw["phones"] == [{"number": "+86 138 1111 2222", "since": "2018-12-31T16:00:00Z", "until": "2024-01-01T00:00:00Z"}]
        assert raw["gender"] == "M" and raw["updated_at"] == "2024-05-01T02:00:00Z"  # naive = China time
        raw = session.execute(select(SourceRecord.raw).where(SourceRecord.source_key == "E1")).scalar_one()
        assert (raw["party_type"], raw["name"]) == ("organization", "北京示例科技有限公司")

        unresolvable = session.execute(
            select(SourceRecord.source_key, CrossReference.method, GoldenCustomer.resolvable)
            .join(CrossReference, CrossReference.source_record_id == SourceRecord.id)
            .join(GoldenCustomer, GoldenCustomer.id == CrossReference.golden_id)
            .where(GoldenCustomer.resolvable.is_(False))
        ).all()
        assert unresolvable == [("C4", "unresolvable", False)]

    xref = xref_rows(engine)
    assert set(xref) == {("crm", "C1"), ("shop", "M7"), ("crm", "C2"), ("crm", "C4"), ("crm", "E1")}
    assert all(xref.values())
    assert xref[("crm", "C1")] == xref[("shop", "M7")]
    assert len({xref[("crm", "C1")], xref[("crm", "C2")], xref[("crm", "C4")], xref[("crm", "E1")]}) == 4

    again = import_parties(engine, path)  # idempotent: nothing new written, the same customers
    assert (again.written, again.unchanged) == (0, 5)
    assert xref_rows(engine) == xref


def test_source_option_overrides_and_unresolved_rows_are_blank(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"source_key": "X1", "kind": "person", "name": "张伟", "id_number": ZHANG},
                                                {"source": "other", "source_key": "X2", "kind": "person", "id_number": ZHANG}])
    report = import_parties(engine, path, source="legacy")
    assert (report.written, report.quarantined) == (2, 0)
    xref = xref_rows(engine)
    assert set(xref) == {("legacy", "X1"), ("legacy", "X2")} and xref[("legacy", "X1")] == xref[("legacy", "X2")]

    with Session(engine) as session, session.begin():  # a record resolution has not reached yet
        session.execute(CrossReference.__table__.delete())
    assert set(xref_rows(engine).values()) == {""}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"source": "s", "kind": "person"}, "line 9: source_key: required but empty"),
        ({"source_key": "k", "kind": "person"}, "line 9: source: required but empty (or give --source)"),
        ({"source": "s", "source_key": "k", "kind": "robot"}, "line 9: kind: must be person or organization (also individual/company, 个人/企业, …)"),
        ({"source": "s", "source_key": "k", "kind": "person", "birth_date": "3 May"}, "line 9: birth_date: not a date (such as 2024-05-01, 2024/5/1, 20240501 or 2024年5月1日)"),
        ({"source": "s", "source_key": "k", "kind": "person", "gender": "X"}, "line 9: gender: must be M or F (also male/female, 男/女, 先生/女士, 1/2; 0, 9, unknown: not known)"),
        ({"source": "s", "source_key": "k", "kind": "person", "phones": {"number": "138"}}, "line 9: phones: expected a list or text"),
        ({"source": "s", "source_key": "k", "kind": "person", "phones": [{"since": "2020-01-01"}]},
         "line 9: phones[0].number: required but empty"),
        ({"source": "s", "source_key": "k", "kind": "person", "phones": [{"number": "1", "since": "2021-01-01", "until": "2020-01-01"}]},
         "line 9: phones[0]: since must not be after until"),
        ({"source": "s", "source_key": "k", "kind": "person", "emails": ["a@b.c", 5]}, "line 9: emails[1]: expected text"),
        ({"source": "s", "source_key": "k" * 129, "kind": "person"}, "line 9: source_key: longer than 128 characters"),
        (["not", "an", "object"], "line 9: expected a JSON object, got list"),
    ],
)
def test_bad_lines_name_line_and_field(raw: object, reason: str) -> None:
    with pytest.raises(LineError) as caught:
        parse_party(raw, line=9)
    assert isinstance(caught.value, InvalidRecord) and caught.value.reason == reason


def test_cli_import_and_export(engine: Engine, database_url: str, work_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    app = typer.Typer()
    app.command("import")(import_command)
    app.add_typer(export_app, name="export")
    path = write_jsonl(work_dir / "in.jsonl", [LINES[0], LINES[1], "[]"])
    runner = CliRunner()

    result = runner.invoke(app, ["import", str(path), "--source", "legacy"])
    assert result.exit_code == 0, result.output
    assert "read 3, written 2, unchanged 0, quarantined 1, unresolvable 0" in result.output

    result = runner.invoke(app, ["export", "xref", "--out", str(work_dir / "xref.csv")])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((work_dir / "xref.csv").read_text(encoding="utf-8"))))
    assert rows[0] == ["source", "source_key", "golden_id"]
    assert sorted(r[:2] for r in rows[1:]) == [["legacy", "C1"], ["legacy", "M7"]] and rows[1][2] == rows[2][2] != ""
    assert not list(work_dir.glob(".xref.csv.*"))

    result = runner.invoke(app, ["import", str(work_dir / "missing.jsonl")])
    assert result.exit_code == 2
