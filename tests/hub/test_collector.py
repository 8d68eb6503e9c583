"""The working-set freezer: frozen as the set grows by steps, unfrozen when it is dropped."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from c360.hub.collector import WorkingSetFreezer
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.ingest import NoResolution
from tests.helpers.identity import land, party


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def _tracked(obj: object) -> bool:
    """Among the objects the collector's passes examine (frozen ones are not)."""
    return any(o is obj for o in gc.get_objects())


def test_freezes_at_the_floor_and_then_at_each_growth_step() -> None:
    freezer = WorkingSetFreezer(floor=100, growth=0.5)
    held = [[i] for i in range(10)]
    freezer.grown(99)
    assert _tracked(held) and not freezer.froze
    freezer.grown(100)
    assert not _tracked(held) and freezer.froze
    later = [[1]]
    freezer.grown(149)  # less than half again as large: no freeze
    assert _tracked(later)
    freezer.grown(150)
    assert not _tracked(later)


def test_emptying_unfreezes_only_what_it_froze() -> None:
    startup = [[1]]
    gc.freeze()  # someone else's freeze (the CLI's, the API server's)
    idle = WorkingSetFreezer(floor=100)
    idle.emptied()
    assert not _tracked(startup)  # a freezer that never froze leaves it alone

    freezer = WorkingSetFreezer(floor=100)
    freezer.grown(100)
    freezer.emptied()
    assert _tracked(startup) and not freezer.froze
    held = [[2]]
    freezer.grown(120)  # back to the floor's step after emptying: 120 reaches it again
    assert not _tracked(held)


def test_the_resident_state_freezes_as_it_grows_and_unfreezes_when_emptied(engine: Engine) -> None:
    resolver = IdentityResolver()
    resolver.resident._freezer = WorkingSetFreezer(floor=3)
    land(engine, [party("boss", f"P{i}", name=f"张伟{i}", birth_date="1980-01-01") for i in range(2)], resolver)
    assert not resolver.resident._freezer.froze
    land(engine, [party("boss", "P2", name="李娜", birth_date="1980-01-01")], resolver)
    assert resolver.resident._freezer.froze  # three profiles held after this page
    land(engine, [party("boss", "Q", name="王芳")], NoResolution())  # another writer: the state is dropped
    land(engine, [party("boss", "P3", name="赵六")], resolver)
    assert not resolver.resident._freezer.froze
