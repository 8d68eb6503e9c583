"""Survivorship rules, checked against a plain statement of them on many random member sets."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest

from c360.hub.identity.survivorship import DEFAULT_RULES, Member, Rule, SurvivorshipRules, survive

T = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
OLDEST = dt.datetime.min.replace(tzinfo=dt.UTC)
RULES = SurvivorshipRules({**DEFAULT_RULES.rules, "nickname": Rule("longest"), "tier": Rule("unknown_kind")})


def reference(members: list[Member], rules: SurvivorshipRules) -> dict[str, dict[str, Any]]:
    """The rules as documented: candidates most recent first (then source, source key, descending; ties keep order)."""
    profile = {}
    for attribute, rule in rules.rules.items():
        present = [(m, m.payload.get(attribute)) for m in members if m.payload.get(attribute) not in (None, "", [], (), {})]
        if not present:
            continue
        recent = sorted(present, key=lambda c: (c[0].updated_at or OLDEST, c[0].source, c[0].source_key), reverse=True)
        if rule.kind == "source_priority":
            order = list(rule.sources)
            best = min(recent, key=lambda c: order.index(c[0].source) if c[0].source in order else len(order))
        elif rule.kind == "most_frequent":
            counts = Counter(repr(v) for _, v in present)
            best = max(recent, key=lambda c: counts[repr(c[1])])
        elif rule.kind == "longest":
            best = max(recent, key=lambda c: len(str(c[1])))
        else:
            best = recent[0]
        member, value = best
        profile[attribute] = {"value": value, "source": member.source, "source_key": member.source_key,
                              "updated_at": member.updated_at.isoformat() if member.updated_at else None}
    return profile


VALUES: list[Any] = [None, "", [], {}, (), 0, False, "a", "bb", "王芳", ["x"], {"k": 1}, 1.5, "a"]


def random_member(rng: random.Random) -> Member:
    updated = rng.choice([None, T, T + dt.timedelta(days=1), T + dt.timedelta(microseconds=7)])
    payload = {a: rng.choice(VALUES) for a in RULES.rules if rng.random() < 0.7}
    return Member(rng.choice(["boss", "keyaccount", "callcenter", "bi"]), rng.choice(["k1", "k2", "k3"]), updated, payload)


@pytest.mark.parametrize("rules", [DEFAULT_RULES, RULES])
def test_survive_follows_the_rules_on_random_members(rules: SurvivorshipRules) -> None:
    rng = random.Random(7)
    for _ in range(3000):
        members = [random_member(rng) for _ in range(rng.randint(1, 5))]
        got, expected = survive(members, rules), reference(members, rules)
        assert got == expected
        assert list(got) == list(expected)  # attribute order: the rules' order (the stored JSON text follows it)


def test_one_member_supplies_every_present_attribute_with_its_lineage() -> None:
    member = Member("boss", "C1", T, {"name": "王芳", "emails": [], "gender": "F", "status": 0, "address": None, "extra": "x"})
    stamp = T.isoformat()
    assert survive([member]) == {
        "name": {"value": "王芳", "source": "boss", "source_key": "C1", "updated_at": stamp},
        "gender": {"value": "F", "source": "boss", "source_key": "C1", "updated_at": stamp},
        "status": {"value": 0, "source": "boss", "source_key": "C1", "updated_at": stamp},
    }


def test_priority_then_recency_frequency_and_ties_in_member_order() -> None:
    old_boss = Member("boss", "C1", T, {"name": "王芳", "gender": "F", "address": "旧址"})
    new_ka = Member("keyaccount", "contact:9", T + dt.timedelta(days=2), {"name": "王 芳", "gender": "M", "address": "新址"})
    undated = Member("callcenter", "caller:1", None, {"gender": "F"})
    profile = survive([undated, new_ka, old_boss])
    assert profile["name"]["value"] == "王芳" and profile["name"]["source"] == "boss"  # boss outranks keyaccount
    assert profile["address"]["value"] == "新址"  # most recent
    assert profile["gender"] == {"value": "F", "source": "boss", "source_key": "C1", "updated_at": T.isoformat()}  # 2 of 3
    twins = [Member("boss", "C1", T, {"status": "a"}), Member("boss", "C1", T, {"status": "b"})]
    assert survive(twins)["status"]["value"] == "a" and survive(twins[::-1])["status"]["value"] == "b"


def test_no_members_no_profile() -> None:
    assert survive([]) == {}
