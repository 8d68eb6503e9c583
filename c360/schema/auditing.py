"""The audit log for auditors: ``auditLog(customerId)``, newest first (needs ``audit:read``)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from c360.hub.models import AuditEntry
from c360.resolvers.audit import audit_entries
from c360.schema.context import Info
from c360.schema.errors import BadUserInput

__all__ = ["AuditRecord", "AuditQuery", "MAX_AUDIT_PAGE", "read_audit"]

MAX_AUDIT_PAGE = 200


@strawberry.type(description="One audit entry: who did what to which customer, and which sensitive kinds were returned.")
class AuditRecord:
    id: strawberry.ID
    at: datetime
    actor: str
    action: str
    operation: str
    customer_id: strawberry.ID | None
    fields: list[str]
    detail: JSON


def read_audit(rows: list[AuditEntry]) -> list[AuditRecord]:
    return [
        AuditRecord(
            id=strawberry.ID(str(row.id)),
            at=row.at,
            actor=row.actor,
            action=row.action,
            operation=row.operation,
            customer_id=strawberry.ID(row.customer_id) if row.customer_id else None,
            fields=list(row.fields or []),
            detail=JSON(row.detail or {}),
        )
        for row in rows
    ]


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Who read or changed a customer, newest first (auditors only).")
    async def audit_log(self, info: Info, customer_id: strawberry.ID, first: int = 50) -> list[AuditRecord]:
        if not 0 <= first <= MAX_AUDIT_PAGE:
            raise BadUserInput("first", f"must be between 0 and {MAX_AUDIT_PAGE}")
        if info.context.audit is not None and info.context.audit.running:
            await info.context.audit.flush()  # this process's queued rows first: an auditor reads them too
        return read_audit(await audit_entries(info.context.sessions, str(customer_id), first))
