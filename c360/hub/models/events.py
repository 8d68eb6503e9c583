"""The append-only event log: contact events from every channel and identity changes.

``seq`` is the monotonic cursor subscribers resume from. The log is the
source of truth; any wake-up channel (LISTEN/NOTIFY, a broker) only says
"look again".

An idempotency key belongs to the caller that used it (``recorded_by``, the credential's identity):
another caller's key of the same text is another key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId, utcnow

__all__ = ["EventLogEntry"]


class EventLogEntry(Base):
    __tablename__ = "event_log"

    seq: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(48))  # contact.recorded | customer.merged | ...
    golden_id: Mapped[str | None] = mapped_column(String(24))
    channel: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(128))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    request_hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_event_log_golden_seq", "golden_id", "seq"),
        Index("ix_event_log_type_seq", "type", "seq"),
        UniqueConstraint("recorded_by", "idempotency_key"),
    )
