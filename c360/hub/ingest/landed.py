"""Party rows a page has just written, handed to the ingest hook in the same session.

Identity resolution builds a profile from every party that lands, and reading
those rows back (and decoding their JSON payload) was a large share of its
cost. ``ingest_page`` already holds each row's values, so it leaves them in
the session's ``info`` under ``LANDED_PARTIES``; ``take_landed`` hands them
over once, and the hook reads from the database only what is not there.

Only rows written in the current transaction are left there, with the very
payload that was stored, so what is taken is what a read would return. A row
that became a tombstone in the same session is dropped from the map.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

__all__ = ["LANDED_PARTIES", "PartyRow", "remember_landed", "forget_landed", "take_landed"]

LANDED_PARTIES = "c360.landed_parties"


class PartyRow(NamedTuple):
    """A live party source record as identity resolution reads it."""

    id: int
    source: str
    source_key: str
    source_updated_at: dt.datetime | None
    raw: Any
    normalized: Any = None  # the stored normalized form (``c360.hub.normalize.normal_form``), when read or written with it


def remember_landed(session: Session, rows: Iterable[PartyRow]) -> None:
    """These party rows were just written in ``session``'s transaction, live, with these values."""
    held: dict[int, PartyRow] = session.info.setdefault(LANDED_PARTIES, {})
    for row in rows:
        held[row.id] = row


def forget_landed(session: Session, ids: Iterable[int]) -> None:
    """These records were deleted (or their rows changed otherwise): a read must see the database."""
    held: dict[int, PartyRow] | None = session.info.get(LANDED_PARTIES)
    if held:
        for rid in ids:
            held.pop(rid, None)


def take_landed(session: Session, ids: Iterable[int]) -> dict[int, PartyRow]:
    """The held rows among ``ids``, removed from the session (each is handed over once)."""
    held: dict[int, PartyRow] | None = session.info.get(LANDED_PARTIES)
    if not held:
        return {}
    return {rid: row for rid in ids if (row := held.pop(rid, None)) is not None}
