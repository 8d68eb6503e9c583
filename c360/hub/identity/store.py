"""Database reads and key writes for identity resolution (no decisions are made here).

Profiles are built from party source records plus their subscriptions'
MSISDN windows; candidates come from the indexed ``identity_key`` rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from c360.hub.db.bulk_writes import insert_many
from c360.hub.db.id_lists import any_of
from c360.hub.ingest.landed import PartyRow
from c360.hub.models import CrossReference, GoldenCustomer, SourceRecord, StewardDecision, Subscription
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize.normal_form import from_normal_form, normal_form
from c360.hub.normalize.profile import Profile, Window, block_keys, build_profile, phone_key

__all__ = [
    "chunked",
    "load_profiles",
    "store_normal_forms",
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
_T = TypeVar("_T")
# Core tables, not ORM entities: the hot reads here return plain rows without the ORM's result machinery
_KEYS, _XREFS, _SUBS, _SOURCE = IdentityKey.__table__, CrossReference.__table__, Subscription.__table__, SourceRecord.__table__
_GOLDENS = GoldenCustomer.__table__


def chunked(items: Iterable[_T], size: int = _SIZE) -> Iterable[list[_T]]:
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


# Looked up by primary key only, kind and deleted checked on the rows: SQLite cannot size the bound id
# list, and offered a condition on ``kind`` it scanned every party through the (kind, updated) index.
_PARTY_ROWS = select(
    _SOURCE.c.id, _SOURCE.c.source, _SOURCE.c.source_key, _SOURCE.c.source_updated_at, _SOURCE.c.raw,
    _SOURCE.c.kind, _SOURCE.c.deleted,
).where(any_of(_SOURCE.c.id))


def party_rows(session: Session, ids: Iterable[int]) -> dict[int, PartyRow]:
    """The live party source rows (id, source, source_key, source_updated_at, raw) among ``ids``."""
    out: dict[int, PartyRow] = {}
    for part in chunked(ids):
        for rid, source, key, updated, raw, kind, deleted in session.execute(_PARTY_ROWS, {"ids": part}):
            if kind == "party" and not deleted:
                out[rid] = PartyRow(rid, source, key, updated, raw)
    return out


_FORMS = select(
    _SOURCE.c.id, _SOURCE.c.source, _SOURCE.c.source_key, _SOURCE.c.normalized, _SOURCE.c.kind, _SOURCE.c.deleted,
).where(any_of(_SOURCE.c.id))  # by primary key only, as ``_PARTY_ROWS``


def load_profiles(
    session: Session,
    ids: Iterable[int],
    rows: dict[int, Any] | None = None,
    counted: dict[tuple[str, str], Counted] | None = None,
    rebuilt: list[int] | None = None,
    landed: Mapping[int, PartyRow] | None = None,
) -> dict[int, Profile]:
    """Profiles of the given live party records (deleted or non-party ids are skipped).

    Built from the normalized form stored when each record landed (``c360.hub.normalize.normal_form``);
    a record without a current form is built from its raw payload. ``rows``: filled with the
    party rows read with their payload (this page's own, and those built from raw), so
    survivorship need not read them again. ``counted``: filled with each party's subscriptions
    whose windows were counted. ``rebuilt``: filled with the records built from their raw payload.
    ``landed``: the page's own party rows, as the ingest wrote them (not read again).
    """
    ids = list(ids)
    landed = {rid: row for rid in ids if (row := (landed or {}).get(rid)) is not None}
    forms: dict[int, tuple[str, str, Any]] = {r.id: (r.source, r.source_key, r.normalized) for r in landed.values()}
    for part in chunked([i for i in ids if i not in landed]):
        for rid, source, key, normalized, kind, deleted in session.execute(_FORMS, {"ids": part}):
            if kind == "party" and not deleted:
                forms[rid] = (source, key, normalized)
    windows = subscription_windows(session, {(source, key) for source, key, _ in forms.values()}, counted)
    profiles: dict[int, Profile] = {}
    for rid, (source, key, normalized) in forms.items():
        profile = from_normal_form(rid, source, key, normalized, windows.get((source, key)))
        if profile is not None:
            profiles[rid] = profile
    stale = [rid for rid in forms if rid not in profiles]
    raw = {rid: landed[rid] for rid in stale if rid in landed}
    raw.update(party_rows(session, [rid for rid in stale if rid not in raw]))
    for r in raw.values():
        profiles[r.id] = build_profile(r.id, r.source, r.source_key, r.raw, windows.get((r.source, r.source_key)))
    if rebuilt is not None:
        rebuilt.extend(raw)
    if rows is not None:
        rows.update(landed)
        rows.update(raw)
    return profiles


_STORE_FORM = update(_SOURCE).where(_SOURCE.c.id == bindparam("b_id")).values(normalized=bindparam("form"))


def store_normal_forms(session: Session, profiles: Iterable[Profile]) -> None:
    """Keep these profiles' normalized forms on their records (for records that landed before forms existed)."""
    params = [{"b_id": p.record_id, "form": normal_form(p)} for p in profiles]
    for start in range(0, len(params), 2000):
        session.execute(_STORE_FORM, params[start : start + 2000])


_DELETE_KEYS = delete(_KEYS).where(any_of(_KEYS.c.source_record_id))  # built once (``c360.hub.db.id_lists``)


def write_keys(session: Session, record_ids: Sequence[int], profiles: dict[int, Profile], keyless: Collection[int] = ()) -> None:
    """Replace the blocking keys of these records (records without a profile lose theirs).

    ``keyless``: records the caller knows hold no stored keys (a first landing): not deleted first.
    """
    for part in chunked([rid for rid in record_ids if rid not in keyless] if keyless else record_ids):
        session.execute(_DELETE_KEYS, {"ids": part})
    rows = [(rid, key) for rid in record_ids if (profile := profiles.get(rid)) is not None for key in block_keys(profile)]
    insert_many(session, _KEYS, rows, ("source_record_id", "key"))


# Built once, each list bound as one parameter (``c360.hub.db.id_lists``): SQLAlchemy's expanding IN
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


_LINKS_OF = select(
    _XREFS.c.source_record_id, _XREFS.c.golden_id, _XREFS.c.method, _XREFS.c.score, _XREFS.c.evidence
).where(any_of(_XREFS.c.source_record_id))
_GOLDEN_KINDS = select(_GOLDENS.c.id, _GOLDENS.c.kind, _GOLDENS.c.resolvable).where(any_of(_GOLDENS.c.id))


def current_links(session: Session, record_ids: Iterable[int]) -> dict[int, tuple[str, str, float | None, Any]]:
    """Each record's stored cross-reference: golden id, method, score, evidence."""
    out: dict[int, tuple[str, str, float | None, Any]] = {}
    for part in chunked(record_ids):
        for rid, gid, method, score, evidence in session.execute(_LINKS_OF, {"ids": part}):
            out[rid] = (gid, method, score, evidence)
    return out


def golden_kinds(session: Session, golden_ids: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Each golden customer's kind and whether it is resolvable."""
    out: dict[str, tuple[str, bool]] = {}
    for part in chunked(sorted(golden_ids)):
        for gid, kind, resolvable in session.execute(_GOLDEN_KINDS, {"ids": part}):
            out[gid] = (kind, bool(resolvable))
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
