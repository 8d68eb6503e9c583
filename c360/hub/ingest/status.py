"""A service request's ``status`` follows the latest step of its status history.

History and request may arrive in either order (different streams), so the
status is recomputed from the history whenever either side lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from c360.hub.ingest.facts import chunks
from c360.hub.models import ServiceRequest, ServiceRequestStatus, SourceRecord

__all__ = ["apply_latest_status"]

_HISTORY = ServiceRequestStatus.__table__
_REQUESTS = ServiceRequest.__table__
_RECORDS = SourceRecord.__table__


def apply_latest_status(session: Session, source: str, request_keys: Sequence[str]) -> None:
    latest: dict[str, tuple[datetime, int, str]] = {}
    for part in chunks(list(request_keys)):
        rows = session.execute(
            select(_HISTORY.c.request_key, _HISTORY.c.changed_at, _HISTORY.c.id, _HISTORY.c.status).where(
                _HISTORY.c.source == source, _HISTORY.c.request_key.in_(part)
            )
        )
        for key, changed_at, id_, status in rows:
            if key not in latest or (changed_at, id_) > latest[key][:2]:
                latest[key] = (changed_at, id_, status)
    if not latest:
        return
    # Reach the request through source_record's unique key: service_request has no (source, source_key) index.
    record_id = (
        select(_RECORDS.c.id)
        .where(
            _RECORDS.c.source == bindparam("b_source"),
            _RECORDS.c.kind == "service_request",
            _RECORDS.c.source_key == bindparam("b_key"),
        )
        .scalar_subquery()
    )
    statement = update(_REQUESTS).where(_REQUESTS.c.source_record_id == record_id).values(status=bindparam("v_status"))
    session.execute(
        statement, [{"b_source": source, "b_key": key, "v_status": value[2]} for key, value in latest.items()]
    )
