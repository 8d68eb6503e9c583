"""The identity epoch: one token that every writer of identity-relevant state replaces.

A resolver keeps profiles and key holders in memory from page to page
(``hub.identity.resident``). They stay true only while nobody else changed
party records, subscriptions, blocking keys or cross-references, so every such
writer (a resolver's page, ``resolve --full``, an erasure, a sync landing
without resolution) writes a fresh token in its own transaction. A resolver
finding its own token at the start of a page knows its memory is current; any
other token (or a rolled-back page of its own) makes it start afresh.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from hub.models.base import Base, utcnow

__all__ = ["IdentityEpoch", "read_epoch", "advance_epoch"]

_ROW = 1


class IdentityEpoch(Base):
    """A single row: the token of the last transaction that changed identity-relevant state."""

    __tablename__ = "identity_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(36))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


def read_epoch(session: Session) -> str | None:
    """The current token (``None`` before anything was written)."""
    return session.execute(select(IdentityEpoch.token).where(IdentityEpoch.id == _ROW)).scalar_one_or_none()


def advance_epoch(session: Session, token: str | None = None, *, expected: str | None = None) -> bool:
    """Write ``token`` (a fresh one when not given); ``True`` when the token replaced was ``expected``.

    The compare-and-set tells a resolver whether another writer committed between
    its read at the start of a page and this write (on PostgreSQL the update waits
    for such a writer and then sees its token), in which case its memory may have
    missed that writer's changes.
    """
    table = IdentityEpoch.__table__
    values = {"token": token or str(uuid.uuid4()), "changed_at": utcnow()}
    if expected is not None:
        swapped = session.execute(update(table).where(table.c.id == _ROW, table.c.token == expected).values(values))
        if swapped.rowcount:
            return True
    if not session.execute(update(table).where(table.c.id == _ROW).values(values)).rowcount:
        session.execute(insert(table).values(id=_ROW, **values))
    return False
