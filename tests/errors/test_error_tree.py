"""One error tree: every exception class c360 defines descends from c360.errors.C360Error.

Imports every module under c360 (the ``__main__`` modules run the CLI, so not those) and looks at
every subclass of BaseException they define. A new root (``class Oops(Exception)``) fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import c360
import c360.errors
from c360.errors import C360Error

# Classes that must stay out of the tree, each with why. Empty today; an entry names a class as
# "module.QualName" and must exist (checked below), so the list cannot outlive its classes.
EXEMPT: dict[str, str] = {}


def _subclasses(root: type[BaseException]) -> Iterator[type[BaseException]]:
    for child in root.__subclasses__():
        yield child
        yield from _subclasses(child)


def _c360_exceptions() -> dict[str, type[BaseException]]:
    for found in pkgutil.walk_packages(c360.__path__, "c360."):
        if not found.name.endswith("__main__"):
            importlib.import_module(found.name)
    return {
        f"{cls.__module__}.{cls.__qualname__}": cls
        for cls in _subclasses(BaseException)
        if cls.__module__ == "c360" or cls.__module__.startswith("c360.")
    }


def test_every_exception_class_of_c360_is_in_the_tree() -> None:
    classes = _c360_exceptions()
    assert len(classes) > 40, sorted(classes)  # the walk found the packages, not just c360.errors
    roots = sorted(name for name, cls in classes.items() if not issubclass(cls, C360Error) and name not in EXEMPT)
    assert roots == [], f"exception classes outside c360.errors.C360Error (give each a branch): {roots}"
    assert set(EXEMPT) <= set(classes), f"exempt classes that no longer exist: {sorted(set(EXEMPT) - set(classes))}"


def test_each_branch_says_when_it_is_raised() -> None:
    branches = [cls for cls in vars(c360.errors).values() if isinstance(cls, type) and issubclass(cls, C360Error)]
    assert {cls.__name__ for cls in branches} == set(c360.errors.__all__)
    assert all(cls.__doc__ and cls.__doc__.strip() for cls in branches)
    assert all(cls.__bases__ == (C360Error,) for cls in branches if cls is not C360Error)
