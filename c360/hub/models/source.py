"""Source records as the silos gave them, their identifiers and their links to golden customers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId, utcnow

__all__ = ["SourceRecord", "SourceRecordVersion", "Identifier", "CrossReference"]


class SourceRecord(Base):
    """The latest version of one record of one silo, raw and normalized.

    (source, kind, source_key) is the silo's own identity for the record; a
    re-read with the same content hash changes nothing but ``last_seen``, a
    changed hash bumps ``version`` and keeps the old one in
    ``source_record_version``. Deleted records are flagged, never removed.

    ``streams`` names the sync streams (``connector.stream``) that deliver the
    record: a full read of one stream may only flag what that stream alone
    delivered, never what another stream of the silo still brings.
    """

    __tablename__ = "source_record"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(128))
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    normalized: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    source_updated_at: Mapped[datetime | None]
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    deleted: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]
    # Set when personal data was erased; a later sync must not silently restore it.
    erased_at: Mapped[datetime | None]
    # Set by `c360 erase --allow-restore` (audited): the next sync of this record may bring its content back.
    restore_allowed_at: Mapped[datetime | None]
    # The streams that deliver it (sorted); empty when only writers outside a stream did (`c360 import`, the API).
    streams: Mapped[list[str]] = mapped_column(default=list, server_default=text("'[]'"))

    __table_args__ = (
        UniqueConstraint("source", "kind", "source_key"),
        Index("ix_source_record_kind_updated", "kind", "source_updated_at"),
    )


class SourceRecordVersion(Base):
    """An earlier content of a source record: lineage for every change a silo made."""

    __tablename__ = "source_record_version"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    version: Mapped[int]
    raw: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_updated_at: Mapped[datetime | None]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("source_record_id", "version"),)


class Identifier(Base):
    """One identifying value carried by a source record (ID number, phone, e-mail, credit code, ...).

    ``trusted`` is false for values that failed validation or were found to be
    generic (a placeholder ID, a business hall's phone); they are kept but never
    used as deterministic keys. The validity window says when the value
    belonged to this party: a recycled phone number has one window per holder.
    """

    __tablename__ = "identifier"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(24))  # ric | passport | phone | email | uscc | ...
    value: Mapped[str] = mapped_column(String(256))  # normalized
    raw_value: Mapped[str | None] = mapped_column(String(256))
    trusted: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[datetime | None]
    valid_to: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_identifier_type_value", "type", "value"),
        Index("ix_identifier_source_record_id", "source_record_id"),
    )


class CrossReference(Base):
    """Which golden customer a source record belongs to, and why the matcher thinks so."""

    __tablename__ = "xref"

    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True
    )
    golden_id: Mapped[str] = mapped_column(ForeignKey("golden_customer.id"))
    role: Mapped[str] = mapped_column(String(24), default="self")  # self | contact (a person acting for an org)
    method: Mapped[str] = mapped_column(String(24))  # new | deterministic | probabilistic | steward
    score: Mapped[float | None]
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_xref_golden_id", "golden_id"),)
