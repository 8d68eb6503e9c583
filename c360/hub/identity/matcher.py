"""The matcher: a pure, explainable Fellegi–Sunter style score over two profiles.

Each comparison adds a log-odds weight (agreement positive, disagreement
negative). Trusted document numbers decide alone: equal ones match,
different ones never do. Generic values (a business hall's phone) and
honorific-only names ("王先生") carry no weight at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from c360.hub.normalize import surname_key
from c360.hub.normalize.documents import RIC
from c360.hub.normalize.profile import HARD_ID_KINDS, Profile, windows_overlap
from c360.hub.normalize.ric import masks_agree

__all__ = ["MatchConfig", "Comparison", "Verdict", "compare", "fits", "hard_ids"]

HARD_ID_TYPES = HARD_ID_KINDS


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds on the summed weight: ≥ ``match`` links, [``review``, ``match``) goes to a steward."""

    match: float = 9.0
    review: float = 5.0
    generic_min_holders: int = 8  # a value on this many distinct records stops being an identifier
    name_block_cap: int = 200  # a name block this large is too common to look candidates up by
    generic_document_min_holders: int = 10  # a document number is shared less readily than a phone (a household's line)
    # learned weights per (field, outcome) (``c360.hub.identity.weights``); ``None``: the hand-set weights below
    weights: Mapping[tuple[str, str], float] | None = field(default=None, compare=False, hash=False)

    def generic_limit(self, key: str) -> int:
        """Holders from which an ``id:`` key's value is generic (a business hall's phone, a placeholder document)."""
        if key.startswith(("id:phone:", "id:email:")):
            return self.generic_min_holders
        return self.generic_document_min_holders


@dataclass(frozen=True)
class Verdict:
    field: str
    outcome: str  # agree | partial | disagree | ignored
    weight: float


@dataclass(frozen=True)
class Comparison:
    score: float
    decision: str  # match | review | non_match | never
    rule: str | None  # deterministic rule that decided, if any
    verdicts: tuple[Verdict, ...] = field(default_factory=tuple)

    def evidence(self) -> dict[str, object]:
        """JSON-ready reasons (field names and weights, never the values)."""
        return {
            "score": round(self.score, 2),
            "rule": self.rule,
            "fields": {v.field: [v.outcome, v.weight] for v in self.verdicts},
        }


def hard_ids(profile: Profile) -> dict[str, set[str]]:
    """Document numbers that identify one party only (used as cannot-link constraints).

    Worked out once per profile and kept on it (every comparison asks): read-only, copy before changing.
    """
    found = profile.__dict__.get("_hard_ids")
    if found is None:
        found = {}
        for kind, value in profile.ids:
            if kind in HARD_ID_TYPES:
                found.setdefault(kind, set()).add(value)
        object.__setattr__(profile, "_hard_ids", found)  # a cache, not a field: equality is unaffected
    return found


def _organization_names(a: Profile, b: Profile) -> Verdict | None:
    """Enterprises by the core of their names (天明机械设备 of 广州天明机械设备有限公司 and 天明机械设备（广州）有限公司)."""
    if not (a.name_key and b.name_key):
        return None
    if a.name_key == b.name_key:
        return Verdict("name", "agree_core", 6.0)  # a firm's own words, region and legal form aside: rarely shared
    short, long = sorted((a.name_key, b.name_key), key=len)
    if len(short) >= 4 and short in long:
        return Verdict("name", "partial_core", 2.0)  # a short name (达利物业) inside the full one
    return Verdict("name", "disagree", -5.0)


