"""``resolve --full``: every party re-resolved from scratch, in batches of components.

A full run used to hold every profile, every payload read for survivorship and
every stored link in memory at once: about 12 KB per party record, so a million
customers (some 17 million records, two million of them parties) did not fit a
4 GB machine. Records affect each other's resolution only along four relations:
an accepted link (the matcher's "match" between candidates), an interaction
record and the holders of its phone, a steward's merge, and the customer the
records sit in now (its golden id is kept or retired once). Those relations
split the parties into components (``components``) that are resolved one batch
after another with the outcome of one pass over all of them.

Finding the links means comparing every record with its candidates once more; that
pass keeps no more than ``PROFILE_CACHE`` profiles. Candidate keys alone would not
do: at a million simulated customers, name blocks (a common name with a birth date
or a district) chain most parties into one candidate component. A database whose
parties fit one batch skips the split and is resolved in one pass, from the profiles
read to rebuild its keys.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from c360.hub.db.id_lists import plan_lists_as_bound
from c360.hub.identity.cluster import Link as PairLink
from c360.hub.identity.golden import Link
from c360.hub.identity.matcher import MatchConfig
from c360.hub.identity.resident import ResidentState
from c360.hub.identity.resolver import (
    MOST_HOLDERS_LOOKED_AT,
    CandidateGraph,
    IdentityResolver,
    ResolutionStats,
    subscription_holdings,
)
from c360.hub.identity.store import (
    chunked,
    load_profiles,
    party_ids,
    steward_rules,
    store_normal_forms,
    write_keys,
)
from c360.hub.identity.survivorship import DEFAULT_RULES, SurvivorshipRules
from c360.hub.identity.weights import LearnedWeights, blocked_pairs, learn_weights
from c360.hub.identity.weights_store import store_weights
from c360.hub.models import CrossReference
from c360.hub.models.epoch import advance_epoch, hold_identity_lock
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize.profile import Profile, block_keys

__all__ = ["resolve_full", "learn_from", "KeyIndex", "components", "batches", "StepProgress"]

log = logging.getLogger(__name__)

StepProgress = Callable[[str, int, int], None]  # (step, records done, records in the step)

BATCH_RECORDS = 100_000  # party records resolved together (more when one component is larger)
PROFILE_CACHE = 100_000  # profiles the link pass keeps at most (read again from the database past that)
LEARN_SAMPLE = 100_000  # weights are learned from at most this many party records (the first by id)
_REBUILD_CHUNK = 5_000  # party records whose keys are rebuilt per step

_XREFS = CrossReference.__table__
_LOG_EVERY = 30.0  # seconds between two progress lines in the log (and one at the end of each step)


class _Progress:
    """Each step's progress, to the caller (a progress bar) and now and then to the log: a run over
    millions of records takes long enough that an operator must see it move, bar or no bar."""

    def __init__(self, report: StepProgress | None) -> None:
        self._report = report
        self._logged = time.monotonic()

    def __call__(self, step: str, done: int, total: int) -> None:
        if self._report is not None:
            self._report(step, done, total)
        now = time.monotonic()
        if done >= total or now - self._logged >= _LOG_EVERY:
            self._logged = now
            log.info("resolve --full: %s, %d of %d records", step, done, total)


def _unreported(step: str, done: int, total: int) -> None:
    """No one follows the run."""


@dataclass
class KeyIndex:
    """Every blocking key's holders, and the phones of the interaction records (all that a full run keeps)."""

    holders: dict[str, tuple[int, ...]] = field(default_factory=dict)
    callers: dict[int, tuple[str, ...]] = field(default_factory=dict)  # interaction record -> its phone numbers


