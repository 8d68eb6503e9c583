"""Ingest: canonical records into the master index (source records, versions, facts, identifiers).

``ingest_page`` is the one write path for records coming from silos; it is
batched per page and idempotent. ``LandedRecordsHandler`` is where identity
resolution hears about the records that changed.
"""

from c360.hub.ingest.deletes import mark_unseen_deleted
from c360.hub.ingest.handler import LandedRecordsHandler, NoResolution
from c360.hub.ingest.hashing import canonical_json, content_hash
from c360.hub.ingest.page import IngestResult, ingest_page

__all__ = [
    "IngestResult",
    "LandedRecordsHandler",
    "NoResolution",
    "canonical_json",
    "content_hash",
    "ingest_page",
    "mark_unseen_deleted",
]
