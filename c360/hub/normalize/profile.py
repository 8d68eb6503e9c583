"""Profiles: the small, normalized view of one party source record that the matcher compares.

Built once per record from its canonical payload plus the windows in which
it held each phone (from the identifier row or, stronger, from the party's
subscriptions), so the matcher itself stays a pure function.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from c360.hub.normalize import (
    near_sound_key,
    normalize_address,
    normalize_email,
    normalize_name,
    normalize_organization,
    normalize_phone,
    normalize_ric,
    normalize_uscc,
    street_of,
)
from c360.hub.normalize._text import fold_width, is_han
from c360.hub.normalize.documents import PASSPORT, RIC, USCC, document_kind
from c360.hub.normalize.reasons import Reason
from c360.hub.normalize.ric import masked_ric

__all__ = [
    "Window", "PhoneHolding", "Profile", "build_profile", "block_keys", "phone_key", "local_numbers", "windows_overlap", "in_window",
    "with_windows",
]

Window = tuple[dt.datetime | None, dt.datetime | None]
HARD_ID_KINDS = (RIC, USCC, PASSPORT)  # documents that identify one party: equal ones match, different ones never


@dataclass(frozen=True)
class PhoneHolding:
    """A phone the party held, and when (``None`` bounds are open)."""

    value: str
    kind: str  # mobile | fixed | other
    windows: tuple[Window, ...] = ((None, None),)
    # The payload's own dates for it: the windows whenever no subscription says (``with_windows``)
    listed: tuple[Window, ...] = field(default=((None, None),), compare=False)


@dataclass(frozen=True)
class Profile:
    record_id: int
    source: str
    source_key: str
    party_type: str
    updated_at: dt.datetime | None = None
    observed_at: dt.datetime | None = None  # an interaction record: when it was observed (see ``observation``)
    observed_until: dt.datetime | None = None  # ... and until when, for one observed over a day rather than an instant
    name: str | None = None  # normalized, trusted full name only
    name_key: str | None = None  # pronunciation key of a trusted full name
    name_sound: str | None = None  # the same with near-homophones folded (``near_sound_key``), Chinese names only
    surname: str | None = None
    honorific_only: bool = False
    ids: frozenset[tuple[str, str]] = frozenset()  # trusted (ric|uscc|passport|..., value)
    masked_ids: frozenset[str] = frozenset()  # resident IDs printed with hidden digits (440303********6133)
    id_tail: str | None = None  # the last four of a resident ID a caller gave to be verified (证件后四位)
    birth_date: dt.date | None = None
    gender: str | None = None
    phones: tuple[PhoneHolding, ...] = ()
    emails: frozenset[str] = frozenset()
    address: str | None = None
    locality: str | None = None
    address_tokens: tuple[str, ...] = ()  # a non-Chinese address: its words (fuzzy comparison)
    # A Chinese address at whatever depth the silo gave it: province, city, district ("" unknown) and the street
    places: tuple[str, str, str] = ("", "", "")
    street: str | None = None  # the road with its house number (体育西路123号)
    street_detail: tuple[str, ...] = ()  # building, unit and room numbers after it
    name_tokens: tuple[str, ...] = ()  # a Latin-script name: its words (typo- and order-tolerant comparison)

    @property
    def event_time(self) -> bool:
        """A party seen at one moment (a caller): resolved to whoever held its phone then, never a bridge."""
        return self.observed_at is not None

    @property
    def observation(self) -> Window:
        """When an interaction record was observed: one instant (start == end) or a span such as a day."""
        return (self.observed_at, self.observed_until or self.observed_at)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _time(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


_WORDS = re.compile(r"[^0-9a-z]+")
_POSTCODE = re.compile(r"^[0-9]{3,10}$")


def _latin_address(raw: str) -> tuple[str, str | None, tuple[str, ...]] | None:
    """A non-Chinese address: lower-case words; its locality is the last postcode-like number in it."""
    if any(is_han(ch) for ch in raw):
        return None
    folded = unicodedata.normalize("NFKD", raw.lower())
    words = tuple(w for w in _WORDS.split("".join(ch for ch in folded if not unicodedata.combining(ch))) if w)
    if len(words) < 2:
        return None
    postcode = next((w for w in reversed(words) if _POSTCODE.match(w)), None)
    return " ".join(words), (f"pc:{postcode}" if postcode else None), words


def _latin_name_tokens(key: str | None) -> tuple[str, ...]:
    """Words of a Latin-script name that is not romanized Chinese (those compare by pinyin key, as before)."""
    if not key or not key.isascii():
        return ()
    return tuple(t for t in key.split() if t)


def phone_key(raw: str) -> str | None:
    """The E.164 value of a trusted phone, else ``None``."""
    result = normalize_phone(raw)
    return result.value if result.trusted and result.value else None


def build_profile(
    record_id: int,
    source: str,
    source_key: str,
    payload: Mapping[str, Any],
    subscription_windows: Mapping[str, list[Window]] | None = None,
) -> Profile:
    """``payload`` is the party's canonical JSON; ``subscription_windows`` maps E.164 → windows from its subscriptions."""
    ids, masked, birth, gender = _identifiers(payload)
    if (payload.get("party_type") or "person") == "organization":
        return _organization(record_id, source, source_key, payload, ids, subscription_windows)
    name = normalize_name(payload["name"]) if payload.get("name") else None
    trusted_name = name is not None and name.trusted and not name.honorific_only
    phones = _phones(payload.get("phones"), subscription_windows or {})
    emails = _emails(payload.get("emails"))
    address_value, locality, address_tokens = _address(payload.get("address"))
    places, street, street_detail = _street(payload.get("address")) if not address_tokens else (_NO_PLACES, None, ())
    name_key = (name.pronunciation_key or name.value) if trusted_name and name else None
    observed_at, observed_until = _observation(payload, ids, phones, named=name is not None)
    extra = payload.get("extra") or {}
    return Profile(
        record_id=record_id,
        source=source,
        source_key=source_key,
        party_type=payload.get("party_type") or "person",
        updated_at=_time(payload.get("updated_at")),
        observed_at=observed_at,
        observed_until=observed_until,
        name=name.value if trusted_name and name else None,
        name_key=name_key,
        name_sound=near_sound_key(name_key) if name_key and name and name.script == "han" else None,
        surname=name.surname if name else None,
        honorific_only=bool(name and name.honorific_only),
        ids=ids,
        masked_ids=masked,
        id_tail=_id_tail(extra.get("id_last4")),
        birth_date=birth,
        gender=gender or (name.honorific_gender if name else None),
        phones=phones,
        emails=emails,
        address=address_value,
        locality=locality,
        address_tokens=address_tokens,
        places=places,
        street=street,
        street_detail=street_detail,
        name_tokens=_latin_name_tokens(name_key) if name and name.script == "latin" and not name.romanized else (),
    )


