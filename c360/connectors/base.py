"""The two interfaces a connector implements: a ``Connector`` that owns the connection and its ``Stream``\\s.

The sync engine only ever talks to these. A stream yields ``Page``\\s of raw
silo records, each with the cursor that is safe to persist once that page's
records are committed, and maps every raw record to canonical records. REST,
SQL and drop-folder streams get all of this from ``c360.connectors.rest``,
``c360.connectors.sql`` and ``c360.connectors.files``; implement these ABCs directly only
for a silo that is none of those.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar

import requests
from pydantic import BaseModel

from c360.records import CanonicalRecord

__all__ = ["Page", "Stream", "Connector"]


@dataclass(frozen=True)
class Page:
    """One batch of raw records and the stream state that covers them.

    ``cursor`` is what to save after the records are committed: resuming from
    it neither skips nor repeats a record. ``None`` means "no state" (a
    stream without a cursor field).
    """

    records: Sequence[Mapping[str, Any]]
    cursor: Mapping[str, Any] | None
    label: str = ""


class Stream(ABC):
    """One kind of record in a silo, read in pages and mapped to canonical records."""

    name: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    #: The raw field that orders records for incremental reads; ``None``: every read is full.
    cursor_field: ClassVar[str | None]
    #: True when a full read sees every live record, so records not seen were deleted in the silo.
    snapshot_deletes: ClassVar[bool] = True

    @abstractmethod
    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        """Yield pages after ``cursor`` (or everything when ``full`` or no cursor)."""

    @abstractmethod
    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        """Canonical records for one raw record; raises ``c360.records.InvalidRecord`` naming the field."""

    def record_key(self, raw: Mapping[str, Any]) -> str | None:
        """The raw record's primary key as text, for quarantine messages; ``None`` when absent."""
        parts = [raw.get(field) for field in self.primary_key]
        if any(part is None or str(part).strip() == "" for part in parts):
            return None
        return ":".join(str(part).strip() for part in parts)


class Connector(ABC):
    """A configured connection to one silo: builds its streams and checks it is reachable.

    ``name`` is the registry name (the ``type`` in ``[connectors.NAME]``);
    ``instance`` is the table's own name, so one connector class can serve
    two silos of the same kind.
    """

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    #: "rest", "sql", "files" or anything else; shown by ``c360 connectors list``.
    kind: ClassVar[str] = "custom"
    #: The stream classes, for listing without a configuration; ``streams()`` is what runs.
    stream_classes: ClassVar[Sequence[type[Stream]]] = ()

    def __init__(self, instance: str, config: BaseModel, *, http: requests.Session | None = None) -> None:
        self.instance = instance
        self.config = config
        self.http = http

    @abstractmethod
    def streams(self) -> Sequence[Stream]:
        """The streams of this silo, ready to read."""

    @abstractmethod
    def check(self) -> None:
        """Reach the silo once per stream; raise ``ConnectorError`` saying what is wrong."""

    def stream(self, name: str) -> Stream:
        """The stream called ``name``; ``KeyError`` listing the known ones otherwise."""
        found = {stream.name: stream for stream in self.streams()}
        if name not in found:
            raise KeyError(f"{self.instance} has no stream {name!r}; streams: {', '.join(sorted(found))}")
        return found[name]

    def close(self) -> None:  # noqa: B027  (a connector holding nothing has nothing to release)
        """Release connections. Safe to call twice."""

    def __enter__(self) -> Connector:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