def _names(a: Profile, b: Profile) -> Verdict | None:
    if a.party_type == "organization":
        return _organization_names(a, b)
    if a.honorific_only or b.honorific_only:
        return Verdict("name", "ignored", 0.0)
    if not (a.name_key and b.name_key):
        return None
    if a.name_tokens and b.name_tokens:
        return _latin_names(a.name_tokens, b.name_tokens)
    if a.name == b.name:
        return Verdict("name", "agree", 5.0)
    if a.name_key == b.name_key:
        return Verdict("name", "agree_sound", 4.0)  # 张伟/張偉/张玮/Wei Zhang
    if a.name_sound and a.name_sound == b.name_sound:
        return Verdict("name", "agree_near_sound", 3.0)  # 陈静/程静, 刘敏/牛敏: misheard, or typed as heard
    similarity = JaroWinkler.similarity(a.name_key, b.name_key)
    if similarity >= 0.93:
        # one syllable off: a typo, or a sibling (王建国/王建军): barely evidence either way
        return Verdict("name", "partial", 0.5)
    return Verdict("name", "disagree", -5.0)


_WORD_SIMILAR = 0.88  # Jaro–Winkler of two words of a name written with a typo


def _aligned(short: tuple[str, ...], long: tuple[str, ...]) -> list[float]:
    """Best word-to-word similarities, in any order (names are short: permutations are cheap)."""
    if len(long) > 4:
        return [JaroWinkler.similarity(x, y) for x, y in zip(short, long, strict=False)]
    best: list[float] = []
    for order in permutations(long, len(short)):
        sims = [JaroWinkler.similarity(x, y) for x, y in zip(short, order, strict=True)]
        if sum(sims) > sum(best):
            best = sims
    return best


def _latin_names(a: tuple[str, ...], b: tuple[str, ...]) -> Verdict:
    """Latin-script names word by word: order-free, typo-tolerant, a missing word is not a disagreement."""
    if a == b:
        return Verdict("name", "agree", 7.0 if len(a) > 1 else 5.0)  # two words agreeing say more than one
    if sorted(a) == sorted(b) or "".join(a) == "".join(b):
        return Verdict("name", "agree_reordered", 6.0)  # words swapped, or a space slipped in
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    sims = _aligned(short, long)
    close = sum(1 for s in sims if s >= _WORD_SIMILAR)
    exact = sum(1 for s in sims if s == 1.0)
    if close == len(short) and len(short) == len(long):
        return Verdict("name", "partial", 5.0 if exact else 3.5)  # a typo
    if close == len(short):
        return Verdict("name", "partial_missing", 2.0)  # one record lacks a word (given name or surname)
    if close:
        return Verdict("name", "partial_one", -1.0)  # one word agrees, another does not
    return Verdict("name", "disagree", -5.0)


def _birth_dates(a: dt.date, b: dt.date) -> Verdict:
    if a == b:
        return Verdict("birth_date", "agree", 5.0)
    x, y = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    if DamerauLevenshtein.distance(x, y) <= 1 or (a.year == b.year and a.month == b.day and a.day == b.month):
        return Verdict("birth_date", "partial", -1.0)  # one digit typed wrong, day and month swapped, or a sibling
    return Verdict("birth_date", "disagree", -6.0)


def _soft_ids(a: Profile, b: Profile, generic: Collection[str]) -> Verdict | None:
    """Document numbers that may carry typos (no check digit): compared fuzzily, never decisive alone."""
    soft_a: dict[str, set[str]] = {}
    for kind, value in a.ids:
        if kind not in HARD_ID_TYPES:
            soft_a.setdefault(kind, set()).add(value)
    best: Verdict | None = None
    for kind, value in b.ids:
        mine = soft_a.get(kind)
        if not mine:
            continue
        if value in mine:
            verdict = Verdict("id", "ignored", 0.0) if f"id:{kind}:{value}" in generic else Verdict("id", "agree", 9.0)
        elif any(DamerauLevenshtein.distance(value, m) <= 1 for m in mine):
            verdict = Verdict("id", "partial", 4.0)
        else:
            verdict = Verdict("id", "disagree", -1.0)  # mistyped or re-issued documents are common
        if best is None or verdict.weight > best.weight:
            best = verdict
    return best


