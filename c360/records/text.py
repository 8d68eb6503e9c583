"""Text the hub can store: no value may hold U+0000 (NUL) or half of a UTF-16 surrogate pair.

PostgreSQL refuses U+0000 in text and JSON columns, and a lone surrogate (``"\\ud800"`` in JSON: half
of a pair, not a character) cannot be written as UTF-8 by either database driver. A silo record
carrying U+0000 stopped the whole page on PostgreSQL (an import ended in a traceback; a sync could
not get past the record), and an API argument carrying either failed deep in a statement as an
internal error; SQLite took a U+0000, so the same input behaved differently per database. Now a
canonical record holding one is refused like any other malformed record and quarantined with the
field named (``c360.records.base``; pydantic itself refuses a lone surrogate in a record's field), and
the API refuses such a value as BAD_USER_INPUT (``c360.schema.text_values``), on both databases
alike. A quarantine row keeps what was sent, with both written as escapes (:func:`storable`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

__all__ = ["NUL", "unstorable", "unstorable_at", "storable"]

NUL = "\x00"


def unstorable(text: str) -> str | None:
    """What in ``text`` the hub cannot store, in words, or None."""
    if NUL in text:
        return "the character U+0000 (NUL)"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "half of a UTF-16 surrogate pair (not a character)"
    return None


def unstorable_at(value: Any) -> tuple[str, str] | None:
    """(path, problem) of the first text inside ``value`` the hub cannot store (``name``, ``phones[1].number``), or None.

    Looks into mappings (keys and values), lists, tuples and sets, and pydantic models and dataclasses
    by field; other values hold no text. Every canonical record passes here, so the walk tells the
    common types apart by ``type`` and builds the path only for a value it refuses.
    """
    found = _find(value)
    if found is None:
        return None
    steps, problem = found
    path = ""
    for step in reversed(steps):
        path = f"{path}[{step}]" if isinstance(step, int) else f"{path}.{step}" if path else step
    return path or "value", problem


def _find(value: Any) -> tuple[list[str | int], str] | None:
    """The steps (innermost first) to the first unstorable text in ``value``, and what is wrong with it."""
    kind = type(value)
    if kind is str:
        problem = unstorable(value)
        return None if problem is None else ([], problem)
    if kind in _NO_TEXT:
        return None
    items: Any
    if kind is dict or isinstance(value, Mapping):
        items = value.items()
    elif kind is list or kind is tuple or isinstance(value, list | tuple | set | frozenset):
        items = enumerate(value)
    elif isinstance(value, BaseModel):
        items = value.__dict__.items()  # a model's __dict__ holds its fields
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = ((field.name, getattr(value, field.name)) for field in dataclasses.fields(value))
    elif isinstance(value, str):  # a str subclass (an enum of text)
        return _find(str(value))
    else:
        return None
    for key, item in items:
        if type(key) is str and (NUL in key or not key.isascii()) and (problem := unstorable(key)) is not None:
            return [key], problem
        item_kind = type(item)
        if item_kind is str:
            if NUL not in item and (item.isascii() or unstorable(item) is None):
                continue
        elif item_kind in _NO_TEXT:
            continue
        found = _find(item)
        if found is not None:
            found[0].append(key)
            return found
    return None


_NO_TEXT = frozenset({type(None), bool, int, float, Decimal, datetime, date})


def storable(text: str) -> str:
    """``text`` with U+0000 and lone surrogates written as escapes (``\\u0000``, ``\\ud800``): storable, still showing what came."""
    if unstorable(text) is None:
        return text
    return text.replace(NUL, "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
