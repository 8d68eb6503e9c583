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


def unstorable_at(value: Any, path: str = "") -> tuple[str, str] | None:
    """(path, problem) of the first text inside ``value`` the hub cannot store (``name``, ``phones[1].number``), or None.

    Looks into mappings (keys and values), lists, tuples and sets, and pydantic models and dataclasses
    by field; other values hold no text.
    """
    if isinstance(value, str):
        problem = unstorable(value)
        return None if problem is None else (path or "value", problem)
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = unstorable_at(key, where) if isinstance(key, str) else None
            found = found or unstorable_at(item, where)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            found = unstorable_at(item, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(value, BaseModel):
        return unstorable_at({name: getattr(value, name) for name in type(value).model_fields}, path)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return unstorable_at({field.name: getattr(value, field.name) for field in dataclasses.fields(value)}, path)
    return None


def storable(text: str) -> str:
    """``text`` with U+0000 and lone surrogates written as escapes (``\\u0000``, ``\\ud800``): storable, still showing what came."""
    if unstorable(text) is None:
        return text
    return text.replace(NUL, "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
