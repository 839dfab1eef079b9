"""Filter design as second-order sections (SOS rows ``b0 b1 b2 a0 a1 a2``).

Every design is in closed form (bilinear transform with prewarped corners, as
:func:`scipy.signal.butter` does), so rendering never imports :mod:`scipy.signal` (about a
second of start-up CPU). Designs outside the closed forms fall back to scipy.
"""

from __future__ import annotations

import functools
import math
from typing import Final, Literal

import numpy as np

#: Mastering DC blocker corner: far below any musical content (the lowest bass note is ~30 Hz).
DC_CUTOFF_HZ: Final[float] = 5.0


def butter_sos(order: int, cutoff_hz: float | tuple[float, float], *, sample_rate: float,
               btype: Literal["lowpass", "highpass", "bandpass", "bandstop"] = "lowpass"
               ) -> np.ndarray:
    """``scipy.signal.butter(order, cutoff_hz, btype, fs=sample_rate, output="sos")``.

    Memoised: designing a filter costs ~1 ms, far more than running it over a short note,
    and the same few designs recur all piece. Returns a fresh writable copy each call
    (scipy's ``sosfilt`` may write to its coefficients).

    Parameters
    ----------
    order : int > 0
    cutoff_hz : float or (low_hz, high_hz)
        Corner frequency, or the two band edges for ``bandpass``.
    sample_rate : float > 0
        In Hz.
    btype : str
        Filter type; only order 1-2 low-pass and order 2 band-pass are closed-form.

    Returns
    -------
    np.ndarray [shape=(n_sections, 6)]
    """
    key = tuple(float(c) for c in cutoff_hz) if isinstance(cutoff_hz, (tuple, list)) \
        else float(cutoff_hz)
    return _butter_sos(int(order), key, float(sample_rate), btype).copy()


@functools.lru_cache(maxsize=512)
def _butter_sos(order: int, cutoff: float | tuple[float, float], sample_rate: float,
                btype: str) -> np.ndarray:
    """The memoised, read-only design behind :func:`butter_sos`."""
    if btype == "lowpass" and order in (1, 2) and not isinstance(cutoff, tuple):
        sos = _butter_lowpass(order, cutoff, sample_rate=sample_rate)
    elif btype == "bandpass" and order == 2 and isinstance(cutoff, tuple):
        sos = _butter_bandpass2(cutoff, sample_rate=sample_rate)
    else:
        from scipy import signal  # not used by the synth's own voices

        sos = signal.butter(order, list(cutoff) if isinstance(cutoff, tuple) else cutoff,
                            btype=btype, fs=sample_rate, output="sos")
    sos.flags.writeable = False
    return sos


def _butter_lowpass(order: int, cutoff_hz: float, *, sample_rate: float) -> np.ndarray:
    """1st- or 2nd-order Butterworth low-pass, one SOS row (bilinear, prewarped)."""
    k = math.tan(math.pi * cutoff_hz / sample_rate)
    if order == 1:
        norm = 1.0 / (1.0 + k)
        return np.array([[k * norm, k * norm, 0.0, 1.0, (k - 1.0) * norm, 0.0]])
    a0 = 1.0 + math.sqrt(2.0) * k + k * k
    return np.array([[k * k / a0, 2.0 * k * k / a0, k * k / a0, 1.0,
                      2.0 * (k * k - 1.0) / a0, (1.0 - math.sqrt(2.0) * k + k * k) / a0]])