def _masked_ids(a: Profile, b: Profile) -> Verdict | None:
    """A resident ID printed with hidden digits, against the other side's number (whole or masked).

    The digits shown (the region, the last four) agreeing are strong evidence, short of a whole number's
    certainty; a shown digit that differs says the documents differ, which a typo can also explain.
    """
    if not (a.masked_ids or b.masked_ids):
        return None
    whole_a, whole_b = hard_ids(a).get(RIC, set()), hard_ids(b).get(RIC, set())
    best: Verdict | None = None
    for one in (*a.masked_ids, *whole_a):
        for other in (*b.masked_ids, *whole_b):
            agree = None if one in whole_a and other in whole_b else masks_agree(one, other)  # two whole: decided above
            if agree is None:
                continue
            verdict = Verdict("masked_id", "agree", 6.0) if agree else Verdict("masked_id", "disagree", -5.0)
            if best is None or verdict.weight > best.weight:
                best = verdict
    return best


def _addresses(a: Profile, b: Profile) -> Verdict | None:
    if a.address_tokens and b.address_tokens:
        return _latin_addresses(a, b)
    if a.street and a.street == b.street and _places_agree(a.places, b.places):
        if a.street_detail and b.street_detail:
            if a.street_detail != b.street_detail:
                return Verdict("address", "same_building", 1.0)  # neighbours, or a move within the block
            return Verdict("address", "agree_flat", 5.0)  # down to the flat
        return Verdict("address", "agree_street", 4.0)  # at the depth both give: 天河区体育西路123号 in a full address
    if not (a.address and b.address):
        return None
    if a.address == b.address:
        return Verdict("address", "agree", 3.0)
    if a.locality == b.locality:
        return Verdict("address", "partial", 1.0)
    return None


