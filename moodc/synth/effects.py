"""Stateful block effects: FDN reverb, ping-pong echo, tilt shelf, stereo width, LFOs.

Every effect is a small class holding the state that must survive between blocks (delay
lines, filter memories), so streaming in blocks gives exactly the samples a one-shot render
would. Feedback structures are vectorised exactly in chunks no longer than their shortest
delay (each chunk only reads samples at least one delay old), never with ``lfilter`` over a
delay-length denominator.
"""

from __future__ import annotations

import numpy as np
from scipy import signal

#: FDN delay lengths in ms: mutually prime at 44.1 kHz and spread over ~1.9x so the modes
#: interleave. Eight lines mixed by a Hadamard matrix give a dense, colourless tail.
FDN_DELAYS_MS: tuple[float, ...] = (43.3, 47.9, 53.1, 59.3, 64.9, 71.3, 77.9, 83.9)
#: Early-reflection taps (ms, gain) that diffuse the send before it enters the FDN.
EARLY_TAPS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5), (5.3, 0.42), (9.7, -0.36), (13.9, 0.3), (19.1, -0.26), (24.7, 0.22),
    (31.3, -0.18), (37.1, 0.15))


def _hadamard(n: int) -> np.ndarray:
    h = np.array([[1.0]])
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h / np.sqrt(n)


class Reverb:
    """Feedback-delay-network reverb on one mono send, decorrelated to stereo at the output.

    Decay: each line's feedback gain is ``10**(-3·d/(RT60·fs))`` so every path decays 60 dB
    in ``rt60_s``. A 2-tap average in the loop darkens the tail as it decays (air and walls
    absorb highs first). The two outputs sum the lines with orthogonal sign patterns, which
    makes left and right tails nearly uncorrelated — real stereo from a mono send.
    """

    def __init__(self, *, rt60_s: float, sample_rate: int, size: float = 1.0,
                 damping: float = 0.35) -> None:
        self.delays = np.array([int(round(ms * size * sample_rate / 1000.0))
                                for ms in FDN_DELAYS_MS])
        self.gains = (10.0 ** (-3.0 * self.delays / (max(rt60_s, 0.05) * sample_rate))
                      ).astype(np.float32)
        self.matrix = _hadamard(len(self.delays)).astype(np.float32)
        n = len(self.delays)
        signs = _hadamard(n)[[1, 2]] * np.sqrt(n)  # two orthogonal ±1 rows
        self.out_weights = (signs / np.sqrt(n)).astype(np.float32)
        self.damping = np.float32(damping)
        self.history = np.zeros((n, int(self.delays.max()) + 2), dtype=np.float32)
        self.taps = [(int(round(ms * size * sample_rate / 1000.0)), g) for ms, g in EARLY_TAPS]
        self.send_history = np.zeros(max(d for d, _ in self.taps) + 1, dtype=np.float32)

    def _diffuse(self, x: np.ndarray) -> np.ndarray:
        """Early reflections: a sparse FIR on the send, with the previous block's tail."""
        h = len(self.send_history)
        ext = np.concatenate([self.send_history, x])
        out = np.zeros_like(x)
        for d, g in self.taps:
            out += np.float32(g) * ext[h - d: h - d + len(x)]
        self.send_history = ext[-h:]
        return out

    def process(self, x: np.ndarray) -> np.ndarray:
        """Wet stereo output (2, n) for the mono send ``x`` (n,)."""
        x = self._diffuse(x.astype(np.float32))
        n_lines, depth = self.history.shape
        n = len(x)
        buf = np.concatenate([self.history, np.zeros((n_lines, n), np.float32)], axis=1)
        flat = buf.reshape(-1)
        width = depth + n
        chunk = int(self.delays.min())
        base = (np.arange(n_lines)[:, None] * width + depth - self.delays[:, None]
                + np.arange(chunk)[None, :])
        out = np.empty((2, n), dtype=np.float32)
        b_in = np.float32(1.0 / np.sqrt(n_lines))
        g = self.gains[:, None]
        for t in range(0, n, chunk):
            c = min(chunk, n - t)
            idx = base[:, :c] + t
            o = flat[idx]
            o_damped = o + self.damping * (flat[idx - 1] - o)
            buf[:, depth + t: depth + t + c] = g * (self.matrix @ o_damped) + b_in * x[t: t + c]
            out[:, t: t + c] = self.out_weights @ o
        self.history = buf[:, -depth:].copy()
        return out


