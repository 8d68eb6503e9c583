"""From the GraphQL selection of a ``Customer`` field to the plan that reads it in one statement.

Every field whose type is ``Customer`` (``customer``, ``customerBy``, a search hit's ``customer``,
an enterprise contact's ``person``) is planned before its resolver runs (:func:`install_planning`
wraps it in the executable schema, as the access rules are): the :class:`Planner` walks the
field's selection and names every list page, ``totalCount``, balance total and account manager
it reads, nested ones included, and leaves the plan in the request's context under the field's
path. The resolver loads its customers with that plan (``c360.schema.customer.read_customer``) and the
list fields resolve from what was read. A list the plan did not read (arguments that fail
validation, which its resolver then reports, or a ``Customer`` produced some other way) is read by
itself: the plan is only a prediction, each list field computes its own arguments.

Fragments, inline fragments and ``@skip``/``@include`` are followed as execution follows them, and
arguments coerced by graphql-core as for execution. A plan depends only on the document and the
values of the variables used inside the selection, so the planner keeps the plans of the documents
it has seen (documents are parsed once and kept, ``c360.schema.build.PreparedDocuments``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    Node,
    SelectionSetNode,
    VariableNode,
    VariableValues,
    default_field_resolver,
    get_argument_values,
    get_directive_values,
    get_named_type,
)

from c360.resolvers.pages import PageArgs
from c360.resolvers.plan import CustomerPlan, ListRead
from c360.schema.errors import BadUserInput
from c360.schema.pagination import page_args

__all__ = [
    "Planner",
    "install_planning",
    "list_args",
    "CUSTOMER_LISTS",
    "LATEST_ANALYSIS",
    "MAX_NESTED_CUSTOMERS",
]

# Customer fields that are list connections: GraphQL field name -> (list name, node type)
CUSTOMER_LISTS = {
    "identifiers": ("identifiers", "Identifier"),
    "sourceRecords": ("sourceRecords", "SourceRecord"),
    "accounts": ("accounts", "Account"),
    "subscriptions": ("subscriptions", "ServiceSubscription"),
    "orders": ("orders", "Order"),
    "bills": ("bills", "Bill"),
    "payments": ("payments", "Payment"),
    "balances": ("balances", "Balance"),
    "serviceRequests": ("serviceRequests", "ServiceRequest"),
    "contacts": ("contacts", "Contact"),
    "analyses": ("analyses", "Analysis"),
    "contracts": ("contracts", "Contract"),
    "enterpriseContacts": ("enterpriseContacts", "EnterpriseContact"),
}
LATEST_ANALYSIS = PageArgs(first=1)  # ``analysis``: the first item of ``analyses``
MAX_NESTED_CUSTOMERS = (
    2  # a person of an enterprise contact of a person ...: deeper levels are read by themselves
)
_CACHE_SIZE = 512


def list_args(name: str, arguments: dict[str, Any]) -> PageArgs:
    """The PageArgs of list ``name`` from a field's arguments (BadUserInput when invalid)."""
    given = dict(arguments)
    return page_args(name, given.pop("first", None), given.pop("after", None), **given)


