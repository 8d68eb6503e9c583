"""The master customer index as SQLAlchemy 2.x typed models (one module per concern)."""

from c360.hub.models.access import ApiKey
from c360.hub.models.audit import AuditEntry
from c360.hub.models.base import Base, utcnow
from c360.hub.models.epoch import IdentityEpoch
from c360.hub.models.events import EventLogEntry
from c360.hub.models.facts import (
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
from c360.hub.models.golden import GoldenCustomer, GoldenRedirect, new_golden_id
from c360.hub.models.identity_key import IdentityKey
from c360.hub.models.matching import MatchWeights, ReviewCandidate, ReviewSeen, ReviewState
from c360.hub.models.ops import QuarantinedRecord, StewardDecision, SyncRun, SyncState
from c360.hub.models.source import CrossReference, Identifier, SourceRecord, SourceRecordVersion

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
