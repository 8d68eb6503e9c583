"""A valid recordContact input to spoil field by field, and what a refused write must not have stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from c360.hub.models import Contact, EventLogEntry, ServiceRequest, ServiceRequestStatus

__all__ = ["RECORD", "complaint", "stored_counts"]

RECORD = "mutation($input: RecordContactInput!) { recordContact(input: $input) { event { serviceRequestId } } }"


def stored_counts(engine: Any) -> tuple[int, ...]:
    """Rows in the event log, contacts, service requests and their status history."""
    with Session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (EventLogEntry, Contact, ServiceRequest, ServiceRequestStatus)
        )


def complaint(customer_id: str, **overrides: Any) -> dict[str, Any]:
    """A call-center complaint about ``customer_id``, with ``overrides``."""
    return {"customer": {"id": customer_id}, "channel": "CALL_CENTER", "type": "COMPLAINT",
            "occurredAt": "2024-05-01T09:30:00+08:00", **overrides}
