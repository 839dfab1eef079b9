"""Stateful block effects: FDN reverb, ping-pong echo, tilt shelf, stereo width, LFOs.

Every effect is a small class holding the state that must survive between blocks (delay
lines, filter memories), so streaming in blocks gives exactly the samples a one-shot render
would. Feedback structures are vectorised exactly in chunks no longer than their shortest
delay (each chunk only reads samples at least one delay old), never with ``lfilter`` over a
delay-length denominator; the reverb's network, the costliest, runs sample by sample in a
compiled kernel that gives the same floats.
"""

from __future__ import annotations

import numpy as np

from moodc.dsp import compiled

#: FDN delay lengths in ms: mutually prime at 44.1 kHz and spread over ~1.9x so the modes
#: interleave. Eight lines mixed by a Hadamard matrix give a dense, colourless tail.
FDN_DELAYS_MS: tuple[float, ...] = (53.3, 58.9, 65.3, 72.1, 79.7, 87.1, 95.3, 103.9)
#: Early-reflection taps (ms, gain) that diffuse the send before it enters the FDN.
EARLY_TAPS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5), (5.3, 0.42), (9.7, -0.36), (13.9, 0.3), (19.1, -0.26), (24.7, 0.22),
    (31.3, -0.18), (37.1, 0.15))

