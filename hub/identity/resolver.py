"""Identity resolution: incremental (the ingest hook) and full, giving the same clusters.

Both build the same link graph: candidates share a blocking key, the pure
matcher scores them, accepted links are clustered deterministically
(``cluster``). Incremental resolution re-clusters only the link components
the landed records touch (found by walking links from them), which is what
a full run does for those components. Event-time parties (callers) attach
to whoever held their phone at that moment and never bridge two customers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from hub.identity.cluster import Link as PairLink
from hub.identity.cluster import cluster
from hub.identity.golden import Group, Link, apply_partition
from hub.identity.keys_table import IdentityKey
from hub.identity.matcher import MatchConfig, compare, hard_ids
from hub.identity.profile import Profile, block_keys, in_window, phone_key
from hub.identity.store import (
    ProfileCache,
    chunked,
    current_golden,
    golden_members,
    holders,
    key_counts,
    load_profiles,
    party_ids,
    steward_rules,
    write_keys,
)
from hub.identity.survivorship import DEFAULT_RULES, SurvivorshipRules
from hub.identity.weights import LearnedWeights, blocked_pairs, learn_weights
from hub.identity.weights_store import ActiveWeights, store_weights
from hub.ingest.facts import FACT_TABLES
from hub.models import CrossReference, SourceRecord, Subscription

__all__ = ["IdentityResolver", "resolve_full", "learn_from", "ResolutionStats"]

Lookup = Callable[[Collection[str]], dict[str, set[int]]]
# Core tables, not ORM entities: the hot reads here return plain rows without the ORM's result machinery
_KEYS, _SUBS, _SOURCE = IdentityKey.__table__, Subscription.__table__, SourceRecord.__table__


@dataclass
class ResolutionStats:
    records: int = 0
    clusters: int = 0
    changed: int = 0
    learned: LearnedWeights | None = None  # weights learned by ``resolve_full(..., learn=True)``


def _msisdn_variants(e164: str) -> list[str]:
    national = e164[3:] if e164.startswith("+86") else e164
    return [e164, national, "86" + national, "+86 " + national]


class _Graph:
    """Links among profiles, found through a key lookup (memory for full runs, the database otherwise).

    Lookups are cached for the run and made for a whole frontier at once
    (``prepare``): one key query and one profile load per frontier, not per record.
    A record's keys and usable keys are worked out once per run too, and the
    party rows read are kept for survivorship (``rows``).
    """

    def __init__(
        self, session: Session, lookup: Lookup, config: MatchConfig, profiles: dict[int, Profile], cache: ProfileCache | None = None,
    ) -> None:
        self.session, self._lookup, self.config, self.profiles = session, lookup, config, profiles
        self.cache = cache
        self.rows: dict[int, Any] = {}
        self.generic: set[str] = set()
        self._found: dict[str, set[int]] = {}
        self._keys: dict[int, tuple[str, ...]] = {}
        self._usable: dict[int, tuple[list[str], dict[str, set[int]]]] = {}

    def keys(self, rid: int) -> tuple[str, ...]:
        """``block_keys`` of a loaded record, computed once."""
        found = self._keys.get(rid)
        if found is None:
            found = self._keys[rid] = block_keys(self.profiles[rid])
        return found

    def lookup(self, keys: Collection[str]) -> dict[str, set[int]]:
        """The non-empty holder sets of these keys."""
        known = self._fetch(keys)
        return {k: ids for k in keys if (ids := known[k])}

    def _fetch(self, keys: Collection[str]) -> dict[str, set[int]]:
        """Every key looked up so far, these included (``usable_keys`` reads it as is: no copy per record)."""
        known = self._found
        missing = [k for k in keys if k not in known]
        if missing:
            found = self._lookup(missing)
            empty: set[int] = set()
            for k in missing:
                known[k] = found.get(k) or empty  # holder sets are only read, never changed: no copies
        return known

    def ensure(self, ids: Iterable[int]) -> None:
        missing = [i for i in ids if i not in self.profiles]
        if missing:
            self.profiles.update(load_profiles(self.session, missing, self.rows, self.cache))

    def prepare(self, rids: Iterable[int], isolated: Collection[int]) -> None:
        """Look up the keys of all these records, then load all their candidates, in one go each."""
        wanted = [self.profiles[r] for r in rids if r in self.profiles and r not in isolated and not self.profiles[r].event_time]
        keys = {k for p in wanted for k in self.keys(p.record_id)}
        if not keys:
            return
        self.lookup(keys)
        candidates: set[int] = set()
        for p in wanted:
            usable, found = self.usable_keys(p)
            candidates |= {c for k in usable for c in found.get(k, ())}
        self.ensure(candidates)

    def usable_keys(self, profile: Profile) -> tuple[list[str], dict[str, set[int]]]:
        cached = self._usable.get(profile.record_id)
        if cached is not None:
            return cached
        keys = self.keys(profile.record_id)
        found = self._fetch(keys)
        usable = []
        for key in keys:
            count = len(found[key])
            if key.startswith("id:") and count >= self.config.generic_limit(key):
                self.generic.add(key)
            elif not key.startswith("id:") and count > self.config.name_block_cap:
                continue
            else:
                usable.append(key)
        self._usable[profile.record_id] = (usable, found)
        return usable, found

    def neighbours(self, rid: int, isolated: Collection[int]) -> list[tuple[int, float, dict[str, object]]]:
        profile = self.profiles[rid]
        if rid in isolated or profile.event_time:
            return []
        keys, found = self.usable_keys(profile)
        candidates = sorted({c for k in keys for c in found.get(k, ()) if c != rid and c not in isolated})
        self.ensure(candidates)
        out = []
        for c in candidates:
            other = self.profiles.get(c)
            if other is None or other.event_time:
                continue
            result = compare(profile, other, self.generic, self.config)
            if result.decision == "match":
                out.append((c, result.score, result.evidence()))
        return out


class IdentityResolver:
    """The ingest hook (``LandedRecordsHandler``): resolves every landed party, and facts' golden ids."""

    def __init__(self, config: MatchConfig | None = None, rules: SurvivorshipRules = DEFAULT_RULES) -> None:
        self.config = config or MatchConfig()
        self.rules = rules
        self.learned: LearnedWeights | None = None
        self.stored = ActiveWeights(self.config)  # the learned weights in force (one tiny query per page)
        self.profiles = ProfileCache()  # profiles of unchanged records, reused from page to page

    def records_landed(self, session: Session, source_record_ids: Sequence[int]) -> None:
        if not source_record_ids:
            return
        rows = []
        for part in chunked(source_record_ids):
            rows.extend(session.execute(select(_SOURCE.c.id, _SOURCE.c.kind, _SOURCE.c.deleted).where(_SOURCE.c.id.in_(part))))
        parties = [r.id for r in rows if r.kind == "party"]
        seeds: set[int] = set()
        self.config = self.stored.config(session)
        graph = _Graph(session, lambda keys: holders(session, keys), self.config, {}, self.profiles)
        if parties:
            graph.profiles.update(load_profiles(session, parties, graph.rows, self.profiles))
            gone = [rid for rid in parties if rid not in graph.profiles]
            write_keys(session, parties, graph.profiles)
            seeds |= set(parties)
            seeds |= self._generic_crossings(graph)
            if gone:
                seeds |= self._detach(session, gone)
        subs = [r.id for r in rows if r.kind == "subscription"]
        if subs:
            seeds |= self._subscription_seeds(session, subs)
        if seeds:
            self._resolve(session, graph, seeds, None, set(parties))
        facts: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            if r.kind != "party":
                facts[r.kind].append(r.id)
        if facts:
            _refresh_landed_facts(session, facts)

    def _generic_crossings(self, graph: _Graph) -> set[int]:
        """A value that just became generic (or a name block too big): its earlier holders need a fresh look."""
        landed_by_key: dict[str, int] = defaultdict(int)
        for rid in graph.profiles:
            for key in graph.keys(rid):
                if not key.startswith("ev:"):
                    landed_by_key[key] += 1
        found = graph.lookup(landed_by_key)  # also the resolution's first lookup, made once
        seeds: set[int] = set()
        for key, ids in found.items():
            limit = self.config.generic_limit(key) if key.startswith("id:") else self.config.name_block_cap + 1
            if len(ids) >= limit > len(ids) - landed_by_key[key]:
                seeds |= ids
        return seeds

    def _detach(self, session: Session, gone: list[int]) -> set[int]:
        """Deleted parties leave their golden; the rest of it is re-resolved."""
        before = current_golden(session, gone)
        mates = {m for ms in golden_members(session, set(before.values())).values() for m in ms} - set(gone)
        for part in chunked(gone):
            session.execute(delete(CrossReference).where(CrossReference.source_record_id.in_(part)))
        return mates

    def _subscription_seeds(self, session: Session, subs: list[int]) -> set[int]:
        """Parties whose comparisons a landed subscription can change, and the callers of its number.

        A subscription only narrows or widens the windows in which its party held
        a number, and windows only matter between two records holding one number
        (``compare``'s phone verdict, a caller's holder). So its party is re-resolved
        when another record holds one of the party's numbers too; a party whose
        numbers nobody else holds changes no link, and its golden does not depend on them.
        """
        rows = []
        for part in chunked(subs):
            rows.extend(session.execute(
                select(_SUBS.c.party_source, _SUBS.c.party_key, _SUBS.c.msisdn).where(_SUBS.c.source_record_id.in_(part))
            ).all())
        parties = set(_party_ids_by_ref(session, {(s, k) for s, k, _ in rows if s and k}).values())
        phones = {v for v in (phone_key(m or "") for _, _, m in rows) if v}
        own = _phone_keys(session, parties)
        shared = {k for k, n in key_counts(session, {k for ks in own.values() for k in ks}).items() if n > 1}
        seeds = {rid for rid, keys in own.items() if keys & shared}
        for ids in holders(session, {f"ev:phone:{v}" for v in phones}).values():
            seeds |= ids
        return seeds

    def resolve_records(self, session: Session, seeds: Iterable[int], actor: str | None = None) -> ResolutionStats:
        """Re-cluster the link components around ``seeds`` (party record ids); ``actor`` records the events (a steward)."""
        self.config = self.stored.config(session)
        graph = _Graph(session, lambda keys: holders(session, keys), self.config, {}, self.profiles)
        return self._resolve(session, graph, seeds, actor, None)

    def _resolve(
        self, session: Session, graph: _Graph, seeds: Iterable[int], actor: str | None, dirty: Collection[int] | None,
    ) -> ResolutionStats:
        """``dirty``: the records whose content changed (``None``: any may have; see ``apply_partition``)."""
        merges, never, isolated = steward_rules(session)
        steward_adj: dict[int, set[int]] = defaultdict(set)
        for a, b in merges:
            steward_adj[a].add(b)
            steward_adj[b].add(a)
        closure: set[int] = set()
        events: set[int] = set()
        links: list[PairLink] = []
        evidence: dict[int, Link] = {}
        frontier = set(seeds)
        while frontier:
            graph.ensure(frontier)
            frontier = {rid for rid in frontier if rid in graph.profiles} - closure - events
            mates = _mates(session, frontier)
            frontier |= {m for m in mates if m not in closure and m not in events}
            graph.ensure(frontier)
            nxt: set[int] = set()
            graph.prepare(frontier, isolated)
            ordered = [rid for rid in sorted(frontier) if rid in graph.profiles]
            callers = [graph.profiles[rid] for rid in ordered if graph.profiles[rid].event_time]
            if callers:
                nxt |= self._event_anchors(session, graph, callers)
            ev_keys = {f"ev:phone:{p.value}" for rid in ordered for p in graph.profiles[rid].phones if not graph.profiles[rid].event_time}
            for ids in graph.lookup(ev_keys).values():
                nxt |= ids
            for rid in ordered:
                profile = graph.profiles[rid]
                if profile.event_time:
                    events.add(rid)
                    continue
                closure.add(rid)
                nxt |= steward_adj.get(rid, set())
                for other, score, ev in graph.neighbours(rid, isolated):
                    links.append(PairLink(rid, other, score))
                    nxt.add(other)
                    evidence.setdefault(other, Link("deterministic" if ev.get("rule") else "probabilistic", score, ev))
            frontier = nxt - closure - events
        return self._apply(session, graph, closure, events, links, evidence, merges, never, actor, dirty)

    def _event_anchors(self, session: Session, graph: _Graph, profiles: Sequence[Profile]) -> set[int]:
        """Possible holders of these callers' phones (identifier rows and subscriptions), looked up in one go."""
        phones = sorted({p.value for profile in profiles for p in profile.phones})
        anchors: set[int] = set()
        for ids in graph.lookup([f"id:phone:{v}" for v in phones]).values():
            anchors |= ids
        for ids in _subscription_holders_many(session, phones, None).values():
            anchors |= set(ids)
        return anchors

    def _apply(
        self, session: Session, graph: _Graph, closure: set[int], events: set[int],
        links: list[PairLink], evidence: dict[int, Link], merges: list[tuple[int, int]], never: list[tuple[int, int]],
        actor: str | None = None, dirty: Collection[int] | None = None,
    ) -> ResolutionStats:
        profiles = graph.profiles
        resolvable = {rid for rid in closure if graph.keys(rid)}
        traits = {rid: (profiles[rid].party_type, hard_ids(profiles[rid])) for rid in closure}
        pair_links = [l for l in links if l.left in resolvable and l.right in resolvable]
        clusters = cluster(sorted(closure), pair_links, traits, steward_merges=merges, never=never)
        steward_pairs = {frozenset(p) for p in merges}
        stewarded = {r for p in merges for r in p}  # only these can be in a steward pair
        groups: list[Group] = []
        where: dict[int, int] = {}
        for members in clusters:
            ok = len(members) > 1 or members[0] in resolvable
            group = Group(list(members), set(members), profiles[members[0]].party_type, ok)
            for m in members:
                where[m] = len(groups)
                if len(members) == 1:
                    group.links[m] = Link("new" if ok else "unresolvable")
                elif m in stewarded and any(frozenset((m, o)) in steward_pairs for o in members):
                    group.links[m] = Link("steward")
                else:
                    group.links[m] = evidence.get(m, Link("new"))
            groups.append(group)
        for rid in sorted(events):
            target, how = self._holder(session, graph, profiles[rid], where, groups)
            if target is None:
                groups.append(Group([rid], set(), profiles[rid].party_type, False, {rid: Link("unresolvable", None, {"reason": how})}))
            else:
                groups[target].members.append(rid)
                groups[target].links[rid] = Link("event_time", None, {"by": how})
        if not groups:
            return ResolutionStats()
        changed = apply_partition(session, groups, self.rules, actor, dirty=dirty, rows=graph.rows)
        return ResolutionStats(len(closure) + len(events), len(groups), len(changed))

    def _holder(self, session: Session, graph: _Graph, profile: Profile, where: dict[int, int], groups: list[Group]) -> tuple[int | None, str]:
        """Whoever held the caller's phone at the call: subscriptions first, then phone windows; else nobody."""
        moment = profile.observed_at
        if moment is None or not profile.phones:
            return None, "no_phone"
        for phone in profile.phones:
            key = f"id:phone:{phone.value}"
            if key in graph.generic or len(graph.lookup([key]).get(key, ())) >= self.config.generic_limit(key):
                return None, "generic_phone"
            by_sub = {where[r] for r in _subscription_holders(session, phone.value, moment) if r in where}
            if len(by_sub) == 1:
                return by_sub.pop(), "subscription"
            if by_sub:
                return None, "ambiguous"
            held = set()
            for rid in graph.lookup([key]).get(key, set()):
                other = graph.profiles.get(rid)
                if other is None or rid not in where:
                    continue
                for p in other.phones:
                    if p.value == phone.value and any(in_window(moment, w) for w in p.windows):
                        held.add(where[rid])
            if len(held) == 1:
                return held.pop(), "phone_window"
            if held:
                return None, "ambiguous"
        return None, "no_holder"


