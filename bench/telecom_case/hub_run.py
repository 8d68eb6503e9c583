"""c360 on the case exactly as a user runs it: ``db upgrade``, one ``import`` per silo file, ``resolve --full
--learn``, ``export xref`` — each a process of its own, timed, with its peak resident memory (``VmHWM``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench._memory import peak_rss_mib
from bench._scratch import scratch_database
from bench.telecom_case.metrics import read_xref
from bench.telecom_case.silo_files import SOURCES, CaseFiles

__all__ = ["CommandRun", "ImportOutcome", "HubRun", "run_hub", "c360_executable", "parse_import_output"]

_COUNTS = re.compile(r"read (\d+), written (\d+), unchanged (\d+), quarantined (\d+), unresolvable (\d+)")
_QUARANTINED = re.compile(r"quarantined: line \d+: (.+)")  # one line per quarantined line (the first 20)
_SUMMARY = re.compile(r"^\s*quarantined (\d+): (.+)$", re.MULTILINE)  # or: lines per reason, every reason
_LISTED = re.compile(r"│\s*import\.(\S+)\s*│.*│\s*line \d+: (.+?)\s*│\s*$")


def c360_executable() -> str:
    beside = Path(sys.executable).with_name("c360")
    found = str(beside) if beside.exists() else shutil.which("c360")
    if not found:
        raise SystemExit("c360 is not installed in this environment (pip install -e .)")
    return found


@dataclass(frozen=True)
class CommandRun:
    args: tuple[str, ...]
    seconds: float
    peak_rss_mib: float
    output: str  # standard output and error, in that order
    returncode: int = 0


@dataclass(frozen=True)
class ImportOutcome:
    source: str
    run: CommandRun
    counts: dict[str, int]  # read, written, unchanged, quarantined, unresolvable
    reasons: Counter[str]  # quarantine reason (line number dropped) -> lines, from `c360 quarantine list`


@dataclass
class HubRun:
    imports: list[ImportOutcome] = field(default_factory=list)
    resolve: CommandRun | None = None
    exports: list[CommandRun] = field(default_factory=list)
    incremental: dict[str, str] = field(default_factory=dict)  # record -> golden id after the imports
    learned: dict[str, str] | None = None  # after resolve --full --learn
    listed: set[str] = field(default_factory=set)  # every record the export lists (landed)

    @property
    def import_seconds(self) -> float:
        return sum(i.run.seconds for i in self.imports)

    @property
    def peak_rss_mib(self) -> float:
        runs = [i.run for i in self.imports] + ([self.resolve] if self.resolve else []) + self.exports
        return max(r.peak_rss_mib for r in runs)


@dataclass(frozen=True)
class _Cli:
    """The ``c360`` executable, run with one environment in one scratch folder."""

    executable: str
    env: dict[str, str]
    cwd: Path

    def __call__(self, args: list[str], extra_env: dict[str, str] | None = None, may_fail: bool = False) -> CommandRun:
        """One c360 command in its own process; fails loudly when it does, unless ``may_fail``."""
        out_path, err_path = self.cwd / "stdout.txt", self.cwd / "stderr.txt"
        peak = 0.0
        with out_path.open("wb") as out, err_path.open("wb") as err:
            started = time.perf_counter()
            process = subprocess.Popen([self.executable, *args], stdout=out, stderr=err,
                                       env={**self.env, **(extra_env or {})}, cwd=self.cwd)
            while True:  # the high-water mark only grows: the last reading before exit is the peak, 20 ms late at most
                peak = max(peak, peak_rss_mib(process.pid) or 0.0)
                try:
                    process.wait(timeout=0.02)
                    break
                except subprocess.TimeoutExpired:
                    continue
            seconds = time.perf_counter() - started
        output = out_path.read_text(encoding="utf-8", errors="replace") + err_path.read_text(encoding="utf-8", errors="replace")
        if process.returncode != 0 and not may_fail:
            raise SystemExit(f"c360 {' '.join(args[:2])} exited {process.returncode}:\n{output[-3000:]}")
        return CommandRun(tuple(args), seconds, peak, output, process.returncode)


def _import(files: CaseFiles, source: str, cli: _Cli) -> ImportOutcome:
    # An import whose every line was quarantined exits non-zero: that is a result here, not a crash.
    run = cli(["import", str(files.silo(source)), "--source", source], may_fail=True)
    return _outcome(source, run)


def _import_all(files: CaseFiles, cli: _Cli) -> ImportOutcome:
    """The four files in one ``c360 import`` (each line names its source): one process, one resolver."""
    run = cli(["import", *(str(files.silo(source)) for source in SOURCES)], may_fail=True)
    return _outcome("+".join(SOURCES), run)


def _outcome(source: str, run: CommandRun) -> ImportOutcome:
    counts, reasons = parse_import_output(run.output)
    if run.returncode and not counts:
        raise SystemExit(f"c360 import {source} exited {run.returncode}:\n{run.output[-3000:]}")
    return ImportOutcome(source, run, counts, reasons)


def parse_import_output(output: str) -> tuple[dict[str, int], Counter[str]]:
    """The closing counts of ``c360 import`` (the sum, printed last, when it imported several files) and the
    quarantine reasons it printed (lines per reason when it sums them up, else one per quarantined line it listed)."""
    matches = list(_COUNTS.finditer(output))
    found = matches[-1] if matches else None
    names = ("read", "written", "unchanged", "quarantined", "unresolvable")
    counts = dict(zip(names, map(int, found.groups()), strict=True)) if found else {}
    summary = Counter({reason.strip(): int(n) for n, reason in _SUMMARY.findall(output)})
    return counts, summary or Counter(m.strip() for m in _QUARANTINED.findall(output))


def _quarantine_reasons(imports: list[ImportOutcome], cli: _Cli) -> None:
    """Every quarantined line's reason: the import prints the first few, ``c360 quarantine list`` has them all."""
    total = sum(i.counts.get("quarantined", 0) for i in imports)
    if all(sum(i.reasons.values()) == i.counts.get("quarantined", 0) for i in imports):
        return  # the imports already said it all
    listing = cli(["quarantine", "list", "--limit", str(total)], {"COLUMNS": "1000"})
    by_source = {i.source: i for i in imports}
    listed: dict[str, Counter[str]] = {}
    for line in listing.output.splitlines():
        found = _LISTED.search(line)
        if found and found[1] in by_source:
            listed.setdefault(found[1], Counter())[found[2]] += 1
    for source, reasons in listed.items():
        by_source[source].reasons.clear()
        by_source[source].reasons.update(reasons)