def _variables(nodes: Iterable[Node], fragments: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    """The names of the variables used anywhere under ``nodes`` (through fragments)."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, VariableNode):
            found.add(node.name.value)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                stack.append(fragment)
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(item for item in value if isinstance(item, Node))
    return found


class _Walk:
    """One plan's walk over one field's selection."""

    def __init__(self, info: GraphQLResolveInfo) -> None:
        self.info = info
        self.schema = info.schema
        values: Any = info.variable_values
        # strawberry's executor hands resolvers the coerced values as a plain dict
        self.variables = (
            values if isinstance(values, VariableValues) else VariableValues({}, dict(values or {}))
        )

    def included(self, node: Any) -> bool:
        if not node.directives:
            return True
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip is not None and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include is not None and include.get("if") is False)

    def fields(
        self, selection_sets: Iterable[SelectionSetNode | None], type_name: str
    ) -> Iterator[FieldNode]:
        """The field nodes selected on ``type_name`` by these selection sets, through fragments."""
        for selection_set in selection_sets:
            if selection_set is None:
                continue
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    yield selection
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or condition.name.value == type_name:
                        yield from self.fields([selection.selection_set], type_name)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.info.fragments.get(selection.name.value)
                    if fragment is not None and fragment.type_condition.name.value == type_name:
                        yield from self.fields([fragment.selection_set], type_name)

    def arguments(self, parent: str, node: FieldNode) -> dict[str, Any]:
        owner = self.schema.get_type(parent)
        assert isinstance(owner, GraphQLObjectType), parent
        return get_argument_values(owner.fields[node.name.value], node, self.variables)

    def nodes(self, connection: FieldNode, node_type: str) -> tuple[list[SelectionSetNode | None], bool]:
        """The selection sets of a connection's nodes (``nodes`` and ``edges { node }``) and whether it selects ``totalCount``."""
        selected: list[SelectionSetNode | None] = []
        counted = False
        for field in self.fields([connection.selection_set], f"{node_type}Connection"):
            name = field.name.value
            if name == "totalCount":
                counted = True
            elif name == "nodes":
                selected.append(field.selection_set)
            elif name == "edges":
                selected.extend(
                    edge.selection_set
                    for edge in self.fields([field.selection_set], f"{node_type}Edge")
                    if edge.name.value == "node"
                )
        return selected, counted

    def read(
        self, parent: str, node: FieldNode, list_name: str, node_type: str, depth: int
    ) -> ListRead | None:
        try:
            args = list_args(list_name, self.arguments(parent, node))
        except BadUserInput:
            return None  # the field's own resolver reads nothing and reports the error
        selected, counted = self.nodes(node, node_type)
        children: dict[tuple[str, PageArgs], ListRead] = {}
        person = None
        if list_name == "serviceRequests":
            for field in self.fields(selected, "ServiceRequest"):
                if field.name.value == "statusHistory":
                    _add(children, self.read("ServiceRequest", field, "statusHistory", "StatusStep", depth))
        elif list_name == "enterpriseContacts" and depth > 0:
            persons = [
                field.selection_set
                for field in self.fields(selected, "EnterpriseContact")
                if field.name.value == "person"
            ]
            if persons:
                person = self.plan(persons, depth - 1)
        return ListRead(list_name, args, counted, tuple(children.values()), person)

    def plan(self, selection_sets: Sequence[SelectionSetNode | None], depth: int) -> CustomerPlan:
        reads: dict[tuple[str, PageArgs], ListRead] = {}
        totals = manager = False
        for field in self.fields(selection_sets, "Customer"):
            name = field.name.value
            listed = CUSTOMER_LISTS.get(name)
            if listed is not None:
                _add(reads, self.read("Customer", field, *listed, depth))
            elif name == "analysis":
                _add(reads, ListRead("analyses", LATEST_ANALYSIS))
            elif name == "balance":
                totals = True
            elif name == "accountManager":
                manager = True
        return CustomerPlan(tuple(reads.values()), totals, manager)


def _merged_plans(one: CustomerPlan | None, other: CustomerPlan | None) -> CustomerPlan | None:
    if one is None or other is None:
        return one or other
    reads = {(read.name, read.args): read for read in one.lists}
    for read in other.lists:
        _add(reads, read)
    return CustomerPlan(
        tuple(reads.values()),
        one.balance_totals or other.balance_totals,
        one.account_manager or other.account_manager,
    )


def _add(reads: dict[tuple[str, PageArgs], ListRead], read: ListRead | None) -> None:
    """Add ``read`` to ``reads``; the same page selected twice (aliases) is read once, for both selections."""
    if read is None:
        return
    key = (read.name, read.args)
    found = reads.get(key)
    if found is None:
        reads[key] = read
        return
    children = {(child.name, child.args): child for child in found.children}
    for child in read.children:
        _add(children, child)
    person = _merged_plans(found.person, read.person)
    reads[key] = ListRead(read.name, read.args, found.count or read.count, tuple(children.values()), person)


class Planner:
    """Plans of ``Customer`` fields, kept per (field nodes, values of the variables they use); least recently used dropped."""

    def __init__(self, size: int = _CACHE_SIZE) -> None:
        self.size = size
        self._plans: OrderedDict[Any, tuple[tuple[FieldNode, ...], CustomerPlan]] = OrderedDict()
        self._variables: OrderedDict[Any, tuple[tuple[FieldNode, ...], tuple[str, ...]]] = OrderedDict()

    def plan(self, info: GraphQLResolveInfo) -> CustomerPlan:
        nodes = tuple(info.field_nodes)
        identity = tuple(map(id, nodes))
        used = self._used(identity, nodes, info)
        given: Any = info.variable_values
        values = (given.coerced if isinstance(given, VariableValues) else given) or {}
        try:
            key = (identity, tuple((name, values.get(name)) for name in used))
            hash(key)
        except TypeError:  # an unhashable variable value (an input object): plan without keeping it
            return _Walk(info).plan([node.selection_set for node in nodes], MAX_NESTED_CUSTOMERS)
        found = self._plans.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], nodes, strict=True)):
            self._plans.move_to_end(key)
            return found[1]
        plan = _Walk(info).plan([node.selection_set for node in nodes], MAX_NESTED_CUSTOMERS)
        self._plans[key] = (nodes, plan)  # the nodes are kept too, so their ids are not reused meanwhile
        if len(self._plans) > self.size:
            self._plans.popitem(last=False)
        return plan

    def _used(self, identity: Any, nodes: tuple[FieldNode, ...], info: GraphQLResolveInfo) -> tuple[str, ...]:
        found = self._variables.get(identity)
        if found is not None and all(a is b for a, b in zip(found[0], nodes, strict=True)):
            return found[1]
        used = tuple(
            sorted(_variables([node.selection_set for node in nodes if node.selection_set], info.fragments))
        )
        self._variables[identity] = (nodes, used)
        if len(self._variables) > self.size:
            self._variables.popitem(last=False)
        return used


def install_planning(schema: GraphQLSchema, planner: Planner | None = None) -> Planner:
    """Plan every field of type ``Customer`` (or a list of them) before its resolver runs.

    The plan is left in ``info.context.plans`` under the field's path, where the resolver finds it
    (``c360.schema.customer.read_customer``).
    """
    planner = planner or Planner()
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field in named.fields.values():
            if get_named_type(field.type).name == "Customer":
                field.resolve = _planned(field.resolve or default_field_resolver, planner)
    return planner


def _planned(resolve: Callable[..., Any], planner: Planner) -> Callable[..., Any]:
    def planned(root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        info.context.plans[info.path] = planner.plan(info)
        return resolve(root, info, **kwargs)

    return planned
