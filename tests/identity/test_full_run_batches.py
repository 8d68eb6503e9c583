"""``resolve --full`` in batches of components gives what one pass over every record gives.

The data has what couples records across batches: callers of a recycled number and of a
household's shared line, a steward's merge, and a customer whose records no longer link.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from c360.hub.identity import merge
from c360.hub.identity.full_run import batches, components, generic_keys, rebuild_keys, resolve_full
from c360.hub.identity.matcher import MatchConfig
from c360.hub.identity.store import party_ids
from c360.hub.models import CrossReference, GoldenCustomer, GoldenRedirect
from c360.hub.models.golden import GOLDEN_ACTIVE
from c360.hub.models.identity_key import IdentityKey
from c360.hub.transfer import import_parties
from tests.helpers.files import write_jsonl
from tests.helpers.identity import golden_of, partition, record_id, ric
from tests.identity.test_interaction_records import BOSS, CALLS

OTHERS = [  # strangers to everyone above, and a pair linked by a document only
    {"source_key": "B7", "kind": "person", "name": "周杰", "id_number": ric("11010519850302123"), "phones": ["13700000007"]},
    {"source_key": "B8", "kind": "person", "name": "吴敏", "id_number": ric("31010419900101456"), "phones": ["13600000008"]},
    {"source_key": "B9", "kind": "person", "name": "吴敏", "id_number": ric("31010419900101456")},
    {"source_key": "B10", "kind": "person", "name": "郑云", "id_number": ric("32010219881111789"), "phones": ["13500000010"]},
    # namesakes born the same day: candidates (one name block), two people (two documents)
    {"source_key": "B11", "kind": "person", "name": "王伟", "birth_date": "1980-01-01", "id_number": ric("11010119800101111")},
    {"source_key": "B12", "kind": "person", "name": "王伟", "birth_date": "1980-01-01", "id_number": ric("12010119800101222")},
]


@pytest.fixture
def loaded(engine: Engine, tmp_path: Path) -> Engine:
    import_parties(engine, write_jsonl(tmp_path / "boss.jsonl", BOSS + OTHERS), source="boss", page_size=2)
    import_parties(engine, write_jsonl(tmp_path / "calls.jsonl", CALLS), source="callcenter", page_size=2)
    return engine


def split(engine: Engine, *, forget_customers: bool = False) -> list[list[int]]:
    """``components`` as a full run finds them (nothing written stays: the transaction is rolled back)."""
    with Session(engine) as session:
        if forget_customers:
            session.execute(delete(CrossReference))
        ids = party_ids(session)
        index = rebuild_keys(session, ids)
        found = components(session, ids, index, MatchConfig(), generic_keys(index, MatchConfig()))
        session.rollback()
    return found


def goldens(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        return {rid: gid for rid, gid in session.execute(select(CrossReference.source_record_id, CrossReference.golden_id))}


def test_components_keep_callers_with_the_holders_of_their_phone(loaded: Engine) -> None:
    """Each way records couple, seen alone: no customer is stored yet (it would join them all by itself)."""
    b1, b2, b3, b7, b8, b9, b10 = (record_id(loaded, "boss", k) for k in ("B1", "B2", "B3", "B7", "B8", "B9", "B10"))
    t1, t4 = record_id(loaded, "callcenter", "T1"), record_id(loaded, "callcenter", "T4")
    with Session(loaded) as session, session.begin():
        merge(session, b7, b8, actor="steward")
    found = split(loaded, forget_customers=True)  # only the steward's decision is left to join B7 and B8
    part_of = {rid: i for i, members in enumerate(found) for rid in members}
    assert part_of[t1] == part_of[b1] == part_of[b2]  # a caller on the number B1 held and B2 holds now
    assert part_of[t4] == part_of[b3]  # a caller on the line B1 and B3 share
    assert part_of[b7] == part_of[b8]  # a steward's merge
    assert part_of[b8] == part_of[b9]  # one document
    assert found[part_of[b10]] == [b10]  # a stranger
    b11, b12 = record_id(loaded, "boss", "B11"), record_id(loaded, "boss", "B12")
    assert part_of[b11] != part_of[b12]  # candidates the matcher keeps apart do not couple
    with Session(loaded) as session:
        assert sorted(r for members in found for r in members) == party_ids(session)
    assert [len(b) for b in batches(found, 1)] == [len(members) for members in found]


def test_a_customer_holds_its_records_together(loaded: Engine) -> None:
    """Records one customer holds now are in one component, whatever links them (its id is reused or retired once)."""
    b7, b10 = record_id(loaded, "boss", "B7"), record_id(loaded, "boss", "B10")
    assert not any({b7, b10} <= set(members) for members in split(loaded))
    with Session(loaded) as session, session.begin():
        session.execute(update(CrossReference).where(CrossReference.source_record_id == b10)
                        .values(golden_id=golden_of(loaded, "boss", "B7")))
    assert any({b7, b10} <= set(members) for members in split(loaded))


@pytest.mark.parametrize("batch_records", [1, 3, 10_000])
def test_any_batch_size_keeps_an_up_to_date_index_as_it_is(loaded: Engine, batch_records: int) -> None:
    before = goldens(loaded)
    stats = resolve_full(loaded, batch_records=batch_records)
    assert stats.changed == 0
    assert goldens(loaded) == before
    assert stats.records == len(before)
    found = split(loaded)
    if batch_records >= len(before):  # one batch: not split at all
        assert (stats.batches, stats.largest_component) == (1, len(before))
    else:
        assert stats.largest_component == max(map(len, found)) > 1
        assert stats.batches == len(list(batches(found, batch_records)))


def test_a_steward_merge_joins_two_components(loaded: Engine) -> None:
    b7, b8 = record_id(loaded, "boss", "B7"), record_id(loaded, "boss", "B8")
    with Session(loaded) as session, session.begin():
        merge(session, b7, b8, actor="steward")
    merged = partition(loaded)
    resolve_full(loaded, batch_records=1)
    assert partition(loaded) == merged
    assert golden_of(loaded, "boss", "B7") == golden_of(loaded, "boss", "B9")


def test_a_customer_whose_records_no_longer_link_splits_once(loaded: Engine) -> None:
    """Records one customer holds are resolved together even when nothing links them any more."""
    kept, gone = golden_of(loaded, "boss", "B7"), golden_of(loaded, "boss", "B8")
    moved = [record_id(loaded, "boss", k) for k in ("B8", "B9")]
    with Session(loaded) as session, session.begin():  # as an earlier rule or weight set left them
        session.execute(update(CrossReference).where(CrossReference.source_record_id.in_(moved)).values(golden_id=kept))
        session.execute(update(GoldenCustomer).where(GoldenCustomer.id == gone).values(status="merged", merged_into=kept))
    resolve_full(loaded, batch_records=1)
    b7, b8, b9 = (golden_of(loaded, "boss", k) for k in ("B7", "B8", "B9"))
    assert b8 == b9 != b7
    assert kept in (b7, b8)  # one part keeps the id, the other gets a new one, never both the same
    with Session(loaded) as session:
        assert session.get(GoldenCustomer, b7).status == session.get(GoldenCustomer, b8).status == GOLDEN_ACTIVE
        redirects = {(a, b) for a, b in session.execute(select(GoldenRedirect.from_id, GoldenRedirect.to_id))}
    assert (kept, b8 if kept == b7 else b7) in redirects  # the old id says where the other part went


@pytest.mark.parametrize(("batch_records", "steps"), [
    (10_000, ["rebuilding keys", "resolving"]),
    (3, ["rebuilding keys", "finding links", "resolving"]),
])
def test_the_run_reports_each_step_up_to_its_end(
    loaded: Engine, batch_records: int, steps: list[str], caplog: pytest.LogCaptureFixture,
) -> None:
    seen: dict[str, list[tuple[int, int]]] = {}
    with caplog.at_level("INFO", logger="c360.hub.identity.full_run"):
        resolve_full(loaded, batch_records=batch_records, on_progress=lambda step, done, total: seen.setdefault(step, []).append((done, total)))
    with Session(loaded) as session:
        parties = len(party_ids(session))
    assert list(seen) == steps
    for step, reports in seen.items():
        done = [d for d, _ in reports]
        assert done == sorted(done) and reports[-1][0] == reports[-1][1] > 0, step
    assert seen["rebuilding keys"][-1] == seen["resolving"][-1] == (parties, parties)
    logged = {r.getMessage() for r in caplog.records if r.name == "c360.hub.identity.full_run"}
    for step, reports in seen.items():  # each step's end is logged (for runs without a terminal)
        total = reports[-1][1]
        assert f"resolve --full: {step}, {total} of {total} records" in logged


def test_the_key_index_holds_shared_keys_and_the_callers_phones_only(loaded: Engine) -> None:
    with Session(loaded) as session:
        ids = party_ids(session)
        index = rebuild_keys(session, ids)
        stored = list(session.execute(select(IdentityKey.key, IdentityKey.source_record_id)))
        session.rollback()
    called = {f"id:phone:{value}" for values in index.callers.values() for value in values}
    holders: dict[str, set[int]] = {}
    for key, rid in stored:
        holders.setdefault(key, set()).add(rid)
    assert {key for key, rids in holders.items() if len(rids) > 1 or key in called} == set(index.holders)
    assert any(len(rids) == 1 for rids in holders.values())  # some keys were left out
    assert {key: set(rids) for key, rids in index.holders.items()} == {key: holders[key] for key in index.holders}
