"""Mastering: the loudness target and the true-peak limiter, built from :mod:`moodc.dsp`.

The render pipeline (:mod:`moodc.render`) runs two passes: pass 1 removes DC
(:func:`moodc.dsp.design.dc_blocker_sos`), applies the fades (:mod:`moodc.dsp.fades`) and
measures loudness block by block (:class:`moodc.dsp.loudness.LoudnessMeter`); pass 2 applies
the loudness gain and the limiter here block by block (with a small context margin so the
result does not depend on the block size).

Measuring and applying are kept apart, as in pyloudnorm: :mod:`moodc.dsp.loudness` only
measures, :func:`limiter_gain` only computes a gain curve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from moodc.dsp.peak import INTERP_HALF_TAPS

#: Default mastering targets (spec: integrated -14 LUFS, true peak <= -1 dBTP).
DEFAULT_TARGET_LUFS: Final[float] = -14.0
TRUE_PEAK_LIMIT_DBTP: Final[float] = -1.0
#: The limiter aims 0.2 dB below the limit: its interpolator can under-read a true
#: peak by ~0.1 dB and the dither adds up to 1.5 LSB.
LIMITER_MARGIN_DB: Final[float] = 0.2
#: The limiter looks ahead 5 ms (gain ramps down smoothly before a peak) and holds the
#: reduction 40 ms after it, so the gain does not wobble at bass frequencies.
LIMITER_LOOKAHEAD_S: Final[float] = 0.005
LIMITER_HOLD_S: Final[float] = 0.040
#: Intersample overs above ~3 dB need content near Nyquist at full scale; samples more than
#: this far below the ceiling are not examined by the true-peak interpolator.
INTERSAMPLE_HEADROOM_DB: Final[float] = 4.0


@dataclass(frozen=True)
class LimiterShape:
    """Limiter timing in samples: look-ahead (attack ramp) and hold after a peak."""

    lookahead_n: int
    hold_n: int

    @property
    def context_n(self) -> int:
        """Samples of context each side a block needs for an exact, block-size-free result."""
        return self.lookahead_n + self.hold_n + INTERP_HALF_TAPS + 2


def limiter_shape(*, sample_rate: int) -> LimiterShape:
    """The default limiter timing at ``sample_rate``."""
    return LimiterShape(max(1, round(LIMITER_LOOKAHEAD_S * sample_rate)),
                        max(0, round(LIMITER_HOLD_S * sample_rate)))


def _sliding_max(values: np.ndarray, *, before_n: int, after_n: int) -> np.ndarray:
    """``out[i] = max(values[i-before_n .. i+after_n])`` (zeros outside), in O(n).

    van Herk / Gil-Werman: prefix maxima and suffix maxima within blocks of the window
    length; any window spans at most two blocks, so its max is one suffix and one prefix.
    """
    width = before_n + after_n + 1
    n = values.shape[0]
    n_blocks = -(-(before_n + n + after_n + width) // width)
    padded = np.zeros(n_blocks * width, dtype=values.dtype)
    padded[before_n:before_n + n] = values
    prefix = np.maximum.accumulate(padded.reshape(n_blocks, width), axis=1).ravel()
    # suffix maxima: prefix maxima of the reversed signal (blocks reverse too), read backwards
    suffix = np.maximum.accumulate(padded[::-1].reshape(n_blocks, width), axis=1).ravel()[::-1]
    # window i covers padded[i .. i + width - 1]: its suffix part starts at i, prefix ends there
    return np.maximum(suffix[:n], prefix[width - 1:width - 1 + n])


def _sliding_mean_back(values: np.ndarray, *, n: int) -> np.ndarray:
    """``out[i] = mean(values[i-n .. i])`` (zeros before the start), via a running sum."""
    total = np.concatenate([np.zeros(n + 1), np.cumsum(values, dtype=np.float64)])
    return (total[n + 1:] - total[: values.shape[0]]) / (n + 1)


def limiter_gain(envelope: np.ndarray, *, ceiling: float, shape: LimiterShape) -> np.ndarray:
    """Gain curve that keeps ``envelope * gain`` at or below ``ceiling``, smoothly.

    The needed reduction (dB) is held over ``[i - hold, i + lookahead]`` (a sliding max), then
    averaged over the ``lookahead`` samples before each point. Every gain window that ends at
    a peak contains that peak's full reduction, so the peak is always fully reduced, and the
    gain ramps linearly (in dB) over the look-ahead: no click, no overshoot.

    Parameters
    ----------
    envelope : np.ndarray [shape=(n,)]
        Per-sample true-peak magnitude (see :func:`peak_envelope`).
    ceiling : float > 0
        Linear ceiling.
    shape : LimiterShape

    Returns
    -------
    np.ndarray [shape=(n,)] of gains in (0, 1]
    """
    gain = np.ones(envelope.shape[0])
    overs = np.flatnonzero(envelope > ceiling)
    if overs.size == 0:
        return gain
    # only the span a reduction can reach needs work: [first - lookahead, last + hold + la]
    lo = max(0, int(overs[0]) - shape.lookahead_n)
    hi = min(envelope.shape[0], int(overs[-1]) + shape.hold_n + 2 * shape.lookahead_n + 1)
    reduction_db = np.zeros(hi - lo)
    reduction_db[overs - lo] = 20.0 * np.log10(envelope[overs] / ceiling)
    held = _sliding_max(reduction_db, before_n=shape.hold_n, after_n=shape.lookahead_n)
    smoothed = _sliding_mean_back(held, n=shape.lookahead_n)
    # the running mean leaves ~1e-15 dB residue after a peak: snap it so gain is exactly 1
    smoothed[smoothed < 1e-9] = 0.0
    gain[lo:hi] = np.power(10.0, -smoothed / 20.0)
    return gain
