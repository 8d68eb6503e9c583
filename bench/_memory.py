"""A process's own peak resident memory, as the benchmarks report it."""

from __future__ import annotations

__all__ = ["peak_rss_mib"]


def peak_rss_mib(pid: int | str = "self") -> float | None:
    """The process's own high-water RSS (``VmHWM``), or None once it has exited or without ``/proc``.

    Not ``ru_maxrss``: Linux carries the parent's high-water mark over ``fork``/``vfork`` and ``exec``
    into the child's, so a small child of a large benchmark process would report the benchmark's size.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
