"""Build output: deterministic, idempotent, complete files, valid identifiers, consistent manifest."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from pathlib import Path

from stdnum.cn import ric, uscc

from c360.silos import SiloManifest, build
from c360.silos.generate import CALL_HEADER, SR_HEADER, SR_STATUS_HEADER
from c360.silos.idnumbers import PLACEHOLDER_IDS
from c360.silos.writers import RollingCsv


def _digests(d: Path) -> dict[str, str]:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_different_seed_differs(tmp_path: Path) -> None:
    build(tmp_path / "a", 150, seed=5)
    build(tmp_path / "b", 150, seed=5)
    build(tmp_path / "c", 150, seed=6)
    a, b, c = _digests(tmp_path / "a"), _digests(tmp_path / "b"), _digests(tmp_path / "c")
    assert "boss.db" in a and "truth/records.csv" in a
    assert a == b
    assert a["boss.db"] != c["boss.db"] and a["truth/records.csv"] != c["truth/records.csv"]


def test_build_is_idempotent_and_rebuilds_on_new_size(mutable_dir: Path) -> None:
    before = (mutable_dir / "boss.db").stat().st_mtime_ns
    m = build(mutable_dir, 200, seed=7)
    assert (mutable_dir / "boss.db").stat().st_mtime_ns == before
    assert m.size == 200 and m.seed == 7
    m2 = build(mutable_dir, 120, seed=7)
    assert m2.size == 120
    assert SiloManifest.load(mutable_dir) == m2
    assert m2.counts["boss"]["customers"] < m.counts["boss"]["customers"]


def test_no_part_files_and_headers(small_dir: Path) -> None:
    assert not list(small_dir.rglob("*.part"))
    headers = {"service_requests": SR_HEADER, "sr_status": SR_STATUS_HEADER, "calls": CALL_HEADER}
    for prefix, header in headers.items():
        files = list((small_dir / "callcenter").glob(f"{prefix}_*.csv"))
        assert files
        for f in files:
            with open(f, encoding="utf-8", newline="") as fh:
                assert tuple(next(csv.reader(fh))) == header


def test_rolling_files_split_and_appear_complete(tmp_path: Path) -> None:
    w = RollingCsv(tmp_path, "calls", "20240101000000", ("a",), max_rows=3)
    for i in range(7):
        w.write((i,))
        assert len(list(tmp_path.glob("*.part"))) == 1
    w.close()
    assert not list(tmp_path.glob("*.part"))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"calls_20240101000000_{n}.csv" for n in (1, 2, 3)]
    assert (tmp_path / names[0]).read_text().splitlines() == ["a", "0", "1", "2"]


def test_manifest_counts_match_stores(small_dir: Path, read) -> None:
    m = SiloManifest.load(small_dir)
    assert m is not None and m.now == m.generated_at
    conn = sqlite3.connect(small_dir / "billing.db")
    try:
        for table in ("bills", "payments", "balances"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == m.counts["billing"][table]
            idx = [r[1] for r in conn.execute(f"PRAGMA index_list({table})")]
            assert f"ix_{table}_updated_at" in idx
    finally:
        conn.close()
    assert len(read.docs(small_dir, "boss.db", "customers")) == m.counts["boss"]["customers"]
    assert len(read.csv_rows(small_dir, "calls")) == m.counts["callcenter"]["calls"]
    assert len(read.jsonl_rows(small_dir)) == m.counts["bi"]["analysis"]
    assert m.entities["organizations"] > 0


def test_id_numbers_valid_except_deliberate(big_dir: Path, read) -> None:
    kinds: dict[str, int] = {}
    for d in read.docs(big_dir, "boss.db", "customers"):
        t, n = d["id_type"], d["id_number"]
        kinds[t or "none"] = kinds.get(t or "none", 0) + 1
        if t == "RIC" and n not in PLACEHOLDER_IDS:
            assert ric.is_valid(n.upper()), n
            assert ric.get_birth_date(n.upper()).isoformat() == d["birth_date"] or d["birth_date"] is None
            if d["gender"]:
                assert int(n[16]) % 2 == (1 if d["gender"] == "M" else 0)
        elif t == "RIC15":
            assert len(n) == 15 and n.isdigit()
        elif t == "USCC":
            assert uscc.is_valid(n), n
    assert {"RIC", "RIC15", "USCC", "PASSPORT", "none"} <= set(kinds)
    for e in read.docs(big_dir, "keyaccount.db", "enterprises"):
        assert e["credit_code"] is None or uscc.is_valid(e["credit_code"])


def test_billing_columns(small_dir: Path) -> None:
    conn = sqlite3.connect(small_dir / "billing.db")
    try:
        cols = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in ("bills", "payments", "balances")}
        statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM bills")}
    finally:
        conn.close()
    assert cols["bills"] == ["bill_id", "account_id", "customer_id", "period", "amount_cents", "due_date", "status",
                             "paid_cents", "updated_at"]
    assert cols["payments"] == ["payment_id", "account_id", "bill_id", "amount_cents", "paid_at", "method", "updated_at"]
    assert cols["balances"] == ["account_id", "customer_id", "balance_cents", "arrears_cents", "updated_at"]
    assert statuses <= {"open", "paid", "overdue"} and "paid" in statuses
