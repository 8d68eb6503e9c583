"""Generate the case; score c360 (and Splink) on it and print what an engineer needs to see."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.telecom_case.hub_run import HubRun, run_hub
from bench.telecom_case.metrics import (
    Scores,
    false_links_by_source_pair,
    impure_clusters,
    missed_by_cause,
    pairwise,
    read_tags,
    read_truth,
    source_pair_recall,
)
from bench.telecom_case.noise import Noise
from bench.telecom_case.silo_files import CaseFiles, write_case
from bench.telecom_case.world import build_world

__all__ = ["generate_case", "ToolResult", "score_case", "report"]


def generate_case(folder: Path, people: int, seed: int, noise: Noise | None = None,
                  clean_formats: bool = False) -> CaseFiles:
    noise = noise or Noise()
    return write_case(build_world(people, seed, noise), folder, seed, noise, clean_formats)


@dataclass(frozen=True)
class ToolResult:
    tool: str
    partition: dict[str, str]
    seconds: float
    peak_rss_mib: float | None


def score_case(folder: Path, database_url: str | None = None, learn: bool = True,
               splink: bool = True, executable: str | None = None, one_command: bool = False) -> tuple[HubRun, list[ToolResult]]:
    hub = run_hub(folder, database_url, learn, executable, one_command)
    results = [ToolResult("c360 (incremental)", hub.incremental, hub.import_seconds,
                          max(i.run.peak_rss_mib for i in hub.imports))]
    if hub.learned is not None and hub.resolve is not None:
        results.append(ToolResult("c360 (resolve --full --learn)", hub.learned, hub.import_seconds + hub.resolve.seconds,
                                  hub.peak_rss_mib))
    truth = read_truth(CaseFiles(folder).truth)
    for r in results:  # the hub's figures before the peer's long run
        s = pairwise(truth, r.partition)
        print(f"{r.tool}: P={s.precision:.4f} R={s.recall:.4f} F1={s.f1:.4f} {r.seconds:.1f} s", flush=True)
    if splink:
        from bench._peers import measured_in_child, run_splink
        from bench.telecom_case.peer_table import peer_table

        started = time.perf_counter()
        table = peer_table(folder)
        prep = time.perf_counter() - started
        partition, seconds, rss = measured_in_child(run_splink, table, False)
        print(f"Splink input prepared in {prep:.1f} s (not counted)", flush=True)
        results.append(ToolResult("Splink (DuckDB)", partition, seconds, rss))
    return hub, results


def _pct(found: int, total: int) -> str:
    return f"{found / total:.4f}" if total else "—"


def report(folder: Path, hub: HubRun, results: list[ToolResult], top: int = 12) -> str:
    files = CaseFiles(folder)
    truth, tags = read_truth(files.truth), read_tags(files.tags)
    lines = ["## Imports", "", "| file | read | written | quarantined | unresolvable | wall time | peak RSS |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for outcome in hub.imports:
        c = outcome.counts
        lines.append(f"| {outcome.source} | {c.get('read', '?'):,} | {c.get('written', '?'):,} | {c.get('quarantined', '?'):,} | "
                     f"{c.get('unresolvable', '?'):,} | {outcome.run.seconds:.1f} s | {outcome.run.peak_rss_mib:.0f} MiB |")
    if hub.resolve:
        lines.append(f"| resolve --full --learn | | | | | {hub.resolve.seconds:.1f} s | {hub.resolve.peak_rss_mib:.0f} MiB |")
    quarantined = [(o.source, reason, n) for o in hub.imports for reason, n in o.reasons.most_common()]
    if quarantined:
        lines += ["", "Quarantined lines by reason:"]
        lines += [f"  {source}: {n:,} × {reason}" for source, reason, n in quarantined]
    lines += ["", "## Scores", "", f"{len(truth):,} records, {len(set(truth.values())):,} entities", "",
              "| tool | precision | recall | F1 | wall time | peak RSS |", "|---|---:|---:|---:|---:|---:|"]
    scores: dict[str, Scores] = {}
    for r in results:
        s = scores[r.tool] = pairwise(truth, r.partition)
        rss = f"{r.peak_rss_mib:.0f} MiB" if r.peak_rss_mib is not None else "—"
        lines.append(f"| {r.tool} | {s.precision:.4f} | {s.recall:.4f} | **{s.f1:.4f}** | {r.seconds:.1f} s | {rss} |")
    lines += ["", "Recall per source pair (true pairs; found by each tool):", "",
              "| source pair | true pairs | " + " | ".join(r.tool for r in results) + " |",
              "|---|---:|" + "---:|" * len(results)]
    per_tool = [source_pair_recall(truth, r.partition) for r in results]
    for pair, (total, _) in per_tool[0].items():
        lines.append(f"| {pair[0]}–{pair[1]} | {total:,} | " + " | ".join(_pct(t[pair][1], total) for t in per_tool) + " |")
    lines += ["", "False links per source pair (pairs of different entities placed together):", "",
              "| source pair | " + " | ".join(r.tool for r in results) + " |", "|---|" + "---:|" * len(results)]
    falses = [false_links_by_source_pair(truth, r.partition) for r in results]
    for pair in sorted({p for f in falses for p in f}):
        lines.append(f"| {pair[0]}–{pair[1]} | " + " | ".join(f"{f.get(pair, 0):,}" for f in falses) + " |")
    for r in results:
        clusters = impure_clusters(truth, r.partition, tags)
        if clusters:
            lines += ["", f"### {r.tool}: largest false-link clusters", ""]
            lines += [f"  {c.size} records of {c.entities} entities, {c.false_pairs:,} false pairs; sources {c.sources}; "
                      f"tags {c.tags}" for c in clusters]
        if not r.tool.startswith("c360"):
            continue
        missed = missed_by_cause(truth, r.partition, tags, hub.listed)
        lines += ["", f"### {r.tool}: top missed pairs by source pair and cause (record tags)", ""]
        lines += [f"  {n:>7,}  {pair[0]}–{pair[1]}  {cause}" for (pair, cause), n in missed.most_common(top)]
        by_source = Counter[tuple[str, str]]()
        for (pair, _), n in missed.items():
            by_source[pair] += n
        lines += ["", "  missed pairs by source pair: " + ", ".join(f"{a}–{b} {n:,}" for (a, b), n in by_source.most_common())]
        tag_totals = Counter[str]()
        for (_, cause), n in missed.items():
            for tag in cause.split("+"):
                tag_totals[tag] += n
        lines += ["  missed pairs touching each cause: " + ", ".join(f"{t} {n:,}" for t, n in tag_totals.most_common(top))]
    return "\n".join(lines)
