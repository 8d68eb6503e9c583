"""Small silos and streams implementing the connector contract, for the sync engine's tests.

``FileSilo`` keeps its records in a JSON file so a second OS process (the
SIGKILL and two-scheduler tests) sees the same silo. Every change bumps a
sequence number; incremental reads page by it, full reads return the live
records only (so a vanished record is a deletion on a full sync).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from c360.connectors.base import Connector, Page, Stream
from c360.records import CanonicalRecord, InvalidRecord, SubscriptionRecord

SOURCE = "fake"


class FileSilo:
    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            self._save({"seq": 0, "records": {}})

    def _load(self) -> dict[str, Any]:
        return json.loads(self.path.read_text())

    def _save(self, data: dict[str, Any]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        tmp.replace(self.path)

    def put(self, key: str, **fields: Any) -> None:
        data = self._load()
        data["seq"] += 1
        old = data["records"].get(key, {})
        data["records"][key] = {**old, "id": key, "msisdn": "+8613800000000", "plan": "4G58", **fields,
                                "seq": data["seq"], "deleted": False}
        self._save(data)

    def put_many(self, count: int, start: int = 0, **fields: Any) -> None:
        data = self._load()
        for i in range(start, start + count):
            data["seq"] += 1
            key = f"S{i:05d}"
            data["records"][key] = {"id": key, "msisdn": f"+86138{i:08d}", "plan": "4G58", **fields,
                                    "seq": data["seq"], "deleted": False}
        self._save(data)

    def delete(self, key: str) -> None:
        data = self._load()
        data["seq"] += 1
        data["records"][key] |= {"deleted": True, "seq": data["seq"]}
        self._save(data)

    def vanish(self, key: str) -> None:
        """Gone without a tombstone: only a full read can notice."""
        data = self._load()
        del data["records"][key]
        self._save(data)

    def live(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self._load()["records"].items() if not v["deleted"]}

    def changes_after(self, seq: int) -> list[dict[str, Any]]:
        return sorted((r for r in self._load()["records"].values() if r["seq"] > seq), key=lambda r: r["seq"])


class SubscriptionsStream(Stream):
    """Pages of a FileSilo; ``hooks`` let a test break page N or slow every page down."""

    name: ClassVar[str] = "subscriptions"
    primary_key: ClassVar[tuple[str, ...]] = ("id",)
    cursor_field: ClassVar[str | None] = "seq"
    snapshot_deletes: ClassVar[bool] = True

    def __init__(
        self,
        silo: FileSilo,
        *,
        page_size: int = 10,
        before_page: Callable[[int], None] | None = None,
        page_delay: float = 0.0,
    ) -> None:
        self.silo = silo
        self.page_size = page_size
        self.before_page = before_page
        self.page_delay = page_delay
        self.strict_plans = True
        self.reads: list[Mapping[str, Any] | None] = []

    def read(self, cursor: Mapping[str, Any] | None, *, full: bool = False) -> Iterator[Page]:
        self.reads.append(None if full else cursor)
        after = 0 if full or not cursor else int(cursor["seq"])
        rows = self.silo.changes_after(after)
        if full:
            rows = [r for r in rows if not r["deleted"]]
        for number, start in enumerate(range(0, len(rows), self.page_size), start=1):
            if self.before_page is not None:
                self.before_page(number)
            if self.page_delay:
                time.sleep(self.page_delay)
            chunk = rows[start : start + self.page_size]
            yield Page(records=chunk, cursor={"seq": chunk[-1]["seq"]}, label=f"page {number}")

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        if self.strict_plans and raw.get("plan") == "BROKEN":
            raise InvalidRecord("plan: unknown plan code", source_key=str(raw.get("id")))
        if not raw.get("msisdn"):
            raise InvalidRecord("msisdn: missing")
        return [
            SubscriptionRecord(
                source=SOURCE, source_key=raw["id"], msisdn=raw["msisdn"], plan_code=raw["plan"],
                party_source=SOURCE, party_key="P1", deleted=bool(raw.get("deleted")),
            )
        ]


class FakeConnector(Connector):
    name: ClassVar[str] = "fake"

    def __init__(self, instance: str, streams: Sequence[Stream]) -> None:
        super().__init__(instance, None)  # type: ignore[arg-type]
        self._streams = list(streams)

    def streams(self) -> Sequence[Stream]:
        return list(self._streams)

    def check(self) -> None:
        return None


def fail_on(page: int, error: BaseException) -> Callable[[int], None]:
    """A ``before_page`` hook that raises ``error`` when page ``page`` is about to be served."""

    def hook(number: int) -> None:
        if number == page:
            raise error

    return hook
