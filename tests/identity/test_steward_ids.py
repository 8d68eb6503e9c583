"""Steward merge, never-merge and unmerge move exactly the records they name, and every golden id stays usable.

An unmerge takes the named record out: the other records keep the customer and its id, the
record gets a new one, and the ids that led to the customer say where each part went. The
property test runs random sequences of steward operations and re-resolutions on a small
population (distinct people, and one person held by two silos, whom the matcher joins).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from c360.hub.identity import steward
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.models import AuditEntry, CrossReference, GoldenCustomer, SourceRecord, StewardDecision
from tests.helpers.identity import land, party, ric
from tests.identity.index_checks import follow, golden_ids, index_problems, issued_id_problems

_SERIAL = itertools.count()  # each population's records and identity numbers are new to the database


def _population(engine: Engine, people: int, twins: bool = False) -> list[int]:
    """Land ``people`` distinct persons (each their own customer); ``twins``: the last one also in a second silo.

    Returns the party record ids in the order named (the twin's second record last).
    """
    records = []
    for _ in range(people):
        k = next(_SERIAL)
        body = f"110101{1930 + k % 70}{1 + k // 70 % 12:02d}{1 + k // 840 % 28:02d}123"
        records.append(party("boss", f"P{k}", name="张伟", id_number=ric(body)))
    if twins:
        last = records[-1]
        records.append(party("billing", last.source_key, name="張偉", id_number=last.id_number))
    land(engine, records)
    query = select(SourceRecord.source, SourceRecord.source_key, SourceRecord.id).where(SourceRecord.kind == "party")
    with Session(engine) as session:
        ids = {(source, key): rid for source, key, rid in session.execute(query)}
    return [ids[(r.source, r.source_key)] for r in records]


def _steward(engine: Engine, operation: Callable[..., object], *args: int) -> object:
    with Session(engine) as session, session.begin():
        return operation(session, *args, actor="steward.wang")


def _merge(engine: Engine, left: int, right: int) -> str:
    return str(_steward(engine, steward.merge, left, right))


def _unmerge(engine: Engine, record: int) -> str:
    return str(_steward(engine, steward.unmerge, record))


@pytest.mark.parametrize("survivor_first", [True, False], ids=["survivor-landed-first", "unmerged-landed-first"])
def test_unmerge_moves_the_named_record_and_the_other_keeps_the_id(engine: Engine, survivor_first: bool) -> None:
    first, second = _population(engine, 2)
    a, b = (first, second) if survivor_first else (second, first)  # record ids either way round
    before = golden_ids(engine)
    customer = _merge(engine, a, b)
    lost = ({before[a], before[b]} - {customer}).pop()

    moved = _unmerge(engine, b)

    after = golden_ids(engine)
    assert after[a] == customer, "the record the steward did not name keeps the customer's id"
    assert after[b] == moved and moved not in {customer, lost}, "the unmerged record gets a new id"
    with Session(engine) as session:
        assert follow(session, customer) == {customer}
        assert follow(session, lost) == {customer, moved}, "the id merged into the pair says where each part went"
        assert session.get(GoldenCustomer, lost).status == "split"
    assert issued_id_problems(engine) == [] and index_problems(engine) == []
    resolve_full(engine)
    assert golden_ids(engine) == after


def test_unmerge_keeps_records_joined_through_the_named_one_together(engine: Engine) -> None:
    a, b, c, d = _population(engine, 4)
    customer = _merge(engine, a, b)
    assert _merge(engine, b, c) == customer  # a - b - c: b holds the customer together

    moved = _unmerge(engine, b)

    after = golden_ids(engine)
    assert after[a] == after[c] == customer and after[b] == moved != customer
    with Session(engine) as session:
        pins = session.execute(select(StewardDecision.left_record_id, StewardDecision.right_record_id,
                                      StewardDecision.decided_by, StewardDecision.reason)
                               .where(StewardDecision.decision == "merge", StewardDecision.active.is_(True))).all()
        audit = session.execute(select(AuditEntry.detail).where(AuditEntry.operation == "unmerge")).scalar_one()
    assert [(left, right, who) for left, right, who, _ in pins] == [(min(a, c), max(a, c), "steward.wang")]
    assert f"record {b}" in (pins[0][3] or "") and audit["kept_together"] == [[min(a, c), max(a, c)]]
    resolve_full(engine)
    assert golden_ids(engine) == after
    assert after[d] not in {customer, moved}


def test_never_merge_within_one_customer_takes_out_the_right_record(engine: Engine) -> None:
    a, x, twin, twin_other = _population(engine, 3, twins=True)
    assert golden_ids(engine)[twin] == golden_ids(engine)[twin_other]  # one person in two silos: the matcher joins them
    customer = _merge(engine, twin, x)
    assert _merge(engine, x, a) == customer
    before = golden_ids(engine)

    _steward(engine, steward.never_merge, twin_other, x)

    after = golden_ids(engine)
    assert after[x] not in {customer} and {after[r] for r in (a, twin, twin_other)} == {customer}
    assert {r for r in before if after[r] != before[r]} == {x}
    resolve_full(engine)
    assert golden_ids(engine) == after
    assert issued_id_problems(engine) == []


def test_a_merge_that_would_tear_a_never_merge_pair_apart_is_refused(engine: Engine) -> None:
    a, twin, twin_other = _population(engine, 2, twins=True)
    _steward(engine, steward.never_merge, a, twin_other)
    before = golden_ids(engine)
    with pytest.raises(steward.KeptApart) as refused:
        _merge(engine, a, twin)  # twin's customer holds twin_other, kept apart from a
    assert {refused.value.left, refused.value.right} == {a, twin_other}
    assert golden_ids(engine) == before
    with Session(engine) as session:
        assert session.scalars(select(AuditEntry.operation)).all() == ["never_merge"]
    customer = _merge(engine, a, twin_other)  # the steward lifts the pair itself: the whole customers join
    assert {golden_ids(engine)[r] for r in (a, twin, twin_other)} == {customer}


def test_after_an_unmerge_the_matcher_may_bring_back_a_record_and_the_customer_keeps_its_id(engine: Engine) -> None:
    a, twin, twin_other = _population(engine, 2, twins=True)
    customer = _merge(engine, twin, a)
    _steward(engine, steward.never_merge, a, twin_other)  # twin_other leaves: kept apart from a, so from twin too
    apart = golden_ids(engine)[twin_other]
    assert apart != customer and {golden_ids(engine)[r] for r in (a, twin)} == {customer}

    moved = _unmerge(engine, a)  # nothing keeps twin_other from its other silo's record any more

    after = golden_ids(engine)
    assert after[a] == moved not in {customer, apart}
    assert after[twin] == after[twin_other] == customer, "the record that stayed keeps the id; the matcher brings it the other"
    with Session(engine) as session:
        assert follow(session, apart) == {customer}
    resolve_full(engine)
    assert golden_ids(engine) == after


def test_unmerging_a_record_alone_in_its_customer_keeps_its_id(engine: Engine) -> None:
    (a,) = _population(engine, 1)
    before = golden_ids(engine)[a]
    assert _unmerge(engine, a) == before
    assert issued_id_problems(engine) == []


def test_cli_unmerge_and_a_refused_merge(engine: Engine, database_url: str, work_dir: object,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from c360.app.cli.main import app

    monkeypatch.setenv("C360_DATABASE_URL", database_url)
    a, b, c = _population(engine, 3)
    customer = _merge(engine, a, b)
    result = CliRunner().invoke(app, ["steward", "unmerge", str(a), "--actor", "steward.li", "--reason", "wrong merge"])
    assert result.exit_code == 0, result.output
    after = golden_ids(engine)
    assert after[b] == customer and after[a] != customer and f"unmerged into {after[a]}" in result.output

    _steward(engine, steward.never_merge, a, c)
    _merge(engine, b, c)
    result = CliRunner().invoke(app, ["steward", "merge", str(a), str(b), "--actor", "steward.li"])
    assert result.exit_code == 2 and f"records {min(a, c)} and {max(a, c)}" in result.output and "never-merge" in result.output
    assert golden_ids(engine)[a] == after[a]


# --- the property: any sequence keeps ids usable and moves only what the steward named --------------------------

_RECORDS = 5  # four people, the fourth also held by a second silo
_INDEX = st.integers(min_value=0, max_value=_RECORDS - 1)
_PAIR = st.lists(_INDEX, min_size=2, max_size=2, unique=True).map(tuple)
_OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("merge"), _PAIR),
        st.tuples(st.just("never_merge"), _PAIR),
        st.tuples(st.just("unmerge"), _INDEX),
        st.tuples(st.just("resolve"), _INDEX),
        st.tuples(st.just("resolve_full"), st.none()),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operations=_OPERATIONS)
def test_steward_sequences_keep_ids_live_and_move_only_named_records(engine: Engine, operations: list) -> None:
    records = _population(engine, _RECORDS - 1, twins=True)
    for name, args in operations:
        before = golden_ids(engine)
        issued = _issued(engine)
        named, kept = _apply(engine, name, args, records, before)
        after = golden_ids(engine)
        changed = {r for r in before if after[r] != before[r]}
        event(f"{name}: {'moved records' if changed else 'moved nothing'}")  # --hypothesis-show-statistics
        joined = changed - named
        if joined and kept is not None:  # free to match again once the record kept apart from them left
            event(f"{name}: the matcher joined a record to the customer that stayed")
            methods = _methods(engine, joined)
            joined = {r for r in joined if after[r] != kept or methods[r] == "steward"}
        assert not joined, f"{name}{args} moved records the steward did not name: {sorted(joined)}"
        if kept is not None:
            stayed = {r for r, gid in before.items() if gid == kept} - named
            assert {after[r] for r in stayed} <= {kept}, "the records that stay keep the customer's id"
        if name == "unmerge":
            rid = records[args]
            alone = all(before[r] != before[rid] for r in before if r != rid)
            assert (after[rid] == before[rid]) if alone else (after[rid] not in issued)
        if name == "never_merge":
            assert after[records[args[0]]] != after[records[args[1]]]
        problems = issued_id_problems(engine) + index_problems(engine)
        assert problems == [], f"after {name}{args}: {problems}"


def _issued(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(GoldenCustomer.id)))


def _methods(engine: Engine, records: set[int]) -> dict[int, str]:
    """How each record is linked to its customer (``steward``, ``deterministic``, …)."""
    with Session(engine) as session:
        rows = session.execute(select(CrossReference.source_record_id, CrossReference.method)
                               .where(CrossReference.source_record_id.in_(sorted(records))))
        return {rid: method for rid, method in rows}


def _apply(engine: Engine, name: str, args: object, records: list[int], before: dict[int, str]) -> tuple[set[int], str | None]:
    """Run one operation; returns the records it may move, and the id of a customer a record was taken out of."""
    if name == "merge":
        left, right = (records[i] for i in args)  # type: ignore[union-attr]
        try:
            customer = _merge(engine, left, right)
        except steward.KeptApart:
            event("merge refused: kept apart")
            return set(), None
        joined = {r for r, gid in before.items() if gid in {before[left], before[right]}}
        after = golden_ids(engine)
        assert customer in {before[left], before[right]} and {after[r] for r in joined} == {customer}
        return joined, None
    if name == "never_merge":
        left, right = (records[i] for i in args)  # type: ignore[union-attr]
        _steward(engine, steward.never_merge, left, right)
        return ({right}, before[right]) if before[left] == before[right] else (set(), None)
    if name == "unmerge":
        rid = records[args]  # type: ignore[index]
        _unmerge(engine, rid)
        return {rid}, before[rid]
    if name == "resolve":
        with Session(engine) as session, session.begin():
            IdentityResolver().resolve_records(session, [records[args]])  # type: ignore[index]
        return set(), None
    resolve_full(engine)
    return set(), None
