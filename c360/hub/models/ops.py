"""Operational state: sync cursors, run history, quarantined records, steward decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from c360.hub.models.base import Base, BigIntId, utcnow
from c360.records.text import storable

__all__ = ["SyncState", "SyncRun", "QuarantinedRecord", "StewardDecision"]


class SyncState(Base):
    """Where a stream's incremental sync stands; written in the transaction of the batch it covers."""

    __tablename__ = "sync_state"

    connector: Mapped[str] = mapped_column(String(64), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_full_sync_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncRun(Base):
    """One run of one stream: when, how it ended, and what it moved."""

    __tablename__ = "sync_run"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    connector: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(64))
    full: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16))  # running | succeeded | failed
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    records_read: Mapped[int] = mapped_column(default=0)
    records_written: Mapped[int] = mapped_column(default=0)
    records_quarantined: Mapped[int] = mapped_column(default=0)
    records_deleted: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (Index("ix_sync_run_stream_started", "connector", "stream", "started_at"),)


class QuarantinedRecord(Base):
    """A record that could not be taken in, kept with its raw payload and the reason."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    connector: Mapped[str] = mapped_column(String(64))
    stream: Mapped[str] = mapped_column(String(64))
    source_key: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[str] = mapped_column(Text)  # raw, as received (may not be valid JSON)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | retried | resolved
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_run.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retried_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_quarantine_stream_status", "connector", "stream", "status"),)

    @validates("connector", "stream", "source_key", "payload", "reason")
    def _storable(self, _name: str, value: str | None) -> str | None:
        """What a quarantined record sent may hold text the databases cannot store: kept escaped (``c360.records.text``)."""
        return None if value is None else storable(value)


class StewardDecision(Base):
    """A data steward's ruling on two source records; it wins over the matcher and survives re-resolution."""

    __tablename__ = "steward_decision"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    left_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    right_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))  # merge | never_merge
    decided_by: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("left_record_id", "right_record_id", "decision"),)
