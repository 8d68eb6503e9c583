"""Ground truth covers every source record; live ticks add newer records deterministically."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from c360.silos import live
from c360.silos.manifest import SiloManifest


def test_truth_covers_every_source_record_exactly_once(small_dir: Path, read, tmp_path: Path) -> None:
    rows = read.truth_rows(small_dir, tmp_path / "truth.csv")
    keys = Counter((r["source"], r["kind"], r["source_key"]) for r in rows)
    assert max(keys.values()) == 1
    source = Counter(read.source_keys(small_dir))
    assert max(source.values()) == 1
    assert set(keys) == set(source)
    assert {r["entity_id"][0] for r in rows} == {"P", "O"}
    assert {r["source"] for r in rows} == {"boss", "keyaccount", "billing", "callcenter", "bi"}
    m = SiloManifest.load(small_dir)
    assert m is not None and len(rows) == m.total_records


def test_enterprise_records_map_to_organizations(small_dir: Path, read, tmp_path: Path) -> None:
    truth = {(r["source"], r["kind"], r["source_key"]): r["entity_id"]
             for r in read.truth_rows(small_dir, tmp_path / "t.csv")}
    for c in read.docs(small_dir, "boss.db", "customers"):
        assert truth[("boss", "customer", c["customer_id"])][0] == ("O" if c["customer_type"] == "enterprise" else "P")
    for e in read.docs(small_dir, "keyaccount.db", "enterprises"):
        assert truth[("keyaccount", "enterprise", e["enterprise_id"])].startswith("O")


def _max_updated(d: Path) -> dict[str, str]:
    out = {}
    for db, tables in (("boss.db", ("customers", "orders")), ("billing.db", ("payments", "balances"))):
        conn = sqlite3.connect(d / db)
        try:
            for t in tables:
                out[t] = conn.execute(f"SELECT max(updated_at) FROM {t}").fetchone()[0]
        finally:
            conn.close()
    return out


def test_tick_adds_newer_records_and_truth(mutable_dir: Path, read, tmp_path: Path) -> None:
    before = _max_updated(mutable_dir)
    files_before = set((mutable_dir / "callcenter").iterdir()) | set((mutable_dir / "bi").iterdir())
    result = live.tick(mutable_dir, 7, 25)
    assert result.tick == 1 and sum(result.counts.values()) >= 25
    after = _max_updated(mutable_dir)
    assert all(after[t] > before[t] for t in before)
    new_files = (set((mutable_dir / "callcenter").iterdir()) | set((mutable_dir / "bi").iterdir())) - files_before
    prefixes = {p.name.split("_2024")[0] for p in new_files}
    assert {"service_requests", "sr_status", "calls", "analysis"} <= prefixes
    assert not list(mutable_dir.rglob("*.part"))
    assert live.tick(mutable_dir, 7, 5).tick == 2
    rows = read.truth_rows(mutable_dir, tmp_path / "truth.csv")
    keys = {(r["source"], r["kind"], r["source_key"]) for r in rows}
    assert set(read.source_keys(mutable_dir)) == keys


def test_tick_is_deterministic(mutable_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "copy"
    shutil.copytree(mutable_dir, other)
    for d in (mutable_dir, other):
        live.tick(d, 7, 30)
    for name in ("truth/tick_000001.csv",):
        assert (mutable_dir / name).read_bytes() == (other / name).read_bytes()
    digest = {d: {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (d / "callcenter").iterdir()}
              for d in (mutable_dir, other)}
    assert digest[mutable_dir] == digest[other]
    state = json.loads((mutable_dir / "live_state.json").read_text())
    assert state["ticks"] == 1
