"""BOSS, the operator's business support system (REST): customers and what they hold and ordered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from c360.connectors.sdk import (
    AccountRecord,
    Fields,
    InvalidRecord,
    OrderRecord,
    PartyRecord,
    PhoneRef,
    RestConfig,
    RestConnector,
    RestStream,
    SubscriptionRecord,
    day,
    decimal,
    labelled,
    required,
    text,
    timestamp,
)

__all__ = ["BossConnector", "Customers", "Accounts", "Subscriptions", "Orders"]

_PARTY_TYPES = {"individual": "person", "enterprise": "organization"}


class BossStream(RestStream[RestConfig]):
    """BOSS sends tombstones (``deleted``) on every collection; facts point at the customer."""

    deleted = "deleted"

    def customer(self, raw: Mapping[str, Any]) -> Fields:
        return {"party_source": self.source, "party_key": required(raw, "customer_id")}


def _phones(raw: Mapping[str, Any]) -> tuple[PhoneRef, ...]:
    value = raw.get("phones") or []
    if not isinstance(value, list):
        raise InvalidRecord("phones: expected a list")
    return tuple(PhoneRef(number=str(number).strip()) for number in value if str(number).strip())


class Customers(BossStream):
    name = "customers"
    path = "/api/v1/customers"
    record = PartyRecord
    key = "customer_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        party_type = _PARTY_TYPES.get(text(raw, "customer_type") or "")
        if party_type is None:
            raise InvalidRecord("customer_type: expected individual or enterprise")
        id_type, email = text(raw, "id_type"), text(raw, "email")
        return dict(
            party_type=party_type, name=text(raw, "name"), id_type=id_type, id_number=text(raw, "id_number"),
            credit_code=text(raw, "id_number") if id_type == "USCC" else None, gender=text(raw, "gender"),
            birth_date=day(raw, "birth_date"), phones=_phones(raw), emails=(email,) if email else (),
            address=text(raw, "address"), status=text(raw, "status"),
        )


class Accounts(BossStream):
    name = "accounts"
    path = "/api/v1/accounts"
    record = AccountRecord
    key = "account_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(
            self.customer(raw), account_type=text(raw, "account_type"), status=text(raw, "status"),
            opened_at=timestamp(raw, "opened_at"),
        )


class Subscriptions(BossStream):
    name = "subscriptions"
    path = "/api/v1/subscriptions"
    record = SubscriptionRecord
    key = "subscription_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(
            self.customer(raw), account_key=text(raw, "account_id"), msisdn=required(raw, "msisdn"),
            plan_code=text(raw, "plan_code"), plan_name=text(raw, "plan_name"), status=text(raw, "status"),
            activated_at=timestamp(raw, "activated_at"), deactivated_at=timestamp(raw, "deactivated_at"),
        )


class Orders(BossStream):
    name = "orders"
    path = "/api/v1/orders"
    record = OrderRecord
    key = "order_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        words, silo_words = labelled(channel=text(raw, "channel"))
        return dict(
            self.customer(raw), order_type=text(raw, "order_type"), status=text(raw, "status"), **words,
            source_labels=silo_words, amount=decimal(raw, "amount", needed=True), created_at=timestamp(raw, "created_at"),
        )


class BossConnector(RestConnector):
    """Customers, accounts, subscriptions and orders from BOSS."""

    name: ClassVar[str] = "boss"
    stream_classes = (Customers, Accounts, Subscriptions, Orders)
