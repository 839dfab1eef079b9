"""Streaming BS.1770 loudness: K-weighted 100 ms hop powers, momentary and short-term values.

:class:`~moodc.dsp.loudness.LoudnessMeter` keeps every hop of a render to gate the
integrated loudness at the end. Live playback cannot wait for the end and must not grow:
:class:`HopPowers` K-weights a stream and hands back each completed 100 ms hop's
channel-summed mean-square power once, keeping only the filter state and the partial hop.
:func:`window_lufs` turns the last hops into a loudness (momentary: 4 hops = 400 ms,
short-term: 30 hops = 3 s, EBU Tech 3341), with BS.1770's absolute gate so silence does not
drag a value down.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from moodc.dsp.loudness import (ABSOLUTE_GATE_LUFS, LOUDNESS_OFFSET_DB, SUBBLOCK_S,
                                k_weighting_sos)
from moodc.dsp.sosfilt import sosfilt_stateful

#: EBU Tech 3341: momentary loudness integrates 400 ms, short-term 3 s (in 100 ms hops).
MOMENTARY_HOPS: Final[int] = 4
SHORT_TERM_HOPS: Final[int] = 30


def hop_n(*, sample_rate: int) -> int:
    """Samples per 100 ms hop at ``sample_rate``."""
    return int(round(SUBBLOCK_S * sample_rate))


def power_to_lufs(power: float) -> float:
    """Loudness (LUFS) of a channel-summed mean-square K-weighted power (BS.1770 eq. 2)."""
    return LOUDNESS_OFFSET_DB + 10.0 * math.log10(power) if power > 0 else -math.inf


def lufs_to_power(lufs: float) -> float:
    """Inverse of :func:`power_to_lufs`."""
    return 10.0 ** ((lufs - LOUDNESS_OFFSET_DB) / 10.0)


class HopPowers:
    """K-weight a stereo stream block by block; return each completed hop's power once.

    Parameters
    ----------
    sample_rate : int
        Rate of the stream in Hz.
    n_channels : int
        Channels of the blocks (all weighted 1.0: BS.1770's L/R weights).

    Examples
    --------
    >>> meter = HopPowers(sample_rate=48000)
    >>> len(meter.add(np.zeros((9600, 2), dtype=np.float32)))  # 200 ms: two hops
    2
    """

    def __init__(self, *, sample_rate: int, n_channels: int = 2) -> None:
        self.hop_n = hop_n(sample_rate=sample_rate)
        self._sos = k_weighting_sos(sample_rate=sample_rate)
        self._zi = np.zeros((self._sos.shape[0], n_channels, 2))
        self._carry = 0.0
        self._carry_n = 0

    def add(self, block: np.ndarray) -> np.ndarray:
        """K-weight ``block`` (shape ``(n, n_channels)``); powers of the hops it completes."""
        weighted, self._zi = sosfilt_stateful(self._sos, np.asarray(block, np.float64).T,
                                              zi=self._zi, axis=-1)
        energy = np.einsum("cn,cn->n", weighted, weighted)  # channel-summed, per sample
        powers: list[float] = []
        position = 0
        while position < energy.shape[0]:
            take = min(self.hop_n - self._carry_n, energy.shape[0] - position)
            self._carry += float(energy[position:position + take].sum())
            self._carry_n += take
            position += take
            if self._carry_n == self.hop_n:
                powers.append(self._carry / self.hop_n)
                self._carry, self._carry_n = 0.0, 0
        return np.array(powers)


def window_lufs(powers: np.ndarray) -> float:
    """Gated loudness of consecutive hop powers (their mean, hops under -70 LUFS left out).

    ``-inf`` when every hop is below the absolute gate (silence).
    """
    powers = np.asarray(powers, dtype=np.float64)
    gated = powers[powers >= lufs_to_power(ABSOLUTE_GATE_LUFS)]
    return power_to_lufs(float(gated.mean())) if gated.size else -math.inf


def short_term_lufs_series(powers: np.ndarray) -> np.ndarray:
    """Short-term (3 s, ungated as in EBU Tech 3341) loudness after every complete window.

    Element ``i`` covers hops ``i .. i + 29``; empty for fewer than 30 hops.
    """
    powers = np.asarray(powers, dtype=np.float64)
    if powers.shape[0] < SHORT_TERM_HOPS:
        return np.zeros(0)
    means = np.convolve(powers, np.ones(SHORT_TERM_HOPS) / SHORT_TERM_HOPS, mode="valid")
    with np.errstate(divide="ignore"):
        return LOUDNESS_OFFSET_DB + 10.0 * np.log10(means)


def centred_levels_lufs(powers: np.ndarray, *, ends: np.ndarray, window_hops: int) -> np.ndarray:
    """The level of the ``window_hops`` hop powers ending before each of ``ends``: the mean
    in dB of their momentary loudness values, gated.

    Each momentary value averages :data:`MOMENTARY_HOPS` hops (BS.1770's 400 ms block, so a
    beat does not swing it); values under -70 LUFS are left out; a window shorter than one
    momentary block is measured with :func:`window_lufs`. Averaging in dB rather than in
    power keeps the value in the middle of a level ramp instead of near its loud end; ``-inf``
    when nothing passes the gate. The momentary values and their logarithms are computed
    once for all the windows, which is what a streaming normaliser needs once per 100 ms hop.
    """
    powers = np.asarray(powers, dtype=np.float64)
    out = np.empty(len(ends))
    if powers.shape[0] >= MOMENTARY_HOPS:
        momentary = np.convolve(powers, np.ones(MOMENTARY_HOPS) / MOMENTARY_HOPS, mode="valid")
        passed = momentary >= lufs_to_power(ABSOLUTE_GATE_LUFS)
        with np.errstate(divide="ignore"):
            levels = LOUDNESS_OFFSET_DB + 10.0 * np.log10(momentary)
    for i, end in enumerate(ends):
        start = max(0, int(end) - window_hops)
        if end - start < MOMENTARY_HOPS:
            out[i] = window_lufs(powers[start:end])
            continue
        # momentary value j covers hops j .. j + 3: the window's are start .. end - 4
        keep = passed[start:end - MOMENTARY_HOPS + 1]
        gated = levels[start:end - MOMENTARY_HOPS + 1][keep]
        out[i] = float(np.mean(gated)) if gated.size else -math.inf
    return out
