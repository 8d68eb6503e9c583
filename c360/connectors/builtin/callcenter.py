"""The call center (CSV drops): service requests, their status history, and call records.

Callers are often known only by phone and a name as spoken ("王先生"). Such
callers become event-time parties (``observed_at``) of the call center's own,
so identity resolution can find who held that number at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from c360.connectors.sdk import (
    ContactRecord,
    CsvDropStream,
    DropFolderConfig,
    DropFolderConnector,
    Emit,
    Fields,
    PartyRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
    integer,
    labelled,
    required,
    text,
    timestamp,
)

__all__ = ["CallCenterConnector", "ServiceRequests", "ServiceRequestStatuses", "Calls"]


def _caller(raw: Mapping[str, Any], key: str, observed_at: datetime | None) -> Emit:
    """The caller as an event-time party of the call center's own, keyed ``key``."""
    phone = text(raw, "caller_phone")
    fields = dict(party_type="person", name=text(raw, "caller_name"), observed_at=observed_at,
                  phones=(PhoneRef(number=phone),) if phone else ())  # fmt: skip
    return Emit(PartyRecord, fields, key=key)


class ServiceRequests(CsvDropStream[DropFolderConfig]):
    name = prefix = "service_requests"
    record = ServiceRequestRecord
    key = "sr_id"
    columns = (
        "sr_id", "customer_id", "caller_name", "caller_phone", "type", "channel",
        "status", "opened_at", "closed_at", "summary", "updated_at",
    )  # fmt: skip

    def map(self, raw: Mapping[str, Any]) -> Sequence[Fields | Emit]:
        opened_at, customer = timestamp(raw, "opened_at"), text(raw, "customer_id")
        caller = None if customer else _caller(raw, f"sr:{required(raw, 'sr_id')}", opened_at)
        words, silo_words = labelled(type=text(raw, "type"), channel=text(raw, "channel"), status=text(raw, "status"))
        request = dict(
            party_source=self.source if caller else "boss", party_key=caller.key if caller else customer, **words,
            source_labels=silo_words, summary=text(raw, "summary"), caller_name=text(raw, "caller_name"),
            caller_phone=text(raw, "caller_phone"), opened_at=opened_at, closed_at=timestamp(raw, "closed_at"),
        )
        return [caller, request] if caller else [request]


class ServiceRequestStatuses(CsvDropStream[DropFolderConfig]):
    name = prefix = "sr_status"
    record = ServiceRequestStatusRecord
    primary_key = ("sr_id", "changed_at")
    updated_at = "changed_at"
    columns = ("sr_id", "status", "changed_at", "agent_id", "note")

    def source_key(self, raw: Mapping[str, Any]) -> str:
        return f"{required(raw, 'sr_id')}@{required(raw, 'changed_at')}"

    def map(self, raw: Mapping[str, Any]) -> Fields:
        words, silo_words = labelled(status=required(raw, "status"))
        return dict(
            request_key=required(raw, "sr_id"), status=words["status"], source_labels=silo_words,
            changed_at=timestamp(raw, "changed_at", needed=True), agent=text(raw, "agent_id"), note=text(raw, "note"),
        )


class Calls(CsvDropStream[DropFolderConfig]):
    name = prefix = "calls"
    record = ContactRecord
    key = "call_id"
    updated_at = "started_at"
    columns = (
        "call_id", "caller_phone", "caller_name", "agent_id", "direction",
        "started_at", "duration_s", "summary", "sr_id",
    )  # fmt: skip

    def map(self, raw: Mapping[str, Any]) -> Sequence[Fields | Emit]:
        started_at = timestamp(raw, "started_at", needed=True)
        caller = _caller(raw, f"call:{required(raw, 'call_id')}", started_at)
        contact = dict(
            party_source=self.source, party_key=caller.key,
            channel="call_center", source_labels={"channel": "hotline"},  # hotline calls: the silo's word kept beside
            direction=text(raw, "direction"), occurred_at=started_at, duration_s=integer(raw, "duration_s"),
            agent=text(raw, "agent_id"), summary=text(raw, "summary"), caller_name=text(raw, "caller_name"),
            phone=text(raw, "caller_phone"), service_request_key=text(raw, "sr_id"),
        )
        return [caller, contact]


class CallCenterConnector(DropFolderConnector):
    """Service requests, status history and call records dropped by the call center as CSV."""

    name: ClassVar[str] = "callcenter"
    stream_classes = (ServiceRequests, ServiceRequestStatuses, Calls)
