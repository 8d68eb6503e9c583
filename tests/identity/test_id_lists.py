"""``any_of``: a list bound as one parameter selects what ``in_()`` selects, through the column's index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Column, Engine, delete, event, func, insert, select, text
from sqlalchemy.orm import Session

from c360.hub.db.id_lists import any_of
from c360.hub.models import SourceRecord
from c360.hub.models.identity_key import IdentityKey

_SOURCE, _KEYS = SourceRecord.__table__, IdentityKey.__table__
_ODD_KEYS = ["张伟", "O'Brien", 'say "hi"', "back\\slash", "[1, 2]", "", "tab\there"]
_N = 1200


@pytest.fixture
def filled(engine: Engine) -> Engine:
    """``_N`` party records (keys ``K0000``…) and three blocking keys each, some of them unusual strings."""
    with Session(engine) as session, session.begin():
        session.execute(insert(_SOURCE), [
            {"id": i, "source": "boss", "kind": "party", "source_key": f"K{i:04d}", "raw": {}, "normalized": {}, "content_hash": "h"}
            for i in range(1, _N + 1)
        ])
        keys = [f"id:phone:{i % 700}" for i in range(1, _N + 1)] + [f"nm:{i}" for i in range(1, _N + 1)]
        keys += [_ODD_KEYS[i % len(_ODD_KEYS)] for i in range(1, _N + 1)]
        session.execute(insert(_KEYS), [{"source_record_id": (n % _N) + 1, "key": key} for n, key in enumerate(keys)])
    return engine


def _both(session: Session, columns: list[Any], column: Column[Any], values: list[Any]) -> tuple[list[Any], list[Any]]:
    """The rows ``in_()`` selects and the rows ``any_of`` selects, each sorted."""
    expanding = sorted(tuple(r) for r in session.execute(select(*columns).where(column.in_(values))))
    bound = sorted(tuple(r) for r in session.execute(select(*columns).where(any_of(column, "values")), {"values": values}))
    return expanding, bound


_INTS = [[], [7], list(range(1, 1100, 2)) + [5, 5, 0, -3, 10**12], list(range(_N + 1))]
_STRINGS = [[], ["K0007"], [f"K{i:04d}" for i in range(0, 1500, 3)] + ["K0003", "nope"], ["id:phone:5", *_ODD_KEYS]]


@pytest.mark.parametrize("values", _INTS, ids=["empty", "one", "over 500", "all"])
def test_int_lists_select_what_in_selects(filled: Engine, values: list[int]) -> None:
    with Session(filled) as session:
        for columns, column in (([_SOURCE.c.id, _SOURCE.c.source_key], _SOURCE.c.id), ([_KEYS.c.key], _KEYS.c.source_record_id)):
            expanding, bound = _both(session, columns, column, values)
            assert bound == expanding
            assert bool(bound) == bool(set(values) & set(range(1, _N + 1)))


@pytest.mark.parametrize("values", _STRINGS, ids=["empty", "one", "over 500", "unusual"])
def test_string_lists_select_what_in_selects(filled: Engine, values: list[str]) -> None:
    with Session(filled) as session:
        for columns, column in (([_SOURCE.c.id], _SOURCE.c.source_key), ([_KEYS.c.source_record_id, _KEYS.c.key], _KEYS.c.key)):
            expanding, bound = _both(session, columns, column, values)
            assert bound == expanding


def test_one_statement_and_one_parameter_for_any_length(filled: Engine) -> None:
    statement = select(_SOURCE.c.id).where(any_of(_SOURCE.c.id), _SOURCE.c.kind == "party")
    seen: list[tuple[str, Any]] = []
    event.listen(filled, "before_cursor_execute", lambda _c, _cur, sql, parameters, *_rest: seen.append((sql, parameters)))
    with Session(filled) as session:
        counts = [len(session.execute(statement, {"ids": list(range(1, n + 1))}).all()) for n in (1, 2, 700)]
    assert counts == [1, 2, 700]
    assert len({sql for sql, _ in seen}) == 1
    assert all(len(parameters) == 2 for _, parameters in seen)  # the list and the kind


def test_a_delete_takes_the_list(filled: Engine) -> None:
    doomed = list(range(1, 801))
    with Session(filled) as session, session.begin():
        session.execute(delete(_KEYS).where(any_of(_KEYS.c.source_record_id)), {"ids": doomed})
    with Session(filled) as session:
        left = set(session.execute(select(_KEYS.c.source_record_id)).scalars())
    assert left == set(range(801, _N + 1))


def _plan(session: Session, statement: Any, values: list[Any]) -> str:
    """The database's plan for ``statement`` as it runs it (SQL and parameters as sent)."""
    sent: list[tuple[str, Any]] = []
    engine = session.get_bind()
    watch = lambda _c, _cur, sql, parameters, *_rest: sent.append((sql, parameters))  # noqa: E731
    event.listen(engine, "before_cursor_execute", watch)
    try:
        session.execute(statement, {"ids": values}).all()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    sql, parameters = sent[-1]
    explain = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    return " ".join(str(row[-1]) for row in session.connection().exec_driver_sql(explain + sql, parameters))


def test_the_column_index_is_used(filled: Engine) -> None:
    with Session(filled) as session:
        if filled.dialect.name == "postgresql":
            session.execute(text("ANALYZE identity_key, source_record"))  # these tables only: not every test schema
            session.execute(text("SET LOCAL enable_seqscan = off"))  # small tables: show the index can serve the lookup
        by_key = _plan(session, select(_KEYS.c.source_record_id).where(any_of(_KEYS.c.key, "ids")), ["nm:5", "nm:6"])
        by_record = _plan(session, select(_KEYS.c.key).where(any_of(_KEYS.c.source_record_id)), [5, 6])
        by_id = _plan(session, select(_SOURCE.c.source_key).where(any_of(_SOURCE.c.id)), [5, 6])
    if filled.dialect.name == "postgresql":
        assert "Index" in by_key and "ix_identity_key_key" in by_key
        assert "ix_identity_key_source_record_id" in by_record
        assert "Index" in by_id and "pk_source_record" in by_id
    else:
        assert "SEARCH identity_key USING INDEX ix_identity_key_key (key=?)" in by_key
        assert "SEARCH identity_key USING INDEX ix_identity_key_source_record_id (source_record_id=?)" in by_record
        assert "SEARCH source_record USING INTEGER PRIMARY KEY (rowid=?)" in by_id


def test_counts_group_over_the_list(filled: Engine) -> None:
    keys = [f"id:phone:{i}" for i in range(0, 900)]
    query = select(_KEYS.c.key, func.count()).group_by(_KEYS.c.key)
    with Session(filled) as session:
        bound = dict(session.execute(query.where(any_of(_KEYS.c.key, "keys")), {"keys": keys}).all())
        expanding = dict(session.execute(query.where(_KEYS.c.key.in_(keys))).all())
    assert bound == expanding and len(bound) == 700


def test_the_identity_hook_plans_each_list_as_bound_on_postgresql(engine: Engine) -> None:
    """A generic plan made while the tables were nearly empty compared every row with every value."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plan cache")
    from c360.hub.identity.resolver import IdentityResolver
    from c360.hub.ingest import ingest_page
    from tests.helpers.identity import T0, party

    with Session(engine) as session, session.begin():
        landed = ingest_page(session, [party("boss", "A", name="张伟")], seen_at=T0)
        assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
        IdentityResolver().records_landed(session, landed.changed_ids)
        assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
    with Session(engine) as session:  # for that transaction only
        assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"
