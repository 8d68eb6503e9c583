#!/usr/bin/env python3
"""Score c360's identity resolution on the households case (an independent telecom case: a Guangdong
operator's households) against the generator's truth.

    python bench/households_case/score.py --dir /tmp/households [--database-url URL] [--work DIR]

Runs, in a fresh scratch directory: c360 db upgrade; one c360 import of all silo files (timed);
c360 export xref --out xref.csv. Then pairwise precision / recall / F1 of the clustering and the top
error categories (false-negative and false-positive pairs by source pair, by tag and by tag combination),
with examples. Prints a report and, at the end, a JSON summary (also written to summary.json there).

With no --database-url the tool's default (SQLite in the working directory) is used and any
C360_DATABASE_URL in the environment is removed; with one, C360_DATABASE_URL is set (the database
must be empty or new). The c360 executable defaults to the one installed next to the running
Python (the virtualenv's bin directory), else the first c360 on PATH; --c360 overrides it.
"""
import argparse
import collections
import csv
import datetime as dt
import io
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

PAIR_CAP = 200_000     # pairs enumerated per cluster before sampling

Key = tuple[str, str]   # (source, source_key) of one record
Pair = tuple[Key, Key]


def default_c360() -> str:
    """The c360 script of the running virtualenv, so that the scorer tests the checkout it runs from."""
    script = Path(sys.executable).parent / "c360"
    if script.is_file():
        return str(script)
    return shutil.which("c360") or "c360"


def c2(n: int) -> int:
    """Number of unordered pairs among n records."""
    return n * (n - 1) // 2


