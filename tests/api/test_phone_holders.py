"""A phone names whoever held it at a time: recycled numbers, callers' numbers, shared lines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.models import Identifier, SourceRecord
from c360.records import PhoneRef
from tests.api.conftest import Api
from tests.helpers.identity import golden_of, land, party

PHONE = "13812345678"
LINE = "010-65001234"
HANDED_BACK = dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
REISSUED = dt.datetime(2023, 6, 1, tzinfo=dt.UTC)
CALLED = dt.datetime(2021, 5, 1, 8, 30, tzinfo=dt.UTC)

BY_PHONE = """
query($phone: String, $at: DateTime) { customerBy(phone: $phone, at: $at) { id } }"""


@pytest.fixture
def holders(engine: Engine) -> dict[str, str]:
    land(engine, [
        party("boss", "A", name="赵敏", gender="F", birth_date=dt.date(1980, 1, 1),
              phones=(PhoneRef(number=PHONE, since=dt.datetime(2018, 1, 1, tzinfo=dt.UTC), until=HANDED_BACK),)),
        party("boss", "B", name="孙丽", gender="F", birth_date=dt.date(1992, 7, 7),
              phones=(PhoneRef(number=PHONE, since=REISSUED),)),
        # the earlier holder called the hotline while the number was hers: a call, not a holding
        party("callcenter", "call:1", name="赵女士", phones=(PhoneRef(number=PHONE),), observed_at=CALLED),
        party("boss", "C", name="钱进", birth_date=dt.date(1970, 2, 2), phones=(PhoneRef(number=LINE),)),
        party("boss", "D", name="周芳", birth_date=dt.date(1972, 3, 3), phones=(PhoneRef(number=LINE),)),
    ])
    return {key: golden_of(engine, "boss", key) or "" for key in "ABCD"} | {"call": golden_of(engine, "callcenter", "call:1") or ""}


def test_caller_attaches_to_the_holder_of_that_time(holders: dict[str, str]) -> None:
    assert holders["call"] == holders["A"] != holders["B"]


def test_a_callers_number_is_held_only_at_the_call(engine: Engine, holders: dict[str, str]) -> None:
    with Session(engine) as session:
        window = session.execute(
            select(Identifier.valid_from, Identifier.valid_to).join(SourceRecord, SourceRecord.id == Identifier.source_record_id)
            .where(SourceRecord.source == "callcenter", Identifier.type == "phone")
        ).one()
    assert tuple(window) == (CALLED, CALLED)


def test_phone_names_its_current_holder(api: Api, holders: dict[str, str]) -> None:
    assert api.data(BY_PHONE, {"phone": PHONE})["customerBy"]["id"] == holders["B"]


@pytest.mark.parametrize(("at", "who"), [
    ("2021-05-01T16:30:00+08:00", "A"),  # the moment of the call, in China time
    ("2019-01-01T00:00:00Z", "A"),
    ("2023-06-01T00:00:00Z", "B"),  # a holding starts at its first instant
])
def test_phone_at_a_past_instant(api: Api, holders: dict[str, str], at: str, who: str) -> None:
    assert api.data(BY_PHONE, {"phone": PHONE, "at": at})["customerBy"]["id"] == holders[who]


def test_nobody_held_it_between_holders(api: Api, holders: dict[str, str]) -> None:
    assert api.error(BY_PHONE, {"phone": PHONE, "at": "2023-04-01T00:00:00Z"})["code"] == "NOT_FOUND"


def test_at_needs_a_time_zone(api: Api, holders: dict[str, str]) -> None:
    extensions = api.error(BY_PHONE, {"phone": PHONE, "at": "2021-05-01T08:30:00"})
    assert (extensions["code"], extensions["field"]) == ("BAD_USER_INPUT", "at")


def test_ambiguous_only_when_two_customers_hold_it_at_once(api: Api, holders: dict[str, str]) -> None:
    extensions = api.error(BY_PHONE, {"phone": LINE})
    assert extensions["code"] == "AMBIGUOUS"
    assert sorted(extensions["candidates"]) == sorted([holders["C"], holders["D"]])