def _butter_bandpass2(band_hz: tuple[float, float], *, sample_rate: float) -> np.ndarray:
    """2nd-order Butterworth band-pass, two SOS rows.

    Analog 2nd-order Butterworth prototype → band-pass (4 poles, 2 zeros at s = 0) →
    bilinear (zeros at z = 1, 1, -1, -1); two sections (1 - z^-2) over a conjugate pole pair.
    """
    fs = sample_rate
    w1, w2 = (2.0 * fs * math.tan(math.pi * f / fs) for f in band_hz)
    bw, w0_sq = w2 - w1, w1 * w2
    poles_s = []
    for p in (np.exp(0.75j * np.pi), np.exp(-0.75j * np.pi)):
        half = p * bw / 2.0
        root = np.sqrt(half * half - w0_sq)
        poles_s += [half + root, half - root]
    poles_s = np.array(poles_s)
    gain = bw * bw * float(np.real((2.0 * fs) ** 2 / np.prod(2.0 * fs - poles_s)))
    poles_z = (2.0 * fs + poles_s) / (2.0 * fs - poles_s)
    upper = sorted(poles_z[poles_z.imag > 0], key=lambda z: abs(z))
    sos = np.array([[1.0, 0.0, -1.0, 1.0, -2.0 * z.real, abs(z) ** 2] for z in upper])
    sos[0, :3] *= gain
    return sos


def dc_blocker_sos(*, sample_rate: int, cutoff_hz: float = DC_CUTOFF_HZ) -> np.ndarray:
    """A gentle 1st-order Butterworth high-pass (one SOS row) against DC and sub-sonic drift.

    Bilinear transform of ``s / (s + wc)`` with a prewarped corner (what
    ``scipy.signal.butter(1, cutoff_hz, "highpass", fs=..., output="sos")`` designs).

    Returns
    -------
    np.ndarray [shape=(1, 6), dtype=float64]
    """
    k = math.tan(math.pi * cutoff_hz / sample_rate)
    norm = 1.0 / (1.0 + k)
    return np.array([[norm, -norm, 0.0, 1.0, (k - 1.0) * norm, 0.0]])


def leaky_dc_blocker_sos(*, sample_rate: int, cutoff_hz: float) -> np.ndarray:
    """The classic one-zero one-pole DC blocker ``(1 - z^-1) / (1 - p·z^-1)``, float32.

    The pole ``p = 1 - 2π·cutoff_hz / sample_rate`` (the small-angle form, not prewarped)
    sits just inside the unit circle. Cheaper to reason about than :func:`dc_blocker_sos`
    and unity gain at Nyquist; the voices use it on float32 signals.

    Returns
    -------
    np.ndarray [shape=(1, 6), dtype=float32]
    """
    pole = 1.0 - 2 * np.pi * cutoff_hz / sample_rate
    return np.array([[1.0, -1.0, 0.0, 1.0, -pole, 0.0]], dtype=np.float32)


def peaking_sos(centre_hz: float, *, gain_db: float, ring_s: float,
                sample_rate: int) -> np.ndarray:
    """A peaking equaliser (one SOS row, RBJ cookbook): ``gain_db`` at ``centre_hz``, 0 dB
    far from it, its bandwidth set by how long the resonance rings.

    A resonance that rings with amplitude time constant ``ring_s`` is ``1 / (π·ring_s)`` Hz
    wide, so ``Q = π·centre_hz·ring_s``: a cascade of these is a wooden body's modes
    colouring whatever passes through it (and ringing on after each attack).

    Returns
    -------
    np.ndarray [shape=(1, 6), dtype=float64]
    """
    if not 0.0 < centre_hz < 0.5 * sample_rate or ring_s <= 0.0:
        raise ValueError(f"peaking_sos: centre_hz={centre_hz} must lie between 0 and "
                         f"Nyquist ({0.5 * sample_rate} Hz) and ring_s={ring_s} be > 0")
    amp = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * centre_hz / sample_rate
    alpha = math.sin(w0) / (2.0 * math.pi * centre_hz * ring_s)
    cos_w0 = math.cos(w0)
    b = (1.0 + alpha * amp, -2.0 * cos_w0, 1.0 - alpha * amp)
    a = (1.0 + alpha / amp, -2.0 * cos_w0, 1.0 - alpha / amp)
    return np.array([[b[0] / a[0], b[1] / a[0], b[2] / a[0], 1.0, a[1] / a[0], a[2] / a[0]]])
