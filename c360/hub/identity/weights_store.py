"""Learned match weights kept in the database, so incremental and full resolution score alike.

``c360 resolve --full --learn`` stores what it learned (``store_weights``) in
the transaction that resolves with it; every later resolution — the ingest
hook, steward decisions, ``resolve --full`` without ``--learn`` — uses the
active row. ``reset_weights`` goes back to the hand-set weights (history
stays). ``ActiveWeights`` is the resolver's per-instance cache: one indexed
one-row query per page tells whether the active set changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from c360.hub.identity.matcher import MatchConfig
from c360.hub.identity.weights import LearnedWeights
from c360.hub.models import AuditEntry, MatchWeights

__all__ = ["ActiveWeights", "store_weights", "reset_weights", "active_weights", "weight_history", "fingerprint", "as_pairs"]

Weights = dict[tuple[str, str], float]


def _nested(weights: Mapping[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for (field, outcome), value in sorted(weights.items()):
        out.setdefault(field, {})[outcome] = value
    return out


def as_pairs(nested: Mapping[str, Mapping[str, float]]) -> Weights:
    """``{field: {outcome: w}}`` (as stored) → ``{(field, outcome): w}`` (as the matcher takes them)."""
    return {(field, outcome): float(w) for field, outcomes in nested.items() for outcome, w in outcomes.items()}


def store_weights(session: Session, learned: LearnedWeights, learned_by: str) -> MatchWeights:
    """Keep ``learned`` as the active weights (earlier rows stay, inactive)."""
    session.execute(update(MatchWeights).where(MatchWeights.active.is_(True)).values(active=False))
    row = MatchWeights(
        learned_by=learned_by[:128], weights=_nested(learned.weights), prior=_nested(learned.prior),
        match_share=learned.match_share, candidate_pairs=learned.candidate_pairs, random_pairs=learned.random_pairs,
        iterations=learned.iterations, active=True,
    )
    session.add(row)
    session.flush()
    return row


def reset_weights(session: Session, actor: str) -> int | None:
    """Back to the hand-set weights; returns the id of the set that was active (audited), ``None`` if none was."""
    current = active_weights(session)
    if current is None:
        return None
    session.execute(update(MatchWeights).where(MatchWeights.active.is_(True)).values(active=False))
    session.add(AuditEntry(actor=actor[:128], action="admin", operation="weights.reset", detail={"match_weights_id": current.id}))
    session.flush()
    return current.id


def active_weights(session: Session) -> MatchWeights | None:
    return session.execute(
        select(MatchWeights).where(MatchWeights.active.is_(True)).order_by(MatchWeights.id.desc()).limit(1)
    ).scalar_one_or_none()


def weight_history(session: Session) -> list[MatchWeights]:
    """Every stored set, newest first."""
    return list(session.execute(select(MatchWeights).order_by(MatchWeights.id.desc())).scalars())


def fingerprint(config: MatchConfig) -> str:
    """A short digest of everything that decides a score: thresholds, limits and weights."""
    weights = sorted((f, o, w) for (f, o), w in (config.weights or {}).items())
    text = json.dumps([config.match, config.review, config.generic_min_holders, config.name_block_cap,
                       config.generic_document_min_holders, weights])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ActiveWeights:
    """The resolver's view of the stored weights: ``config(session)`` is ``base`` with the active set applied.

    A ``base`` that carries weights of its own (given by the caller) is used as is.
    """

    def __init__(self, base: MatchConfig) -> None:
        self.base = base
        self._key: tuple[int, datetime] | None = None
        self._config = base

    def config(self, session: Session) -> MatchConfig:
        if self.base.weights is not None:
            return self.base
        row = session.execute(
            select(MatchWeights.id, MatchWeights.learned_at).where(MatchWeights.active.is_(True))
            .order_by(MatchWeights.id.desc()).limit(1)
        ).first()
        key = (row.id, row.learned_at) if row is not None else None
        if key != self._key:
            weights = session.execute(select(MatchWeights.weights).where(MatchWeights.id == key[0])).scalar_one() if key else None
            self._config = replace(self.base, weights=as_pairs(weights)) if weights else self.base
            self._key = key
        return self._config