class Echo:
    """Ping-pong feedback delay: repeats alternate left/right, each a little darker.

    ``feedback`` near 0.9 gives a ~20 s tail (the ``infinite`` label). Vectorised in chunks of
    the delay length.
    """

    def __init__(self, *, delay_s: float, feedback: float, sample_rate: int) -> None:
        self.delay = max(int(round(delay_s * sample_rate)), 16)
        self.feedback = np.float32(feedback)
        self.history = np.zeros((2, self.delay + 1), dtype=np.float32)

    def process(self, x: np.ndarray) -> np.ndarray:
        """Wet stereo (2, n) for the mono send ``x``: first repeat left, then right, ..."""
        d = self.delay
        n = len(x)
        buf = np.concatenate([self.history, np.zeros((2, n), np.float32)], axis=1)
        h = d + 1
        for t in range(0, n, d):
            c = min(d, n - t)
            a, b = h + t, h + t + c
            past = buf[:, a - d: b - d]
            prev = buf[:, a - d - 1: b - d - 1]
            damped = 0.65 * past + 0.35 * prev
            buf[0, a:b] = x[t: t + c] + self.feedback * damped[1]
            buf[1, a:b] = self.feedback * damped[0]
        self.history = buf[:, -h:].copy()
        # the wet signal is the line read one delay later: repeats only, no dry signal
        return buf[:, h - d: h - d + n]


class Tilt:
    """First-order tilt shelf around 1 kHz: ``tilt_db`` > 0 brightens, < 0 darkens."""

    def __init__(self, *, tilt_db: float, sample_rate: int) -> None:
        self.gain = np.float32(10.0 ** (tilt_db / 20.0) - 1.0)
        self.sos = signal.butter(1, 1000.0, btype="highpass", fs=sample_rate, output="sos")
        self.zi = np.zeros((1, 2, 2))  # (sections, channels, state)
        self.active = abs(tilt_db) > 1e-6

    def process(self, x: np.ndarray) -> np.ndarray:
        """``x + gain·highpass(x)`` on a (2, n) block (in place where possible)."""
        if not self.active:
            return x
        high, self.zi = signal.sosfilt(self.sos, x, axis=-1, zi=self.zi)
        return x + self.gain * high.astype(np.float32)


def apply_width(x: np.ndarray, *, width: float) -> np.ndarray:
    """Mid/side width on (2, n): 0 gives two identical channels, >1 widens."""
    mid = 0.5 * (x[0] + x[1])
    if width == 0.0:
        return np.stack([mid, mid])
    side = np.float32(0.5 * width) * (x[0] - x[1])
    return np.stack([mid + side, mid - side])


def lfo(t_s: np.ndarray, *, rate_hz: float, chaotic: bool, phase: float = 0.0) -> np.ndarray:
    """A smooth modulation signal in [-1, 1] at ``rate_hz``.

    ``chaotic`` sums three incommensurate sines (1, 1.618, 2.414 × rate) so the motion never
    repeats; otherwise a plain sine. A rate of 0 gives a constant 0 (no motion).
    """
    if rate_hz <= 0.0:
        return np.zeros_like(t_s, dtype=np.float32)
    w = 2.0 * np.pi * rate_hz * t_s
    if not chaotic:
        return np.sin(w + phase).astype(np.float32)
    return ((np.sin(w + phase) + 0.7 * np.sin(1.618 * w + 1.3 + phase)
             + 0.5 * np.sin(2.414 * w + 2.1 + phase)) / 2.2).astype(np.float32)
