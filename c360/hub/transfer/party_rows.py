"""The rows of an import file: JSON lines, one JSON array of objects, or a CSV / TSV table with a header row.

A silo's export is as often a spreadsheet's CSV as JSON lines: a header row naming the columns
(``c360.hub.transfer.field_names`` reads ``手机号码`` as ``phones``), one party a row, cells as text.
Spreadsheets in China save CSV in GB18030 (GBK) unless told otherwise, other tools in UTF-8 with or
without a byte-order mark: the file is checked whole for UTF-8 first, then for GB18030, and one that
is neither is refused before anything is imported. ``.tsv`` and ``.tab`` files, and a header with
tabs but no commas, are tab-separated.

Each row comes as (row number, the object or the problem that stops it, the text to keep in
quarantine). Row numbers are line numbers, so a message names the line an editor shows, also for a
CSV row with a line break inside a quoted cell (the row's first line).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["Row", "TABLE_SUFFIXES", "read_rows", "count_rows", "table_encoding", "is_problem"]

TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".tab"})
Row = tuple[int, Any, str]  # (line number, the decoded object or a problem as text, the text to quarantine)
_BLOCK = 1 << 20


class _Problem(str):
    """A row that cannot be read: the reason, naming no value."""


def is_problem(value: Any) -> bool:
    return isinstance(value, _Problem)


def read_rows(path: Path) -> Iterator[Row]:
    """Every non-blank row of ``path``: a table when its suffix says so (``TABLE_SUFFIXES``), one JSON array
    of objects when the file starts with ``[``, else JSON lines."""
    if path.suffix.lower() in TABLE_SUFFIXES:
        yield from _table_rows(path)
    elif _starts_with_array(path):
        yield from _array_rows(path)
    else:
        yield from _json_rows(path)


def count_rows(path: Path) -> int | None:
    """Rows for a progress bar: non-blank lines, less a table's header; None for a JSON array (not known before it is read)."""
    if path.suffix.lower() not in TABLE_SUFFIXES and _starts_with_array(path):
        return None
    count = 0
    with path.open("rb") as handle:
        for data in handle:
            if data.strip():
                count += 1
    return max(0, count - 1) if path.suffix.lower() in TABLE_SUFFIXES else count


def _starts_with_array(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).removeprefix(codecs.BOM_UTF8).lstrip()
    return head.startswith(b"[")


def _array_rows(path: Path) -> list[Row]:
    """The objects of one JSON array (as many tools export a table), each numbered by the line it starts on.

    The file is read whole and checked whole: one that is not valid UTF-8 or not one valid array is
    refused before anything is imported (a broken array has no next item to go on with).
    """
    rows: list[Row] = []
    try:
        text = path.read_bytes().removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path.name}: not valid UTF-8 text") from None
    decoder = json.JSONDecoder()
    position, line = text.index("[") + 1, text.count("\n", 0, text.index("[")) + 1
    while True:
        start = _skip_space(text, position)
        if start < len(text) and text[start] == "]":
            if text[start + 1 :].strip():
                raise ValueError(f"{path.name}: not one valid JSON array (text after its end)")
            return rows
        line += text.count("\n", position, start)
        try:
            item, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError) as error:
            where = f"line {line}" if isinstance(error, RecursionError) else f"line {error.lineno} column {error.colno}"
            raise ValueError(f"{path.name}: not one valid JSON array ({where})") from None
        rows.append((line, item, text[start:end]))
        line += text.count("\n", start, end)
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position += 1
        elif position >= len(text) or text[position] != "]":
            raise ValueError(f"{path.name}: not one valid JSON array (line {line + text.count(chr(10), end, position)})")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_rows(path: Path) -> Iterator[Row]:
    with path.open("rb") as handle:
        for number, data in enumerate(handle, start=1):
            if number == 1 and data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
            if not data.strip():
                continue
            try:
                line = data.decode("utf-8").strip()
            except UnicodeDecodeError:
                yield number, _Problem("not valid UTF-8 text"), data.decode("utf-8", "replace").strip()
                continue
            try:
                decoded = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, _Problem(f"not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno})"), line
            except RecursionError:  # deeper than Python's stack: it stopped the whole import before
                yield number, _Problem("not valid JSON (nested too deeply)"), line
            else:
                yield number, decoded, line


def table_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file is UTF-8 (a byte-order mark or not), else ``gb18030``; ValueError if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while block := handle.read(_BLOCK):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError(f"{path.name}: neither UTF-8 nor GB18030 text; save the table as UTF-8 CSV")


def _delimiter(path: Path, header: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab") or ("\t" in header and "," not in header):
        return "\t"
    return ","


class _Tape:
    """The lines the CSV reader takes, kept until the row they make is done: its text as the file has it."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._taken: list[str] = []

    def __iter__(self) -> _Tape:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def take(self) -> str:
        text, self._taken = "".join(self._taken), []
        return text.rstrip("\r\n")


def _table_rows(path: Path) -> Iterator[Row]:
    encoding = table_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        header = handle.readline()
        handle.seek(0)
        tape = _Tape(iter(handle))
        reader = csv.reader(tape, delimiter=_delimiter(path, header), strict=True)
        try:
            columns = [name.strip() for name in next(reader)]
        except StopIteration:
            return
        tape.take()
        if len(set(columns)) != len(columns) or not all(columns):
            raise ValueError(f"{path.name}: the header row must name every column once")
        number = reader.line_num + 1  # the line the next row starts on
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # strict: a quote out of place; the reader goes on with the next line
                yield number, _Problem(f"not a valid CSV row ({error})"), tape.take()
                number = reader.line_num + 1
                continue
            start, number, text = number, reader.line_num + 1, tape.take()
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                yield start, _Problem(f"{len(cells)} cells, but the header names {len(columns)} columns"), text
                continue
            yield start, {name: cell for name, cell in zip(columns, cells, strict=False) if cell.strip()}, text
