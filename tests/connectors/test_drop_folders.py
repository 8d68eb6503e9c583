"""Call center (CSV) and BI (JSONL) drop folders: .part ignored, files read once, resume mid-file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from c360.connectors import BadPageError, Connector, FatalError, registry
from c360.connectors.conformance import read_all
from c360.connectors.files import natural_key
from c360.records import (
    AnalysisRecord,
    ContactRecord,
    PartyRecord,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
)
from tests.connectors.sample import SR_HEADER, bi_line, sr_row, write_csv, write_jsonl


def drop(name: str, folder: Path, **over: object) -> Connector:
    return registry.build(name, {"folder": str(folder), "page_size": 2, **over})


def ids(pages: list, field: str) -> list[str]:  # type: ignore[type-arg]
    return [raw[field] for page in pages for raw in page.records]


def test_natural_order_puts_10_after_9() -> None:
    assert sorted(["a_10.csv", "a_9.csv", "a_1.csv"], key=natural_key) == ["a_1.csv", "a_9.csv", "a_10.csv"]


def test_part_files_are_never_read_and_files_are_read_once(callcenter_dir: Path) -> None:
    with drop("callcenter", callcenter_dir) as connector:
        requests = connector.stream("service_requests")
        pages = read_all(requests)
        assert ids(pages, "sr_id") == ["SR1", "SR2", "SR3", "SR4", "SR5", "SR6"]  # no SR99 from the .part
        assert read_all(requests, pages[-1].cursor) == []
        os.replace(callcenter_dir / "service_requests_20240601090000_11.csv.part",
                   callcenter_dir / "service_requests_20240601090000_11.csv")  # fmt: skip
        assert ids(read_all(requests, pages[-1].cursor), "sr_id") == ["SR99"]


def test_a_file_is_taken_only_with_the_page_holding_its_last_records(callcenter_dir: Path) -> None:
    with drop("callcenter", callcenter_dir) as connector:
        requests = connector.stream("service_requests")
        first = read_all(requests)[0]
        assert first.cursor == {"file": "service_requests_20240601090000_1.csv", "rows": 2, "complete": False}
        assert ids(read_all(requests, first.cursor), "sr_id") == ["SR3", "SR4", "SR5", "SR6"]


def test_callcenter_maps_requests_callers_statuses_and_calls(callcenter_dir: Path) -> None:
    with drop("callcenter", callcenter_dir) as connector:
        out = {s.name: [r for p in read_all(s) for raw in p.records for r in s.records(raw)] for s in connector.streams()}
    known = [r for r in out["service_requests"] if r.source_key == "SR1"]
    assert len(known) == 1 and isinstance(known[0], ServiceRequestRecord)
    assert (known[0].party_source, known[0].party_key) == ("boss", "C001")
    caller, anonymous = [r for r in out["service_requests"] if "SR2" in r.source_key]
    assert isinstance(caller, PartyRecord) and caller.source_key == "sr:SR2" and caller.name == "王先生"
    assert caller.phones[0].number == "13800138000" and caller.observed_at is not None
    assert isinstance(anonymous, ServiceRequestRecord) and anonymous.party_key == "sr:SR2"
    assert anonymous.party_source == "callcenter" and anonymous.closed_at is None
    statuses = out["sr_status"]
    assert all(isinstance(r, ServiceRequestStatusRecord) for r in statuses)
    assert [(r.request_key, r.status, r.agent) for r in statuses][:2] == [("SR1", "open", "AG1"), ("SR1", "closed", "AG1")]
    party, contact = out["calls"][:2]
    assert isinstance(party, PartyRecord) and party.source_key == "call:CL1" and party.observed_at == contact.occurred_at
    assert isinstance(contact, ContactRecord) and contact.channel == "call_center" and contact.party_key == "call:CL1"
    assert contact.source_labels == {"channel": "hotline"}, "the silo's own word is kept beside the canonical one"
    assert contact.duration_s == 120 and contact.service_request_key == "SR1" and contact.phone == "13800138000"


def test_bi_maps_customers_and_enterprises(bi_dir: Path) -> None:
    with drop("bi", bi_dir) as connector:
        stream = connector.stream("analysis")
        records = [r for p in read_all(stream) for raw in p.records for r in stream.records(raw)]
    assert all(isinstance(r, AnalysisRecord) for r in records) and len(records) == 5
    by_key = {r.source_key.split("@")[0]: r for r in records}
    assert records[0].source_key == "customer:X1@2024-06-30"
    assert (by_key["customer:X1"].party_source, by_key["customer:X1"].party_key) == ("boss", "X1")
    assert (by_key["enterprise:X2"].party_source, by_key["enterprise:X2"].party_key) == ("keyaccount", "ent:X2")
    assert by_key["customer:X4"].churn_score == 0.9 and by_key["customer:X1"].credit_score == 710


def test_csv_missing_columns_is_a_bad_page(tmp_path: Path) -> None:
    write_csv(tmp_path / "service_requests_1_1.csv", SR_HEADER[:-2], [sr_row(1)[:-2]])
    with drop("callcenter", tmp_path) as connector, pytest.raises(BadPageError, match="lacks column.*summary, updated_at"):
        list(connector.stream("service_requests").read(None))


def test_csv_row_with_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    write_csv(tmp_path / "service_requests_1_1.csv", SR_HEADER, [sr_row(1), sr_row(2)[:3]])
    with drop("callcenter", tmp_path) as connector, pytest.raises(BadPageError, match=r"_1_1.csv line 3 has 3 fields"):
        list(connector.stream("service_requests").read(None))


def test_csv_that_is_not_utf8_is_a_bad_page(tmp_path: Path) -> None:
    (tmp_path / "calls_1_1.csv").write_bytes("call_id,caller_name\n1,王先生\n".encode("gbk"))
    with drop("callcenter", tmp_path) as connector, pytest.raises(BadPageError, match="not valid utf-8"):
        list(connector.stream("calls").read(None))


def test_jsonl_garbage_line_is_a_bad_page_after_the_good_pages(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "analysis_1_1.jsonl", [bi_line(1), bi_line(2), bi_line(3)])
    path.write_text(path.read_text() + "{not json\n", encoding="utf-8")
    with drop("bi", tmp_path) as connector:
        pages = connector.stream("analysis").read(None)
        assert len(next(pages).records) == 2
        with pytest.raises(BadPageError, match="analysis_1_1.jsonl line 4 is not valid JSON"):
            next(pages)


def test_missing_folder_is_reported(tmp_path: Path) -> None:
    with drop("bi", tmp_path / "absent") as connector:
        with pytest.raises(FatalError, match="drop folder .* does not exist"):
            connector.check()
        with pytest.raises(FatalError, match="does not exist"):
            list(connector.stream("analysis").read(None))
