"""The golden customer and its 360 view: profile with lineage, identifiers, records and every fact list."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import strawberry

from c360.hub.normalize.documents import RIC, document_kind
from c360.resolvers.lists import LISTS
from c360.resolvers.loaders import Split
from c360.resolvers.plan import EMPTY_PLAN, CustomerPlan, ListRead
from c360.resolvers.view_rows import PERSON, BalanceTotals, CustomerView, ListPage
from c360.schema.context import HubContext, Info
from c360.schema.facts import (
    Account,
    AccountManager,
    Analysis,
    Balance,
    BalanceSummary,
    Bill,
    Contact,
    Contract,
    Identifier,
    Order,
    Payment,
    ServiceRequest,
    ServiceSubscription,
    SourceRecord,
)
from c360.schema.masking import Protected, protect
from c360.schema.pagination import Connection, Total, known_total, to_connection
from c360.schema.planning import LATEST_ANALYSIS, list_args

__all__ = [
    "Customer",
    "CustomerKind",
    "ProfileField",
    "EnterpriseContact",
    "PROFILE_MASKS",
    "read_customer",
    "field_plan",
]

N = TypeVar("N")


@strawberry.enum
class CustomerKind(enum.Enum):
    PERSON = "person"
    ORGANIZATION = "organization"


# How each profile attribute is masked (see c360.schema.masking); attributes not listed are masked as unknown.
PROFILE_MASKS = {
    "name": "name",
    "gender": "gender",
    "status": "status",
    "party_type": "party_type",
    "id_type": "kind",
    "id_number": "ric",
    "phone": "phone",
    "phones": "phone",
    "email": "email",
    "emails": "email",
    "address": "address",
    "birth_date": "birth_date",
    "credit_code": "uscc",
}


@strawberry.type(description="One surviving attribute of the golden profile and where it came from.")
class ProfileField:
    name: str
    value: Protected | None  # type: ignore[valid-type]
    source: str | None
    source_key: str | None
    updated_at: datetime | None


def _plain(entry: Any) -> Any:
    return entry.get("value") if isinstance(entry, dict) else entry


def _item(value: Any) -> Any:
    """One item of a list attribute as a value: a phone entry (number + validity window) is its number."""
    return value.get("number") if isinstance(value, dict) and "number" in value else value


def _profile_fields(profile: dict[str, Any]) -> list[ProfileField]:
    fields = []
    for name in sorted(profile):
        entry = profile[name]
        lineage = entry if isinstance(entry, dict) and "value" in entry else {"value": entry}
        kind = PROFILE_MASKS.get(name, "other")
        if name == "id_number" and document_kind(_plain(profile.get("id_type")), _plain(entry)) != RIC:
            kind = "passport"
        raw_value = lineage.get("value")
        value = Protected([protect(kind, _item(item)) for item in raw_value]) if isinstance(raw_value, list) else protect(kind, raw_value)
        updated = lineage.get("updated_at")
        fields.append(
            ProfileField(
                name=name,
                value=value,
                source=lineage.get("source"),
                source_key=lineage.get("source_key"),
                updated_at=datetime.fromisoformat(updated) if isinstance(updated, str) else updated,
            )
        )
    return fields


def field_plan(info: Info) -> CustomerPlan:
    """The plan of the ``Customer`` field being resolved (``c360.schema.planning``), or the empty plan."""
    return info.context.plans.pop(info.path, EMPTY_PLAN)


async def read_customer(
    info: Info, golden_id: str, plan: CustomerPlan | None = None
) -> CustomerView | Split | None:
    """A customer and everything ``plan`` (default: the plan of the field being resolved) reads of it."""
    return await info.context.loaders.view.load((golden_id, field_plan(info) if plan is None else plan))


def _summary(totals: BalanceTotals) -> BalanceSummary:
    return BalanceSummary(
        balance=totals.balance,
        arrears=totals.arrears,
        accounts=totals.accounts,
        in_arrears=totals.arrears > 0,
    )


def _single(name: str, args: Any, *, count: bool = False) -> CustomerPlan:
    return CustomerPlan((ListRead(name, args, count),))


@strawberry.type(description="A person acting for an enterprise customer.")
class EnterpriseContact:
    title: str | None
    related_key: str | None
    person_id: strawberry.ID | None
    read: strawberry.Private[Any] = None  # (golden row, view) of the person when the document's plan read it

    @strawberry.field(description="The person as a golden customer, when identity resolution linked one.")
    def person(self, info: Info) -> Customer | None:
        if self.person_id is None:
            return None
        if self.read is not None and self.read[1] is not None:
            return Customer.of(self.read[1])
        return self._person(info)  # type: ignore[return-value]  # (an awaitable; graphql-core awaits it)

    async def _person(self, info: Info) -> Customer | None:
        found = await read_customer(info, str(self.person_id))
        return Customer.of(found) if isinstance(found, CustomerView) else None

    @classmethod
    def of(cls, row: Any) -> EnterpriseContact:
        return cls(
            title=row.title,
            related_key=row.related_key,
            person_id=strawberry.ID(row.related_golden_id) if row.related_golden_id else None,
            read=row.nested.get(PERSON) if hasattr(row, "nested") else None,
        )


@strawberry.type(description="One real person or organization: the golden record and its 360 view.")
class Customer:
    id: strawberry.ID
    kind: CustomerKind
    status: str
    display_name: str | None
    created_at: datetime
    updated_at: datetime
    view: strawberry.Private[CustomerView]

    @classmethod
    def of(cls, view: CustomerView) -> Customer:
        row = view.row
        return cls(
            id=strawberry.ID(row.id),
            kind=CustomerKind(row.kind),
            status=row.status,
            display_name=row.display_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
            view=view,
        )

    @strawberry.field(description="Surviving attributes with per-field lineage; personal values are masked.")
    def profile(self) -> list[ProfileField]:
        return _profile_fields(self.view.row.profile or {})

    def list_connection(self, context: HubContext, name: str, arguments: dict[str, Any]) -> Connection[Any]:
        """The connection of list ``name`` for a field's arguments (GraphQL names): from the view when the
        plan read it, else read now (then an awaitable). See :func:`install_list_resolvers`."""
        args = list_args(name, arguments)
        convert = _NODES[name]
        page = self.view.page(name, args)
        if page is None:
            return self._read_list(context, name, args, convert)  # type: ignore[return-value]
        return to_connection(page, convert, self._total(context, name, args, page))

    async def _read_list(
        self, context: HubContext, name: str, args: Any, convert: Callable[[Any], N]
    ) -> Connection[N]:
        found = await context.loaders.view.load((str(self.id), _single(name, args)))
        page = found.page(name, args) if isinstance(found, CustomerView) else None
        page = page or ListPage([], False, LISTS[name].cursor)
        return to_connection(page, convert, self._total(context, name, args, page))

    def _total(self, context: HubContext, name: str, args: Any, page: ListPage) -> Total:
        if page.total is not None:
            return known_total(page.total)

        async def total() -> int:
            found = await context.loaders.view.load((str(self.id), _single(name, args, count=True)))
            counted = found.page(name, args) if isinstance(found, CustomerView) else None
            return counted.total or 0 if counted is not None else 0

        return total

    @strawberry.field(description="Every identifier the silos hold for this customer (masked).")
    def identifiers(
        self, info: Info, first: int | None = None, after: str | None = None, type: list[str] | None = None
    ) -> Connection[Identifier]:
        return self.list_connection(
            info.context, "identifiers", {"first": first, "after": after, "type": type}
        )

    @strawberry.field(description="The silos' records resolved to this customer, newest first.")
    def source_records(
        self, info: Info, first: int | None = None, after: str | None = None, source: list[str] | None = None
    ) -> Connection[SourceRecord]:
        return self.list_connection(
            info.context, "sourceRecords", {"first": first, "after": after, "source": source}
        )

    @strawberry.field
    def accounts(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Account]:
        return self.list_connection(
            info.context, "accounts", {"first": first, "after": after, "status": status}
        )

    @strawberry.field
    def subscriptions(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[ServiceSubscription]:
        return self.list_connection(
            info.context, "subscriptions", {"first": first, "after": after, "status": status}
        )

    @strawberry.field
    def orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[str] | None = None,
        channel: list[str] | None = None,
        type: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Order]:
        return self.list_connection(
            info.context,
            "orders",
            {
                "first": first,
                "after": after,
                "status": status,
                "channel": channel,
                "type": type,
                "since": since,
                "until": until,
            },
        )

    @strawberry.field(description="Bills, newest period first.")
    def bills(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Bill]:
        return self.list_connection(info.context, "bills", {"first": first, "after": after, "status": status})

    @strawberry.field
    def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Payment]:
        return self.list_connection(
            info.context, "payments", {"first": first, "after": after, "since": since, "until": until}
        )

    @strawberry.field(description="Balance and arrears per account.")
    def balances(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Balance]:
        return self.list_connection(info.context, "balances", {"first": first, "after": after})

    @strawberry.field(description="Balance and arrears summed over all accounts.")
    def balance(self, info: Info) -> BalanceSummary:
        totals = self.view.balance_totals
        if totals is None:
            return self._read_balance(info)  # type: ignore[return-value]
        return _summary(totals)

    async def _read_balance(self, info: Info) -> BalanceSummary:
        found = await read_customer(info, str(self.id), CustomerPlan(balance_totals=True))
        if not isinstance(found, CustomerView) or found.balance_totals is None:
            raise LookupError(f"customer {self.id} is no longer active")
        return _summary(found.balance_totals)

    @strawberry.field(description="Inquiries, complaints and fault reports with their status history.")
    def service_requests(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[str] | None = None,
        channel: list[str] | None = None,
        type: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[ServiceRequest]:
        return self.list_connection(
            info.context,
            "serviceRequests",
            {
                "first": first,
                "after": after,
                "status": status,
                "channel": channel,
                "type": type,
                "since": since,
                "until": until,
            },
        )

    @strawberry.field(description="The contact timeline across every channel, newest first.")
    def contacts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        channel: list[str] | None = None,
        type: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Contact]:
        return self.list_connection(
            info.context,
            "contacts",
            {
                "first": first,
                "after": after,
                "channel": channel,
                "type": type,
                "since": since,
                "until": until,
            },
        )

    @strawberry.field(description="BI analyses, newest first.")
    def analyses(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Analysis]:
        return self.list_connection(info.context, "analyses", {"first": first, "after": after})

    @strawberry.field(description="The most recent BI analysis.")
    def analysis(self, info: Info) -> Analysis | None:
        page = self.view.page("analyses", LATEST_ANALYSIS)
        if page is None:
            return self._read_analysis(info)  # type: ignore[return-value]
        return Analysis.of(page.rows[0]) if page.rows else None

    async def _read_analysis(self, info: Info) -> Analysis | None:
        found = await read_customer(info, str(self.id), _single("analyses", LATEST_ANALYSIS))
        page = found.page("analyses", LATEST_ANALYSIS) if isinstance(found, CustomerView) else None
        return Analysis.of(page.rows[0]) if page is not None and page.rows else None

    @strawberry.field
    def contracts(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Contract]:
        return self.list_connection(
            info.context, "contracts", {"first": first, "after": after, "status": status}
        )

    @strawberry.field(description="People acting for this enterprise.")
    def enterprise_contacts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[EnterpriseContact]:
        return self.list_connection(info.context, "enterpriseContacts", {"first": first, "after": after})

    @strawberry.field(description="The key-account manager, for enterprise customers that have one.")
    def account_manager(self, info: Info) -> AccountManager | None:
        if not self.view.has_manager:
            return self._read_manager(info)  # type: ignore[return-value]
        found = self.view.account_manager
        return AccountManager.of(found) if found is not None else None

    async def _read_manager(self, info: Info) -> AccountManager | None:
        found = await read_customer(info, str(self.id), CustomerPlan(account_manager=True))
        manager = found.account_manager if isinstance(found, CustomerView) else None
        return AccountManager.of(manager) if manager is not None else None


# The node type of each list's items (c360.schema.planning.CUSTOMER_LISTS names the lists).
_NODES: dict[str, Callable[[Any], Any]] = {
    "identifiers": Identifier.of,
    "sourceRecords": SourceRecord.of,
    "accounts": Account.of,
    "subscriptions": ServiceSubscription.of,
    "orders": Order.of,
    "bills": Bill.of,
    "payments": Payment.of,
    "balances": Balance.of,
    "serviceRequests": ServiceRequest.of,
    "contacts": Contact.of,
    "analyses": Analysis.of,
    "contracts": Contract.of,
    "enterpriseContacts": EnterpriseContact.of,
}
