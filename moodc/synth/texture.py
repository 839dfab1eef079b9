"""Texture layer: noise-based and sparkling backgrounds, rendered block by block.

Continuous textures draw their noise from the texture layer's own Generator, in order, and
run their filters with carried state, so the stream of samples does not depend on the block
size. Sparkle textures (stars, glitch) are events, like other layers.

Each style is one row of :data:`TEXTURE_STYLES` (:class:`TextureStyle`): its noise bands, the
function that generates one frame of its bed, and/or the function that writes its events.
No code below the table looks at a style name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from moodc.synth.controls import Controls
from moodc.synth.events import Hit, Note
from moodc.dsp.design import butter_sos
from moodc.dsp.sosfilt import sosfilt_stateful
from moodc.dsp import compiled
from moodc.synth.oscillators import PHASE_BITS, TABLE_BITS, harmonic_table, midi_to_hz


def _bp(low_hz: float, high_hz: float, sample_rate: int) -> np.ndarray:
    high = min(high_hz, 0.45 * sample_rate)
    return butter_sos(2, (min(low_hz, high * 0.5), high), btype="bandpass",
                      sample_rate=sample_rate)


def _lp(cut_hz: float, sample_rate: int) -> np.ndarray:
    return butter_sos(2, min(cut_hz, 0.45 * sample_rate), sample_rate=sample_rate)


@dataclass(frozen=True)
class NoiseBand:
    """One filtered noise band of a texture (one filter state each).

    A band-pass from ``low_hz`` to ``high_hz`` when ``bandpass``, else a low-pass at
    ``high_hz`` (``low_hz`` unused). Both edges move with the square root of the
    brightness cutoff scale.
    """

    low_hz: float
    high_hz: float
    bandpass: bool = True


def _lowpass(cut_hz: float) -> NoiseBand:
    return NoiseBand(0.0, cut_hz, bandpass=False)


def _add_tremolo_sine(out_a: np.ndarray, out_b: np.ndarray, *, cycles_per_sample: float,
                      curve: Callable[[np.ndarray], np.ndarray], tex: Texture, start: int,
                      gain_a: float, gain_b: float) -> None:
    """Add ``sin(2π·(start + i)·cycles_per_sample) · curve`` times ``gain_a`` to float32 row
    ``out_a`` and times ``gain_b`` to ``out_b`` (i = 0, 1, ...; ``curve`` at control rate,
    :func:`_slow_envelope`'s lines).

    The phase is an exact integer (2**32 per cycle, wrapping like an oscillator's
    accumulator), so it never loses precision however late in the piece; the sine is read
    from the tone synthesiser's single-cycle table (2**15 samples, the phase's top 15 bits,
    as its tones are) instead of a float32 ``sin``. Reading truncates the phase by less than
    one table step (1.9e-4 rad): a constant lag of half a step, which nobody hears, and a
    residual about -85 dB below the sine. One compiled pass
    (:func:`moodc.dsp.compiled.sine_curve_mix`): the floats of the table read onto zeros,
    the product with the curve and the two mixes it replaced, without the tone array.
    """
    inc = round(cycles_per_sample * 2.0**32) % 2**32
    values, offset = _envelope_knots(curve, tex, start, out_a.shape[0])
    compiled.sine_curve_mix(out_a, out_b, _sine_table(), start * inc % 2**32, inc,
                            PHASE_BITS - TABLE_BITS, values, offset, ENVELOPE_STEP_N,
                            gain_a, gain_b)


@functools.cache
def _sine_table() -> np.ndarray:
    """The tone synthesiser's single-cycle sine table (read-only, shared)."""
    return harmonic_table(np.ones(1))


