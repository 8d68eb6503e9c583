"""Identity resolution: incremental (the ingest hook) and full (``full_run``), giving the same clusters.

Both build the same link graph: candidates share a blocking key, the pure
matcher scores them, accepted links are clustered deterministically
(``cluster``). Incremental resolution re-clusters only the link components
the landed records touch (found by walking links from them), which is what
a full run does for those components. Event-time parties (callers) attach
to whoever held their phone at that moment and never bridge two customers.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, bindparam, delete, select
from sqlalchemy.orm import Session

from c360.hub.db.id_lists import any_of, plan_lists_as_bound
from c360.hub.identity.cluster import Link as PairLink
from c360.hub.identity.cluster import cluster
from c360.hub.identity.golden import Group, Link, apply_partition, refresh_landed_facts
from c360.hub.identity.matcher import MatchConfig, compare, fits, hard_ids
from c360.hub.identity.resident import Holders, ResidentState
from c360.hub.identity.store import (
    chunked,
    current_golden,
    current_links,
    golden_kinds,
    golden_members,
    steward_rules,
    write_keys,
)
from c360.hub.identity.survivorship import DEFAULT_RULES, SurvivorshipRules
from c360.hub.identity.weights import LearnedWeights
from c360.hub.identity.weights_store import ActiveWeights
from c360.hub.ingest.landed import PartyRow
from c360.hub.models import CrossReference, SourceRecord, Subscription
from c360.hub.models.epoch import hold_identity_lock
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize import msisdn_spellings
from c360.hub.normalize.profile import Profile, Window, block_keys, local_numbers, phone_key, windows_overlap

__all__ = ["IdentityResolver", "CandidateGraph", "ResolutionStats", "subscription_holdings", "MOST_HOLDERS_LOOKED_AT"]

# Core tables, not ORM entities: the hot reads here return plain rows without the ORM's result machinery
_KEYS, _SUBS, _SOURCE = IdentityKey.__table__, Subscription.__table__, SourceRecord.__table__
_XREFS = CrossReference.__table__

# Built once, each list bound as one parameter (``c360.hub.db.id_lists``): SQLAlchemy's expanding IN
# cost more CPU per value than the database's lookup of it.
_LANDED = select(_SOURCE.c.id, _SOURCE.c.kind, _SOURCE.c.deleted).where(any_of(_SOURCE.c.id))
_DELETE_XREFS = delete(_XREFS).where(any_of(_XREFS.c.source_record_id))
_PHONE_KEYS = select(_KEYS.c.source_record_id, _KEYS.c.key).where(
    any_of(_KEYS.c.source_record_id), _KEYS.c.key.startswith("id:phone:")
)
_PARTIES_BY_KEY = select(_SOURCE.c.id, _SOURCE.c.source_key).where(
    _SOURCE.c.source == bindparam("source"), _SOURCE.c.kind == "party", any_of(_SOURCE.c.source_key, "keys")
)
_SUBS_BY_MSISDN = select(
    _SUBS.c.msisdn, _SUBS.c.party_source, _SUBS.c.party_key, _SUBS.c.activated_at, _SUBS.c.deactivated_at
).where(any_of(_SUBS.c.msisdn, "msisdns"), _SUBS.c.deleted.is_(False))
_LANDED_SUBS = select(
    _SUBS.c.source_record_id, _SUBS.c.party_source, _SUBS.c.party_key, _SUBS.c.msisdn,
    _SUBS.c.activated_at, _SUBS.c.deactivated_at, _SUBS.c.deleted,
).where(any_of(_SUBS.c.source_record_id))


@dataclass
class ResolutionStats:
    records: int = 0
    clusters: int = 0
    changed: int = 0
    learned: LearnedWeights | None = None  # weights learned by ``resolve_full(..., learn=True)``
    pinned: list[tuple[int, int]] = field(default_factory=list)  # steward merges added to keep records together
    batches: int = 0  # a full run: batches of components resolved one after another
    largest_component: int = 0  # a full run: party records in its largest component (one batch's least size)


class CandidateGraph:
    """Links among profiles, found through the resolver's resident state (all in memory for full runs).

    Lookups are made for a whole frontier at once (``prepare``): one key query
    and one profile load per frontier, not per record, and only for what the
    resident state does not hold yet. A record's usable keys are worked out once
    per page, and the party rows read are kept for survivorship (``rows``).
    """

    def __init__(
        self, session: Session, config: MatchConfig, state: ResidentState, landed: Mapping[int, PartyRow] | None = None
    ) -> None:
        self.session, self.config, self.state = session, config, state
        self.landed = landed  # the page's own party rows, handed over by the ingest
        self.rows: dict[int, Any] = {}
        self.generic: set[str] = set()
        self._usable: dict[int, tuple[list[str], dict[str, Holders]]] = {}

    @property
    def profiles(self) -> dict[int, Profile]:
        return self.state.profiles

    def keys(self, rid: int) -> tuple[str, ...]:
        """``block_keys`` of a loaded record (kept on its profile)."""
        return block_keys(self.state.profiles[rid])

    def lookup(self, keys: Collection[str]) -> dict[str, Holders]:
        """The non-empty holder sets of these keys."""
        known = self.state.lookup(self.session, keys)
        return {k: ids for k in keys if (ids := known.get(k, ()))}

    def ensure(self, ids: Iterable[int]) -> None:
        self.state.ensure(self.session, ids, self.rows, self.landed)

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

    def usable_keys(self, profile: Profile) -> tuple[list[str], dict[str, Holders]]:
        cached = self._usable.get(profile.record_id)
        if cached is not None:
            return cached
        keys = self.keys(profile.record_id)
        found = self.state.holders
        usable = []
        for key in keys:
            ids = found.get(key)
            if ids is None:  # not looked up yet (``prepare`` usually has): all of this record's keys at once
                found = self.state.lookup(self.session, keys)  # every key held so far, read as is: no copy
                ids = found.get(key, ())
            count = len(ids)
            if key.startswith("id:") and count >= self.config.generic_limit(key):
                self.generic.add(key)
            elif not key.startswith("id:") and count > self.config.name_block_cap:
                continue
            else:
                usable.append(key)
        self._usable[profile.record_id] = (usable, found)
        return usable, found

    def candidates(self, rid: int, isolated: Collection[int]) -> list[int]:
        """The records ``rid`` is compared with: the holders of its usable keys (none when it is
        isolated or an interaction record)."""
        profile = self.profiles[rid]
        if rid in isolated or profile.event_time:
            return []
        keys, found = self.usable_keys(profile)
        return sorted({c for k in keys for c in found.get(k, ()) if c != rid and c not in isolated})

    def neighbours(
        self, rid: int, isolated: Collection[int], candidates: Sequence[int] | None = None,
    ) -> list[tuple[int, float, dict[str, object]]]:
        """The ``candidates`` of ``rid`` (``candidates(rid, isolated)`` when not given) the matcher links it to."""
        if candidates is None:
            candidates = self.candidates(rid, isolated)
        if not candidates:
            return []
        profile = self.profiles[rid]
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
    """The ingest hook (``LandedRecordsHandler``): resolves every landed party, and facts' golden ids.

    One object may serve many threads (the scheduler's jobs share one, so its resident
    state stays valid from one job's page to the next): each call takes the identity
    lock in the caller's transaction (``hold_identity_lock``: one writer across threads
    and processes), then this object's own mutex for its memory.
    """

    def __init__(self, config: MatchConfig | None = None, rules: SurvivorshipRules = DEFAULT_RULES) -> None:
        self.config = config or MatchConfig()
        self.rules = rules
        self.learned: LearnedWeights | None = None
        self.stored = ActiveWeights(self.config)  # the learned weights in force (one tiny query per page)
        self.resident = ResidentState()  # profiles and key holders kept from page to page
        self._mutex = threading.Lock()  # taken after the identity lock, so never held while waiting for it

    def records_landed(
        self, session: Session, source_record_ids: Sequence[int], parties: Mapping[int, PartyRow] | None = None
    ) -> None:
        if not source_record_ids:
            return
        hold_identity_lock(session)
        with self._mutex:
            self._records_landed(session, source_record_ids, parties)

    def _records_landed(
        self, session: Session, source_record_ids: Sequence[int], landed_rows: Mapping[int, PartyRow] | None
    ) -> None:
        plan_lists_as_bound(session)
        rows: list[Row[*tuple[Any, ...]]] = []
        for part in chunked(source_record_ids):
            rows.extend(session.execute(_LANDED, {"ids": part}))
        parties = [r.id for r in rows if r.kind == "party"]
        seeds: set[int] = set()
        state = self.resident
        state.begin(session)
        self.config = self.stored.config(session)
        graph = CandidateGraph(session, self.config, state, landed_rows)
        if parties:
            state.forget(parties)  # landed anew: built again from what is stored now
            graph.ensure(parties)
            landed = {rid: graph.keys(rid) for rid in parties if rid in state.profiles}
            write_keys(session, parties, state.profiles, state.keyless(parties))
            for rid in parties:
                state.replace_keys(rid, landed.get(rid, ()))
            seeds |= set(parties)
            seeds |= self._subscription_callers(graph, parties)
            seeds |= self._generic_crossings(graph, landed)
            gone = [rid for rid in parties if rid not in landed]
            if gone:
                seeds |= self._detach(session, gone)
        subs = [r.id for r in rows if r.kind == "subscription"]
        if subs:
            seeds |= self._subscription_seeds(session, graph, subs)
        callers = self._settled_callers(session, seeds, parties)
        handled: set[int] = set()
        if seeds - callers:
            self._resolve(session, graph, seeds - callers, None, set(parties), handled)
        if callers - handled:
            self._attach_callers(session, graph, sorted(callers - handled), set(parties))
        facts: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            if r.kind != "party":
                facts[r.kind].append(r.id)
        if facts:
            refresh_landed_facts(session, facts)
        state.commit(session)

    def _generic_crossings(self, graph: CandidateGraph, landed: Mapping[int, Sequence[str]]) -> set[int]:
        """A value that just became generic (or a name block too big): its earlier holders need a fresh look."""
        landed_by_key: dict[str, int] = defaultdict(int)
        for keys in landed.values():
            for key in keys:
                if not key.startswith("ev:"):
                    landed_by_key[key] += 1
        found = graph.lookup(landed_by_key)  # also the resolution's first lookup, made once
        seeds: set[int] = set()
        for key, ids in found.items():
            limit = self.config.generic_limit(key) if key.startswith("id:") else self.config.name_block_cap + 1
            if len(ids) >= limit > len(ids) - landed_by_key[key]:
                seeds.update(ids)
        return seeds

    def _subscription_callers(self, graph: CandidateGraph, parties: Iterable[int]) -> set[int]:
        """Callers of numbers landed parties hold only through subscriptions (not in their payload's phones).

        A caller attaches to the holder of its subscription; when the party lands after
        the subscription and the call, this is what a full run attaches them to (callers
        of the payload's phones are found by the walk). Read from the subscriptions
        ``ensure`` just loaded with the profiles.
        """
        profiles, counted = self.resident.profiles, self.resident.counted
        keys: set[str] = set()
        for rid in parties:
            profile = profiles.get(rid)
            if profile is None or profile.event_time:
                continue
            subs = counted.get((profile.source, profile.source_key), ())
            if subs:
                own = {p.value for p in profile.phones}
                keys.update(f"ev:phone:{value}" for _, value, *_ in subs if value and value not in own)
        return {rid for ids in graph.lookup(keys).values() for rid in ids} if keys else set()

    def _detach(self, session: Session, gone: list[int]) -> set[int]:
        """Deleted parties leave their golden; the rest of it is re-resolved."""
        before = current_golden(session, gone)
        mates = {m for ms in golden_members(session, set(before.values())).values() for m in ms} - set(gone)
        for part in chunked(gone):
            session.execute(_DELETE_XREFS, {"ids": part})
        return mates

    def _subscription_seeds(self, session: Session, graph: CandidateGraph, subs: list[int]) -> set[int]:
        """Parties whose comparisons a landed subscription can change, and the callers of its number.

        A subscription only narrows or widens the windows in which its party held
        a number, and windows only matter between two records holding one number
        (``compare``'s phone verdict, a caller's holder). So its party is re-resolved
        when another record holds one of the party's numbers too; a party whose
        numbers nobody else holds changes no link, and its golden does not depend on them.
        A subscription moved to another party counts for the party it left as well
        (when this resolver still remembers that party). Held parties' windows are
        patched from the landed rows alone (``ResidentState.land_subscriptions``).
        """
        state = self.resident
        rows: list[Row[*tuple[Any, ...]]] = []
        for part in chunked(subs):
            rows.extend(session.execute(_LANDED_SUBS, {"ids": part}))
        landed = [
            (sub_id, (source, key) if source and key else None, phone_key(msisdn or ""), start, end, bool(deleted))
            for sub_id, source, key, msisdn, start, end, deleted in rows
        ]
        refs = state.land_subscriptions(landed)
        parties = set(self._party_ids(session, refs).values())
        phones = {value for _, _, value, *_ in landed if value}
        own: dict[int, set[str]] = {}
        for rid in parties:
            keys = state.phone_keys(rid)
            if keys is not None:
                own[rid] = keys
        own.update(_phone_keys(session, parties - set(own)))
        state.rewindow(session, parties)  # their phone windows changed
        found = graph.lookup({k for ks in own.values() for k in ks})
        seeds = {rid for rid, keys in own.items() if any(len(found.get(k, ())) > 1 for k in keys)}
        for ids in graph.lookup({f"ev:phone:{v}" for v in phones}).values():
            seeds.update(ids)
        return seeds

    def _party_ids(self, session: Session, refs: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """Party record ids by reference, from the resident state where it knows them."""
        known = self.resident.refs
        out = {ref: known[ref] for ref in refs if ref in known}
        missing = [ref for ref in refs if ref not in known]
        if missing:
            found = _party_ids_by_ref(session, missing)
            known.update(found)
            out.update(found)
        return out

    def resolve_records(
        self, session: Session, seeds: Iterable[int], actor: str | None = None, *,
        leaving: Collection[int] = (), together: Collection[int] = (),
    ) -> ResolutionStats:
        """Re-cluster the link components around ``seeds`` (party record ids); ``actor`` records the events (a steward).

        ``leaving``: records a steward takes out of their customer.
        ``together``: the records that stay in it: one customer, which keeps its id. Where the
        clustering would part them (their links ran through a leaving record), merges joining
        them are added to the steward merges and returned in ``pinned`` for the caller to store.
        """
        hold_identity_lock(session)
        with self._mutex:
            plan_lists_as_bound(session)
            self.resident.begin(session)
            self.config = self.stored.config(session)
            graph = CandidateGraph(session, self.config, self.resident)
            stats = self._resolve(session, graph, seeds, actor, None, leaving=leaving, together=together)
            self.resident.commit(session)
            return stats

    def _settled_callers(self, session: Session, seeds: Collection[int], parties: Collection[int]) -> set[int]:
        """Landed interaction records that can attach to the customers as they stand (``_attach_callers``).

        An interaction record never links two others, so landing one changes no
        cluster: re-walking its holders' neighbourhoods would give them back as
        they are. Records a steward ruled on take the full walk.
        """
        profiles = self.resident.profiles
        callers = {rid for rid in parties if rid in seeds and rid in profiles and profiles[rid].event_time}
        if callers:
            merges, never, isolated = steward_rules(session)
            callers -= {r for pair in (*merges, *never) for r in pair} | isolated
        return callers

    def _attach_callers(self, session: Session, graph: CandidateGraph, callers: Sequence[int], dirty: Collection[int]) -> None:
        """Attach interaction records to the customers holding their phones, the customers left as they are.

        The same decision the full walk makes (``_holder``), over the holders'
        current customers: every member of each customer touched (a holder's,
        and the one a caller leaves) goes into ``apply_partition`` with its
        stored link, so only the callers' cross-references change.
        """
        profiles = graph.profiles
        phones = sorted({p.value for c in callers for p in profiles[c].phones})
        holdings = subscription_holdings(session, phones)
        holders: set[int] = {rid for held in holdings.values() for rid, _ in held}
        for ids in graph.lookup([f"id:phone:{v}" for v in phones]).values():
            holders.update(ids)
        before = current_golden(session, holders | set(callers))
        members = golden_members(session, set(before.values()))
        everyone = {m for ms in members.values() for m in ms} | set(callers)
        graph.ensure(everyone)
        stored = current_links(session, everyone)
        kinds = golden_kinds(session, members)
        groups: list[Group] = []
        where: dict[int, int] = {}
        moving = set(callers)
        for gid in sorted(members):
            kept = sorted(m for m in members[gid] if m not in moving and m in profiles)
            if not kept:
                continue
            kind, resolvable = kinds[gid]
            links = {m: Link(*stored[m][1:]) for m in kept if m in stored}
            anchors = {m for m in kept if not profiles[m].event_time}
            for m in kept:
                where[m] = len(groups)
            groups.append(Group(kept, anchors, kind, resolvable, links))
        for rid in callers:
            profile = profiles[rid]
            target, how = self._holder(graph, profile, where, groups, holdings)
            if target is None:
                groups.append(Group([rid], set(), profile.party_type, False, {rid: Link("unresolvable", None, {"reason": how})}))
            else:
                groups[target].members.append(rid)
                groups[target].links[rid] = Link("event_time", None, {"by": how})
        apply_partition(session, groups, self.rules, None, dirty=dirty, rows=graph.rows, stored=stored)

    def _resolve(
        self, session: Session, graph: CandidateGraph, seeds: Iterable[int], actor: str | None, dirty: Collection[int] | None,
        handled: set[int] | None = None, *, leaving: Collection[int] = (), together: Collection[int] = (),
    ) -> ResolutionStats:
        """``dirty``: the records whose content changed (``None``: any may have; see ``apply_partition``).

        ``handled``: filled with the interaction records the walk reached (and attached).
        """
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
            ev_keys = {f"ev:phone:{value}" for rid in ordered for p in graph.profiles[rid].phones if not graph.profiles[rid].event_time
                       for value in local_numbers(p.value)}  # callers on the number, or on its local part
            for ids in graph.lookup(ev_keys).values():
                nxt.update(ids)
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
        if handled is not None:
            handled |= events
        return self.apply_links(session, graph, closure, events, links, evidence, merges, never, actor, dirty, leaving, together)

    def _event_anchors(self, session: Session, graph: CandidateGraph, profiles: Sequence[Profile]) -> set[int]:
        """Possible holders of these callers' phones (identifier rows and subscriptions), looked up in one go."""
        phones = sorted({p.value for profile in profiles for p in profile.phones})
        anchors: set[int] = set()
        for ids in graph.lookup([f"id:phone:{v}" for v in phones]).values():
            anchors.update(ids)
        for held in subscription_holdings(session, phones).values():
            anchors.update(rid for rid, _ in held)
        return anchors

    def apply_links(
        self, session: Session, graph: CandidateGraph, closure: set[int], events: set[int],
        links: list[PairLink], evidence: dict[int, Link], merges: list[tuple[int, int]], never: list[tuple[int, int]],
        actor: str | None = None, dirty: Collection[int] | None = None, leaving: Collection[int] = (),
        together: Collection[int] = (),
    ) -> ResolutionStats:
        """Cluster ``closure`` along ``links`` (steward decisions first), attach the interaction records
        ``events`` to their phones' holders, and write the partition (``apply_partition``)."""
        profiles = graph.profiles
        resolvable = {rid for rid in closure if graph.keys(rid)}
        traits = {rid: (profiles[rid].party_type, hard_ids(profiles[rid])) for rid in closure}
        pair_links = [link for link in links if link.left in resolvable and link.right in resolvable]
        clusters = cluster(sorted(closure), pair_links, traits, steward_merges=merges, never=never)
        pinned = _pins(clusters, together)
        if pinned:
            merges = [*merges, *pinned]
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
        holdings = subscription_holdings(session, sorted({p.value for rid in events for p in profiles[rid].phones}))
        for rid in sorted(events):
            target, how = self._holder(graph, profiles[rid], where, groups, holdings)
            if target is None:
                groups.append(Group([rid], set(), profiles[rid].party_type, False, {rid: Link("unresolvable", None, {"reason": how})}))
            else:
                groups[target].members.append(rid)
                groups[target].links[rid] = Link("event_time", None, {"by": how})
        if not groups:
            return ResolutionStats()
        changed = apply_partition(
            session, groups, self.rules, actor, dirty=dirty, rows=graph.rows, leaving=leaving, staying=together,
        )
        return ResolutionStats(len(closure) + len(events), len(groups), len(changed), pinned=pinned)

    def _holder(
        self, graph: CandidateGraph, profile: Profile, where: dict[int, int], groups: list[Group],
        holdings: Mapping[str, list[tuple[int, Window]]],
    ) -> tuple[int | None, str]:
        """The customer who held the caller's phone when the call was observed, if nothing contradicts it.

        Holders are found per phone at the observation: first those whose holding
        is dated (a subscription, or a phone window with a bound), then those whose
        record only mentions the number (a contact phone on a bill). Of the holders
        of a tier, those the caller does not contradict (``fits``: name or surname,
        sex from the form of address, documents) count; exactly one is the answer.
        A number several customers hold at once (a household's line, a
        switchboard) is thus never enough alone; a number held by many
        customers at that time (``generic_limit``), or written on very many
        records at all, is a placeholder and not looked at.
        """
        if profile.observed_at is None or not profile.phones:
            return None, "no_phone"
        observed = [profile.observation]
        outcome = "no_holder"
        for phone in profile.phones:
            if phone.kind == "fixed" and not (profile.name_key or profile.surname):
                outcome = "fixed_line_unnamed"  # a household's line says which home; without a name, not who called
                continue
            key = f"id:phone:{phone.value}"
            holders = graph.lookup([key]).get(key, ())
            if len(holders) > MOST_HOLDERS_LOOKED_AT:
                outcome = "generic_phone"
                continue
            dated = {where[r] for r, window in holdings.get(phone.value, ()) if r in where and windows_overlap([window], observed)}
            how = "subscription" if dated else "phone_window"
            mentioned: set[int] = set()
            for rid in holders:
                other = graph.profiles.get(rid)
                if other is None or rid not in where or other.event_time:
                    continue
                for held in other.phones:
                    if phone.value in local_numbers(held.value) and windows_overlap(held.windows, observed):
                        (dated if _dated(held.windows) else mentioned).add(where[rid])
            if len(dated | mentioned) >= self.config.generic_limit(key):
                outcome = "generic_phone"  # held by that many customers at once: a switchboard, a placeholder
                continue
            for found, tier in ((dated, how), (mentioned, "phone_mention")):
                fitting = [g for g in sorted(found) if fits(profile, [graph.profiles[m] for m in groups[g].members if m in graph.profiles])]
                if len(fitting) == 1:
                    return fitting[0], tier
                if fitting:
                    return None, "ambiguous"
                if found:
                    outcome = "contradicted"
        return None, outcome


# A number on more records than this (over all time) is not looked at for a caller: a placeholder
MOST_HOLDERS_LOOKED_AT = 60


def _pins(clusters: Sequence[Sequence[int]], together: Collection[int]) -> list[tuple[int, int]]:
    """Merges that join the clusters holding records of ``together``: the first such record of the
    first cluster with the first of each other (none when they are in one cluster already)."""
    wanted = set(together)
    if not wanted:
        return []
    firsts = [next(m for m in members if m in wanted) for members in clusters if not wanted.isdisjoint(members)]
    return [(firsts[0], other) for other in firsts[1:]]


def _first(item: tuple[int, Window]) -> int:
    return item[0]


def _dated(windows: Sequence[Window]) -> bool:
    """A holding with a start or an end: a subscription period, not a number merely written on a record."""
    return any(start is not None or end is not None for start, end in windows)


def _phone_keys(session: Session, record_ids: Collection[int]) -> dict[int, set[str]]:
    """The ``id:phone:`` keys each of these records holds."""
    out: dict[int, set[str]] = defaultdict(set)
    for part in chunked(sorted(record_ids)):
        for rid, key in session.execute(_PHONE_KEYS, {"ids": part}):
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
            for rid, key in session.execute(_PARTIES_BY_KEY, {"source": source, "keys": keys[start : start + 500]}):
                out[(source, key)] = rid
    return out


def subscription_holdings(session: Session, phones: Collection[str]) -> dict[str, list[tuple[int, Window]]]:
    """Party records whose live subscription held each MSISDN, with the window it held it in: one query per 500 numbers."""
    variants = {v: e164 for e164 in phones for v in msisdn_spellings(e164)}
    by_phone: dict[str, list[tuple[tuple[str, str], Window]]] = defaultdict(list)
    names = sorted(variants)
    for start in range(0, len(names), 500):
        rows = session.execute(_SUBS_BY_MSISDN, {"msisdns": names[start : start + 500]}).all()
        for msisdn, s, k, begin, end in rows:
            if s and k:
                by_phone[variants[msisdn]].append(((s, k), (begin, end)))
    ids = _party_ids_by_ref(session, {ref for held in by_phone.values() for ref, _ in held})
    return {
        e164: sorted(((ids[ref], window) for ref, window in held if ref in ids), key=_first)
        for e164, held in by_phone.items()
    }
