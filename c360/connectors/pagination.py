"""Keeping a keyset cursor honest, whatever the silo's paging (``c360.connectors.paginators``).

Incremental reads here are keyset reads: records arrive ordered by
(cursor field, primary key), and the cursor saved after a page is the
position of its last record. Resuming asks the silo for everything from that
cursor value on (inclusive) and drops what is at or before the saved
position, so nothing is skipped and nothing repeated. That only holds if the
silo really sends records in order, so ``Keyset`` checks the order and turns
a violation into ``BadPageError`` instead of saving a cursor that would skip.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from c360.connectors.base import Page
from c360.connectors.errors import BadPageError

__all__ = ["Keyset", "keyset_pages"]


def _orderable(value: Any) -> Any:
    """Timestamps compare as instants (offsets may differ); other values compare as they are."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (datetime, date)) else value


class Keyset:
    """Position tracking for one keyset read: boundary filtering, order check, cursor per page."""

    def __init__(
        self, label: str, cursor_field: str, primary_key: Sequence[str], start: Mapping[str, Any] | None
    ) -> None:
        self.label = label
        self.cursor_field = cursor_field
        self.primary_key = tuple(primary_key)
        self.start = dict(start) if start else None
        self._last: tuple[Any, tuple[Any, ...]] | None = None
        if self.start is not None:
            self._start_pos = self._from_cursor(self.start)
        self.cursor: dict[str, Any] | None = self.start

    def _from_cursor(self, cursor: Mapping[str, Any]) -> tuple[Any, tuple[Any, ...]]:
        if self.cursor_field not in cursor or "key" not in cursor:
            raise BadPageError(f"{self.label}: saved cursor lacks '{self.cursor_field}' or 'key'; reset the stream")
        key = cursor["key"]
        keys = tuple(key) if isinstance(key, list) else (key,)
        return (_orderable(cursor[self.cursor_field]), keys)

    def since(self) -> Any:
        """The cursor value to ask the silo for (inclusive), or ``None`` for a full read."""
        return None if self.start is None else self.start[self.cursor_field]

    def after(self) -> tuple[Any, ...] | None:
        """The start position as the silo stores it, ``(cursor value, *key)``, for a keyset query; ``None``: from the start."""
        if self.start is None:
            return None
        key = self.start["key"]
        return (self.start[self.cursor_field], *(key if isinstance(key, list) else [key]))

    def _position(self, raw: Mapping[str, Any], where: str) -> tuple[Any, tuple[Any, ...]]:
        value = raw.get(self.cursor_field)
        if value is None or value == "":
            raise BadPageError(f"{where}: a record has no {self.cursor_field}, so the cursor cannot advance")
        return (_orderable(value), tuple(raw.get(field) for field in self.primary_key))

    def take(self, records: Sequence[Mapping[str, Any]], where: str) -> list[Mapping[str, Any]]:
        """The records past the start position; checks their order and moves the cursor to the last one."""
        kept: list[Mapping[str, Any]] = []
        for raw in records:
            position = self._position(raw, where)
            try:
                if self._last is not None and position < self._last:
                    raise BadPageError(f"{where}: records are not ordered by ({self.cursor_field}, key)")
                if self.start is not None and position <= self._start_pos:
                    continue
            except TypeError:
                raise BadPageError(f"{where}: {self.cursor_field} values of different types") from None
            self._last = position
            kept.append(raw)
        if kept:
            last = kept[-1]
            keys = [_jsonable(last.get(field)) for field in self.primary_key]
            self.cursor = {
                self.cursor_field: _jsonable(last[self.cursor_field]),
                "key": keys[0] if len(keys) == 1 else keys,
            }
        return kept


def keyset_pages(label: str, pages: Iterable[Sequence[Mapping[str, Any]]], keyset: Keyset | None) -> Iterator[Page]:
    """A paginator's pages as the engine takes them: each cut to what lies past the keyset's start, with the
    cursor that covers it (none without a keyset); a page left empty is not yielded."""
    for number, items in enumerate(pages, start=1):
        where = f"{label} page {number}"
        records = keyset.take(items, where) if keyset else items
        if records:
            yield Page(records=records, cursor=keyset.cursor if keyset else None, label=where)
