"""Benchmark of the silo simulator: generation time, records/s per silo, peak RSS, output size.

Usage: python bench/simulator.py --size 100000 [--seed 42] [--dir /tmp/c360-bench]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from c360.silos import build  # noqa: E402
from c360.silos.truth import export  # noqa: E402


def _size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", type=Path, default=None, help="output dir (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    out = args.dir or Path(tempfile.mkdtemp(prefix="c360-silos-"))
    if args.dir is not None and out.exists():
        shutil.rmtree(out)
    try:
        t0 = time.perf_counter()
        manifest = build(out, args.size, args.seed)
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        truth_rows = export(out, out / "truth_export.csv")
        export_s = time.perf_counter() - t1
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"size={args.size} seed={args.seed}")
        print(f"generation: {elapsed:.1f} s")
        for silo, kinds in manifest.counts.items():
            n = sum(kinds.values())
            detail = ", ".join(f"{k}={v}" for k, v in kinds.items())
            print(f"  {silo:<11} {n:>10,} records  {n / elapsed:>10,.0f}/s  ({detail})")
        total = manifest.total_records
        print(f"  {'total':<11} {total:>10,} records  {total / elapsed:>10,.0f}/s")
        print(f"truth export: {truth_rows:,} rows in {export_s:.1f} s")
        print(f"peak RSS: {peak_mb:.0f} MiB")
        (out / "truth_export.csv").unlink()
        print(f"output size: {_size_of(out) / 2**20:.0f} MiB")
    finally:
        if args.dir is None:
            shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
