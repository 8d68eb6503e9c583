"""The golden customer and its 360 view: profile with lineage, identifiers, records and every fact list."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import strawberry

from hub.identity.normalize.documents import RIC, document_kind
from hub.models import GoldenCustomer
from schema.context import Info
from schema.facts import (
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
from schema.masking import Protected, protect
from schema.pagination import Connection, load_page, to_connection

__all__ = ["Customer", "CustomerKind", "ProfileField", "EnterpriseContact", "PROFILE_MASKS"]


@strawberry.enum
class CustomerKind(enum.Enum):
    PERSON = "person"
    ORGANIZATION = "organization"


# How each profile attribute is masked (see schema.masking); attributes not listed are masked as unknown.
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
        value = [protect(kind, _item(item)) for item in raw_value] if isinstance(raw_value, list) else protect(kind, raw_value)
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


@strawberry.type(description="A person acting for an enterprise customer.")
class EnterpriseContact:
    title: str | None
    related_key: str | None
    person_id: strawberry.ID | None

    @strawberry.field(description="The person as a golden customer, when identity resolution linked one.")
    async def person(self, info: Info) -> Customer | None:
        if self.person_id is None:
            return None
        row = await info.context.loaders.customer.load(str(self.person_id))
        return Customer.of(row) if isinstance(row, GoldenCustomer) else None


@strawberry.type(description="One real person or organization: the golden record and its 360 view.")
class Customer:
    id: strawberry.ID
    kind: CustomerKind
    status: str
    display_name: str | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[GoldenCustomer]

    @classmethod
    def of(cls, row: GoldenCustomer) -> Customer:
        return cls(
            id=strawberry.ID(row.id),
            kind=CustomerKind(row.kind),
            status=row.status,
            display_name=row.display_name,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="Surviving attributes with per-field lineage; personal values are masked.")
    def profile(self) -> list[ProfileField]:
        return _profile_fields(self.row.profile or {})

    async def _page(self, info: Info, name: str, first: int | None, after: str | None, **filters: Any) -> Any:
        return await load_page(info, name, self.row.id, first, after, **filters)

    @strawberry.field(description="Every identifier the silos hold for this customer (masked).")
    async def identifiers(
        self, info: Info, first: int | None = None, after: str | None = None, type: list[str] | None = None
    ) -> Connection[Identifier]:
        return to_connection(await self._page(info, "identifiers", first, after, type=type), Identifier.of)

    @strawberry.field(description="The silos' records resolved to this customer, newest first.")
    async def source_records(
        self, info: Info, first: int | None = None, after: str | None = None, source: list[str] | None = None
    ) -> Connection[SourceRecord]:
        return to_connection(await self._page(info, "sourceRecords", first, after, source=source), SourceRecord.of)

    @strawberry.field
    async def accounts(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Account]:
        return to_connection(await self._page(info, "accounts", first, after, status=status), Account.of)

    @strawberry.field
    async def subscriptions(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[ServiceSubscription]:
        page = await self._page(info, "subscriptions", first, after, status=status)
        return to_connection(page, ServiceSubscription.of)

    @strawberry.field
    async def orders(
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
        page = await self._page(info, "orders", first, after, status=status, channel=channel, type=type, since=since, until=until)
        return to_connection(page, Order.of)

    @strawberry.field(description="Bills, newest period first.")
    async def bills(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Bill]:
        return to_connection(await self._page(info, "bills", first, after, status=status), Bill.of)

    @strawberry.field
    async def payments(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Payment]:
        return to_connection(await self._page(info, "payments", first, after, since=since, until=until), Payment.of)

    @strawberry.field(description="Balance and arrears per account.")
    async def balances(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Balance]:
        return to_connection(await self._page(info, "balances", first, after), Balance.of)

    @strawberry.field(description="Balance and arrears summed over all accounts.")
    async def balance(self, info: Info) -> BalanceSummary:
        totals = await info.context.loaders.balance_totals.load(self.row.id)
        return BalanceSummary(
            balance=totals.balance, arrears=totals.arrears, accounts=totals.accounts, in_arrears=totals.arrears > 0
        )

    @strawberry.field(description="Inquiries, complaints and fault reports with their status history.")
    async def service_requests(
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
        page = await self._page(
            info, "serviceRequests", first, after, status=status, channel=channel, type=type, since=since, until=until
        )
        return to_connection(page, ServiceRequest.of)

    @strawberry.field(description="The contact timeline across every channel, newest first.")
    async def contacts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        channel: list[str] | None = None,
        type: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Connection[Contact]:
        page = await self._page(info, "contacts", first, after, channel=channel, type=type, since=since, until=until)
        return to_connection(page, Contact.of)

    @strawberry.field(description="BI analyses, newest first.")
    async def analyses(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Analysis]:
        return to_connection(await self._page(info, "analyses", first, after), Analysis.of)

    @strawberry.field(description="The most recent BI analysis.")
    async def analysis(self, info: Info) -> Analysis | None:
        page = await self._page(info, "analyses", 1, None)
        return Analysis.of(page.items[0][0]) if page.items else None

    @strawberry.field
    async def contracts(
        self, info: Info, first: int | None = None, after: str | None = None, status: list[str] | None = None
    ) -> Connection[Contract]:
        return to_connection(await self._page(info, "contracts", first, after, status=status), Contract.of)

    @strawberry.field(description="People acting for this enterprise.")
    async def enterprise_contacts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[EnterpriseContact]:
        page = await self._page(info, "enterpriseContacts", first, after)
        return to_connection(
            page,
            lambda row: EnterpriseContact(
                title=row.title,
                related_key=row.related_key,
                person_id=strawberry.ID(row.related_golden_id) if row.related_golden_id else None,
            ),
        )

    @strawberry.field(description="The key-account manager, for enterprise customers that have one.")
    async def account_manager(self, info: Info) -> AccountManager | None:
        found = await info.context.loaders.account_manager.load(self.row.id)
        return AccountManager.of(found) if found else None
