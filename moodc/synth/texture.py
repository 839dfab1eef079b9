"""Texture layer: noise-based and sparkling backgrounds, rendered block by block.

Continuous textures draw their noise from the texture layer's own Generator, in order, and
run their filters with carried state, so the stream of samples does not depend on the block
size. Sparkle textures (stars, glitch) are events, like other layers.
"""

from __future__ import annotations

import numpy as np

from moodc.synth.controls import Controls
from moodc.synth.events import Hit, Note
from moodc.dsp.design import butter_sos
from moodc.dsp.sosfilt import sosfilt_stateful
from moodc.synth.oscillators import midi_to_hz


def _bp(low_hz: float, high_hz: float, sample_rate: int) -> np.ndarray:
    high = min(high_hz, 0.45 * sample_rate)
    return butter_sos(2, (min(low_hz, high * 0.5), high), btype="bandpass",
                      sample_rate=sample_rate)


def _lp(cut_hz: float, sample_rate: int) -> np.ndarray:
    return butter_sos(2, min(cut_hz, 0.45 * sample_rate), sample_rate=sample_rate)


#: style → list of (filter kind, low Hz, high Hz) noise bands; one filter state each.
TEXTURE_BANDS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "shimmer": (),
    "vinyl": (("bp", 400.0, 7000.0),),
    "breath": (("bp", 250.0, 1800.0),),
    "rain": (("bp", 1500.0, 9000.0), ("lp", 0.0, 300.0)),
    "wind": (("bp", 250.0, 800.0), ("bp", 700.0, 2200.0)),
    "stars": (),
    "noise_wash": (("lp", 0.0, 1500.0),),
    "glitch": (),
    "ocean": (("lp", 0.0, 700.0), ("bp", 2000.0, 7000.0)),
}


def _sin_cycles(index: np.ndarray, cycles_per_sample: float, *, offset: float = 0.0
                ) -> np.ndarray:
    """``sin(2π·(index·cycles_per_sample + offset))`` as float32 for uint32 sample ``index``.

    The phase is an exact integer (2**32 per cycle, wrapping like an oscillator's
    accumulator), so it never loses precision however late in the piece; only the final
    sine is float32.
    """
    inc = np.uint32(int(round(cycles_per_sample * 2.0**32)) % 2**32)
    start = np.uint32(int(round(offset * 2.0**32)) % 2**32)
    phase = index * inc
    phase += start
    rad = phase.astype(np.float32)
    rad *= np.float32(2.0 * np.pi / 2.0**32)
    return np.sin(rad)


FRAME_N = 16384  # textures are generated in fixed frames so block size never changes them


