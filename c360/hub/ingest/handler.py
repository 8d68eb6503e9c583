"""The seam where identity resolution plugs in: told which source records changed, in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from c360.hub.ingest.landed import PartyRow
from c360.hub.models.epoch import advance_epoch, hold_identity_lock

__all__ = ["LandedRecordsHandler", "NoResolution"]


@runtime_checkable
class LandedRecordsHandler(Protocol):
    """Called after each ingested page, inside the page's transaction.

    Raising aborts the page (records, cursor and all), so a resolver that
    fails never leaves records landed but unresolved behind a moved cursor.
    ``parties``: the live party rows among them as the page wrote them (``IngestResult.parties``);
    any other changed record is read from the database.
    """

    def records_landed(
        self, session: Session, source_record_ids: Sequence[int], parties: Mapping[int, PartyRow] | None = None
    ) -> None: ...


class NoResolution:
    """Records land unresolved (a bulk load resolved later with ``resolve --full``, or a test of landing alone).

    Resolvers elsewhere may hold these records in memory: the identity epoch moves so they read them afresh.
    """

    def records_landed(
        self, session: Session, source_record_ids: Sequence[int], parties: Mapping[int, PartyRow] | None = None
    ) -> None:
        if source_record_ids:
            hold_identity_lock(session)  # the callers in this project took it first; others get it here
            advance_epoch(session)
