"""The matcher: a pure, explainable Fellegi–Sunter style score over two profiles.

Each comparison adds a log-odds weight (agreement positive, disagreement
negative). Trusted document numbers decide alone: equal ones match,
different ones never do. Generic values (a business hall's phone) and
honorific-only names ("王先生") carry no weight at all.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from hub.identity.profile import Profile, windows_overlap

__all__ = ["MatchConfig", "Comparison", "Verdict", "compare", "hard_ids"]

HARD_ID_TYPES = ("ric", "uscc", "passport")


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds on the summed weight: ≥ ``match`` links, [``review``, ``match``) goes to a steward."""

    match: float = 9.0
    review: float = 5.0
    generic_min_holders: int = 6  # a value on this many distinct records stops being an identifier
    name_block_cap: int = 200  # a name block this large is too common to look candidates up by


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
    """Document numbers that identify one party only (used as cannot-link constraints)."""
    out: dict[str, set[str]] = {}
    for kind, value in profile.ids:
        if kind in HARD_ID_TYPES:
            out.setdefault(kind, set()).add(value)
    return out


def _names(a: Profile, b: Profile) -> Verdict | None:
    if a.honorific_only or b.honorific_only:
        return Verdict("name", "ignored", 0.0)
    if not (a.name_key and b.name_key):
        return None
    if a.name == b.name:
        return Verdict("name", "agree", 5.0)
    if a.name_key == b.name_key:
        return Verdict("name", "agree_sound", 4.0)  # 张伟/張偉/张玮/Wei Zhang
    similarity = JaroWinkler.similarity(a.name_key, b.name_key)
    if similarity >= 0.93:
        return Verdict("name", "partial", 1.5)
    return Verdict("name", "disagree", -5.0)


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
        verdicts.append(Verdict("birth_date", "agree", 5.0) if a.birth_date == b.birth_date else Verdict("birth_date", "disagree", -6.0))
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
            candidate = Verdict("phone", "agree", 7.0 if phone.kind == "mobile" else 3.0)
        if best_phone is None or candidate.weight > best_phone.weight:
            best_phone = candidate
    if best_phone:
        verdicts.append(best_phone)

    shared_emails = a.emails & b.emails
    if shared_emails:
        generic_only = all(f"id:email:{e}" in generic for e in shared_emails)
        verdicts.append(Verdict("email", "ignored", 0.0) if generic_only else Verdict("email", "agree", 7.0))
    if a.address and b.address:
        if a.address == b.address:
            verdicts.append(Verdict("address", "agree", 3.0))
        elif a.locality == b.locality:
            verdicts.append(Verdict("address", "partial", 1.0))

    score = sum(v.weight for v in verdicts)
    decision = "match" if score >= config.match else "review" if score >= config.review else "non_match"
    return Comparison(score, decision, None, tuple(verdicts))
