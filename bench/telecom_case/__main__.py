"""``python bench/telecom_case generate|score …`` (or ``python -m bench.telecom_case`` from the repository root)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from dataclasses import fields
from pathlib import Path

if __package__ in (None, ""):  # run as a folder: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.telecom_case.case import generate_case, report, score_case  # noqa: E402
from bench.telecom_case.noise import Noise, add_noise_options, noise_from_args  # noqa: E402
from c360.hub.collector import tune_collector  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="telecom_case", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write boss/billing/callcenter/keyaccount.jsonl, truth.csv, tags.csv")
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--people", type=int, default=20_000)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--clean-formats", action="store_true",
                     help="the same records, but ISO birth dates and no zero-length windows (as the import format requires)")
    add_noise_options(gen)
    score = commands.add_parser("score", help="run c360 (and Splink) on a generated case and score them")
    score.add_argument("--dir", type=Path, required=True)
    score.add_argument("--database-url", default=None, help="PostgreSQL server URL (a scratch database is made); default SQLite")
    score.add_argument("--no-learn", action="store_true", help="skip c360 resolve --full --learn")
    score.add_argument("--no-splink", action="store_true")
    score.add_argument("--top", type=int, default=12, help="error categories to list")
    score.add_argument("--c360", default=None, help="the c360 executable to run (default: this environment's)")
    score.add_argument("--one-command", action="store_true", help="import the four files with one c360 import")
    args = parser.parse_args(argv)
    tune_collector()  # the collector as every c360 command sets it (c360/hub/collector.py)

    if args.command == "generate":
        noise = noise_from_args(args)
        started = time.perf_counter()
        files = generate_case(args.out, args.people, args.seed, noise, args.clean_formats)
        lines = {f.stem: sum(1 for _ in f.open(encoding="utf-8")) for f in sorted(files.folder.glob("*.jsonl"))}
        print(f"wrote {sum(lines.values()):,} records in {time.perf_counter() - started:.1f} s to {files.folder}: "
              + ", ".join(f"{k} {v:,}" for k, v in lines.items()))
        changed = {f.name: getattr(noise, f.name) for f in fields(Noise) if getattr(noise, f.name) != f.default}
        if changed:
            print(f"rates changed from the defaults: {changed}")
        return
    hub, results = score_case(args.dir, args.database_url, not args.no_learn, not args.no_splink, args.c360, args.one_command)
    print(report(args.dir, hub, results, args.top))
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {platform.python_version()}, "
          f"database {'PostgreSQL' if args.database_url else 'SQLite'}")


if __name__ == "__main__":
    main()