def resolve_full(
    engine: Engine, config: MatchConfig | None = None, rules: SurvivorshipRules = DEFAULT_RULES, *, learn: bool = False,
    learned_by: str = "identity-resolution", batch_records: int = BATCH_RECORDS, on_progress: StepProgress | None = None,
) -> ResolutionStats:
    """Re-resolve every party from scratch (keys rebuilt); steward decisions still win.

    ``learn``: first estimate Fellegi–Sunter weights from these records (``c360.hub.identity.weights``;
    the hand-set weights are the prior and the fallback), store them as the active set
    (``c360.hub.identity.weights_store``, by ``learned_by``) and resolve with them. Otherwise the
    active stored weights are used, as the ingest hook uses them.
    ``batch_records``: how many party records are resolved together (whole components; see the module).
    ``on_progress``: told each step's progress ("rebuilding keys", "finding links", "resolving").
    """
    progress = _Progress(on_progress)
    resolver = IdentityResolver(config, rules)
    with Session(engine) as session, session.begin():
        hold_identity_lock(session)  # first: syncs, imports and stewards wait for the whole run
        plan_lists_as_bound(session)
        ids = party_ids(session)
        session.execute(delete(IdentityKey))
        one_pass = len(ids) <= batch_records
        kept: dict[int, Profile] | None = {} if one_pass else None  # one pass: the profiles read once serve it all
        index = rebuild_keys(session, ids, kept, progress)
        live = set(ids)
        stale = [rid for rid in session.execute(select(_XREFS.c.source_record_id)).scalars() if rid not in live]
        for part in chunked(sorted(stale)):
            session.execute(delete(CrossReference).where(CrossReference.source_record_id.in_(part)))
        if learn:
            sample = ids[:LEARN_SAMPLE]
            profiles = load_profiles(session, sample) if kept is None else {rid: kept[rid] for rid in sample if rid in kept}
            learned = learn_from(session, resolver.config, profiles, index)
            if learned is not None:
                resolver = IdentityResolver(learned.config(resolver.config), rules)
                resolver.learned = learned
                store_weights(session, learned, learned_by)
        resolver.config = resolver.stored.config(session)
        generic = generic_keys(index, resolver.config)
        found = [list(ids)] if one_pass else components(session, ids, index, resolver.config, generic, progress)
        stats = ResolutionStats(learned=resolver.learned, largest_component=max(map(len, found), default=0))
        progress("resolving", 0, len(ids))
        for batch in batches(found, batch_records):
            stats.batches += 1
            profiles = kept if kept is not None else load_profiles(session, batch)
            done = _resolve_batch(session, resolver, profiles, index, generic)
            stats.records += done.records
            stats.clusters += done.clusters
            stats.changed += done.changed
            progress("resolving", stats.records, len(ids))
        advance_epoch(session)  # every key and cross-reference was rewritten: resolvers elsewhere start afresh
        return stats


def rebuild_keys(
    session: Session, ids: Sequence[int], kept: dict[int, Profile] | None = None, progress: StepProgress = _unreported,
) -> KeyIndex:
    """Write every party's blocking keys (the table is empty), a chunk of profiles at a time; return the index.

    ``kept``: filled with the profiles read (when they are few enough to hold), so they are not read again.
    The index leaves out the keys only one record holds (most keys: a name with a birth date, a
    street), but for the phones interaction records call from (whose one holder is the customer a
    caller joins): they give no candidate, and a full run's state reads a key it does not hold as
    one with no holders. While the keys are counted, a key's first holder is kept as a bare id, so
    those keys cost no list either.
    """
    holders: dict[str, int | list[int]] = {}
    callers: dict[int, tuple[str, ...]] = {}
    done = 0
    for part in chunked(ids, _REBUILD_CHUNK):
        rebuilt: list[int] = []
        profiles = load_profiles(session, part, rebuilt=rebuilt)
        store_normal_forms(session, (profiles[rid] for rid in rebuilt))  # from now on loaded without normalizing
        write_keys(session, part, profiles, keyless=set(part))  # the table was emptied
        if kept is not None:
            kept.update(profiles)
        for rid, profile in profiles.items():
            for key in block_keys(profile):
                first = holders.setdefault(key, rid)
                if isinstance(first, list):
                    first.append(rid)
                elif first != rid:
                    holders[key] = [first, rid]
            if profile.event_time:
                callers[rid] = tuple(p.value for p in profile.phones)
        done += len(part)
        progress("rebuilding keys", done, len(ids))
    called = {f"id:phone:{value}" for values in callers.values() for value in values}  # looked up for the callers
    index = {key: tuple(dict.fromkeys(rids)) if isinstance(rids, list) else (rids,)
             for key, rids in holders.items() if isinstance(rids, list) or key in called}
    return KeyIndex(index, callers)


def generic_keys(index: KeyIndex, config: MatchConfig) -> set[str]:
    """Identifier keys held by so many records that they identify nobody (``CandidateGraph.usable_keys``'s test)."""
    return {key for key, rids in index.holders.items() if key.startswith("id:") and len(rids) >= config.generic_limit(key)}