class Texture:
    """A continuous texture of one style; ``process(start, n)`` returns (2, n) float32.

    Internally the texture is generated in fixed frames of ``FRAME_N`` samples aligned to
    the start of the piece (random draws per frame), and handed out in whatever block sizes
    the caller asks for, so the samples never depend on the block size. Above 32 kHz it is
    generated at half the sample rate (every band it uses lies below 9 kHz) and linearly
    interpolated up, which halves the cost of the noise and its filters.
    """

    def __init__(self, style: str, *, ctl: Controls, sample_rate: int,
                 rng: np.random.Generator) -> None:
        self.style = style
        self.ctl = ctl
        self.div = 2 if sample_rate >= 32000 else 1
        self.sample_rate = sample_rate / self.div  # the internal rate
        self.rng = rng
        scale = ctl.cutoff_scale ** 0.5
        self.filters = []
        for kind, low, high in TEXTURE_BANDS[style]:
            sos = _bp(low * scale, high * scale, self.sample_rate) if kind == "bp" \
                else _lp(high * scale, self.sample_rate)
            # float32 coefficients, state and signal: sosfilt runs ~30% faster than in float64
            self.filters.append([sos.astype(np.float32),
                                 np.zeros((sos.shape[0], 2, 2), dtype=np.float32)])
        self.ready = np.zeros((2, 0), dtype=np.float32)
        self.last = np.zeros((2, 1), dtype=np.float32)
        self.generated = 0

    def _band(self, i: int, x: np.ndarray) -> np.ndarray:
        """Stereo noise ``x`` (2, n) through band ``i``, carrying the filter state."""
        sos, zi = self.filters[i]
        y, self.filters[i][1] = sosfilt_stateful(sos, x, axis=-1, zi=zi)
        return y.astype(np.float32, copy=False)

    def _noise(self, n: int) -> np.ndarray:
        """Unit-variance white noise (uniform: 3x cheaper than normal; filtering makes it
        Gaussian anyway)."""
        x = self.rng.random((2, n), dtype=np.float32)
        x -= np.float32(0.5)
        x *= np.float32(3.4641016)
        return x

    def _upsample(self, y: np.ndarray) -> np.ndarray:
        """Internal-rate frame → output rate (linear interpolation, one sample carried)."""
        if self.div == 1:
            return y
        up = np.empty((2, 2 * y.shape[1]), dtype=np.float32)
        prev = np.concatenate([self.last, y[:, :-1]], axis=1)
        up[:, 0::2] = 0.5 * (prev + y)
        up[:, 1::2] = y
        self.last = y[:, -1:]
        return up

    def process(self, start: int, n: int) -> np.ndarray:
        """The texture for samples ``[start, start + n)``; blocks must come in order."""
        parts, have = [self.ready], self.ready.shape[1]
        while have < n:
            parts.append(self._upsample(self._frame(self.generated, FRAME_N)))
            self.generated += FRAME_N
            have += FRAME_N * self.div
        ready = np.concatenate(parts, axis=1) if len(parts) > 1 else self.ready
        out, self.ready = ready[:, :n], ready[:, n:]
        return out

    def _impulses(self, n: int, rate_hz: float, amp: float) -> np.ndarray:
        k = int(self.rng.poisson(rate_hz * n / self.sample_rate))
        x = np.zeros((2, n), dtype=np.float32)
        pos = self.rng.integers(0, n, size=k)
        ch = self.rng.integers(0, 2, size=k)
        x[ch, pos] = (self.rng.standard_normal(k) * amp).astype(np.float32)
        return x

    def _frame(self, start: int, n: int) -> np.ndarray:
        """Generate samples ``[start, start + n)`` of the piece (one fixed frame)."""
        t = (start + np.arange(n)) / self.sample_rate
        s = self.style
        if s in ("stars", "glitch"):
            return np.zeros((2, n), dtype=np.float32)
        if s == "shimmer":
            out = np.zeros((2, n), dtype=np.float32)
            index = np.arange(n, dtype=np.uint32)
            index += np.uint32(start % 2**32)  # wraps like the phases it feeds
            for k, (iv, rate) in enumerate(((0, 0.13), (7, 0.21), (12, 0.29), (19, 0.17))):
                f = midi_to_hz(84 + self.ctl.root_pc + iv)
                if f > 0.45 * self.sample_rate:
                    continue
                # phases wrapped in float64, sines in float32 (several times faster)
                trem = _sin_cycles(index, rate / self.sample_rate, offset=k / (2 * np.pi))
                trem *= np.float32(0.5)
                trem += np.float32(0.5)
                trem *= trem
                tone = _sin_cycles(index, f / self.sample_rate)
                tone *= trem
                out[k % 2] += np.float32(0.25) * tone
                out[1 - k % 2] += np.float32(0.1) * tone
            return out
        if s == "vinyl":
            x = self._noise(n) * 0.04 + self._impulses(n, 9.0, 6.0)
            return self._band(0, x)
        if s == "breath":
            env = (0.1 + 0.9 * np.sin(np.pi * 0.2 * t) ** 2) ** 1.5
            return self._band(0, self._noise(n)) * env.astype(np.float32) * 0.6
        if s == "rain":
            noise = self._noise(n)
            drops = self._impulses(n, 60.0, 4.0)
            hiss = self._band(0, noise * 0.35 + drops)
            return hiss + self._band(1, noise) * 0.5
        if s == "wind":
            gust = 0.5 + 0.5 * np.sin(2 * np.pi * 0.061 * t) * np.sin(2 * np.pi * 0.023 * t + 1)
            noise = self._noise(n)
            low = self._band(0, noise)
            high = self._band(1, noise)
            g = gust.astype(np.float32)
            return (low * (1.0 - 0.6 * g) + high * g) * (0.3 + 0.9 * g)
        if s == "noise_wash":
            swell = (0.35 + 0.65 * np.sin(np.pi * 0.04 * t) ** 2).astype(np.float32)
            return self._band(0, self._noise(n)) * swell
        if s == "ocean":
            wave = (0.5 - 0.5 * np.cos(2 * np.pi * t / 8.5)) ** 2
            noise = self._noise(n)
            body = self._band(0, noise) * (0.15 + 0.85 * wave).astype(np.float32)
            foam = self._band(1, noise) * (wave**3).astype(np.float32) * 0.5
            return body + foam
        raise KeyError(f"texture style={s!r} has no renderer")


def texture_events(ctl: Controls, *, style: str, n_beats: float,
                   rng: np.random.Generator) -> tuple[list[Note], list[Hit]]:
    """Events of the sparkle textures: ``stars`` (random high scale pings) and ``glitch``
    (stuttered blips and bit-crushed bursts on the sixteenth grid)."""
    notes: list[Note] = []
    hits: list[Hit] = []
    total_s = n_beats * ctl.beat_s
    if style == "stars":
        n = int(rng.poisson(1.2 * total_s))
        times = np.sort(rng.uniform(0.0, total_s, n))
        for t in times:
            octave = int(rng.integers(0, 2))
            degree = ctl.scale[int(rng.integers(len(ctl.scale)))]
            notes.append(Note(float(t), 0.05, float(84 + 12 * octave + ctl.root_pc + degree),
                              float(rng.uniform(0.25, 0.6)), "_star",
                              pan=float(rng.uniform(-0.9, 0.9))))
    elif style == "glitch":
        sixteenth = ctl.beat_s / 4.0
        for bar_start in np.arange(0.0, total_s, ctl.bar_s):
            if rng.random() < 0.6:
                at = bar_start + sixteenth * int(rng.integers(0, 4 * ctl.beats_per_bar))
                repeats = int(rng.integers(3, 7))
                midi = float(84 + ctl.root_pc + ctl.scale[int(rng.integers(len(ctl.scale)))])
                pan = float(rng.uniform(-0.8, 0.8))
                for r in range(repeats):
                    notes.append(Note(at + r * sixteenth / 2, sixteenth * 0.3, midi, 0.4,
                                      "square_8bit", pan=pan))
            if rng.random() < 0.4:
                hits.append(Hit(bar_start + sixteenth * int(rng.integers(0, 4 * ctl.beats_per_bar)),
                                "chip_snare", 0.5, pan=float(rng.uniform(-0.8, 0.8))))
    return [n for n in notes if n.start_s < total_s], [h for h in hits if h.start_s < total_s]
