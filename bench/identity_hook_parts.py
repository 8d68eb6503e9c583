"""Where the identity hook's time goes: thread CPU per part of ``IdentityResolver.records_landed``.

    python bench/identity_hook_parts.py                  # the simulator at 100k customers, SQLite
    python bench/identity_hook_parts.py --size 10000 --database-url postgresql://postgres@127.0.0.1:5432/postgres

Syncs the simulator's party streams as ``bench/identity_quality.py`` does (same data, same hook)
with the hot functions wrapped: each line is the thread CPU spent inside one function, summed
over pages (inclusive: a part's callees count in it too), and how often it ran. The collector's
passes inside the hook are timed with ``gc.callbacks`` (wall time). Use it to see which part a
change moved; the end-to-end comparison with the peers is ``identity_quality.py``'s.
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import identity_quality  # noqa: E402

from c360.hub.collector import tune_collector  # noqa: E402
from c360.hub.identity import golden, resident, resolver, store  # noqa: E402

_PARTS: list[tuple[Any, str]] = [
    (resolver.IdentityResolver, "records_landed"),
    (resolver.IdentityResolver, "_subscription_seeds"),
    (resolver.IdentityResolver, "_generic_crossings"),
    (resolver.IdentityResolver, "_resolve"),
    (resolver.IdentityResolver, "apply_links"),
    (resolver.CandidateGraph, "neighbours"),
    (resolver.CandidateGraph, "prepare"),
    (resolver, "write_keys"),
    (resolver, "apply_partition"),
    (resolver, "refresh_landed_facts"),
    (resident, "load_profiles"),
    (resident.ResidentState, "rewindow"),
    (store, "build_profile"),
    (store, "party_rows"),
    (golden, "_survive"),
    (golden, "_write_xrefs"),
    (golden, "insert_many"),
    (golden, "refresh_facts"),
]


class PartTimer:
    """Wraps functions in place, summing each one's thread CPU and calls; and the collector's passes in the hook."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self._in_hook = False
        self._gc_started = 0.0

    def wrap(self, owner: Any, name: str) -> None:
        original: Callable[..., Any] = getattr(owner, name)
        label = f"{getattr(owner, '__name__', owner)}.{name}".removeprefix("c360.hub.identity.")
        hook = name == "records_landed"

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            if hook:
                self._in_hook = True
            try:
                return original(*args, **kwargs)
            finally:
                if hook:
                    self._in_hook = False
                self.seconds[label] += time.thread_time() - started
                self.calls[label] += 1

        setattr(owner, name, timed)

    def on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self._in_hook:
            label = f"collector, generation {info['generation']} (wall)"
            self.seconds[label] += time.perf_counter() - self._gc_started
            self.calls[label] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="simulated customers")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (scratch database); SQLite by default")
    parser.add_argument("--data-dir", type=Path, default=Path(".c360"), help="where simulated silos are built (reused)")
    args = parser.parse_args()
    tune_collector()  # as every c360 command does
    timer = PartTimer()
    for owner, name in _PARTS:
        timer.wrap(owner, name)
    gc.callbacks.append(timer.on_collection)
    identity_quality.run_sim(args.size, args.seed, args.data_dir, args.database_url, learn=False)
    print("\n| part | CPU | calls |\n|---|---:|---:|")
    for label, seconds in sorted(timer.seconds.items(), key=lambda item: -item[1]):
        print(f"| `{label}` | {seconds:.2f} s | {timer.calls[label]:,} |")


if __name__ == "__main__":
    main()
