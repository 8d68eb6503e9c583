"""Every scope × every root field and subscription, generated from the schema: a new field without a rule fails."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull, GraphQLObjectType, get_named_type

from c360.hub.auth import ALL_SCOPES
from c360.schema import build_schema
from c360.schema.permissions import PERMISSIONS, refusal
from tests.api.conftest import Api
from tests.auth.conftest import caller

SCHEMA = build_schema()
GRAPHQL = SCHEMA._schema
ROOTS = [t for t in (GRAPHQL.query_type, GRAPHQL.mutation_type, GRAPHQL.subscription_type) if t is not None]
ROOT_FIELDS = [(root.name, name) for root in ROOTS for name in root.fields]


def test_every_root_field_has_a_rule() -> None:
    missing = [f"{parent}.{name}" for parent, name in ROOT_FIELDS if (parent, name) not in PERMISSIONS]
    assert missing == [], f"add these to c360.schema.permissions.PERMISSIONS: {missing}"


def test_no_rule_for_a_field_that_is_gone() -> None:
    assert sorted(set(PERMISSIONS) - set(ROOT_FIELDS)) == []


def test_every_rule_names_a_known_scope() -> None:
    assert {scope for scope in PERMISSIONS.values() if scope is not None} <= ALL_SCOPES


@pytest.mark.parametrize("scope", sorted(ALL_SCOPES) + [None])
@pytest.mark.parametrize(("parent", "name"), ROOT_FIELDS)
def test_matrix(parent: str, name: str, scope: str | None) -> None:
    who = caller(*([scope] if scope else []))
    refused = refusal(who, parent, name)
    needed = PERMISSIONS[(parent, name)]
    if needed is None or needed == scope:
        assert refused is None
    else:
        assert refused is not None and refused.extensions == {"code": "FORBIDDEN", "scope": needed}
        assert needed in str(refused)


def _literal(arg_type: Any) -> str | None:
    named = get_named_type(arg_type)
    if isinstance(named, GraphQLInputObjectType):
        return None
    return {"ID": '"G1"', "String": '"x"', "Int": "1", "Boolean": "false"}.get(named.name, None)


def _document(root: GraphQLObjectType, name: str) -> str | None:
    field = root.fields[name]
    args = []
    for arg_name, arg in field.args.items():
        if isinstance(arg.type, GraphQLNonNull):
            value = _literal(arg.type)
            if value is None:
                return None
            args.append(f"{arg_name}: {value}")
    selection = " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType) else ""
    operation = {"Query": "query", "Mutation": "mutation"}[root.name]
    return f"{operation} {{ {name}{'(' + ', '.join(args) + ')' if args else ''}{selection} }}"


EXECUTABLE = [(root, name) for root in ROOTS if root.name != "Subscription" for name in root.fields]


@pytest.mark.parametrize(("root", "name"), EXECUTABLE, ids=[f"{r.name}.{n}" for r, n in EXECUTABLE])
def test_executed_without_scope_is_forbidden_naming_the_scope(api: Api, root: GraphQLObjectType, name: str) -> None:
    needed = PERMISSIONS[(root.name, name)]
    document = _document(root, name)
    if needed is None or document is None:
        pytest.skip("open to every caller, or needs an input object (covered by the matrix above)")
    api.caller = caller()
    extensions = api.error(document)
    assert extensions == {"code": "FORBIDDEN", "scope": needed}
