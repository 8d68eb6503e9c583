"""Billing (SQL): bills, payments and account balances/arrears; amounts are stored in cents."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from sqlalchemy import Select, column, select, table

from c360.connectors.mapping import cents, day, make, required, text, timestamp
from c360.connectors.sql import SqlConnector, SqlStream
from c360.records import BalanceRecord, BillRecord, CanonicalRecord, PaymentRecord

__all__ = ["BillingConnector", "Bills", "Payments", "Balances"]

SOURCE = "billing"


def _fact(raw: Mapping[str, Any], key_field: str) -> dict[str, Any]:
    """Billing keys customers by their BOSS id, so facts point at BOSS parties."""
    return {
        "source": SOURCE,
        "source_key": required(raw, key_field),
        "updated_at": timestamp(raw, "updated_at"),
        "party_source": "boss",
        "party_key": text(raw, "customer_id"),
    }


class Bills(SqlStream):
    name = "bills"
    table = "bills"
    primary_key = ("bill_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                BillRecord,
                **_fact(raw, "bill_id"),
                account_key=required(raw, "account_id"),
                period=text(raw, "period"),
                amount=cents(raw, "amount_cents"),
                paid_amount=cents(raw, "paid_cents"),
                due_date=day(raw, "due_date"),
                status=text(raw, "status"),
            )
        ]


class Payments(SqlStream):
    """Payments name only the account; the customer comes from the account's balance row."""

    name = "payments"
    table = "payments"
    primary_key = ("payment_id",)

    def selectable(self) -> Select[Any]:
        payments = table(
            "payments",
            *(column(name) for name in ("payment_id", "account_id", "bill_id", "amount_cents", "paid_at", "method")),
            column("updated_at"),
        )
        balances = table("balances", column("account_id"), column("customer_id"))
        joined = payments.outerjoin(balances, payments.c.account_id == balances.c.account_id)
        return select(*payments.c, balances.c.customer_id).select_from(joined)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                PaymentRecord,
                **_fact(raw, "payment_id"),
                account_key=text(raw, "account_id"),
                bill_key=text(raw, "bill_id"),
                amount=cents(raw, "amount_cents"),
                method=text(raw, "method"),
                paid_at=timestamp(raw, "paid_at"),
            )
        ]


class Balances(SqlStream):
    name = "balances"
    table = "balances"
    primary_key = ("account_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                BalanceRecord,
                **_fact(raw, "account_id"),
                account_key=required(raw, "account_id"),
                balance=cents(raw, "balance_cents"),
                arrears=cents(raw, "arrears_cents"),
            )
        ]


class BillingConnector(SqlConnector):
    """Bills, payments and balances from the billing database."""

    name: ClassVar[str] = "billing"
    stream_classes = (Bills, Payments, Balances)
