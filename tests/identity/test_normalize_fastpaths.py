"""The fast paths of the normalizers and of ``build_profile`` answer exactly what the reference paths answer.

Inputs: the simulated silos (BOSS customers, key-account enterprises and contacts, call-center
callers), the existing test tables, Faker zh_CN / zh_TW values and generated phone spellings that
sweep every mobile prefix and area code.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import random
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from pypinyin import Style, lazy_pinyin
from stdnum.cn import ric as stdnum_ric
from stdnum.exceptions import ValidationError

from c360.connectors.builtin.boss import Customers
from c360.connectors.builtin.callcenter import Calls
from c360.connectors.builtin.keyaccount import Contacts, Enterprises
from c360.hub.normalize import (
    address,
    name,
    near_sound_key,
    normalize_address,
    normalize_name,
    normalize_phone,
    phone,
    ric,
)
from c360.hub.normalize import profile as profiles
from c360.hub.normalize._gazetteer import gazetteer
from c360.hub.normalize._phone_fast import FastNumber, _plan, fast_mainland
from c360.hub.normalize._text import _steps, is_monotone_sequence
from c360.hub.normalize.normal_form import from_normal_form, normal_form
from c360.records import InvalidRecord, PartyRecord
from c360.silos import build
from tests.identity import test_normalize_address, test_normalize_name, test_normalize_phone

SIZE = 1500


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, dict[str, Any]]]:
    """Canonical party payloads of a small simulated operator, mapped by the real connectors."""
    data_dir = tmp_path_factory.mktemp("fastpaths") / "silos"
    build(data_dir, SIZE, seed=5)
    out: list[tuple[str, str, dict[str, Any]]] = []
    for db, table, stream in (("boss.db", "customers", Customers), ("keyaccount.db", "enterprises", Enterprises),
                              ("keyaccount.db", "contacts", Contacts)):
        out += _parties(stream, _docs(data_dir / db, table))
    for path in sorted((data_dir / "callcenter").glob("calls_*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            out += _parties(Calls, csv.DictReader(fh))
    assert len(out) > 1.5 * SIZE  # customers, enterprises, contacts and callers
    return out


def _docs(db: Path, table: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    try:
        return [json.loads(doc) for (doc,) in conn.execute(f"SELECT doc FROM {table} ORDER BY id")]
    finally:
        conn.close()


def _parties(stream: type, raws: Any) -> list[tuple[str, str, dict[str, Any]]]:
    source = stream.__module__.rsplit(".", 1)[-1]  # each built-in connector's source is named after its module
    mapper = stream(None, None, silo=source, source=source)  # mapping needs neither the config nor a client
    out = []
    for raw in raws:
        try:
            out += [(r.source, r.source_key, r.payload()) for r in mapper.records(raw) if isinstance(r, PartyRecord)]
        except InvalidRecord:  # quarantined by the real sync too
            continue
    return out


def _values(payloads: list[tuple[str, str, dict[str, Any]]], field: str) -> list[str]:
    return sorted({p[field] for _, _, p in payloads if p.get(field)})


def _phones(payloads: list[tuple[str, str, dict[str, Any]]]) -> list[str]:
    return sorted({ref["number"] for _, _, p in payloads for ref in p.get("phones") or ()})


# --------------------------------------------------------------------------- phones


def _generated_phones(seed: int = 3) -> Iterator[str]:
    """Every 4-digit mobile prefix and every area code, in the spellings the fast path takes and near misses."""
    rnd = random.Random(seed)
    digits = "0123456789"
    for prefix in range(1000, 2000):
        for _ in range(3):
            number = f"{prefix}{''.join(rnd.choices(digits, k=7))}"
            country = rnd.choice(["", "+86", "0086", "86", "+86 ", "86-", "0086-", "0086 ", "+86-"])
            gaps = rnd.choices(["", " ", "-"], k=2)
            yield f"{country}{number[:3]}{gaps[0]}{number[3:7]}{gaps[1]}{number[7:]}"
    for area in [f"0{a:02d}" for a in range(100)] + [f"0{a:03d}" for a in range(1000)]:
        for _ in range(2):
            local = "".join(rnd.choices(digits, k=rnd.choice([6, 7, 8, 9])))
            yield f"{area}{rnd.choice(['', ' ', '-'])}{local}"


TRICKY_PHONES = [
    "00861322817-1800",  # 0086 + 7 digits, then "-1800" is an extension
    "0086-1663847-0249",
    "010-62345678-801",
    "12345678901", "11111111111", "+86 12345678901", "98765432109", "86-98765432109",
    "0123456789", "010-12345678", "021-00000000", "0000-1234567",
    "17911 13800138000", "1791113800138000", "12593 13800138000", "11800138000", "179-1234-5678",
    "8613800138000", "86 86 13800138000", "868613800138000", "+8686 13800138000", "+86 86 138 0013 8000",
    "008613800138000", "0008613800138000", "00 86 13800138000", "+0086 13800138000",
    "１３８００１３８０００", "+８６ １３８ ００１３ ８０００", "١٣٨٠٠١٣٨٠٠٠", "13800138000\n", " 13800138000 ",
    "13800138000#", "13800138000 x 12", "13800138000转8", "(010)62345678", "010 6234 5678", "0755-8601338",
    "0755-860133889", "010-6234567", "0106234567", "01062345678", "02062345678", "0200-1234567",
    "1380013800", "138001380000", "19912345678", "14512345678", "16612345678", "17412345678", "17400012345",
]


def test_fast_path_is_in_effect() -> None:
    """The installed phonenumbers metadata has the layout the fast path assumes (else it silently never runs)."""
    assert _plan() is not None
    assert fast_mainland("13800138000") == FastNumber("13800138000", "mobile")
    assert fast_mainland("+86 138-0013-8000") == FastNumber("13800138000", "mobile")
    assert fast_mainland("0086-13800138000") == FastNumber("13800138000", "mobile")
    assert fast_mainland("010-62345678") == FastNumber("1062345678", "fixed")
    assert fast_mainland("0755 86013388") == FastNumber("75586013388", "fixed")
    assert fast_mainland("400-810-8888") is None
    assert fast_mainland("+852 9123 4567") is None


def test_phone_table_and_tricky_spellings_match_the_full_path() -> None:
    raws = [case[0] for case in test_normalize_phone.CASES] + TRICKY_PHONES
    for raw in raws:
        assert normalize_phone.__wrapped__(raw) == phone._normalize_phone_slow(raw), raw


def test_generated_phones_match_the_full_path() -> None:
    raws = list(_generated_phones())
    fast = 0
    for raw in raws:
        expected = phone._normalize_phone_slow(raw)
        assert normalize_phone.__wrapped__(raw) == expected, raw
        fast += fast_mainland(raw) is not None
    assert fast > len(raws) // 3  # the sweep does exercise the fast path, not only the fallback


def test_simulated_and_faker_phones_match_the_full_path(payloads: list[tuple[str, str, dict[str, Any]]]) -> None:
    faker = Faker("zh_CN")
    faker.seed_instance(11)
    sim = _phones(payloads)
    raws = sim + [faker.phone_number() for _ in range(2000)]
    for raw in raws:
        assert normalize_phone.__wrapped__(raw) == phone._normalize_phone_slow(raw), raw
    assert sum(fast_mainland(raw.strip()) is not None for raw in sim) > 0.9 * len(sim)


# --------------------------------------------------------------------------- digit runs, RIC dates


def test_monotone_sequence_matches_the_step_rule() -> None:
    rnd = random.Random(5)
    runs = [f"{n:0{width}d}" for width in range(2, 6) for n in range(10**width)]
    runs += ["".join(rnd.choices("0123456789", k=rnd.randint(6, 40))) for _ in range(2000)]
    runs += [("0123456789" * 5)[s:s + n] for s in range(10) for n in range(2, 40)]
    runs += [("9876543210" * 5)[s:s + n] for s in range(10) for n in range(2, 40)]
    runs += [d * n for d in "0123456789" for n in range(2, 30)]
    runs += ["٠١٢٣٤٥٦٧", "٣٣٣٣", "١٢٣x", "12a", "", "7", "１２３４５６７"]
    for run in runs:
        expected = len(run) >= 2 and run.isdigit() and _steps(run) in ({0}, {1}, {9})
        assert is_monotone_sequence(run) == expected, run


def _stdnum_birth_date(number: str) -> dt.date | None:
    try:
        born = stdnum_ric.get_birth_date(number)
    except ValidationError:
        return None
    return None if born.year < 1900 or born > dt.date.today() else born


def test_ric_birth_date_matches_stdnum(payloads: list[tuple[str, str, dict[str, Any]]]) -> None:
    rnd = random.Random(9)
    numbers = [p["id_number"] for _, _, p in payloads if p.get("id_number") and len(p["id_number"]) == 18]
    numbers += [f"110101{y:04d}{m:02d}{d:02d}123{rnd.choice('0123456789X')}"
                for y in (1899, 1900, 1999, 2000, 2024, 2999) for m in range(0, 14) for d in (0, 1, 28, 29, 30, 31, 32)]
    numbers += ["".join(rnd.choices("0123456789", k=17)) + rnd.choice("0123456789X") for _ in range(3000)]
    for number in numbers:
        assert ric._birth_date(number) == _stdnum_birth_date(number), number


# --------------------------------------------------------------------------- names


def test_cached_pinyin_is_lazy_pinyin(payloads: list[tuple[str, str, dict[str, Any]]]) -> None:
    faker = Faker("zh_CN")
    faker.seed_instance(2)
    raws = _values(payloads, "name") + [faker.name() for _ in range(3000)] + [case[0] for case in test_normalize_name.CASES]
    texts = {raw[1:] for raw in raws} | {raw[:1] for raw in raws} | {raw[2:] for raw in raws} | set(raws)
    for raw in raws:
        normalize_name(raw)  # fills the caches the way real traffic does
    for text in texts:
        assert name._pinyin(text) == tuple(lazy_pinyin(text, style=Style.NORMAL)), text


# --------------------------------------------------------------------------- addresses


class _EverySpelling(dict):
    """The reference lookup: every spelling is a candidate whatever the first character (a full scan)."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self.entries = entries

    def get(self, key: object, default: object = None) -> list[tuple[str, str]]:
        return self.entries


