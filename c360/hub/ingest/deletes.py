"""Disappearance on a full read: records a stream's complete snapshot no longer has were deleted in the silo.

Only the stream's own records are judged. Several streams of one silo can
write the same (source, kind) — key-account enterprises and contacts both
land parties and party relations — and a record one stream did not read says
nothing about a record another stream delivers. Each record carries the
streams that deliver it (``source_record.streams``, kept by ``ingest_page``):
a full read of stream S that did not see a record S delivered takes S off
its streams, and flags it deleted only when no other stream is left on it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from c360.hub.ingest.facts import FACT_TABLES, chunks, mark_facts_deleted
from c360.hub.models import SourceRecord

__all__ = ["mark_unseen_deleted"]

_SR = SourceRecord.__table__


def mark_unseen_deleted(
    session: Session,
    source_kinds: Iterable[tuple[str, str]],
    *,
    stream: str,
    seen_since: datetime,
    now: datetime,
    spare_keys: Collection[str] = (),
) -> list[int]:
    """Flag (never remove) live records of these (source, kind) pairs that ``stream`` alone delivered
    and did not deliver since ``seen_since``.

    A record other streams deliver too only leaves ``stream``'s set: the last
    stream to stop delivering it flags it. ``spare_keys`` are records the run
    did read but had to quarantine: still in the silo, so not deleted.
    Returns the ids flagged, for identity resolution.
    """
    flagged: list[int] = []
    for source, kind in sorted(set(source_kinds)):
        ids: list[int] = []
        left: list[dict[str, object]] = []
        rows = session.execute(
            select(_SR.c.id, _SR.c.source_key, _SR.c.streams).where(
                _SR.c.source == source, _SR.c.kind == kind, _SR.c.deleted.is_(False), _SR.c.last_seen < seen_since
            )
        )
        for id_, key, streams in rows:
            if stream not in (streams or ()) or key in spare_keys:
                continue
            others = [name for name in streams if name != stream]
            if others:
                left.append({"b_id": id_, "v_streams": others})
            else:
                ids.append(id_)
        if left:
            session.execute(
                update(_SR).where(_SR.c.id == bindparam("b_id")).values(
                    streams=bindparam("v_streams", type_=_SR.c.streams.type)
                ),
                left,
            )
        for part in chunks(ids):
            session.execute(update(_SR).where(_SR.c.id.in_(part)).values(deleted=True, deleted_at=now))
        if kind in FACT_TABLES:
            mark_facts_deleted(session, kind, ids)
        flagged.extend(ids)
    return flagged