def _places_agree(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Province, city and district agree wherever both addresses name them."""
    return all(not x or not y or x == y for x, y in zip(a, b, strict=True))


def _latin_addresses(a: Profile, b: Profile) -> Verdict:
    """A whole street address with its house number, in a wide-open alphabet: rarely shared by chance."""
    if a.address == b.address:
        return Verdict("address", "agree", 5.0)
    similarity = max(fuzz.token_sort_ratio(a.address or "", b.address or ""),
                     fuzz.ratio((a.address or "").replace(" ", ""), (b.address or "").replace(" ", ""))) / 100
    if similarity >= 0.9:
        return Verdict("address", "agree_fuzzy", 4.0)
    if similarity >= 0.75:
        return Verdict("address", "partial", 2.0)
    if a.locality and a.locality == b.locality:
        return Verdict("address", "same_locality", 0.5)
    return Verdict("address", "disagree", -1.0)


def compare(a: Profile, b: Profile, generic: Collection[str] = (), config: MatchConfig | None = None) -> Comparison:
    """Score two profiles. ``generic`` holds keys (``id:phone:…``) found generic in the data."""
    config = config or MatchConfig()
    if a.party_type != b.party_type:
        return Comparison(float("-inf"), "never", "party_type_differs", (Verdict("party_type", "disagree", float("-inf")),))
    verdicts: list[Verdict] = []
    ids_a, ids_b = hard_ids(a), hard_ids(b)
    for kind in sorted(set(ids_a) & set(ids_b)):
        if f"id:{kind}:{min(ids_a[kind])}" in generic:
            verdicts.append(Verdict(kind, "ignored", 0.0))
            continue
        if ids_a[kind] & ids_b[kind]:
            return Comparison(30.0, "match", f"same_{kind}", (Verdict(kind, "agree", 30.0),))
        return Comparison(float("-inf"), "never", f"different_{kind}", (Verdict(kind, "disagree", float("-inf")),))

    name = _names(a, b)
    if name:
        verdicts.append(name)
    if a.birth_date and b.birth_date:
        verdicts.append(_birth_dates(a.birth_date, b.birth_date))
    soft = _soft_ids(a, b, generic)
    if soft:
        verdicts.append(soft)
    masked = _masked_ids(a, b)
    if masked:
        verdicts.append(masked)
    if a.gender and b.gender and a.gender != b.gender:
        verdicts.append(Verdict("gender", "disagree", -6.0))

    phones_b = {p.value: p for p in b.phones}
    best_phone: Verdict | None = None
    for phone in a.phones:
        other = phones_b.get(phone.value)
        if other is None:
            continue
        if f"id:phone:{phone.value}" in generic:
            candidate = Verdict("phone", "ignored", 0.0)
        elif not windows_overlap(phone.windows, other.windows):
            candidate = Verdict("phone", "other_holder", 0.0)  # a recycled number: held at different times
        else:
            candidate = Verdict("phone", "agree", 7.0 if phone.kind == "mobile" else 4.0)
        if best_phone is None or candidate.weight > best_phone.weight:
            best_phone = candidate
    if best_phone:
        verdicts.append(best_phone)

    shared_emails = a.emails & b.emails
    if shared_emails:
        generic_only = all(f"id:email:{e}" in generic for e in shared_emails)
        verdicts.append(Verdict("email", "ignored", 0.0) if generic_only else Verdict("email", "agree", 7.0))
    address = _addresses(a, b)
    if address:
        if best_phone is not None and best_phone.outcome == "agree" and address.weight > 0:
            # One line and one address say "one household", not "one person": counted once, the name must do the rest
            address = Verdict("address", "household", 1.0)
        verdicts.append(address)

    if config.weights:
        learned = config.weights
        verdicts = [
            Verdict(v.field, v.outcome, learned.get((v.field, v.outcome), v.weight)) if v.outcome not in ("ignored", "other_holder") else v
            for v in verdicts
        ]
    score = sum(v.weight for v in verdicts)
    decision = "match" if score >= config.match else "review" if score >= config.review else "non_match"
    return Comparison(score, decision, None, tuple(verdicts))


def fits(caller: Profile, members: Sequence[Profile]) -> bool:
    """Nothing the caller says of itself contradicts this customer (its member records).

    Used to attach an interaction record to the holder of its phone, where the
    phone already says who it is: so only contradictions count. A full name
    must agree with some member's (same, same sound, or close); a bare surname
    (王女士, 老王) must be some member's surname, by character or sound; the sex a
    form of address says must be some member's, when members say one; a
    trusted document must not differ from a member's of the same kind, nor
    the last four of an ID the caller gave (证件后四位) from every member's; a
    birth date (an app account's) must be within a year of some member's. The
    ID's last four agreeing outweighs the form of address: an agent's slip
    (陈女士 for 陈卫东) is likelier than another person who knows them.
    """
    anchors = [m for m in members if not m.event_time]
    if not anchors:
        return False
    own_ids = hard_ids(caller)
    for kind, values in own_ids.items():
        others = set().union(*(hard_ids(m).get(kind, set()) for m in anchors))
        if others and not values & others:
            return False
    vouched = False
    if caller.id_tail:
        tails = {value[-4:] for m in anchors for kind, value in m.ids if kind == RIC}
        tails |= {masked[-4:] for m in anchors for masked in m.masked_ids if "*" not in masked[-4:]}
        if tails and caller.id_tail not in tails:
            return False
        vouched = bool(tails)
    if caller.birth_date:
        births = [m.birth_date for m in anchors if m.birth_date]
        if births and all(abs(caller.birth_date.year - birth.year) > 1 for birth in births):
            return False
    if caller.gender and not vouched:
        genders = {m.gender for m in anchors if m.gender}
        if genders and caller.gender not in genders:
            return False
    if caller.name_key:
        named = [m for m in anchors if m.name_key]
        return not named or any((_names(caller, m) or _AGREE).weight > 0 for m in named)
    if caller.surname:
        surnames = {m.surname for m in anchors if m.surname and not m.honorific_only}
        return not surnames or caller.surname in surnames or surname_key(caller.surname) in {surname_key(s) for s in surnames}
    return True


_AGREE = Verdict("name", "agree", 1.0)