def _organization(
    record_id: int, source: str, source_key: str, payload: Mapping[str, Any], ids: frozenset[tuple[str, str]],
    subscription_windows: Mapping[str, list[Window]] | None,
) -> Profile:
    """An enterprise: its name compared by its core (no region, no legal form), no person's attributes."""
    name = normalize_organization(payload["name"]) if payload.get("name") else None
    phones = _phones(payload.get("phones"), subscription_windows or {})
    address_value, locality, address_tokens = _address(payload.get("address"))
    places, street, street_detail = _street(payload.get("address")) if not address_tokens else (_NO_PLACES, None, ())
    return Profile(
        record_id=record_id,
        source=source,
        source_key=source_key,
        party_type="organization",
        updated_at=_time(payload.get("updated_at")),
        name=name.value if name and name.core else None,
        name_key=name.core if name and name.core else None,
        ids=ids,
        phones=phones,
        emails=_emails(payload.get("emails")),
        address=address_value,
        locality=locality,
        address_tokens=address_tokens,
        places=places,
        street=street,
        street_detail=street_detail,
    )


_ID_TAIL = re.compile(r"^\d{3}[\dX]$")


def _id_tail(value: Any) -> str | None:
    """``id_last4`` as four characters a resident ID can end with (``612X``), else nothing.

    Call centers ask a caller for the last four of the ID card before they discuss an account; a
    number on a relative's phone then still says whose card it is not (``c360.hub.identity.matcher.fits``).
    """
    if value is None or isinstance(value, bool):
        return None
    tail = fold_width(str(value)).strip().upper()
    return tail if _ID_TAIL.match(tail) else None


