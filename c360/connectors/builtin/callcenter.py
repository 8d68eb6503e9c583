"""The call center (CSV drops): service requests, their status history, and call records.

Callers are often known only by phone and a name as spoken ("王先生"). Such
callers become event-time parties (``observed_at``) of the call center's own,
so identity resolution can find who held that number at that moment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from c360.connectors.files import CsvDropStream, DropFolderConnector
from c360.connectors.mapping import integer, make, required, text, timestamp
from c360.records import (
    CanonicalRecord,
    ContactRecord,
    PartyRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
)
from c360.records.vocabulary import labelled

__all__ = ["CallCenterConnector", "ServiceRequests", "ServiceRequestStatuses", "Calls"]

SOURCE = "callcenter"


def _caller(raw: Mapping[str, Any], key: str, observed_at: Any, updated_at: Any) -> PartyRecord:
    phone = text(raw, "caller_phone")
    return make(
        PartyRecord,
        source=SOURCE,
        source_key=key,
        updated_at=updated_at,
        party_type="person",
        name=text(raw, "caller_name"),
        phones=(PhoneRef(number=phone),) if phone else (),
        observed_at=observed_at,
    )


class ServiceRequests(CsvDropStream):
    name = "service_requests"
    prefix = "service_requests"
    primary_key = ("sr_id",)
    columns = (
        "sr_id", "customer_id", "caller_name", "caller_phone", "type", "channel",
        "status", "opened_at", "closed_at", "summary", "updated_at",
    )  # fmt: skip

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        sr_id = required(raw, "sr_id")
        opened_at = timestamp(raw, "opened_at")
        updated_at = timestamp(raw, "updated_at")
        customer = text(raw, "customer_id")
        records: list[CanonicalRecord] = []
        if customer:
            party_source, party_key = "boss", customer
        else:
            party_source, party_key = SOURCE, f"sr:{sr_id}"
            records.append(_caller(raw, party_key, opened_at, updated_at))
        words, silo_words = labelled(type=text(raw, "type"), channel=text(raw, "channel"), status=text(raw, "status"))
        records.append(
            make(
                ServiceRequestRecord,
                source=SOURCE,
                source_key=sr_id,
                updated_at=updated_at,
                party_source=party_source,
                party_key=party_key,
                **words,
                source_labels=silo_words,
                summary=text(raw, "summary"),
                caller_name=text(raw, "caller_name"),
                caller_phone=text(raw, "caller_phone"),
                opened_at=opened_at,
                closed_at=timestamp(raw, "closed_at"),
            )
        )
        return records


class ServiceRequestStatuses(CsvDropStream):
    name = "sr_status"
    prefix = "sr_status"
    primary_key = ("sr_id", "changed_at")
    columns = ("sr_id", "status", "changed_at", "agent_id", "note")

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        sr_id = required(raw, "sr_id")
        words, silo_words = labelled(status=required(raw, "status"))
        changed_at = timestamp(raw, "changed_at", needed=True)
        return [
            make(
                ServiceRequestStatusRecord,
                source=SOURCE,
                source_key=f"{sr_id}@{required(raw, 'changed_at')}",
                updated_at=changed_at,
                request_key=sr_id,
                status=words["status"],
                source_labels=silo_words,
                changed_at=changed_at,
                agent=text(raw, "agent_id"),
                note=text(raw, "note"),
            )
        ]


class Calls(CsvDropStream):
    name = "calls"
    prefix = "calls"
    primary_key = ("call_id",)
    columns = (
        "call_id", "caller_phone", "caller_name", "agent_id", "direction",
        "started_at", "duration_s", "summary", "sr_id",
    )  # fmt: skip

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        call_id = required(raw, "call_id")
        started_at = timestamp(raw, "started_at", needed=True)
        caller_key = f"call:{call_id}"
        return [
            _caller(raw, caller_key, started_at, started_at),
            make(
                ContactRecord,
                source=SOURCE,
                source_key=call_id,
                updated_at=started_at,
                party_source=SOURCE,
                party_key=caller_key,
                channel="call_center",  # the silo's calls are hotline calls: its word is kept beside
                source_labels={"channel": "hotline"},
                direction=text(raw, "direction"),
                occurred_at=started_at,
                duration_s=integer(raw, "duration_s"),
                agent=text(raw, "agent_id"),
                summary=text(raw, "summary"),
                caller_name=text(raw, "caller_name"),
                phone=text(raw, "caller_phone"),
                service_request_key=text(raw, "sr_id"),
            ),
        ]


class CallCenterConnector(DropFolderConnector):
    """Service requests, status history and call records dropped by the call center as CSV."""

    name: ClassVar[str] = "callcenter"
    stream_classes = (ServiceRequests, ServiceRequestStatuses, Calls)
