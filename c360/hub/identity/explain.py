"""``explain``: the score of two source records and the comparisons that drove it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from c360.hub.identity.matcher import Comparison, MatchConfig, compare
from c360.hub.identity.steward import UnknownRecord
from c360.hub.identity.store import holders, load_profiles
from c360.hub.identity.weights_store import ActiveWeights
from c360.hub.normalize.profile import block_keys

__all__ = ["explain"]


def explain(session: Session, left_record_id: int, right_record_id: int, config: MatchConfig | None = None) -> Comparison:
    """Compare two party records as the resolver would (with the data's generic values and the weights in force)."""
    config = ActiveWeights(config or MatchConfig()).config(session)
    profiles = load_profiles(session, [left_record_id, right_record_id])
    for rid in (left_record_id, right_record_id):
        if rid not in profiles:
            raise UnknownRecord(rid)
    keys = {k for p in profiles.values() for k in block_keys(p) if k.startswith("id:")}
    generic = {k for k, ids in holders(session, keys).items() if len(ids) >= config.generic_limit(k)}
    return compare(profiles[left_record_id], profiles[right_record_id], generic, config)
