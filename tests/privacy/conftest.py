"""Erasure fixtures: a person known to two silos, with facts and events, and a bystander, landed through ingest."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import ingest_page
from c360.hub.models import CrossReference, EventLogEntry, SourceRecord
from c360.records import (
    BalanceRecord,
    BillRecord,
    ContactRecord,
    PartyRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
    SubscriptionRecord,
)

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
RIC = "11010519491231002X"
PHONE = "13800138000"
EMAIL = "zhang.wei@example.cn"
ADDRESS = "北京市朝阳区建国路88号院3号楼"
NAME = "张伟"
SUMMARY = "客户说他住在建国路88号, 身份证号在附件里"
NOTE = "回访张伟先生, 已解决"
OTHER_RIC = "110105198001010014"
OTHER_PHONE = "13900139000"
OTHER_NAME = "李娜"
# Every value that must be gone after the erasure of 张伟 (as stored: raw, normalized, E.164).
PERSONAL = (RIC, PHONE, EMAIL, "建国路88号", NAME, "1949-12-31", SUMMARY, NOTE, "张先生")


def party(source: str, key: str, *, updated: dt.datetime = T0, **overrides: object) -> PartyRecord:
    values: dict[str, object] = dict(
        source=source, source_key=key, party_type="person", name=NAME, id_type="RIC", id_number=RIC, gender="M",
        birth_date=dt.date(1949, 12, 31), phones=(PhoneRef(number=PHONE, since=T0 - dt.timedelta(days=900)),),
        emails=(EMAIL,), address=ADDRESS, updated_at=updated, extra={"nickname": "老张"},
    )
    values.update(overrides)
    return PartyRecord(**values)  # type: ignore[arg-type]


def person_records() -> list[object]:
    return [
        party("boss", "C1"),
        party("keyaccount", "K1", emails=()),
        SubscriptionRecord(source="boss", source_key="S1", party_source="boss", party_key="C1", msisdn="+86" + PHONE,
                           plan_code="4G58", plan_name="畅享58", status="active", updated_at=T0),
        BillRecord(source="billing", source_key="B1", party_source="boss", party_key="C1", account_key="A1", period="2024-05",
                   amount=Decimal("58.00"), paid_amount=Decimal("58.00"), status="paid", updated_at=T0),
        BalanceRecord(source="billing", source_key="BAL1", party_source="boss", party_key="C1", account_key="A1",
                      balance=Decimal("12.50"), arrears=Decimal("0"), updated_at=T0),
        ServiceRequestRecord(source="callcenter", source_key="SR1", party_source="boss", party_key="C1", type="complaint",
                             channel="call", status="open", summary=SUMMARY, caller_name="张先生", caller_phone=PHONE,
                             opened_at=T0, updated_at=T0),
        ServiceRequestStatusRecord(source="callcenter", source_key="SR1-1", request_key="SR1", status="closed",
                                   changed_at=T0 + dt.timedelta(hours=2), agent="A007", note=NOTE, updated_at=T0),
        ContactRecord(source="callcenter", source_key="CT1", party_source="boss", party_key="C1", channel="call",
                      direction="inbound", type="complaint", occurred_at=T0, agent="A007", summary=SUMMARY,
                      caller_name="张先生", phone=PHONE, service_request_key="SR1", updated_at=T0),
    ]


def bystander_records() -> list[object]:
    return [
        party("boss", "C2", name=OTHER_NAME, id_number=OTHER_RIC, gender="F", birth_date=dt.date(1980, 1, 1),
              phones=(PhoneRef(number=OTHER_PHONE, since=T0),), emails=("li.na@example.cn",), address="上海市浦东新区世纪大道100号",
              extra={}),
        SubscriptionRecord(source="boss", source_key="S2", party_source="boss", party_key="C2", msisdn="+86" + OTHER_PHONE,
                           plan_code="5G99", status="active", updated_at=T0),
    ]


def land(engine: Engine, records: list[object], at: dt.datetime = T0) -> object:
    with Session(engine) as session, session.begin():
        result = ingest_page(session, records, seen_at=at)  # type: ignore[arg-type]
        IdentityResolver().records_landed(session, result.changed_ids, result.parties)
    return result


def golden_of(engine: Engine, source: str, key: str) -> str:
    with Session(engine) as session:
        return session.execute(
            select(CrossReference.golden_id).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
            .where(SourceRecord.source == source, SourceRecord.source_key == key, SourceRecord.kind == "party")
        ).scalar_one()


@dataclass
class World:
    me: str
    other: str


@pytest.fixture
def world(engine: Engine) -> World:
    land(engine, person_records() + bystander_records())
    me, other = golden_of(engine, "boss", "C1"), golden_of(engine, "boss", "C2")
    assert me == golden_of(engine, "keyaccount", "K1") and me != other
    with Session(engine) as session, session.begin():
        for gid, summary in ((me, SUMMARY), (other, "李娜来电")):
            session.add(EventLogEntry(
                event_id=str(uuid.uuid4()), type="contact.recorded", golden_id=gid, channel="app", occurred_at=T0,
                payload={"customerId": gid, "channel": "app", "type": "inquiry", "agent": "A007", "summary": summary, "outcome": "ok"},
            ))
        session.add(EventLogEntry(
            event_id=str(uuid.uuid4()), type="service_request.updated", golden_id=me, channel="call", occurred_at=T0,
            payload={"serviceRequestId": 1, "customerId": me, "status": "closed", "agent": "A007", "note": NOTE},
        ))
    return World(me, other)
