"""Clustering: accepted pair links → clusters, independent of the order records arrived in.

Steward merges are applied first (they win), then matcher links from the
strongest down, each refused when it would join clusters holding different
document numbers, different party types, or a steward's "never merge" pair.
Ties break on record ids, so one set of links always gives one partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Link", "cluster"]


@dataclass(frozen=True)
class Link:
    left: int
    right: int
    score: float


class _Sets:
    def __init__(self, nodes: Iterable[int], traits: Mapping[int, tuple[str, dict[str, set[str]]]]) -> None:
        self.parent = {n: n for n in nodes}
        self.kind = {n: traits[n][0] for n in self.parent}
        self.ids = {n: traits[n][1] for n in self.parent}  # shared with the caller until a union changes them
        self._owned: set[int] = set()

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def conflicts(self, a: int, b: int) -> bool:
        if self.kind[a] != self.kind[b]:
            return True
        for kind, values in self.ids[a].items():
            other = self.ids[b].get(kind)
            if values and other and not (values & other):
                return True
        return False

    def union(self, a: int, b: int) -> None:
        keep, gone = min(a, b), max(a, b)
        self.parent[gone] = keep
        if keep not in self._owned:
            self.ids[keep] = {k: set(v) for k, v in self.ids[keep].items()}
            self._owned.add(keep)
        for kind, values in self.ids.pop(gone).items():
            self.ids[keep].setdefault(kind, set()).update(values)


def cluster(
    nodes: Iterable[int],
    links: Iterable[Link],
    traits: Mapping[int, tuple[str, dict[str, set[str]]]],
    *,
    steward_merges: Iterable[tuple[int, int]] = (),
    never: Iterable[tuple[int, int]] = (),
) -> list[list[int]]:
    """Partition ``nodes``; ``traits`` gives each node's party type and hard document numbers."""
    sets = _Sets(nodes, traits)
    never_pairs = [(a, b) for a, b in never if a in sets.parent and b in sets.parent]

    def blocked(ra: int, rb: int) -> bool:
        for a, b in never_pairs:
            fa, fb = sets.find(a), sets.find(b)
            if {fa, fb} == {ra, rb}:
                return True
        return False

    for a, b in steward_merges:
        if a in sets.parent and b in sets.parent:
            ra, rb = sets.find(a), sets.find(b)
            if ra != rb and not blocked(ra, rb):
                sets.union(ra, rb)
    ordered = sorted(links, key=lambda link: (-link.score, min(link.left, link.right), max(link.left, link.right)))
    for link in ordered:
        if link.left not in sets.parent or link.right not in sets.parent:
            continue
        ra, rb = sets.find(link.left), sets.find(link.right)
        if ra == rb or sets.conflicts(ra, rb) or blocked(ra, rb):
            continue
        sets.union(ra, rb)
    groups: dict[int, list[int]] = {}
    for node in sorted(sets.parent):
        groups.setdefault(sets.find(node), []).append(node)
    return sorted(groups.values(), key=lambda members: members[0])
