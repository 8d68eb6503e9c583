"""A :class:`~c360.resolvers.plan.CustomerPlan` compiled into one SELECT for any number of customers.

The statement reads the golden rows asked for and, for each active one, every list page, count,
balance total and account manager the plan names, as correlated subqueries that each return
their rows as one JSON array (``json_agg``/``json_build_array`` on PostgreSQL,
``json_group_array``/``json_array`` on SQLite; the two databases differ in nothing else). An
enterprise contact's person is the same compilation nested inside the relation's row, a service
request's status history a list nested inside the request's row. So a 360 document costs one round
trip whatever its customers and lists (``c360.resolvers.view_rows`` decodes the answer).

Each list page is the list's own ``ORDER BY … LIMIT first + 1`` over the customer's rows
(``c360.resolvers.pages``: same filters, keyset and order), so the database still reads only the top of
each customer's index range. Statements are built once per (plan, dialect) and cached on the
:class:`ViewStatements` of the app, not per process.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import sqltypes

from c360.hub.db.id_lists import any_of
from c360.hub.models import (
    AccountManager,
    Balance,
    CrossReference,
    GoldenCustomer,
    Identifier,
    PartyRelation,
    SourceRecord,
)
from c360.hub.models.golden import GOLDEN_ACTIVE
from c360.resolvers.lists import LISTS
from c360.resolvers.pages import ListSpec, PageArgs
from c360.resolvers.plan import CustomerPlan, ListRead

__all__ = ["ViewStatements", "GOLDEN_COLUMNS", "IDENTIFIER_COLUMNS", "MANAGER_COLUMNS", "list_columns"]

GOLDEN_COLUMNS = tuple(GoldenCustomer.__table__.c)
IDENTIFIER_COLUMNS = (
    *(
        column for column in Identifier.__table__.c if column.key != "raw_value"
    ),  # the silo's spelling: never shown
    SourceRecord.source.label("source"),
    SourceRecord.source_key.label("record_key"),
)
MANAGER_COLUMNS = (
    PartyRelation.recorded_at.label("assigned_at"),
    AccountManager.source,
    AccountManager.source_key,
    AccountManager.name,
    AccountManager.phone,
    AccountManager.email,
    AccountManager.region,
)
_CACHE_SIZE = 256  # distinct (plan, dialect) statements kept
_ZERO: ColumnClause[Any] = literal_column("0")


def list_columns(spec: ListSpec) -> tuple[Any, ...]:
    """The columns one item of list ``spec`` carries, in the order its JSON array holds them."""
    return IDENTIFIER_COLUMNS if spec.grouped else tuple(spec.columns())


class _Json:
    """The JSON building blocks of one dialect."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def array(self, *values: Any) -> ColumnElement[Any]:
        return func.json_array(*values) if self.sqlite else func.json_build_array(*values)

    def agg(self, value: Any) -> ColumnElement[Any]:
        return func.json_group_array(value) if self.sqlite else func.json_agg(value)

    def nested(self, value: Any) -> ColumnElement[Any]:
        """A JSON value read through a subquery or from a JSON column, embedded as JSON (SQLite keeps the
        JSON-ness of a value only inside one expression; ``json(…)`` restores it)."""
        return func.json(value) if self.sqlite else value

    def column(self, column: Any) -> Any:
        return self.nested(column) if isinstance(column.type, sqltypes.JSON) else column


def _order(spec: ListSpec, sort: Any, row_id: Any) -> list[Any]:
    keys = [sort, row_id] if sort is not None else [row_id]
    return [key.asc() if spec.ascending else key.desc() for key in keys]


def _limit(count: int) -> Any:
    """``LIMIT count`` written into the SQL: the statement is built per plan anyway, and a bound LIMIT
    leaves PostgreSQL's plan of the prepared statement guessing how many rows each subquery keeps."""
    return literal_column(str(int(count)))


def _conditions(
    spec: ListSpec, args: PageArgs, owner: Any, *, paged: bool, sort_key: Any = None
) -> list[Any]:
    """The filters of one page (``paged``: with the keyset of ``after``) of ``spec`` for ``owner``."""
    conditions: list[Any] = [spec.owner == owner]
    if spec.where is not None:
        conditions.append(spec.where())
    for name, values in args.filters:
        column = spec.filters[name]
        conditions.append(
            column == values[0] if len(values) == 1 else or_(*(column == value for value in values))
        )
    if spec.sort is not None and args.since is not None:
        conditions.append(spec.sort >= args.since)
    if spec.sort is not None and args.until is not None:
        conditions.append(spec.sort < args.until)
    if paged and args.after is not None and not spec.grouped:
        value, row_id = spec.parse_after(args.after)
        sort = sort_key(spec)
        if sort is not None:
            bound = literal(value, type_=spec.sort.type)  # type: ignore[union-attr]
            if spec.ascending:
                conditions.append(or_(sort > bound, and_(sort == bound, spec.id > row_id)))
            else:
                conditions.append(or_(sort < bound, and_(sort == bound, spec.id < row_id)))
        else:
            conditions.append(spec.id > row_id if spec.ascending else spec.id < row_id)
    return conditions


