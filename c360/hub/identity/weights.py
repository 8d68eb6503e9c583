"""Fellegi–Sunter weights learned from the data: u from random pairs, m and λ by EM on blocked pairs.

The matcher's hand-set weights are the prior. For one data set (a run of
``resolve_full(..., learn=True)``) every comparison outcome the matcher
emits — ``(field, outcome)``, e.g. ``("birth_date", "disagree")`` — gets a
log2 Bayes factor ``log2(m / u)``:

* ``u`` (how often the outcome occurs between two *different* parties) is
  counted over a seeded random sample of record pairs, as most random pairs
  are non-matches; a rare outcome (an equal street address, an equal birth
  date) is worth more than a common one.
* ``m`` (how often it occurs between two records of one party) and the
  share of matches among candidates are estimated by expectation
  maximisation over the blocked candidate pairs, with ``u`` held fixed and
  ``m`` started from the prior.
* The learned weight is shrunk toward the prior (``prior_pairs`` pseudo
  pairs) and kept within ``max_gain`` of its prior and below
  ``match - 0.5`` (no single probabilistic comparison decides alone, as with
  the hand-set weights). The bound matters: the
  blocked candidates share a name word *and* a birth date or postcode, so
  fields are not independent among them and unbounded EM weights overrate
  weak agreements such as "same postcode". Deterministic
  rules (equal / different trusted documents), generic values and recycled
  numbers (weight 0 by rule) are not learned.

The result is a ``MatchConfig`` with ``weights`` set; the verdicts (and so
``explain`` and the stored evidence) carry the learned weights. The learned
set is kept and used by every later resolution (``weights_store``).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from c360.hub.identity.matcher import MatchConfig, compare
from c360.hub.normalize.profile import Profile

__all__ = ["LearnedWeights", "learn_weights", "RULE_OUTCOMES"]

RULE_OUTCOMES = frozenset({"ignored", "other_holder"})  # weight 0 by rule (generic values, recycled numbers)
Outcomes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LearnedWeights:
    weights: dict[tuple[str, str], float]
    prior: dict[tuple[str, str], float]
    match_share: float  # λ among blocked candidate pairs
    candidate_pairs: int
    random_pairs: int
    iterations: int

    def config(self, base: MatchConfig) -> MatchConfig:
        return replace(base, weights=dict(self.weights))


def _outcomes(a: Profile, b: Profile, generic: Collection[str], config: MatchConfig,
              prior: dict[tuple[str, str], float]) -> Outcomes | None:
    """The learnable outcomes of one comparison (``None`` for a deterministic decision)."""
    result = compare(a, b, generic, config)
    if result.rule is not None:
        return None
    out = []
    for v in result.verdicts:
        if v.outcome in RULE_OUTCOMES:
            continue
        key = (v.field, v.outcome)
        prior.setdefault(key, v.weight)
        out.append(key)
    return tuple(sorted(out))


def learn_weights(
    profiles: Mapping[int, Profile],
    candidates: Iterable[tuple[int, int]],
    generic: Collection[str],
    config: MatchConfig | None = None,
    *,
    random_pairs: int = 100_000,
    seed: int = 1,
    iterations: int = 25,
    prior_pairs: float = 10.0,
    max_gain: float = 5.0,
    floor: float = -12.0,
    min_candidates: int = 200,
) -> LearnedWeights | None:
    """Learn weights for these profiles; ``None`` (keep the hand-set weights) when there is too little data."""
    base = replace(config or MatchConfig(), weights=None)
    prior: dict[tuple[str, str], float] = {}
    vectors: Counter[Outcomes] = Counter()
    for left, right in candidates:
        outcome = _outcomes(profiles[left], profiles[right], generic, base, prior)
        if outcome is not None:
            vectors[outcome] += 1
    total = sum(vectors.values())
    if total < min_candidates:
        return None

    # u: outcome frequencies among random pairs of records of one party type
    by_type: dict[str, list[int]] = defaultdict(list)
    for rid in sorted(profiles):
        if not profiles[rid].event_time:
            by_type[profiles[rid].party_type].append(rid)
    rng = random.Random(seed)
    population = sum(len(v) for v in by_type.values())
    u_counts: Counter[tuple[str, str]] = Counter()
    u_fields: Counter[str] = Counter()
    sampled = 0
    for ids in by_type.values():
        if len(ids) < 2:
            continue
        for _ in range(max(1, random_pairs * len(ids) // max(population, 1))):
            a, b = rng.sample(ids, 2)
            outcome = _outcomes(profiles[a], profiles[b], generic, base, prior)
            sampled += 1
            for key in outcome or ():
                u_counts[key] += 1
                u_fields[key[0]] += 1
    levels: dict[str, set[str]] = defaultdict(set)
    for f, o in prior:
        levels[f].add(o)
    u = {
        (f, o): (u_counts[(f, o)] + 0.5) / (u_fields[f] + 0.5 * len(levels[f]))
        for f, o in prior
    }

    # m and λ: EM over the blocked candidates, m started from the prior (m ∝ u · 2^w)
    m: dict[tuple[str, str], float] = {}
    for f, outcomes in levels.items():
        raw = {o: u[(f, o)] * 2 ** max(min(prior[(f, o)], 20.0), -20.0) for o in outcomes}
        norm = sum(raw.values())
        m.update({(f, o): value / norm for o, value in raw.items()})
    share = 0.1
    rounds = 0
    for rounds in range(1, iterations + 1):  # noqa: B007  (read after the loop: how many rounds ran)
        matched: defaultdict[tuple[str, str], float] = defaultdict(float)  # expected counts: fractional
        unmatched_total = matched_total = 0.0
        per_field: defaultdict[str, float] = defaultdict(float)
        logit = math.log2(share / (1 - share))
        for vector, count in vectors.items():
            score = logit + sum(math.log2(m[k] / u[k]) for k in vector)
            p = 1.0 / (1.0 + 2.0 ** -score) if score > -60 else 0.0
            matched_total += p * count
            unmatched_total += (1 - p) * count
            for key in vector:
                matched[key] += p * count
                per_field[key[0]] += p * count
        new_share = min(max(matched_total / total, 1e-6), 1 - 1e-6)
        new_m = {}
        for f, outcomes in levels.items():
            denominator = per_field[f] + 0.5 * len(outcomes)
            for o in outcomes:
                new_m[(f, o)] = (matched[(f, o)] + 0.5 * (m[(f, o)] * len(outcomes))) / denominator
        delta = max(abs(new_m[k] - m[k]) for k in m) if m else 0.0
        m, share = new_m, new_share
        if delta < 1e-5:
            break

    cap = base.match - 0.5
    weights: dict[tuple[str, str], float] = {}
    evidence = Counter({k: 0.0 for k in prior})
    for vector, count in vectors.items():
        for key in vector:
            evidence[key] += count
    for key, w_prior in prior.items():
        learned = math.log2(m[key] / u[key])
        n = evidence[key]
        blended = (n * learned + prior_pairs * w_prior) / (n + prior_pairs)
        weights[key] = round(min(max(blended, floor, w_prior - max_gain), cap, w_prior + max_gain), 2)
    return LearnedWeights(weights, prior, share, total, sampled, rounds)


def blocked_pairs(ids: Iterable[int], neighbours: Callable[[int], Iterable[int]]) -> list[tuple[int, int]]:
    """Each candidate pair once (``left < right``)."""
    return [(rid, other) for rid in ids for other in neighbours(rid) if other > rid]