def _phone_keys(session: Session, record_ids: Collection[int]) -> dict[int, set[str]]:
    """The ``id:phone:`` keys each of these records holds."""
    out: dict[int, set[str]] = defaultdict(set)
    for part in chunked(sorted(record_ids)):
        for rid, key in session.execute(
            select(_KEYS.c.source_record_id, _KEYS.c.key).where(_KEYS.c.source_record_id.in_(part), _KEYS.c.key.startswith("id:phone:"))
        ):
            out[rid].add(key)
    return out


def _mates(session: Session, ids: Collection[int]) -> set[int]:
    goldens = set(current_golden(session, ids).values())
    return {m for ms in golden_members(session, goldens).values() for m in ms}


def _party_ids_by_ref(session: Session, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[str]] = defaultdict(list)
    for source, key in refs:
        by_source[source].append(key)
    for source, keys in by_source.items():
        for start in range(0, len(keys), 500):
            for rid, key in session.execute(
                select(_SOURCE.c.id, _SOURCE.c.source_key).where(
                    _SOURCE.c.source == source, _SOURCE.c.kind == "party", _SOURCE.c.source_key.in_(keys[start : start + 500])
                )
            ):
                out[(source, key)] = rid
    return out


def _subscription_holders_many(session: Session, phones: Collection[str], moment: object) -> dict[str, list[int]]:
    """Party records whose subscription held each MSISDN (at ``moment``, when given): one query per kind for all phones."""
    variants = {v: e164 for e164 in phones for v in _msisdn_variants(e164)}
    refs_by_phone: dict[str, set[tuple[str, str]]] = defaultdict(set)
    names = sorted(variants)
    for start in range(0, len(names), 500):
        rows = session.execute(
            select(_SUBS.c.msisdn, _SUBS.c.party_source, _SUBS.c.party_key, _SUBS.c.activated_at, _SUBS.c.deactivated_at)
            .where(_SUBS.c.msisdn.in_(names[start : start + 500]), _SUBS.c.deleted.is_(False))
        ).all()
        for msisdn, s, k, begin, end in rows:
            if s and k and (moment is None or in_window(moment, (begin, end))):  # type: ignore[arg-type]
                refs_by_phone[variants[msisdn]].add((s, k))
    ids = _party_ids_by_ref(session, {r for refs in refs_by_phone.values() for r in refs})
    return {e164: sorted(ids[r] for r in refs if r in ids) for e164, refs in refs_by_phone.items()}


