"""One vocabulary: connectors map silo words to canonical names and keep the silo's word beside them."""

from __future__ import annotations

from pathlib import Path

from c360.connectors import registry
from c360.connectors.conformance import read_all
from c360.records import ContactRecord, OrderRecord, ServiceRequestRecord, ServiceRequestStatusRecord
from c360.records.vocabulary import (
    CHANNELS,
    REQUEST_STATUSES,
    REQUEST_TYPES,
    canonical,
    filter_labels,
    labelled,
)
from c360.schema.enums import Channel, ContactType, RequestStatus


def _write(folder: Path, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_canonical_sets_are_the_apis() -> None:
    assert {c.value for c in Channel} <= CHANNELS
    assert REQUEST_STATUSES == {s.value for s in RequestStatus}
    assert REQUEST_TYPES == {t.value for t in ContactType}


def test_labelled_keeps_only_the_words_it_changed() -> None:
    values, kept = labelled(channel="hotline", status="opened", type="complaint")
    assert values == {"channel": "call_center", "status": "open", "type": "complaint"}
    assert kept == {"channel": "hotline", "status": "opened"}
    assert canonical("channel", "Web") == "web" and canonical("status", None) is None
    assert labelled(channel="kiosk")[0] == {"channel": "kiosk"}, "an unknown word is kept, not dropped"


def test_filters_on_canonical_names_match_older_silo_words() -> None:
    assert set(filter_labels("status", ["open"])) == {"open", "opened"}
    assert set(filter_labels("channel", ["hotline"])) == {"hotline", "call_center"}
    assert filter_labels("method", ["cash"]) == ("cash",)


def test_the_call_center_speaks_the_hub_vocabulary(tmp_path: Path) -> None:
    _write(tmp_path, "service_requests_20240601090000_1.csv", [
        "sr_id,customer_id,caller_name,caller_phone,type,channel,status,opened_at,closed_at,summary,updated_at",
        "SR1,C001,,,fault,hotline,opened,2024-06-01T09:00:00,,光猫指示灯闪红,2024-06-01T09:00:00"])  # fmt: skip
    _write(tmp_path, "sr_status_20240601090000_1.csv", [
        "sr_id,status,changed_at,agent_id,note", "SR1,opened,2024-06-01T09:00:00,AG1,工单已创建"])
    _write(tmp_path, "calls_20240601090000_1.csv", [
        "call_id,caller_phone,caller_name,agent_id,direction,started_at,duration_s,summary,sr_id",
        "CL1,13800138000,王先生,AG1,inbound,2024-06-01T09:00:00,60,客户来电,SR1"])  # fmt: skip
    connector = registry.build("cc", {"type": "callcenter", "folder": str(tmp_path)})
    try:
        records = [r for s in connector.streams() for p in read_all(s) for raw in p.records for r in s.records(raw)]
    finally:
        connector.close()
    (request,) = [r for r in records if isinstance(r, ServiceRequestRecord)]
    assert (request.type, request.channel, request.status) == ("fault_report", "call_center", "open")
    assert request.source_labels == {"type": "fault", "channel": "hotline", "status": "opened"}
    assert request.payload()["source_labels"] == request.source_labels, "the silo's words land in the raw payload"
    (step,) = [r for r in records if isinstance(r, ServiceRequestStatusRecord)]
    assert step.status == "open" and step.source_labels == {"status": "opened"}
    (call,) = [r for r in records if isinstance(r, ContactRecord)]
    assert call.channel == "call_center" and call.source_labels == {"channel": "hotline"}


def test_records_without_silo_words_keep_their_payload() -> None:
    order = OrderRecord(source="boss", source_key="O1", channel="web", amount="1")
    assert "source_labels" not in order.payload(), "unchanged records keep their content hash"