class _Sets:
    """Union-find over record ids."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, node: int) -> int:
        parent = self.parent
        root = parent.setdefault(node, node)
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    def join(self, nodes: Iterable[int]) -> None:
        it = iter(nodes)
        first = next(it, None)
        if first is None:
            return
        root = self.find(first)
        for node in it:
            other = self.find(node)
            if other != root:
                keep, gone = min(root, other), max(root, other)
                self.parent[gone] = keep
                root = keep


def components(
    session: Session, ids: Sequence[int], index: KeyIndex, config: MatchConfig, generic: set[str],
    progress: StepProgress = _unreported,
) -> list[list[int]]:
    """The parties split so that no two records in different parts can affect each other's resolution.

    Joined: two records the matcher links (``_join_links``); an interaction record and every
    record holding its phone (by identifier or subscription, as ``_holder`` looks them up); a
    steward's merge; the records one customer holds now. Ordered by smallest record id.
    """
    sets = _Sets()
    merges, _, isolated = steward_rules(session)
    _join_links(session, sets, [rid for rid in ids if rid not in index.callers], index, config, generic, isolated, progress)
    phones = sorted({value for values in index.callers.values() for value in values})
    held: dict[str, set[int]] = defaultdict(set)
    for part in chunked(phones, 5_000):
        for value, holdings in subscription_holdings(session, part).items():
            held[value].update(rid for rid, _ in holdings)
    for rid, values in index.callers.items():
        for value in values:
            holders = index.holders.get(f"id:phone:{value}", ())
            if len(holders) <= MOST_HOLDERS_LOOKED_AT:
                sets.join((rid, *holders, *held.get(value, ())))
    live = set(ids)
    for pair in merges:
        sets.join(r for r in pair if r in live)
    first_of: dict[str, int] = {}
    for rid, gid in session.execute(select(_XREFS.c.source_record_id, _XREFS.c.golden_id)):
        if rid in live:
            sets.join((first_of.setdefault(gid, rid), rid))
    grouped: dict[int, list[int]] = defaultdict(list)
    for rid in ids:
        grouped[sets.find(rid)].append(rid)
    return sorted(grouped.values(), key=lambda members: members[0])


def _join_links(
    session: Session, sets: _Sets, ids: Sequence[int], index: KeyIndex, config: MatchConfig, generic: set[str],
    isolated: Collection[int], progress: StepProgress,
) -> None:
    """Join every record with those the matcher links it to, a chunk at a time, at most ``PROFILE_CACHE``
    profiles held (a candidate let go is read again when it is needed again).

    Chunks follow the candidates: the next chunk is made of the candidates the last ones loaded
    (in the order found), and only when none is left of the next records by id. In id order,
    a chunk's candidates were scattered over the whole database, each chunk read about as many
    candidates as the cache holds, and the pass ran at 70–430 records/s at a million customers.
    Taken this way, a chunk's records are mostly loaded already, and so are many of their candidates.
    """
    state = ResidentState.over_index(index.holders)
    unseen = set(ids)  # neither linked nor waiting in ``found``
    by_id = iter(ids)
    found: deque[int] = deque()  # candidates loaded for earlier chunks, not linked yet
    done = 0
    while True:
        part: list[int] = []
        while len(part) < _REBUILD_CHUNK:
            if found:
                part.append(found.popleft())
                continue
            rid = next(by_id, None)
            if rid is None:
                break
            if rid in unseen:
                unseen.discard(rid)
                part.append(rid)
        if not part:
            return
        graph = CandidateGraph(session, config, state)
        graph.generic = generic
        graph.ensure(part)
        graph.prepare(part, isolated)
        for rid in part:
            if rid not in state.profiles:
                continue
            candidates = graph.candidates(rid, isolated)
            sets.join((rid, *(other for other, _, _ in graph.neighbours(rid, isolated, candidates))))
            for other in candidates:
                if other in unseen:
                    unseen.discard(other)
                    found.append(other)
        if len(state.profiles) > PROFILE_CACHE:
            state.drop_profiles(keep=islice(found, PROFILE_CACHE // 2))  # the next chunks' records, mostly
        done += len(part)
        progress("finding links", done, len(ids))


def batches(found: Sequence[list[int]], size: int) -> Iterator[list[int]]:
    """Whole components packed into batches of about ``size`` records (a larger component is a batch alone)."""
    batch: list[int] = []
    for members in found:
        if batch and len(batch) + len(members) > size:
            yield batch
            batch = []
        batch.extend(members)
    if batch:
        yield batch


def learn_from(session: Session, config: MatchConfig, profiles: dict[int, Profile], index: KeyIndex) -> LearnedWeights | None:
    """Weights learned from the blocked candidate pairs among these records (``None``: too little data).

    A sample (``LEARN_SAMPLE``) of a larger population keeps the pairs both of whose records it holds.
    """
    graph = CandidateGraph(session, config, ResidentState.of(profiles, index.holders))
    closure = sorted(rid for rid, p in profiles.items() if not p.event_time)
    graph.prepare(closure, ())

    def candidates(rid: int) -> list[int]:
        keys, found = graph.usable_keys(profiles[rid])
        return sorted({c for k in keys for c in found.get(k, ()) if c != rid and c in profiles and not profiles[c].event_time})

    return learn_weights(profiles, blocked_pairs(closure, candidates), graph.generic, config)


def _resolve_batch(
    session: Session, resolver: IdentityResolver, profiles: dict[int, Profile], index: KeyIndex, generic: set[str],
) -> ResolutionStats:
    """Link, cluster and write one batch of whole components (candidates outside it cannot exist)."""
    merges, never, isolated = steward_rules(session)
    graph = CandidateGraph(session, resolver.config, ResidentState.of(profiles, index.holders))
    graph.generic = generic  # counted over every record, as one run over all of them finds them
    links: list[PairLink] = []
    evidence: dict[int, Link] = {}
    closure = {rid for rid, p in profiles.items() if not p.event_time}
    events = set(profiles) - closure
    for rid in sorted(closure):
        for other, score, ev in graph.neighbours(rid, isolated):
            if other > rid:
                links.append(PairLink(rid, other, score))
            evidence.setdefault(other, Link("deterministic" if ev.get("rule") else "probabilistic", score, ev))
    return resolver.apply_links(session, graph, closure, events, links, evidence, merges, never)

