"""The key-account (enterprise) system (REST): enterprises, their contacts, managers and contracts.

Parties here are keyed ``ent:<id>`` and ``contact:<id>`` so the two kinds
never collide; relations link a contact or an account manager to its enterprise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from c360.connectors.sdk import (
    AccountManagerRecord,
    ContractRecord,
    Emit,
    Fields,
    PartyRecord,
    PartyRelationRecord,
    PhoneRef,
    RestConfig,
    RestConnector,
    RestStream,
    day,
    decimal,
    required,
    text,
)

__all__ = ["KeyAccountConnector", "Enterprises", "Contacts", "AccountManagers", "Contracts"]


class KeyAccountStream(RestStream[RestConfig]):
    """Every collection sends tombstones (``deleted``)."""

    deleted = "deleted"


class Enterprises(KeyAccountStream):
    name = "enterprises"
    path = "/api/v1/enterprises"
    record = PartyRecord
    primary_key = ("enterprise_id",)

    def source_key(self, raw: Mapping[str, Any]) -> str:
        return f"ent:{required(raw, 'enterprise_id')}"

    def map(self, raw: Mapping[str, Any]) -> Sequence[Fields | Emit]:
        industry, manager = text(raw, "industry"), text(raw, "manager_id")
        party = dict(
            party_type="organization", name=text(raw, "name"), credit_code=text(raw, "credit_code"),
            address=text(raw, "address"), status=text(raw, "status"), extra={"industry": industry} if industry else {},
        )
        if not manager:
            return [party]
        relation = dict(party_source=self.source, party_key=self.source_key(raw), relation="account_manager",
                        related_source=self.source, related_key=manager)  # fmt: skip
        return [party, Emit(PartyRelationRecord, relation)]


class Contacts(KeyAccountStream):
    name = "contacts"
    path = "/api/v1/contacts"
    record = PartyRecord
    primary_key = ("contact_id",)

    def source_key(self, raw: Mapping[str, Any]) -> str:
        return f"contact:{required(raw, 'contact_id')}"

    def map(self, raw: Mapping[str, Any]) -> Sequence[Fields | Emit]:
        enterprise = f"ent:{required(raw, 'enterprise_id')}"
        phone, email, title = text(raw, "phone"), text(raw, "email"), text(raw, "title")
        party = dict(
            party_type="person", name=text(raw, "name"), id_number=text(raw, "id_number"),
            phones=(PhoneRef(number=phone),) if phone else (), emails=(email,) if email else (),
            extra={"title": title} if title else {},
        )
        relation = dict(party_source=self.source, party_key=enterprise, relation="contact",
                        related_source=self.source, related_key=self.source_key(raw), title=title)  # fmt: skip
        return [party, Emit(PartyRelationRecord, relation)]


class AccountManagers(KeyAccountStream):
    name = "account_managers"
    path = "/api/v1/account-managers"
    record = AccountManagerRecord
    key = "manager_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(name=text(raw, "name"), phone=text(raw, "phone"), email=text(raw, "email"),
                    region=text(raw, "region"))  # fmt: skip


class Contracts(KeyAccountStream):
    name = "contracts"
    path = "/api/v1/contracts"
    record = ContractRecord
    key = "contract_id"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        return dict(
            party_source=self.source, party_key=f"ent:{required(raw, 'enterprise_id')}", title=text(raw, "title"),
            value=decimal(raw, "value"), status=text(raw, "status"), start_date=day(raw, "start_date"),
            end_date=day(raw, "end_date"),
        )


class KeyAccountConnector(RestConnector):
    """Enterprises, contacts, account managers and contracts from the key-account system."""

    name: ClassVar[str] = "keyaccount"
    stream_classes = (Enterprises, Contacts, AccountManagers, Contracts)
