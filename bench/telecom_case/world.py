"""The operator's population before any silo writes it down: people, households, numbers over time, enterprises.

One seeded ``random.Random`` drives everything, and nothing iterates a set, so
a seed gives the same world on every run and machine.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from bench.telecom_case.codes import USCC_CHARS, id_check_digit, org_code_check, uscc_check
from bench.telecom_case.noise import Noise
from bench.telecom_case.tables import (
    CITIES,
    CITY_STREETS,
    COMMON_GIVEN,
    COMPOUND_SURNAMES,
    CONTACT_ROLES,
    EMAIL_DOMAINS,
    GIVEN_CHARS,
    MIGRANT_REGIONS,
    MOBILE_PREFIXES,
    ORG_CORE_CHARS,
    ORG_TRADES,
    PROVINCE,
    STREETS,
    SURNAMES,
    City,
)

__all__ = ["Address", "Subscription", "Account", "Person", "Household", "Organization", "World", "build_world",
           "EXPORT_DATE", "HISTORY_START"]

HISTORY_START = date(2008, 1, 1)  # the oldest subscription windows the exports still hold
EXPORT_DATE = date(2024, 12, 31)


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass(frozen=True)
class Address:
    city: City
    district_code: str
    district: str
    street: str
    number: int
    building: int | None
    room: int

    def render(self, form: str, style: int) -> str:
        """``form``: full (province first), city, district or street first; ``style`` picks how the flat is written."""
        flat = ""
        if self.building is not None:
            flat = (f"{self.building}栋{self.room}", f"{self.building}栋{self.room}房", f"{self.building}幢{self.room}室",
                    f"{self.building}-{self.room}")[style % 4]
        elif style % 2:
            flat = f"{self.room}室"
        tail = f"{self.street}{self.number}号{flat}"
        city = f"{self.city.name}市"
        return {"full": f"{PROVINCE}{city}{self.district}{tail}", "city": f"{city}{self.district}{tail}",
                "district": f"{self.district}{tail}", "street": tail}[form]


@dataclass
class Subscription:
    """One number held by one customer from ``since`` to ``until`` (None: still held at the export)."""

    number: str
    since: date
    until: date | None = None
    fixed_line: bool = False
    ported_out: bool = False  # the number left the operator with its holder, who keeps using it
    recycled: bool = False  # the number was someone else's before

    def active(self, day: date) -> bool:
        return self.since <= day and (self.until is None or day < self.until)


@dataclass
class Account:
    key: str
    city: City
    opened: date
    prepaid: bool
    subscriptions: list[Subscription] = field(default_factory=list)


@dataclass
class Person:
    pid: int
    surname: str
    given: str
    gender: str  # M / F
    birth: date
    id_number: str
    household: Household
    mobiles: list[Subscription] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    email: str | None = None

    @property
    def entity(self) -> str:
        return f"P{self.pid:06d}"

    @property
    def name(self) -> str:
        return self.surname + self.given

    def age(self, day: date = EXPORT_DATE) -> int:
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))

    def mobile_at(self, day: date) -> str | None:
        """The number this person calls from on ``day``: an active subscription, else a number ported out earlier."""
        for sub in self.mobiles:
            if sub.active(day):
                return sub.number
        for sub in self.mobiles:
            if sub.ported_out and sub.until is not None and sub.until <= day:
                return sub.number
        return None

    def latest_mobile(self) -> str:
        return (self.mobile_at(EXPORT_DATE) or max(self.mobiles, key=lambda s: s.since).number)


@dataclass
class Household:
    hid: int
    addresses: list[tuple[date, Address]]  # (since, address), oldest first
    members: list[Person] = field(default_factory=list)
    fixed_line: Subscription | None = None

    def address_at(self, day: date) -> Address:
        current = self.addresses[0][1]
        for since, address in self.addresses:
            if since <= day:
                current = address
        return current


@dataclass
class Organization:
    oid: int
    core: str
    trade: str
    city: City
    credit_code: str
    address: Address
    phone: str
    opened: date
    in_boss: bool = False  # also a BOSS (group) customer, so billed too
    contacts: list[tuple[Person, str, str]] = field(default_factory=list)  # person, role, phone listed

    @property
    def entity(self) -> str:
        return f"O{self.oid:05d}"

    @property
    def name(self) -> str:
        return f"{self.city.name}市{self.core}{self.trade}有限公司"


@dataclass
class World:
    people: list[Person]
    households: list[Household]
    organizations: list[Organization]


class _Numbers:
    """Fresh, never-seen numbers: mobiles on mainland prefixes, fixed lines under a city's area code."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def _fresh(self, make: Callable[[], str]) -> str:
        while True:
            number = make()
            if number not in self.seen:
                self.seen.add(number)
                return number

    def mobile(self) -> str:
        return self._fresh(lambda: self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}")

    def fixed(self, city: City) -> str:
        return self._fresh(lambda: f"{city.area_code}-{self.rng.randint(2, 8)}{self.rng.randrange(10**7):07d}")


