"""The conformance kit: checks any connector — built-in or a plugin — against the SDK's promises.

Run it on a connector pointed at a small test silo (more records per stream
than ``page_size``, so reads span several pages)::

    from c360.connectors.conformance import check_connector
    check_connector(connector, broken=connector_on_a_corrupt_silo)

or subclass ``c360.connectors.testing.ConnectorConformance`` in a pytest module.
Each check raises ``ConformanceError`` (an ``AssertionError``) saying which
stream broke which promise:

* streams declare a name, a primary key and a cursor field;
* every raw record maps to valid canonical records and has a key;
* an incremental read resumed from any page's cursor neither skips nor
  repeats a record, and a read from the last cursor finds nothing new;
* a page that cannot be parsed raises ``BadPageError`` instead of vanishing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.errors import BadPageError, ConnectorError
from c360.records import RECORD_KINDS, CanonicalRecord, InvalidRecord

__all__ = [
    "ConformanceError",
    "check_declarations",
    "read_all",
    "check_mapping",
    "check_incremental",
    "check_bad_pages",
    "check_connector",
]


class ConformanceError(ConnectorError, AssertionError):
    """A connector breaks one of the SDK's promises; the message names the stream and the promise.

    Also an ``AssertionError``: plugin test suites run these checks and expect a failed assertion.
    """


def _fail(stream: Stream[Any, Any] | Connector, promise: str) -> ConformanceError:
    owner = f"stream {stream.name!r}" if isinstance(stream, Stream) else f"connector {stream.name!r}"
    return ConformanceError(f"{owner}: {promise}")


def check_declarations(connector: Connector) -> None:
    """Names, keys and cursors are declared, and stream names are unique."""
    if not isinstance(getattr(connector, "name", None), str) or not connector.name:
        raise _fail(connector, "declares no name")
    model = getattr(connector, "config_model", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise _fail(connector, "config_model is not a pydantic model")
    streams = connector.streams()
    if not streams:
        raise _fail(connector, "has no streams")
    names = [getattr(stream, "name", None) for stream in streams]
    if len(set(names)) != len(names):
        raise _fail(connector, f"stream names are not unique: {names}")
    for stream in streams:
        if not isinstance(getattr(stream, "name", None), str) or not stream.name:
            raise _fail(connector, f"{type(stream).__name__} declares no name")
        key = getattr(stream, "primary_key", None)
        if not (isinstance(key, tuple) and key and all(isinstance(part, str) and part for part in key)):
            raise _fail(stream, "primary_key must be a non-empty tuple of field names")
        if not hasattr(stream, "cursor_field"):
            raise _fail(stream, "declares no cursor_field (use None for a stream that is always read in full)")
        if stream.cursor_field is not None and not (isinstance(stream.cursor_field, str) and stream.cursor_field):
            raise _fail(stream, "cursor_field must be a field name or None")
        if not isinstance(getattr(stream, "snapshot_deletes", None), bool):
            raise _fail(stream, "snapshot_deletes must be True or False")


def read_all(stream: Stream[Any, Any], cursor: Mapping[str, Any] | None = None, *, full: bool = False) -> list[Page]:
    """Every page of one read, checking each cursor survives a JSON round trip (how it is stored)."""
    pages = list(stream.read(cursor, full=full))
    for page in pages:
        if not isinstance(page, Page):
            raise _fail(stream, f"read() yielded {type(page).__name__}, not Page")
        if page.cursor is not None and json.loads(json.dumps(page.cursor)) != page.cursor:
            raise _fail(stream, f"cursor of page {page.label!r} does not survive JSON")
        if stream.cursor_field is not None and page.cursor is None:
            raise _fail(stream, f"page {page.label!r} carries no cursor although the stream has a cursor_field")
    return pages


def _keys(stream: Stream[Any, Any], pages: Sequence[Page]) -> list[str]:
    keys = []
    for page in pages:
        for raw in page.records:
            key = stream.record_key(raw)
            if key is None:
                raise _fail(stream, f"a record on page {page.label!r} has no primary key value")
            keys.append(key)
    return keys


def check_mapping(stream: Stream[Any, Any], pages: Sequence[Page]) -> list[CanonicalRecord]:
    """Every raw record maps to at least one valid canonical record of a known kind."""
    mapped: list[CanonicalRecord] = []
    for page in pages:
        for raw in page.records:
            try:
                records = stream.records(raw)
            except InvalidRecord as error:
                raise _fail(stream, f"a record of the test silo did not map: {error.reason}") from None
            if not records:
                raise _fail(stream, "records() returned no canonical record")
            for record in records:
                if not isinstance(record, CanonicalRecord) or RECORD_KINDS.get(record.kind) is not type(record):
                    raise _fail(stream, f"records() returned {type(record).__name__}, not a canonical record kind")
                try:
                    type(record).model_validate(record.model_dump())
                except ValidationError as error:
                    raise _fail(stream, f"{record.kind} record does not validate: {error.error_count()} error(s)") from error
                mapped.append(record)
    return mapped


def check_incremental(stream: Stream[Any, Any]) -> None:
    """Resuming from any page's cursor neither skips nor repeats; the last cursor finds nothing new."""
    pages = read_all(stream)
    keys = _keys(stream, pages)
    if len(pages) < 2:
        raise _fail(stream, "the test silo must hold more records than page_size (need at least two pages)")
    if len(set(keys)) != len(keys):
        raise _fail(stream, "a full read returned a record twice")
    if stream.cursor_field is None:
        return
    before = 0
    for index, page in enumerate(pages):
        before += len(page.records)
        if index not in (0, len(pages) // 2, len(pages) - 1):
            continue
        stored = json.loads(json.dumps(page.cursor))
        resumed = _keys(stream, read_all(stream, stored))
        if keys[:before] + resumed != keys:
            missing = len(set(keys) - set(keys[:before]) - set(resumed))
            repeated = len(set(keys[:before]) & set(resumed))
            raise _fail(
                stream,
                f"resuming after page {index + 1} skipped {missing} and repeated {repeated} record(s)",
            )
    full_again = _keys(stream, read_all(stream, json.loads(json.dumps(pages[-1].cursor)), full=True))
    if sorted(full_again) != sorted(keys):
        raise _fail(stream, "read(cursor, full=True) did not read everything again")


def check_bad_pages(connector: Connector, streams: Sequence[str] | None = None) -> None:
    """On a corrupt silo, reading each stream raises ``BadPageError`` (never silence, never a crash)."""
    for stream in connector.streams():
        if streams is not None and stream.name not in streams:
            continue
        try:
            for _page in stream.read(None):
                pass
        except BadPageError as error:
            if not str(error):
                raise _fail(stream, "BadPageError without a message") from None
            continue
        except ConnectorError as error:
            raise _fail(stream, f"a bad page raised {type(error).__name__}, not BadPageError: {error}") from None
        raise _fail(stream, "a bad page was swallowed: the read finished without BadPageError")


def check_connector(connector: Connector, *, broken: Connector | None = None) -> None:
    """All of the above for every stream; ``broken`` is the same connector on a corrupt silo."""
    check_declarations(connector)
    connector.check()
    for stream in connector.streams():
        check_mapping(stream, read_all(stream))
        check_incremental(stream)
    if broken is not None:
        check_bad_pages(broken)
