"""Right to erasure: personal data gone from the index and the event log, aggregates kept, audited, not restored by sync."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.hub.models import (
    AuditEntry,
    Balance,
    Bill,
    Contact,
    EventLogEntry,
    GoldenCustomer,
    GoldenRedirect,
    Identifier,
    ServiceRequest,
    SourceRecord,
    SourceRecordVersion,
    Subscription,
)
from c360.hub.models.identity_key import IdentityKey
from c360.hub.privacy import (
    ErasureError,
    UnknownCustomer,
    UnknownSourceRecord,
    allow_restore,
    erase_customer,
    mask_msisdn,
)
from tests.helpers.personal_data import dump_personal_tables
from tests.privacy.conftest import (
    NAME,
    OTHER_NAME,
    OTHER_PHONE,
    OTHER_RIC,
    PERSONAL,
    PHONE,
    RIC,
    SUMMARY,
    T0,
    World,
    land,
    party,
)


def _erase(engine: Engine, ref: str, **kwargs: Any) -> Any:
    with Session(engine) as session, session.begin():
        return erase_customer(session, ref, actor=kwargs.pop("actor", "dpo@operator"), reason=kwargs.pop("reason", "DSR-2024-17"), **kwargs)


def _count(engine: Engine, model: type, *where: Any) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def test_erasure_removes_personal_data_and_keeps_aggregates(engine: Engine, world: World) -> None:
    before = dump_personal_tables(engine)
    assert all(value in before for value in PERSONAL), "the fixture stores every value the test looks for"
    result = _erase(engine, world.me)
    assert result.customer_id == world.me and result.party_records == 2 and result.identifiers > 0 and result.events == 2

    after = dump_personal_tables(engine)
    leaked = [value for value in PERSONAL if value in after]
    assert not leaked, leaked
    for value in (OTHER_RIC, OTHER_PHONE, OTHER_NAME, "李娜来电"):  # the bystander is untouched
        assert value in after

    with Session(engine) as session:
        golden = session.get(GoldenCustomer, world.me)
        assert golden is not None and golden.profile == {} and golden.display_name is None and golden.name_key is None
        assert golden.status == "active" and golden.kind == "person"
        parties = list(session.scalars(select(SourceRecord).where(SourceRecord.kind == "party", SourceRecord.source_key.in_(["C1", "K1"]))))
        assert all(p.erased_at is not None for p in parties)
        raw = next(p.raw for p in parties if p.source_key == "C1")
        assert raw["source_key"] == "C1" and raw["party_type"] == "person" and raw["id_type"] == "RIC" and raw["updated_at"]
        assert raw["name"] is None and raw["id_number"] is None and raw["phones"] == [] and raw["extra"] == {"nickname": None}
        assert session.scalar(select(func.count()).select_from(Identifier).where(Identifier.source_record_id.in_([p.id for p in parties]))) == 0
        assert session.scalar(select(func.count()).select_from(IdentityKey).where(IdentityKey.source_record_id.in_([p.id for p in parties]))) == 0
        bill = session.scalars(select(Bill).where(Bill.golden_id == world.me)).one()
        assert (bill.amount, bill.status, bill.period) == (58, "paid", "2024-05")
        assert session.scalars(select(Balance).where(Balance.golden_id == world.me)).one().balance == pytest.approx(12.5)
        sub = session.scalars(select(Subscription).where(Subscription.golden_id == world.me)).one()
        assert (sub.plan_code, sub.status, sub.msisdn) == ("4G58", "active", "+86138****8000")
        request = session.scalars(select(ServiceRequest).where(ServiceRequest.golden_id == world.me)).one()
        assert (request.type, request.status, request.summary, request.caller_phone) == ("complaint", "closed", None, None)
        contact = session.scalars(select(Contact).where(Contact.golden_id == world.me)).one()
        assert (contact.agent, contact.summary, contact.phone, contact.type) == ("A007", None, None, "complaint")
        events = list(session.scalars(select(EventLogEntry).where(EventLogEntry.golden_id == world.me)))
        assert {e.payload.get("agent") for e in events} == {"A007"} and all(e.payload.get("summary") is None for e in events)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert (audit.actor, audit.customer_id, audit.detail["reason"]) == ("dpo@operator", world.me, "DSR-2024-17")
        assert audit.id == result.audit_id and "ric" in audit.fields
        assert session.scalar(select(func.count()).select_from(SourceRecordVersion)) == 0 or all(
            "张伟" not in json.dumps(v.raw, ensure_ascii=False) for v in session.scalars(select(SourceRecordVersion))
        )


def test_later_sync_keeps_it_erased_until_an_audited_restore(engine: Engine, world: World) -> None:
    _erase(engine, world.me)
    later = T0 + dt.timedelta(days=1)
    changed = party("boss", "C1", updated=later, address="北京市海淀区中关村大街1号")
    result = land(engine, [changed, party("keyaccount", "K1", emails=())], later)
    assert result.erased_kept == 2 and result.written == 0  # type: ignore[attr-defined]
    assert not any(value in dump_personal_tables(engine) for value in (RIC, PHONE, NAME, "中关村"))

    with Session(engine) as session, session.begin():
        with pytest.raises(UnknownSourceRecord):
            allow_restore(session, "boss:party:NOPE", actor="dpo", reason="customer came back")
        done = allow_restore(session, "boss:party:C1", actor="dpo", reason="customer came back, ticket 88")
    with Session(engine) as session:
        audit = session.get(AuditEntry, done.audit_id)
        assert audit is not None and audit.action == "erase" and audit.operation == "erase.allow-restore"
        assert audit.customer_id == world.me and audit.detail["reason"] == "customer came back, ticket 88"

    land(engine, [changed, party("keyaccount", "K1", emails=())], later + dt.timedelta(hours=1))
    with Session(engine) as session:
        c1 = session.scalars(select(SourceRecord).where(SourceRecord.source == "boss", SourceRecord.source_key == "C1", SourceRecord.kind == "party")).one()
        k1 = session.scalars(select(SourceRecord).where(SourceRecord.source == "keyaccount", SourceRecord.source_key == "K1")).one()
        assert c1.erased_at is None and c1.restore_allowed_at is None and c1.raw["name"] == NAME and "中关村" in c1.raw["address"]
        assert k1.erased_at is not None and k1.raw["name"] is None  # the flag was for C1 only
        values = set(session.scalars(select(Identifier.value).where(Identifier.source_record_id == c1.id)))
        assert any(RIC in v for v in values)
    # Erasing again works and writes another audit row.
    _erase(engine, world.me, reason="second request")
    assert _count(engine, AuditEntry, AuditEntry.action == "erase", AuditEntry.operation == "erase") == 2


def test_unknown_or_unfit_customer_changes_nothing(engine: Engine, world: World) -> None:
    before = dump_personal_tables(engine)
    with pytest.raises(UnknownCustomer, match="no golden customer"):
        _erase(engine, "GNOSUCHCUSTOMER")
    with pytest.raises(ErasureError, match="reason"):
        _erase(engine, world.me, reason="  ")
    with Session(engine) as session, session.begin():  # an organization is not a person
        session.add(GoldenCustomer(id="GORG", kind="organization", display_name="闽江科技有限公司"))
    with pytest.raises(ErasureError, match="organization"):
        _erase(engine, "GORG")
    assert dump_personal_tables(engine).count(NAME) == before.count(NAME)
    assert _count(engine, AuditEntry, AuditEntry.action == "erase") == 0
    with Session(engine) as session, session.begin(), pytest.raises(ErasureError, match="not erased"):
        allow_restore(session, "boss:party:C1", actor="dpo", reason="why not")


def test_merged_alias_leads_to_the_survivor_and_is_erased_with_it(engine: Engine, world: World) -> None:
    with Session(engine) as session, session.begin():
        session.add(GoldenCustomer(id="GOLD1", kind="person", status="merged", merged_into=world.me, display_name=NAME,
                                   profile={"name": {"value": NAME}}))
        session.flush()
        session.add(GoldenRedirect(from_id="GOLD1", to_id=world.me, reason="merge"))
        session.add(EventLogEntry(event_id="e-old", type="contact.recorded", golden_id="GOLD1", channel="app", occurred_at=T0,
                                  payload={"customerId": "GOLD1", "summary": SUMMARY}))
    result = _erase(engine, "GOLD1")
    assert result.customer_id == world.me and result.aliases == ["GOLD1"]
    with Session(engine) as session:
        old = session.get(GoldenCustomer, "GOLD1")
        assert old is not None and old.display_name is None and old.profile == {}
        assert session.scalars(select(EventLogEntry).where(EventLogEntry.event_id == "e-old")).one().payload["summary"] is None


def test_mask_msisdn() -> None:
    assert mask_msisdn("+8613800138000") == "+86138****8000"
    assert mask_msisdn("13800138000") == "138****8000"
    assert mask_msisdn("+86138****8000") == "+86138****8000"
    assert mask_msisdn(None) is None
