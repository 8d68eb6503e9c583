"""Fellegi–Sunter weights learned from the data (EM over blocked pairs, u from random pairs)."""

from __future__ import annotations

import random

from c360.hub.identity.matcher import MatchConfig, compare
from c360.hub.identity.weights import blocked_pairs, learn_weights
from c360.hub.normalize.profile import block_keys, build_profile
from tests.helpers.latin_names import GIVEN, STREETS, SURNAMES


def population(n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """People with one duplicate each: the duplicate has a new given name *and* a new birth date (as FEBRL does)."""
    rng = random.Random(seed)
    profiles = {}
    for i in range(n):
        payload = {
            "party_type": "person",
            "name": f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}{''.join(rng.choice('aeiklmnorst') for _ in range(4))}",
            "birth_date": f"{rng.randint(1930, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "id_type": "SSN", "id_number": str(rng.randint(1_000_000, 9_999_999)),
            "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}, sa {rng.randint(2000, 2999)}",
        }
        profiles[2 * i] = build_profile(2 * i, "febrl", f"rec-{i}-org", payload)
        dup = dict(payload)
        if i % 3 == 0:
            dup["name"] = f"{rng.choice(GIVEN)} {payload['name'].split()[1]}"
            dup["birth_date"] = f"{rng.randint(1930, 2000)}-01-15"
            dup["id_number"] = str(rng.randint(1_000_000, 9_999_999))
        profiles[2 * i + 1] = build_profile(2 * i + 1, "febrl", f"rec-{i}-dup", dup)
    return profiles


def candidates(profiles):  # type: ignore[no-untyped-def]
    index: dict[str, set[int]] = {}
    for rid, p in profiles.items():
        for key in block_keys(p):
            index.setdefault(key, set()).add(rid)
    return blocked_pairs(sorted(profiles), lambda rid: sorted({c for k in block_keys(profiles[rid]) for c in index[k]}))


def test_learned_weights_find_duplicates_the_hand_set_weights_miss() -> None:
    profiles = population(600)
    learned = learn_weights(profiles, candidates(profiles), (), random_pairs=20_000)
    assert learned is not None
    # a rare full street address agreeing is worth more than the prior says; a different birth date costs less
    assert learned.weights[("address", "agree")] > learned.prior[("address", "agree")]
    assert learned.weights[("birth_date", "disagree")] > learned.prior[("birth_date", "disagree")]
    # every weight stays below the threshold: no single probabilistic comparison decides alone
    assert all(w < MatchConfig().match for w in learned.weights.values())
    config = learned.config(MatchConfig())
    pairs = candidates(profiles)
    hand_set = {(a, b) for a, b in pairs if compare(profiles[a], profiles[b]).decision == "match"}
    learned_matches = {(a, b) for a, b in pairs if compare(profiles[a], profiles[b], (), config).decision == "match"}
    assert all(b == a + 1 and a % 2 == 0 for a, b in learned_matches)  # no false match
    assert len(learned_matches) > len(hand_set)  # duplicates with a new given name and birth date are found
    a, b = next(iter(sorted(learned_matches - hand_set)))
    result = compare(profiles[a], profiles[b], (), config)
    # the weights used are the learned ones, and they show in the evidence (explain)
    for name, (outcome, weight) in result.evidence()["fields"].items():
        assert weight == learned.weights[(name, outcome)]
    # learning is deterministic (seeded sampling)
    assert learn_weights(profiles, candidates(profiles), (), random_pairs=20_000) == learned


def test_too_few_pairs_keep_the_hand_set_weights() -> None:
    profiles = population(20)
    assert learn_weights(profiles, candidates(profiles), ()) is None


def test_deterministic_rules_are_not_learned() -> None:
    a = build_profile(1, "boss", "1", {"party_type": "person", "name": "张伟", "id_number": "11010519491231002X"})
    b = build_profile(2, "boss", "2", {"party_type": "person", "name": "李娜", "id_number": "11010519491231002X"})
    config = MatchConfig(weights={("name", "disagree"): -30.0})
    assert compare(a, b, (), config).rule == "same_ric"
