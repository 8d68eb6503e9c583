"""The identity epoch: one token that every writer of identity-relevant state replaces, one writer at a time.

A resolver keeps profiles and key holders in memory from page to page
(``c360.hub.identity.resident``). They stay true only while nobody else changed
party records, subscriptions, blocking keys or cross-references, so every such
writer (a resolver's page, ``resolve --full``, an erasure, a sync landing
without resolution) writes a fresh token in its own transaction. A resolver
finding its own token at the start of a page knows its memory is current; any
other token (or a rolled-back page of its own) makes it start afresh.

The same writers take the **identity lock** (``hold_identity_lock``) as the first
statement of their transaction and keep it until it ends: resolution reads the
whole neighbourhood of a page and rewrites it, so two writers interleaving (two
threads, two hub processes on one PostgreSQL, a steward beside a sync) would each
resolve against a state the other is changing. Taken first, before the
transaction has locked any row, it is the first lock of every lock chain an
identity writer builds (rows, then the event log's ``EVENT_LOG_LOCK``), so two
writers never wait on each other in a cycle.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, String, insert, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from c360.hub.models.base import Base, utcnow

__all__ = ["IDENTITY_LOCK", "IdentityEpoch", "read_epoch", "advance_epoch", "hold_identity_lock"]

_ROW = 1
IDENTITY_LOCK = 0x0C360E9  # advisory-lock key of the one identity writer (PostgreSQL); next to EVENT_LOG_LOCK's


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
        # an UPDATE's result is a CursorResult (it has a rowcount); Session.execute's stubs say only Result
        swapped = cast(CursorResult[Any], session.execute(update(table).where(table.c.id == _ROW, table.c.token == expected).values(values)))
        if swapped.rowcount:
            return True
    if not cast(CursorResult[Any], session.execute(update(table).where(table.c.id == _ROW).values(values))).rowcount:
        session.execute(insert(table).values(id=_ROW, **values))
    return False


def hold_identity_lock(session: Session) -> None:
    """Make the session's transaction the one writer of identity-relevant state until it commits or rolls back.

    PostgreSQL: ``pg_advisory_xact_lock(IDENTITY_LOCK)``, held by the server until the
    transaction ends (a dead client's lock goes with its connection), shared by every
    process on the database. SQLite: the database's write lock, taken by a write that
    changes nothing; without it the driver would start the transaction only at its
    first write, and what was read before would not be isolated. Both wait for the
    writer holding it (SQLite up to the connection's busy timeout). Taking it again in
    the same transaction is harmless.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IDENTITY_LOCK})
    else:
        session.execute(text("UPDATE identity_epoch SET id = id WHERE 0"))
