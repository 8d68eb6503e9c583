"""Survivorship: which member record's value each golden attribute takes, with its lineage.

Rules per attribute: ``source_priority`` (first source in the list that has
a value, most recent within it), ``most_recent``, ``most_frequent`` (ties →
most recent) and ``longest``. Event-time parties (callers) never supply
golden attributes. See docs/identity-resolution.md for the defaults.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

__all__ = ["Rule", "SurvivorshipRules", "DEFAULT_RULES", "Member", "survive"]

_OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Rule:
    kind: str  # source_priority | most_recent | most_frequent | longest
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurvivorshipRules:
    rules: Mapping[str, Rule] = field(default_factory=dict)


DEFAULT_RULES = SurvivorshipRules(
    {
        "name": Rule("source_priority", ("boss", "keyaccount", "callcenter")),
        "id_type": Rule("source_priority", ("boss", "keyaccount")),
        "id_number": Rule("source_priority", ("boss", "keyaccount")),
        "credit_code": Rule("source_priority", ("keyaccount", "boss")),
        "gender": Rule("most_frequent"),
        "birth_date": Rule("most_frequent"),
        "address": Rule("most_recent"),
        "emails": Rule("most_recent"),
        "phones": Rule("most_recent"),
        "status": Rule("most_recent"),
    }
)


@dataclass(frozen=True)
class Member:
    source: str
    source_key: str
    updated_at: dt.datetime | None
    payload: Mapping[str, Any]


# A value "is absent" when it equals one of these (membership compares by ==, as the rules always have)
_ABSENT: tuple[object, ...] = (None, "", [], (), {})

# (member, its ``updated_at`` as ISO text): the text is computed once per member, not once per attribute
_Stamped = tuple[Member, str | None]


def _stamp(member: Member) -> _Stamped:
    return member, member.updated_at.isoformat() if member.updated_at else None


def _recency(stamped: _Stamped) -> tuple[dt.datetime, str, str]:
    member = stamped[0]
    return member.updated_at or _OLDEST, member.source, member.source_key


@cache
def _ranks(sources: tuple[str, ...]) -> dict[str, int]:
    return {source: i for i, source in enumerate(sources)}


def _choose(rule: Rule, recent: list[tuple[_Stamped, Any]]) -> tuple[_Stamped, Any]:
    """The winning candidate; ``recent`` is ordered most recent first (ties keep the members' order)."""
    if rule.kind == "source_priority":
        rank = _ranks(tuple(rule.sources))
        return min(recent, key=lambda c: rank.get(c[0][0].source, len(rank)))
    if rule.kind == "most_frequent":
        counts = Counter(repr(value) for _, value in recent)
        return max(recent, key=lambda c: counts[repr(c[1])])
    if rule.kind == "longest":
        return max(recent, key=lambda c: len(str(c[1])))
    return recent[0]


def _entry(stamped: _Stamped, value: Any) -> dict[str, Any]:
    member, updated_at = stamped
    return {"value": value, "source": member.source, "source_key": member.source_key, "updated_at": updated_at}


def survive(members: Sequence[Member], rules: SurvivorshipRules = DEFAULT_RULES) -> dict[str, dict[str, Any]]:
    """The golden profile: ``{attribute: {value, source, source_key, updated_at}}``."""
    if len(members) == 1:  # most goldens: every present attribute is this member's, no ranking
        return _survive_one(_stamp(members[0]), rules)
    # Ranked once by recency; each attribute's candidates are then a filter of this order (the sort is stable)
    ranked = sorted(map(_stamp, members), key=_recency, reverse=True)
    profile: dict[str, dict[str, Any]] = {}
    for attribute, rule in rules.rules.items():
        candidates = [(s, value) for s in ranked if (value := s[0].payload.get(attribute)) not in _ABSENT]
        if candidates:
            profile[attribute] = _entry(*(candidates[0] if len(candidates) == 1 else _choose(rule, candidates)))
    return profile


def _survive_one(stamped: _Stamped, rules: SurvivorshipRules) -> dict[str, dict[str, Any]]:
    member, updated_at = stamped
    payload, source, source_key = member.payload, member.source, member.source_key
    profile: dict[str, dict[str, Any]] = {}
    for attribute in rules.rules:
        value = payload.get(attribute)
        if value or (value is not None and value not in _ABSENT):  # a truthy (JSON) value is never absent: one test
            profile[attribute] = {"value": value, "source": source, "source_key": source_key, "updated_at": updated_at}
    return profile
