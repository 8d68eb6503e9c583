"""The facts of the 360 view as GraphQL types, built from model rows (no SQL here)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from c360.hub.models import (
    Account as AccountRow,
)
from c360.hub.models import (
    Analysis as AnalysisRow,
)
from c360.hub.models import (
    Balance as BalanceRow,
)
from c360.hub.models import (
    Bill as BillRow,
)
from c360.hub.models import (
    Contact as ContactRow,
)
from c360.hub.models import (
    Contract as ContractRow,
)
from c360.hub.models import (
    Order as OrderRow,
)
from c360.hub.models import (
    Payment as PaymentRow,
)
from c360.hub.models import (
    ServiceRequest as ServiceRequestRow,
)
from c360.hub.models import (
    ServiceRequestStatus,
)
from c360.hub.models import (
    SourceRecord as SourceRecordRow,
)
from c360.hub.models import (
    Subscription as SubscriptionRow,
)
from c360.resolvers.plan import ListRead
from c360.resolvers.view_rows import IdentifierGroup, ListPage
from c360.schema.context import Info
from c360.schema.masking import Protected, protect
from c360.schema.pagination import Connection, Total, known_total, to_connection
from c360.schema.planning import list_args

__all__ = [
    "Account",
    "AccountManager",
    "Analysis",
    "Balance",
    "BalanceSummary",
    "Bill",
    "Contact",
    "Contract",
    "Identifier",
    "IdentifierSource",
    "Order",
    "Payment",
    "ServiceRequest",
    "ServiceSubscription",
    "SourceRecord",
    "StatusStep",
]


def _origin(row: Any) -> dict[str, Any]:
    return {"id": strawberry.ID(str(row.id)), "source": row.source, "source_key": row.source_key}


@strawberry.type(description="One source record that carries an identifier: where the value came from.")
class IdentifierSource:
    record_id: strawberry.ID = strawberry.field(description="The source record (see sourceRecords).")
    source: str
    source_key: str
    trusted: bool
    reason: str | None
    valid_from: datetime | None
    valid_to: datetime | None

    @classmethod
    def of(cls, row: Any) -> IdentifierSource:
        return cls(
            record_id=strawberry.ID(str(row.source_record_id)),
            source=row.source,
            source_key=row.record_key,
            trusted=row.trusted,
            reason=row.reason,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
        )


@strawberry.type(
    description="One identifying value of the customer (masked), once however many source records carry it."
)
class Identifier:
    id: strawberry.ID
    type: str = strawberry.field(description="ric | passport | phone | email | uscc | ...")
    value: Protected | None  # type: ignore[valid-type]
    trusted: bool = strawberry.field(description="Whether any source carries it as a trusted value.")
    reason: str | None = strawberry.field(description="Why it is not trusted (when no source trusts it).")
    valid_from: datetime | None = strawberry.field(description="The earliest start of its validity over the sources.")
    valid_to: datetime | None = strawberry.field(description="The latest end of its validity; null while any source holds it.")
    sources: list[IdentifierSource] = strawberry.field(description="Every source record carrying it, oldest first.")

    @classmethod
    def of(cls, group: IdentifierGroup) -> Identifier:
        rows = group.rows
        trusted = any(row.trusted for row in rows)
        starts = [row.valid_from for row in rows]
        ends = [row.valid_to for row in rows]
        return cls(
            id=strawberry.ID(str(group.id)),
            type=group.type,
            value=protect(group.type, group.value),
            trusted=trusted,
            reason=None if trusted else next((row.reason for row in rows if row.reason), None),
            valid_from=None if None in starts else min(starts),
            valid_to=None if None in ends else max(ends),
            sources=[IdentifierSource.of(row) for row in rows],
        )


@strawberry.type(description="A record of one silo that was resolved to this customer.")
class SourceRecord:
    id: strawberry.ID
    source: str
    kind: str
    source_key: str
    version: int
    source_updated_at: datetime | None
    last_seen: datetime
    deleted: bool

    @classmethod
    def of(cls, row: SourceRecordRow) -> SourceRecord:
        return cls(
            **_origin(row),
            kind=row.kind,
            version=row.version,
            source_updated_at=row.source_updated_at,
            last_seen=row.last_seen,
            deleted=row.deleted,
        )


@strawberry.type
class Account:
    id: strawberry.ID
    source: str
    source_key: str
    account_type: str | None
    status: str | None
    opened_at: datetime | None

    @classmethod
    def of(cls, row: AccountRow) -> Account:
        return cls(**_origin(row), account_type=row.account_type, status=row.status, opened_at=row.opened_at)


@strawberry.type(description="A mobile or fixed line: number, plan, status.")
class ServiceSubscription:
    id: strawberry.ID
    source: str
    source_key: str
    account_key: str | None
    msisdn: Protected | None  # type: ignore[valid-type]
    plan_code: str | None
    plan_name: str | None
    status: str | None
    activated_at: datetime | None
    deactivated_at: datetime | None

    @classmethod
    def of(cls, row: SubscriptionRow) -> ServiceSubscription:
        return cls(
            **_origin(row),
            account_key=row.account_key,
            msisdn=protect("phone", row.msisdn),
            plan_code=row.plan_code,
            plan_name=row.plan_name,
            status=row.status,
            activated_at=row.activated_at,
            deactivated_at=row.deactivated_at,
        )


@strawberry.type
class Order:
    id: strawberry.ID
    source: str
    source_key: str
    order_type: str | None
    status: str | None
    channel: str | None
    amount: Decimal | None
    created_at: datetime | None

    @classmethod
    def of(cls, row: OrderRow) -> Order:
        return cls(
            **_origin(row),
            order_type=row.order_type,
            status=row.status,
            channel=row.channel,
            amount=row.amount,
            created_at=row.created_at,
        )


@strawberry.type
class Bill:
    id: strawberry.ID
    source: str
    source_key: str
    account_key: str | None
    period: str | None = strawberry.field(description="YYYY-MM")
    amount: Decimal | None
    paid_amount: Decimal | None
    due_date: date | None
    status: str | None

    @classmethod
    def of(cls, row: BillRow) -> Bill:
        return cls(
            **_origin(row),
            account_key=row.account_key,
            period=row.period,
            amount=row.amount,
            paid_amount=row.paid_amount,
            due_date=row.due_date,
            status=row.status,
        )


@strawberry.type
class Payment:
    id: strawberry.ID
    source: str
    source_key: str
    account_key: str | None
    bill_key: str | None
    amount: Decimal | None
    method: str | None
    paid_at: datetime | None

    @classmethod
    def of(cls, row: PaymentRow) -> Payment:
        return cls(
            **_origin(row),
            account_key=row.account_key,
            bill_key=row.bill_key,
            amount=row.amount,
            method=row.method,
            paid_at=row.paid_at,
        )


@strawberry.type(description="Balance and arrears of one account, as billing last reported them.")
class Balance:
    id: strawberry.ID
    source: str
    source_key: str
    account_key: str | None
    balance: Decimal | None
    arrears: Decimal | None
    as_of: datetime | None

    @classmethod
    def of(cls, row: BalanceRow) -> Balance:
        return cls(
            **_origin(row), account_key=row.account_key, balance=row.balance, arrears=row.arrears, as_of=row.source_updated_at
        )


@strawberry.type(description="Balance and arrears summed over the customer's accounts.")
class BalanceSummary:
    balance: Decimal
    arrears: Decimal
    accounts: int
    in_arrears: bool


@strawberry.type(description="One step of a service request's status history.")
class StatusStep:
    status: str
    changed_at: datetime
    agent: str | None
    note: str | None

    @classmethod
    def of(cls, row: ServiceRequestStatus) -> StatusStep:
        return cls(status=row.status, changed_at=row.changed_at, agent=row.agent, note=row.note)


@strawberry.type(description="An inquiry, complaint or fault report, with the channel it was opened on.")
class ServiceRequest:
    id: strawberry.ID
    source: str
    source_key: str
    type: str | None
    channel: str | None
    status: str | None
    summary: str | None
    caller_phone: Protected | None  # type: ignore[valid-type]
    opened_at: datetime | None
    closed_at: datetime | None

    row_id: strawberry.Private[int]
    history: strawberry.Private[dict[Any, Any] | None] = None  # status history pages a 360 view read with the request

    @strawberry.field(description="Every status the request went through, oldest first.")
    def status_history(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[StatusStep]:
        return self.history_connection(info.context, {"first": first, "after": after})

    def history_connection(self, context: Any, arguments: dict[str, Any]) -> Connection[StatusStep]:
        """The status history page for a field's arguments: from the 360 view that read it, else read now
        (then an awaitable). See ``c360.schema.list_fields``."""
        args = list_args("statusHistory", arguments)
        page = self.history.get(("statusHistory", args)) if self.history is not None else None
        if page is None:
            return self._read_history(context, args)  # type: ignore[return-value]
        return to_connection(page, StatusStep.of, self._total(context, args, page))

    async def _read_history(self, context: Any, args: Any) -> Connection[StatusStep]:
        page = await context.loaders.owned_page.load((self.row_id, ListRead("statusHistory", args)))
        return to_connection(page, StatusStep.of, self._total(context, args, page))

    def _total(self, context: Any, args: Any, page: ListPage) -> Total:
        if page.total is not None:
            return known_total(page.total)

        async def total() -> int:
            counted = await context.loaders.owned_page.load((self.row_id, ListRead("statusHistory", args, count=True)))
            return counted.total or 0

        return total

    @classmethod
    def of(cls, row: ServiceRequestRow) -> ServiceRequest:
        return cls(
            **_origin(row),
            type=row.type,
            channel=row.channel,
            status=row.status,
            summary=row.summary,
            caller_phone=protect("phone", row.caller_phone),
            opened_at=row.opened_at,
            closed_at=row.closed_at,
            row_id=row.id,
            history=getattr(row, "nested", None),
        )


@strawberry.type(description="A contact with the customer on any channel.")
class Contact:
    id: strawberry.ID
    source: str
    source_key: str
    channel: str | None
    direction: str | None
    type: str | None
    occurred_at: datetime | None
    duration_seconds: int | None
    agent: str | None
    summary: str | None
    outcome: str | None
    phone: Protected | None  # type: ignore[valid-type]
    service_request_key: str | None
    event_seq: int | None = strawberry.field(description="Set when the contact came in as a contact event.")

    @classmethod
    def of(cls, row: ContactRow) -> Contact:
        return cls(
            **_origin(row),
            channel=row.channel,
            direction=row.direction,
            type=row.type,
            occurred_at=row.occurred_at,
            duration_seconds=row.duration_s,
            agent=row.agent,
            summary=row.summary,
            outcome=row.outcome,
            phone=protect("phone", row.phone),
            service_request_key=row.service_request_key,
            event_seq=row.event_seq,
        )


@strawberry.type(description="BI's view of the customer as of a date.")
class Analysis:
    id: strawberry.ID
    source: str
    source_key: str
    segment: str | None
    value_tier: str | None
    churn_score: float | None
    credit_score: int | None
    as_of: date | None

    @classmethod
    def of(cls, row: AnalysisRow) -> Analysis:
        return cls(
            **_origin(row),
            segment=row.segment,
            value_tier=row.value_tier,
            churn_score=row.churn_score,
            credit_score=row.credit_score,
            as_of=row.as_of,
        )


@strawberry.type
class Contract:
    id: strawberry.ID
    source: str
    source_key: str
    title: str | None
    value: Decimal | None
    status: str | None
    start_date: date | None
    end_date: date | None

    @classmethod
    def of(cls, row: ContractRow) -> Contract:
        return cls(
            **_origin(row),
            title=row.title,
            value=row.value,
            status=row.status,
            start_date=row.start_date,
            end_date=row.end_date,
        )


@strawberry.type(description="The key-account manager looking after an enterprise.")
class AccountManager:
    source: str
    source_key: str
    name: str | None
    phone: str | None = strawberry.field(description="The manager's work phone (staff data, not masked).")
    email: str | None
    region: str | None
    assigned_at: datetime

    @classmethod
    def of(cls, row: Any) -> AccountManager:
        """From a row of ``Loaders.account_manager``: the manager's columns and ``assigned_at``."""
        return cls(
            source=row.source,
            source_key=row.source_key,
            name=row.name,
            phone=row.phone,
            email=row.email,
            region=row.region,
            assigned_at=row.assigned_at,
        )
