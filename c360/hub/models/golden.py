"""Golden customers: the hub's stable answer to "who is this customer"."""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, utcnow

__all__ = ["GoldenCustomer", "GoldenRedirect", "new_golden_id", "GOLDEN_ACTIVE", "GOLDEN_MERGED", "GOLDEN_SPLIT"]

GOLDEN_ACTIVE = "active"
GOLDEN_MERGED = "merged"
GOLDEN_SPLIT = "split"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Every pair of digits (10 bits) by value: nine lookups encode an id instead of eighteen divmods
_DIGIT_PAIRS = tuple(high + low for high in _CROCKFORD for low in _CROCKFORD)
_PAIR_SHIFTS = tuple(range(80, -1, -10))


def new_golden_id() -> str:
    """A sortable, coordination-free id (48-bit ms time + 40 random bits, Crockford base32).

    Handed out once and never reused, so several hub replicas can mint ids
    without a shared counter.
    """
    value = (int(time.time() * 1000) << 40) | secrets.randbits(40)
    return "G" + "".join([_DIGIT_PAIRS[(value >> shift) & 1023] for shift in _PAIR_SHIFTS])


class GoldenCustomer(Base):
    """One real person or organization. The id never changes meaning.

    ``status`` is active, merged (see ``merged_into``) or split (see the
    redirects); ``profile`` holds the surviving attributes, each with its
    lineage (source, source key, updated_at).
    """

    __tablename__ = "golden_customer"

    id: Mapped[str] = mapped_column(String(24), primary_key=True, default=new_golden_id)
    kind: Mapped[str] = mapped_column(String(16))  # person | organization
    status: Mapped[str] = mapped_column(String(16), default=GOLDEN_ACTIVE)
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("golden_customer.id"))
    display_name: Mapped[str | None] = mapped_column(String(200))
    name_key: Mapped[str | None] = mapped_column(String(200))  # normalized name for search
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    resolvable: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        Index("ix_golden_customer_name_key", "name_key"),
        Index("ix_golden_customer_merged_into", "merged_into"),
    )


class GoldenRedirect(Base):
    """Where an id went after a merge or split, so old ids keep resolving.

    Kept one hop long: when a target stops being live (or loses records), the rows and
    ``merged_into`` that led to it are pointed at where its records went (``c360.hub.identity.golden``).
    """

    __tablename__ = "golden_redirect"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_id: Mapped[str] = mapped_column(ForeignKey("golden_customer.id"))
    to_id: Mapped[str] = mapped_column(ForeignKey("golden_customer.id"))
    reason: Mapped[str] = mapped_column(String(16))  # merge | split | unmerge
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_golden_redirect_from_id", "from_id"), Index("ix_golden_redirect_to_id", "to_id"))
