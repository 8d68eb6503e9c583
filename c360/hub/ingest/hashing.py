"""The content hash that decides whether a re-read record changed."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from c360.records import CanonicalRecord

__all__ = ["canonical_json", "content_hash", "payload_hash"]


def canonical_json(payload: Any) -> str:
    """Key order and whitespace must not change the hash, so both are fixed here."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(record: CanonicalRecord) -> str:
    """sha256 of the canonical JSON of ``record.payload()``."""
    return payload_hash(record.payload())


def payload_hash(payload: Any) -> str:
    """``content_hash`` from a payload already built (ingest builds each record's once, for the hash and the row)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
