"""Text arguments the hub can store: a value holding U+0000 (NUL) or a lone surrogate is BAD_USER_INPUT, naming the field.

Such an argument failed deep in a statement as an internal error (PostgreSQL refuses U+0000, and
SQLite took it: the same request answered differently per database; neither driver can write a
lone surrogate; see ``c360.records.text``). Checked before execution, on both databases: in the
document's string literals by :class:`StorableText` (a validation rule, so once per cached
document), and in the variables by :func:`unstorable_variable_errors` (per request).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import ArgumentNode, GraphQLError, ObjectFieldNode, StringValueNode, ValidationRule

from c360.records.text import unstorable, unstorable_at

__all__ = ["StorableText", "unstorable_variable_errors"]


def _refusal(message: str, field: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": "BAD_USER_INPUT", "field": field})


class StorableText(ValidationRule):
    """A string literal the hub cannot store is refused; ``field`` is the argument path (``input.summary``)."""

    def enter_string_value(self, node: StringValueNode, _key: Any, parent: Any, _path: Any, ancestors: Any) -> None:
        problem = unstorable(node.value)
        if problem is None:
            return
        above = [*ancestors, parent]  # graphql-core leaves the parent out of the ancestors
        names = [item.name.value for item in above if isinstance(item, ArgumentNode | ObjectFieldNode)]
        field = ".".join(names) or "value"
        self.report_error(_refusal(f"{field}: contains {problem}, which the hub does not accept", field, node))


def unstorable_variable_errors(variables: Mapping[str, Any] | None) -> list[GraphQLError]:
    """One error for the first variable value the hub cannot store, or none."""
    found = unstorable_at(dict(variables or {}))
    if found is None:
        return []
    where, problem = found
    name = where.split(".", 1)[0].split("[", 1)[0]
    return [_refusal(f"Variable '${name}' has invalid value at '{where}': contains {problem}, which the hub does not accept", where)]
