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
    cores at load 2.9-3.7, a 60 s render at two jobs took 0.51-0.54 s of CPU against
    0.44-0.48 s at one job, and longer on the clock in every one of 7 interleaved pairs.
    The average lags by about a minute and counts this user's own recent renders too.
    False where the system keeps no load average.
    """
    try:
        return os.getloadavg()[0] >= cores
    except (AttributeError, OSError):  # no load average here (Windows) or none readable
        return False