#: Weights of the echo's damping: each repeat mixes the line's sample a delay back and the
#: one before it, a two-tap low-pass that darkens every pass.
ECHO_DAMPING: tuple[float, float] = (0.65, 0.35)


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

    The network runs at half the sample rate (pairs averaged in, linear interpolation out):
    a reverb tail has little energy above a quarter of the sample rate, and this halves the
    cost of the most expensive block of the synth. One sample of latency keeps it causal.
    """

    def __init__(self, *, rt60_s: float, sample_rate: int, size: float = 1.0,
                 damping: float = 0.35) -> None:
        rate = sample_rate / 2.0
        self.delays = np.array([int(round(ms * size * rate / 1000.0)) for ms in FDN_DELAYS_MS],
                               dtype=np.int64)
        self.delay_list = self.delays.tolist()
        gains = 10.0 ** (-3.0 * self.delays / (max(rt60_s, 0.05) * rate))
        n = len(self.delays)
        # feedback: diag(gains)·H/√n·(1-a)·(o[t] + a/(1-a)·o[t-1]), H by the fast transform
        self.damping_ratio = np.float32(damping / (1.0 - damping))
        self.line_gains = (gains * (1.0 - damping) / np.sqrt(n)).astype(np.float32)[:, None]
        signs = _hadamard(n)[[1, 2]] * np.sqrt(n)  # two orthogonal ±1 rows
        self.out_weights = (signs / np.sqrt(n)).astype(np.float32)
        # write-ahead delay lines: columns [T-1, T + max delay] (see _network)
        self.history = np.zeros((n, int(self.delays.max()) + 2), dtype=np.float32)
        taps = [(int(round(ms * size * rate / 1000.0)), g) for ms, g in EARLY_TAPS]
        self.tap_delays = np.array([d for d, _ in taps], dtype=np.int64)
        self.tap_gains = np.array([g for _, g in taps], dtype=np.float32)
        #: the half-rate send's last samples, which the early reflections still read
        self.send_history = np.zeros(int(self.tap_delays.max()) + 1, dtype=np.float32)
        #: the lines' share of the input, 1/√n
        self.input_scale = np.float32(1.0 / np.sqrt(n))
        self.pending = np.zeros(0, dtype=np.float32)  # an odd input sample awaiting its pair
        self.fifo = np.zeros((2, 1), dtype=np.float32)  # full-rate output not yet returned
        self.last = np.zeros((2, 1), dtype=np.float32)  # previous half-rate output sample

    def _send(self, x: np.ndarray) -> np.ndarray:
        """The network's input for an even number of full-rate send samples ``x``: each
        pair's mean (the half rate), the early reflections over those means and the previous
        block's (a sparse FIR), times the lines' 1/√n, in one compiled pass
        (:func:`moodc.dsp.compiled.reverb_send`; tests keep the numpy steps it replaced)."""
        h = len(self.send_history)
        m = len(x) // 2
        ext = np.empty(h + m, dtype=np.float32)
        ext[:h] = self.send_history
        out = np.empty(m, dtype=np.float32)
        compiled.reverb_send(x, self.tap_delays, self.tap_gains, float(self.input_scale),
                             ext, out)
        self.send_history = ext[-h:]
        return out

    def _network(self, x_in: np.ndarray) -> np.ndarray:
        """The FDN at half rate over the block's ``m`` input samples ``x_in`` (already
        scaled by 1/√n, :meth:`_send`): its lines, whose columns ``1 .. 1 + m`` are the
        block's outputs of every line.

        Lines are stored *write-ahead*: the value fed into line j at time τ is written at
        column τ + d_j of row j, so the outputs of every line over the whole block are one
        plain 2-D slice at the end. The recursion runs sample by sample in the compiled
        kernel (:func:`moodc.dsp.compiled.fdn`); its floats are those of the numpy loop it
        replaced, which ran the lines in chunks of the shortest delay (tests keep that loop
        as the reference).
        """
        n_lines, depth = self.history.shape
        m = len(x_in)
        buf = np.empty((n_lines, depth + m), dtype=np.float32)
        buf[:, :depth] = self.history  # column 0 is time T-1 (T = this block's first sample)
        # the kernel writes columns 1 + d_j .. m + d_j of line j before reading them; past
        # the history only the columns after those keep the zeros they go on to the
        # history with (clearing the whole array was a block-sized pass)
        for j, delay in enumerate(self.delay_list):
            buf[j, max(depth, m + delay + 1):] = 0.0
        compiled.fdn(buf, self.delays, self.line_gains[:, 0], float(self.damping_ratio),
                     np.ascontiguousarray(x_in, dtype=np.float32))
        self.history = buf[:, m: m + depth].copy()
        return buf

    def process(self, x: np.ndarray) -> np.ndarray:
        """Wet stereo output (2, n) for the mono send ``x`` (n,).

        The lines' outputs are mixed to stereo by :attr:`out_weights` and brought back to
        the full rate (each half-rate sample, and before it the mean of it and the one
        before) in one compiled pass (:func:`moodc.dsp.compiled.fdn_out`), straight after
        the sample still owed from the previous block.
        """
        n = len(x)
        x = x.astype(np.float32, copy=False)
        if len(self.pending):  # an odd sample carried (blocks of even length carry none)
            x = np.concatenate([self.pending, x])
        m = len(x) // 2
        self.pending = x[2 * m:].copy()  # not a view of the caller's block
        lines = self._network(self._send(x[: 2 * m]))
        owed = self.fifo.shape[1]
        stream = np.empty((2, owed + 2 * m), dtype=np.float32)
        stream[:, :owed] = self.fifo
        compiled.fdn_out(lines, 1, self.out_weights, np.ascontiguousarray(self.last[:, 0]),
                         stream, owed)
        if m:
            self.last = stream[:, -1:].copy()  # the last half-rate output
        self.fifo = stream[:, n:]
        return stream[:, :n]


class Echo:
    """Ping-pong feedback delay: repeats alternate left/right, each a little darker.

    ``feedback`` near 0.9 gives a ~20 s tail (the ``infinite`` label). Each repeat is
    ``ECHO_DAMPING`` of the line's sample a delay back and of the one before it (a gentle
    low-pass); the lines run in the compiled kernel (:func:`moodc.dsp.compiled.echo`), a
    delay at a time.
    """

    def __init__(self, *, delay_s: float, feedback: float, sample_rate: int) -> None:
        self.delay = max(int(round(delay_s * sample_rate)), 16)
        self.feedback = np.float32(feedback)
        self.history = np.zeros((2, self.delay + 1), dtype=np.float32)

    def process(self, x: np.ndarray) -> np.ndarray:
        """Wet stereo (2, n) for the mono send ``x``: first repeat left, then right, ..."""
        d = self.delay
        n = len(x)
        h = d + 1
        buf = np.empty((2, h + n), dtype=np.float32)
        buf[:, :h] = self.history
        past_weight, prev_weight = ECHO_DAMPING
        compiled.echo(buf, np.ascontiguousarray(x, dtype=np.float32), d,
                      float(self.feedback), float(np.float32(past_weight)),
                      float(np.float32(prev_weight)))
        self.history = buf[:, -h:].copy()
        # the wet signal is the line read one delay later: repeats only, no dry signal
        return buf[:, h - d: h - d + n]


class Tilt:
    """Spectral tilt: ``tilt_db`` more (or less) gain at Nyquist than at DC, rising smoothly.

    A two-tap FIR ``y = x + c·(x[n] - x[n-1])/2`` with ``c = 10**(tilt_db/20) - 1``: its
    gain is 1 at DC and ``1 + c`` at Nyquist, a first-order slope in between. Three array
    operations per block (an IIR shelf costs ten times more here) with one sample carried.
    """

    def __init__(self, *, tilt_db: float, sample_rate: int) -> None:
        self.c = np.float32(0.5 * (10.0 ** (tilt_db / 20.0) - 1.0))
        self.last = np.zeros((2, 1), dtype=np.float32)
        self.active = abs(tilt_db) > 1e-6

    def process(self, x: np.ndarray) -> np.ndarray:
        """Tilted copy of a (2, n) block."""
        if not self.active or x.shape[1] == 0:
            return x
        prev = np.concatenate([self.last, x[:, :-1]], axis=1)
        self.last = x[:, -1:].copy()
        prev -= x
        prev *= -self.c
        prev += x
        return prev


def width_matrix(x: np.ndarray, *, width: float, gain: float = 1.0) -> np.ndarray:
    """Mid/side stereo width times ``gain`` as one 2x2 matrix, returned as (n, 2) float32.

    Width 0 gives two identical channels (mono), 1 leaves the image as it is, >1 widens.
    ``mid ± side`` (``mid = (L + R)/2``, ``side = w·(L - R)/2``) is ``a·L + b·R`` and
    ``b·L + a·R`` with ``a = (1 + w)/2``, ``b = (1 - w)/2``: four passes straight into the interleaved output instead of mid, side, stack and a
    transpose copy.
    """
    a = np.float32(0.5 * (1.0 + width) * gain)
    b = np.float32(0.5 * (1.0 - width) * gain)
    out = np.empty((x.shape[1], 2), dtype=np.float32)
    tmp = np.multiply(x[1], b)
    np.multiply(x[0], a, out=out[:, 0])
    out[:, 0] += tmp
    np.multiply(x[0], b, out=tmp)
    np.multiply(x[1], a, out=out[:, 1])
    out[:, 1] += tmp
    return out


def tilted_width(x: np.ndarray, *, tilt: Tilt, width: float, gain: float = 1.0) -> np.ndarray:
    """``width_matrix(tilt.process(x), width=width, gain=gain)`` for a float32 (2, n) block,
    in one compiled pass (:func:`moodc.dsp.compiled.tilt_width`) with the same floats.

    The block's last two effects: the tilt's shifted copy and three passes, then the width's
    six strided passes into interleaved frames, were ~2 % of a render's CPU.
    """
    x = np.ascontiguousarray(x, dtype=np.float32)
    a = np.float32(0.5 * (1.0 + width) * gain)
    b = np.float32(0.5 * (1.0 - width) * gain)
    out = np.empty((x.shape[1], 2), dtype=np.float32)
    active = tilt.active and x.shape[1] > 0
    compiled.tilt_width(x, np.ascontiguousarray(tilt.last[:, 0]), float(tilt.c), active,
                        float(a), float(b), out)
    if active:
        tilt.last = x[:, -1:].copy()
    return out


def lfo(t_s: np.ndarray, *, rate_hz: float, chaotic: bool, phase: float = 0.0) -> np.ndarray:
    """A smooth modulation signal in [-1, 1] at ``rate_hz``.

    ``chaotic`` sums three incommensurate sines (1, 1.618, 2.414 × rate) so the motion never
    repeats; otherwise a plain sine. A rate of 0 gives a constant 0 (no motion).
    """
    if rate_hz <= 0.0:
        return np.zeros(t_s.shape, dtype=np.float32)
    w = (2.0 * np.pi * rate_hz * t_s).astype(np.float32)
    if not chaotic:
        return np.sin(w + np.float32(phase))
    out = np.sin(w + np.float32(phase))
    for ratio, gain, offset in ((1.618, 0.7, 1.3), (2.414, 0.5, 2.1)):
        out += np.float32(gain) * np.sin(np.float32(ratio) * w + np.float32(offset + phase))
    out /= np.float32(2.2)
    return out