class _Builder:
    def __init__(self, people: int, seed: int, noise: Noise) -> None:
        self.rng = random.Random(f"telecom-case:{seed}")
        self.size, self.noise = people, noise
        self.numbers = _Numbers(self.rng)
        self.ids: set[str] = set()
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_weights = list(accumulate(w for _, w in SURNAMES))
        self.city_weights = list(accumulate(c.weight for c in CITIES))
        self.people: list[Person] = []

    # -- people
    def surname(self) -> str:
        if self.rng.random() < 0.002:
            return self.rng.choice(COMPOUND_SURNAMES)
        return self.rng.choices(self.surnames, cum_weights=self.surname_weights)[0]

    def given(self, gender: str) -> str:
        roll = self.rng.random()
        if roll < 0.30:
            return self.rng.choice(COMMON_GIVEN[gender])
        chars = GIVEN_CHARS[gender]
        if roll < 0.45:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def resident_id(self, birth: date, gender: str, home: City) -> str:
        while True:
            region = (self.rng.choice(home.districts)[0] if self.rng.random() < 0.6
                      else self.rng.choice(MIGRANT_REGIONS))
            sequence = self.rng.randrange(500) * 2 + (1 if gender == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = body + id_check_digit(body)
            if number not in self.ids:
                self.ids.add(number)
                return number

    def birth(self, youngest: int, oldest: int) -> date:
        return _day_between(self.rng, date(EXPORT_DATE.year - oldest, 1, 1), date(EXPORT_DATE.year - youngest, 12, 1))

    def address(self, city: City) -> Address:
        code, district = self.rng.choice(city.districts)
        streets = CITY_STREETS.get(city.name, ()) + STREETS
        building = self.rng.randint(1, 30) if self.rng.random() < 0.75 else None
        room = self.rng.randint(1, 33) * 100 + self.rng.randint(1, 8)
        return Address(city, code, district, self.rng.choice(streets), self.rng.randint(1, 999), building, room)

    def household(self, hid: int, remaining: int) -> Household:
        rng = self.rng
        city = rng.choices(CITIES, cum_weights=self.city_weights)[0]
        first = self.address(city)
        moved = rng.random() < self.noise.move_share
        addresses = [(HISTORY_START, first)]
        if moved:
            addresses.append((_day_between(rng, date(2013, 1, 1), date(2024, 6, 1)),
                              self.address(city if rng.random() < 0.7 else rng.choices(CITIES, cum_weights=self.city_weights)[0])))
        home = Household(hid, addresses)
        size = min(remaining, rng.choices((1, 2, 3, 4, 5), (0.28, 0.30, 0.25, 0.13, 0.04))[0])
        head_gender = rng.choice("MF")
        head = self.person(home, self.surname(), head_gender, self.birth(28 if size > 1 else 18, 75), city)
        father_surname = head.surname if head_gender == "M" else None
        if size > 1:
            spouse_gender = "F" if head_gender == "M" else "M"
            spouse_birth = head.birth + timedelta(days=rng.randint(-6 * 365, 6 * 365))
            spouse = self.person(home, self.surname(), spouse_gender, spouse_birth, city)
            father_surname = father_surname or spouse.surname
        for _ in range(size - 2):
            child_birth = head.birth + timedelta(days=rng.randint(22 * 365, 36 * 365))
            if child_birth <= date(EXPORT_DATE.year - 15, 1, 1):
                self.person(home, father_surname or head.surname, rng.choice("MF"), child_birth, city)
            else:  # too young to hold a number: an elderly parent lives with them instead
                parent_gender = rng.choice("MF")
                self.person(home, head.surname if parent_gender == "M" else self.surname(), parent_gender,
                            head.birth - timedelta(days=rng.randint(22 * 365, 34 * 365)), city)
        if rng.random() < self.noise.fixed_line_share:
            home.fixed_line = Subscription(self.numbers.fixed(city), _day_between(rng, HISTORY_START, date(2020, 1, 1)),
                                           fixed_line=True)
        return home

    def person(self, home: Household, surname: str, gender: str, birth: date, city: City) -> Person:
        person = Person(len(self.people), surname, self.given(gender), gender, birth,
                        self.resident_id(birth, gender, city), home)
        self.people.append(person)
        home.members.append(person)
        return person

    # -- numbers and accounts
    def lifecycle(self, person: Person) -> None:
        rng, noise = self.rng, self.noise
        adult = date(person.birth.year + 14, person.birth.month, min(person.birth.day, 28))  # a first phone of one's own
        start = _day_between(rng, max(HISTORY_START, adult), EXPORT_DATE - timedelta(days=60))
        subs = [Subscription(self.numbers.mobile(), start)]
        for _ in range(rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]):
            earliest = subs[-1].since + timedelta(days=180)
            if earliest >= EXPORT_DATE - timedelta(days=60):
                break
            since = _day_between(rng, earliest, EXPORT_DATE - timedelta(days=60))
            if rng.random() < 0.65:  # the old number is given up soon after
                subs[-1].until = since + timedelta(days=rng.randint(0, 30))
            subs.append(Subscription(self.numbers.mobile(), since))
        roll = rng.random()
        open_subs = [s for s in subs if s.until is None]
        last_start = max(s.since for s in open_subs)
        if roll < noise.churn_share + noise.port_out_share and last_start < EXPORT_DATE - timedelta(days=120):
            leaving = _day_between(rng, last_start + timedelta(days=90), EXPORT_DATE - timedelta(days=30))
            for sub in open_subs:
                sub.until = leaving
            if roll >= noise.churn_share:
                open_subs[-1].ported_out = True
        person.mobiles = subs
        self.accounts(person)

    def accounts(self, person: Person) -> None:
        """One account, or two (another city, or prepaid beside postpaid); each holds at least one number."""
        rng = self.rng
        city = person.household.address_at(person.mobiles[0].since).city
        first = Account("", city, person.mobiles[0].since, rng.random() < 0.3)
        person.accounts = [first]
        second = None
        if rng.random() < self.noise.second_account_share:
            other_city = rng.choices(CITIES, cum_weights=self.city_weights)[0] if rng.random() < 0.4 else city
            if len(person.mobiles) > 1:
                opened = person.mobiles[1].since
            else:  # a second, parallel number (a data card, a prepaid SIM) on its own account
                opened = _day_between(rng, person.mobiles[0].since + timedelta(days=30), EXPORT_DATE - timedelta(days=30))
                extra = Subscription(self.numbers.mobile(), opened)
                if rng.random() < 0.4:
                    extra.until = _day_between(rng, opened + timedelta(days=30), EXPORT_DATE)
                person.mobiles.append(extra)
            prepaid = not first.prepaid if rng.random() < 0.7 else first.prepaid
            second = Account("", other_city, opened, prepaid)
            person.accounts.append(second)
        for sub in person.mobiles:
            later = second is not None and sub.since >= second.opened
            owner = second if later and (sub is person.mobiles[-1] or rng.random() < 0.5) else first
            owner.subscriptions.append(sub)  # type: ignore[union-attr]

    @staticmethod
    def number_accounts(people: list[Person]) -> None:
        """Account numbers in opening order, as a BOSS hands them out: branch prefix, then a running number."""
        accounts = sorted(((a.opened, p.pid, i, a) for p in people for i, a in enumerate(p.accounts)), key=lambda t: t[:3])
        for seq, (_, _, _, account) in enumerate(accounts, 1):
            account.key = f"{account.city.districts[0][0][:4]}{seq:08d}"

    def recycle(self) -> None:
        """Given-up numbers go back to the pool and, 3-12 months later, to a new customer."""
        rng = self.rng
        subs = sorted(((s.since, p.pid, i, s) for p in self.people for i, s in enumerate(p.mobiles)),
                      key=lambda t: t[:3])
        released: list[tuple[date, int, str, int]] = []  # (free again on, order, number, last holder)
        ready: list[tuple[str, int]] = []
        for order, (since, pid, _, sub) in enumerate(subs):
            while released and released[0][0] <= since:
                _, _, number, holder = heapq.heappop(released)
                if rng.random() < self.noise.recycle_share:
                    ready.append((number, holder))
            if ready and ready[0][1] != pid:
                sub.number, _ = ready.pop(0)
                sub.recycled = True
            if sub.until is not None and not sub.ported_out:
                heapq.heappush(released, (sub.until + timedelta(days=rng.randint(90, 365)), order, sub.number, pid))

    def email(self, person: Person) -> str:
        from pypinyin import lazy_pinyin

        domain = self.rng.choices([d for d, _ in EMAIL_DOMAINS], [w for _, w in EMAIL_DOMAINS])[0]
        if domain == "qq.com" and self.rng.random() < 0.8:
            return f"{self.rng.randint(10**5, 3 * 10**9)}@qq.com"
        if domain == "139.com":
            return f"{person.latest_mobile()}@139.com"
        suffix = self.rng.choice((str(person.birth.year), f"{person.birth.year % 100:02d}", str(self.rng.randint(1, 999)), ""))
        return "".join(lazy_pinyin(person.name)) + suffix + "@" + domain

    # -- enterprises
    def organizations(self) -> list[Organization]:
        rng, noise = self.rng, self.noise
        count = round(noise.org_share * self.size)
        names: set[tuple[str, str, str]] = set()
        eligible = [p for p in self.people if 23 <= p.age() <= 62]
        roles_held: dict[int, int] = {}
        orgs: list[Organization] = []
        while len(orgs) < count:
            city = rng.choices(CITIES, cum_weights=self.city_weights)[0]
            core = rng.choice(ORG_CORE_CHARS) + rng.choice(ORG_CORE_CHARS)
            trade = rng.choice(ORG_TRADES)
            if core[0] == core[1] or (city.name, core, trade) in names:
                continue
            names.add((city.name, core, trade))
            org = Organization(len(orgs), core, trade, city, self.credit_code(city), self.address(city),
                               self.numbers.fixed(city), _day_between(rng, HISTORY_START, date(2023, 1, 1)),
                               rng.random() < noise.org_in_boss)
            for _ in range(rng.choices((1, 2, 3, 4, 5), (0.35, 0.30, 0.20, 0.10, 0.05))[0]):
                person = rng.choice(eligible)
                if roles_held.get(person.pid, 0) >= 2 or any(c[0] is person for c in org.contacts):
                    continue
                roles_held[person.pid] = roles_held.get(person.pid, 0) + 1
                phone = self.numbers.mobile() if rng.random() < noise.contact_work_phone else person.latest_mobile()
                org.contacts.append((person, rng.choice(CONTACT_ROLES), phone))
            orgs.append(org)
        return orgs

    def credit_code(self, city: City) -> str:
        while True:
            body = "MA" + "".join(self.rng.choice(USCC_CHARS) for _ in range(6))
            first17 = "91" + self.rng.choice(city.districts)[0] + body + org_code_check(body)
            code = first17 + uscc_check(first17)
            if code not in self.ids:
                self.ids.add(code)
                return code

    def build(self) -> World:
        households: list[Household] = []
        while len(self.people) < self.size:
            households.append(self.household(len(households), self.size - len(self.people)))
        for person in self.people:
            self.lifecycle(person)
        self.number_accounts(self.people)
        self.recycle()
        for person in self.people:
            if self.rng.random() < self.noise.email_share:
                person.email = self.email(person)
        for home in households:
            if home.fixed_line is not None:
                home.members[0].accounts[0].subscriptions.append(home.fixed_line)
        return World(self.people, households, self.organizations())


def build_world(people: int, seed: int, noise: Noise) -> World:
    """The seeded population: ``people`` persons in households, their numbers over time, and enterprises."""
    return _Builder(people, seed, noise).build()
