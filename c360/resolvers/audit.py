"""The audit log's read for auditors: a customer's entries, newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from c360.hub.models import AuditEntry

__all__ = ["audit_entries"]


async def audit_entries(sessions: Any, customer_id: str, first: int) -> list[AuditEntry]:
    """The ``first`` newest entries about ``customer_id`` (ties broken by insertion order)."""
    async with sessions() as session:
        rows = await session.scalars(
            select(AuditEntry)
            .where(AuditEntry.customer_id == customer_id)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(first)
        )
        return list(rows)
