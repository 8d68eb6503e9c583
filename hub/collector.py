"""The garbage collector's thresholds for c360's long-running processes.

A sync keeps a large, long-lived working set (the resolver's resident profiles and
key holders, the normalizers' caches: over a million objects at 100k customers) and
allocates briskly around it. With CPython's default thresholds (700, 10, 10) the
collector examined that working set again and again: at 100k customers its passes
took about a fifth of the identity hook's CPU (``bench/identity_quality.py``,
measured with ``gc.callbacks``). Collecting the youngest generation every 10,000
net allocations instead of 700 makes the full passes about five times rarer. Reference
counting still frees everything acyclic at once; only cyclic garbage waits longer.
"""

from __future__ import annotations

import gc

__all__ = ["LONG_RUNNING_THRESHOLDS", "tune_collector"]

LONG_RUNNING_THRESHOLDS = (10_000, 10, 10)


def tune_collector() -> None:
    """Set the thresholds for a long-running c360 process (the CLI does, for every command)."""
    gc.set_threshold(*LONG_RUNNING_THRESHOLDS)
