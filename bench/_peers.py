"""Peers for the identity-quality benchmark: Splink (DuckDB) and recordlinkage on one record table.

Both get the same table the hub resolved, with the columns below (missing
values are ``None``), and return clusters as ``{uid: cluster label}``:

    uid, dataset_side ("a"/"b" for a two-file linkage, else "a"), given_name, surname,
    name (full), dob (YYYY-MM-DD), id_number, phone, email, address, postcode

and optionally ``phones``, a list of every number of the record (Splink compares
and blocks on the lists when present; recordlinkage keeps to ``phone``).

Neither peer downloads anything at run time (Splink's DuckDB backend runs
in process; recordlinkage's FEBRL data ships inside the package). Their
predicted pairs are clustered by connected components, so every tool is
scored on a partition the same way.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from bench._memory import peak_rss_mib

__all__ = ["components", "run_splink", "run_recordlinkage", "usable_columns", "measured_in_child"]

_ROOT = Path(__file__).resolve().parents[1]  # the repository, importable by the child
TEXT = ("given_name", "surname", "name", "dob", "id_number", "phone", "email", "address", "postcode")


def components(uids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    parent = {u: u for u in uids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {u: find(u) for u in parent}


def usable_columns(df: pd.DataFrame) -> list[str]:
    """Columns with data in at least 5 % of the rows."""
    return [c for c in TEXT if c in df and df[c].notna().mean() >= 0.05]


def has_phone_lists(df: pd.DataFrame) -> bool:
    return "phones" in df and df["phones"].notna().mean() >= 0.05


def run_splink(df: pd.DataFrame, link: bool) -> dict[str, str]:
    """Splink 5 on DuckDB: blocking rules on pairs of fields, EM-trained Fellegi–Sunter, clustered at p ≥ 0.9."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    cols = usable_columns(df)
    phone_lists = has_phone_lists(df)
    if phone_lists and "phone" in cols:
        cols.remove("phone")
    comparisons: list[Any] = []  # Splink's comparison creators (one type each)
    if "given_name" in cols:
        comparisons.append(cl.NameComparison("given_name"))
    if "surname" in cols:
        comparisons.append(cl.NameComparison("surname"))
    if "name" in cols and "surname" not in cols:
        comparisons.append(cl.NameComparison("name"))
    if "dob" in cols:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("dob", [1, 2]))
    if "id_number" in cols:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("id_number", [1, 2]))
    if "phone" in cols:
        comparisons.append(cl.ExactMatch("phone").configure(term_frequency_adjustments=True))
    if phone_lists:
        comparisons.append(cl.ArrayIntersectAtSizes("phones", [1]))
    if "email" in cols:
        comparisons.append(cl.ExactMatch("email"))
    if "address" in cols:
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.85]))
    if "postcode" in cols:
        comparisons.append(cl.ExactMatch("postcode"))
    person = [c for c in ("given_name", "surname", "name") if c in cols]
    rules: list[Any] = []
    if "given_name" in cols and "surname" in cols:
        rules.append(block_on("given_name", "surname"))
    for name in person:
        for other in ("dob", "postcode"):
            if other in cols:
                rules.append(block_on(name, other))
    for single in ("id_number", "phone", "email"):
        if single in cols:
            rules.append(block_on(single))
    if "dob" in cols and "postcode" in cols:
        rules.append(block_on("dob", "postcode"))
    if phone_lists:
        rules.append(block_on("phones", arrays_to_explode=["phones"]))
        cols.append("phones")
    settings = SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        unique_id_column_name="uid",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI()
    frame = df[["uid", "side", *cols]].copy()
    if link:
        tables = [db_api.register(frame[frame.side == s].drop(columns="side").reset_index(drop=True)) for s in ("a", "b")]
    else:
        tables = [db_api.register(frame.drop(columns="side").reset_index(drop=True))]
    linker = Linker(tables if link else tables[0], settings, log_level=logging.ERROR)
    deterministic: list[Any] = rules[:3]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    for rule in _em_rules(frame, cols, block_on):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold_match_probability=0.9)
    out = clusters.as_pandas_dataframe()
    return {str(u): str(c) for u, c in zip(out["uid"], out["cluster_id"], strict=True)}


# An EM session compares every pair of its block; past this many pairs DuckDB's work and memory grow out of
# proportion (blocking 64k Chinese names on the surname alone gives ~10^8 pairs: 10 GB and tens of minutes here).
EM_PAIR_CAP = 5_000_000


