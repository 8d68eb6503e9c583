"""Errors channels can act on, each with a machine-readable ``extensions.code``.

::

    HubError                  a failure the caller can understand (never masked)
    ├── NotFound              NOT_FOUND: no customer, service request or event with that reference
    ├── BadUserInput          BAD_USER_INPUT: a field is malformed; ``extensions.field`` names it
    ├── Conflict              CONFLICT: an idempotency key reused with a different request
    ├── Ambiguous             AMBIGUOUS: an identifier belongs to more than one customer
    ├── Forbidden             FORBIDDEN: the caller may not do this (seam for access control)
    ├── LimitExceeded         LIMIT_EXCEEDED: too many subscriptions on one connection
    └── Unavailable           SERVICE_UNAVAILABLE: the database stayed out of reach; retry later

``HubError`` is the GraphQL side of ``c360.errors.ApiError``. The domain errors raised below the API
(``c360.errors``: an unknown service request, a reused idempotency key, a bad cursor, ...) get their
code from one table, :data:`DOMAIN_CODES`: a resolver turns one into a ``HubError`` with
:func:`api_error`, naming the argument at fault, and one that escapes a resolver unwrapped still
gets its code (not the mask) in :func:`classify`.

:class:`ErrorCodes` is the schema extension that gives every other error a
code too: GraphQL validation errors become GRAPHQL_VALIDATION_FAILED (or
BAD_USER_INPUT when a variable's value is wrong, e.g. an unknown enum, with
``extensions.field`` naming the variable and the path in it: ``input.channel``), and
anything unexpected is masked to "Unexpected error." with INTERNAL_SERVER_ERROR. In production
mode messages suggest nothing ("Did you mean 'hub'?"): with introspection off, suggestions would
spell out the schema field by field.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import (
    BREAK,
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

from c360.errors import ApiError, C360Error
from c360.hub.events.writes import CustomerInactive, EventConflict, ServiceRequestMissing
from c360.hub.identity.steward import KeptApart
from c360.hub.privacy.erase import ErasureError, UnknownCustomer
from c360.resolvers.errors import BadRef, StreamsBusy, UnknownRef
from c360.resolvers.pages import InvalidCursor
from c360.sync.quarantine import QuarantineNotFound
from c360.sync.targets import UnknownTarget

__all__ = [
    "HubError",
    "NotFound",
    "BadUserInput",
    "Conflict",
    "Ambiguous",
    "Forbidden",
    "LimitExceeded",
    "Unavailable",
    "DOMAIN_CODES",
    "api_error",
    "ErrorCodes",
    "without_suggestion",
]

log = logging.getLogger(__name__)


class HubError(ApiError):
    """Raised by a resolver for a failure the caller can understand; ``code`` becomes ``extensions.code``."""

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


class Unavailable(HubError):
    """The database stayed out of reach longer than the operation waits; the caller retries later."""

    code = "SERVICE_UNAVAILABLE"


# The one table from the domain errors a resolver meets to the code the caller sees; the first class
# along an error's MRO decides (UnknownCustomer before ErasureError).
DOMAIN_CODES: dict[type[C360Error], type[HubError]] = {
    InvalidCursor: BadUserInput,  # an ``after`` this list did not mint
    BadRef: BadUserInput,  # a record reference that is neither an id nor source:kind:sourceKey
    UnknownRef: NotFound,  # a well-formed record reference naming no party record
    KeptApart: Conflict,  # a steward merge against a never-merge pair
    UnknownTarget: BadUserInput,  # triggerSync naming no connector or stream
    StreamsBusy: Conflict,  # every stream asked for is running elsewhere
    QuarantineNotFound: NotFound,
    ServiceRequestMissing: NotFound,
    CustomerInactive: NotFound,  # resolved a moment ago, merged or split since
    EventConflict: Conflict,  # an idempotency key reused with a different request
    UnknownCustomer: NotFound,
    ErasureError: BadUserInput,  # an organization, a missing reason: the id names what cannot be erased
}


def _kind(error: C360Error) -> type[HubError] | None:
    return next((DOMAIN_CODES[cls] for cls in type(error).__mro__ if cls in DOMAIN_CODES), None)


def api_error(error: C360Error, message: str | None = None, *, field: str | None = None, **extensions: Any) -> HubError:
    """The GraphQL error for a domain ``error``: its code from :data:`DOMAIN_CODES`.

    ``message`` replaces ``str(error)`` where the resolver says it better; ``field`` names the argument at
    fault (required for BAD_USER_INPUT). An error missing from the table is a bug: ``TypeError``, masked.
    """
    kind = _kind(error)
    if kind is None:
        raise TypeError(f"no GraphQL code for {type(error).__name__}: add it to c360.schema.errors.DOMAIN_CODES")
    text = message or str(error)
    if issubclass(kind, BadUserInput):
        if field is None:
            raise TypeError(f"{type(error).__name__} is BAD_USER_INPUT: name the field at fault")
        made: HubError = kind(field, text)
        made.extensions.update(extensions)
        return made
    return kind(text, **({} if field is None else {"field": field}), **extensions)


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


_INPUT_MESSAGES = (
    "has invalid value", "got invalid value", "Expected value of type", "does not exist in '", "Argument '",
    "Value cannot represent a",  # a scalar literal written into the document that does not parse (a DateTime)
)
# "Variable '$input' has invalid value at .channel: ..." names the variable and the path in its value.
_VARIABLE = re.compile(r"^Variable '\$(\w+)' (?:has|got) invalid value(?: at \.?([^:;]+))?")


def _input_field(message: str) -> dict[str, str]:
    """``extensions.field`` for a variable's value that does not fit its type: the variable and the path in it."""
    found = _VARIABLE.match(message)
    if found is None:
        return {}
    name, path = found.groups()
    return {"field": f"{name}.{path.strip()}" if path else name}


