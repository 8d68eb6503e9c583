"""Console output shared by the CLI commands: one place for errors and progress bars."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

__all__ = ["console", "err_console", "error_line", "fail", "print_table", "progress_bar"]

console = Console()
err_console = Console(stderr=True)


def error_line(message: str) -> None:
    """Print one error line; the message is text, never markup (``[connectors.NAME]`` must survive)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear error line and exit non-zero, without a traceback."""
    error_line(message)
    raise typer.Exit(code)


def print_table(table: Table) -> None:
    """Print a table without cutting a value short.

    In a narrow terminal long cells wrap inside their column instead of ending in "…"; when the output
    is not a terminal (a pipe, a file, CI) the table gets the width it needs rather than 80 columns.
    """
    for column in table.columns:
        if column.overflow == "ellipsis":
            column.overflow = "fold"
    if console.is_terminal:
        console.print(table)
        return
    needed = Measurement.get(console, console.options.update_width(10_000), table).maximum
    Console(width=max(needed, console.width), file=console.file).print(table)  # print() caps at the console's width


def progress_bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
