"""Database reads and key writes for identity resolution (no decisions are made here).

Profiles are built from party source records plus their subscriptions'
MSISDN windows; candidates come from the indexed ``identity_key`` rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from hub.db.bulk_writes import insert_many
from hub.db.id_lists import any_of
from hub.identity.keys_table import IdentityKey
from hub.identity.profile import Profile, Window, block_keys, build_profile, phone_key
from hub.ingest.landed import PartyRow, take_landed
from hub.models import CrossReference, SourceRecord, StewardDecision, Subscription

__all__ = [
    "chunked",
    "load_profiles",
    "subscription_windows",
    "counted_windows",
    "Counted",
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


CountedSub = tuple[int, str | None, dt.datetime | None, dt.datetime | None]  # record id, E.164 (or None), its window
Counted = tuple[CountedSub, ...]  # a party's live subscriptions, in record id order
_SUBS_OF_PARTIES = select(
    _SUBS.c.source_record_id, _SUBS.c.party_key, _SUBS.c.msisdn, _SUBS.c.activated_at, _SUBS.c.deactivated_at
).where(_SUBS.c.party_source == bindparam("source"), any_of(_SUBS.c.party_key, "keys"), _SUBS.c.deleted.is_(False))


def subscription_windows(
    session: Session, refs: Collection[tuple[str, str]], counted: dict[tuple[str, str], Counted] | None = None,
) -> dict[tuple[str, str], dict[str, list[Window]]]:
    """Each party's phone windows from its live subscriptions (``counted``: filled with each party's subscriptions)."""
    found: dict[tuple[str, str], list[CountedSub]] = defaultdict(list)
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, key in refs:
        by_source[source].append(key)
    for source, keys in by_source.items():
        for start in range(0, len(keys), _SIZE):
            rows = session.execute(_SUBS_OF_PARTIES, {"source": source, "keys": keys[start : start + _SIZE]})
            for sub_id, party_key, msisdn, activated, deactivated in rows:
                found[(source, party_key)].append((sub_id, phone_key(msisdn or ""), activated, deactivated))
    out: dict[tuple[str, str], dict[str, list[Window]]] = {}
    for ref, subs in found.items():
        subs.sort()  # record id order: the same whichever order the database returned them in
        out[ref] = counted_windows(subs)
    if counted is not None:
        for ref in refs:
            counted[ref] = tuple(found.get(ref, ()))
    return out


def counted_windows(subs: Iterable[CountedSub]) -> dict[str, list[Window]]:
    """Phone windows by E.164 from a party's subscriptions (in record id order)."""
    out: dict[str, list[Window]] = {}
    for _, value, activated, deactivated in subs:
        if value:
            windows = out.get(value)
            if windows is None:
                out[value] = [(activated, deactivated)]
            else:
                windows.append((activated, deactivated))
    return out


