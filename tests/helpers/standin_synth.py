"""A tiny stand-in for ``moodc.synth.stream_config`` (same contract), for pipeline tests.

Deterministic from the seed and the fields; pitches from the tempo and root so different
configs sound different. Shared by tests that exercise the render pipeline without the
real synth's cost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

ROOTS = ["c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"]


def stream_config(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int, seed: int,
                  block_s: float = 8.0) -> Iterator[np.ndarray]:
    n_total = int(round(duration_s * sample_rate))
    block_n = max(1, int(block_s * sample_rate))
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    freq_hz = 110.0 * 2 ** (ROOTS.index(fields.get("root", "c")) / 12)
    phases = rng.random(3) * 2 * np.pi
    for start in range(0, n_total, block_n):
        n = min(block_n, n_total - start)
        t = (start + np.arange(n)) / sample_rate
        left = 0.2 * np.sin(2 * np.pi * freq_hz * t + phases[0])
        left += 0.1 * np.sin(2 * np.pi * freq_hz * 1.5 * t + phases[1])
        right = 0.2 * np.sin(2 * np.pi * freq_hz * 2.0 * t + phases[2])
        noise = rng.standard_normal((n, 2)) * 0.02
        yield (np.stack([left, right], axis=1) + noise).astype(np.float32)