def _export(cli: _Cli, name: str, hub: HubRun) -> dict[str, str]:
    path = cli.cwd / name
    hub.exports.append(cli(["export", "xref", "--out", str(path)]))
    placed, listed = read_xref(path)
    hub.listed = listed
    return placed


def run_hub(
    folder: Path, database_url: str | None = None, learn: bool = True, executable: str | None = None, one_command: bool = False,
) -> HubRun:
    """Import the four files into a fresh scratch database and export the cross-reference (before and after learning).

    ``executable``: another build's ``c360`` (a baseline's venv), for before/after runs on the same files.
    ``one_command``: the four files given to one ``c360 import`` instead of one command each.
    """
    files = CaseFiles(folder)
    hub = HubRun()
    with tempfile.TemporaryDirectory(prefix="telecom-case-") as tmp, \
            scratch_database(database_url, prefix="telecom") as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("C360_")}
        env["C360_DATABASE_URL"] = url
        # no c360.toml in the scratch folder: the run sees only this environment
        cli = _Cli(executable or c360_executable(), env, Path(tmp))
        cli(["db", "upgrade"])
        if one_command:
            hub.imports.append(_import_all(files, cli))
        else:
            for source in SOURCES:
                hub.imports.append(_import(files, source, cli))
        _quarantine_reasons(hub.imports, cli)
        hub.incremental = _export(cli, "xref-incremental.csv", hub)
        if learn:
            hub.resolve = cli(["resolve", "--full", "--learn", "--actor", "telecom-case"])
            hub.learned = _export(cli, "xref-learned.csv", hub)
    return hub
