"""A resolver's resident state: reused between its own pages, dropped when anyone else wrote or a page rolled back."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.store import load_profiles, party_rows
from c360.hub.ingest import NoResolution, ingest_page
from c360.hub.models.epoch import read_epoch
from c360.records import PhoneRef
from tests.helpers.identity import T0, golden_of, land, partition, party, record_id, subscription

Make = Callable[[], IdentityResolver]
PAYLOAD_READ = re.compile(r"\braw\b.*\bFROM source_record\b", re.S)
PARTY_SUBSCRIPTIONS_READ = re.compile(r"\bFROM subscription\b.*\bparty_key (IN|= ANY)\b", re.S | re.I)


def _ids(parameters: object) -> set[int]:
    """The ids among a statement's parameters: single values, or lists bound as one (``c360.hub.db.id_lists``: JSON or array)."""
    out: set[int] = set()
    for p in parameters:  # type: ignore[attr-defined]
        if isinstance(p, str) and p.startswith("["):
            p = json.loads(p)
        out.update(v for v in (p if isinstance(p, list) else [p]) if isinstance(v, int))
    return out


@pytest.fixture(params=["whole key index", "keys looked up"])
def make(request: pytest.FixtureRequest) -> Make:
    """Resolvers holding the whole key index (a small hub), or looking keys up as needed (past ``preload_limit``)."""

    def build() -> IdentityResolver:
        resolver = IdentityResolver()
        if request.param == "keys looked up":
            resolver.resident.preload_limit = -1
        else:
            resolver.resident.preload_after = 0
        return resolver

    return build


def test_a_page_written_by_another_resolver_is_seen_by_the_first(engine: Engine, make: Make) -> None:
    mine, theirs = make(), make()  # e.g. the sync process and another process importing
    land(engine, [party("boss", "X", name="王芳", birth_date="1980-02-03", phones=(PhoneRef(number="13812340001"),))], mine)
    land(engine, [party("boss", "X", name="李娜", birth_date="1985-07-08", phones=(PhoneRef(number="13912340002"),))], theirs)
    land(engine, [party("boss", "Z", name="李娜", birth_date="1985-07-08", phones=(PhoneRef(number="13912340002"),))], mine)
    assert golden_of(engine, "boss", "Z") == golden_of(engine, "boss", "X")  # X as ``theirs`` left it, not as ``mine`` held it
    with Session(engine) as session:
        assert mine.resident.token == read_epoch(session)


def test_records_landed_without_resolution_are_read_afresh(engine: Engine, make: Make) -> None:
    mine = make()
    land(engine, [party("boss", "X", name="李雷", birth_date="1979-05-06", phones=(PhoneRef(number="13812340011"),))], mine)
    with Session(engine) as session, session.begin():  # a bulk load that resolves nothing
        result = ingest_page(session, [party("boss", "X", name="李雷", birth_date="1979-05-06",
                                             phones=(PhoneRef(number="13912340012"),))], seen_at=T0)
        NoResolution().records_landed(session, result.changed_ids)
    with Session(engine) as session:
        assert mine.resident.token != read_epoch(session)
    land(engine, [party("boss", "Y", name="李雷", birth_date="1979-05-06", phones=(PhoneRef(number="13912340012"),))], mine)
    x = mine.resident.profiles[record_id(engine, "boss", "X")]
    assert [p.value for p in x.phones] == ["+8613912340012"]  # rebuilt from the stored payload


def test_a_rolled_back_page_leaves_nothing_trusted(engine: Engine, make: Make) -> None:
    mine = make()
    land(engine, [party("boss", "A", name="韩梅", birth_date="1990-01-01", phones=(PhoneRef(number="13812340021"),))], mine)
    with pytest.raises(RuntimeError), Session(engine) as session, session.begin():
        result = ingest_page(session, [party("boss", "A", name="赵敏", birth_date="1992-03-04",
                                             phones=(PhoneRef(number="13812340022"),))], seen_at=T0)
        mine.records_landed(session, result.changed_ids)
        raise RuntimeError("the page fails after resolution")
    land(engine, [party("boss", "C", name="韩梅", birth_date="1990-01-01", phones=(PhoneRef(number="13812340021"),))], mine)
    assert golden_of(engine, "boss", "C") == golden_of(engine, "boss", "A")  # A as stored: the update never happened
    assert mine.resident.profiles[record_id(engine, "boss", "A")].name == "韩梅"


