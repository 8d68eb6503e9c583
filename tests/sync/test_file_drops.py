"""A drop folder through the real drop-file SDK: only complete files are read, and each only once."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from c360.connectors.config import DropFolderConfig
from c360.connectors.files import DropFolder, JsonlDropStream
from c360.hub.models import SourceRecord, SourceRecordVersion
from c360.records import CanonicalRecord, ContactRecord
from c360.sync import run_stream


class Calls(JsonlDropStream):
    name: ClassVar[str] = "calls"
    prefix: ClassVar[str] = "calls"
    primary_key: ClassVar[tuple[str, ...]] = ("call_id",)

    def map(self, raw: Mapping[str, Any]) -> Sequence[CanonicalRecord]:
        return [ContactRecord(source="cc", source_key=raw["call_id"], channel="hotline", phone=raw["phone"])]


def _drop(folder: Path, name: str, start: int, count: int, *, complete: bool = True) -> None:
    lines = "".join(json.dumps({"call_id": f"K{i}", "phone": "13800138000"}) + "\n" for i in range(start, start + count))
    (folder / (name if complete else name + ".part")).write_text(lines)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_half_written_files_wait_and_complete_files_are_read_once(engine: Engine, tmp_path: Path) -> None:
    _drop(tmp_path, "calls_001.jsonl", 0, 7)
    _drop(tmp_path, "calls_002.jsonl", 7, 5, complete=False)  # the silo is still writing it
    stream = Calls(DropFolderConfig(folder=tmp_path, page_size=4), DropFolder(tmp_path), silo="cc", source="cc")
    first = run_stream(engine, "cc", stream)
    assert first.ok and first.counts.read == 7 and _count(engine, SourceRecord) == 7

    (tmp_path / "calls_002.jsonl.part").rename(tmp_path / "calls_002.jsonl")
    second = run_stream(engine, "cc", stream)
    assert second.ok and second.counts.read == 5

    third = run_stream(engine, "cc", stream)
    assert third.counts.read == 0
    assert _count(engine, SourceRecord) == 12 and _count(engine, SourceRecordVersion) == 0
