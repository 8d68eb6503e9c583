"""Streaming sinks: every record is written as soon as it is made, so memory stays flat in size.

SQLite sinks batch inserts; drop-folder sinks write ``NAME.part`` and rename on close so consumers
only ever see complete files.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, TextIO

__all__ = [
    "DOC_TABLES",
    "open_sqlite",
    "create_doc_tables",
    "DocTable",
    "BILLING_SCHEMA",
    "BatchInsert",
    "RollingCsv",
    "RollingJsonl",
    "TruthWriter",
    "dumps",
]

#: REST silo tables: one JSON document per record plus the two keyset-pagination columns.
DOC_TABLES: dict[str, tuple[str, ...]] = {
    "boss": ("customers", "accounts", "subscriptions", "orders"),
    "keyaccount": ("enterprises", "contacts", "account_managers", "contracts"),
}

BILLING_SCHEMA = """
CREATE TABLE bills (bill_id TEXT PRIMARY KEY, account_id TEXT, customer_id TEXT, period TEXT,
    amount_cents INTEGER, due_date TEXT, status TEXT, paid_cents INTEGER, updated_at TEXT);
CREATE TABLE payments (payment_id TEXT PRIMARY KEY, account_id TEXT, bill_id TEXT, amount_cents INTEGER,
    paid_at TEXT, method TEXT, updated_at TEXT);
CREATE TABLE balances (account_id TEXT PRIMARY KEY, customer_id TEXT, balance_cents INTEGER,
    arrears_cents INTEGER, updated_at TEXT);
"""
BILLING_INDEXES = """
CREATE INDEX ix_bills_updated_at ON bills (updated_at);
CREATE INDEX ix_payments_updated_at ON payments (updated_at);
CREATE INDEX ix_balances_updated_at ON balances (updated_at);
"""

_BATCH = 5000


def dumps(doc: dict[str, Any]) -> str:
    """Compact UTF-8 JSON: keeps Chinese readable and the files small."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def open_sqlite(path: Path, *, bulk: bool = False) -> sqlite3.Connection:
    """Connection tuned for bulk loading (no journal) or for concurrent use (WAL, busy timeout)."""
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    if bulk:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
    else:
        conn.execute("PRAGMA busy_timeout=30000")
    return conn


def create_doc_tables(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """Create the document tables of one REST silo (indexes come after the bulk load)."""
    for t in tables:
        conn.execute(f"CREATE TABLE {t} (id TEXT PRIMARY KEY, updated_at TEXT NOT NULL, doc TEXT NOT NULL)")


def index_doc_tables(conn: sqlite3.Connection, tables: tuple[str, ...]) -> None:
    """Keyset index on (updated_at, id), built once after loading because that is much faster."""
    for t in tables:
        conn.execute(f"CREATE INDEX ix_{t}_updated_at ON {t} (updated_at, id)")


class BatchInsert:
    """Buffered ``executemany`` into one table."""

    def __init__(self, conn: sqlite3.Connection, sql: str) -> None:
        self.conn = conn
        self.sql = sql
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            self.conn.executemany(self.sql, self.rows)
            self.rows.clear()


class DocTable(BatchInsert):
    """A REST silo table fed with record dicts that carry ``updated_at``."""

    def __init__(self, conn: sqlite3.Connection, table: str, key: str) -> None:
        super().__init__(conn, f"INSERT INTO {table} (id, updated_at, doc) VALUES (?, ?, ?)")
        self.key = key

    def put(self, doc: dict[str, Any]) -> None:
        self.add((doc[self.key], doc["updated_at"], dumps(doc)))


class _Rolling:
    """A family of drop files ``<prefix>_<stamp>_<n>.<ext>`` of at most ``max_rows`` rows each."""

    ext = ""

    def __init__(self, folder: Path, prefix: str, stamp: str, max_rows: int = 50_000, first: int = 1) -> None:
        self.folder = folder
        self.first = first
        self.prefix = prefix
        self.stamp = stamp
        self.max_rows = max_rows
        self.count = 0
        self.files: list[str] = []
        self._fh: TextIO | None = None
        self._rows_in_file = 0
        self._part: Path | None = None

    def _open(self) -> TextIO:
        name = f"{self.prefix}_{self.stamp}_{self.first + len(self.files)}.{self.ext}"
        self.files.append(name)
        self._part = self.folder / (name + ".part")
        self._fh = open(self._part, "w", encoding="utf-8", newline="")
        self._rows_in_file = 0
        self._started(self._fh)
        return self._fh

    def _started(self, fh: TextIO) -> None:
        """Hook for a header."""

    def _handle(self) -> TextIO:
        if self._fh is None or self._rows_in_file >= self.max_rows:
            self.close()
            return self._open()
        return self._fh

    def close(self) -> None:
        """Finish the current file: only now does it appear under its final name."""
        if self._fh is not None and self._part is not None:
            self._fh.close()
            os.replace(self._part, self._part.with_suffix(""))
            self._fh = None


class RollingCsv(_Rolling):
    """CSV drop files with a header line in every file."""

    ext = "csv"

    def __init__(self, folder: Path, prefix: str, stamp: str, header: tuple[str, ...], max_rows: int = 50_000) -> None:
        super().__init__(folder, prefix, stamp, max_rows)
        self.header = header
        self._writer: Any = None

    def _started(self, fh: TextIO) -> None:
        self._writer = csv.writer(fh, lineterminator="\n")
        self._writer.writerow(self.header)

    def write(self, row: tuple[Any, ...]) -> None:
        self._handle()
        self._writer.writerow(row)
        self._rows_in_file += 1
        self.count += 1


class RollingJsonl(_Rolling):
    """JSON-lines drop files."""

    ext = "jsonl"

    def write(self, doc: dict[str, Any]) -> None:
        self._handle().write(dumps(doc) + "\n")
        self._rows_in_file += 1
        self.count += 1


class TruthWriter:
    """Ground truth ``source,kind,source_key,entity_id`` appended while generating."""

    HEADER = ("source", "kind", "source_key", "entity_id")

    def __init__(self, path: Path) -> None:
        self._fh = open(path, "w", encoding="utf-8", newline="")
        self._w = csv.writer(self._fh, lineterminator="\n")
        self.count = 0

    def add(self, source: str, kind: str, key: str, entity_id: str) -> None:
        self._w.writerow((source, kind, key, entity_id))
        self.count += 1

    def close(self) -> None:
        self._fh.close()
