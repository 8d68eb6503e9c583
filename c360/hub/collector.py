"""The garbage collector's settings for c360's long-running processes.

A sync keeps a large, long-lived working set (the resolver's resident profiles and
key holders, the normalizers' caches: over a million objects at 100k customers) and
allocates briskly around it. With CPython's default thresholds (700, 10, 10) the
collector examined that working set again and again: at 100k customers its passes
took about a fifth of the identity hook's CPU (``bench/identity_quality.py``,
measured with ``gc.callbacks``). Collecting the youngest generation every 10,000
net allocations instead of 700 makes the full passes about five times rarer. Reference
counting still frees everything acyclic at once; only cyclic garbage waits longer.

What exists when a command starts (modules, the schema, the normalizers' dictionaries:
pypinyin's alone is about 340,000 objects) lives as long as the process, so it is moved to
the collector's permanent generation (``gc.freeze``) and no full pass examines it again. The
API server does the same at startup (``c360.app.factory``).

A working set that grows while the process runs (the resolver's resident state) is frozen
the same way each time it has grown by half (``WorkingSetFreezer``): every object in it is
then examined by about one full pass, instead of one for every quarter the heap grows.
"""

from __future__ import annotations

import gc

__all__ = ["LONG_RUNNING_THRESHOLDS", "WorkingSetFreezer", "tune_collector"]

LONG_RUNNING_THRESHOLDS = (10_000, 10, 10)


def tune_collector() -> None:
    """Set the thresholds for a long-running c360 process and freeze what exists now (the CLI does, for every command).

    Call it once everything is imported: whatever is alive then is frozen. No collection runs
    first: importing leaves next to no cyclic garbage, and a full pass would delay every command.
    """
    gc.set_threshold(*LONG_RUNNING_THRESHOLDS)
    gc.freeze()


class WorkingSetFreezer:
    """Freezes the collector's heap each time a long-lived working set has grown by ``growth`` since it last did.

    At 100k customers the resolver's resident state is over a million objects that live from
    page to page, and the full passes that examined them again took 1.3 s each. Freezing keeps
    them out of later passes; objects that die after a freeze are still freed by reference
    counting, and ``emptied`` unfreezes, so cycles that died frozen (at most a page's worth
    per freeze: a handful of freezes per fill) are collected again. Below ``floor`` items
    (a steward's one-off resolver, a small incremental sync) it never freezes.
    """

    def __init__(self, floor: int = 20_000, growth: float = 0.5) -> None:
        self.floor, self.growth = floor, growth
        self._next = floor
        self.froze = False  # this freezer froze the heap since it was last emptied

    def grown(self, size: int) -> None:
        """The working set now holds ``size`` items: freeze once it reached the next step."""
        if size < self._next:
            return
        gc.collect(1)  # young cyclic garbage is collected, not frozen
        gc.freeze()
        self.froze = True
        self._next = int(size * (1 + self.growth))

    def emptied(self) -> None:
        """The working set was dropped: unfreeze (only if this freezer froze) and start again from ``floor``."""
        if self.froze:
            gc.unfreeze()
            self.froze = False
        self._next = self.floor
