"""Domain facts about a customer, each hanging off the source record it came from.

Every fact keeps the silo's reference to its party (``party_source`` +
``party_key``, e.g. a BOSS customer id quoted by billing) and a denormalized
``golden_id`` that identity resolution keeps current, so the 360 view reads
one indexed range per kind instead of walking cross-references.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from c360.hub.models.base import Base, BigIntId, utcnow

__all__ = [
    "Account",
    "Subscription",
    "Order",
    "Bill",
    "Payment",
    "Balance",
    "ServiceRequest",
    "ServiceRequestStatus",
    "Contact",
    "Analysis",
    "AccountManager",
    "Contract",
    "PartyRelation",
    "FACT_MODELS",
]

Money = Numeric(14, 2)


class FactColumns:
    """Columns every fact shares: its source record, its silo's party reference, its golden customer."""

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str] = mapped_column(String(128))
    party_source: Mapped[str | None] = mapped_column(String(64))
    party_key: Mapped[str | None] = mapped_column(String(128))
    source_updated_at: Mapped[datetime | None]
    deleted: Mapped[bool] = mapped_column(default=False)

    @declared_attr
    def source_record_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"), unique=True)

    @declared_attr
    def golden_id(cls) -> Mapped[str | None]:
        return mapped_column(ForeignKey("golden_customer.id"))


def _fact_indexes(table: str, time_column: str) -> tuple[Index, Index]:
    return (
        Index(f"ix_{table}_golden_time", "golden_id", time_column),
        Index(f"ix_{table}_party", "party_source", "party_key"),
    )


class Account(FactColumns, Base):
    __tablename__ = "account"

    account_type: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime | None]

    __table_args__ = _fact_indexes("account", "opened_at")


class Subscription(FactColumns, Base):
    __tablename__ = "subscription"

    account_key: Mapped[str | None] = mapped_column(String(128))
    msisdn: Mapped[str | None] = mapped_column(String(32))  # E.164
    plan_code: Mapped[str | None] = mapped_column(String(64))
    plan_name: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str | None] = mapped_column(String(32))
    activated_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]

    __table_args__ = (*_fact_indexes("subscription", "activated_at"), Index("ix_subscription_msisdn", "msisdn"))


class Order(FactColumns, Base):
    __tablename__ = "customer_order"

    order_type: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    created_at: Mapped[datetime | None]

    __table_args__ = _fact_indexes("customer_order", "created_at")


class Bill(FactColumns, Base):
    __tablename__ = "bill"

    account_key: Mapped[str | None] = mapped_column(String(128))
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM
    amount: Mapped[Decimal | None] = mapped_column(Money)
    paid_amount: Mapped[Decimal | None] = mapped_column(Money)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = _fact_indexes("bill", "period")


class Payment(FactColumns, Base):
    __tablename__ = "payment"

    account_key: Mapped[str | None] = mapped_column(String(128))
    bill_key: Mapped[str | None] = mapped_column(String(128))
    amount: Mapped[Decimal | None] = mapped_column(Money)
    method: Mapped[str | None] = mapped_column(String(32))
    paid_at: Mapped[datetime | None]

    __table_args__ = _fact_indexes("payment", "paid_at")


class Balance(FactColumns, Base):
    """Balance and arrears of one account, as billing last reported them."""

    __tablename__ = "balance"

    account_key: Mapped[str | None] = mapped_column(String(128))
    balance: Mapped[Decimal | None] = mapped_column(Money)
    arrears: Mapped[Decimal | None] = mapped_column(Money)

    __table_args__ = _fact_indexes("balance", "source_updated_at")


class ServiceRequest(FactColumns, Base):
    """An inquiry, complaint or fault report, opened on some channel."""

    __tablename__ = "service_request"

    type: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str | None] = mapped_column(Text)
    caller_phone: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    __table_args__ = _fact_indexes("service_request", "opened_at")


class ServiceRequestStatus(Base):
    """One step of a service request's status history (append-only)."""

    __tablename__ = "service_request_status"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    request_key: Mapped[str] = mapped_column(String(128))  # the service request's source key
    status: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
    agent: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_service_request_status_request", "source", "request_key", "changed_at"),)


class Contact(FactColumns, Base):
    """A contact with the customer on any channel: a call, a visit, a chat, a care call."""

    __tablename__ = "contact"

    channel: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(16))
    type: Mapped[str | None] = mapped_column(String(32))
    occurred_at: Mapped[datetime | None]
    duration_s: Mapped[int | None]
    agent: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    service_request_key: Mapped[str | None] = mapped_column(String(128))
    event_seq: Mapped[int | None] = mapped_column(BigInteger)  # set when it came in as a contact event

    __table_args__ = _fact_indexes("contact", "occurred_at")


class Analysis(FactColumns, Base):
    """BI's view of the customer: segment, value tier, churn and credit scores, as of a date."""

    __tablename__ = "analysis"

    segment: Mapped[str | None] = mapped_column(String(64))
    value_tier: Mapped[str | None] = mapped_column(String(32))
    churn_score: Mapped[float | None]
    credit_score: Mapped[int | None]
    as_of: Mapped[date | None] = mapped_column(Date)

    __table_args__ = _fact_indexes("analysis", "as_of")


class AccountManager(Base):
    """A key-account manager; enterprises point at one through ``manager_key``."""

    __tablename__ = "account_manager"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(256))
    region: Mapped[str | None] = mapped_column(String(64))
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"), unique=True)
    source_updated_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_account_manager_key", "source", "source_key", unique=True),)


class Contract(FactColumns, Base):
    __tablename__ = "contract"

    title: Mapped[str | None] = mapped_column(String(256))
    value: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str | None] = mapped_column(String(32))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    __table_args__ = _fact_indexes("contract", "start_date")


class PartyRelation(FactColumns, Base):
    """A person acting for an organization (an enterprise contact) or an org's account manager.

    The person and the role stay apart: the relation links two parties, it
    never merges the enterprise into the person.
    """

    __tablename__ = "party_relation"

    relation: Mapped[str] = mapped_column(String(32))  # contact | account_manager
    related_source: Mapped[str | None] = mapped_column(String(64))
    related_key: Mapped[str | None] = mapped_column(String(128))
    related_golden_id: Mapped[str | None] = mapped_column(ForeignKey("golden_customer.id"))
    title: Mapped[str | None] = mapped_column(String(128))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        *_fact_indexes("party_relation", "recorded_at"),
        Index("ix_party_relation_related", "related_golden_id"),
        Index("ix_party_relation_related_ref", "related_source", "related_key"),  # a related party's facts, by its silo key
    )


FACT_MODELS: tuple[type[Base], ...] = (
    Account,
    Subscription,
    Order,
    Bill,
    Payment,
    Balance,
    ServiceRequest,
    Contact,
    Analysis,
    Contract,
    PartyRelation,
)
