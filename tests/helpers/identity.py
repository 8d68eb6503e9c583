"""Landing canonical records through the real ingest path and identity resolution, and reading the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import ingest_page
from c360.hub.models import CrossReference, SourceRecord
from c360.records import CanonicalRecord, PartyRecord, SubscriptionRecord

__all__ = ["T0", "land", "golden_of", "party", "partition", "record_id", "ric", "subscription"]

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def land(engine: Engine, records: Sequence[CanonicalRecord], resolver: IdentityResolver | None = None) -> None:
    """One page through ``ingest_page`` and the resolver's hook, committed, as a sync lands it."""
    resolver = resolver or IdentityResolver()
    with Session(engine) as session, session.begin():
        result = ingest_page(session, list(records), seen_at=T0)
        resolver.records_landed(session, result.changed_ids, result.parties)


def golden_of(engine: Engine, source: str, key: str) -> str | None:
    with Session(engine) as session:
        return session.execute(
            select(CrossReference.golden_id).join(SourceRecord, SourceRecord.id == CrossReference.source_record_id)
            .where(SourceRecord.source == source, SourceRecord.source_key == key, SourceRecord.kind == "party")
        ).scalar_one_or_none()


def record_id(engine: Engine, source: str, key: str) -> int:
    """The id of a party's source record."""
    with Session(engine) as session:
        return session.execute(select(SourceRecord.id).where(SourceRecord.source == source, SourceRecord.source_key == key,
                                                             SourceRecord.kind == "party")).scalar_one()


def partition(engine: Engine) -> set[frozenset[str]]:
    """Party records grouped by golden customer, as ``source:key`` strings."""
    with Session(engine) as session:
        rows = session.execute(select(SourceRecord.source, SourceRecord.source_key, CrossReference.golden_id)
                               .join(CrossReference, CrossReference.source_record_id == SourceRecord.id)).all()
    groups: dict[str, set[str]] = {}
    for source, key, gid in rows:
        groups.setdefault(gid, set()).add(f"{source}:{key}")
    return {frozenset(g) for g in groups.values()}


def party(source: str, key: str, **fields: object) -> PartyRecord:
    fields.setdefault("party_type", "person")
    fields.setdefault("updated_at", T0)
    return PartyRecord(source=source, source_key=key, **fields)  # type: ignore[arg-type]


def ric(body: str) -> str:
    """A valid 18-character resident ID for a 17-digit body (GB 11643 check digit)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def subscription(key: str, party_key: str, msisdn: str, start: dt.datetime, end: dt.datetime | None = None) -> SubscriptionRecord:
    """A BOSS subscription of ``party_key`` to ``msisdn`` from ``start`` (to ``end``)."""
    return SubscriptionRecord(source="boss", source_key=key, party_source="boss", party_key=party_key, msisdn=msisdn,
                              activated_at=start, deactivated_at=end)
