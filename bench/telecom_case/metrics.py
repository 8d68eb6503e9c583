"""Pairwise scores of a partition against the truth, broken down so an engineer sees what to fix.

Records are ``source|source_key`` strings. A record the prediction does not
place (quarantined, or never resolved) counts as a cluster of its own.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

__all__ = ["Scores", "pairwise", "source_pair_recall", "false_links_by_source_pair", "missed_by_cause",
           "impure_clusters", "read_truth", "read_tags", "read_xref", "uid"]

Partition = Mapping[str, str]  # record -> cluster label


def uid(source: str, key: str) -> str:
    return f"{source}|{key}"


def _source(record: str) -> str:
    return record.split("|", 1)[0]


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class Scores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _predicted(truth: Partition, predicted: Partition) -> dict[str, str]:
    return {r: predicted.get(r) or f"single:{r}" for r in truth}


def pairwise(truth: Partition, predicted: Partition) -> Scores:
    """Pairs of truth's records in one entity, in one predicted cluster, and in both."""
    pred = _predicted(truth, predicted)
    return Scores(
        true_pairs=sum(_pairs(n) for n in Counter(truth.values()).values()),
        predicted_pairs=sum(_pairs(n) for n in Counter(pred.values()).values()),
        correct_pairs=sum(_pairs(n) for n in Counter((truth[r], pred[r]) for r in truth).values()),
    )


def _groups(partition: Mapping[str, str]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for record, label in partition.items():
        groups[label].append(record)
    return list(groups.values())


def source_pair_recall(truth: Partition, predicted: Partition) -> dict[tuple[str, str], tuple[int, int]]:
    """Per source pair: (true pairs, of which found)."""
    pred = _predicted(truth, predicted)
    out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for group in _groups(truth):
        for a, b in combinations(group, 2):
            counts = out[_pair(_source(a), _source(b))]
            counts[0] += 1
            counts[1] += pred[a] == pred[b]
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def false_links_by_source_pair(truth: Partition, predicted: Partition) -> dict[tuple[str, str], int]:
    """Per source pair: predicted pairs of records of different entities (counted per cluster, not enumerated)."""
    pred = _predicted(truth, predicted)
    out: Counter[tuple[str, str]] = Counter()
    for group in _groups(pred):
        if len(group) < 2:
            continue
        by_source = Counter(_source(r) for r in group)
        sources = sorted(by_source)
        for i, a in enumerate(sources):
            out[(a, a)] += _pairs(by_source[a])
            for b in sources[i + 1:]:
                out[(a, b)] += by_source[a] * by_source[b]
        for members in _groups({r: truth[r] for r in group}):
            same = Counter(_source(r) for r in members)
            names = sorted(same)
            for i, a in enumerate(names):
                out[(a, a)] -= _pairs(same[a])
                for b in names[i + 1:]:
                    out[(a, b)] -= same[a] * same[b]
    return {k: v for k, v in sorted(out.items()) if v}


def missed_by_cause(truth: Partition, predicted: Partition, tags: Mapping[str, tuple[str, ...]],
                    landed: Iterable[str]) -> Counter[tuple[tuple[str, str], str]]:
    """Missed pairs counted by (source pair, cause): ``not imported`` when a record never landed,
    else the noise tags of both records (``no noise`` when neither has any)."""
    pred = _predicted(truth, predicted)
    arrived = set(landed)
    out: Counter[tuple[tuple[str, str], str]] = Counter()
    for group in _groups(truth):
        for a, b in combinations(group, 2):
            if pred[a] == pred[b]:
                continue
            if a not in arrived or b not in arrived:
                cause = "not imported"
            else:
                cause = "+".join(sorted(set(tags.get(a, ())) | set(tags.get(b, ())))) or "no noise"
            out[(_pair(_source(a), _source(b)), cause)] += 1
    return out


@dataclass(frozen=True)
class ImpureCluster:
    size: int
    entities: int
    false_pairs: int
    sources: dict[str, int]
    tags: list[tuple[str, int]]


def impure_clusters(truth: Partition, predicted: Partition, tags: Mapping[str, tuple[str, ...]],
                    limit: int = 5) -> list[ImpureCluster]:
    """The predicted clusters holding the most false pairs, with what they are made of."""
    pred = _predicted(truth, predicted)
    found = []
    for group in _groups(pred):
        per_entity = Counter(truth[r] for r in group)
        false_pairs = _pairs(len(group)) - sum(_pairs(n) for n in per_entity.values())
        if false_pairs:
            found.append(ImpureCluster(len(group), len(per_entity), false_pairs,
                                       dict(Counter(_source(r) for r in group).most_common()),
                                       Counter(t for r in group for t in tags.get(r, ())).most_common(4)))
    found.sort(key=lambda c: -c.false_pairs)
    return found[:limit]


def read_truth(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {uid(row["source"], row["source_key"]): row["entity_id"] for row in csv.DictReader(handle)}


def read_tags(path: Path) -> dict[str, tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {uid(row["source"], row["source_key"]): tuple(filter(None, row["tags"].split(";")))
                for row in csv.DictReader(handle)}


def read_xref(path: Path) -> tuple[dict[str, str], set[str]]:
    """``c360 export xref`` output: (record -> golden id for resolved records, every record listed)."""
    placed: dict[str, str] = {}
    listed: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            record = uid(row["source"], row["source_key"])
            listed.add(record)
            if row["golden_id"]:
                placed[record] = row["golden_id"]
    return placed, listed
