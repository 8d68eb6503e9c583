"""`c360 sync`: run connector streams now (with a progress bar), or `c360 sync status` for run history.

``c360 sync`` runs every enabled stream, ``c360 sync boss`` one connector,
``c360 sync boss.customers`` one stream; ``--full`` re-reads everything
and flags what the silo no longer has as deleted. The word ``status`` is
reserved for the history table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

import typer
from rich.markup import escape
from rich.progress import TaskID
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from c360.app.cli._console import err_console, error_line, fail, print_table, progress_bar
from c360.app.cli.errors import reported
from c360.config import Settings, load_settings
from c360.hub.db import create_db_engine
from c360.hub.db.migrate import ensure_current
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import LandedRecordsHandler

__all__ = ["checked_engine", "load_connectors", "run_with_progress", "sync_command"]


@contextmanager
def checked_engine() -> Iterator[tuple[Settings, Engine]]:
    """Settings and an engine on a reachable, current database; else ConfigError or DatabaseError (one clear line)."""
    settings = load_settings()
    engine = create_db_engine(settings.database_url)
    try:
        ensure_current(engine)
        yield settings, engine
    finally:
        engine.dispose()


def load_connectors(settings: Settings) -> Mapping[str, object]:
    """The enabled, configured connectors; a bad table is one clear line (a ConfigError, or a missing key)."""
    from c360.sync.scheduler import configured_connectors

    try:
        return configured_connectors(settings)
    except KeyError as exc:
        fail(str(exc).strip("'\""))


def _when(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def _status_table(engine: Engine) -> Table:
    from c360.sync.history import SUCCEEDED_WITH_WARNINGS, latest_runs, run_outcome

    table = Table(title="Latest run per stream")
    table.add_column("stream", min_width=12)
    table.add_column("status", no_wrap=True)
    table.add_column("started (UTC)", min_width=10)
    table.add_column("took", justify="right", no_wrap=True)
    table.add_column("read/written/quarantined/deleted", justify="right", min_width=9)
    table.add_column("error")
    with Session(engine) as session:
        runs = latest_runs(session)
    colours = {"succeeded": "green", "failed": "red", "running": "yellow", SUCCEEDED_WITH_WARNINGS: "yellow"}
    for run in runs:
        took = "" if run.finished_at is None else f"{(run.finished_at - run.started_at).total_seconds():.1f} s"
        outcome = run_outcome(run.status, run.records_quarantined)
        shown = "succeeded with warnings" if outcome == SUCCEEDED_WITH_WARNINGS else outcome  # still reads "succeeded…"
        table.add_row(
            f"{run.connector}.{run.stream}" + (" (full)" if run.full else ""),
            f"[{colours.get(outcome, 'white')}]{shown}[/]",
            _when(run.started_at),
            took,
            f"{run.records_read}/{run.records_written}/{run.records_quarantined}/{run.records_deleted}",
            escape(run.error or ""),
        )
    return table


def run_with_progress(
    engine: Engine, connectors: Mapping[str, object], target: str | None, full: bool, handler: LandedRecordsHandler
) -> int:
    """Run the selected streams one after another with a progress bar; returns how many did not succeed.

    A stream that quarantined records succeeded with warnings: it is named on stderr, not counted.
    """
    from c360.connectors.base import Connector
    from c360.sync import AlreadyRunning, run_stream, select_streams

    typed = {name: c for name, c in connectors.items() if isinstance(c, Connector)}
    selected = select_streams(typed, target)
    if not selected:
        fail("no connectors configured; add a [connectors.NAME] table to c360.toml")
    problems = 0
    with progress_bar() as progress:
        for name, stream in selected:
            label = f"{name}.{stream.name}"
            task = progress.add_task(label, total=None)

            def advance(counts: object, task: TaskID = task, label: str = label) -> None:
                read = getattr(counts, "read", 0)
                progress.update(task, completed=read, description=f"{label} ({read} read)")

            try:
                outcome = run_stream(engine, name, stream, full=full, handler=handler, on_page=advance)
            except AlreadyRunning as exc:
                progress.update(task, total=1, completed=0, description=f"{label}: [yellow]already running[/]")
                err_console.print(f"[yellow]skipped:[/] {exc}")
                problems += 1
                continue
            done = outcome.counts
            summary = (f"{done.read} read, {done.written} written, {done.quarantined} quarantined, "
                       f"{done.deleted} deleted")
            progress.update(task, total=max(done.read, 1), completed=max(done.read, 1),
                            description=f"{label}: {summary}")
            if not outcome.ok:
                error_line(f"{label} failed: {outcome.error}")
                problems += 1
            elif done.quarantined:  # landed what it could: a warning, not a failure (the exit code stays 0)
                err_console.print(f"[yellow]{label} succeeded with warnings:[/] {done.quarantined} records quarantined; "
                                  "see `c360 quarantine list`", highlight=False)
    return problems


@reported
def sync_command(
    target: str = typer.Argument(None, metavar="[CONNECTOR[.STREAM] | status]", help="What to sync (default: all)."),
    full: bool = typer.Option(False, "--full", help="Re-read everything; flag records the silo no longer has."),
) -> None:
    """Run streams now, one at a time, with a progress bar; `c360 sync status` shows the run history."""
    with checked_engine() as (settings, engine):
        if target == "status":
            print_table(_status_table(engine))
            return
        connectors = load_connectors(settings)
        try:
            problems = run_with_progress(engine, connectors, target, full, IdentityResolver())
        finally:
            for connector in connectors.values():
                close = getattr(connector, "close", None)
                if close is not None:
                    close()
    if problems:
        raise typer.Exit(1)
