"""The review queue: candidate pairs whose score falls in the grey band, for a steward to decide.

Candidates are found as the resolver finds them: two party records sharing a
blocking key (``identity_key``), skipping event-time keys, generic values
(an ``id:`` key held by ``config.generic_limit(key)`` records or more) and name
blocks larger than ``name_block_cap``. Each pair is scored by the same pure
matcher, with the data's generic values and the active stored weights
(``weights_store``); pairs with ``MatchConfig.review <= score < MatchConfig.match``
are listed, strongest first, with both record ids, their golden ids and the
top reasons (field, outcome, weight — never a value). Pairs a steward already
ruled on (an active merge or never-merge) are left out, and so, unless asked
for, are pairs that already sit in one customer.

Scoring every candidate pair on each call costs as much as a full resolution,
so the scored grey pairs are kept (``review_pair``, see ``refresh``) and only
the pairs of records that changed since are scored again. Golden ids and
steward decisions are read on every call, so merges, splits and rulings show
at once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, text
from sqlalchemy.orm import Session

from c360.hub.db.id_lists import plan_lists_as_bound
from c360.hub.identity.matcher import MatchConfig, compare
from c360.hub.identity.store import chunked, current_golden, holders, key_counts, load_profiles
from c360.hub.identity.weights_store import ActiveWeights, fingerprint
from c360.hub.models import (
    ReviewCandidate,
    ReviewSeen,
    ReviewState,
    SourceRecord,
    SourceRecordVersion,
    StewardDecision,
)
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize.profile import Profile, phone_key

__all__ = ["ReviewPair", "Reason", "review_pairs", "refresh", "forget"]

REVIEW_LOCK = 0x0C360E8  # advisory-lock key: one refresh of the cached pairs at a time (PostgreSQL)
_CHUNK = 500  # records scored per batch of profile loads


@dataclass(frozen=True)
class Reason:
    field: str
    outcome: str
    weight: float


@dataclass(frozen=True)
class ReviewPair:
    left_record_id: int
    right_record_id: int
    left_golden_id: str | None
    right_golden_id: str | None
    score: float
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "left_record_id": self.left_record_id,
            "right_record_id": self.right_record_id,
            "left_golden_id": self.left_golden_id,
            "right_golden_id": self.right_golden_id,
            "score": round(self.score, 2),
            "reasons": [{"field": r.field, "outcome": r.outcome, "weight": r.weight} for r in self.reasons],
        }


def _decided(session: Session) -> set[tuple[int, int]]:
    rows = session.execute(
        select(StewardDecision.left_record_id, StewardDecision.right_record_id).where(
            StewardDecision.active.is_(True), StewardDecision.decision.in_(("merge", "never_merge"))
        )
    )
    return {(min(a, b), max(a, b)) for a, b in rows}


def review_pairs(
    session: Session,
    config: MatchConfig | None = None,
    *,
    include_same_customer: bool = False,
    limit: int | None = None,
    top_reasons: int = 3,
) -> list[ReviewPair]:
    """Uncertain pairs (score in the review band), strongest first.

    Brings the kept pairs up to date first (``refresh``); commit the session to keep that work.
    """
    refresh(session, ActiveWeights(config or MatchConfig()).config(session))
    decided = _decided(session)
    rows = [
        row for row in session.execute(
            select(ReviewCandidate.left_record_id, ReviewCandidate.right_record_id, ReviewCandidate.score, ReviewCandidate.reasons)
            .order_by(ReviewCandidate.score.desc(), ReviewCandidate.left_record_id, ReviewCandidate.right_record_id)
        )
        if (row.left_record_id, row.right_record_id) not in decided
    ]
    goldens = current_golden(session, {rid for row in rows for rid in (row.left_record_id, row.right_record_id)})
    found: list[ReviewPair] = []
    for left, right, score, reasons in rows:
        together = goldens.get(left) is not None and goldens.get(left) == goldens.get(right)
        if together and not include_same_customer:
            continue
        found.append(ReviewPair(left, right, goldens.get(left), goldens.get(right), score,
                                tuple(Reason(f, o, w) for f, o, w in reasons[:top_reasons])))
        if limit is not None and len(found) >= limit:
            break
    return found


def forget(session: Session, record_ids: Collection[int]) -> None:
    """Drop what is kept about these records (their content changed outside ingest, e.g. erased): scored again next time."""
    for part in chunked(record_ids):
        session.execute(delete(ReviewCandidate).where(
            or_(ReviewCandidate.left_record_id.in_(part), ReviewCandidate.right_record_id.in_(part))))
        session.execute(delete(ReviewSeen).where(ReviewSeen.source_record_id.in_(part)))


# --- keeping the scored pairs up to date -------------------------------------------------------------------------


def _too_common(key: str, count: int, config: MatchConfig) -> bool:
    """A key not to look candidates up by: a generic value, or a name block over the cap."""
    return count >= config.generic_limit(key) if key.startswith("id:") else count > config.name_block_cap


def _changed(session: Session) -> tuple[list[tuple[int, str, int, bool]], int]:
    """Party and subscription records whose version or deleted flag differs from the kept one; the newest key row id."""
    sr, seen = SourceRecord.__table__, ReviewSeen.__table__
    query = (
        select(sr.c.id, sr.c.kind, sr.c.version, sr.c.deleted)
        .select_from(sr.outerjoin(seen, seen.c.source_record_id == sr.c.id))
        .where(sr.c.kind.in_(("party", "subscription")))
        .where(or_(seen.c.source_record_id.is_(None), seen.c.version != sr.c.version, seen.c.deleted != sr.c.deleted))
    )
    newest = session.execute(select(func.max(IdentityKey.id))).scalar() or 0
    return [tuple(row) for row in session.execute(query)], newest


def _subscription_phones(session: Session, ids: Collection[int]) -> set[str]:
    """Phone keys changed subscriptions bear on, now and in earlier versions: their holders' windows changed."""
    raws: list[dict[str, Any]] = []
    for part in chunked(ids):
        raws.extend(session.execute(select(SourceRecord.raw).where(SourceRecord.id.in_(part))).scalars())
        raws.extend(session.execute(select(SourceRecordVersion.raw).where(SourceRecordVersion.source_record_id.in_(part))).scalars())
    values = {phone_key(str((raw or {}).get("msisdn") or "")) for raw in raws}
    return {f"id:phone:{v}" for v in values if v}