def _subscription_holders(session: Session, e164: str, moment: object) -> list[int]:
    """Party records whose subscription held this MSISDN (at ``moment``, when given)."""
    return _subscription_holders_many(session, [e164], moment).get(e164, [])


def _refresh_landed_facts(session: Session, fact_ids: Mapping[str, Sequence[int]]) -> None:
    """Facts landing after their party: copy the party's golden id (and a related party's) onto these fact rows.

    Only the landed rows are updated, in the database (one correlated UPDATE per chunk); the party's
    other facts got its golden id when they landed or when it last changed (``apply_partition``).
    """
    parties = SourceRecord.__table__
    xrefs = CrossReference.__table__
    for kind, ids in sorted(fact_ids.items()):
        table = FACT_TABLES.get(kind)
        if table is None:
            continue
        for column, source, key in _GOLDEN_REFS:
            if not {column, source, key} <= set(table.c.keys()):
                continue
            golden = (
                select(xrefs.c.golden_id)
                .join(parties, parties.c.id == xrefs.c.source_record_id)
                .where(parties.c.source == table.c[source], parties.c.source_key == table.c[key], parties.c.kind == "party")
                .limit(1)
                .scalar_subquery()
            )
            for part in chunked(ids):
                session.execute(
                    update(table)
                    .where(table.c.source_record_id.in_(part), golden.is_not(None))
                    .values({column: golden}),
                    execution_options={"synchronize_session": False},
                )


