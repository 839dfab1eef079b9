"""Live mastering: DC blocker → look-ahead loudness normaliser → true-peak limiter, streamed.

Two-pass mastering (measure the whole piece, then apply one gain) cannot run in real time.
Instead the normaliser delays the stream by :data:`LOOKAHEAD_HOPS` (1.5 s) and gives each
100 ms hop the gain that brings the level of the *centred* 3 s window around it (1.5 s
before, 1.5 s after) to the target. That level is the mean, in dB, of the momentary loudness
values in the window (gated at -70 LUFS, :func:`~moodc.dsp.loudness_stream.centred_levels_lufs`):
a mean of powers would be pulled up by the loud end of a rising morph and leave the output
dipping by several LU, a mean of dB sits in the middle of a ramp. Because the window looks as far ahead as it
looks back, a mood that gets louder over a morph is met while it happens rather than after,
and short-term loudness stays within about a decibel of the target through transitions.
Gains move linearly across each hop (no zipper noise) and at most :data:`MAX_STEP_DB` per hop.

The limiter is :func:`moodc.synth.master.limiter_gain` on blocks with enough context each
side (:attr:`~moodc.synth.master.LimiterShape.context_n`), so it reduces exactly as the
offline limiter does, at the price of ``context_n`` samples (~45 ms) more delay.

The producer runs ahead of playback, so this delay costs compute only, never wall time: the
first 1.6 s are rendered (in ~50 ms) before the first block plays.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Final

import numpy as np

from moodc.dsp.design import dc_blocker_sos
from moodc.dsp.loudness_stream import (MOMENTARY_HOPS, SHORT_TERM_HOPS, HopPowers,
                                      centred_levels_lufs)
from moodc.dsp.peak import peak_envelope
from moodc.dsp.sosfilt import sosfilt_stateful
from moodc.dsp.units import db_to_amplitude
from moodc.synth import master

#: Hops (100 ms) the normaliser looks ahead: half the 3 s short-term window, so the window
#: is centred on the hop it sets the gain of.
LOOKAHEAD_HOPS: Final[int] = SHORT_TERM_HOPS // 2
#: Hop powers a centred window's level is measured from: its momentary values (400 ms
#: each) cover the 3 s short-term window.
WINDOW_HOPS: Final[int] = SHORT_TERM_HOPS + MOMENTARY_HOPS - 1
#: Largest gain change per hop (dB): 10 dB/s follows any morph, and is too slow to pump on
#: a drum hit (the 3 s window hardly moves on one anyway).
MAX_STEP_DB: Final[float] = 1.0
#: Gain limits (dB): a nearly silent passage is not raised into hiss.
MIN_GAIN_DB: Final[float] = -30.0
MAX_GAIN_DB: Final[float] = 30.0


class Normaliser:
    """Look-ahead loudness normaliser working in whole hops (see the module docstring).

    ``process(hops)`` takes audio whose length is a multiple of the hop and returns the
    (delayed) hops that are ready, each scaled by a gain ramp; ``LOOKAHEAD_HOPS`` hops are
    held back.
    """

    def __init__(self, *, sample_rate: int, target_lufs: float) -> None:
        self.meter = HopPowers(sample_rate=sample_rate)
        self.hop_n = self.meter.hop_n
        self.target_lufs = target_lufs
        self._pending: deque[np.ndarray] = deque()
        self._powers: deque[float] = deque(maxlen=WINDOW_HOPS)
        self._gain_db: float | None = None
        #: the last window loudness used (LUFS) and the gain applied (dB), for the view
        self.window_lufs = -math.inf

    @property
    def gain_db(self) -> float:
        return 0.0 if self._gain_db is None else self._gain_db

    def process(self, audio: np.ndarray) -> np.ndarray:
        """Feed ``audio`` (n × 2, n a multiple of the hop); return the ready hops, scaled."""
        if audio.shape[0] % self.hop_n:
            raise ValueError(f"block of {audio.shape[0]} samples is not a multiple of the "
                             f"{self.hop_n}-sample hop")
        new = self.meter.add(audio)
        history = np.fromiter(self._powers, float, count=len(self._powers))
        # the window each new hop's arrival completes (the deque's view after appending it)
        levels = centred_levels_lufs(np.concatenate([history, new]),
                                     ends=np.arange(len(history) + 1,
                                                    len(history) + len(new) + 1),
                                     window_hops=WINDOW_HOPS)
        ready: list[np.ndarray] = []
        ramps: list[tuple[float, float]] = []
        for level, start in zip(levels, range(0, audio.shape[0], self.hop_n)):
            self._pending.append(audio[start:start + self.hop_n])
            if len(self._pending) > LOOKAHEAD_HOPS:
                ready.append(self._pending.popleft())
                ramps.append(self._next_gain(float(level)))
        self._powers.extend(float(p) for p in new)
        if not ready:
            return np.zeros((0, audio.shape[1]), dtype=np.float32)
        return np.concatenate(ready) * self._gain_curve(ramps)[:, None]

    def _next_gain(self, loudness: float) -> tuple[float, float]:
        """Move the gain towards the target for a hop whose centred window measures
        ``loudness``; the hop's (start, stop) amplitudes: from the previous gain to the new."""
        previous = self._gain_db
        if math.isfinite(loudness):
            self.window_lufs = loudness
            wanted = min(MAX_GAIN_DB, max(MIN_GAIN_DB, self.target_lufs - loudness))
            if previous is None:
                self._gain_db = wanted
            else:
                step = min(MAX_STEP_DB, max(-MAX_STEP_DB, wanted - previous))
                self._gain_db = previous + step
        elif previous is None:
            self._gain_db = 0.0
        start = db_to_amplitude(self._gain_db if previous is None else previous)
        return start, db_to_amplitude(self._gain_db)

    def _gain_curve(self, ramps: list[tuple[float, float]]) -> np.ndarray:
        """Per-sample gains (float32) of consecutive hops, each moving linearly from its
        start to its stop amplitude (a hop's last sample at the stop: no zipper noise).
        Computed as ``np.linspace(start, stop, hop_n + 1)[1:]`` would, for all hops at once."""
        n = self.hop_n
        bounds = np.array(ramps, dtype=np.float64)
        step = (bounds[:, 1] - bounds[:, 0]) / n
        curve = np.arange(1, n + 1, dtype=np.float64)[None, :] * step[:, None] \
            + bounds[:, :1]
        curve[:, -1] = bounds[:, 1]
        return curve.astype(np.float32).reshape(-1)


