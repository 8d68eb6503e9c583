"""`c360 import FILE`, `c360 export xref`, `c360 review`: generic files in and out, and the review queue.

``import_command`` loads party files: JSON lines, one JSON array or CSV / TSV tables (``docs/import-format.md``),
``export_app`` holds ``xref`` (CSV ``source,source_key,golden_id``), and
``review_command`` lists the uncertain pairs a steward should look at.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from c360.app.cli._console import console, err_console, fail, print_table, progress_bar
from c360.app.cli.errors import reported
from c360.app.cli.sync_cmd import checked_engine

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from c360.hub.transfer.party_jsonl import ImportReport

__all__ = ["import_command", "export_app", "review_command"]

export_app = typer.Typer(help="Export hub data as files.", no_args_is_help=True)


@reported
def import_command(
    files: list[Path] = typer.Argument(
        ..., help="JSON-lines files (one party a line), one JSON array of parties, or CSV / TSV tables with a header row (.csv, .tsv); see docs/import-format.md."
    ),
    source: str = typer.Option(
        None, "--source", help="Source name for every line (overrides the lines' own)."
    ),
    kind: str = typer.Option(
        None, "--kind", help="person or organization: the kind of lines that give none (their own kind wins)."
    ),
    page_size: int = typer.Option(2000, "--page-size", min=1, max=20000, help="Lines per transaction."),
) -> None:
    """Import parties from JSON-lines files, JSON arrays or CSV / TSV tables; bad lines go to quarantine and the import goes on.

    Several files are imported one after another in one process, with one resolver: its records and
    keys stay in memory from one file to the next instead of being read back by a new process.
    """
    from c360.hub.identity.resolver import IdentityResolver
    from c360.hub.transfer import ImportReport, count_rows, import_parties

    for file in files:
        if not file.is_file():
            fail(f"no such file: {file}")
    reports: list[tuple[Path, ImportReport]] = []
    with checked_engine() as (_, engine):
        resolver = IdentityResolver()
        with progress_bar() as progress:
            for file in files:
                task = progress.add_task(f"import {file.name}", total=count_rows(file))
                try:
                    reports.append((file, import_parties(
                        engine, file, source=source, kind=kind, page_size=page_size, handler=resolver,
                        on_progress=partial(_advance, progress, task),
                    )))
                except ValueError as exc:
                    fail(str(exc))
                except OSError as exc:
                    done = f"; imported before it: {', '.join(f.name for f, _ in reports)}" if reports else ""
                    fail(f"cannot read {file} ({exc.strerror}){done}")
    total = ImportReport()
    for file, report in reports:
        if len(reports) > 1:
            console.print(f"{file.name}: {_counts(report)}", highlight=False, markup=False, soft_wrap=True)
        total.add(report)
    console.print(_counts(total), highlight=False, soft_wrap=True)  # one line whatever the width: scripts read it
    for reason, count in total.by_reason.most_common():
        err_console.print(f"  quarantined {count}: {reason}", highlight=False, markup=False)
    named = len(reports) > 1  # a line number says which line only with its file's name
    examples = [f"{file.name} {reason}" if named else reason for file, report in reports for reason in report.reasons]
    for reason in examples[:5]:
        err_console.print(f"  e.g. {reason}", highlight=False, markup=False)
    if total.quarantined:
        err_console.print("  every quarantined line: c360 quarantine list", highlight=False, markup=False)
    emptied = [file.name for file, report in reports if report.all_quarantined]
    if emptied:
        fail(f"every line of {', '.join(emptied)} was quarantined: nothing was imported from it")


def _advance(progress: Progress, task: TaskID, report: ImportReport) -> None:
    progress.update(task, completed=report.read)


def _counts(report: ImportReport) -> str:
    return (
        f"read {report.read}, written {report.written}, unchanged {report.unchanged}, "
        f"quarantined {report.quarantined}, unresolvable {report.unresolvable}"
    )


@export_app.command("xref")
@reported
def export_xref_command(
    out: Path = typer.Option(None, "--out", help="Write the CSV here (default: standard output)."),
    include_deleted: bool = typer.Option(
        False, "--include-deleted", help="Also list records deleted in their silo."
    ),
) -> None:
    """CSV source,source_key,golden_id for every party source record (golden id blank when unresolved)."""
    from c360.hub.transfer.xref_export import export_xref

    with checked_engine() as (_, engine):
        if out is None:
            rows = export_xref(engine, sys.stdout, include_deleted=include_deleted)
            sys.stdout.flush()
        else:
            directory = out.resolve().parent
            if not directory.is_dir():
                fail(f"no such directory: {directory}")
            # Written beside the target and renamed: a reader never sees half a file.
            handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=directory,
                                                 prefix=f".{out.name}.", suffix=".part", delete=False)
            try:
                with handle:
                    rows = export_xref(engine, handle, include_deleted=include_deleted)
                os.replace(handle.name, out)
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
    where = f" to {out}" if out is not None else ""
    err_console.print(f"exported {rows} record(s){where}", highlight=False)


@reported
def review_command(
    limit: int = typer.Option(100, "--limit", min=1, help="Show at most this many pairs, strongest first."),
    include_same: bool = typer.Option(
        False, "--include-same", help="Also list pairs already in one customer."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line instead of a table."),
) -> None:
    """Uncertain pairs (score in the review band) for a steward: record ids, golden ids, score, reasons."""
    from c360.hub.identity.review import review_pairs

    with checked_engine() as (_, engine), Session(engine) as session, session.begin():  # keeps the scored pairs
        pairs = review_pairs(session, include_same_customer=include_same, limit=limit)
    if as_json:
        for pair in pairs:
            typer.echo(json.dumps(pair.as_dict(), ensure_ascii=False))
        return
    if not pairs:
        console.print("nothing to review")
        return
    table = Table(title="Pairs to review")
    for column in ("left", "right", "left golden", "right golden", "score", "top reasons"):
        table.add_column(column)
    for pair in pairs:
        reasons = ", ".join(f"{r.field} {r.outcome} {r.weight:+.1f}" for r in pair.reasons)
        table.add_row(str(pair.left_record_id), str(pair.right_record_id), pair.left_golden_id or "-",
                      pair.right_golden_id or "-", f"{pair.score:.2f}", reasons)
    print_table(table)
    console.print(
        "decide with: c360 steward merge LEFT RIGHT --actor NAME"
        "  |  c360 steward never-merge LEFT RIGHT --actor NAME",
        highlight=False, markup=False,
    )
