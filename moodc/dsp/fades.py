"""Click-free fade curves: raised-cosine fades of a whole piece, equal-power crossfades."""

from __future__ import annotations

import numpy as np


def fade_gain(start: int, n_samples: int, *, total_n: int, fade_in_n: int,
              fade_out_n: int) -> np.ndarray | None:
    """Fade gains for samples ``start .. start+n_samples`` of a ``total_n`` signal.

    Both fades are raised cosines (zero slope at both ends, so a fade starts and stops
    without a click), sampled at sample centres (``+ 0.5``).

    Parameters
    ----------
    start : int >= 0
        First sample of the span.
    n_samples : int >= 0
        Length of the span.
    total_n : int
        Length of the whole signal; the fade-out ends at its last sample.
    fade_in_n, fade_out_n : int >= 0
        Fade lengths in samples.

    Returns
    -------
    np.ndarray [shape=(n_samples,)] or None
        None when no fade touches that span (the common case: no multiply needed).
    """
    stop = start + n_samples
    out_start = total_n - fade_out_n
    if start >= fade_in_n and stop <= out_start:
        return None
    index = np.arange(start, stop)
    gain = np.ones(n_samples)
    if start < fade_in_n:
        inside = index < fade_in_n
        gain[inside] = 0.5 - 0.5 * np.cos(np.pi * (index[inside] + 0.5) / fade_in_n)
    if stop > out_start and fade_out_n > 0:
        inside = index >= out_start
        gain[inside] *= 0.5 + 0.5 * np.cos(np.pi * (index[inside] - out_start + 0.5) / fade_out_n)
    return gain


def equal_power_in(position: np.ndarray) -> np.ndarray:
    """Equal-power fade-in gain at ``position`` in [0, 1] (``sin``; pairs with ``cos``)."""
    return np.sin(0.5 * np.pi * np.clip(position, 0.0, 1.0))


def equal_power_out(position: np.ndarray) -> np.ndarray:
    """Equal-power fade-out gain at ``position`` in [0, 1]; ``in**2 + out**2 == 1``."""
    return np.cos(0.5 * np.pi * np.clip(position, 0.0, 1.0))
