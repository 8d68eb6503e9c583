"""The master customer index as SQLAlchemy 2.x typed models (one module per concern)."""

from hub.models.access import ApiKey
from hub.models.audit import AuditEntry
from hub.models.base import Base, utcnow
from hub.models.epoch import IdentityEpoch
from hub.models.events import EventLogEntry
from hub.models.facts import (
    FACT_MODELS,
    Account,
    AccountManager,
    Analysis,
    Balance,
    Bill,
    Contact,
    Contract,
    Order,
    PartyRelation,
    Payment,
    ServiceRequest,
    ServiceRequestStatus,
    Subscription,
)
from hub.models.golden import GoldenCustomer, GoldenRedirect, new_golden_id
from hub.models.identity_key import IdentityKey
from hub.models.matching import MatchWeights, ReviewCandidate, ReviewSeen, ReviewState
from hub.models.ops import QuarantinedRecord, StewardDecision, SyncRun, SyncState
from hub.models.source import CrossReference, Identifier, SourceRecord, SourceRecordVersion

__all__ = [
    "FACT_MODELS",
    "Account",
    "AccountManager",
    "Analysis",
    "ApiKey",
    "AuditEntry",
    "Balance",
    "Base",
    "Bill",
    "Contact",
    "Contract",
    "CrossReference",
    "EventLogEntry",
    "GoldenCustomer",
    "GoldenRedirect",
    "IdentityKey",
    "Identifier",
    "IdentityEpoch",
    "MatchWeights",
    "Order",
    "PartyRelation",
    "Payment",
    "QuarantinedRecord",
    "ReviewCandidate",
    "ReviewSeen",
    "ReviewState",
    "ServiceRequest",
    "ServiceRequestStatus",
    "SourceRecord",
    "SourceRecordVersion",
    "StewardDecision",
    "Subscription",
    "SyncRun",
    "SyncState",
    "new_golden_id",
    "utcnow",
]
