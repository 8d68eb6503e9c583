"""The key-account (enterprise) system (REST): enterprises, their contacts, managers and contracts.

Parties here are keyed ``ent:<id>`` and ``contact:<id>`` so the two kinds
never collide; relations link a contact or an account manager to its enterprise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from c360.connectors.mapping import day, decimal, flag, make, required, text, timestamp
from c360.connectors.rest import RestConnector, RestStream
from c360.records import (
    AccountManagerRecord,
    CanonicalRecord,
    ContractRecord,
    PartyRecord,
    PartyRelationRecord,
    PhoneRef,
)

__all__ = ["KeyAccountConnector", "Enterprises", "Contacts", "AccountManagers", "Contracts"]

SOURCE = "keyaccount"


def _envelope(raw: Mapping[str, Any], source_key: str) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "source_key": source_key,
        "updated_at": timestamp(raw, "updated_at"),
        "deleted": flag(raw, "deleted"),
    }


class Enterprises(RestStream):
    name = "enterprises"
    path = "/api/v1/enterprises"
    primary_key = ("enterprise_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        key = f"ent:{required(raw, 'enterprise_id')}"
        industry = text(raw, "industry")
        records: list[CanonicalRecord] = [
            make(
                PartyRecord,
                **_envelope(raw, key),
                party_type="organization",
                name=text(raw, "name"),
                credit_code=text(raw, "credit_code"),
                address=text(raw, "address"),
                status=text(raw, "status"),
                extra={"industry": industry} if industry else {},
            )
        ]
        manager = text(raw, "manager_id")
        if manager:
            records.append(
                make(
                    PartyRelationRecord,
                    **_envelope(raw, key),
                    party_source=SOURCE,
                    party_key=key,
                    relation="account_manager",
                    related_source=SOURCE,
                    related_key=manager,
                )
            )
        return records


class Contacts(RestStream):
    name = "contacts"
    path = "/api/v1/contacts"
    primary_key = ("contact_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        key = f"contact:{required(raw, 'contact_id')}"
        enterprise = f"ent:{required(raw, 'enterprise_id')}"
        phone, email, title = text(raw, "phone"), text(raw, "email"), text(raw, "title")
        return [
            make(
                PartyRecord,
                **_envelope(raw, key),
                party_type="person",
                name=text(raw, "name"),
                id_number=text(raw, "id_number"),
                phones=(PhoneRef(number=phone),) if phone else (),
                emails=(email,) if email else (),
                extra={"title": title} if title else {},
            ),
            make(
                PartyRelationRecord,
                **_envelope(raw, key),
                party_source=SOURCE,
                party_key=enterprise,
                relation="contact",
                related_source=SOURCE,
                related_key=key,
                title=title,
            ),
        ]


class AccountManagers(RestStream):
    name = "account_managers"
    path = "/api/v1/account-managers"
    primary_key = ("manager_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                AccountManagerRecord,
                **_envelope(raw, required(raw, "manager_id")),
                name=text(raw, "name"),
                phone=text(raw, "phone"),
                email=text(raw, "email"),
                region=text(raw, "region"),
            )
        ]


class Contracts(RestStream):
    name = "contracts"
    path = "/api/v1/contracts"
    primary_key = ("contract_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [
            make(
                ContractRecord,
                **_envelope(raw, required(raw, "contract_id")),
                party_source=SOURCE,
                party_key=f"ent:{required(raw, 'enterprise_id')}",
                title=text(raw, "title"),
                value=decimal(raw, "value"),
                status=text(raw, "status"),
                start_date=day(raw, "start_date"),
                end_date=day(raw, "end_date"),
            )
        ]


class KeyAccountConnector(RestConnector):
    """Enterprises, contacts, account managers and contracts from the key-account system."""

    name: ClassVar[str] = "keyaccount"
    stream_classes = (Enterprises, Contacts, AccountManagers, Contracts)
