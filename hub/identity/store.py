"""Database reads and key writes for identity resolution (no decisions are made here).

Profiles are built from party source records plus their subscriptions'
MSISDN windows; candidates come from the indexed ``identity_key`` rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hub.db.bulk_writes import insert_many
from hub.identity.keys_table import IdentityKey
from hub.identity.profile import Profile, Window, block_keys, build_profile, phone_key
from hub.models import CrossReference, SourceRecord, StewardDecision, Subscription

__all__ = [
    "chunked",
    "load_profiles",
    "subscription_windows",
    "party_rows",
    "party_ids",
    "write_keys",
    "holders",
    "key_counts",
    "current_golden",
    "golden_members",
    "steward_rules",
]

_SIZE = 500
# Core tables, not ORM entities: the hot reads here return plain rows without the ORM's result machinery
_KEYS, _XREFS, _SUBS, _SOURCE = IdentityKey.__table__, CrossReference.__table__, Subscription.__table__, SourceRecord.__table__


def chunked(items: Iterable[int], size: int = _SIZE) -> Iterable[list[int]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def party_ids(session: Session) -> list[int]:
    """Every live party source record."""
    query = select(_SOURCE.c.id).where(_SOURCE.c.kind == "party", _SOURCE.c.deleted.is_(False))
    return sorted(session.execute(query).scalars())


def subscription_windows(
    session: Session, refs: Collection[tuple[str, str]], owners: dict[int, tuple[str, str]] | None = None,
) -> dict[tuple[str, str], dict[str, list[Window]]]:
    """Each party's phone windows from its live subscriptions (``owners``: filled with subscription record → party)."""
    out: dict[tuple[str, str], dict[str, list[Window]]] = defaultdict(lambda: defaultdict(list))
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, key in refs:
        by_source[source].append(key)
    for source, keys in by_source.items():
        for start in range(0, len(keys), _SIZE):
            rows = session.execute(
                select(_SUBS.c.source_record_id, _SUBS.c.party_key, _SUBS.c.msisdn, _SUBS.c.activated_at, _SUBS.c.deactivated_at)
                .where(_SUBS.c.party_source == source, _SUBS.c.party_key.in_(keys[start : start + _SIZE]))
                .where(_SUBS.c.deleted.is_(False))
            )
            for sub_id, party_key, msisdn, activated, deactivated in rows:
                if owners is not None:
                    owners[sub_id] = (source, party_key)
                value = phone_key(msisdn or "")
                if value:
                    out[(source, party_key)][value].append((activated, deactivated))
    return out


class PartyRow(NamedTuple):
    id: int
    source: str
    source_key: str
    source_updated_at: dt.datetime | None
    raw: Any


def party_rows(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    """The live party source rows (id, source, source_key, source_updated_at, raw) among ``ids``."""
    if session.get_bind().dialect.name == "sqlite":
        return _party_rows_sqlite(session, ids)
    return _party_rows_core(session, ids)


def _party_rows_core(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    table = SourceRecord.__table__
    out: dict[int, Any] = {}
    for part in chunked(ids):
        for row in session.execute(
            select(table.c.id, table.c.source, table.c.source_key, table.c.source_updated_at, table.c.raw).where(
                table.c.id.in_(part), table.c.kind == "party", table.c.deleted.is_(False)
            )
        ):
            out[row.id] = row
    return out


def _party_rows_sqlite(session: Session, ids: Iterable[int]) -> dict[int, PartyRow]:
    """``party_rows`` on the SQLite driver: every landed party and candidate is read here, and
    SQLAlchemy's per-row result processing cost more than SQLite's own work. The payload is
    decoded and the timestamp read back as the column types do (JSON text; naive UTC text).
    """
    connection = session.connection()
    out: dict[int, PartyRow] = {}
    for part in chunked(ids):
        sql = _PARTY_ROWS_SQL.format(marks=",".join("?" * len(part)))
        for rid, source, key, updated, raw in connection.exec_driver_sql(sql, tuple(part)):
            when = dt.datetime.fromisoformat(updated).replace(tzinfo=dt.UTC) if updated else None
            out[rid] = PartyRow(rid, source, key, when, json.loads(raw) if raw is not None else None)
    return out


_PARTY_ROWS_SQL = (
    "SELECT id, source, source_key, source_updated_at, raw FROM source_record "
    "WHERE id IN ({marks}) AND kind = 'party' AND deleted = 0"
)


def load_profiles(
    session: Session, ids: Iterable[int], rows: dict[int, Any] | None = None, owners: dict[int, tuple[str, str]] | None = None,
) -> dict[int, Profile]:
    """Profiles of the given live party records (deleted or non-party ids are skipped).

    ``rows``: when given, filled with the party rows read with their payload (so survivorship need
    not read them again). ``owners``: filled with the subscriptions whose windows were counted, by party.
    """
    found = party_rows(session, ids)
    if rows is not None:
        rows.update(found)
    windows = subscription_windows(session, {(r.source, r.source_key) for r in found.values()}, owners)
    return {
        r.id: build_profile(r.id, r.source, r.source_key, r.raw, windows.get((r.source, r.source_key)))
        for r in found.values()
    }


def write_keys(session: Session, record_ids: Sequence[int], profiles: dict[int, Profile]) -> None:
    """Replace the blocking keys of these records (records without a profile lose theirs)."""
    for part in chunked(record_ids):
        session.execute(delete(IdentityKey).where(IdentityKey.source_record_id.in_(part)))
    rows = [{"source_record_id": rid, "key": key} for rid in record_ids if rid in profiles for key in block_keys(profiles[rid])]
    insert_many(session, _KEYS, rows)


def holders(session: Session, keys: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        for key, rid in session.execute(
            select(_KEYS.c.key, _KEYS.c.source_record_id).where(_KEYS.c.key.in_(keys[start : start + _SIZE]))
        ):
            out[key].add(rid)
    return out


def key_counts(session: Session, keys: Collection[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        query = (
            select(_KEYS.c.key, func.count(func.distinct(_KEYS.c.source_record_id)))
            .where(_KEYS.c.key.in_(keys[start : start + _SIZE]))
            .group_by(_KEYS.c.key)
        )
        out.update({key: count for key, count in session.execute(query)})
    return out


def current_golden(session: Session, record_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunked(record_ids):
        for rid, gid in session.execute(
            select(_XREFS.c.source_record_id, _XREFS.c.golden_id).where(_XREFS.c.source_record_id.in_(part))
        ):
            out[rid] = gid
    return out


def golden_members(session: Session, golden_ids: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    ids = sorted(golden_ids)
    for start in range(0, len(ids), _SIZE):
        for rid, gid in session.execute(
            select(_XREFS.c.source_record_id, _XREFS.c.golden_id).where(
                _XREFS.c.golden_id.in_(ids[start : start + _SIZE])
            )
        ):
            out[gid].add(rid)
    return out


def steward_rules(session: Session) -> tuple[list[tuple[int, int]], list[tuple[int, int]], set[int]]:
    """Active steward decisions: merges (in decision order), never-merge pairs, isolated (unmerged) records."""
    merges: list[tuple[int, int]] = []
    never: list[tuple[int, int]] = []
    isolated: set[int] = set()
    query = select(StewardDecision).where(StewardDecision.active.is_(True)).order_by(StewardDecision.id)
    for decision in session.execute(query).scalars():
        pair = (decision.left_record_id, decision.right_record_id)
        if decision.decision == "merge":
            merges.append(pair)
        elif decision.decision == "never_merge":
            never.append(pair)
        elif decision.decision == "unmerge":
            isolated.add(decision.left_record_id)
    return merges, never, isolated