def run(cmd: list[str], cwd: str, env: dict[str, str],
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a c360 command, captured; with check, echo the tail of its output when it fails."""
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.stderr.write(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-3000:]}\n"
                         f"{p.stderr[-3000:]}\n")
    return p


def load_lines(d: str, manifest: dict[str, Any]) -> dict[Key, tuple[str, str]]:
    """(source, key) -> (file:line, text), to show error examples as the silo wrote them."""
    out: dict[Key, tuple[str, str]] = {}
    for f in manifest["files"]:
        path = os.path.join(d, f["file"])
        if f["format"] == "jsonl":
            with open(path, encoding="utf-8-sig") as fh:
                for i, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    o = json.loads(line)
                    out[(f["source"], str(o[f["key"]]))] = (f"{f['file']}:{i}", line.rstrip("\n"))
        else:
            with open(path, "rb") as fb:
                raw = fb.read().decode(f.get("encoding", "utf-8"))
            text_lines = raw.splitlines()
            rd = csv.reader(io.StringIO(raw, newline=""))
            header = next(rd)
            k = header.index(f["key"])
            for row in rd:
                ln = rd.line_num
                if not row:
                    continue
                out[(f["source"], row[k])] = (f"{f['file']}:{ln}", text_lines[ln - 1])
    return out


def parse_import_output(stdout: str, stderr: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per-file/total counts and quarantine reasons from c360 import's output, for the summary."""
    counts: list[dict[str, Any]] = []
    for line in (stdout + "\n" + stderr).splitlines():
        m = re.search(r"read (\d+), written (\d+), unchanged (\d+), quarantined (\d+), unresolvable (\d+)",
                      line)
        if m:
            counts.append(dict(zip(["read", "written", "unchanged", "quarantined", "unresolvable"],
                                   map(int, m.groups()), strict=True), line=line.strip()))
    quarantine = []
    for line in stderr.splitlines():
        m = re.match(r"\s*quarantined (\d+): (.*)", line)
        if m:
            quarantine.append({"count": int(m.group(1)), "reason": m.group(2)})
    return counts, quarantine


class Tally:
    """Per category: positives (true pairs or predicted pairs) and errors, plus examples."""

    def __init__(self, n_ex: int, seed: int) -> None:
        self.total: collections.Counter[str] = collections.Counter()
        self.err: collections.Counter[str] = collections.Counter()
        self.ex: collections.defaultdict[str, list[Any]] = collections.defaultdict(list)
        self.seen: collections.Counter[str] = collections.Counter()
        self.n_ex = n_ex
        self.rng = random.Random(seed)

    def add(self, cats: list[str], is_err: bool, weight: float, example: Any) -> None:
        """Count a pair (weight > 1 when sampled) in each category; keep a reservoir sample of errors."""
        for c in cats:
            self.total[c] += weight
            if is_err:
                self.err[c] += weight
                # reservoir sample of examples
                self.seen[c] += 1
                lst = self.ex[c]
                if len(lst) < self.n_ex:
                    lst.append(example)
                else:
                    j = self.rng.randrange(self.seen[c])
                    if j < self.n_ex:
                        lst[j] = example

    def top(self, k: int) -> list[dict[str, Any]]:
        """The k categories with most errors, with rates and examples."""
        rows = []
        for c, e in self.err.most_common(k):
            rows.append({"category": c, "errors": round(e), "pairs_in_category": round(self.total[c]),
                         "error_rate": round(e / self.total[c], 4) if self.total[c] else None,
                         "examples": self.ex[c]})
        return rows


def categories(a: Key, b: Key, src: dict[Key, str],
               tags: dict[Key, tuple[str, ...]]) -> tuple[str, list[str], str]:
    """A pair's error categories: its source pair, each noise tag of either record, the tag combination."""
    sa, sb = src[a], src[b]
    sp = "source:" + "~".join(sorted([sa, sb]))
    ta, tb = tags.get(a, ()), tags.get(b, ())
    union = sorted(set(ta) | set(tb))
    by_tag = ["tag:" + t for t in union] or ["tag:(none: both records clean)"]
    (s1, t1), (s2, t2) = sorted([(sa, "|".join(sorted(ta)) or "-"), (sb, "|".join(sorted(tb)) or "-")])
    combo = f"combo:{s1}[{t1}] ~ {s2}[{t2}]"
    return sp, by_tag, combo


def main() -> None:
    """Import the case with c360, export the cross-reference and report pairwise quality against truth."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--database-url")
    ap.add_argument("--work", help="scratch directory (default: DIR/../score_<time>)")
    ap.add_argument("--c360", default=default_c360(),
                    help="c360 executable (default: next to this Python, else on PATH)")
    ap.add_argument("--examples", type=int, default=3)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--skip-import", action="store_true", help="reuse xref.csv already in --work")
    a = ap.parse_args()
    d = os.path.abspath(a.dir)
    with open(os.path.join(d, "manifest.json"), encoding="utf-8") as mf:
        manifest = json.load(mf)
    work = os.path.abspath(a.work or os.path.join(os.path.dirname(d),
                                                  "score_" + dt.datetime.now().strftime("%Y%m%d_%H%M%S")))
    env = dict(os.environ)
    env.pop("C360_DATABASE_URL", None)
    if a.database_url:
        env["C360_DATABASE_URL"] = a.database_url
    files = [os.path.join(d, f["file"]) for f in manifest["files"]]
    summary = {"dir": d, "work": work, "database": a.database_url or "sqlite (tool default, in work dir)"}

    if not a.skip_import:
        if os.path.exists(work) and os.listdir(work):
            sys.exit(f"scratch directory {work} is not empty")
        os.makedirs(work, exist_ok=True)
        p = run([a.c360, "db", "upgrade"], work, env)
        if p.returncode:
            sys.exit(1)
        t0 = time.perf_counter()
        p = run([a.c360, "import"] + files, work, env, check=False)
        wall = time.perf_counter() - t0
        with open(os.path.join(work, "import.stdout"), "w") as fo:
            fo.write(p.stdout)
        with open(os.path.join(work, "import.stderr"), "w") as fo:
            fo.write(p.stderr)
        counts, quarantine = parse_import_output(p.stdout, p.stderr)
        summary["import"] = {"wall_seconds": round(wall, 2), "exit_code": p.returncode,
                             "per_file_and_total": counts, "quarantine_reasons": quarantine}
        print(f"import: {wall:.1f} s, exit {p.returncode}")
        for count in counts:
            print("  " + count["line"])
        for q in quarantine:
            print(f"  quarantined {q['count']}: {q['reason']}")
        if p.returncode:
            print(p.stderr[-2000:])
        p = run([a.c360, "export", "xref", "--out", "xref.csv"], work, env)
        if p.returncode:
            sys.exit(1)

    # ------------------------------------------------------------------ load
    truth: dict[Key, str] = {}
    src: dict[Key, str] = {}
    tags: dict[Key, tuple[str, ...]] = {}
    with open(os.path.join(d, "truth.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            k = (r["source"], r["source_key"])
            truth[k] = r["entity_id"]
            src[k] = r["source"]
    with open(os.path.join(d, "tags.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            tags[(r["source"], r["source_key"])] = tuple(t for t in r["tags"].split("|") if t)
    golden: dict[Key, str] = {}
    extra_xref = 0
    with open(os.path.join(work, "xref.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            k = (r["source"], r["source_key"])
            if k not in truth:
                extra_xref += 1
                continue
            golden[k] = r["golden_id"]
    missing = blank = 0
    for k in truth:
        if k not in golden:
            missing += 1
            golden[k] = f"__missing__{k[0]}:{k[1]}"
        elif not golden[k]:
            blank += 1
            golden[k] = f"__blank__{k[0]}:{k[1]}"
    lines = load_lines(d, manifest)

    # ------------------------------------------------------------------ pairwise metrics
    by_g: collections.defaultdict[str, list[Key]] = collections.defaultdict(list)
    by_e: collections.defaultdict[str, list[Key]] = collections.defaultdict(list)
    for k in truth:
        by_g[golden[k]].append(k)
        by_e[truth[k]].append(k)
    cell = collections.Counter((golden[k], truth[k]) for k in truth)
    tp = sum(c2(n) for n in cell.values())
    pred = sum(c2(len(v)) for v in by_g.values())
    true = sum(c2(len(v)) for v in by_e.values())
    prec = tp / pred if pred else 1.0
    rec = tp / true if true else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    summary.update({
        "records": len(truth), "entities": len(by_e), "golden_customers": len(by_g),
        "records_missing_from_xref": missing, "records_blank_golden": blank,
        "xref_rows_not_in_truth": extra_xref,
        "pairs": {"true": true, "predicted": pred, "true_positive": tp, "false_negative": true - tp,
                  "false_positive": pred - tp},
        "precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
    })
    # cluster purity figures
    summary["largest_golden_cluster"] = max(len(v) for v in by_g.values())
    summary["entities_split"] = sum(1 for ks in by_e.values() if len({golden[k] for k in ks}) > 1)
    summary["goldens_mixed"] = sum(1 for ks in by_g.values() if len({truth[k] for k in ks}) > 1)

    def example(x: Key, y: Key) -> list[dict[str, str]]:
        """Both records of an error pair as the silos wrote them, with their truth and golden ids."""
        def one(k: Key) -> dict[str, str]:
            loc, text = lines.get(k, ("?", "?"))
            return {"entity": truth[k], "golden": golden[k][:36], "at": loc,
                    "tags": "|".join(tags.get(k, ())), "line": text if len(text) <= 400 else text[:400] + "…"}
        return [one(x), one(y)]

    fn = {"source": Tally(a.examples, 1), "tag": Tally(a.examples, 2), "combo": Tally(a.examples, 3)}
    fp = {"source": Tally(a.examples, 4), "tag": Tally(a.examples, 5), "combo": Tally(a.examples, 6)}

    def tally(t: dict[str, Tally], pairs: Iterable[Pair], is_err_fn: Callable[[Key, Key], bool],
              weight: float) -> None:
        """Count pairs in the source, tag and combination tallies of one side (fn or fp)."""
        for x, y in pairs:
            sp, bt, combo = categories(x, y, src, tags)
            err = is_err_fn(x, y)
            ex = example(x, y) if err else None
            t["source"].add([sp], err, weight, ex)
            t["tag"].add(bt, err, weight, ex)
            t["combo"].add([combo], err, weight, ex)

    rng = random.Random(7)
    # recall side: every true pair (entities are small)
    for ks in by_e.values():
        if len(ks) > 1:
            ks = sorted(ks)
            tally(fn, itertools.combinations(ks, 2), lambda x, y: golden[x] != golden[y], 1)
    # precision side: every predicted pair, sampled in huge clusters
    estimated = False
    for ks in by_g.values():
        n = len(ks)
        if n < 2:
            continue
        ks = sorted(ks)
        if c2(n) <= PAIR_CAP:
            tally(fp, itertools.combinations(ks, 2), lambda x, y: truth[x] != truth[y], 1)
        else:
            estimated = True
            w = c2(n) / PAIR_CAP

            def sample(n: int, ks: list[Key]) -> Iterator[Pair]:
                """PAIR_CAP random pairs of the cluster (each weighs w)."""
                for _ in range(PAIR_CAP):
                    i, j = rng.sample(range(n), 2)
                    yield ks[i], ks[j]
            tally(fp, sample(n, ks), lambda x, y: truth[x] != truth[y], w)
    summary["fp_counts_estimated_by_sampling"] = estimated

    # per source pair precision / recall
    sp_rows = []
    for c in sorted(set(fn["source"].total) | set(fp["source"].total)):
        t_true, t_fn = fn["source"].total[c], fn["source"].err[c]
        t_pred, t_fp = fp["source"].total[c], fp["source"].err[c]
        sp_rows.append({"source_pair": c[7:], "true_pairs": t_true, "fn": t_fn, "recall":
                        round(1 - t_fn / t_true, 4) if t_true else None, "predicted_pairs": round(t_pred),
                        "fp": round(t_fp), "precision": round(1 - t_fp / t_pred, 4) if t_pred else None})
    summary["by_source_pair"] = sp_rows
    summary["false_negatives"] = {"by_source_pair": fn["source"].top(a.top), "by_tag": fn["tag"].top(a.top),
                                  "by_tag_combo": fn["combo"].top(a.top)}
    summary["false_positives"] = {"by_source_pair": fp["source"].top(a.top), "by_tag": fp["tag"].top(a.top),
                                  "by_tag_combo": fp["combo"].top(a.top)}

    # ------------------------------------------------------------------ report
    print(f"\nrecords {len(truth)}, entities {len(by_e)}, golden customers {len(by_g)} "
          f"(missing from xref {missing}, blank golden {blank})")
    print(f"pairs: true {true}, predicted {pred}, TP {tp}, FN {true - tp}, FP {pred - tp}")
    print(f"precision {prec:.4f}  recall {rec:.4f}  F1 {f1:.4f}")
    print("\nper source pair:")
    for r in sp_rows:
        print(f"  {r['source_pair']:<24} true {r['true_pairs']:7d} fn {r['fn']:6d} recall {r['recall']} | "
              f"pred {r['predicted_pairs']:7d} fp {r['fp']:6d} precision {r['precision']}")
    for title, t in (("FALSE NEGATIVES (same entity, different golden id)", fn),
                     ("FALSE POSITIVES (different entities, same golden id)", fp)):
        print("\n==== " + title)
        for dim in ("source", "tag", "combo"):
            print(f"-- by {dim}")
            for row in t[dim].top(a.top):
                print(f"  {row['errors']:7d} of {row['pairs_in_category']:7d} "
                      f"({100 * (row['error_rate'] or 0):.1f}%)  {row['category']}")
                if dim != "combo":
                    for ex in row["examples"]:
                        for side in ex:
                            print(f"        {side['entity']} {side['golden'][:12]} {side['at']} "
                                  f"[{side['tags']}] {side['line'][:260]}")
                        print("        --")
    with open(os.path.join(work, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    print("\nSUMMARY_JSON")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
