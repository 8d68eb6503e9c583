"""The one place where the `c360` command turns an expected error into one line and an exit code.

Every command is decorated with :func:`reported` (``tests/errors/test_error_mappings.py`` checks that none
is missed): a :class:`c360.errors.C360Error` that leaves the command, whatever its branch, is printed
as ``error: <message>`` on stderr, without a traceback, and the process exits with
:data:`FIX_AND_RETRY`. Anything else is a bug and keeps its traceback. Exit code 1 stays for a
command's own negative verdict: a sync run that failed, a connector check that did not pass, a
declined confirmation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

from c360.app.cli._console import fail
from c360.errors import C360Error

__all__ = ["FIX_AND_RETRY", "report", "reported"]

P = ParamSpec("P")
R = TypeVar("R")

# The command could not do its job; the message says what the operator must change (a setting, an id,
# the database) before running it again. The code of a usage error, which is what these are.
FIX_AND_RETRY = 2


def report(error: C360Error) -> NoReturn:
    """Print ``error`` as one clear line and exit with :data:`FIX_AND_RETRY`."""
    fail(str(error), code=FIX_AND_RETRY)


def reported(command: Callable[P, R]) -> Callable[P, R]:
    """``command`` with any :class:`C360Error` it raises reported by :func:`report`.

    The signature is kept (``functools.wraps``): Typer reads the options from it.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except C360Error as error:
            report(error)

    run.reports_errors = True  # type: ignore[attr-defined]  # what the CLI test looks for
    return run