def test_first_character_index_keeps_every_spelling_in_order() -> None:
    gaz = gazetteer()
    for table, heads in ((gaz.cities, gaz.city_heads), (gaz.districts, gaz.district_heads)):
        assert heads.keys() == table.keys()
        for key, entries in table.items():
            assert all(spelling for spelling, _ in entries)
            for first, group in heads[key].items():
                assert group == [e for e in entries if e[0].startswith(first)]
            assert sum(map(len, heads[key].values())) == len(entries)


def test_addresses_match_the_full_scan(payloads: list[tuple[str, str, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch) -> None:
    zh_cn, zh_tw = Faker("zh_CN"), Faker("zh_TW")
    zh_cn.seed_instance(4)
    zh_tw.seed_instance(4)
    raws = _values(payloads, "address") + [c[0] for c in test_normalize_address.CASES]
    raws += [zh_cn.address() for _ in range(3000)] + [zh_tw.address() for _ in range(500)]
    raws += ["吉林市船营区", "深圳南山大道1号", "朝阳区建国路", "北京朝阳", "中国上海浦东", "内蒙古呼和浩特", "香港九龙"]
    fast = [normalize_address.__wrapped__(raw) for raw in raws]
    gaz = gazetteer()
    monkeypatch.setattr(address, "_PROVINCE_HEADS", _EverySpelling(address._PROVINCE_SPELLINGS))
    monkeypatch.setattr(gaz, "city_heads", {k: _EverySpelling(v) for k, v in gaz.cities.items()})
    monkeypatch.setattr(gaz, "district_heads", {k: _EverySpelling(v) for k, v in gaz.districts.items()})
    reference = [normalize_address.__wrapped__(raw) for raw in raws]
    assert fast == reference
    assert sum(r.trusted for r in fast) > 1000  # the simulated ones parse: the gazetteer lookups ran


# --------------------------------------------------------------------------- build_profile


def _reference_profile(record_id: int, source: str, source_key: str, payload: Mapping[str, Any],
                       subscription_windows: Mapping[str, list[profiles.Window]] | None = None) -> profiles.Profile:
    """``build_profile`` before its fast path: the dataclass constructor, ABC checks, generators, always sorting."""
    if payload.get("party_type") == "organization":
        return profiles._organization(record_id, source, source_key, payload, profiles._identifiers(payload)[0], subscription_windows)
    ids, masked, birth, gender = profiles._identifiers(payload)
    name_ = normalize_name(payload["name"]) if payload.get("name") else None
    trusted_name = name_ is not None and name_.trusted and not name_.honorific_only
    windows = subscription_windows or {}
    held: dict[str, profiles.PhoneHolding] = {}
    for ref in payload.get("phones") or ():
        result = normalize_phone(ref.get("number", "") if isinstance(ref, Mapping) else str(ref))
        number, kind = (result.value, result.type) if result.trusted else (profiles._local_number(result.raw, result.reason), "fixed")
        if not number:
            continue
        own: tuple[profiles.Window, ...] = ((None, None),)
        if isinstance(ref, Mapping) and (ref.get("since") or ref.get("until")):
            own = ((profiles._time(ref.get("since")), profiles._time(ref.get("until"))),)
        held[number] = profiles.PhoneHolding(number, kind, tuple(windows.get(number, ())) or own)
    emails = frozenset(e.value for e in map(profiles.normalize_email, payload.get("emails") or ()) if e.trusted and e.value)
    parsed = normalize_address(payload["address"]) if payload.get("address") else None
    value = parsed.value if parsed and parsed.trusted else None
    locality = parsed.locality_key if parsed and parsed.trusted else None
    tokens: tuple[str, ...] = ()
    if parsed is not None and not parsed.trusted:
        latin = profiles._latin_address(str(payload["address"]))
        if latin is not None:
            value, locality, tokens = latin
    name_key = (name_.pronunciation_key or name_.value) if trusted_name and name_ else None
    phones = tuple(sorted(held.values(), key=lambda p: p.value))
    places, street, detail = profiles._street(payload.get("address")) if not tokens else (("", "", ""), None, ())
    observed_at, observed_until = profiles._observation(payload, ids, phones, named=name_ is not None)
    return profiles.Profile(
        record_id=record_id, source=source, source_key=source_key, party_type=payload.get("party_type") or "person",
        updated_at=profiles._time(payload.get("updated_at")), observed_at=observed_at, observed_until=observed_until,
        name=name_.value if trusted_name and name_ else None, name_key=name_key,
        surname=name_.surname if name_ else None, honorific_only=bool(name_ and name_.honorific_only),
        ids=ids, masked_ids=masked, id_tail=profiles._id_tail((payload.get("extra") or {}).get("id_last4")), birth_date=birth, gender=gender or (name_.honorific_gender if name_ else None), phones=phones,
        emails=emails, address=value, locality=locality, address_tokens=tokens,
        places=places, street=street, street_detail=detail,
        name_sound=near_sound_key(name_key) if name_key and name_.script == "han" else None,
        name_tokens=profiles._latin_name_tokens(name_key) if name_ and name_.script == "latin" and not name_.romanized else (),
    )


def _variants(payload: dict[str, Any], index: int) -> Iterator[tuple[dict[str, Any], dict[str, list[profiles.Window]] | None]]:
    """The payload as stored, and with phones as bare strings, with windows, twice over, and subscription windows."""
    yield payload, None
    numbers = [ref["number"] for ref in payload.get("phones") or ()]
    if not numbers:
        return
    since = dt.datetime(2020, 1, 1 + index % 28, tzinfo=dt.UTC)
    yield {**payload, "phones": numbers + numbers[:1]}, None
    yield {**payload, "phones": [{"number": n, "since": "2021-03-04T05:06:07", "until": None} for n in numbers]}, None
    yield {**payload, "phones": [{"number": "13900139000"}, *payload["phones"]]}, None
    e164 = normalize_phone(numbers[0]).value
    yield payload, {e164: [(since, None), (None, since)]}


def test_build_profile_matches_the_reference(payloads: list[tuple[str, str, dict[str, Any]]]) -> None:
    field_names = [f.name for f in dataclasses.fields(profiles.Profile)]
    checked = 0
    for index, (source, key, payload) in enumerate(payloads):
        for variant, windows in _variants(payload, index):
            built = profiles.build_profile(index, source, key, variant, windows)
            expected = _reference_profile(index, source, key, variant, windows)
            assert built == expected
            assert list(vars(built)) == field_names and vars(built) == vars(expected)
            assert profiles.block_keys(built) == tuple(profiles._block_keys(expected))
            checked += 1
    assert checked > len(payloads)


def test_the_stored_normal_form_gives_back_the_profile(payloads: list[tuple[str, str, dict[str, Any]]]) -> None:
    """A profile loaded from the form stored at landing (through JSON, as the column keeps it) equals one built afresh."""
    checked = 0
    for index, (source, key, payload) in enumerate(payloads):
        for variant, windows in _variants(payload, index):
            form = json.loads(json.dumps(normal_form(profiles.build_profile(index, source, key, variant))))
            loaded = from_normal_form(index, source, key, form, windows)
            assert loaded == profiles.build_profile(index, source, key, variant, windows)
            assert loaded is not None and [p.listed for p in loaded.phones] == [
                p.listed for p in profiles.build_profile(index, source, key, variant, windows).phones
            ]
            checked += 1
    assert checked > len(payloads)


def test_a_form_of_another_version_is_not_used() -> None:
    form = normal_form(profiles.build_profile(1, "boss", "C1", {"party_type": "person", "name": "张伟"}))
    assert from_normal_form(1, "boss", "C1", {**form, "v": form["v"] + 1}) is None
    assert from_normal_form(1, "boss", "C1", {}) is None
