"""Errors channels can act on, each with a machine-readable ``extensions.code``.

::

    HubError                  a failure the caller can understand (never masked)
    ├── NotFound              NOT_FOUND: no customer, service request or event with that reference
    ├── BadUserInput          BAD_USER_INPUT: a field is malformed; ``extensions.field`` names it
    ├── Conflict              CONFLICT: an idempotency key reused with a different request
    ├── Ambiguous             AMBIGUOUS: an identifier belongs to more than one customer
    ├── Forbidden             FORBIDDEN: the caller may not do this (seam for access control)
    └── LimitExceeded         LIMIT_EXCEEDED: too many subscriptions on one connection

:class:`ErrorCodes` is the schema extension that gives every other error a
code too: GraphQL validation errors become GRAPHQL_VALIDATION_FAILED (or
BAD_USER_INPUT when a variable's value is wrong, e.g. an unknown enum), and
anything unexpected is masked to "Unexpected error." with INTERNAL_SERVER_ERROR.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

__all__ = [
    "HubError",
    "NotFound",
    "BadUserInput",
    "Conflict",
    "Ambiguous",
    "Forbidden",
    "LimitExceeded",
    "ErrorCodes",
]

log = logging.getLogger(__name__)


class HubError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": self.code, **extensions}


class NotFound(HubError):
    code = "NOT_FOUND"


class BadUserInput(HubError):
    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)


class Conflict(HubError):
    code = "CONFLICT"


class Ambiguous(HubError):
    code = "AMBIGUOUS"


class Forbidden(HubError):
    code = "FORBIDDEN"


class LimitExceeded(HubError):
    code = "LIMIT_EXCEEDED"


def _coded(error: GraphQLError, code: str, message: str | None = None) -> GraphQLError:
    return GraphQLError(
        message=message or error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={**(error.extensions or {}), "code": code},
    )


_INPUT_MESSAGES = ("has invalid value", "got invalid value", "Expected value of type", "does not exist in '", "Argument '")


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, HubError):
        return error if error.extensions and "code" in error.extensions else _coded(error, original.code)
    if error.extensions and "code" in error.extensions:
        return error
    if original is None or isinstance(original, GraphQLError) and error.path is None:
        # Found before execution: a malformed document or a value that does not fit its type.
        if any(part in error.message for part in _INPUT_MESSAGES):
            return _coded(error, "BAD_USER_INPUT")
        return _coded(error, "GRAPHQL_VALIDATION_FAILED")
    log.error("unexpected error in GraphQL resolver", exc_info=original)
    return _coded(error, "INTERNAL_SERVER_ERROR", "Unexpected error.")


class ErrorCodes(SchemaExtension):
    """Give every error a code; mask the unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [classify(error) for error in errors]  # type: ignore[union-attr]