class StreamingLimiter:
    """The offline true-peak limiter, streamed with ``context_n`` samples of delay."""

    def __init__(self, *, sample_rate: int,
                 limit_dbtp: float = master.TRUE_PEAK_LIMIT_DBTP) -> None:
        self.shape = master.limiter_shape(sample_rate=sample_rate)
        self.ceiling = db_to_amplitude(limit_dbtp - master.LIMITER_MARGIN_DB)
        self.threshold = self.ceiling / db_to_amplitude(master.INTERSAMPLE_HEADROOM_DB)
        self.context_n = self.shape.context_n
        self._tail = np.zeros((2 * self.context_n, 2), dtype=np.float32)
        self._skip = self.context_n  # the first context_n outputs are the zero pre-fill
        #: smallest gain applied so far in the current block (1.0 = no reduction)
        self.last_gain = 1.0

    def process(self, audio: np.ndarray) -> np.ndarray:
        """Feed ``audio`` (n × 2); return as many limited samples, ``context_n`` behind."""
        n = audio.shape[0]
        if n == 0:
            return audio
        work = np.concatenate([self._tail, audio.astype(np.float32, copy=False)])
        c = self.context_n
        core = slice(c, c + n)
        envelope = peak_envelope(work, threshold=self.threshold)
        if envelope.max() <= self.ceiling:
            out = work[core].copy()
            self.last_gain = 1.0
        else:
            gain = master.limiter_gain(envelope, ceiling=self.ceiling, shape=self.shape)[core]
            out = work[core] * gain[:, None].astype(np.float32)
            self.last_gain = float(gain.min())
        self._tail = work[-2 * c:]
        if self._skip:
            drop = min(self._skip, out.shape[0])
            out, self._skip = out[drop:], self._skip - drop
        return out


class LiveMaster:
    """DC blocker → :class:`Normaliser` → :class:`StreamingLimiter` for one stream.

    ``process`` returns however many samples are ready (none for the first 1.5 s of input);
    the caller keeps feeding the never-ending mix, so nothing needs flushing.
    """

    def __init__(self, *, sample_rate: int, target_lufs: float) -> None:
        self._dc_sos = dc_blocker_sos(sample_rate=sample_rate)
        self._dc_zi = np.zeros((self._dc_sos.shape[0], 2, 2))
        self.normaliser = Normaliser(sample_rate=sample_rate, target_lufs=target_lufs)
        self.limiter = StreamingLimiter(sample_rate=sample_rate)

    @property
    def hop_n(self) -> int:
        return self.normaliser.hop_n

    def process(self, mix: np.ndarray) -> np.ndarray:
        """Master ``mix`` (n × 2 float32, n a multiple of the hop); ready samples out."""
        clean, self._dc_zi = sosfilt_stateful(self._dc_sos, mix.T, zi=self._dc_zi, axis=-1)
        levelled = self.normaliser.process(clean.T.astype(np.float32))
        return self.limiter.process(levelled)
