"""Note envelopes: one note's gate and release in samples, and the click-free ADSR over them.

:func:`note_envelope` is the only place a note's length is decided (gate at least 5 ms,
release at least 10 ms); :func:`adsr` draws the envelope from 0 back to exactly 0 over that
length, and :func:`flat_span` finds where it is constant (a long sustain), so the renderer can
use a scalar level there instead of an envelope product.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final

import numpy as np

from moodc.dsp.compiled import envelope_ramp

#: Shortest gate: a 5 ms note still has room for an attack and reaches a useful level.
MIN_GATE_S: Final[float] = 0.005
#: Shortest release: 10 ms is long enough that the fall to zero never clicks.
MIN_RELEASE_S: Final[float] = 0.01


@dataclass(frozen=True)
class Adsr:
    """An envelope shape in seconds and level: how an instrument speaks and stops.

    ``sustain_level`` is 0..1 of the peak; ``1.0`` with zero decay lets a percussive raw tone
    decay by itself.
    """

    attack_s: float
    decay_s: float
    sustain_level: float
    release_s: float


@dataclass(frozen=True)
class NoteEnvelope:
    """One note's envelope in samples: gate (note-on to note-off), then release to zero."""

    n_gate: int
    n_release: int
    attack_n: int
    decay_n: int
    sustain_level: float

    @property
    def n_total(self) -> int:
        """Samples the note lasts (gate + release)."""
        return self.n_gate + self.n_release


@functools.lru_cache(maxsize=4096)
def note_envelope(shape: Adsr, *, n_gate: int, sample_rate: int) -> NoteEnvelope:
    """The envelope of a note of ``n_gate`` samples, in samples (the one gate/release rule).

    Memoised: the block renderer asks for a note's envelope three times when it plans the
    note and again for every block the note sounds in (~14 k calls in 5 minutes of music),
    and a frozen dataclass costs ~5 us to build; a piece uses a few hundred distinct gates.
    The result is immutable, so sharing it is safe.

    Parameters
    ----------
    shape : Adsr
        The instrument's envelope in seconds.
    n_gate : int >= 0
        Samples from note-on to note-off as written; raised to :data:`MIN_GATE_S`.
    sample_rate : int
        In Hz.

    Returns
    -------
    NoteEnvelope
        Release at least :data:`MIN_RELEASE_S`, attack and decay truncated to whole samples.
    """
    n_release = max(int(shape.release_s * sample_rate), int(MIN_RELEASE_S * sample_rate))
    return NoteEnvelope(n_gate=max(n_gate, int(MIN_GATE_S * sample_rate)), n_release=n_release,
                        attack_n=int(shape.attack_s * sample_rate),
                        decay_n=int(shape.decay_s * sample_rate),
                        sustain_level=shape.sustain_level)


def envelope_slice(env: NoteEnvelope, *, start: int, stop: int) -> np.ndarray:
    """Samples ``[start, stop)`` of ``env`` drawn by :func:`adsr` (float32)."""
    return adsr(n_gate=env.n_gate, n_release=env.n_release, attack_n=env.attack_n,
                decay_n=env.decay_n, sustain=env.sustain_level, start=start, stop=stop)


def flat_span(env: NoteEnvelope) -> tuple[int, int, float]:
    """``(first, stop, level)`` of the longest stretch where ``env`` is constant."""
    return _flat_span(n_gate=env.n_gate, n_release=env.n_release, attack_n=env.attack_n,
                      decay_n=env.decay_n, sustain=env.sustain_level)


def flat_level(env: NoteEnvelope, *, start: int, stop: int) -> float | None:
    """The envelope level when ``[start, stop)`` lies inside :func:`flat_span`, else None."""
    f0, f1, level = flat_span(env)
    return level if f0 <= start and stop <= f1 else None


def _adsr_points(*, n_gate: int, n_release: int, attack_n: int, decay_n: int,
                 sustain: float) -> tuple[list[float], list[float]]:
    """Breakpoints (sample, level) of a piecewise-linear ADSR ending at exactly zero."""
    n_total = n_gate + n_release
    attack_n = max(attack_n, 1)
    xs = [0.0, float(attack_n), float(attack_n + max(decay_n, 0))]
    ys = [0.0, 1.0, sustain]
    level = float(np.interp(n_gate, xs, ys))
    xs_full = [x for x in xs if x < n_gate] + [float(n_gate), float(n_total - 1)]
    ys_full = ys[: len(xs_full) - 2] + [level, 0.0]
    return xs_full, ys_full


def adsr(*, n_gate: int, n_release: int, attack_n: int, decay_n: int,
         sustain: float, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Piecewise-linear ADSR from 0 back to exactly 0, samples ``[start, stop)`` (float32).

    The release starts from whatever level the envelope has reached at the gate end (a note
    shorter than its attack releases from part-way up), so there is never a jump. Only the
    asked-for slice is computed (a flat sustain is one fill), so long notes cost nothing.
    """
    n_total = n_gate + n_release
    stop = n_total if stop is None else stop
    xs, ys = _adsr_points(n_gate=n_gate, n_release=n_release, attack_n=attack_n,
                          decay_n=decay_n, sustain=sustain)
    # piecewise: flat stretches are one fill, ramps one affine pass (np.interp would
    # binary-search every sample of long sustains)
    out = np.empty(stop - start, dtype=np.float32)
    edges = [int(np.ceil(x)) for x in xs[:-1]] + [n_total]
    edges[0] = 0
    for i in range(len(xs) - 1):
        a, b = max(edges[i], start), min(edges[i + 1], stop)
        if a >= b:
            continue
        x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
        if y0 == y1 or x1 == x0:
            out[a - start: b - start] = y0 if x1 != x0 else y1
        else:
            # ((i - x0) * slope + y0) in float64 per sample, then float32: one compiled
            # pass (the numpy ramp it replaced is the tests' reference)
            envelope_ramp(out[a - start: b - start], a, x0, (y1 - y0) / (x1 - x0), y0)
    if stop == n_total:
        out[-1] = 0.0  # exactly zero at the end, whatever the rounding of the ramp
    return out


@functools.lru_cache(maxsize=4096)
def _flat_span(*, n_gate: int, n_release: int, attack_n: int, decay_n: int,
               sustain: float) -> tuple[int, int, float]:
    """``(first, stop, level)`` of the longest stretch where :func:`adsr` is constant."""
    n_total = n_gate + n_release
    xs, ys = _adsr_points(n_gate=n_gate, n_release=n_release, attack_n=attack_n,
                          decay_n=decay_n, sustain=sustain)
    edges = [int(np.ceil(x)) for x in xs[:-1]] + [n_total]
    edges[0] = 0
    best = (0, 0, 0.0)
    for i in range(len(xs) - 1):
        if xs[i + 1] != xs[i] and ys[i] == ys[i + 1]:
            a, b = edges[i], min(edges[i + 1], n_total - 1)  # the last sample is forced to 0
            if b - a > best[1] - best[0]:
                best = (a, b, float(ys[i]))
    return best
