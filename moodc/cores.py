"""How many cores this process may use: one answer for renders, batches and the benchmark."""

from __future__ import annotations

import os


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS has one), at least 1."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def cores_all_busy(cores: int) -> bool:
    """Whether other work already keeps ``cores`` cores busy: the 1-minute load average (the
    tasks running or waiting for a core) is at least ``cores``.

    A render's second process and threads pay only on a core nobody else wants: on two
    cores at load 2.3-3.9, a 60 s render at two jobs took 12 % more CPU than at one job
    (0.54 against 0.47 s) and longer on the clock in every one of 7 interleaved pairs.
    False where the system keeps no load average.
    """
    try:
        return os.getloadavg()[0] >= cores
    except (AttributeError, OSError):  # no load average here (Windows) or none readable
        return False
