"""Billing (SQL): bills, payments and account balances/arrears; amounts are stored in cents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from sqlalchemy import Select, column, select, table

from c360.connectors.sdk import (
    BalanceRecord,
    BillRecord,
    Fields,
    PaymentRecord,
    SqlConfig,
    SqlConnector,
    SqlStream,
    cents,
    day,
    required,
    text,
    timestamp,
)

__all__ = ["BillingConnector", "Bills", "Payments", "Balances"]


class BillingStream(SqlStream[SqlConfig]):
    """Billing keys customers by their BOSS id, so facts point at BOSS parties."""

    def customer(self, raw: Mapping[str, Any]) -> Fields:
        return {"party_source": "boss", "party_key": text(raw, "customer_id")}


class Bills(BillingStream):
    name = table = "bills"
    record = BillRecord
    key = "bill_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(
            self.customer(raw), account_key=required(raw, "account_id"), period=text(raw, "period"),
            amount=cents(raw, "amount_cents"), paid_amount=cents(raw, "paid_cents"), due_date=day(raw, "due_date"),
            status=text(raw, "status"),
        )


class Payments(BillingStream):
    """Payments name only the account; the customer comes from the account's balance row."""

    name = table = "payments"
    record = PaymentRecord
    key = "payment_id"

    def selectable(self) -> Select[Any]:
        fields = ("payment_id", "account_id", "bill_id", "amount_cents", "paid_at", "method", "updated_at")
        payments = table("payments", *(column(name) for name in fields))
        balances = table("balances", column("account_id"), column("customer_id"))
        joined = payments.outerjoin(balances, payments.c.account_id == balances.c.account_id)
        return select(*payments.c, balances.c.customer_id).select_from(joined)

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(
            self.customer(raw), account_key=text(raw, "account_id"), bill_key=text(raw, "bill_id"),
            amount=cents(raw, "amount_cents"), method=text(raw, "method"), paid_at=timestamp(raw, "paid_at"),
        )


class Balances(BillingStream):
    name = table = "balances"
    record = BalanceRecord
    key = "account_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(self.customer(raw), account_key=required(raw, "account_id"), balance=cents(raw, "balance_cents"),
                    arrears=cents(raw, "arrears_cents"))  # fmt: skip


class BillingConnector(SqlConnector):
    """Bills, payments and balances from the billing database."""

    name: ClassVar[str] = "billing"
    stream_classes = (Bills, Payments, Balances)
