"""Each silo writes the world down its own way: four JSON-lines files in the generic import format, truth and tags.

Files (``docs/import-format.md``): ``boss.jsonl``, ``billing.jsonl``,
``callcenter.jsonl``, ``keyaccount.jsonl``; ``truth.csv``
(``source,source_key,entity_id``) and ``tags.csv`` (``source,source_key,tags``:
the noise and life-cycle events that touched the record, ``;``-separated, for
sorting errors by cause).
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import opencc

from bench.telecom_case.noise import Noise
from bench.telecom_case.tables import CALL_TOPICS, HOMOPHONES, PLACEHOLDER_NUMBERS
from bench.telecom_case.world import EXPORT_DATE, Account, Organization, Person, World

__all__ = ["SOURCES", "CaseFiles", "write_case"]

SOURCES = ("boss", "billing", "callcenter", "keyaccount")
ID_LABELS = (("RIC", 0.2), ("resident_id", 0.1), ("ID_CARD", 0.15), ("身份证", 0.2), ("居民身份证", 0.1), ("01", 0.15),
             ("", 0.1))
ORG_ID_LABELS = (("USCC", 0.4), ("统一社会信用代码", 0.3), ("营业执照", 0.3))
GENDER_LABELS = ({"M": "M", "F": "F"}, {"M": "男", "F": "女"}, {"M": "male", "F": "female"})
CALLS_FROM = date(2015, 1, 1)  # the call center keeps tickets from here on


@dataclass(frozen=True)
class CaseFiles:
    folder: Path

    def silo(self, source: str) -> Path:
        return self.folder / f"{source}.jsonl"

    @property
    def truth(self) -> Path:
        return self.folder / "truth.csv"

    @property
    def tags(self) -> Path:
        return self.folder / "tags.csv"


class _Writer:
    def __init__(self, folder: Path, seed: int, noise: Noise, clean_formats: bool) -> None:
        self.rng = random.Random(f"telecom-case:{seed}:silos")
        self.noise = noise
        self.clean_formats = clean_formats
        self.files = CaseFiles(folder)
        self.to_traditional = opencc.OpenCC("s2t")
        self.handles: dict[str, IO[str]] = {}
        self.truth: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, str, str]] = []

    def emit(self, source: str, key: str, entity: str, record: dict[str, Any], tags: list[str]) -> None:
        line = {"source": source, "source_key": key, **{k: v for k, v in record.items() if v is not None}}
        self.handles[source].write(json.dumps(line, ensure_ascii=False) + "\n")
        self.truth.append((source, key, entity))
        self.tags.append((source, key, ";".join(tags)))

    # -- noise
    def weighted(self, options: tuple[tuple[str, float], ...]) -> str:
        return self.rng.choices([o for o, _ in options], [w for _, w in options])[0]  # short lists: cheap

    def name(self, person: Person, typo: float, traditional: float, tags: list[str]) -> str:
        name, roll = person.name, self.rng.random()
        if roll < typo:
            typed = self.homophone(name, len(person.surname))
            if typed != name:
                tags.append("name_typo")
                return typed
        elif roll < typo + traditional:
            converted = self.to_traditional.convert(name)
            if converted != name:
                tags.append("traditional")
                return converted
        return name

    def homophone(self, name: str, surname_length: int) -> str:
        """One character swapped for a homophone, in the given name four times out of five."""
        candidates = [i for i, c in enumerate(name) if c in HOMOPHONES]
        given = [i for i in candidates if i >= surname_length]
        if given and (self.rng.random() < 0.8 or len(given) == len(candidates)):
            candidates = given
        if not candidates:
            return name
        i = self.rng.choice(candidates)
        return name[:i] + self.rng.choice(HOMOPHONES[name[i]]) + name[i + 1:]

    def birth_date(self, day: date, tags: list[str]) -> str:
        roll, n = self.rng.random(), self.noise
        if roll < n.boss_slash_dates:
            if self.clean_formats:
                return day.isoformat()
            tags.append("slash_date")
            return f"{day.year}/{day.month}/{day.day}"
        if roll < n.boss_slash_dates + n.boss_compact_dates:
            return f"{day:%Y%m%d}"
        if roll < n.boss_slash_dates + n.boss_compact_dates + n.boss_timestamp_dates:
            return f"{day:%Y-%m-%d} 00:00:00"
        return day.isoformat()

    def transposed(self, number: str) -> str:
        positions = [i for i in range(16) if number[i] != number[i + 1]]
        i = self.rng.choice(positions)
        return number[:i] + number[i + 1] + number[i] + number[i + 2:]

    @staticmethod
    def org_variant(org: Organization, style: int) -> str:
        city, core, trade = org.city.name, org.core, org.trade
        return (f"{city}{core}{trade}有限公司", f"{core}{trade}（{city}）有限公司", f"{core}{trade}({city})有限公司",
                f"{city}市{core}{trade}有限责任公司", f"{city}{core}{trade}", f"{core}{trade}", f"{city}{core}")[style % 7]

    def org_name(self, org: Organization, variant_rate: float, tags: list[str]) -> str:
        if self.rng.random() < variant_rate:
            tags.append("name_variant")
            return self.org_variant(org, self.rng.randrange(7))
        return org.name

    # -- BOSS
    def boss(self, world: World) -> None:
        n, rng = self.noise, self.rng
        stamp = {True: lambda d: f"{d:%Y-%m-%d} {rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
                 False: lambda d: d.isoformat()}
        accounts = sorted(((a.key, p, a) for p in world.people for a in p.accounts), key=lambda t: t[0])
        for key, person, account in accounts:
            tags: list[str] = []
            home = person.household
            timestamps = rng.random() < 0.5
            phones: list[Any] = [{"number": s.number, "since": stamp[timestamps](s.since),
                                  "until": stamp[timestamps](s.until) if s.until else None} for s in account.subscriptions]
            if any(s.recycled for s in account.subscriptions):
                tags.append("recycled_number")
            if any(s.ported_out for s in account.subscriptions):
                tags.append("ported_out")
            if home.fixed_line and person is not home.members[0] and rng.random() < n.boss_home_line_contact:
                phones.append(home.fixed_line.number)
                tags.append("home_line")
            address = home.address_at(account.opened)
            if address is not home.addresses[-1][1]:
                if rng.random() < n.boss_old_address:
                    tags.append("old_address")
                else:
                    address = home.addresses[-1][1]
            record: dict[str, Any] = {"kind": "person", "name": self.name(person, n.boss_name_typo, n.boss_traditional, tags)}
            roll = rng.random()
            if roll < n.boss_id_missing:
                tags.append("id_missing")
            else:
                record["id_type"] = self.weighted(ID_LABELS)
                record["id_number"] = person.id_number
                if roll < n.boss_id_missing + n.boss_id_transposed:
                    record["id_number"] = self.transposed(person.id_number)
                    tags.append("id_transposed")
            record["phones"] = phones
            if person.email and rng.random() < 0.7:
                record["emails"] = [person.email]
            for field_ in ("address", "birth_date", "gender"):
                if rng.random() < n.boss_field_missing:
                    tags.append(f"{field_}_missing")
                elif field_ == "address":
                    record[field_] = address.render("full" if rng.random() < 0.8 else "city", rng.randrange(4))
                elif field_ == "birth_date":
                    record[field_] = self.birth_date(person.birth, tags)
                else:
                    record[field_] = rng.choice(GENDER_LABELS)[person.gender]
            active = any(s.until is None for s in account.subscriptions)
            record.update({"status": "active" if active else "closed", "account_type": "prepaid" if account.prepaid else "postpaid",
                           "branch": f"{account.city.name}分公司", "opened": account.opened.isoformat()})
            self.emit("boss", key, person.entity, record, tags)
        for org in world.organizations:
            if not org.in_boss:
                continue
            tags = []
            record = {"kind": "organization", "name": self.org_name(org, n.org_name_variant / 2, tags)}
            if rng.random() < n.org_code_missing / 2:
                tags.append("code_missing")
            else:
                record["id_type"], record["id_number"] = self.weighted(ORG_ID_LABELS), org.credit_code
            record.update({"phones": [{"number": org.phone, "since": org.opened.isoformat(), "until": None}],
                           "address": org.address.render("full", rng.randrange(4)), "status": "active",
                           "account_type": "group", "branch": f"{org.city.name}分公司", "opened": org.opened.isoformat()})
            self.emit("boss", f"{org.city.districts[0][0][:4]}E{org.oid:07d}", org.entity, record, tags)

    # -- billing
    def billing(self, world: World) -> None:
        n, rng = self.noise, self.rng
        seq = 0
        accounts = sorted(((a.key, p, a) for p in world.people for a in p.accounts), key=lambda t: t[0])
        for _, person, account in accounts:
            if rng.random() >= (n.billing_prepaid if account.prepaid else n.billing_postpaid):
                continue
            seq += 1
            tags: list[str] = []
            record: dict[str, Any] = {"kind": "person",
                                      "name": self.name(person, n.billing_name_typo, n.billing_traditional, tags)}
            record["phones"] = [self.bill_contact(person, account, tags)]
            home = person.household.addresses[-1][1]
            form = "full" if rng.random() < n.billing_full_address else ("district" if rng.random() < 0.6 else "street")
            if form != "full":
                tags.append("partial_address")
            record["address"] = home.render(form, rng.randrange(4))
            if rng.random() < n.billing_id_present:
                record["id_number"] = person.id_number
            if rng.random() < n.billing_birth_present:
                record["birth_date"] = person.birth.isoformat()
            record.update({"bill_cycle": "monthly", "balance": round(rng.uniform(-300, 200), 2),
                           "status": "active" if any(s.until is None for s in account.subscriptions) else "closed"})
            self.emit("billing", f"B{seq:09d}", person.entity, record, tags)
        for org in world.organizations:
            if not org.in_boss:
                continue
            seq += 1
            tags = []
            record = {"kind": "organization", "name": self.org_name(org, n.org_name_variant, tags)}
            if org.contacts and rng.random() < 0.3:
                record["phones"] = [org.contacts[0][2]]
                tags.append("contact_phone")
            else:
                record["phones"] = [org.phone]
            if rng.random() < 0.5:
                record["credit_code"] = org.credit_code
            record.update({"address": org.address.render("district", rng.randrange(4)), "bill_cycle": "monthly"})
            self.emit("billing", f"B{seq:09d}", org.entity, record, tags)

    def bill_contact(self, person: Person, account: Account, tags: list[str]) -> str:
        n, rng, home = self.noise, self.rng, person.household
        roll = rng.random()
        relatives = [m for m in home.members if m is not person]
        if roll < n.billing_relative_phone and relatives:
            tags.append("relative_phone")
            return rng.choice(relatives).latest_mobile()
        if roll < n.billing_relative_phone + n.billing_home_line and home.fixed_line:
            tags.append("home_line")
            return home.fixed_line.number
        mobiles = [s for s in account.subscriptions if not s.fixed_line]
        latest = max(mobiles, key=lambda s: s.since)
        if latest.recycled:
            tags.append("recycled_number")
        return latest.number

    # -- call center
    def callcenter(self, world: World) -> None:
        n, rng = self.noise, self.rng
        calls: list[tuple[datetime, Person]] = []
        for person in world.people:
            if rng.random() >= n.caller_share:
                continue
            first = max(CALLS_FROM, min(s.since for s in person.mobiles))
            for _ in range(rng.choices((1, 2, 3, 4, 5), (0.5, 0.3, 0.12, 0.05, 0.03))[0]):
                day = first + timedelta(days=rng.randint(0, max(0, (EXPORT_DATE - first).days)))
                if person.mobile_at(day) is None:
                    continue  # with another operator then: not this call center's caller
                calls.append((datetime(day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59),
                                       rng.randint(0, 59)), person))
        calls.sort(key=lambda c: (c[0], c[1].pid))
        for seq, (at, person) in enumerate(calls, 1):
            tags: list[str] = []
            record: dict[str, Any] = {"kind": "person", "name": self.caller_name(person, tags),
                                      "phones": [self.call_window(self.caller_number(person, at, tags), at, tags)]}
            if rng.random() < n.call_id_present:
                record["id_number"] = person.id_number
            record.update({"topic": rng.choice(CALL_TOPICS), "channel": "10086热线" if rng.random() < 0.85 else "在线客服",
                           "call_time": at.isoformat(sep=" ")})
            self.emit("callcenter", f"T{at:%Y%m%d}{seq:07d}", person.entity, record, tags)

    def caller_name(self, person: Person, tags: list[str]) -> str | None:
        n, rng = self.noise, self.rng
        roll = rng.random()
        if roll < n.call_full_name:
            return self.name(person, 0.03, 0.0, tags)
        if roll < n.call_full_name + n.call_familiar:
            tags.append("familiar_name")
            return ("老" if person.age() >= 45 else "小") + person.surname
        if roll < n.call_full_name + n.call_familiar + n.call_no_name:
            tags.append("no_name")
            return None
        tags.append("surname_only")
        if person.gender == "M":
            return person.surname + "先生"
        return person.surname + ("小姐" if person.age() < 30 and rng.random() < 0.5 else "女士")

    def caller_number(self, person: Person, at: datetime, tags: list[str]) -> str:
        n, rng, day = self.noise, self.rng, at.date()
        roll, line = rng.random(), person.household.fixed_line
        if roll < n.call_placeholder:
            tags.append("placeholder_phone")
            return rng.choice(PLACEHOLDER_NUMBERS)
        if roll < n.call_placeholder + n.call_home_line and line is not None and line.active(day):
            tags.append("home_line")
            return line.number
        number = person.mobile_at(day)
        assert number is not None
        for sub in person.mobiles:
            if sub.number == number and sub.recycled and sub.active(day):
                tags.append("recycled_number")
            if sub.number == number and sub.ported_out and sub.until is not None and sub.until <= day:
                tags.append("ported_out")
        return number

    def call_window(self, number: str, at: datetime, tags: list[str]) -> dict[str, str]:
        n, roll = self.noise, self.rng.random()
        end = at + timedelta(seconds=self.rng.randint(40, 1500))
        if roll < n.call_point_window and not self.clean_formats:
            tags.append("point_window")
            return {"number": number, "since": at.isoformat(sep=" "), "until": at.isoformat(sep=" ")}
        if n.call_point_window <= roll < n.call_point_window + n.call_day_window:
            return {"number": number, "since": at.date().isoformat(), "until": (at.date() + timedelta(days=1)).isoformat()}
        return {"number": number, "since": at.isoformat(sep=" "), "until": end.isoformat(sep=" ")}

    # -- key account
    def keyaccount(self, world: World) -> None:
        n, rng = self.noise, self.rng
        contacts = 0
        for org in world.organizations:
            first_key = f"E{org.oid:06d}"
            for copy in range(2 if rng.random() < n.org_second_record else 1):
                tags: list[str] = []
                key = first_key if copy == 0 else f"E{org.oid:06d}-{copy}"
                name = self.org_name(org, 1.0 if copy else n.org_name_variant, tags)
                record: dict[str, Any] = {"kind": "organization", "name": name}
                if rng.random() < n.org_code_missing:
                    tags.append("code_missing")
                else:
                    record["credit_code"] = org.credit_code
                record.update({"address": org.address.render("full" if rng.random() < 0.5 else "city", rng.randrange(4)),
                               "phones": [org.phone], "industry": org.trade, "contract_no": f"KA{org.oid:06d}{copy}"})
                self.emit("keyaccount", key, org.entity, record, tags)
            for person, role, phone in org.contacts:
                contacts += 1
                tags = []
                record = {"kind": "person", "name": self.name(person, n.contact_name_typo, 0.0, tags), "phones": [phone]}
                if phone not in [s.number for s in person.mobiles]:
                    tags.append("work_phone")
                if rng.random() < n.contact_id_present:
                    record["id_number"] = person.id_number
                record.update({"enterprise_key": first_key, "role": role})
                self.emit("keyaccount", f"C{contacts:06d}", person.entity, record, tags)

    def write(self, world: World) -> CaseFiles:
        self.files.folder.mkdir(parents=True, exist_ok=True)
        try:
            for source in SOURCES:
                self.handles[source] = self.files.silo(source).open("w", encoding="utf-8")
            self.boss(world)
            self.billing(world)
            self.callcenter(world)
            self.keyaccount(world)
        finally:
            for handle in self.handles.values():
                handle.close()
        for path, rows, header in ((self.files.truth, self.truth, ("source", "source_key", "entity_id")),
                                   (self.files.tags, self.tags, ("source", "source_key", "tags"))):
            with path.open("w", encoding="utf-8", newline="") as handle:
                out = csv.writer(handle)
                out.writerow(header)
                out.writerows(rows)
        return self.files


def write_case(world: World, folder: Path, seed: int, noise: Noise, clean_formats: bool = False) -> CaseFiles:
    """Write the four silo files, ``truth.csv`` and ``tags.csv`` under ``folder``.

    ``clean_formats`` writes the very same records, except that the birth dates a branch writes ``1985/3/2``
    come out ISO and the calls logged as one instant get their start-to-end window (what the format requires).
    """
    return _Writer(folder, seed, noise, clean_formats).write(world)
