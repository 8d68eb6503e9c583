"""Disappearance on a full read: records a complete snapshot no longer has were deleted in the silo."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hub.ingest.facts import FACT_TABLES, chunks, mark_facts_deleted
from hub.models import SourceRecord

__all__ = ["mark_unseen_deleted"]

_SR = SourceRecord.__table__


def mark_unseen_deleted(
    session: Session,
    source_kinds: Iterable[tuple[str, str]],
    *,
    seen_since: datetime,
    now: datetime,
    spare_keys: Collection[str] = (),
) -> list[int]:
    """Flag (never remove) live records of these (source, kind) pairs not seen since ``seen_since``.

    ``spare_keys`` are records the run did read but had to quarantine: still
    in the silo, so not deleted. Returns the ids flagged, for identity resolution.
    """
    flagged: list[int] = []
    for source, kind in sorted(set(source_kinds)):
        ids = [
            id_
            for id_, key in session.execute(
                select(_SR.c.id, _SR.c.source_key).where(
                    _SR.c.source == source, _SR.c.kind == kind, _SR.c.deleted.is_(False), _SR.c.last_seen < seen_since
                )
            )
            if key not in spare_keys
        ]
        for part in chunks(ids):
            session.execute(update(_SR).where(_SR.c.id.in_(part)).values(deleted=True, deleted_at=now))
        if kind in FACT_TABLES:
            mark_facts_deleted(session, kind, ids)
        flagged.extend(ids)
    return flagged
