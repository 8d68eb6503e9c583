"""The true parties behind the silos: persons, organizations and account managers, streamed.

Entities are produced one at a time from a single seeded ``random.Random`` so any size can be
generated with flat memory; only a small window of recent persons is kept (for families and for
enterprise contacts who are also individual customers).
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from faker.providers.company.zh_CN import Provider as _Company
from faker.providers.person.zh_CN import Provider as _Person

from .clock import NOW_TS
from .idnumbers import REGIONS, Region, make_ric, make_uscc, ric_region
from .noise import BUSINESS_HALL_PHONES, NoiseRates

__all__ = ["Person", "Organization", "Manager", "Population", "COMMON_NAMES", "INDUSTRIES"]

_SURNAMES: list[str] = list(_Person.last_names.keys())
_SURNAME_CUM: list[float] = list(itertools.accumulate(_Person.last_names.values()))
_MALE: list[str] = list(_Person.first_names_male)
_FEMALE: list[str] = list(_Person.first_names_female)
_COMPANY_PREFIXES: list[str] = list(dict.fromkeys(_Company.company_prefixes))
_COMPANY_KINDS = ("科技", "网络", "信息", "传媒", "物流", "贸易", "建设", "医药", "餐饮管理", "教育咨询")

#: Very frequent full names: many distinct people share them, which identity resolution must respect.
COMMON_NAMES: tuple[tuple[str, str, str], ...] = (
    ("张", "伟", "M"), ("王", "伟", "M"), ("王", "芳", "F"), ("李", "伟", "M"), ("李", "娜", "F"),
    ("张", "敏", "F"), ("李", "静", "F"), ("王", "静", "F"), ("刘", "伟", "M"), ("王", "秀英", "F"),
    ("张", "丽", "F"), ("李", "秀英", "F"), ("王", "丽", "F"), ("张", "静", "F"), ("李", "强", "M"),
    ("王", "磊", "M"), ("刘", "洋", "M"), ("陈", "静", "F"), ("刘", "芳", "F"), ("杨", "勇", "M"),
)
INDUSTRIES: tuple[str, ...] = ("制造业", "批发零售", "信息技术", "金融", "房地产", "教育", "医疗卫生", "物流运输", "餐饮住宿", "建筑")
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180", "181", "182",
    "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)
_MAIL_DOMAINS = ("139.com", "163.com", "qq.com", "126.com", "sina.com", "foxmail.com")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_BIRTH_MIN = date(1940, 1, 1).toordinal()
_BIRTH_MAX = date(2006, 6, 1).toordinal()
_DAY = 86400


@dataclass(slots=True)
class Person:
    """A natural person as the world knows them (the ground truth, before any silo distorts it)."""

    pid: str
    surname: str
    name: str
    gender: str
    birth_date: str
    ric: str
    region: Region
    address: str
    mobiles: list[str]
    fixed_line: str | None
    email: str | None
    household: str
    since_ts: int  # first became a customer
    is_customer: bool = True


@dataclass(slots=True)
class Manager:
    """An operator employee who looks after key accounts."""

    pid: str
    manager_id: str
    name: str
    phone: str
    email: str
    region: str


@dataclass(slots=True)
class Organization:
    """An enterprise customer with its contact persons."""

    oid: str
    name: str
    credit_code: str
    industry: str
    region: Region
    address: str
    manager: Manager
    since_ts: int
    contacts: list[tuple[Person, str]] = field(default_factory=list)  # (person, title)


class Population:
    """Seeded stream of ``size`` customers (~5 % organizations) plus the manager pool.

    Person ids count up from ``P0000001`` in stream order (managers first), organizations from
    ``O0000001``; contact persons who are not customers also receive person ids.
    """

    ORG_RATE = 0.05

    def __init__(self, seed: int, size: int, rates: NoiseRates | None = None) -> None:
        self.seed = seed
        self.size = size
        self.rates = rates or NoiseRates()
        self.rng = random.Random(f"population:{seed}")
        self._pid = 0
        self._oid = 0
        self._mobile_counter = 0
        self._mobile_mul = self.rng.randrange(1, 50_000_000) * 2 + 1  # odd, not a multiple of 5
        if self._mobile_mul % 5 == 0:
            self._mobile_mul += 2
        self._mobile_add = self.rng.randrange(100_000_000)
        self.recent: deque[Person] = deque(maxlen=512)
        self.managers: list[Manager] = [self._manager(i) for i in range(max(3, size // 2000))]

    # -- building blocks -------------------------------------------------------------------------
    def _next_pid(self) -> str:
        self._pid += 1
        return f"P{self._pid:07d}"

    def mobile(self) -> str:
        """A mobile number never handed out before in this population (recycling is explicit).

        Uniqueness comes from an affine bijection of a counter onto the 8-digit suffix, so
        no set of issued numbers has to be kept in memory.
        """
        while True:
            k = self._mobile_counter
            self._mobile_counter += 1
            suffix = (self._mobile_mul * k + self._mobile_add) % 100_000_000
            m = self.rng.choice(_MOBILE_PREFIXES) + f"{suffix:08d}"
            if m not in BUSINESS_HALL_PHONES:
                return m

    def _street(self, region: Region) -> str:
        rng = self.rng
        road = rng.choice(_SURNAMES[:60]) + rng.choice(("家", "园", "山", "河", "安", "兴", "华")) + rng.choice(("路", "街", "大道"))
        return f"{road}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室"

    def _email(self) -> str:
        rng = self.rng
        domain = rng.choice(_MAIL_DOMAINS)
        if domain == "qq.com":
            return f"{rng.randrange(10_000_000, 3_000_000_000)}@qq.com"
        user = "".join(rng.choices(_LETTERS, k=rng.randint(4, 8))) + str(rng.randrange(1000))
        return f"{user}@{domain}"

    def _name(self, gender: str | None = None, surname: str | None = None) -> tuple[str, str, str]:
        rng = self.rng
        if surname is None and rng.random() < 0.05:
            return rng.choice(COMMON_NAMES)
        if gender is None:
            gender = "M" if rng.random() < 0.5 else "F"
        if surname is None:
            surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
        given = rng.choice(_MALE if gender == "M" else _FEMALE)
        return surname, given, gender

    def _manager(self, i: int) -> Manager:
        surname, given, _ = self._name()
        region = self.rng.choice(REGIONS)
        return Manager(
            pid=self._next_pid(),
            manager_id=f"AM{i + 1:05d}",
            name=surname + given,
            phone=self.mobile(),
            email=f"am{i + 1:05d}@corp.c360-telecom.cn",
            region=region.province,
        )

    def person(self, *, household_of: Person | None = None, is_customer: bool = True) -> Person:
        """A new person; with ``household_of`` they share that person's address and fixed line."""
        rng = self.rng
        if household_of is not None:
            # Household members: same address/landline, often same surname, different person.
            surname = household_of.surname if rng.random() < 0.6 else None
            surname, given, gender = self._name(surname=surname)
            region, address, fixed = household_of.region, household_of.address, household_of.fixed_line
            household = household_of.household
        else:
            surname, given, gender = self._name()
            region = rng.choice(REGIONS)
            address = f"{region.province}{region.city if region.city != region.province else ''}{region.district}{self._street(region)}"
            fixed = None
            if rng.random() < 0.25:
                head = "6" if len(region.area_code) == 3 else "8"
                fixed = f"{region.area_code}-{head}{rng.randrange(10_000_000):07d}"
            household = ""
        birth = date.fromordinal(rng.randint(_BIRTH_MIN, _BIRTH_MAX)).isoformat()
        pid = self._next_pid()
        mobiles = [self.mobile()]
        if rng.random() < 0.15:
            mobiles.append(self.mobile())
        p = Person(
            pid=pid,
            surname=surname,
            name=surname + given,
            gender=gender,
            birth_date=birth,
            ric=make_ric(ric_region(region, int(birth[:4]), rng).code, birth, gender, rng),
            region=region,
            address=address,
            mobiles=mobiles,
            fixed_line=fixed,
            email=self._email() if rng.random() < 0.55 else None,
            household=household or f"H{pid[1:]}",
            since_ts=NOW_TS - rng.randint(30, 15 * 365) * _DAY - rng.randrange(_DAY),
            is_customer=is_customer,
        )
        if is_customer:
            self.recent.append(p)
        return p

    def organization(self) -> Organization:
        """A new enterprise with 1–4 contacts, some of whom are already individual customers."""
        rng = self.rng
        self._oid += 1
        region = rng.choice(REGIONS)
        city = region.city.removesuffix("市")
        name = f"{city}{rng.choice(_COMPANY_PREFIXES)}{rng.choice(_COMPANY_KINDS)}有限公司"
        org = Organization(
            oid=f"O{self._oid:07d}",
            name=name,
            credit_code=make_uscc(region.code, rng),
            industry=rng.choice(INDUSTRIES),
            region=region,
            address=f"{region.province}{city}{region.district}{self._street(region)}",
            manager=rng.choice(self.managers),
            since_ts=NOW_TS - rng.randint(60, 12 * 365) * _DAY - rng.randrange(_DAY),
        )
        titles = ("总经理", "财务经理", "行政主管", "IT负责人", "采购经理", "法人代表")
        for _ in range(rng.randint(1, 4)):
            if self.recent and rng.random() < 0.3:
                org.contacts.append((rng.choice(self.recent), rng.choice(titles)))
            else:
                org.contacts.append((self.person(is_customer=False), rng.choice(titles)))
        return org

    def __iter__(self) -> Iterator[Person | Organization]:
        """Yield ``size`` customers in stream order."""
        rng = self.rng
        last: Person | None = None
        for _ in range(self.size):
            if rng.random() < self.ORG_RATE:
                yield self.organization()
                continue
            if last is not None and rng.random() < self.rates.family_member and last.fixed_line:
                last = self.person(household_of=last)
            else:
                last = self.person()
            yield last
