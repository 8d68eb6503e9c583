"""ingest_page against a real migrated database: idempotence, versions, tombstones, facts, identifiers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from c360.hub.ingest import ingest_page, mark_unseen_deleted
from c360.hub.models import (
    Bill,
    Identifier,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
    SourceRecordVersion,
    Subscription,
)
from c360.records import (
    BillRecord,
    PartyRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
    SubscriptionRecord,
)

T0 = datetime(2024, 5, 1, tzinfo=UTC)
STREAM = "boss.subscriptions"


def _party(key: str = "C1", name: str = "张伟", **extra: object) -> PartyRecord:
    return PartyRecord(
        source="boss", source_key=key, party_type="person", name=name, id_type="RIC",
        id_number="11010519491231002X", phones=(PhoneRef(number="138 0013 8000", since=T0),),
        emails=("Zhang.Wei@Example.COM",), updated_at=T0, **extra,  # type: ignore[arg-type]
    )


def _sub(key: str = "S1", plan: str = "4G58", **extra: object) -> SubscriptionRecord:
    return SubscriptionRecord(
        source="boss", source_key=key, party_source="boss", party_key="C1", msisdn="+8613800138000",
        plan_code=plan, status="active", updated_at=T0, **extra,  # type: ignore[arg-type]
    )


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _ingest(engine: Engine, records: list, at: datetime = T0):  # type: ignore[no-untyped-def]
    with Session(engine) as session, session.begin():
        return ingest_page(session, records, seen_at=at, stream=STREAM)


def test_same_page_twice_is_one_record_and_one_fact(engine: Engine) -> None:
    first = _ingest(engine, [_party(), _sub()])
    second = _ingest(engine, [_party(), _sub()], T0 + timedelta(hours=1))
    assert (first.written, first.unchanged) == (2, 0)
    assert (second.written, second.unchanged, second.changed_ids) == (0, 2, [])
    with Session(engine) as session:
        assert _count(session, SourceRecord) == 2
        assert _count(session, Subscription) == 1
        assert _count(session, SourceRecordVersion) == 0
        party = session.scalars(select(SourceRecord).where(SourceRecord.kind == "party")).one()
        assert party.version == 1 and party.last_seen == T0 + timedelta(hours=1) and party.first_seen == T0


def test_changed_content_makes_version_two_and_keeps_version_one(engine: Engine) -> None:
    _ingest(engine, [_sub(plan="4G58")])
    result = _ingest(engine, [_sub(plan="5G129")], T0 + timedelta(days=1))
    assert result.written == 1 and len(result.changed_ids) == 1
    with Session(engine) as session:
        record = session.scalars(select(SourceRecord)).one()
        assert record.version == 2 and record.raw["plan_code"] == "5G129"
        old = session.scalars(select(SourceRecordVersion)).one()
        assert old.version == 1 and old.raw["plan_code"] == "4G58" and old.source_record_id == record.id
        assert session.scalars(select(Subscription.plan_code)).all() == ["5G129"]


def test_duplicates_within_one_page_land_once(engine: Engine) -> None:
    result = _ingest(engine, [_sub(plan="4G58"), _sub(plan="5G129")])
    assert result.written == 1
    with Session(engine) as session:
        assert session.scalars(select(Subscription.plan_code)).all() == ["5G129"]


def test_tombstone_flags_record_and_fact_without_removing_them(engine: Engine) -> None:
    _ingest(engine, [_sub()])
    result = _ingest(engine, [_sub(deleted=True)], T0 + timedelta(days=1))
    assert result.deleted == 1
    with Session(engine) as session:
        record = session.scalars(select(SourceRecord)).one()
        assert record.deleted and record.deleted_at == T0 + timedelta(days=1) and record.version == 2
        fact = session.scalars(select(Subscription)).one()
        assert fact.deleted and fact.plan_code == "4G58"


def test_unseen_records_are_flagged_deleted_and_revived_when_seen_again(engine: Engine) -> None:
    _ingest(engine, [_sub("S1"), _sub("S2")])
    later = T0 + timedelta(days=1)
    _ingest(engine, [_sub("S1")], later)
    with Session(engine) as session, session.begin():
        flagged = mark_unseen_deleted(session, [("boss", "subscription")], stream=STREAM, seen_since=later, now=later)
    assert len(flagged) == 1
    with Session(engine) as session:
        rows = dict(session.execute(select(SourceRecord.source_key, SourceRecord.deleted)).all())
        assert rows == {"S1": False, "S2": True}
        assert session.scalar(select(Subscription.deleted).where(Subscription.source_key == "S2")) is True
    result = _ingest(engine, [_sub("S2")], later + timedelta(days=1))
    assert result.written == 1
    with Session(engine) as session:
        assert session.scalar(select(SourceRecord.deleted).where(SourceRecord.source_key == "S2")) is False


def test_party_identifiers_are_normalized_and_rewritten_on_change(engine: Engine) -> None:
    _ingest(engine, [_party()])
    with Session(engine) as session:
        found = {(i.type, i.value, i.trusted) for i in session.scalars(select(Identifier))}
        phone = session.scalars(select(Identifier).where(Identifier.type == "phone")).one()
    assert ("phone", "+8613800138000", True) in found
    assert ("ric", "11010519491231002X", True) in found
    assert any(t == "email" and v == "zhang.wei@example.com" for t, v, _ in found)
    assert phone.valid_from == T0 and phone.raw_value == "138 0013 8000"
    changed = PartyRecord(
        source="boss", source_key="C1", party_type="person", name="张伟", id_type="RIC",
        id_number="11010519491231002X", phones=(), emails=(), updated_at=T0 + timedelta(days=1),
    )
    _ingest(engine, [changed], T0 + timedelta(days=1))
    with Session(engine) as session:
        assert session.scalars(select(Identifier.type)).all() == ["ric"]


def test_erased_record_is_not_restored(engine: Engine) -> None:
    _ingest(engine, [_party()])
    with Session(engine) as session, session.begin():
        session.execute(update(SourceRecord).values(erased_at=T0, raw={}))
    result = _ingest(engine, [_party(name="张伟伟")], T0 + timedelta(days=1))
    assert result.erased_kept == 1 and result.written == 0
    with Session(engine) as session:
        record = session.scalars(select(SourceRecord)).one()
        assert record.raw == {} and record.version == 1


def test_facts_keep_typed_values(engine: Engine) -> None:
    bill = BillRecord(
        source="billing", source_key="B1", party_source="boss", party_key="C1", account_key="A1",
        period="2024-04", amount=Decimal("58.00"), updated_at=T0,
    )
    _ingest(engine, [bill])
    with Session(engine) as session:
        row = session.scalars(select(Bill)).one()
        assert row.amount == Decimal("58.00") and row.period == "2024-04" and row.source_updated_at == T0


def test_service_request_status_follows_latest_step_in_any_order(engine: Engine) -> None:
    steps = [
        ServiceRequestStatusRecord(source="cc", source_key=f"R1-{i}", request_key="R1", status=status,
                                   changed_at=T0 + timedelta(hours=i))
        for i, status in enumerate(["open", "in_progress", "closed"])
    ]
    _ingest(engine, steps[:2])
    request = ServiceRequestRecord(source="cc", source_key="R1", status="open", type="fault", updated_at=T0)
    _ingest(engine, [request])
    with Session(engine) as session:
        assert session.scalar(select(ServiceRequest.status)) == "in_progress"
    _ingest(engine, steps)
    with Session(engine) as session:
        assert session.scalar(select(ServiceRequest.status)) == "closed"
        assert _count(session, ServiceRequestStatus) == 3
