"""Database reads and key writes for identity resolution (no decisions are made here).

Profiles are built from party source records plus their subscriptions'
MSISDN windows; candidates come from the indexed ``identity_key`` rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hub.identity.keys_table import IdentityKey
from hub.identity.profile import Profile, Window, block_keys, build_profile, phone_key
from hub.models import CrossReference, SourceRecord, StewardDecision, Subscription

__all__ = [
    "chunked",
    "load_profiles",
    "party_ids",
    "write_keys",
    "holders",
    "key_counts",
    "current_golden",
    "golden_members",
    "steward_rules",
]

_SIZE = 500


def chunked(items: Iterable[int], size: int = _SIZE) -> Iterable[list[int]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def party_ids(session: Session) -> list[int]:
    """Every live party source record."""
    query = select(SourceRecord.id).where(SourceRecord.kind == "party", SourceRecord.deleted.is_(False))
    return sorted(session.execute(query).scalars())


def _subscription_windows(session: Session, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], dict[str, list[Window]]]:
    out: dict[tuple[str, str], dict[str, list[Window]]] = defaultdict(lambda: defaultdict(list))
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, key in refs:
        by_source[source].append(key)
    for source, keys in by_source.items():
        for start in range(0, len(keys), _SIZE):
            rows = session.execute(
                select(Subscription.party_key, Subscription.msisdn, Subscription.activated_at, Subscription.deactivated_at)
                .where(Subscription.party_source == source, Subscription.party_key.in_(keys[start : start + _SIZE]))
                .where(Subscription.deleted.is_(False))
            )
            for party_key, msisdn, activated, deactivated in rows:
                value = phone_key(msisdn or "")
                if value:
                    out[(source, party_key)][value].append((activated, deactivated))
    return out


def load_profiles(session: Session, ids: Iterable[int]) -> dict[int, Profile]:
    """Profiles of the given live party records (deleted or non-party ids are skipped)."""
    rows = []
    for part in chunked(ids):
        rows.extend(
            session.execute(
                select(SourceRecord.id, SourceRecord.source, SourceRecord.source_key, SourceRecord.raw).where(
                    SourceRecord.id.in_(part), SourceRecord.kind == "party", SourceRecord.deleted.is_(False)
                )
            )
        )
    windows = _subscription_windows(session, {(r.source, r.source_key) for r in rows})
    return {
        r.id: build_profile(r.id, r.source, r.source_key, r.raw, windows.get((r.source, r.source_key)))
        for r in rows
    }


def write_keys(session: Session, record_ids: Sequence[int], profiles: dict[int, Profile]) -> None:
    """Replace the blocking keys of these records (records without a profile lose theirs)."""
    for part in chunked(record_ids):
        session.execute(delete(IdentityKey).where(IdentityKey.source_record_id.in_(part)))
    rows = [
        {"source_record_id": rid, "key": key}
        for rid in record_ids
        if rid in profiles
        for key in block_keys(profiles[rid])
    ]
    for start in range(0, len(rows), 2000):
        session.execute(insert(IdentityKey), rows[start : start + 2000])


def holders(session: Session, keys: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        for key, rid in session.execute(
            select(IdentityKey.key, IdentityKey.source_record_id).where(IdentityKey.key.in_(keys[start : start + _SIZE]))
        ):
            out[key].add(rid)
    return out


def key_counts(session: Session, keys: Collection[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), _SIZE):
        query = (
            select(IdentityKey.key, func.count(func.distinct(IdentityKey.source_record_id)))
            .where(IdentityKey.key.in_(keys[start : start + _SIZE]))
            .group_by(IdentityKey.key)
        )
        out.update({key: count for key, count in session.execute(query)})
    return out


def current_golden(session: Session, record_ids: Iterable[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in chunked(record_ids):
        for rid, gid in session.execute(
            select(CrossReference.source_record_id, CrossReference.golden_id).where(CrossReference.source_record_id.in_(part))
        ):
            out[rid] = gid
    return out


def golden_members(session: Session, golden_ids: Collection[str]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    ids = sorted(golden_ids)
    for start in range(0, len(ids), _SIZE):
        for rid, gid in session.execute(
            select(CrossReference.source_record_id, CrossReference.golden_id).where(
                CrossReference.golden_id.in_(ids[start : start + _SIZE])
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