def _keys_of(session: Session, ids: Collection[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for part in chunked(sorted(ids)):
        for rid, key in session.execute(select(IdentityKey.source_record_id, IdentityKey.key).where(IdentityKey.source_record_id.in_(part))):
            if not key.startswith("ev:"):
                out.setdefault(rid, []).append(key)
    return out


def _all_keys(session: Session) -> tuple[dict[int, list[str]], dict[str, set[int]]]:
    """Every record's keys and every key's holders, in one streamed read (scoring everything)."""
    keys_of: dict[int, list[str]] = {}
    found: dict[str, set[int]] = {}
    query = select(IdentityKey.source_record_id, IdentityKey.key).execution_options(yield_per=5000)
    for rid, key in session.execute(query):
        if not key.startswith("ev:"):
            keys_of.setdefault(rid, []).append(key)
            found.setdefault(key, set()).add(rid)
    return keys_of, found


def refresh(session: Session, config: MatchConfig) -> int:
    """Score again the pairs of every party record that changed since the last call; returns how many records.

    A record changed when its version or deleted flag differs from the one kept
    (``review_record``), a subscription of its phone changed, its blocking keys
    were rewritten (a full resolution), or a key it shares became generic or
    stopped being so. Other settings (thresholds, weights) start over.
    """
    plan_lists_as_bound(session)  # many id lists in one transaction (``c360.hub.db.id_lists``)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REVIEW_LOCK})
    state = session.get(ReviewState, 1)
    wanted = fingerprint(config)
    fresh = state is None or state.fingerprint != wanted
    if fresh:
        session.execute(delete(ReviewCandidate))
        session.execute(delete(ReviewSeen))
        if state is None:
            state = ReviewState(id=1, fingerprint=wanted, common_keys=[], key_watermark=0)
            session.add(state)
        state.fingerprint, state.common_keys, state.key_watermark = wanted, [], 0
    assert state is not None  # fresh whenever there was none
    changed, newest = _changed(session)
    rekeyed = set(session.execute(select(IdentityKey.source_record_id).where(IdentityKey.id > state.key_watermark).distinct()).scalars())
    if not changed and not rekeyed:
        return 0
    touched = {rid for rid, kind, _, _ in changed if kind == "party"} | rekeyed
    subscriptions = [rid for rid, kind, _, _ in changed if kind == "subscription"]
    if fresh:
        keys_of, found = _all_keys(session)
    else:
        keys_of = _keys_of(session, touched)
        found = holders(session, {k for keys in keys_of.values() for k in keys})
    if subscriptions and not fresh:
        for ids in holders(session, _subscription_phones(session, subscriptions)).values():
            touched |= ids
    # keys whose "too common" standing flipped: every pair among their holders is scored again
    common = set(state.common_keys)
    counts = {k: len(v) for k, v in found.items()} | {k: 0 for k in common - set(found)}
    counts.update(key_counts(session, common - set(found)))
    now_common = {k for k, n in counts.items() if _too_common(k, n, config)}
    flipped = (now_common - common) | (common - now_common)
    for ids in holders(session, flipped).values():
        touched |= ids
    extra = touched - set(keys_of)
    if extra:
        keys_of |= _keys_of(session, extra)
        found |= holders(session, {k for keys in keys_of.values() for k in keys} - set(found))
    forget_pairs = sorted(touched)
    for part in chunked(forget_pairs):
        session.execute(delete(ReviewCandidate).where(
            or_(ReviewCandidate.left_record_id.in_(part), ReviewCandidate.right_record_id.in_(part))))
    _score(session, sorted(touched), keys_of, found, now_common, config)
    _remember(session, changed, fresh)
    state.common_keys, state.key_watermark = sorted(now_common), newest
    session.flush()
    return len(touched)


def _score(
    session: Session, ids: list[int], keys_of: dict[int, list[str]], found: dict[str, set[int]], common: set[str], config: MatchConfig,
) -> None:
    """Score each record against its candidates (a pair of two scored records once) and keep the grey ones."""
    generic = {k for k in common if k.startswith("id:")}
    scored = set(ids)
    profiles: dict[int, Profile] = {}
    for part in chunked(ids, _CHUNK):
        pairs: set[tuple[int, int]] = set()
        for rid in part:
            for key in keys_of.get(rid, ()):
                if key in common:
                    continue
                for other in found.get(key, ()):
                    if other != rid and (other not in scored or other > rid):
                        pairs.add((min(rid, other), max(rid, other)))
        profiles.update(load_profiles(session, {r for pair in pairs for r in pair} - set(profiles)))
        rows = []
        for left, right in sorted(pairs):
            a, b = profiles.get(left), profiles.get(right)
            if a is None or b is None or a.event_time or b.event_time:
                continue
            result = compare(a, b, generic, config)
            if result.decision != "review":
                continue
            reasons = sorted(result.verdicts, key=lambda v: (-abs(v.weight), v.field))
            rows.append({"left_record_id": left, "right_record_id": right, "score": result.score,
                         "reasons": [[v.field, v.outcome, v.weight] for v in reasons]})
        if rows:
            session.execute(insert(ReviewCandidate.__table__), rows)


def _remember(session: Session, changed: Iterable[tuple[int, str, int, bool]], fresh: bool) -> None:
    rows = [{"source_record_id": rid, "version": version, "deleted": bool(deleted)} for rid, _, version, deleted in changed]
    for part in ([] if fresh else chunked([r["source_record_id"] for r in rows])):
        session.execute(delete(ReviewSeen).where(ReviewSeen.source_record_id.in_(part)))
    for start in range(0, len(rows), 1000):
        session.execute(insert(ReviewSeen.__table__), rows[start : start + 1000])
