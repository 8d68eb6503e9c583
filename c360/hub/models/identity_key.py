"""The blocking-key index: which exact keys each party source record can be found by (a model like the others, so
migrations and the model comparison see it whoever imports what).

Identity resolution looks candidates up by these keys (one indexed range
per key), and counts holders per key to find generic values such as a
business hall's phone number. Rows are rewritten whenever a party lands.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId

__all__ = ["IdentityKey"]


class IdentityKey(Base):
    """One blocking key of one party source record (``id:phone:+86…``, ``nm:zhang wei|1985-03-02``, ``ev:phone:…``)."""

    __tablename__ = "identity_key"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))

    __table_args__ = (
        Index("ix_identity_key_key", "key"),
        Index("ix_identity_key_source_record_id", "source_record_id"),
    )
