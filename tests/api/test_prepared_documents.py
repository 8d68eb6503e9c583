"""Parsed and validated documents are reused per query text; invalid ones are never kept, and limits still hold."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, get_named_type

from c360.schema.build import MAX_ALIASES
from c360.schema.permissions import _SEE
from tests.api import factory
from tests.api.conftest import SCHEMA, Api


def test_an_invalid_document_fails_every_time_and_is_not_kept(api: Api) -> None:
    query = "{ hub { noSuchField } }"
    for _ in range(2):
        assert api.error(query)["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert SCHEMA.documents.get(query) is None


def test_a_valid_document_is_kept_and_answers_per_variables(api: Api, seed: Any) -> None:
    ids = seed(lambda session: [factory.customer(session, name).id for name in ("张伟", "李娜")])
    query = "query($id: ID!) { customer(id: $id) { id } }"
    first = api.data(query, {"id": ids[0]})["customer"]["id"]
    assert SCHEMA.documents.get(query) is not None
    second = api.data(query, {"id": ids[1]})["customer"]["id"]
    assert [first, second] == ids


def test_alias_limit_holds_for_a_document_seen_before(api: Api) -> None:
    query = "{ " + " ".join(f"a{n}: hub {{ version }}" for n in range(MAX_ALIASES + 5)) + " }"
    for _ in range(2):
        assert "aliases" in str(api.execute(query).errors[0])


def test_every_field_producing_a_customer_or_event_is_guarded() -> None:
    """Binding and audit run in these fields' resolvers: all of them, found from the schema's types."""
    def checks(resolve: Any) -> type | None:
        while resolve is not None and not hasattr(resolve, "checks_objects"):
            resolve = getattr(resolve, "checks_root", None)
        return getattr(resolve, "checks_objects", None)

    schema = SCHEMA._schema
    producing = {
        f"{named.name}.{name}": (field, _SEE[get_named_type(field.type).name][0])
        for named in schema.type_map.values()
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__")
        for name, field in named.fields.items()
        if get_named_type(field.type).name in _SEE
    }
    assert "Query.customer" in producing and "EnterpriseContact.person" in producing
    assert [name for name, (field, kind) in producing.items() if checks(field.resolve) is not kind] == []
