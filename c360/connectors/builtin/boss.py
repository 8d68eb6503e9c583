"""BOSS, the operator's business support system (REST): customers and what they hold and ordered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from c360.connectors.mapping import day, decimal, flag, make, required, text, timestamp
from c360.connectors.rest import RestConnector, RestStream
from c360.records import (
    AccountRecord,
    CanonicalRecord,
    InvalidRecord,
    OrderRecord,
    PartyRecord,
    PhoneRef,
    SubscriptionRecord,
)
from c360.records.vocabulary import labelled

__all__ = ["BossConnector", "Customers", "Accounts", "Subscriptions", "Orders"]

SOURCE = "boss"
_PARTY_TYPES = {"individual": "person", "enterprise": "organization"}


def _envelope(raw: Mapping[str, Any], key_field: str) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "source_key": required(raw, key_field),
        "updated_at": timestamp(raw, "updated_at"),
        "deleted": flag(raw, "deleted"),
    }


def _fact(raw: Mapping[str, Any], key_field: str) -> dict[str, Any]:
    return {**_envelope(raw, key_field), "party_source": SOURCE, "party_key": required(raw, "customer_id")}


def _phones(raw: Mapping[str, Any]) -> tuple[PhoneRef, ...]:
    value = raw.get("phones") or []
    if not isinstance(value, list):
        raise InvalidRecord("phones: expected a list")
    return tuple(PhoneRef(number=str(number).strip()) for number in value if str(number).strip())


class Customers(RestStream):
    name = "customers"
    path = "/api/v1/customers"
    primary_key = ("customer_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        party_type = _PARTY_TYPES.get(text(raw, "customer_type") or "")
        if party_type is None:
            raise InvalidRecord("customer_type: expected individual or enterprise")
        id_type = text(raw, "id_type")
        email = text(raw, "email")
        return [
            make(
                PartyRecord,
                **_envelope(raw, "customer_id"),
                party_type=party_type,
                name=text(raw, "name"),
                id_type=id_type,
                id_number=text(raw, "id_number"),
                credit_code=text(raw, "id_number") if id_type == "USCC" else None,
                gender=text(raw, "gender"),
                birth_date=day(raw, "birth_date"),
                phones=_phones(raw),
                emails=(email,) if email else (),
                address=text(raw, "address"),
                status=text(raw, "status"),
            )
        ]


class Accounts(RestStream):
    name = "accounts"
    path = "/api/v1/accounts"
    primary_key = ("account_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                AccountRecord,
                **_fact(raw, "account_id"),
                account_type=text(raw, "account_type"),
                status=text(raw, "status"),
                opened_at=timestamp(raw, "opened_at"),
            )
        ]


class Subscriptions(RestStream):
    name = "subscriptions"
    path = "/api/v1/subscriptions"
    primary_key = ("subscription_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                SubscriptionRecord,
                **_fact(raw, "subscription_id"),
                account_key=text(raw, "account_id"),
                msisdn=required(raw, "msisdn"),
                plan_code=text(raw, "plan_code"),
                plan_name=text(raw, "plan_name"),
                status=text(raw, "status"),
                activated_at=timestamp(raw, "activated_at"),
                deactivated_at=timestamp(raw, "deactivated_at"),
            )
        ]


class Orders(RestStream):
    name = "orders"
    path = "/api/v1/orders"
    primary_key = ("order_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        words, silo_words = labelled(channel=text(raw, "channel"))
        return [
            make(
                OrderRecord,
                **_fact(raw, "order_id"),
                order_type=text(raw, "order_type"),
                status=text(raw, "status"),
                **words,
                source_labels=silo_words,
                amount=decimal(raw, "amount", needed=True),
                created_at=timestamp(raw, "created_at"),
            )
        ]


class BossConnector(RestConnector):
    """Customers, accounts, subscriptions and orders from BOSS."""

    name: ClassVar[str] = "boss"
    stream_classes = (Customers, Accounts, Subscriptions, Orders)