class _Compiler:
    """Builds the subqueries of one statement for one dialect."""

    def __init__(self, dialect: str) -> None:
        self.json = _Json(dialect)
        self.dialect = (sqlite.dialect if dialect == "sqlite" else postgresql.dialect)()

    def constant(self, value: Any, type_: Any) -> ColumnElement[Any]:
        """A value the code chose (never a caller's), written into the SQL as the dialect spells it."""
        rendered = literal(value, type_=type_).compile(
            dialect=self.dialect, compile_kwargs={"literal_binds": True}
        )
        return literal_column(str(rendered), type_=type_)

    def sort_key(self, spec: ListSpec) -> Any:
        """The list's sort value, its sentinel standing for a missing one (``c360.resolvers.pages``)."""
        if spec.sort is None:
            return None
        return func.coalesce(spec.sort, self.constant(spec.sentinel, spec.sort.type))

    # -- a customer ------------------------------------------------------------------------------

    def parts(self, plan: CustomerPlan, golden_id: Any, outer: Any) -> list[Any]:
        """One JSON value per thing the plan reads, in plan order: lists, then totals, then manager."""
        found: list[Any] = [self.list_part(read, golden_id, outer) for read in plan.lists]
        if plan.balance_totals:
            found.append(self.balance_totals(golden_id, outer))
        if plan.account_manager:
            found.append(self.account_manager(golden_id, outer))
        return found

    def view(self, plan: CustomerPlan, golden: Any, outer: Any) -> ColumnElement[Any]:
        """The plan's parts of an active customer as one JSON array (null for a merged or split one)."""
        active = golden.c.status == self.constant(GOLDEN_ACTIVE, golden.c.status.type)
        return case((active, self.json.array(*self.parts(plan, golden.c.id, outer))), else_=None)

    def person(self, plan: CustomerPlan, golden_id: Any, outer: Any) -> ColumnElement[Any]:
        """A customer nested inside another row: its golden columns, then its view."""
        person = GoldenCustomer.__table__.alias("person")
        row = self.json.array(
            *(self.json.column(column) for column in person.c), self.view(plan, person, person)
        )
        return self.json.nested(
            select(row).where(person.c.id == golden_id).correlate(outer).scalar_subquery()
        )

    # -- a list ----------------------------------------------------------------------------------

    def list_part(self, read: ListRead, owner: Any, outer: Any) -> ColumnElement[Any]:
        """``[items, total?]``: the page's items (first + 1 of them) and, when asked for, the list's count."""
        spec = LISTS[read.name]
        items = (
            self.identifier_items(read, owner, outer)
            if spec.grouped
            else self.items(spec, read, owner, outer)
        )
        values = [items]
        if read.count:
            values.append(self.count(spec, read.args, owner, outer))
        return self.json.array(*values)

    def items(self, spec: ListSpec, read: ListRead, owner: Any, outer: Any) -> ColumnElement[Any]:
        """The page's rows, each one JSON array of the list's columns, then what the row reads in turn."""
        item = self.json.array(*(self.json.column(column) for column in list_columns(spec))).label("item")
        keys = [spec.id.label("row_id")] if read.children else []
        if read.person is not None:
            keys.append(PartyRelation.related_golden_id.label("person_id"))
        page = (
            spec.base()
            .with_only_columns(item, *keys)
            .where(*_conditions(spec, read.args, owner, paged=True, sort_key=self.sort_key))
            .order_by(*_order(spec, self.sort_key(spec), spec.id))
            .limit(_limit(read.args.first + 1))
            .correlate(outer)
            .subquery("page")
        )
        if not keys:
            return self._aggregate(self.json.nested(page.c.item), page)
        values: list[Any] = [self.json.nested(page.c.item)]
        values += [self.list_part(child, page.c.row_id, page) for child in read.children]
        if read.person is not None:
            values.append(self.person(read.person, page.c.person_id, page))
        return self._aggregate(self.json.array(*values), page)

    def identifier_items(self, read: ListRead, owner: Any, outer: Any) -> ColumnElement[Any]:
        """Identifier groups, one per (type, value), newest group first; each with its rows, oldest first."""
        spec = LISTS["identifiers"]
        groups = (
            select(Identifier.type, Identifier.value, func.min(Identifier.id).label("group_id"))
            .join(CrossReference, CrossReference.source_record_id == Identifier.source_record_id)
            .where(*_conditions(spec, read.args, owner, paged=False))
            .group_by(Identifier.type, Identifier.value)
        )
        if read.args.after is not None:
            _, group_id = spec.parse_after(read.args.after)
            groups = groups.having(func.min(Identifier.id) < group_id)
        page = (
            groups.order_by(func.min(Identifier.id).desc())
            .limit(_limit(read.args.first + 1))
            .correlate(outer)
            .subquery("page")
        )
        rows = (
            select(*IDENTIFIER_COLUMNS)
            .select_from(CrossReference)
            .join(Identifier, Identifier.source_record_id == CrossReference.source_record_id)
            .join(SourceRecord, SourceRecord.id == Identifier.source_record_id)
            .where(
                CrossReference.golden_id == owner,
                Identifier.type == page.c.type,
                Identifier.value == page.c.value,
            )
            .order_by(Identifier.id)
            .correlate(outer, page)
            .subquery("member")
        )
        members = self._aggregate(
            self.json.array(*(rows.c[column.key] for column in IDENTIFIER_COLUMNS)), rows
        )
        return self._aggregate(self.json.array(page.c.group_id, self.json.nested(members)), page)

    def count(self, spec: ListSpec, args: PageArgs, owner: Any, outer: Any) -> ColumnElement[Any]:
        conditions = _conditions(spec, args, owner, paged=False)
        if spec.grouped:  # items are (type, value) groups
            groups = spec.base().with_only_columns(Identifier.type, Identifier.value).where(*conditions)
            grouped = groups.group_by(Identifier.type, Identifier.value).correlate(outer).subquery("grouped")
            return select(func.count()).select_from(grouped).scalar_subquery()
        return (
            spec.base().with_only_columns(func.count()).where(*conditions).correlate(outer).scalar_subquery()
        )

    def _aggregate(self, row: Any, source: Any) -> ColumnElement[Any]:
        """The rows of ``source`` as one JSON array (``[]`` when there are none)."""
        aggregated = select(self.json.agg(row)).select_from(source).scalar_subquery()
        return self.json.nested(
            aggregated if self.json.sqlite else func.coalesce(aggregated, func.json_build_array())
        )

    # -- single values ---------------------------------------------------------------------------

    def balance_totals(self, golden_id: Any, outer: Any) -> ColumnElement[Any]:
        totals = (
            select(
                self.json.array(
                    func.coalesce(func.sum(Balance.balance), _ZERO),
                    func.coalesce(func.sum(Balance.arrears), _ZERO),
                    func.count(),
                )
            )
            .where(Balance.golden_id == golden_id, Balance.deleted.is_(False))
            .correlate(outer)
            .scalar_subquery()
        )
        return self.json.nested(totals)

    def account_manager(self, golden_id: Any, outer: Any) -> ColumnElement[Any]:
        """The latest account-manager relation's manager, or null."""
        latest = (
            select(self.json.array(*MANAGER_COLUMNS))
            .select_from(PartyRelation)
            .join(
                AccountManager,
                and_(
                    AccountManager.source
                    == func.coalesce(PartyRelation.related_source, PartyRelation.source),
                    AccountManager.source_key == PartyRelation.related_key,
                ),
            )
            .where(
                PartyRelation.golden_id == golden_id,
                PartyRelation.relation == "account_manager",
                PartyRelation.deleted.is_(False),
            )
            .order_by(PartyRelation.recorded_at.desc(), PartyRelation.id.desc())
            .limit(_limit(1))
            .correlate(outer)
            .scalar_subquery()
        )
        return self.json.nested(latest)


