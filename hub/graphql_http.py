"""``POST /graphql`` with a JSON body, executed on the schema without strawberry's HTTP view.

Nearly every request a channel sends is one JSON POST. Strawberry's view answers it through
request and response adapters, a Starlette ``Request`` whose body it reads again, content-type
parsing, stream-transport checks and a Starlette ``Response``. This path does what that
request needs and no more: parse the body the gate has already read, build the same context,
execute, and send the same JSON the view would. Anything else (GET, another content type, a
body that is not one JSON object with a string query, a streaming ``Accept``, an operation type
POST may not run, an incremental result) goes to the view, which answers as it always has.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

if TYPE_CHECKING:
    from hub.app import HubGraphQL

__all__ = ["JsonPost"]

_ALLOWED = frozenset({OperationType.QUERY, OperationType.MUTATION})
_STREAMING = (b"multipart/", b"text/event-stream")


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return value  # type: ignore[no-any-return]
    return b""


def _request_data(body: bytes) -> tuple[str, dict[str, Any] | None, str | None, dict[str, Any] | None] | None:
    """(query, variables, operation name, extensions) of a plain single request, else None."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    query, variables = data.get("query"), data.get("variables")
    operation_name, extensions = data.get("operationName"), data.get("extensions")
    if not isinstance(query, str) or not query:
        return None
    if not isinstance(variables, (dict, type(None))) or not isinstance(extensions, (dict, type(None))):
        return None
    if not isinstance(operation_name, (str, type(None))):
        return None
    return query, variables, operation_name, extensions


class JsonPost:
    """Answers a plain JSON ``POST /graphql`` for the view it stands in front of (see the module)."""

    def __init__(self, view: HubGraphQL) -> None:
        self.view = view

    async def __call__(self, scope: Scope, body: bytes, send: Send) -> bool:
        """Answer the request and return True, or return False having sent nothing (the view answers)."""
        if scope["method"] != "POST" or b"application/json" not in _header(scope, b"content-type").lower():
            return False
        accept = _header(scope, b"accept").lower()
        if any(kind in accept for kind in _STREAMING):
            return False
        parsed = _request_data(body)
        if parsed is None:
            return False
        query, variables, operation_name, extensions = parsed
        view = self.view
        request = Request(scope)
        sub_response = await view.get_sub_response(request)
        context = await view.get_context(request, response=sub_response)
        try:
            result = await view.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=_ALLOWED,
                operation_extensions=extensions,
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError):
            return False  # refused before anything ran: the view refuses it again, with its own 400
        if not isinstance(result, ExecutionResult):  # incremental delivery (not enabled in the schema)
            raise TypeError(f"{type(result).__name__} cannot be answered as one JSON document")
        payload = view.encode_json(await view.process_result(request, result))
        encoded = payload if isinstance(payload, bytes) else payload.encode()
        headers = [(b"content-length", str(len(encoded)).encode()), (b"content-type", b"application/json")]
        headers.extend(sub_response.headers.raw)
        await send({"type": "http.response.start", "status": sub_response.status_code or 200, "headers": headers})
        await send({"type": "http.response.body", "body": encoded})
        if sub_response.background is not None:
            await sub_response.background()
        return True
