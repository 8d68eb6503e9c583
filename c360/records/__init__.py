"""Canonical records: the one shape every connector maps its silo's records to.

A connector knows its silo; the hub knows these. Every record carries
``source``, ``source_key`` and ``updated_at``; facts carry the silo's
reference to the party they belong to (``party_source`` + ``party_key``),
which identity resolution turns into a golden customer.
"""

from c360.records.base import CanonicalRecord, FactRecord, InvalidRecord, aware
from c360.records.kinds import (
    RECORD_KINDS,
    AccountManagerRecord,
    AccountRecord,
    AnalysisRecord,
    BalanceRecord,
    BillRecord,
    ContactRecord,
    ContractRecord,
    OrderRecord,
    PartyRecord,
    PartyRelationRecord,
    PaymentRecord,
    PhoneRef,
    ServiceRequestRecord,
    ServiceRequestStatusRecord,
    SubscriptionRecord,
)

__all__ = [
    "RECORD_KINDS",
    "AccountManagerRecord",
    "AccountRecord",
    "AnalysisRecord",
    "BalanceRecord",
    "BillRecord",
    "CanonicalRecord",
    "ContactRecord",
    "ContractRecord",
    "FactRecord",
    "InvalidRecord",
    "OrderRecord",
    "PartyRecord",
    "PartyRelationRecord",
    "PaymentRecord",
    "PhoneRef",
    "ServiceRequestRecord",
    "ServiceRequestStatusRecord",
    "SubscriptionRecord",
    "aware",
]
