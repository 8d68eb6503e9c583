"""Export of the cross-reference: ``source,source_key,golden_id`` for every party source record, as CSV.

Streamed from the database in key order (``source``, ``source_key``) with a
server-side cursor where the driver has one, so memory stays flat. The golden
id is blank for a record not (yet) resolved. A record resolution kept apart
as unresolvable has a customer of its own and shows its id.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from sqlalchemy import Engine, select

from c360.hub.models import CrossReference, SourceRecord

__all__ = ["XREF_COLUMNS", "export_xref", "xref_rows"]

XREF_COLUMNS = ("source", "source_key", "golden_id")


def xref_rows(engine: Engine, *, include_deleted: bool = False, batch: int = 1000) -> Iterator[tuple[str, str, str | None]]:
    """``(source, source_key, golden_id)`` of every party source record, in key order (``None``: not resolved)."""
    query = (
        select(SourceRecord.source, SourceRecord.source_key, CrossReference.golden_id)
        .outerjoin(CrossReference, CrossReference.source_record_id == SourceRecord.id)
        .where(SourceRecord.kind == "party")
        .order_by(SourceRecord.source, SourceRecord.source_key)
    )
    if not include_deleted:
        query = query.where(SourceRecord.deleted.is_(False))
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=batch).execute(query)
        for part in result.partitions():
            yield from part


def export_xref(engine: Engine, out: IO[str], *, include_deleted: bool = False, batch: int = 1000) -> int:
    """Write the CSV (header first) to ``out``; returns the number of data rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(XREF_COLUMNS)
    rows = 0
    for source, key, golden in xref_rows(engine, include_deleted=include_deleted, batch=batch):
        writer.writerow((source, key, golden or ""))
        rows += 1
    return rows