_GOLDEN_REFS = (("golden_id", "party_source", "party_key"), ("related_golden_id", "related_source", "related_key"))


def resolve_full(
    engine: Engine, config: MatchConfig | None = None, rules: SurvivorshipRules = DEFAULT_RULES, *, learn: bool = False,
    learned_by: str = "identity-resolution",
) -> ResolutionStats:
    """Re-resolve every party from scratch (keys rebuilt); steward decisions still win.

    ``learn``: first estimate Fellegi–Sunter weights from these records (``hub.identity.weights``;
    the hand-set weights are the prior and the fallback), store them as the active set
    (``hub.identity.weights_store``, by ``learned_by``) and resolve with them. Otherwise the
    active stored weights are used, as the ingest hook uses them.
    """
    resolver = IdentityResolver(config, rules)
    with Session(engine) as session, session.begin():
        ids = party_ids(session)
        profiles = load_profiles(session, ids)
        session.execute(delete(IdentityKey))
        write_keys(session, ids, profiles)
        index: dict[str, set[int]] = defaultdict(set)
        for rid, profile in profiles.items():
            for key in block_keys(profile):
                index[key].add(rid)
        stale = set(session.execute(select(CrossReference.source_record_id)).scalars()) - set(profiles)
        for part in chunked(sorted(stale)):
            session.execute(delete(CrossReference).where(CrossReference.source_record_id.in_(part)))
        if learn:
            learned = learn_from(session, resolver.config, profiles, index)
            if learned is not None:
                resolver = IdentityResolver(learned.config(resolver.config), rules)
                resolver.learned = learned
                store_weights(session, learned, learned_by)
        resolver.config = resolver.stored.config(session)
        stats = _resolve_all(session, resolver, profiles, index)
        stats.learned = resolver.learned
        return stats


