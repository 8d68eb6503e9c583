"""Every row that can hold personal data, as one text to search for what erasure must have removed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.models import (
    FACT_MODELS,
    EventLogEntry,
    GoldenCustomer,
    Identifier,
    ServiceRequestStatus,
    SourceRecord,
    SourceRecordVersion,
)
from c360.hub.models.identity_key import IdentityKey

__all__ = ["dump_personal_tables"]


def _rows(session: Session, model: type) -> list[dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    return [dict(row._mapping) for row in session.execute(select(table))]


def dump_personal_tables(engine: Engine) -> str:
    """Every row of every table that can hold personal data, as text."""
    models = [SourceRecord, SourceRecordVersion, Identifier, IdentityKey, GoldenCustomer, EventLogEntry, ServiceRequestStatus, *FACT_MODELS]
    with Session(engine) as session:
        return json.dumps({m.__tablename__: _rows(session, m) for m in models}, default=str, ensure_ascii=False)  # type: ignore[attr-defined]