def test_held_candidates_are_not_read_again(engine: Engine, make: Make) -> None:
    mine = make()
    block = [party("boss", f"P{i}", name="张伟", address="北京市朝阳区建国路88号",
                   phones=(PhoneRef(number=f"1381234{i:04d}"),), birth_date=f"19{50 + i}-01-01") for i in range(20)]
    land(engine, block, mine)
    held = {record_id(engine, "boss", f"P{i}") for i in range(20)}
    payload_reads: list[set[int]] = []

    def watch(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and PAYLOAD_READ.search(statement):
            payload_reads.append(_ids(parameters.values() if isinstance(parameters, dict) else parameters))

    event.listen(engine, "before_cursor_execute", watch)
    try:  # one more 张伟 in the same district: compared with all twenty, matched with none
        land(engine, [party("boss", "Q", name="张伟", address="北京市朝阳区建国路88号", phones=(PhoneRef(number="13912349999"),),
                            birth_date="1949-01-01")], mine)
        landed = list(payload_reads)
        with Session(engine) as session:  # the watch does see a payload read
            party_rows(session, held)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert len({golden_of(engine, "boss", f"P{i}") for i in range(20)} | {golden_of(engine, "boss", "Q")}) == 21
    assert not landed  # candidates held, and the landed record handed over by the ingest (c360.hub.ingest.landed)
    assert payload_reads and payload_reads[-1] == held


def test_a_subscription_moved_to_another_party_updates_the_party_it_left(engine: Engine, make: Make) -> None:
    mine = make()
    cut = dt.datetime(2023, 3, 1, tzinfo=dt.UTC)
    people = [party("boss", key, name="王芳", phones=(PhoneRef(number="13812340031"),)) for key in ("A", "B")]
    land(engine, [*people, subscription("S1", "A", "13812340031", dt.datetime(2018, 1, 1, tzinfo=dt.UTC), cut),
                  subscription("S2", "B", "13812340031", cut + dt.timedelta(days=90))], mine)
    assert golden_of(engine, "boss", "A") != golden_of(engine, "boss", "B")  # the number was recycled from A to B
    # A correction: S1 was B's, opened with S2. A keeps only its own listing of the number, with no dates.
    land(engine, [subscription("S1", "B", "13812340031", cut + dt.timedelta(days=90), cut + dt.timedelta(days=180))], mine)
    assert golden_of(engine, "boss", "A") == golden_of(engine, "boss", "B")
    incremental = partition(engine)
    resolve_full(engine)
    assert partition(engine) == incremental


def _held_as_stored(engine: Engine, resolver: IdentityResolver, keys: list[str]) -> None:
    """Every held profile, and the subscriptions held for it, equal what a fresh read builds from the database."""
    state = resolver.resident
    ids = [record_id(engine, "boss", key) for key in keys]
    assert set(ids) <= set(state.profiles)  # the parties stayed held: their windows were patched in memory
    counted: dict = {}
    with Session(engine) as session:
        fresh = load_profiles(session, list(state.profiles), None, counted)
    assert {rid: state.profiles[rid] for rid in fresh} == fresh
    assert {ref: state.counted[ref] for ref in counted} == counted


def test_held_windows_follow_landed_subscriptions_like_a_fresh_build(engine: Engine, make: Make) -> None:
    mine = make()
    day = [dt.datetime(2018, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=200 * i) for i in range(8)]
    keys = ["A", "B", "C"]
    land(engine, [party("boss", k, name="王芳", phones=(PhoneRef(number="13812340041"), PhoneRef(number="13812340042")))
                  for k in keys], mine)
    pages = [
        [subscription("S1", "A", "13812340041", day[0], day[1]), subscription("S2", "B", "13812340041", day[2]),  # added
         subscription("S3", "B", "13812340042", day[0], day[3]), subscription("S4", "C", "13812340042", day[4])],
        [subscription("S5", "A", "13812340041", day[3])],  # a second holding of one number, after S1's
        [subscription("S3", "A", "13812340042", day[0], day[3])],  # moved from B to A
        [subscription("S1", "A", "13812340041", day[5], day[6])],  # re-dated: now after S5's start
        [subscription("S2", "B", "13812340042", day[2])],  # another MSISDN
        [subscription("S4", "C", "13812340042", day[4]).model_copy(update={"deleted": True})],  # deleted
        [subscription("S5", "C", "13812340041", day[3], day[7]), subscription("S6", "A", "010-6234", day[1])],  # moved, untrusted number
        [subscription("S1", "B", "13812340041", day[1], day[2]).model_copy(update={"deleted": True})],  # deleted while moving
        [party("boss", "C", name="王芳", birth_date="1990-01-01",  # moved to a party landing (and read) on its page
               phones=(PhoneRef(number="13812340041"), PhoneRef(number="13812340042"))),
         subscription("S3", "C", "13812340042", day[0], day[3])],
    ]
    for page in pages:
        land(engine, page, mine)
        _held_as_stored(engine, mine, keys)
    incremental = partition(engine)
    resolve_full(engine)
    assert partition(engine) == incremental


def test_a_subscription_page_does_not_read_the_other_subscriptions_of_held_parties(engine: Engine, make: Make) -> None:
    mine = make()
    start = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    keys = [f"P{i}" for i in range(5)]
    people = [party("boss", k, name="李雷", birth_date=f"198{i}-01-01", phones=(PhoneRef(number=f"1381234005{i}"),))
              for i, k in enumerate(keys)]
    land(engine, [*people, *(subscription(f"S{i}", k, f"1381234005{i}", start) for i, k in enumerate(keys))], mine)
    reads: list[str] = []

    def watch(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and PARTY_SUBSCRIPTIONS_READ.search(statement):
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:  # P0 gets a second number, P1's subscription moves to P2
        land(engine, [subscription("T0", "P0", "13812340059", start), subscription("S1", "P2", "13812340051", start)], mine)
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    assert not reads
    _held_as_stored(engine, mine, keys)