def learn_from(session: Session, config: MatchConfig, profiles: dict[int, Profile], index: dict[str, set[int]]) -> LearnedWeights | None:
    """Weights learned from these profiles' blocked candidate pairs (``None``: too little data)."""
    graph = _Graph(session, lambda keys: {k: index[k] for k in keys if k in index}, config, profiles)
    closure = sorted(rid for rid, p in profiles.items() if not p.event_time)
    graph.prepare(closure, ())

    def candidates(rid: int) -> list[int]:
        keys, found = graph.usable_keys(profiles[rid])
        return sorted({c for k in keys for c in found.get(k, ()) if c != rid and not profiles[c].event_time})

    return learn_weights(profiles, blocked_pairs(closure, candidates), graph.generic, config)


def _resolve_all(session: Session, resolver: IdentityResolver, profiles: dict[int, Profile], index: dict[str, set[int]]) -> ResolutionStats:
    merges, never, isolated = steward_rules(session)
    graph = _Graph(session, lambda keys: {k: index[k] for k in keys if k in index}, resolver.config, profiles)
    links: list[PairLink] = []
    evidence: dict[int, Link] = {}
    closure = {rid for rid, p in profiles.items() if not p.event_time}
    events = set(profiles) - closure
    for rid in sorted(closure):
        for other, score, ev in graph.neighbours(rid, isolated):
            if other > rid:
                links.append(PairLink(rid, other, score))
            evidence.setdefault(other, Link("deterministic" if ev.get("rule") else "probabilistic", score, ev))
    return resolver._apply(session, graph, closure, events, links, evidence, merges, never)