FRAME_N = 16384  # textures are generated in fixed frames so block size never changes them
#: sqrt(12): a uniform draw on [-0.5, 0.5) times this has unit variance (the noise beds').
UNIFORM_TO_UNIT_VARIANCE: float = 3.4641016


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
        self.row = TEXTURE_STYLES[style]
        if self.row.frame is None:
            raise ValueError(f"texture style={style!r} has no continuous bed, only events")
        self.ctl = ctl
        self.div = 2 if sample_rate >= 32000 else 1
        self.sample_rate = sample_rate / self.div  # the internal rate
        self.rng = rng
        scale = ctl.cutoff_scale ** 0.5
        self.filters = []
        for band in self.row.bands:
            sos = _bp(band.low_hz * scale, band.high_hz * scale, self.sample_rate) \
                if band.bandpass else _lp(band.high_hz * scale, self.sample_rate)
            # float32 coefficients, state and signal: sosfilt runs ~30% faster than in float64
            self.filters.append([sos.astype(np.float32),
                                 np.zeros((sos.shape[0], 2, 2), dtype=np.float32)])
        self.ready = np.zeros((2, 0), dtype=np.float32)
        self.last = np.zeros((2, 1), dtype=np.float32)
        self.generated = 0

    def band(self, i: int, x: np.ndarray) -> np.ndarray:
        """Stereo noise ``x`` (2, n) through band ``i``, carrying the filter state."""
        sos, zi = self.filters[i]
        y, self.filters[i][1] = sosfilt_stateful(sos, x, axis=-1, zi=zi)
        return y.astype(np.float32, copy=False)

    def noise(self, n: int) -> np.ndarray:
        """Unit-variance white noise (uniform: 3x cheaper than normal; filtering makes it
        Gaussian anyway), shape ``(2, n)``.

        The numbers of ``rng.random((2, n), dtype=np.float32)``, less 0.5, times
        :data:`UNIFORM_TO_UNIT_VARIANCE`, each step in float32. A PCG64 with no half word
        buffered makes them two per raw 64-bit word, low half first, so they come from
        ``random_raw(n)``'s words (:func:`moodc.dsp.rawbits.raw_words`) in one compiled
        pass (:func:`moodc.dsp.compiled.uniform_noise`): a third of the cost of numpy's
        float-at-a-time draw and two passes. Otherwise (a buffered half, another bit
        generator) numpy draws them; the samples are the same.
        """
        bits = self.rng.bit_generator
        if isinstance(bits, np.random.PCG64) and not bits.state["has_uint32"]:
            from moodc.dsp.rawbits import raw_words

            out = np.empty((2, n), dtype=np.float32)
            compiled.uniform_noise(raw_words(bits, count=n), 0.5, UNIFORM_TO_UNIT_VARIANCE,
                                   out)
            return out
        x = self.rng.random((2, n), dtype=np.float32)
        x -= np.float32(0.5)
        x *= np.float32(UNIFORM_TO_UNIT_VARIANCE)
        return x

    def _upsample(self, y: np.ndarray) -> np.ndarray:
        """Internal-rate frame → output rate (linear interpolation, one sample carried):
        each sample, preceded by its mean with the one before, in one compiled pass
        (:func:`moodc.dsp.compiled.upsample2`)."""
        if self.div == 1:
            return y
        y = np.ascontiguousarray(y, dtype=np.float32)
        up = np.empty((2, 2 * y.shape[1]), dtype=np.float32)
        compiled.upsample2(y, np.ascontiguousarray(self.last[:, 0]), up)
        if y.shape[1]:
            self.last = y[:, -1:]
        return up

    def process(self, start: int, n: int) -> np.ndarray:
        """The texture for samples ``[start, start + n)``; blocks must come in order."""
        runs = self.runs(start, n)
        if len(runs) == 1:
            return runs[0][1]
        return np.concatenate([samples for _, samples in runs], axis=1)

    def runs(self, start: int, n: int) -> list[tuple[int, np.ndarray]]:
        """:meth:`process` as consecutive ``(offset, samples)`` runs covering the block
        (offset from ``start``; each run (2, m), its rows contiguous): the frames' samples
        where they lie, not copied into one array. A caller that only adds the texture in
        (a layer's bed) adds run by run: the same sums, without a block-sized copy."""
        runs: list[tuple[int, np.ndarray]] = []
        have = min(self.ready.shape[1], n)
        if have:
            runs.append((0, self.ready[:, :have]))
        rest = self.ready[:, have:]
        while have < n:
            up = self._upsample(self._frame(self.generated, FRAME_N))
            self.generated += FRAME_N
            take = min(up.shape[1], n - have)
            runs.append((have, up[:, :take]))
            rest = up[:, take:]
            have += take
        self.ready = rest
        return runs

    def impulses(self, n: int, rate_hz: float, amp: float) -> np.ndarray:
        """Stereo clicks: a Poisson number (``rate_hz`` per second) of Gaussian impulses of
        standard deviation ``amp`` at random samples and channels."""
        k = int(self.rng.poisson(rate_hz * n / self.sample_rate))
        x = np.zeros((2, n), dtype=np.float32)
        pos = self.rng.integers(0, n, size=k)
        ch = self.rng.integers(0, 2, size=k)
        x[ch, pos] = (self.rng.standard_normal(k) * amp).astype(np.float32)
        return x

    def _frame(self, start: int, n: int) -> np.ndarray:
        """Generate samples ``[start, start + n)`` of the piece (one fixed frame)."""
        return self.row.frame(self, start, n)


