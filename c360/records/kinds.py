"""One canonical record type per kind of thing the silos know about a customer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from c360.records.base import CanonicalRecord, FactRecord, aware

__all__ = [
    "PhoneRef",
    "PartyRecord",
    "AccountRecord",
    "SubscriptionRecord",
    "OrderRecord",
    "BillRecord",
    "PaymentRecord",
    "BalanceRecord",
    "ServiceRequestRecord",
    "ServiceRequestStatusRecord",
    "ContactRecord",
    "AnalysisRecord",
    "AccountManagerRecord",
    "ContractRecord",
    "PartyRelationRecord",
    "RECORD_KINDS",
]


def _to_utc(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


class PhoneRef(BaseModel):
    """A phone number as the silo wrote it, with the window it belonged to this party when known."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    number: str
    since: datetime | None = None
    until: datetime | None = None

    _utc_times = field_validator("since", "until")(classmethod(lambda cls, v: _to_utc(v)))


class PartyRecord(CanonicalRecord):
    """A person or organization as one silo knows it. Identifiers are raw; the hub normalizes them."""

    _utc_times = field_validator("observed_at")(classmethod(lambda cls, v: _to_utc(v)))

    kind: ClassVar[str] = "party"

    party_type: Literal["person", "organization"]
    name: str | None = None
    id_type: str | None = None  # RIC | RIC15 | PASSPORT | USCC | ...
    id_number: str | None = None
    gender: Literal["M", "F"] | None = None
    birth_date: date | None = None
    phones: tuple[PhoneRef, ...] = ()
    emails: tuple[str, ...] = ()
    address: str | None = None
    credit_code: str | None = None
    status: str | None = None
    # Set on event-time parties (a caller on a call record): identity is resolved as of this moment,
    # so a recycled phone number points at whoever held it then.
    observed_at: datetime | None = None
    extra: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class AccountRecord(FactRecord):
    kind: ClassVar[str] = "account"

    account_type: str | None = None
    status: str | None = None
    opened_at: datetime | None = None

    _utc_times = field_validator("opened_at")(classmethod(lambda cls, v: _to_utc(v)))


class SubscriptionRecord(FactRecord):
    kind: ClassVar[str] = "subscription"

    account_key: str | None = None
    msisdn: str
    plan_code: str | None = None
    plan_name: str | None = None
    status: str | None = None
    activated_at: datetime | None = None
    deactivated_at: datetime | None = None

    _utc_times = field_validator("activated_at", "deactivated_at")(classmethod(lambda cls, v: _to_utc(v)))


class OrderRecord(FactRecord):
    kind: ClassVar[str] = "order"

    order_type: str | None = None
    status: str | None = None
    channel: str | None = None
    amount: Decimal | None = None
    created_at: datetime | None = None

    _utc_times = field_validator("created_at")(classmethod(lambda cls, v: _to_utc(v)))


class BillRecord(FactRecord):
    kind: ClassVar[str] = "bill"

    account_key: str
    period: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    amount: Decimal | None = None
    paid_amount: Decimal | None = None
    due_date: date | None = None
    status: str | None = None


class PaymentRecord(FactRecord):
    kind: ClassVar[str] = "payment"

    account_key: str | None = None
    bill_key: str | None = None
    amount: Decimal
    method: str | None = None
    paid_at: datetime | None = None

    _utc_times = field_validator("paid_at")(classmethod(lambda cls, v: _to_utc(v)))


class BalanceRecord(FactRecord):
    kind: ClassVar[str] = "balance"

    account_key: str
    balance: Decimal | None = None
    arrears: Decimal | None = None


class ServiceRequestRecord(FactRecord):
    """An inquiry, complaint or fault. Call-center records may know the caller only by phone and name."""

    kind: ClassVar[str] = "service_request"

    type: str | None = None
    channel: str | None = None
    status: str | None = None
    summary: str | None = None
    caller_name: str | None = None
    caller_phone: str | None = None
    opened_at: datetime | None = None
    closed_at: datetime | None = None

    _utc_times = field_validator("opened_at", "closed_at")(classmethod(lambda cls, v: _to_utc(v)))


class ServiceRequestStatusRecord(CanonicalRecord):
    """One step of a service request's status history."""

    kind: ClassVar[str] = "service_request_status"

    request_key: str
    status: str
    changed_at: datetime
    agent: str | None = None
    note: str | None = None
    source_labels: dict[str, str] = Field(default_factory=dict)  # the silo's word for ``status`` if mapped

    _utc_times = field_validator("changed_at")(classmethod(lambda cls, v: _to_utc(v)))


class ContactRecord(FactRecord):
    """A contact on any channel; ``phone`` + ``occurred_at`` let the hub find who held the number then."""

    kind: ClassVar[str] = "contact"

    channel: str | None = None
    direction: str | None = None
    type: str | None = None
    occurred_at: datetime | None = None
    duration_s: int | None = Field(default=None, ge=0)
    agent: str | None = None
    summary: str | None = None
    outcome: str | None = None
    caller_name: str | None = None
    phone: str | None = None
    service_request_key: str | None = None

    _utc_times = field_validator("occurred_at")(classmethod(lambda cls, v: _to_utc(v)))


class AnalysisRecord(FactRecord):
    kind: ClassVar[str] = "analysis"

    segment: str | None = None
    value_tier: str | None = None
    churn_score: float | None = Field(default=None, ge=0, le=1)
    credit_score: int | None = Field(default=None, ge=0, le=1000)
    as_of: date | None = None


class AccountManagerRecord(CanonicalRecord):
    kind: ClassVar[str] = "account_manager"

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    region: str | None = None


class ContractRecord(FactRecord):
    kind: ClassVar[str] = "contract"

    title: str | None = None
    value: Decimal | None = None
    status: str | None = None
    start_date: date | None = None
    end_date: date | None = None


class PartyRelationRecord(FactRecord):
    """Links the party (``party_key``, e.g. an enterprise) to a related party or an account manager."""

    kind: ClassVar[str] = "party_relation"

    relation: Literal["contact", "account_manager"]
    related_source: str | None = None
    related_key: str
    title: str | None = None


RECORD_KINDS: dict[str, type[CanonicalRecord]] = {
    cls.kind: cls
    for cls in (
        PartyRecord,
        AccountRecord,
        SubscriptionRecord,
        OrderRecord,
        BillRecord,
        PaymentRecord,
        BalanceRecord,
        ServiceRequestRecord,
        ServiceRequestStatusRecord,
        ContactRecord,
        AnalysisRecord,
        AccountManagerRecord,
        ContractRecord,
        PartyRelationRecord,
    )
}
