"""Patching a profile's phone windows gives what building it with those windows gives."""

from __future__ import annotations

import datetime as dt

from c360.hub.normalize.profile import Profile, Window, block_keys, build_profile, with_windows

T = [dt.datetime(2018 + i, 1, 1, tzinfo=dt.UTC) for i in range(6)]
PAYLOAD = {
    "party_type": "person", "name": "王芳",
    "phones": [{"number": "13812340001", "since": T[0].isoformat(), "until": T[2].isoformat()}, "13912340002", "010-62345678"],
}


def _windows(profile: Profile, value: str) -> tuple[Window, ...]:
    return next(p.windows for p in profile.phones if p.value == value)


def test_windows_patched_in_place_equal_a_fresh_build() -> None:
    before = {"+8613812340001": [(T[1], T[3])], "+8613912340002": [(T[0], None), (T[4], T[5])]}
    after = {"+8613912340002": [(T[2], T[3])], "+8613700000000": [(T[0], None)]}  # the first number's subscription went
    built = build_profile(7, "boss", "A", PAYLOAD, before)
    assert _windows(built, "+8613812340001") == ((T[1], T[3]),)
    patched = with_windows(built, after)
    assert patched == build_profile(7, "boss", "A", PAYLOAD, after)
    assert _windows(patched, "+8613812340001") == ((T[0], T[2]),)  # back to the payload's own dates
    assert _windows(patched, "+861062345678") == ((None, None),)
    assert with_windows(patched, None) == build_profile(7, "boss", "A", PAYLOAD)


def test_unchanged_windows_give_the_profile_back_and_a_patch_keeps_its_keys() -> None:
    before = {"+8613912340002": [(T[0], None)]}
    built = build_profile(7, "boss", "A", PAYLOAD, before)
    assert with_windows(built, {"+8613912340002": [(T[0], None)], "+8613700000000": [(T[1], None)]}) is built
    keys = block_keys(built)
    patched = with_windows(built, {"+8613912340002": [(T[1], T[2])]})
    assert patched is not built and patched == build_profile(7, "boss", "A", PAYLOAD, {"+8613912340002": [(T[1], T[2])]})
    assert block_keys(patched) == keys == block_keys(build_profile(7, "boss", "A", PAYLOAD))
    assert _windows(built, "+8613912340002") == ((T[0], None),)  # the original is left as it was
