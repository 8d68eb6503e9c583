"""The append-only audit log: who saw or changed which customer, when, and which sensitive fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId, utcnow

__all__ = ["AuditEntry"]


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(16))  # read | write | erase | steward | admin
    operation: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[str | None] = mapped_column(String(24))
    fields: Mapped[list[str]] = mapped_column(default=list)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (
        Index("ix_audit_log_customer_at", "customer_id", "at"),
        Index("ix_audit_log_actor_at", "actor", "at"),
    )