_INTERACTION_SPAN = dt.timedelta(days=1)  # a phone "held" no longer than this was seen in use, not held


def _observation(
    payload: Mapping[str, Any], ids: frozenset[tuple[str, str]], phones: tuple[PhoneHolding, ...], *, named: bool,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When an interaction record (a call, a visit, a web contact) was observed, or ``(None, None)``.

    A connector says so with ``observed_at``. A generic file cannot, but it
    gives a caller's number with the day of the call as its window: a party
    with no trusted document whose every phone window spans at most a day
    is such a record, observed over the span of its windows. It then
    attaches to whoever held the number at that time, and never links two
    other records together (``c360.hub.identity.resolver``).

    A party with no name and no trusted document, known only by numbers bound from a moment on (an
    app or web account's login phone, verified by a text message when it was bound), is read the
    same way, observed at the latest binding: then its owner held every one of its numbers. Compared
    field by field, a phone without a name is not enough, and such an account mostly stayed apart.
    """
    observed = _time(payload.get("observed_at"))
    if observed is not None:
        return observed, None
    if not phones or any(kind in HARD_ID_KINDS for kind, _ in ids):
        return None, None
    windows = [window for phone in phones for window in phone.listed]
    starts = [start for start, _ in windows if start is not None]
    ends = [end for _, end in windows if end is not None]
    if len(starts) == len(ends) == len(windows) and all(
        end - start <= _INTERACTION_SPAN for start, end in zip(starts, ends, strict=True)
    ):
        return min(starts), max(ends)
    if named or len(starts) < len(windows):
        return None, None
    bound = max(starts)
    if any(end < bound for end in ends):
        return None, None  # one number was given up before another was bound: no moment holds them all
    return bound, bound


def _identifiers(
    payload: Mapping[str, Any],
) -> tuple[frozenset[tuple[str, str]], frozenset[str], dt.date | None, Any]:
    """Trusted (kind, value) ids, a resident ID printed with hidden digits (compared by the digits it
    shows), and the birth date / gender, completed from a resident ID."""
    ids: set[tuple[str, str]] = set()
    masked: str | None = None
    birth, gender = _date(payload.get("birth_date")), payload.get("gender")
    number = payload.get("id_number")
    if number:
        kind = document_kind(payload.get("id_type"), number)
        if kind == RIC:
            ric = normalize_ric(number)
            if ric.trusted:
                ids.add((RIC, ric.value))
                birth = birth or ric.birth_date
                gender = gender or ric.gender
            else:
                masked = masked_ric(str(number))
        elif kind == USCC:
            uscc = normalize_uscc(number)
            if uscc.trusted:
                ids.add((USCC, uscc.value))
        else:
            value = "".join(str(number).split()).upper()
            if value and len(set(value)) > 1:
                ids.add((kind, value))
    if payload.get("credit_code"):
        uscc = normalize_uscc(payload["credit_code"])
        if uscc.trusted:
            ids.add(("uscc", uscc.value))
    return frozenset(ids), frozenset((masked,)) if masked else frozenset(), birth, gender


def _phones(refs: Iterable[Any] | None, windows: Mapping[str, list[Window]]) -> tuple[PhoneHolding, ...]:
    """Trusted phones by E.164 (the last reference of a number wins), in value order; a fixed line's local
    number written without its area code as ``local:`` and its digits (``local_numbers``)."""
    phones: dict[str, PhoneHolding] = {}
    for ref in refs or ():
        is_mapping = type(ref) is dict or isinstance(ref, Mapping)  # the exact type first: ABC checks are slow
        result = normalize_phone(ref.get("number", "") if is_mapping else str(ref))
        value, kind = (result.value, result.type) if result.trusted else (_local_number(result.raw, result.reason), "fixed")
        if not value:
            continue
        own: tuple[Window, ...] = _OPEN
        if is_mapping and (ref.get("since") or ref.get("until")):
            own = ((_time(ref.get("since")), _time(ref.get("until"))),)
        held = tuple(windows.get(value, ())) or own
        phones[value] = PhoneHolding(value, kind, held, own)
    if len(phones) < 2:
        return tuple(phones.values())
    return tuple(sorted(phones.values(), key=_holding_value))


LOCAL_PREFIX = "local:"
_LOCAL_NUMBER = re.compile(r"^[2-8]\d{6,7}$")  # a mainland fixed line's local part: 7 or 8 digits, never 0, 1 or 9 first
_TWO_DIGIT_AREAS = ("10", "2")  # 010 Beijing and 02x; every other area code has three digits


def _local_number(raw: str, reason: Reason | None) -> str:
    """``local:`` and the digits of a fixed line written without its area code (``71946979``), else ``""``.

    A switch logs a local call's number without its area code, and so do forms filled in within one
    city. Such a number alone cannot be dialled from elsewhere, so it is not a trusted identifier; but
    the caller on it fits only the holders of lines whose local part it is (``local_numbers``).
    """
    if reason is not Reason.INVALID_NUMBER:
        return ""
    digits = "".join(ch for ch in fold_width(raw) if ch.isdigit())
    return LOCAL_PREFIX + digits if _LOCAL_NUMBER.match(digits) else ""


def local_numbers(value: str) -> tuple[str, ...]:
    """The values a phone is looked up under: itself, and for a mainland fixed line its ``local:`` part too."""
    national = value[3:] if value.startswith("+86") else ""
    if not national or national.startswith("1") and not national.startswith("10"):
        return (value,)  # not mainland, or a mobile
    area = 2 if national.startswith(_TWO_DIGIT_AREAS) else 3
    local = national[area:]
    return (value, LOCAL_PREFIX + local) if _LOCAL_NUMBER.match(local) else (value,)


_OPEN: tuple[Window, ...] = ((None, None),)


def with_windows(profile: Profile, subscription_windows: Mapping[str, list[Window]] | None) -> Profile:
    """``profile`` with its phones' windows taken afresh from its subscriptions, as ``build_profile`` takes them.

    Subscriptions landing change only these windows, so a held profile is patched
    rather than read and built again from its payload. Unchanged windows give back
    ``profile`` itself; otherwise a copy is made, keeping the
    cached block keys (they depend on the phones' values, never on their windows).
    """
    windows = subscription_windows or {}
    phones: list[PhoneHolding] = []
    changed = False
    for holding in profile.phones:
        held = tuple(windows.get(holding.value, ())) or holding.listed
        if held != holding.windows:
            holding = PhoneHolding(holding.value, holding.kind, held, holding.listed)
            changed = True
        phones.append(holding)
    if not changed:
        return profile
    copy = dataclasses.replace(profile, phones=tuple(phones))
    for cache in _CACHES:  # they depend on the phones' values, never on their windows
        if cache in profile.__dict__:
            object.__setattr__(copy, cache, profile.__dict__[cache])
    return copy


_CACHES = ("_block_keys", "_hard_ids")  # worked out once per profile (``block_keys``, ``matcher.hard_ids``)


def _holding_value(holding: PhoneHolding) -> str:
    return holding.value


def _emails(raws: Iterable[str] | None) -> frozenset[str]:
    found: set[str] = set()
    for raw in raws or ():
        email = normalize_email(raw)
        if email.trusted and email.value:
            found.add(email.value)
    return frozenset(found)


def _address(raw: Any) -> tuple[str | None, str | None, tuple[str, ...]]:
    """Normalized value, locality key and (non-Chinese addresses only) words of an address."""
    if not raw:
        return None, None, ()
    address = normalize_address(raw)
    if address.trusted:
        return address.value, address.locality_key, ()
    latin = _latin_address(str(raw))
    return latin if latin is not None else (None, None, ())


_NO_PLACES = ("", "", "")


def _street(raw: Any) -> tuple[tuple[str, str, str], str | None, tuple[str, ...]]:
    """The places an address names and its road with house number, at whatever depth it is written.

    A bill's "天河区体育西路123号" and a customer file's full address share
    their street; ``normalize_address`` alone trusts only complete addresses.
    """
    if not raw:
        return _NO_PLACES, None, ()
    address = normalize_address(raw)
    street = street_of(address.rest) if address.rest else None
    places = (address.province or "", address.city or "", address.district or "")
    return places, (street.key if street else None), (street.detail if street else ())


def block_keys(profile: Profile) -> tuple[str, ...]:
    """Exact keys a candidate must share. ``id:`` keys also count holders (generic-value detection).

    Worked out once per profile (kept on it): a resident profile is looked up by many pages.
    """
    found = profile.__dict__.get("_block_keys")
    if found is None:
        found = tuple(_block_keys(profile))
        object.__setattr__(profile, "_block_keys", found)  # a cache, not a field: equality is unaffected
    return found


def _block_keys(profile: Profile) -> list[str]:
    if profile.event_time:
        return sorted({f"ev:phone:{p.value}" for p in profile.phones})  # a local number: its ``local:`` value
    keys = {f"id:{kind}:{value}" for kind, value in profile.ids}
    # what a resident ID printed as 440303********6133 still shows, and what a whole number shows the same way
    shown = [value[:6] + value[-4:] for value in (*(v for k, v in profile.ids if k == RIC), *profile.masked_ids)]
    keys |= {f"mk:{digits}" for digits in shown if "*" not in digits}
    keys |= {f"id:phone:{value}" for p in profile.phones for value in local_numbers(p.value)}
    keys |= {f"id:email:{e}" for e in profile.emails}
    if profile.name_key and profile.party_type == "organization":
        keys.add(f"on:{profile.name_key}")  # the name's core: 天明机械设备 of every way of writing it
    elif profile.name_key:
        prefix = "nm"
        # A near-homophone (陈静/程静) is filed under its folded sound too; a name that folds to itself already is
        sounds = {profile.name_key, profile.name_sound or profile.name_key}
        for sound in sounds:
            if profile.birth_date:
                keys.add(f"{prefix}:{sound}|{profile.birth_date.isoformat()}")
            if profile.locality:
                keys.add(f"{prefix}:{sound}|{profile.locality}")
            if profile.street:
                keys.add(f"nm:{sound}|st:{profile.street}")  # a bill's partial address meets the full one
    if profile.party_type == "person" and profile.name_tokens:
        # Latin-script names: one word of the name (a typo in the other, or the other missing) with the birth date or postcode
        for token in profile.name_tokens:
            if profile.birth_date:
                keys.add(f"nt:{token}|{profile.birth_date.isoformat()}")
            if profile.address_tokens and profile.locality:
                keys.add(f"nt:{token}|{profile.locality}")
    if profile.address_tokens and profile.locality and profile.birth_date:
        keys.add(f"dl:{profile.birth_date.isoformat()}|{profile.locality}")
    return sorted(k[:300] for k in keys)


def in_window(moment: dt.datetime, window: Window) -> bool:
    """``moment`` lies in ``window`` (start inclusive, end exclusive; a window of one instant holds that instant)."""
    start, end = window
    if start is not None and moment < start:
        return False
    return end is None or moment < end or moment == start == end


def windows_overlap(left: Iterable[Window], right: Iterable[Window]) -> bool:
    """Two holdings of a number overlap in time: the same holder may be meant, a recycled number may not."""
    right = list(right)
    for a in left:
        for b in right:
            if _overlap(a, b):
                return True
    return False


def _overlap(a: Window, b: Window) -> bool:
    (a_start, a_end), (b_start, b_end) = a, b
    if a_start is not None and a_start == a_end:
        return in_window(a_start, b)  # one instant
    if b_start is not None and b_start == b_end:
        return in_window(b_start, a)
    return (a_end is None or b_start is None or b_start < a_end) and (b_end is None or a_start is None or a_start < b_end)