class ViewStatements:
    """The compiled view statements of one app, per (plan, dialect), least recently used dropped first.

    ``customers(plan, dialect)`` selects the golden columns and ``view`` (the plan's JSON, as text)
    of the customers whose ids are bound as ``ids`` (any number: one parameter);
    ``owned_lists(read, dialect)`` the pages of one list for the owners bound as ``ids`` (a service
    request's status history asked for outside a 360 view), as ``owner`` and ``view``.
    """

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self._built: OrderedDict[tuple[Any, str], Select[Any]] = OrderedDict()

    def customers(self, plan: CustomerPlan, dialect: str) -> Select[Any]:
        return self._cached(("customers", plan), dialect, lambda compiler: self._customers(compiler, plan))

    def owned_lists(self, read: ListRead, dialect: str) -> Select[Any]:
        return self._cached(("owned", read), dialect, lambda compiler: self._owned(compiler, read))

    def _cached(self, key: Any, dialect: str, build: Any) -> Select[Any]:
        found = self._built.get((key, dialect))
        if found is None:
            found = self._built[(key, dialect)] = build(_Compiler(dialect))
            if len(self._built) > self.size:
                self._built.popitem(last=False)
        else:
            self._built.move_to_end((key, dialect))
        return found

    @staticmethod
    def _customers(compiler: _Compiler, plan: CustomerPlan) -> Select[Any]:
        golden = GoldenCustomer.__table__.alias("golden")
        view = cast(compiler.view(plan, golden, golden), Text).label("view")
        return select(*golden.c, view).where(any_of(golden.c.id))

    @staticmethod
    def _owned(compiler: _Compiler, read: ListRead) -> Select[Any]:
        spec = LISTS[read.name]
        owner_table = spec.owner.table.alias("owner")
        owner = owner_table.c[spec.owner.key]
        view = cast(compiler.json.array(compiler.list_part(read, owner, owner_table)), Text).label("view")
        return select(owner.label("owner"), view).where(any_of(owner))