# "Value cannot represent a DateTime: \"…\". …": a scalar's own refusal, raised without the node.
_SCALAR_VALUE = re.compile(r'^Value cannot represent a \w+: "(.*?)"\.')


def _literal_field(document: DocumentNode | None, nodes: Sequence[Node] | None, message: str = "") -> dict[str, str]:
    """``extensions.field`` for a value written into the document: the argument and the path in it.

    The wrong value is the error's node; a scalar's refusal comes without one, and then the string
    literal it quotes is looked for (the first one written, should the same text appear twice).
    """
    scalar = _SCALAR_VALUE.match(message)
    if document is None or not (nodes or scalar):
        return {}
    wrong = nodes[0] if nodes else None
    text = scalar.group(1) if scalar else None
    found: list[str] = []

    def walk(value: Node, path: str) -> bool:
        if value is wrong or (wrong is None and isinstance(value, StringValueNode) and value.value == text):
            found.append(path)
            return True
        if isinstance(value, ObjectValueNode):
            return any(walk(item.value, f"{path}.{item.name.value}") for item in value.fields)
        if isinstance(value, ListValueNode):
            return any(walk(item, f"{path}[{index}]") for index, item in enumerate(value.values))
        return False

    class Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_args: Any) -> Any:
            return BREAK if walk(node.value, node.name.value) else None

    visit(document, Arguments())
    return {"field": found[0]} if found else {}


# graphql-core ends a message with its suggestion: " Did you mean 'x'?", "... the enum value 'WEB'?",
# "... to use an inline fragment on 'T'?".
_SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


def without_suggestion(error: GraphQLError) -> GraphQLError:
    """``error`` with any "Did you mean …?" cut from its message (extensions kept)."""
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message=message, nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
        original_error=error.original_error, extensions=error.extensions,
    )


def classify(error: GraphQLError, document: DocumentNode | None = None) -> GraphQLError:
    original = error.original_error
    if isinstance(original, HubError):
        return error if error.extensions and "code" in error.extensions else _coded(error, original.code)
    if isinstance(original, C360Error) and (kind := _kind(original)) is not None:
        return _coded(error, kind.code)  # a domain error no resolver wrapped: its code, its (safe) message
    if error.extensions and "code" in error.extensions:
        return error
    if original is None or isinstance(original, GraphQLError) and error.path is None:
        # Found before execution: a malformed document or a value that does not fit its type.
        if any(part in error.message for part in _INPUT_MESSAGES):
            coded = _coded(error, "BAD_USER_INPUT")
            coded.extensions.update(  # type: ignore[union-attr]
                _input_field(error.message) or _literal_field(document, error.nodes, error.message)
            )
            return coded
        return _coded(error, "GRAPHQL_VALIDATION_FAILED")
    log.error("unexpected error in GraphQL resolver", exc_info=original)
    return _coded(error, "INTERNAL_SERVER_ERROR", "Unexpected error.")


class ErrorCodes(SchemaExtension):
    """Give every error a code; mask the unexpected ones."""

    def _production(self) -> bool:
        settings = getattr(self.execution_context.context, "settings", None)
        return settings is not None and settings.auth.production

    def on_validate(self) -> Iterator[None]:
        # A subscription's validation errors go over the WebSocket without on_operation seeing them, in the
        # very list validation filled (strawberry has already wrapped it): changed in place, not replaced.
        yield
        errors = self.execution_context.pre_execution_errors
        if errors and self._production():
            errors[:] = [without_suggestion(error) for error in errors]

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            document = self.execution_context.graphql_document
            coded = [classify(error, document) for error in errors]
            if self._production():
                coded = [without_suggestion(error) for error in coded]
            result.errors = coded  # type: ignore[union-attr]
