"""Rows of the master index written straight through the models, so API tests need no sync or resolution."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from c360.hub.models import (
    Account,
    AccountManager,
    Analysis,
    Balance,
    Bill,
    Contact,
    CrossReference,
    GoldenCustomer,
    GoldenRedirect,
    Identifier,
    Order,
    PartyRelation,
    Payment,
    ServiceRequest,
    ServiceRequestStatus,
    SourceRecord,
    Subscription,
)
from c360.hub.normalize import normalize_name

BASE = datetime(2024, 1, 1, tzinfo=UTC)
_counter = itertools.count(1)


def _key(prefix: str) -> str:
    return f"{prefix}{next(_counter):06d}"


def source_record(session: Session, source: str = "boss", kind: str = "party", key: str | None = None, **raw: Any) -> SourceRecord:
    record = SourceRecord(source=source, kind=kind, source_key=key or _key(kind), raw=raw, content_hash="x" * 64)
    session.add(record)
    session.flush()
    return record


def customer(
    session: Session,
    name: str = "张伟",
    *,
    kind: str = "person",
    ric: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    uscc: str | None = None,
    address: str | None = None,
    source: str = "boss",
    source_key: str | None = None,
    profile: dict[str, Any] | None = None,
) -> GoldenCustomer:
    # as identity resolution stores it: the name's pronunciation key
    golden = GoldenCustomer(kind=kind, display_name=name, name_key=normalize_name(name).pronunciation_key or None, profile=profile or {})
    session.add(golden)
    record = source_record(session, source, "party", source_key, name=name, address=address)
    session.flush()
    session.add(CrossReference(source_record_id=record.id, golden_id=golden.id, method="new"))
    for type_, value in (("ric", ric), ("phone", phone), ("email", email), ("uscc", uscc)):
        if value:
            session.add(Identifier(source_record_id=record.id, type=type_, value=value, raw_value=value))
    session.flush()
    return golden


def merge(session: Session, loser: GoldenCustomer, survivor: GoldenCustomer) -> None:
    loser.status = "merged"
    loser.merged_into = survivor.id
    session.add(GoldenRedirect(from_id=loser.id, to_id=survivor.id, reason="merge"))
    session.flush()


def fact(session: Session, model: type, golden: GoldenCustomer, source: str = "boss", **values: Any) -> Any:
    record = source_record(session, source, model.__tablename__)
    row = model(
        source=source,
        source_key=record.source_key,
        source_record_id=record.id,
        golden_id=golden.id,
        party_source=source,
        party_key=golden.id,
        **values,
    )
    session.add(row)
    session.flush()
    return row


def full_360(session: Session, golden: GoldenCustomer, items: int) -> None:
    """``items`` rows of every fact kind, a service request with history, an account manager and a contact person."""
    for i in range(items):
        at = BASE + timedelta(days=i)
        fact(session, Account, golden, account_type="postpaid", status="active", opened_at=at)
        fact(session, Subscription, golden, msisdn=f"+861380013{i:04d}", plan_name="5G", status="active", activated_at=at)
        fact(session, Order, golden, order_type="new", status="done", channel="web", amount=Decimal("10.00"), created_at=at)
        fact(session, Bill, golden, period=f"2023-{(i % 12) + 1:02d}", amount=Decimal("88.00"), status="paid")
        fact(session, Payment, golden, amount=Decimal("88.00"), method="alipay", paid_at=at)
        fact(session, Balance, golden, balance=Decimal("5.00"), arrears=Decimal("1.50"), source_updated_at=at)
        fact(session, Contact, golden, channel="call_center", type="inquiry", occurred_at=at, phone="+8613800138000")
        fact(session, Analysis, golden, segment="family", value_tier="gold", churn_score=0.1, as_of=date(2024, 1, 1) + timedelta(days=i))
        request = fact(session, ServiceRequest, golden, type="complaint", channel="web", status="open", opened_at=at)
        session.add(ServiceRequestStatus(source=request.source, request_key=request.source_key, status="open", changed_at=at))
    manager_record = source_record(session, "keyaccount", "account_manager")
    manager_key = _key("am")
    session.add(AccountManager(source="keyaccount", source_key=manager_key, name="李经理", phone="+8613900000000", source_record_id=manager_record.id))
    fact(session, PartyRelation, golden, source="keyaccount", relation="account_manager", related_key=manager_key)
    person = customer(session, "王芳")
    fact(session, PartyRelation, golden, source="keyaccount", relation="contact", related_golden_id=person.id, title="IT director")
    session.flush()
