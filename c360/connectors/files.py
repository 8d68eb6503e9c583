"""Declarative drop-folder streams: CSV or JSON-lines files, each read exactly once.

Silos write ``X.part`` and rename it to ``X`` when complete; only complete
names matching the stream's ``prefix`` and ``suffix`` are read, in natural
order (digit runs compare as numbers, so ``_10`` follows ``_9``). File names
must sort in the order the silo writes them — ``<prefix>_<timestamp>_<n>``
does.

The cursor is a position ``{"file": name, "rows": n, "complete": bool}``:
files before ``name`` are taken; of ``name`` itself the first ``n`` records
are taken, or all of it when ``complete``. A page carries the position of its
last record, so a file counts as taken only once the page with its last
records is committed, and a run that stops mid-file resumes at the next
record. Every raw record gets ``_file`` (the stream's cursor field) and
``_line`` for messages. The streams' client is the ``DropFolder``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, ClassVar, TypeVar

from pydantic import BaseModel

from c360.connectors.base import Connector, Page, Stream
from c360.connectors.config import DropFolderConfig
from c360.connectors.errors import BadPageError, ConfigError, FatalError

__all__ = ["DropFolder", "DropFileStream", "CsvDropStream", "JsonlDropStream", "DropFolderConnector", "natural_key"]

DC = TypeVar("DC", bound=DropFolderConfig)


def natural_key(name: str) -> tuple[Any, ...]:
    """Sort key where digit runs compare as numbers: ``a_9.csv`` < ``a_10.csv``."""
    return tuple(int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", name)))


class DropFolder:
    """The drop-folder streams' client: the folder and the text encoding of its files."""

    def __init__(self, path: Path, encoding: str = "utf-8") -> None:
        self.path = path
        self.encoding = encoding

    def files(self, prefix: str, suffix: str, label: str) -> list[str]:
        """Complete files ``<prefix>_*<suffix>`` in reading order (``.part`` files never match)."""
        if not self.path.is_dir():
            raise FatalError(f"{label}: drop folder {self.path} does not exist")
        pattern = re.compile(rf"{re.escape(prefix)}_.+{re.escape(suffix)}")
        names = [path.name for path in self.path.iterdir() if pattern.fullmatch(path.name) and path.is_file()]
        return sorted(names, key=natural_key)

    def open(self, name: str) -> IO[str]:
        return (self.path / name).open(encoding=self.encoding, newline="")


class DropFileStream(Stream[DC, DropFolder]):
    """Records from the complete files ``<prefix>_*<suffix>`` of a drop folder."""

    prefix: ClassVar[str]
    suffix: ClassVar[str]
    cursor_field: ClassVar[str | None] = "_file"
    snapshot_deletes: ClassVar[bool] = False

    def files(self) -> list[str]:
        """Complete files of this stream in reading order."""
        return self.client.files(self.prefix, self.suffix, self.label)

    def parse(self, handle: IO[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, raw record) for every record of one open file; ``BadPageError`` when unreadable."""
        raise NotImplementedError

    def _records(self, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            with self.client.open(name) as handle:
                yield from self.parse(handle, name)
        except UnicodeDecodeError:
            raise BadPageError(f"{self.label}: {name} is not valid {self.client.encoding} text") from None
        except OSError as error:
            raise FatalError(f"{self.label}: cannot read {name} ({error.strerror})") from None

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        start = None if full or not cursor else cursor
        if start is not None and not isinstance(start.get("file"), str):
            raise BadPageError(f"{self.label}: saved cursor lacks 'file'; reset the stream")
        for name in self.files():
            skip = 0
            if start is not None:
                key, start_key = natural_key(name), natural_key(start["file"])
                if key < start_key or (key == start_key and start.get("complete", False)):
                    continue
                skip = int(start.get("rows", 0)) if key == start_key else 0
            yield from self._pages(name, skip)

    def _pages(self, name: str, skip: int) -> Iterator[Page]:
        taken = 0
        held: list[dict[str, Any]] = []
        held_lines: tuple[int, int] = (0, 0)
        for line, raw in self._records(name):
            taken += 1
            if taken <= skip:
                continue
            if len(held) == self.config.page_size:
                yield self._page(name, held, held_lines, taken - 1, complete=False)
                held = []
            if not held:
                held_lines = (line, line)
            held.append({**raw, "_file": name, "_line": line})
            held_lines = (held_lines[0], line)
        yield self._page(name, held, held_lines, taken, complete=True)

    def _page(
        self, name: str, records: list[dict[str, Any]], lines: tuple[int, int], rows: int, *, complete: bool
    ) -> Page:
        where = f"{name}:{lines[0]}-{lines[1]}" if records else name
        return Page(records=records, cursor={"file": name, "rows": rows, "complete": complete}, label=where)


class CsvDropStream(DropFileStream[DC]):
    """CSV files with a header line; ``columns`` lists the header fields the stream needs."""

    suffix: ClassVar[str] = ".csv"
    columns: ClassVar[tuple[str, ...]]

    def parse(self, handle: IO[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        reader = csv.reader(handle)
        try:
            header = [field.strip() for field in next(reader, [])]
            missing = [column for column in self.columns if column not in header]
            if missing:
                raise BadPageError(f"{self.label}: {name} lacks column(s) {', '.join(missing)}")
            for row in reader:
                if not row:
                    continue
                if len(row) != len(header):
                    raise BadPageError(
                        f"{self.label}: {name} line {reader.line_num} has {len(row)} fields, header has {len(header)}"
                    )
                yield reader.line_num, dict(zip(header, row, strict=True))
        except csv.Error:
            raise BadPageError(f"{self.label}: {name} line {reader.line_num} is not valid CSV") from None


class JsonlDropStream(DropFileStream[DC]):
    """JSON-lines files: one object per line, blank lines ignored."""

    suffix: ClassVar[str] = ".jsonl"

    def parse(self, handle: IO[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                raise BadPageError(f"{self.label}: {name} line {number} is not valid JSON") from None
            if not isinstance(value, dict):
                raise BadPageError(f"{self.label}: {name} line {number} is not a JSON object")
            yield number, value


class DropFolderConnector(Connector):
    """A connector whose streams are ``DropFileStream`` classes over one ``DropFolder``; no HTTP involved."""

    config_model: ClassVar[type[BaseModel]] = DropFolderConfig
    kind: ClassVar[str] = "files"

    def __init__(self, instance: str, config: BaseModel) -> None:
        super().__init__(instance, config)
        if not isinstance(config, DropFolderConfig):
            raise ConfigError(f"[connectors.{instance}] expects a drop-folder configuration")
        self.client: DropFolder = DropFolder(config.folder, config.encoding)

    def check(self) -> None:
        folder = self.client.path
        if not folder.is_dir():
            raise FatalError(f"{self.instance}: drop folder {folder} does not exist")
        for stream in self.streams():
            if not isinstance(stream, DropFileStream):
                continue
            for name in stream.files():
                try:
                    (folder / name).open("rb").close()
                except OSError as error:
                    raise FatalError(f"{self.instance}: cannot read {name} ({error.strerror})") from None
