"""What one resolver keeps in memory between pages: profiles, key holders, party references.

Resolving a page compares its records with candidates landed on earlier pages;
reading and rebuilding those candidates on every page was most of the cost of
incremental resolution. A ``ResidentState`` keeps them: filled lazily from the
database, changed in step with the resolver's own writes, and trusted only
while the identity epoch (``c360.hub.models.epoch``) still holds the token this
resolver wrote at the end of its last page. Any other writer in between (a
sync in another process, a steward, an erasure, ``resolve --full``), or a page
of its own that rolled back, empties it. Past ``limit`` profiles or ``key_limit``
keys it is emptied too and refills from the database.

When the key index is small enough (``preload_limit`` rows), a state that has
served ``preload_after`` pages in a row reads it whole: from then on a key not
held has no holders, and no page looks keys up in the database. A one-off
resolver (a steward's action) never pays for that read, and neither does one
that other writers keep emptying.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from c360.hub.collector import WorkingSetFreezer
from c360.hub.identity.store import Counted, counted_windows, load_profiles, subscription_windows
from c360.hub.identity.store import holders as read_holders
from c360.hub.ingest.landed import PartyRow
from c360.hub.models.epoch import advance_epoch, read_epoch
from c360.hub.models.identity_key import IdentityKey
from c360.hub.normalize.profile import Profile, block_keys, with_windows

__all__ = ["ResidentState", "Ref", "Holders", "LandedSubscription"]

Ref = tuple[str, str]  # a party's (source, source_key)
# A landed subscription: record id, its party (or None), E.164 (or None), activated, deactivated, deleted
LandedSubscription = tuple[int, Ref | None, str | None, dt.datetime | None, dt.datetime | None, bool]
Holders = Collection[int]  # the records holding one key: a tuple here, a set in a full run's index
_KEYS = IdentityKey.__table__


class ResidentState:
    """Profiles and complete holder sets of keys, valid for the current database state (see the module)."""

    def __init__(
        self, limit: int = 200_000, key_limit: int = 2_000_000, preload_limit: int | None = None, preload_after: int = 20,
    ) -> None:
        self.limit, self.key_limit = limit, key_limit
        self.preload_limit = key_limit if preload_limit is None else preload_limit
        self.preload_after = preload_after
        self.token: str | None = None  # the epoch token this state is valid for (None: not known valid)
        self.complete = False  # every key and profile is held (a full run): nothing is read from the database
        self._seen: str | None = None
        self._pages = 0  # pages served since the state was last emptied
        self._freezer = WorkingSetFreezer()  # keeps what is held out of the collector's full passes
        self.clear()

    @classmethod
    def over_index(cls, index: Mapping[str, Holders]) -> ResidentState:
        """A state holding a full run's whole key index, its profiles read from the database on demand."""
        state = cls(limit=0)
        state.holders, state.all_keys = index, True  # type: ignore[assignment]  # read only, as in ``of``
        return state

    def drop_profiles(self, keep: Iterable[int] = ()) -> None:
        """Let go of the profiles read so far (and their subscriptions) but those of ``keep``; the key holders stay."""
        kept = {rid: profile for rid in keep if (profile := self.profiles.get(rid)) is not None}
        for held in (self.profiles, self.refs, self.sub_owner, self.counted):
            held.clear()
        self.add_profiles(kept)

    @classmethod
    def of(cls, profiles: dict[int, Profile], index: Mapping[str, Holders]) -> ResidentState:
        """A complete state for a full run: the whole key index and the profiles of every record it resolves."""
        state = cls(limit=max(len(profiles), 1))
        state.profiles, state.complete = profiles, True
        state.holders = index  # type: ignore[assignment]  # read only: a full run's keys do not change
        return state

    def clear(self) -> None:
        self._freezer.emptied()
        self.profiles: dict[int, Profile] = {}
        # key → every record holding it (only keys looked up). Tuples, not sets: the collector stops
        # scanning a tuple of ints, and with hundreds of thousands of keys its full passes dominated
        self.holders: dict[str, Holders] = {}
        self.refs: dict[Ref, int] = {}  # party reference → its source record id
        self.sub_owner: dict[int, Ref] = {}  # subscription record → the party its windows were counted for
        # held party → its live subscriptions as ``subscription_windows`` reads them: its windows, in memory
        self.counted: dict[Ref, Counted] = {}
        self._held: dict[int, tuple[str, ...]] = {}  # record → the held keys it is in
        self.all_keys = False  # the whole key index is held: a key not held has no holders

    # ------------------------------------------------------------------ validity

    def begin(self, session: Session) -> None:
        """Start of a page: keep what is held only if the database still carries this state's token."""
        self._seen = read_epoch(session)
        if self.complete:
            return
        if self.token is None or self._seen != self.token or len(self.profiles) > self.limit or len(self.holders) > self.key_limit:
            self.clear()
            self._pages = 0
        if self._pages == self.preload_after and not self.all_keys:
            self._load_all_keys(session)
        self._pages += 1
        self.token = None  # until ``commit``: a page that fails half-way leaves nothing trusted behind

    def commit(self, session: Session) -> None:
        """End of a page, in its transaction: write a new token; held state is valid for it if nobody wrote between."""
        token = str(uuid.uuid4())
        if advance_epoch(session, token, expected=self._seen) and not self.complete:
            self.token = token
            self._freezer.grown(len(self.profiles))

    # ------------------------------------------------------------------ profiles

    def ensure(
        self, session: Session, ids: Iterable[int], rows: dict[int, Any], landed: Mapping[int, PartyRow] | None = None
    ) -> None:
        """Load the profiles of these party records that are not held (``rows`` gets the party rows read).

        ``landed``: the page's own party rows as the ingest handed them over, used instead of a read.
        """
        missing = [i for i in ids if i not in self.profiles]
        if missing and not self.complete:
            counted: dict[Ref, Counted] = {}
            self.add_profiles(load_profiles(session, missing, rows, counted, landed=landed))
            self._count(counted)

    def add_profiles(self, profiles: Mapping[int, Profile]) -> None:
        self.profiles.update(profiles)
        for rid, profile in profiles.items():
            self.refs[(profile.source, profile.source_key)] = rid

    def _count(self, counted: Mapping[Ref, Counted]) -> None:
        """Hold these parties' subscriptions as just read.

        A subscription already counted for another party keeps that owner: it was moved
        by the page being resolved, and ``land_subscriptions`` takes it from there.
        """
        self.counted.update(counted)
        owner = self.sub_owner
        for ref, subs in counted.items():
            for sub in subs:
                owner.setdefault(sub[0], ref)

    def land_subscriptions(self, landed: Iterable[LandedSubscription]) -> set[Ref]:
        """Move landed subscriptions between held parties' counts; returns the parties they left or joined."""
        touched: set[Ref] = set()
        owner, counted = self.sub_owner, self.counted
        for sub_id, ref, value, activated, deactivated, deleted in landed:
            left = owner.pop(sub_id, None)
            if left is not None:
                touched.add(left)
                subs = counted.get(left)
                if subs is not None:
                    counted[left] = tuple(s for s in subs if s[0] != sub_id)
            if ref is None:
                continue
            touched.add(ref)
            owner[sub_id] = ref
            subs = counted.get(ref)
            if subs is not None:
                kept = [s for s in subs if s[0] != sub_id]
                if not deleted:
                    kept.append((sub_id, value, activated, deactivated))
                    kept.sort()  # record id order, as ``subscription_windows`` counts them
                counted[ref] = tuple(kept)
        return touched

    def rewindow(self, session: Session, ids: Iterable[int]) -> None:
        """Subscriptions of these parties landed: patch the held profiles' phone windows (from memory)."""
        profiles, counted = self.profiles, self.counted
        held = {rid: profiles[rid] for rid in ids if rid in profiles}
        unknown = {ref for p in held.values() if (ref := (p.source, p.source_key)) not in counted}
        if unknown:  # held without its subscriptions (not loaded by ``ensure``): read them once
            read: dict[Ref, Counted] = {}
            subscription_windows(session, unknown, read)
            self._count(read)
        for rid, profile in held.items():
            profiles[rid] = with_windows(profile, counted_windows(counted[(profile.source, profile.source_key)]))

    def forget(self, ids: Iterable[int]) -> None:
        """These records' profiles are out of date (their payload or their phone windows changed)."""
        for rid in ids:
            profile = self.profiles.pop(rid, None)
            if profile is not None:
                self.counted.pop((profile.source, profile.source_key), None)

    # ------------------------------------------------------------------ keys

    def _load_all_keys(self, session: Session) -> None:
        """Hold the whole key index, when it has at most ``preload_limit`` rows."""
        if session.execute(select(func.count()).select_from(_KEYS)).scalar_one() > self.preload_limit:
            return
        holders: dict[str, list[int]] = defaultdict(list)
        held: dict[int, list[str]] = defaultdict(list)
        for key, rid in session.execute(select(_KEYS.c.key, _KEYS.c.source_record_id)):
            holders[key].append(rid)
            held[rid].append(key)
        self.holders = {key: tuple(dict.fromkeys(ids)) for key, ids in holders.items()}
        self._held = {rid: tuple(dict.fromkeys(keys)) for rid, keys in held.items()}
        self.all_keys = True

    def lookup(self, session: Session, keys: Collection[str]) -> dict[str, Holders]:
        """Every held key's holders, these keys included (read from the database when not held).

        Once every key is held (``complete``, ``all_keys``) a key missing from the answer has no holders.
        """
        known = self.holders
        missing = [k for k in keys if k not in known]
        if missing and (self.complete or self.all_keys):
            # Nothing to read, and nothing to add: a full run's index leaves out the keys only one
            # record holds, and adding them back as they are looked up would regrow it.
            return known
        if missing:
            found = read_holders(session, missing)
            held = self._held
            for key in missing:
                ids = known[key] = tuple(found.get(key, ()))
                for rid in ids:
                    held[rid] = held.get(rid, ()) + (key,)
        return known

    def replace_keys(self, rid: int, keys: Iterable[str]) -> None:
        """``rid``'s blocking keys were rewritten: move it between the held holder sets."""
        holders = self.holders
        for key in self._held.pop(rid, ()):
            holders[key] = tuple(r for r in holders[key] if r != rid)
        held = []
        for key in keys:
            ids = holders.get(key)
            if ids is None and self.all_keys:
                ids = ()
            if ids is not None:
                holders[key] = ids if rid in ids else (*ids, rid)
                held.append(key)
        if held:
            self._held[rid] = tuple(held)

    def keyless(self, ids: Iterable[int]) -> set[int]:
        """These records known to hold no stored keys (only while the whole key index is held: none otherwise)."""
        return {rid for rid in ids if rid not in self._held} if self.all_keys else set()

    def phone_keys(self, rid: int) -> set[str] | None:
        """The ``id:phone:`` keys of a record, when held (``None``: read them from the database)."""
        profile = self.profiles.get(rid)
        if profile is not None:
            return {k for k in block_keys(profile) if k.startswith("id:phone:")}
        if self.all_keys:
            return {k for k in self._held.get(rid, ()) if k.startswith("id:phone:")}
        return None