def _block_pairs(df: pd.DataFrame, columns: tuple[str, ...]) -> int:
    sizes = df.dropna(subset=list(columns)).groupby(list(columns)).size()
    return int((sizes * (sizes - 1) // 2).sum())


def _em_rules(df: pd.DataFrame, cols: list[str], block_on):  # type: ignore[no-untyped-def]
    """Two EM sessions whose blocks leave every comparison estimated at least once.

    The second blocks on the first of surname, surname + given name, name, phone present in the table whose
    block stays under ``EM_PAIR_CAP`` pairs (on a few hundred common surnames, the surname alone does not).
    """
    rules = []
    if "dob" in cols:
        rules.append(block_on("dob"))
    for columns in (("surname",), ("surname", "given_name"), ("name",), ("phone",)):
        if all(c in cols for c in columns) and _block_pairs(df, columns) <= EM_PAIR_CAP:
            rules.append(block_on(*columns))
            break
    return rules


def run_recordlinkage(df: pd.DataFrame, link: bool) -> dict[str, str]:
    """recordlinkage: union of field-pair blocks, string/exact features, match when the feature sum ≥ 60 % of the features."""
    import recordlinkage

    cols = usable_columns(df)
    frame = df.set_index("uid")
    indexer = recordlinkage.Index()
    person = [c for c in ("given_name", "surname", "name") if c in cols]
    if "given_name" in cols and "surname" in cols:
        indexer.block(["given_name", "surname"])
    for name in person:
        for other in ("dob", "postcode"):
            if other in cols:
                indexer.block([name, other])
    for single in ("id_number", "phone", "email"):
        if single in cols:
            indexer.block(single)
    if "dob" in cols and "postcode" in cols:
        indexer.block(["dob", "postcode"])
    if link:
        left, right = frame[frame.side == "a"], frame[frame.side == "b"]
        pairs = indexer.index(left, right)
    else:
        left = right = frame
        pairs = indexer.index(frame)
    compare = recordlinkage.Compare(n_jobs=1)
    for name in person:
        compare.string(name, name, method="jarowinkler", threshold=0.85, label=name)
    if "dob" in cols:
        compare.string("dob", "dob", method="damerau_levenshtein", threshold=0.85, label="dob")
    if "id_number" in cols:
        compare.string("id_number", "id_number", method="damerau_levenshtein", threshold=0.85, label="id_number")
    for exact in ("phone", "email", "postcode"):
        if exact in cols:
            compare.exact(exact, exact, label=exact)
    if "address" in cols:
        compare.string("address", "address", method="jarowinkler", threshold=0.85, label="address")
    features = compare.compute(pairs, left, right) if link else compare.compute(pairs, frame)
    threshold = 0.6 * features.shape[1]
    matched = features.index[features.sum(axis=1) >= threshold]
    return components(frame.index.astype(str), ((str(a), str(b)) for a, b in matched))


Peer = Callable[[pd.DataFrame, bool], dict[str, str]]


def _timed(run: Peer, df: pd.DataFrame, link: bool) -> tuple[dict[str, str], float, float]:
    started = time.perf_counter()
    clusters = run(df, link)
    seconds = time.perf_counter() - started
    return clusters, seconds, peak_rss_mib() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measured_in_child(run: Peer, df: pd.DataFrame, link: bool) -> tuple[dict[str, str], float, float]:
    """``run(df, link)`` in a fresh interpreter: its clusters, wall seconds and peak RSS in MiB.

    The child imports this module alone (not the benchmark's main module, as a spawned
    multiprocessing worker would), so its peak is the peer's own, table included.
    """
    with tempfile.TemporaryDirectory(prefix="peer-") as tmp:
        given, answer = Path(tmp) / "in.pickle", Path(tmp) / "out.pickle"
        with given.open("wb") as handle:
            pickle.dump((run, df, link), handle)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(_ROOT), os.environ.get("PYTHONPATH"))))}
        subprocess.run([sys.executable, "-c", "import sys; from bench._peers import child_main; child_main(*sys.argv[1:])",
                        str(given), str(answer)], check=True, env=env)
        with answer.open("rb") as handle:
            return pickle.load(handle)


def child_main(given: str, answer: str) -> None:
    with open(given, "rb") as handle:
        run, df, link = pickle.load(handle)
    result = _timed(run, df, link)
    with open(answer, "wb") as handle:
        pickle.dump(result, handle)