# ------------------------------------------------------------------------------------------
# Frame functions: ``frame(texture, start, n) -> (2, n) float32`` at the internal rate.
# Each draws its noise and runs its bands in a fixed order (the random stream depends on it).
# ------------------------------------------------------------------------------------------

ENVELOPE_STEP_N = 64  # slow envelopes are evaluated every ENVELOPE_STEP_N internal samples


def _envelope_knots(curve: Callable[[np.ndarray], np.ndarray], tex: Texture, start: int,
                    n: int) -> tuple[np.ndarray, int]:
    """``(knots, offset)``: ``curve`` (float64) at every :data:`ENVELOPE_STEP_N`-th sample of
    the piece's grid from the one at or before ``start`` to the one at or after
    ``start + n``, and where ``start`` falls after the first of them."""
    first = start // ENVELOPE_STEP_N
    n_steps = -(-(start + n) // ENVELOPE_STEP_N) - first
    knots_t = (first + np.arange(n_steps + 1)) * (ENVELOPE_STEP_N / tex.sample_rate)
    return curve(knots_t), start - first * ENVELOPE_STEP_N


def _slow_envelope(curve: Callable[[np.ndarray], np.ndarray], tex: Texture, start: int,
                   n: int) -> np.ndarray:
    """``curve(t)`` for samples ``[start, start + n)``, as float32, at control rate.

    The textures' envelopes move over seconds (the fastest, the shimmer's 0.29 Hz tremolo,
    has a 3.4 s period), so the float64 transcendental formula is evaluated only every
    ``ENVELOPE_STEP_N`` samples (2.9 ms at 22.05 kHz), on a grid fixed to the piece's start,
    and joined by straight lines in float32: for these curves the lines stay within 4e-6 of
    the formula (below -108 dB; measured, the tremolo the worst), at a small part of a
    per-sample ``sin`` and power's cost. A signal that is only multiplied by the envelope
    takes :func:`_scale_slowly` instead (the same floats, no envelope array).

    The lines are drawn by :func:`_scale_slowly` onto ones (``1 * v`` is ``v``): the
    float32 knots, steps, ramp and line of the numpy outer product they replaced (which the
    tests keep), without its broadcast over 64-sample rows.
    """
    out = np.ones(n, dtype=np.float32)
    _scale_slowly(out, curve, tex, start)
    return out


def _scale_slowly(x: np.ndarray, curve: Callable[[np.ndarray], np.ndarray], tex: Texture,
                  start: int) -> None:
    """``x *= _slow_envelope(curve, tex, start, n)`` in place, for float32 ``x`` of shape
    ``(n,)`` or ``(channels, n)`` (C-contiguous): each line drawn while it is applied
    (:func:`moodc.dsp.compiled.scale_by_curve`, the motion curves' kernel: the same float32
    knots, steps, ramp, line and product), without the envelope's two block-sized passes."""
    if x.shape[-1] == 0:
        return
    values, offset = _envelope_knots(curve, tex, start, x.shape[-1])
    for row in x.reshape(-1, x.shape[-1]):
        compiled.scale_by_curve(row, values, offset, ENVELOPE_STEP_N)


#: Shimmer partials: (semitones above the tonic at C6, tremolo rate Hz).
SHIMMER_PARTIALS: tuple[tuple[int, float], ...] = ((0, 0.13), (7, 0.21), (12, 0.29), (19, 0.17))


def _shimmer_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """High sine partials on the tonic, each with a slow squared tremolo, panned apart."""
    out = np.zeros((2, n), dtype=np.float32)
    for k, (interval, rate_hz) in enumerate(SHIMMER_PARTIALS):
        freq_hz = midi_to_hz(84 + tex.ctl.root_pc + interval)
        if freq_hz > 0.45 * tex.sample_rate:
            continue
        # 0.25 of the partial on one side, 0.1 on the other
        _add_tremolo_sine(out[k % 2], out[1 - k % 2],
                          cycles_per_sample=freq_hz / tex.sample_rate,
                          curve=lambda t_s, rate_hz=rate_hz, k=k: _tremolo_curve(
                              t_s, rate_hz=rate_hz, k=k),
                          tex=tex, start=start, gain_a=float(np.float32(0.25)),
                          gain_b=float(np.float32(0.1)))
    return out


def _tremolo_curve(t_s: np.ndarray, *, rate_hz: float, k: int) -> np.ndarray:
    """Partial ``k``'s tremolo at ``t_s`` seconds: a squared raised sine at ``rate_hz``,
    each partial a radian further along (so they never swell together)."""
    return (0.5 + 0.5 * np.sin(2 * np.pi * rate_hz * t_s + k)) ** 2


def _vinyl_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """Faint surface hiss with crackle impulses (9 per second), band-limited."""
    x = tex.noise(n)  # drawn before the impulses (the random stream's order)
    x *= np.float32(0.04)  # numpy's float32 product with the Python 0.04, in place
    x += tex.impulses(n, 9.0, 6.0)
    return tex.band(0, x)


def _breath_curve(t_s: np.ndarray) -> np.ndarray:
    """The breath's level at ``t_s`` seconds: a raised squared sine, 5 s per breath."""
    return (0.1 + 0.9 * np.sin(np.pi * 0.2 * t_s) ** 2) ** 1.5


def _breath_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """Band-passed noise breathing in and out every 5 s."""
    out = tex.band(0, tex.noise(n))
    _scale_slowly(out, _breath_curve, tex, start)
    out *= np.float32(0.6)
    return out


def _rain_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """High hiss with drops (60 per second) over a low rumble of the same noise."""
    noise = tex.noise(n)
    drops = tex.impulses(n, 60.0, 4.0)
    drops += noise * np.float32(0.35)
    hiss = tex.band(0, drops)
    rumble = tex.band(1, noise)
    rumble *= np.float32(0.5)
    hiss += rumble
    return hiss


def _gust_curve(t_s: np.ndarray) -> np.ndarray:
    """The wind's gust in [0, 1] at ``t_s`` seconds: two slow incommensurate sines."""
    return 0.5 + 0.5 * np.sin(2 * np.pi * 0.061 * t_s) * np.sin(2 * np.pi * 0.023 * t_s + 1)


def _wind_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """Two noise bands cross-faded and swelled by slow, incommensurate gusts."""
    g = _slow_envelope(_gust_curve, tex, start, n)
    noise = tex.noise(n)
    low = tex.band(0, noise)
    high = tex.band(1, noise)
    # (low·(1 - 0.6g) + high·g)·(0.9g + 0.3), each step in float32, in one compiled pass
    # (the eight in-place numpy steps it replaced are the tests' reference)
    compiled.crossfade_swell(low, high, g, 0.6, 0.9, 0.3)
    return low


def _swell_curve(t_s: np.ndarray) -> np.ndarray:
    """The noise wash's level at ``t_s`` seconds: a raised squared sine, 25 s per swell."""
    return 0.35 + 0.65 * np.sin(np.pi * 0.04 * t_s) ** 2


def _noise_wash_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """Low-passed noise swelling over 25 s."""
    out = tex.band(0, tex.noise(n))
    _scale_slowly(out, _swell_curve, tex, start)
    return out


def _ocean_wave(t_s: np.ndarray) -> np.ndarray:
    """The ocean's wave in [0, 1] at ``t_s`` seconds: a squared raised cosine, 8.5 s."""
    return (0.5 - 0.5 * np.cos(2 * np.pi * t_s / 8.5)) ** 2


def _ocean_body_curve(t_s: np.ndarray) -> np.ndarray:
    """The ocean body's level: never silent, up with the wave."""
    return 0.15 + 0.85 * _ocean_wave(t_s)


def _ocean_foam_curve(t_s: np.ndarray) -> np.ndarray:
    """The foam's level: only near the wave's crest (its cube)."""
    return _ocean_wave(t_s) ** 3


def _ocean_frame(tex: Texture, start: int, n: int) -> np.ndarray:
    """A low body and high foam of one noise, shaped by an 8.5 s wave."""
    noise = tex.noise(n)
    body = tex.band(0, noise)
    _scale_slowly(body, _ocean_body_curve, tex, start)
    foam = tex.band(1, noise)
    _scale_slowly(foam, _ocean_foam_curve, tex, start)
    foam *= np.float32(0.5)
    body += foam
    return body


# ------------------------------------------------------------------------------------------
# Event functions: ``events(ctl, total_s=, rng=) -> (notes, hits)`` for sparkle textures.
# ------------------------------------------------------------------------------------------

Events = tuple[list[Note], list[Hit]]


def _star_events(ctl: Controls, *, total_s: float, rng: np.random.Generator) -> Events:
    """Random high scale pings, 1.2 per second on average (a Poisson process)."""
    notes: list[Note] = []
    n = int(rng.poisson(1.2 * total_s))
    times = np.sort(rng.uniform(0.0, total_s, n))
    for t in times:
        octave = int(rng.integers(0, 2))
        degree = ctl.scale[int(rng.integers(len(ctl.scale)))]
        notes.append(Note(float(t), 0.05, float(84 + 12 * octave + ctl.root_pc + degree),
                          float(rng.uniform(0.25, 0.6)), "_star",
                          pan=float(rng.uniform(-0.9, 0.9))))
    return notes, []


def _glitch_events(ctl: Controls, *, total_s: float, rng: np.random.Generator) -> Events:
    """Per bar: maybe a stuttered blip (60%), maybe a bit-crushed snare (40%)."""
    notes: list[Note] = []
    hits: list[Hit] = []
    sixteenth = ctl.beat_s / 4.0
    for bar_start in np.arange(0.0, total_s, ctl.bar_s):
        if rng.random() < 0.6:
            notes += _glitch_stutter(ctl, bar_start=bar_start, sixteenth_s=sixteenth, rng=rng)
        if rng.random() < 0.4:
            hits.append(Hit(bar_start + sixteenth * int(rng.integers(0, 4 * ctl.beats_per_bar)),
                            "chip_snare", 0.5, pan=float(rng.uniform(-0.8, 0.8))))
    return notes, hits


def _glitch_stutter(ctl: Controls, *, bar_start: float, sixteenth_s: float,
                    rng: np.random.Generator) -> list[Note]:
    """3-6 repeats of one high scale blip, 32nd notes apart, on a random sixteenth."""
    at = bar_start + sixteenth_s * int(rng.integers(0, 4 * ctl.beats_per_bar))
    repeats = int(rng.integers(3, 7))
    midi = float(84 + ctl.root_pc + ctl.scale[int(rng.integers(len(ctl.scale)))])
    pan = float(rng.uniform(-0.8, 0.8))
    return [Note(at + r * sixteenth_s / 2, sixteenth_s * 0.3, midi, 0.4, "square_8bit",
                 pan=pan) for r in range(repeats)]


# ------------------------------------------------------------------------------------------
# The style table
# ------------------------------------------------------------------------------------------

FrameFn = Callable[[Texture, int, int], np.ndarray]
EventFn = Callable[..., Events]


@dataclass(frozen=True)
class TextureStyle:
    """One texture style: its noise bands, its bed's frame function and/or its events.

    ``frame`` generates the continuous bed (None: the style has no bed, only events);
    ``bands`` are the filters it runs, in the order it calls :meth:`Texture.band`;
    ``events`` writes sparkle notes and hits (None: the style has no events).
    """

    bands: tuple[NoiseBand, ...] = ()
    frame: FrameFn | None = None
    events: EventFn | None = None

    @property
    def has_bed(self) -> bool:
        """Whether the style makes a continuous bed (a :class:`Texture`)."""
        return self.frame is not None


TEXTURE_STYLES: dict[str, TextureStyle] = {
    "shimmer": TextureStyle(frame=_shimmer_frame),
    "vinyl": TextureStyle(bands=(NoiseBand(400.0, 7000.0),), frame=_vinyl_frame),
    "breath": TextureStyle(bands=(NoiseBand(250.0, 1800.0),), frame=_breath_frame),
    "rain": TextureStyle(bands=(NoiseBand(1500.0, 9000.0), _lowpass(300.0)),
                         frame=_rain_frame),
    "wind": TextureStyle(bands=(NoiseBand(250.0, 800.0), NoiseBand(700.0, 2200.0)),
                         frame=_wind_frame),
    "stars": TextureStyle(events=_star_events),
    "noise_wash": TextureStyle(bands=(_lowpass(1500.0),), frame=_noise_wash_frame),
    "glitch": TextureStyle(events=_glitch_events),
    "ocean": TextureStyle(bands=(_lowpass(700.0), NoiseBand(2000.0, 7000.0)),
                          frame=_ocean_frame),
}


def texture_events(ctl: Controls, *, style: str, n_beats: float,
                   rng: np.random.Generator) -> Events:
    """Events of the sparkle textures (:attr:`TextureStyle.events`; none for the others),
    cut at ``n_beats`` beats."""
    events = TEXTURE_STYLES[style].events
    if events is None:
        return [], []
    total_s = n_beats * ctl.beat_s
    notes, hits = events(ctl, total_s=total_s, rng=rng)
    return [n for n in notes if n.start_s < total_s], [h for h in hits if h.start_s < total_s]
