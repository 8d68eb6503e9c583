"""Matching state kept between runs: learned match weights (versioned) and the review queue's cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from c360.hub.models.base import Base, BigIntId, JSONType, utcnow

__all__ = ["MatchWeights", "ReviewCandidate", "ReviewSeen", "ReviewState"]


class MatchWeights(Base):
    """One set of Fellegi–Sunter weights learned by ``c360 resolve --full --learn``.

    Rows are never changed but for ``active``: the history of what was learned,
    when and by whom stays. At most one row is active (the newest learned, until
    a reset back to the hand-set weights deactivates it); resolution, full and
    incremental, uses it so both give the same clusters.
    """

    __tablename__ = "match_weights"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    learned_at: Mapped[datetime] = mapped_column(default=utcnow)
    learned_by: Mapped[str] = mapped_column(String(128))
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {field: {outcome: log2 Bayes factor}}
    prior: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the hand-set weights they were learned from
    match_share: Mapped[float]  # λ: share of matches among blocked candidate pairs
    candidate_pairs: Mapped[int]
    random_pairs: Mapped[int]
    iterations: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (Index("ix_match_weights_active", "active", "id"),)


class ReviewCandidate(Base):
    """A grey-band pair found by the review queue, kept until either record is resolved again."""

    __tablename__ = "review_pair"

    left_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True)
    right_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float]
    reasons: Mapped[list[Any]] = mapped_column(JSONType, default=list)  # [[field, outcome, weight], ...], strongest first

    __table_args__ = (Index("ix_review_pair_right_record_id", "right_record_id"),)


class ReviewSeen(Base):
    """The version of a party or subscription record when the review pairs it bears on were last computed.

    A party's profile is its own content plus its subscriptions' phone
    windows; a differing version or deleted flag means its pairs are scored again.
    """

    __tablename__ = "review_record"

    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int]
    deleted: Mapped[bool]


class ReviewState(Base):
    """The settings the cached review pairs were scored with, and the keys that were too common to block by."""

    __tablename__ = "review_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    common_keys: Mapped[list[str]] = mapped_column(default=list)  # generic id: keys and capped name blocks
    key_watermark: Mapped[int] = mapped_column(BigIntId, default=0)  # newest identity_key row seen (a full run rewrites them all)
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)
