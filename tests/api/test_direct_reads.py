"""The loaders' statements read straight from the SQLite driver give exactly what SQLAlchemy gives."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event, select

from hub.models import Order
from hub.db.direct_reads import prepared
from resolvers.lists import LISTS
from resolvers.loaders import _statements
from resolvers.pages import PageArgs, _statement, owned_by
from tests.api import factory


@pytest.fixture
def golden_id(seed: Any) -> str:
    def build(session: Any) -> str:
        golden = factory.customer(session, "客户", kind="organization")
        factory.full_360(session, golden, 3)
        return golden.id

    return seed(build)  # type: ignore[no-any-return]


def _both(connection: Connection, statement: Any, parameters: dict[str, Any]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    direct = prepared(statement, connection.dialect)
    assert direct is not None, statement
    through_sqlalchemy = [(row._fields, tuple(row)) for row in connection.execute(statement, parameters)]
    straight = [(row._fields, tuple(row)) for row in direct.run(connection, parameters)]
    return through_sqlalchemy, straight


def test_every_list_and_loader_statement_reads_the_same(database_url: str, golden_id: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("direct reads are the SQLite path")
    engine = create_engine(database_url)
    statements = [_statement(spec, PageArgs(first=2), True) for spec in LISTS.values() if spec.load is None]
    statements += [_statement(LISTS["orders"], PageArgs(filters=(("status", ("done", "new")), ("type", ("new",)))), True)]
    statements += [_statements(True).account_managers, _statements(True).balance_totals, _statements(True).redirects]
    with engine.connect() as connection:
        for statement in statements:
            expected, got = _both(connection, statement, {"owners": golden_id})
            assert got == expected
        assert any(rows for rows in (_both(connection, s, {"owners": golden_id})[1] for s in statements))
    engine.dispose()


def test_statement_listeners_see_direct_reads(database_url: str, golden_id: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("direct reads are the SQLite path")
    engine = create_engine(database_url)
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_rest: seen.append(statement))
    direct = prepared(_statement(LISTS["bills"], PageArgs(), True), engine.dialect)
    assert direct is not None
    with engine.connect() as connection:
        direct.run(connection, {"owners": golden_id})
    assert seen == [direct.sql]
    engine.dispose()


def test_what_sqlalchemy_must_run_is_left_to_it() -> None:
    dialect = create_engine("sqlite://").dialect
    several = select(Order.id).where(owned_by(Order.golden_id, single=False))  # an expanding IN list
    assert prepared(several, dialect) is None
    assert prepared(select(Order.id).where(Order.status.in_(["done"])), dialect) is None  # IN (values): expanding too
    assert prepared(Order.__table__.insert(), dialect) is None
    one = select(Order.id).where(owned_by(Order.golden_id, single=True))
    direct = prepared(one, dialect)
    assert direct is not None and not direct.accepts({}) and direct.accepts({"owners": "G1"})
