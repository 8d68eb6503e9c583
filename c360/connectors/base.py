"""The two interfaces a connector implements: a ``Connector`` that owns the connection and its ``Stream``\\s.

The sync engine only ever talks to these: a stream yields ``Page``\\s of raw
silo records, each with the cursor that is safe to persist once that page's
records are committed, and ``records(raw)`` turns one raw record into
canonical records.

A stream declares its envelope (``record``, ``key``, ``updated_at``,
``deleted``) and its ``map`` returns the record's domain fields only; the
SDK adds ``source``, ``source_key``, ``updated_at`` and ``deleted`` and
validates the result, so every mapping stops repeating them. Every stream is
built the same way, ``Stream(config, client, silo=..., source=...)``: the
connector's validated configuration and a client suited to its kind.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from c360.connectors.mapping import flag, make, required, timestamp
from c360.records import CanonicalRecord

__all__ = ["Page", "Emit", "Fields", "Stream", "Connector"]

C = TypeVar("C", bound=BaseModel)
K = TypeVar("K")

#: What ``Stream.map`` returns: the domain fields of ``record``, or several records from one raw record.
Fields = Mapping[str, Any]


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


@dataclass(frozen=True)
class Emit:
    """One more record from the same raw record: its own kind and (optionally) key, the same envelope.

    For silos where one row says two things, e.g. a call that also names its caller.
    """

    record: type[CanonicalRecord]
    fields: Fields = field(default_factory=dict)
    key: str | None = None


class Stream(ABC, Generic[C, K]):
    """One kind of record in a silo, read in pages and mapped to canonical records.

    ``C`` is the connector's configuration model and ``K`` its client (an
    ``HttpClient``, a ``Database``, a ``DropFolder``).
    """

    name: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    #: The raw field that orders records for incremental reads; ``None``: every read is full.
    cursor_field: ClassVar[str | None]
    #: True when a full read sees every live record, so records not seen were deleted in the silo.
    snapshot_deletes: ClassVar[bool] = True

    #: The canonical record kind ``map`` fills in.
    record: ClassVar[type[CanonicalRecord] | None] = None
    #: The raw field holding the record's key; also the default ``primary_key``. Override ``source_key`` to compute it.
    key: ClassVar[str | None] = None
    #: The raw field holding when the silo last changed the record (``None``: unknown).
    updated_at: ClassVar[str | None] = "updated_at"
    #: The raw field flagging a tombstone (``None``: the silo never sends tombstones).
    deleted: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "primary_key" not in cls.__dict__ and isinstance(cls.__dict__.get("key"), str):
            cls.primary_key = (cls.__dict__["key"],)

    def __init__(self, config: C, client: K, *, silo: str, source: str) -> None:
        self.config = config
        self.client = client
        self.silo = silo
        self.source = source

    @property
    def label(self) -> str:
        """``<silo>/<stream>``, the prefix of every message about this stream."""
        return f"{self.silo}/{self.name}"

    @abstractmethod
    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        """Yield pages after ``cursor`` (or everything when ``full`` or no cursor)."""

    @abstractmethod
    def map(self, raw: Mapping[str, Any]) -> Fields | Sequence[Fields | Emit | CanonicalRecord]:
        """The domain fields of ``record`` for one raw record; raises ``InvalidRecord`` naming the field.

        A field named here wins over the envelope's. Several records: a sequence whose items are domain fields (of
        ``record``), ``Emit``\\s (another kind or key) or finished records.
        """

    def source_key(self, raw: Mapping[str, Any]) -> str:
        """The canonical ``source_key``: the ``key`` field, required."""
        if self.key is None:
            raise TypeError(f"{type(self).__name__} declares no key; set `key` or override source_key()")
        return required(raw, self.key)

    def updated(self, raw: Mapping[str, Any]) -> datetime | None:
        """When the silo last changed the record, from the ``updated_at`` field."""
        return None if self.updated_at is None else timestamp(raw, self.updated_at)

    def tombstone(self, raw: Mapping[str, Any]) -> bool:
        """Whether the silo says the record was deleted, from the ``deleted`` field."""
        return False if self.deleted is None else flag(raw, self.deleted)

    def records(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        """Canonical records for one raw record: the envelope, then ``map``; what the sync engine calls."""
        mapped = self.map(raw)
        if isinstance(mapped, CanonicalRecord):
            return [mapped]
        items: Sequence[Fields | Emit | CanonicalRecord] = [mapped] if isinstance(mapped, Mapping) else mapped
        if all(isinstance(item, CanonicalRecord) for item in items):
            return [item for item in items if isinstance(item, CanonicalRecord)]
        return self._enveloped(raw, items)

    def _enveloped(
        self, raw: Mapping[str, Any], items: Sequence[Fields | Emit | CanonicalRecord]
    ) -> list[CanonicalRecord]:
        key = self.source_key(raw)
        envelope = {"source": self.source, "updated_at": self.updated(raw), "deleted": self.tombstone(raw)}
        built: list[CanonicalRecord] = []
        for item in items:
            if isinstance(item, CanonicalRecord):
                built.append(item)
            elif isinstance(item, Emit):
                built.append(make(item.record, **{**envelope, "source_key": item.key or key, **item.fields}))
            else:
                if self.record is None:
                    raise TypeError(f"{type(self).__name__}.map returned fields but the stream declares no record")
                built.append(make(self.record, **{**envelope, "source_key": key, **item}))
        return built

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
    two silos of the same kind. ``source`` is what its records carry as
    ``source`` (default: ``name``).
    """

    name: ClassVar[str]
    config_model: ClassVar[type[BaseModel]]
    #: "rest", "sql", "files" or anything else; shown by ``c360 connectors list``.
    kind: ClassVar[str] = "custom"
    #: The record ``source`` of this connector's streams; ``None``: the registry ``name``.
    source: ClassVar[str | None] = None
    #: The stream classes; ``streams()`` builds each with the config and ``client``.
    stream_classes: ClassVar[Sequence[type[Stream[Any, Any]]]] = ()

    def __init__(self, instance: str, config: BaseModel) -> None:
        self.instance = instance
        self.config = config
        #: What the streams read through; the kind's connector opens it.
        self.client: Any = None
        self._built: list[Stream[Any, Any]] | None = None

    def streams(self) -> Sequence[Stream[Any, Any]]:
        """The streams of this silo, ready to read (built once, on first use)."""
        if self._built is None:
            source = self.source or self.name
            self._built = [
                cls(self.config, self.client, silo=self.instance, source=source) for cls in self.stream_classes
            ]
        return list(self._built)

    @abstractmethod
    def check(self) -> None:
        """Reach the silo once per stream; raise ``ConnectorError`` saying what is wrong."""

    def stream(self, name: str) -> Stream[Any, Any]:
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
