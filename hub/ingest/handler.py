"""The seam where identity resolution plugs in: told which source records changed, in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

__all__ = ["LandedRecordsHandler", "NoResolution"]


@runtime_checkable
class LandedRecordsHandler(Protocol):
    """Called after each ingested page, inside the page's transaction.

    Raising aborts the page (records, cursor and all), so a resolver that
    fails never leaves records landed but unresolved behind a moved cursor.
    """

    def records_landed(self, session: Session, source_record_ids: Sequence[int]) -> None: ...


class NoResolution:
    """The default until identity resolution exists: records land, nothing else happens."""

    def records_landed(self, session: Session, source_record_ids: Sequence[int]) -> None:
        return None
