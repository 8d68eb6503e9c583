"""Shared silo datasets (built once per session) and a reader of every source record they hold."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from c360.silos import build

SMALL = 200
DISAGREE = 3000


@pytest.fixture(scope="session")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 customers, read-only for tests (copy it before mutating)."""
    d = tmp_path_factory.mktemp("small") / "silos"
    build(d, SMALL, seed=7)
    return d


@pytest.fixture(scope="session")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough that every few-percent disagreement shows up."""
    d = tmp_path_factory.mktemp("big") / "silos"
    build(d, DISAGREE, seed=11)
    return d


@pytest.fixture
def mutable_dir(small_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the small dataset for tests that tick or rebuild."""
    d = tmp_path / "silos"
    shutil.copytree(small_dir, d)
    return d


def docs(data_dir: Path, db: str, table: str) -> list[dict]:
    conn = sqlite3.connect(data_dir / db)
    try:
        return [json.loads(r[0]) for r in conn.execute(f"SELECT doc FROM {table} ORDER BY id")]
    finally:
        conn.close()


def csv_rows(data_dir: Path, prefix: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((data_dir / "callcenter").glob(f"{prefix}_*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def jsonl_rows(data_dir: Path) -> list[dict]:
    out: list[dict] = []
    for path in sorted((data_dir / "bi").glob("analysis_*.jsonl")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return out


def truth_rows(data_dir: Path, out: Path) -> list[dict[str, str]]:
    from c360.silos.truth import export

    export(data_dir, out)
    with open(out, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def source_keys(data_dir: Path) -> Iterator[tuple[str, str, str]]:
    """(source, kind, source_key) of every record in every silo, read the way a connector would."""
    for table, key in (("customers", "customer_id"), ("accounts", "account_id"),
                       ("subscriptions", "subscription_id"), ("orders", "order_id")):
        for d in docs(data_dir, "boss.db", table):
            yield "boss", table.rstrip("s"), d[key]
    for table, kind, key in (("enterprises", "enterprise", "enterprise_id"), ("contacts", "contact", "contact_id"),
                             ("account_managers", "account_manager", "manager_id"),
                             ("contracts", "contract", "contract_id")):
        for d in docs(data_dir, "keyaccount.db", table):
            yield "keyaccount", kind, d[key]
    conn = sqlite3.connect(data_dir / "billing.db")
    try:
        for table, kind in (("bills", "bill"), ("payments", "payment"), ("balances", "balance")):
            for (k,) in conn.execute(f"SELECT {kind if kind != 'balance' else 'account'}_id FROM {table}"):
                yield "billing", kind, k
    finally:
        conn.close()
    for r in csv_rows(data_dir, "service_requests"):
        yield "callcenter", "service_request", r["sr_id"]
    for r in csv_rows(data_dir, "sr_status"):
        yield "callcenter", "sr_status", f"{r['sr_id']}@{r['changed_at']}"
    for r in csv_rows(data_dir, "calls"):
        yield "callcenter", "call", r["call_id"]
    for r in jsonl_rows(data_dir):
        yield "bi", "analysis", f"{r['subject_type']}:{r['subject_id']}@{r['as_of']}"


@pytest.fixture(scope="session")
def read() -> type:
    """Namespace-like access to the readers above without importing conftest."""

    class _Readers:
        docs = staticmethod(docs)
        csv_rows = staticmethod(csv_rows)
        jsonl_rows = staticmethod(jsonl_rows)
        truth_rows = staticmethod(truth_rows)
        source_keys = staticmethod(source_keys)

    return _Readers