def party_rows(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    """The live party source rows (id, source, source_key, source_updated_at, raw) among ``ids``."""
    if session.get_bind().dialect.name == "sqlite":
        return _party_rows_sqlite(session, ids)
    return _party_rows_core(session, ids)


_PARTY_ROWS = select(_SOURCE.c.id, _SOURCE.c.source, _SOURCE.c.source_key, _SOURCE.c.source_updated_at, _SOURCE.c.raw).where(
    any_of(_SOURCE.c.id), _SOURCE.c.kind == "party", _SOURCE.c.deleted.is_(False)
)


def _party_rows_core(session: Session, ids: Iterable[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for part in chunked(ids):
        for row in session.execute(_PARTY_ROWS, {"ids": part}):
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
        for rid, source, key, updated, raw in connection.exec_driver_sql(_PARTY_ROWS_SQL, (json.dumps(part),)):
            when = dt.datetime.fromisoformat(updated).replace(tzinfo=dt.UTC) if updated else None
            out[rid] = PartyRow(rid, source, key, when, json.loads(raw) if raw is not None else None)
    return out


# One SQL for any number of ids (as ``hub.db.id_lists``): no statement per list length. The unary ``+``
# keeps SQLite's planner off the (kind, source_updated_at) index: it cannot size a json_each list, and
# without statistics it scanned every party through that index instead of looking the ids up.
_PARTY_ROWS_SQL = (
    "SELECT id, source, source_key, source_updated_at, raw FROM source_record "
    "WHERE id IN (SELECT value FROM json_each(?)) AND +kind = 'party' AND +deleted = 0"
)


def load_profiles(
    session: Session,
    ids: Iterable[int],
    rows: dict[int, Any] | None = None,
    counted: dict[tuple[str, str], Counted] | None = None,
) -> dict[int, Profile]:
    """Profiles of the given live party records (deleted or non-party ids are skipped).

    ``rows``: when given, filled with the party rows read with their payload (so survivorship need
    not read them again). ``counted``: filled with each party's subscriptions whose windows were counted.
    """
    ids = list(ids)
    found: dict[int, Any] = take_landed(session, ids)  # this page's own parties, as the ingest wrote them
    if len(found) < len(ids):
        found.update(party_rows(session, [i for i in ids if i not in found]))
    if rows is not None:
        rows.update(found)
    windows = subscription_windows(session, {(r.source, r.source_key) for r in found.values()}, counted)
    return {
        r.id: build_profile(r.id, r.source, r.source_key, r.raw, windows.get((r.source, r.source_key)))
        for r in found.values()
    }


_DELETE_KEYS = delete(_KEYS).where(any_of(_KEYS.c.source_record_id))  # built once (``hub.db.id_lists``)


def write_keys(session: Session, record_ids: Sequence[int], profiles: dict[int, Profile], keyless: Collection[int] = ()) -> None:
    """Replace the blocking keys of these records (records without a profile lose theirs).

    ``keyless``: records the caller knows hold no stored keys (a first landing): not deleted first.
    """
    for part in chunked([rid for rid in record_ids if rid not in keyless] if keyless else record_ids):
        session.execute(_DELETE_KEYS, {"ids": part})
    rows = [(rid, key) for rid in record_ids if (profile := profiles.get(rid)) is not None for key in block_keys(profile)]
    insert_many(session, _KEYS, rows, ("source_record_id", "key"))


# Built once, each list bound as one parameter (``hub.db.id_lists``): SQLAlchemy's expanding IN
# cost more CPU per value than the database's lookup of it.
_HOLDERS = select(_KEYS.c.key, _KEYS.c.source_record_id).where(any_of(_KEYS.c.key, "keys"))
_KEY_COUNTS = (
    select(_KEYS.c.key, func.count(func.distinct(_KEYS.c.source_record_id)))
    .where(any_of(_KEYS.c.key, "keys"))
    .group_by(_KEYS.c.key)
)
_GOLDEN_OF = select(_XREFS.c.source_record_id, _XREFS.c.golden_id).where(any_of(_XREFS.c.source_record_id))
_MEMBERS_OF = select(_XREFS.c.source_record_id, _XREFS.c.golden_id).where(any_of(_XREFS.c.golden_id))


def holders(session: Session, keys: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        for key, rid in session.execute(_HOLDERS, {"keys": keys[start : start + _SIZE]}):
            out[key].add(rid)
    return out


def key_counts(session: Session, keys: Collection[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        out.update({key: count for key, count in session.execute(_KEY_COUNTS, {"keys": keys[start : start + _SIZE]})})
    return out


def current_golden(session: Session, record_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunked(record_ids):
        for rid, gid in session.execute(_GOLDEN_OF, {"ids": part}):
            out[rid] = gid
    return out


def golden_members(session: Session, golden_ids: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    ids = sorted(golden_ids)
    for start in range(0, len(ids), _SIZE):
        for rid, gid in session.execute(_MEMBERS_OF, {"ids": ids[start : start + _SIZE]}):
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
