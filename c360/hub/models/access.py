"""Channel API keys, stored as salted hashes: the key itself is shown once and never kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId, utcnow

__all__ = ["ApiKey"]


class ApiKey(Base):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)  # the public prefix used for lookup
    name: Mapped[str] = mapped_column(String(128))  # the channel, e.g. "call-center"
    salt: Mapped[str] = mapped_column(String(64))
    key_hash: Mapped[str] = mapped_column(String(128))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    # The channels the key may record contacts for (c360.hub.auth.channels); NULL: every channel.
    channels: Mapped[list[str] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
