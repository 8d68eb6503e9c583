"""The review queue: candidate pairs whose score falls in the grey band, for a steward to decide.

Candidates are found as the resolver finds them: two party records sharing a
blocking key (``identity_key``), skipping event-time keys, generic values
(an ``id:`` key held by ``config.generic_limit(key)`` records or more) and name
blocks larger than ``name_block_cap``. Each pair is scored by the same pure
matcher with the data's generic values; pairs with
``MatchConfig.review <= score < MatchConfig.match`` are listed, strongest
first, with both record ids, their golden ids and the top reasons (field,
outcome, weight — never a value). Pairs a steward already ruled on (an
active merge or never-merge) are left out, and so, unless asked for, are
pairs that already sit in one customer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hub.identity.keys_table import IdentityKey
from hub.identity.matcher import MatchConfig, compare
from hub.identity.store import current_golden, load_profiles
from hub.models import StewardDecision

__all__ = ["ReviewPair", "Reason", "review_pairs", "candidate_pairs"]

_CHUNK = 2000  # pairs scored per batch of profile loads


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


def _key_groups(session: Session) -> Iterator[tuple[str, list[int]]]:
    """(key, holders) for every blocking key, streamed in key order."""
    query = (
        select(IdentityKey.key, IdentityKey.source_record_id)
        .order_by(IdentityKey.key, IdentityKey.source_record_id)
        .execution_options(yield_per=5000)
    )
    current: str | None = None
    ids: list[int] = []
    for key, rid in session.execute(query):
        if key != current:
            if current is not None:
                yield current, ids
            current, ids = key, []
        if not ids or ids[-1] != rid:
            ids.append(rid)
    if current is not None:
        yield current, ids


def candidate_pairs(
    session: Session, config: MatchConfig | None = None
) -> tuple[set[tuple[int, int]], set[str]]:
    """Pairs (low id, high id) sharing a usable blocking key, and the generic ``id:`` keys found."""
    config = config or MatchConfig()
    pairs: set[tuple[int, int]] = set()
    generic: set[str] = set()
    for key, ids in _key_groups(session):
        if key.startswith("ev:") or len(ids) < 2:
            continue
        if key.startswith("id:"):
            if len(ids) >= config.generic_limit(key):
                generic.add(key)
                continue
        elif len(ids) > config.name_block_cap:
            continue
        pairs.update(combinations(ids, 2))  # ids are sorted, so each pair is (low, high)
    return pairs, generic


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
    """Uncertain pairs (score in the review band), strongest first."""
    config = config or MatchConfig()
    pairs, generic = candidate_pairs(session, config)
    pairs -= _decided(session)
    found: list[ReviewPair] = []
    ordered = sorted(pairs)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        ids = {rid for pair in chunk for rid in pair}
        profiles = load_profiles(session, ids)
        goldens = current_golden(session, ids)
        for left, right in chunk:
            a, b = profiles.get(left), profiles.get(right)
            if a is None or b is None or a.event_time or b.event_time:
                continue
            result = compare(a, b, generic, config)
            if result.decision != "review":
                continue
            together = goldens.get(left) is not None and goldens.get(left) == goldens.get(right)
            if together and not include_same_customer:
                continue
            reasons = sorted(result.verdicts, key=lambda v: (-abs(v.weight), v.field))[:top_reasons]
            found.append(ReviewPair(
                left, right, goldens.get(left), goldens.get(right), result.score,
                tuple(Reason(v.field, v.outcome, v.weight) for v in reasons),
            ))
    found.sort(key=lambda p: (-p.score, p.left_record_id, p.right_record_id))
    return found if limit is None else found[:limit]
