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

__all__ = ["NUL", "holds_nul", "unstorable", "unstorable_at", "storable"]

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
    by field; other values hold no text. Walks with a stack of its own, not by recursion: an API
    variable may nest as deep as JSON allows.
    """
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]  # each value with its steps, innermost first
    while stack:
        item, steps = stack.pop()
        if isinstance(item, str):  # str subclasses (an enum of text) by their own value
            problem = unstorable(item)
            if problem is not None:
                return _path(steps[::-1]), problem
            continue
        if type(item) in _NO_TEXT:
            continue
        pairs: Any
        if isinstance(item, Mapping):
            pairs = item.items()
        elif isinstance(item, list | tuple | set | frozenset):
            pairs = enumerate(item)
        elif isinstance(item, BaseModel):
            pairs = item.__dict__.items()  # a model's __dict__ holds its fields
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            pairs = [(field.name, getattr(item, field.name)) for field in dataclasses.fields(item)]
        else:
            continue
        children = []
        for key, child in pairs:
            if isinstance(key, str) and (problem := unstorable(key)) is not None:
                return _path([key, *steps][::-1]), problem
            if type(child) not in _NO_TEXT:
                children.append((child, [key, *steps]))
        stack.extend(reversed(children))  # the first child is looked at first: the first problem is the one named
    return None


def _path(steps: list[str | int]) -> str:
    """``extra.remark[1]`` from the steps ``["extra", "remark", 1]``."""
    path = ""
    for step in steps:
        path = f"{path}[{step}]" if isinstance(step, int) else f"{path}.{step}" if path else step
    return path or "value"


def holds_nul(value: Any) -> bool:
    """Whether any text inside ``value`` (a record's fields, say) holds U+0000; a few microseconds a record.

    Records need no more: pydantic already refuses a lone surrogate in any text field. Every record
    passes here, so the common types are told apart by ``type``; any other goes to the full walk.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if NUL in item:
                return True
        elif kind is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif kind is tuple or kind is list:
            stack.extend(item)
        elif isinstance(item, BaseModel):
            stack.extend(item.__dict__.values())
        elif kind not in _NO_TEXT and unstorable_at(item) is not None:
            return True
    return False


_NO_TEXT = frozenset({type(None), bool, int, float, Decimal, datetime, date})


def storable(text: str) -> str:
    """``text`` with U+0000 and lone surrogates written as escapes (``\\u0000``, ``\\ud800``): storable, still showing what came."""
    if unstorable(text) is None:
        return text
    return text.replace(NUL, "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")
