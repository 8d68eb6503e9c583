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


def _present(value: Any) -> bool:
    return value not in (None, "", [], (), {})


def _choose(rule: Rule, candidates: list[tuple[Member, Any]]) -> tuple[Member, Any]:
    recent = sorted(candidates, key=lambda c: (c[0].updated_at or _OLDEST, c[0].source, c[0].source_key), reverse=True)
    if rule.kind == "source_priority":
        rank = {source: i for i, source in enumerate(rule.sources)}
        return min(recent, key=lambda c: rank.get(c[0].source, len(rank)))
    if rule.kind == "most_frequent":
        counts = Counter(repr(value) for _, value in candidates)
        return max(recent, key=lambda c: counts[repr(c[1])])
    if rule.kind == "longest":
        return max(recent, key=lambda c: len(str(c[1])))
    return recent[0]


def survive(members: Sequence[Member], rules: SurvivorshipRules = DEFAULT_RULES) -> dict[str, dict[str, Any]]:
    """The golden profile: ``{attribute: {value, source, source_key, updated_at}}``."""
    profile: dict[str, dict[str, Any]] = {}
    for attribute, rule in rules.rules.items():
        candidates = [(m, m.payload.get(attribute)) for m in members if _present(m.payload.get(attribute))]
        if not candidates:
            continue
        member, value = candidates[0] if len(candidates) == 1 else _choose(rule, candidates)  # most goldens have one member
        profile[attribute] = {
            "value": value,
            "source": member.source,
            "source_key": member.source_key,
            "updated_at": member.updated_at.isoformat() if member.updated_at else None,
        }
    return profile
