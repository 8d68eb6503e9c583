"""A party's normalized form, stored with its source record when it lands (``source_record.normalized``).

Normalizing names, addresses, phones and documents is most of what building
a profile costs, and a record is compared long after it landed: as a
candidate of later records, by other processes, after restarts. So it is
normalized once, at landing, and later profiles are rebuilt from the stored
form without normalizing again. The form carries ``NORMAL_FORM_VERSION``:
when the normalization rules change the version goes up, and a stored form
of another version is ignored (the profile is built from the raw payload,
and ``resolve --full`` stores the new form).

The windows in which the party held its phones come from two places: its
own payload (kept here) and its subscriptions (laid over when the profile
is loaded, as ``build_profile`` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from c360.hub.normalize.profile import PhoneHolding, Profile, Window

__all__ = ["NORMAL_FORM_VERSION", "normal_form", "from_normal_form"]

NORMAL_FORM_VERSION = 3  # 2: roads keep the direction of their section (江南大道中254号); masked IDs;
# 3: a nameless account known only by numbers bound from a moment on is observed at that moment; a caller's ID tail;
# a local number without its area code kept as local:

_OPEN: tuple[Window, ...] = ((None, None),)


def _when(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def normal_form(profile: Profile) -> dict[str, Any]:
    """The JSON-ready normalized form of a profile built from a payload (its phones' own windows)."""
    return {
        "v": NORMAL_FORM_VERSION,
        "type": profile.party_type,
        "updated": _when(profile.updated_at),
        "observed": [_when(profile.observed_at), _when(profile.observed_until)],
        "name": profile.name,
        "key": profile.name_key,
        "sound": profile.name_sound,
        "surname": profile.surname,
        "honorific": profile.honorific_only,
        "ids": sorted([kind, value] for kind, value in profile.ids),
        "masked": sorted(profile.masked_ids),
        "tail": profile.id_tail,
        "birth": profile.birth_date.isoformat() if profile.birth_date else None,
        "gender": profile.gender,
        "phones": [[p.value, p.kind, [[_when(a), _when(b)] for a, b in p.listed]] for p in profile.phones],
        "emails": sorted(profile.emails),
        "address": profile.address,
        "locality": profile.locality,
        "address_words": list(profile.address_tokens),
        "places": list(profile.places),
        "street": profile.street,
        "street_detail": list(profile.street_detail),
        "name_words": list(profile.name_tokens),
    }


def from_normal_form(
    record_id: int,
    source: str,
    source_key: str,
    form: Mapping[str, Any] | None,
    subscription_windows: Mapping[str, list[Window]] | None = None,
) -> Profile | None:
    """The profile a stored form describes, or ``None`` when there is none of this version."""
    if not form or form.get("v") != NORMAL_FORM_VERSION:
        return None
    windows = subscription_windows or {}
    phones = []
    for value, kind, listed in form["phones"]:
        own = tuple((_time(a), _time(b)) for a, b in listed) or _OPEN
        phones.append(PhoneHolding(value, kind, tuple(windows.get(value, ())) or own, own))
    observed_at, observed_until = form["observed"]
    return Profile(
        record_id=record_id,
        source=source,
        source_key=source_key,
        party_type=form["type"],
        updated_at=_time(form["updated"]),
        observed_at=_time(observed_at),
        observed_until=_time(observed_until),
        name=form["name"],
        name_key=form["key"],
        name_sound=form["sound"],
        surname=form["surname"],
        honorific_only=form["honorific"],
        ids=frozenset((kind, value) for kind, value in form["ids"]),
        masked_ids=frozenset(form["masked"]),
        id_tail=form["tail"],
        birth_date=dt.date.fromisoformat(form["birth"]) if form["birth"] else None,
        gender=form["gender"],
        phones=tuple(phones),
        emails=frozenset(form["emails"]),
        address=form["address"],
        locality=form["locality"],
        address_tokens=tuple(form["address_words"]),
        places=tuple(form["places"]),
        street=form["street"],
        street_detail=tuple(form["street_detail"]),
        name_tokens=tuple(form["name_words"]),
    )
