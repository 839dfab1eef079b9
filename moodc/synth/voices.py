"""Band-limited oscillators, click-free envelopes and one voice per instrument.

Each instrument is a function ``(freq_hz, *, n_samples, sample_rate, cutoff_hz, glide_st)
-> float32 array`` that returns its *raw* tone (intrinsic decay included, no gate envelope);
:func:`render_note` multiplies it by an ADSR that starts at zero and releases to exactly zero,
so no note can click at its start, its end or a chord change.

Aliasing: every periodic tone is read from a single-cycle table built additively from
harmonics below 0.45 × sample rate (and weighted by a 2nd-order low-pass response at
``cutoff_hz``, which is how ``brightness`` reaches the timbre at no filtering cost). FM voices
limit their index so the sidebands stay below Nyquist; Karplus-Strong voices are excited by
band-limited noise and low-pass filtered in the loop.

Raw tones are *prefix-consistent* (the first k samples do not depend on how many were asked
for), so a cache can extend them and streaming in blocks gives identical audio.
"""

from __future__ import annotations

import functools
import math
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np
from moodc.dsp.design import butter_sos, leaky_dc_blocker_sos
from moodc.dsp.sosfilt import sosfilt

TABLE_SIZE = 32768  # single-cycle table length: nearest-sample lookup stays below -60 dB error
# (a band-limited saw at 220 Hz: -62 dB; smoother voices far lower), 2.6x faster than linear
# interpolation in a 2048 table, and 128 KiB still sits in the CPU cache
MAX_HARMONIC_FRACTION = 0.45  # highest partial as a fraction of the sample rate


def midi_to_hz(midi: float) -> float:
    """Equal-tempered frequency of a (fractional) MIDI pitch, A4 = 69 = 440 Hz."""
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _lowpass_weight(freqs_hz: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """Magnitude of a 2nd-order Butterworth low-pass at ``freqs_hz``."""
    return 1.0 / np.sqrt(1.0 + (freqs_hz / max(cutoff_hz, 20.0)) ** 4)


def _noise(name: str, n_samples: int) -> np.ndarray:
    """A fixed white-noise sequence for ``name`` (prefix-consistent, seed-independent).

    Instrument noise (breath, excitation) is part of the *timbre*, not of the performance, so
    it is the same every time; the performance randomness comes from the seeded layers.
    """
    size = 1 << max(int(n_samples - 1).bit_length(), 12)
    return _noise_table(name, size)[:n_samples]


@functools.lru_cache(maxsize=32)
def _noise_table(name: str, size: int) -> np.ndarray:
    """The first ``size`` samples of ``name``'s noise (a pure function, memoised: the same
    generator always yields the same prefix, so a longer table extends a shorter one)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    table = rng.standard_normal(size).astype(np.float32)
    table.flags.writeable = False
    return table


def harmonic_table(amps: np.ndarray, *, phases: np.ndarray | None = None) -> np.ndarray:
    """A single-cycle table (length ``TABLE_SIZE + 1``, wrap guard) from harmonic amplitudes.

    ``amps[k-1]`` is the amplitude of harmonic k (sine phase unless ``phases`` given).
    """
    spectrum = np.zeros(TABLE_SIZE // 2 + 1, dtype=np.complex128)
    k = np.arange(1, len(amps) + 1)
    ph = np.zeros(len(amps)) if phases is None else phases
    spectrum[k] = amps * np.exp(1j * (ph - np.pi / 2)) * (TABLE_SIZE / 2)
    # single-precision transform: ~1.6x faster, errors ~1e-7 (the nearest-sample read is -60 dB)
    table = np.fft.irfft(spectrum.astype(np.complex64), n=TABLE_SIZE)
    return np.append(table, table[0]).astype(np.float32)


PHASE_BITS = 32  # integer phase accumulator: one cycle = 2**32, wraps for free
TABLE_BITS = 15  # log2(TABLE_SIZE)
CONTROL_N = 32  # pitch modulation (vibrato, glides) is computed every CONTROL_N samples


def read_table(table: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Read ``table`` at integer phase ``phase`` (uint32, 2**32 = one cycle), nearest sample."""
    # an explicit intp index and take(): 3x faster than fancy indexing with uint32
    return np.take(table, (phase >> np.uint32(PHASE_BITS - TABLE_BITS)).astype(np.intp))


def phase_track(freq_hz: float, *, n_samples: int, sample_rate: int, vibrato_hz: float = 0.0,
                vibrato_cents: float = 0.0, vibrato_delay_s: float = 0.0,
                glide_st: float = 0.0, glide_s: float = 0.06,
                offset_cycles: float = 0.0) -> np.ndarray:
    """Integer phase (uint32, 2**32 per cycle) of a tone with vibrato and an initial glide.

    A numerically-controlled oscillator: the per-sample increment is accumulated in uint32
    arithmetic, which wraps exactly, so phase never loses precision however long the note.
    Pitch modulation is evaluated every ``CONTROL_N`` samples (the phase stays continuous).
    The glide starts ``glide_st`` semitones away and reaches the pitch after ``glide_s``;
    vibrato fades in after ``vibrato_delay_s``. Prefix-consistent: the first k samples do
    not depend on ``n_samples``.
    """
    scale = 2.0**PHASE_BITS / sample_rate
    start = np.uint32(int(offset_cycles * 2.0**PHASE_BITS) % 2**PHASE_BITS)
    if not glide_st and not (vibrato_hz and vibrato_cents):
        inc = np.uint32(int(round(freq_hz * scale)) % 2**PHASE_BITS)
        return np.arange(n_samples, dtype=np.uint32) * inc + start
    n_ctrl = n_samples // CONTROL_N + 1
    t = np.arange(n_ctrl) * (CONTROL_N / sample_rate)
    cents = np.zeros(n_ctrl)
    if glide_st:
        cents += 100.0 * glide_st * np.clip(1.0 - t / glide_s, 0.0, 1.0) ** 2
    if vibrato_hz and vibrato_cents:
        fade = np.clip((t - vibrato_delay_s) / 0.3, 0.0, 1.0)
        cents += vibrato_cents * fade * np.sin(2 * np.pi * vibrato_hz * t)
    inc = np.round(freq_hz * np.exp2(cents / 1200.0) * scale).astype(np.uint32)
    # phase[i] = start + sum(inc[l // CONTROL_N] for 1 <= l <= i), in uint32 (wrapping):
    # the phase at each control point by a short cumsum, then base + j·inc per control period
    # (the same integers as a per-sample cumsum, 3-4x faster)
    base = np.empty(n_ctrl, dtype=np.uint32)
    base[0] = start
    if n_ctrl > 1:
        np.cumsum(inc[:-1] * np.uint32(CONTROL_N - 1) + inc[1:], dtype=np.uint32, out=base[1:])
        base[1:] += start
    ramp = np.arange(CONTROL_N, dtype=np.uint32)
    return (base[:, None] + inc[:, None] * ramp[None, :]).reshape(-1)[:n_samples]


def _n_harmonics(freq_hz: float, sample_rate: int, *, headroom: float = 1.06) -> int:
    """How many harmonics of ``freq_hz`` (with pitch-bend headroom) fit below the limit."""
    return max(1, int(MAX_HARMONIC_FRACTION * sample_rate / (freq_hz * headroom)))


def additive_tone(amps_fn: Callable[[np.ndarray, np.ndarray], np.ndarray], freq_hz: float, *,
                  n_samples: int, sample_rate: int, cutoff_hz: float,
                  detune_cents: tuple[float, ...] = (0.0,), vibrato_hz: float = 0.0,
                  vibrato_cents: float = 0.0, vibrato_delay_s: float = 0.0,
                  glide_st: float = 0.0,
                  voice_gains: tuple[float, ...] | None = None) -> np.ndarray:
    """A band-limited periodic tone (or an ensemble of detuned copies) from a harmonic recipe.

    ``amps_fn(k, freqs_hz)`` gives the amplitude of harmonic numbers ``k`` at ``freqs_hz``.
    Each detuned copy uses a slightly different vibrato phase so the ensemble breathes.
    """
    out = np.zeros(n_samples, dtype=np.float32)
    for i, cents in enumerate(detune_cents):
        f = freq_hz * 2.0 ** (cents / 1200.0)
        k = np.arange(1, _n_harmonics(f, sample_rate) + 1)
        amps = amps_fn(k, k * f) * _lowpass_weight(k * f, cutoff_hz)
        table = harmonic_table(amps)
        ph = phase_track(f, n_samples=n_samples, sample_rate=sample_rate,
                         vibrato_hz=vibrato_hz * (1.0 + 0.07 * i), vibrato_cents=vibrato_cents,
                         vibrato_delay_s=vibrato_delay_s, glide_st=glide_st,
                         offset_cycles=0.37 * i)
        gain = 1.0 if voice_gains is None else voice_gains[i]
        out += np.float32(gain) * read_table(table, ph)
    gains = np.ones(len(detune_cents)) if voice_gains is None else np.asarray(voice_gains)
    return out / np.float32(np.sqrt(np.sum(gains**2)))


def modal_tone(partials: tuple[tuple[float, float, float], ...], freq_hz: float, *,
               n_samples: int, sample_rate: int, cutoff_hz: float) -> np.ndarray:
    """Struck-bar/bell tone: partials ``(ratio, amplitude, decay_s)`` each decaying exponentially.

    Each partial is computed only while it is louder than -80 dB, which keeps long bells cheap.
    Partials at or above the harmonic limit are dropped (no aliasing).
    """
    out = np.zeros(n_samples, dtype=np.float32)
    for ratio, amp, decay_s in partials:
        f = freq_hz * ratio
        if f >= MAX_HARMONIC_FRACTION * sample_rate:
            continue
        n = min(n_samples, int(decay_s * 9.2 * sample_rate) + 1)  # exp(-9.2) = -80 dB
        t = np.arange(n, dtype=np.float32) / np.float32(sample_rate)
        gain = amp * float(_lowpass_weight(np.array([f]), cutoff_hz)[0])
        out[:n] += gain * np.exp(-t / np.float32(decay_s)) * np.sin(np.float32(2 * np.pi * f) * t)
    return out


def karplus_strong(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                   decay_s: float, pluck_position: float, name: str) -> np.ndarray:
    """Plucked string: a noise burst circulating in a delay loop with a low-pass.

    The loop is ``y[i] = g·(c0·y[i-M] + c1·y[i-M-1] + c2·y[i-M-2])``, a 3-tap low-pass whose
    group delay (0.5..1.5 samples) tunes the period exactly to ``sample_rate / freq_hz``. It
    is vectorised one period at a time (every read is at least one period back). The
    excitation is comb-filtered at ``pluck_position`` (near the bridge = brighter, thinner).
    """
    period = sample_rate / freq_hz
    m = max(int(np.floor(period - 0.5)), 2)
    e = period - 0.5 - m
    taps = np.array([0.5 * (1.0 - e), 0.5, 0.5 * e], dtype=np.float32)
    g = np.float32(10.0 ** (-3.0 * period / (decay_s * sample_rate)))
    n_live = min(n_samples, int(decay_s * 1.6 * sample_rate) + m + 3)  # beyond: < -80 dB
    y = np.zeros(max(n_live, m + 3), dtype=np.float32)
    burst = _noise(name, m + 3).copy()
    sos = butter_sos(2, min(cutoff_hz, 0.45 * sample_rate), sample_rate=sample_rate)
    burst = sosfilt(sos, burst).astype(np.float32)
    shift = max(1, int(pluck_position * m))
    burst[shift:] -= burst[:-shift] * 0.9  # pick position comb: removes harmonics ~ 1/position
    burst *= np.hanning(m + 3).astype(np.float32) ** 0.25
    burst -= burst.mean()  # no DC: the loop would keep it circulating as a slow offset
    y[: m + 3] = burst / np.float32(np.abs(burst).max() + 1e-9)  # unit-peak excitation
    # one period at a time for the first k periods, then k periods at a time using the
    # loop filter applied k times (taps convolved k-fold, delay k·m): the same recursion
    # with k times fewer Python iterations for high notes (short periods)
    k = max(1, min(6, 384 // m))
    switch = min((k + 1) * m + 2 * k + 4, n_live)  # k-fold taps reach k·m + 2k back
    _ks_loop(y, taps * g, m, m + 2, switch)
    taps_k = np.array([1.0], dtype=np.float64)
    for _ in range(k):
        taps_k = np.convolve(taps_k, (taps * g).astype(np.float64))
    _ks_loop(y, taps_k.astype(np.float32), k * m, switch, n_live)
    # DC blocker (~15 Hz): the loop keeps the lowest frequencies longest, and without it
    # near-DC noise from the burst would drift under the note
    y = sosfilt(leaky_dc_blocker_sos(sample_rate=sample_rate, cutoff_hz=15.0), y)
    out = np.zeros(n_samples, dtype=np.float32)
    out[: min(n_samples, len(y))] = y[:n_samples]
    return out


def _ks_loop(y: np.ndarray, taps: np.ndarray, delay: int, start: int, stop: int) -> None:
    """In place: ``y[i] = Σ_j taps[j]·y[i - delay - j]`` for ``start <= i < stop``, in chunks
    of ``delay`` samples (each chunk reads only samples computed before it)."""
    n_taps = len(taps)
    while start < stop:
        end = min(start + delay, stop)
        acc = taps[0] * y[start - delay: end - delay]
        for j in range(1, n_taps):
            acc += taps[j] * y[start - delay - j: end - delay - j]
        y[start:end] = acc
        start = end


def fm_tone(freq_hz: float, *, n_samples: int, sample_rate: int, ratio: float,
            index_start: float, index_end: float, index_decay_s: float,
            amp_decay_s: float) -> np.ndarray:
    """Two-operator FM: ``sin(2πf t + I(t)·sin(2π·ratio·f t))`` with a decaying index.

    The index is capped so the significant sidebands (Carson: (I+1)·fm) stay below Nyquist.
    """
    fm = freq_hz * ratio
    limit = (MAX_HARMONIC_FRACTION * sample_rate - freq_hz) / fm - 1.0
    i0, i1 = min(index_start, max(limit, 0.0)), min(index_end, max(limit, 0.0))
    n_live = min(n_samples, int(amp_decay_s * 9.2 * sample_rate) + 1)  # then < -80 dB
    # integer phase accumulators (exact wrap) turned into float32 radians, float32 sines and
    # exponentials: about half the passes of float64 phases; a 1:1 ratio shares one phase
    index_n = np.arange(n_live, dtype=np.uint32)
    to_rad = np.float32(2.0 * np.pi / 2.0**PHASE_BITS)

    def radians(f_hz: float) -> np.ndarray:
        inc = np.uint32(int(round(f_hz * 2.0**PHASE_BITS / sample_rate)) % 2**PHASE_BITS)
        phase = (index_n * inc).astype(np.float32)
        phase *= to_rad
        return phase

    carrier = radians(freq_hz)
    tf = index_n.astype(np.float32)
    tf *= np.float32(1.0 / sample_rate)
    amp = np.exp(tf * np.float32(-1.0 / amp_decay_s))
    if i0 == 0.0 and i1 == 0.0:
        tone = np.sin(carrier)
    else:
        modulator = np.sin(carrier) if ratio == 1.0 else np.sin(radians(fm))
        index = np.exp(tf * np.float32(-1.0 / index_decay_s))
        index *= np.float32(i0 - i1)
        index += np.float32(i1)
        index *= modulator
        index += carrier
        tone = np.sin(index)
    tone *= amp
    out = np.zeros(n_samples, dtype=np.float32)
    out[:n_live] = tone
    return out


def breath_noise(name: str, freq_hz: float, *, n_samples: int, sample_rate: int,
                 bandwidth: float) -> np.ndarray:
    """Band-pass noise centred on ``freq_hz`` (the air of a flute), unit RMS."""
    low = max(freq_hz / bandwidth, 30.0)
    high = min(freq_hz * bandwidth * 2.0, 0.45 * sample_rate)
    sos = butter_sos(2, (low, high), btype="bandpass", sample_rate=sample_rate)
    noise = sosfilt(sos.astype(np.float32), _noise(name, n_samples))  # float32: faster
    # RMS of band-limited white noise ≈ sqrt(bandwidth / Nyquist): a closed form keeps the
    # result prefix-consistent (no dependence on how many samples were asked for)
    return noise / np.float32(np.sqrt(2.0 * (high - low) / sample_rate) + 1e-9)


# ------------------------------------------------------------------------------------------
# Harmonic recipes: amplitude of harmonic k (1-based) at frequency f_k.
# ------------------------------------------------------------------------------------------

def _saw(k: np.ndarray, f: np.ndarray) -> np.ndarray:
    return 1.0 / k


def _triangle(k: np.ndarray, f: np.ndarray) -> np.ndarray:
    return np.where(k % 2 == 1, ((-1.0) ** ((k - 1) // 2)) / k**2, 0.0)


def _pulse(duty: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return np.sin(np.pi * k * duty) / k
    return amps


def _formants(peaks: tuple[tuple[float, float, float], ...], tilt: float
              ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Harmonic weights shaped by resonances ``(centre_hz, bandwidth_hz, gain)``."""
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        env = np.full(k.shape, 0.02)
        for centre, bw, gain in peaks:
            env = env + gain / (1.0 + ((f - centre) / (bw / 2.0)) ** 2)
        return env / k**tilt
    return amps


# ------------------------------------------------------------------------------------------
# Instruments. Each says what makes it sound like itself.
# ------------------------------------------------------------------------------------------

def sine(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Pure sine with a second harmonic whisper: the plainest, roundest tone."""
    return additive_tone(lambda k, f: np.where(k == 1, 1.0, np.where(k == 2, 0.04, 0.0)),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=max(cutoff_hz, freq_hz * 2.5), glide_st=glide_st)


def triangle(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
             glide_st: float) -> np.ndarray:
    """Odd harmonics falling 12 dB/octave: soft, hollow, flute-like but electronic."""
    return additive_tone(_triangle, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, glide_st=glide_st)


def saw(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """All harmonics at 1/k, two voices 9 cents apart: the buzzy analogue-synth lead."""
    return additive_tone(_saw, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, detune_cents=(-4.5, 4.5), glide_st=glide_st,
                         voice_gains=(1.0, 0.6))


def square_8bit(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                glide_st: float) -> np.ndarray:
    """Chiptune pulse: duty steps 12.5 % → 25 % → 50 % like a game console's pulse channel.

    Hard-edged (no brightness low-pass below 6 kHz) and vibrato-free, the duty sweep over the
    first 120 ms gives the nasal-to-hollow "bleep" of 8-bit leads. Each duty change is a 4 ms
    crossfade, so it never clicks.
    """
    cut = max(cutoff_hz, 6000.0)
    tones = [additive_tone(_pulse(d), freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                           cutoff_hz=cut, glide_st=glide_st) for d in (0.125, 0.25, 0.5)]
    t = np.arange(n_samples) / sample_rate
    w1 = np.clip((t - 0.05) / 0.004, 0, 1).astype(np.float32)
    w2 = np.clip((t - 0.12) / 0.004, 0, 1).astype(np.float32)
    return tones[0] * (1 - w1) + tones[1] * (w1 - w2) + tones[2] * w2


def pluck(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Karplus-Strong string plucked mid-way: a bright attack that mellows as it decays."""
    return karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                          cutoff_hz=cutoff_hz * 2, decay_s=1.2 * (220 / freq_hz) ** 0.3,
                          pluck_position=0.3, name="pluck")


def bell(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Church-bell partials (hum 0.5, prime 1, minor-third tierce 1.19, quint 1.5, nominal 2,
    2.5, 3 ...): the inharmonic minor-third tierce is what makes a bell sound like a bell;
    high partials die first, the hum rings longest."""
    partials = ((0.5, 0.35, 4.0), (1.0, 1.0, 3.0), (1.19, 0.45, 2.2), (1.5, 0.3, 1.6),
                (2.0, 0.5, 1.3), (2.51, 0.25, 0.8), (3.01, 0.2, 0.5), (4.1, 0.12, 0.3))
    return modal_tone(partials, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 3)


def electric_piano(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                   glide_st: float) -> np.ndarray:
    """Tine piano: 1:1 FM whose index decays (bark → round) plus a short 14:1 tine ping."""
    body = fm_tone(freq_hz, n_samples=n_samples, sample_rate=sample_rate, ratio=1.0,
                   index_start=1.6 * min(1.0, cutoff_hz / 2500), index_end=0.25,
                   index_decay_s=0.35, amp_decay_s=2.5)
    tine = fm_tone(freq_hz * 14, n_samples=n_samples, sample_rate=sample_rate, ratio=1.0,
                   index_start=0.0, index_end=0.0, index_decay_s=1.0, amp_decay_s=0.03) \
        if freq_hz * 14 < MAX_HARMONIC_FRACTION * sample_rate else 0.0
    return body + 0.15 * tine


def organ(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Tonewheel drawbars 16' 8' 4' 2⅔' 2' (harmonics 0.5, 1, 2, 3, 4 of the key) with a
    6.7 Hz Leslie-like vibrato: steady, never decays, instantly on and off."""
    drawbars = {1: 0.5, 2: 1.0, 4: 0.7, 6: 0.5, 8: 0.45, 12: 0.2, 16: 0.15}

    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return np.array([drawbars.get(int(x), 0.0) for x in k])
    return additive_tone(amps, freq_hz / 2, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=6.7, vibrato_cents=6.0,
                         glide_st=glide_st)


def strings(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """String section: three saws detuned ±8 cents, each with its own 5.5 Hz vibrato, and a
    bowed-body resonance around 2.5 kHz; the ensemble shimmer is the chorus of players."""
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return (1.0 / k) * (0.6 + 0.8 / (1.0 + ((f - 2500.0) / 1500.0) ** 2))
    return additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, detune_cents=(-6.0, 0.0, 7.0),
                         vibrato_hz=5.5, vibrato_cents=9.0, vibrato_delay_s=0.25,
                         glide_st=glide_st, voice_gains=(0.6, 1.0, 0.6))


def brass(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Brass: brightness grows with breath pressure — a dull table blooms into a bright one
    over 90 ms, with a lip scoop from a third of a semitone flat."""
    kw = dict(n_samples=n_samples, sample_rate=sample_rate, glide_st=glide_st - 0.3,
              vibrato_hz=5.0, vibrato_cents=7.0, vibrato_delay_s=0.4)
    dull = additive_tone(lambda k, f: 1.0 / k**2, freq_hz, cutoff_hz=cutoff_hz * 0.5, **kw)
    bright = additive_tone(lambda k, f: 1.0 / k**0.9, freq_hz, cutoff_hz=cutoff_hz * 1.2, **kw)
    w = np.clip(np.arange(n_samples) / (0.09 * sample_rate), 0, 1).astype(np.float32)
    return dull * (1 - w) + 0.8 * bright * w


def flute(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Concert flute: nearly sine (weak 2nd/3rd harmonics) plus band-passed breath noise and
    a gentle 5 Hz vibrato that arrives after the note speaks."""
    tone = additive_tone(lambda k, f: np.array([1.0, 0.25, 0.12, 0.05, 0.03][: len(k)]
                                               + [0.0] * max(0, len(k) - 5)),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=5.0, vibrato_cents=10.0,
                         vibrato_delay_s=0.2, glide_st=glide_st)
    air = breath_noise("flute", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=1.6)
    return tone + 0.08 * air


def choir(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Voices singing "ah": harmonics shaped by vowel formants (800, 1150, 2900 Hz), three
    singers slightly out of tune with independent vibrato."""
    amps = _formants(((800.0, 160.0, 1.0), (1150.0, 220.0, 0.6), (2900.0, 400.0, 0.25)), 0.6)
    return additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, detune_cents=(-10.0, 2.0, 11.0),
                         voice_gains=(0.7, 1.0, 0.7),
                         vibrato_hz=5.2, vibrato_cents=14.0, vibrato_delay_s=0.3,
                         glide_st=glide_st)


def marimba(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Tuned wooden bar: fundamental plus the 4th and ~10th partials that a marimba bar is
    cut to produce, all dying fast — a warm "tok" with a short woody ring."""
    partials = ((1.0, 1.0, 0.5), (3.99, 0.35, 0.12), (9.9, 0.12, 0.03))
    return modal_tone(partials, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 3)


def celesta(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Hammered steel plates over wooden resonators: a sweet pure fundamental with a glassy
    bright strike partial (×4 and ×6.8) that vanishes in a tenth of a second."""
    partials = ((1.0, 1.0, 1.1), (2.0, 0.15, 0.5), (4.0, 0.3, 0.1), (6.8, 0.15, 0.05))
    return modal_tone(partials, freq_hz * 2, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 4)


def koto(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Silk string plucked near the bridge with a plectrum (bright, thin) and pressed behind
    the bridge for an upward bend at the start (oshide)."""
    tone = karplus_strong(freq_hz * 2 ** (-0.4 / 12), n_samples=n_samples,
                          sample_rate=sample_rate, cutoff_hz=cutoff_hz * 3, decay_s=1.6,
                          pluck_position=0.12, name="koto")
    return tone


def oud(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """Fretless short-necked lute: paired gut courses (two strings 6 cents apart) plucked
    with a risha mid-string — dark, woody, quickly decaying, gently chorused."""
    kw = dict(n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 1.2,
              decay_s=0.9, pluck_position=0.22)
    a = karplus_strong(freq_hz, name="oud_a", **kw)
    b = karplus_strong(freq_hz * 2 ** (6 / 1200), name="oud_b", **kw)
    return 0.7 * (a + b)


def sitar(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Sitar: the jawari (flat bridge) makes the string buzz — a nonlinearity that keeps
    regenerating high partials — over sympathetic strings that ring at the octave and fifth."""
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 3, decay_s=2.2, pluck_position=0.08,
                            name="sitar")
    # jawari: the string grazes the curved bridge at a point that moves as the note decays,
    # a comb (x[n] - x[n-d]) whose delay sweeps from P/11 to P/4 — the buzzing "zing" that
    # opens up after the attack. Linear, so band-limited (a waveshaper would alias).
    period = sample_rate / freq_hz
    buzz = np.zeros(n_samples, dtype=np.float32)
    w = np.clip(np.arange(n_samples) / (0.6 * sample_rate), 0, 1).astype(np.float32)
    for delay_frac, weight in ((1 / 11, 1.0 - w), (1 / 4, w)):
        d = max(1, int(round(period * delay_frac)))
        comb = string.copy()
        comb[d:] -= string[:-d]
        buzz += comb * weight
    sympathetic = modal_tone(((2.0, 0.12, 2.5), (3.0, 0.08, 2.0), (4.0, 0.05, 1.5)),
                             freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                             cutoff_hz=cutoff_hz * 3)
    fade = np.clip(np.arange(n_samples) / (0.25 * sample_rate), 0, 1).astype(np.float32)
    return 0.5 * string + 0.9 * buzz + sympathetic * fade


def shehnai(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Nasal double reed: a weak fundamental under a strong formant around 1.4 kHz and rich
    upper harmonics, with a wide, fast 6 Hz vibrato and meend-like scoops into notes."""
    amps = _formants(((1400.0, 700.0, 1.0), (2800.0, 900.0, 0.35)), 0.3)
    return additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2.5, vibrato_hz=6.2, vibrato_cents=22.0,
                         vibrato_delay_s=0.1, glide_st=glide_st - 0.7)


def ney(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """End-blown reed flute: a soft hollow tone buried in a lot of breath, slow wavering
    vibrato and a breathy scoop into each note."""
    tone = additive_tone(lambda k, f: np.where(k % 2 == 1, 1.0 / k**2.2, 0.08 / k**2),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 1.5, vibrato_hz=4.3, vibrato_cents=16.0,
                         vibrato_delay_s=0.25, glide_st=glide_st - 0.5)
    air = breath_noise("ney", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=2.5)
    return tone + 0.3 * air


def bansuri(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Bamboo transverse flute: sweeter and brighter than the ney (2nd and 3rd harmonics
    present), a little breath, and a quick expressive vibrato."""
    tone = additive_tone(lambda k, f: 1.0 / k**2.5 * np.where(k <= 4, 1.0, 0.2),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=5.8, vibrato_cents=12.0,
                         vibrato_delay_s=0.15, glide_st=glide_st)
    air = breath_noise("bansuri", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=1.8)
    return tone + 0.12 * air


def tuba(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Tuba: a huge bore means strong low harmonics rolling off above ~700 Hz, a soft tongued
    attack that blooms, and no vibrato — round, heavy, buttery."""
    cut = min(cutoff_hz, 700.0 * max(cutoff_hz / 4000.0, 0.4))
    kw = dict(n_samples=n_samples, sample_rate=sample_rate, glide_st=glide_st - 0.2)
    dull = additive_tone(lambda k, f: 1.0 / k**2.2, freq_hz, cutoff_hz=cut * 0.6, **kw)
    full = additive_tone(lambda k, f: 1.0 / k**1.3, freq_hz, cutoff_hz=cut, **kw)
    w = np.clip(np.arange(n_samples) / (0.12 * sample_rate), 0, 1).astype(np.float32)
    return dull * (1 - w) + full * w


def calliope(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
             glide_st: float) -> np.ndarray:
    """Steam calliope: two whistle pipes beating against each other (~12 cents apart), a
    shrill odd-harmonic whistle with a fast wide vibrato and a hiss of steam."""
    tone = additive_tone(lambda k, f: np.where(k % 2 == 1, 1.0 / k**1.5, 0.1 / k),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, detune_cents=(-6.0, 6.0),
                         vibrato_hz=7.5, vibrato_cents=25.0, glide_st=glide_st,
                         voice_gains=(1.0, 0.45))
    hiss = breath_noise("calliope", freq_hz * 3, n_samples=n_samples, sample_rate=sample_rate,
                        bandwidth=2.0)
    return tone + 0.06 * hiss


def star_ping(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
              glide_st: float) -> np.ndarray:
    """A faint high sine ping with a soft octave: one twinkling star (texture only)."""
    return modal_tone(((1.0, 1.0, 0.35), (2.0, 0.15, 0.15)), freq_hz, n_samples=n_samples,
                      sample_rate=sample_rate, cutoff_hz=cutoff_hz * 4)


def wind_chime(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
               glide_st: float) -> np.ndarray:
    """Aluminium tube chime: free-free bar partials 1, 2.76, 5.40, long shimmering decay."""
    return modal_tone(((1.0, 1.0, 2.0), (2.76, 0.5, 1.2), (5.40, 0.25, 0.6)), freq_hz,
                      n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 4)


def glockenspiel(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                 glide_st: float) -> np.ndarray:
    """Steel bars struck with hard mallets: bright partials 1, 2.71, 5.15 ringing ~1.5 s."""
    return modal_tone(((1.0, 1.0, 1.4), (2.71, 0.45, 0.5), (5.15, 0.25, 0.2)), freq_hz,
                      n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 5)


@dataclass(frozen=True)
class Instrument:
    """An instrument: its raw-tone function, envelope (seconds / level), base cutoff and gain.

    ``percussive`` voices decay by themselves (sustain 1 means "let the raw tone decay").
    """

    tone: Callable[..., np.ndarray]
    attack_s: float
    decay_s: float
    sustain: float
    release_s: float
    cutoff_hz: float
    gain: float
    percussive: bool = False

    @property
    def glides(self) -> bool:
        """Whether the voice can bend pitch (struck and plucked voices cannot)."""
        return not self.percussive


#: Instrument name → voice. Gains roughly level-match the voices by ear/RMS.
INSTRUMENT_VOICES: dict[str, Instrument] = {
    "sine": Instrument(sine, 0.01, 0.1, 0.9, 0.08, 4000.0, 0.65),
    "triangle": Instrument(triangle, 0.008, 0.1, 0.85, 0.08, 6000.0, 0.65),
    "saw": Instrument(saw, 0.01, 0.2, 0.75, 0.1, 2500.0, 0.5),
    "square_8bit": Instrument(square_8bit, 0.003, 0.05, 0.8, 0.02, 8000.0, 0.55),
    "pluck": Instrument(pluck, 0.002, 0.0, 1.0, 0.08, 3500.0, 2.7, True),
    "bell": Instrument(bell, 0.002, 0.0, 1.0, 0.4, 5000.0, 0.45, True),
    "electric_piano": Instrument(electric_piano, 0.003, 0.0, 1.0, 0.12, 3000.0, 0.75, True),
    "organ": Instrument(organ, 0.006, 0.0, 1.0, 0.04, 5000.0, 0.4),
    "strings": Instrument(strings, 0.25, 0.3, 0.85, 0.5, 3500.0, 0.55),
    "brass": Instrument(brass, 0.04, 0.2, 0.8, 0.12, 3000.0, 0.6),
    "flute": Instrument(flute, 0.06, 0.1, 0.9, 0.12, 5000.0, 0.6),
    "choir": Instrument(choir, 0.3, 0.3, 0.9, 0.6, 4000.0, 1.1),
    "marimba": Instrument(marimba, 0.002, 0.0, 1.0, 0.1, 4000.0, 0.8, True),
    "celesta": Instrument(celesta, 0.002, 0.0, 1.0, 0.25, 6000.0, 0.65, True),
    "koto": Instrument(koto, 0.002, 0.0, 1.0, 0.15, 4500.0, 3.8, True),
    "oud": Instrument(oud, 0.002, 0.0, 1.0, 0.1, 2500.0, 2.6, True),
    "sitar": Instrument(sitar, 0.002, 0.0, 1.0, 0.2, 4500.0, 1.8, True),
    "shehnai": Instrument(shehnai, 0.03, 0.1, 0.85, 0.08, 4500.0, 0.55),
    "ney": Instrument(ney, 0.09, 0.1, 0.9, 0.15, 3500.0, 0.6),
    "bansuri": Instrument(bansuri, 0.05, 0.1, 0.9, 0.12, 4500.0, 0.6),
    "tuba": Instrument(tuba, 0.05, 0.2, 0.85, 0.1, 1500.0, 0.55),
    "calliope": Instrument(calliope, 0.01, 0.05, 0.9, 0.05, 5000.0, 0.55),
    # private voices of the accent and texture layers (not user-selectable instruments)
    "_star": Instrument(star_ping, 0.002, 0.0, 1.0, 0.5, 8000.0, 0.6, True),
    "_chime": Instrument(wind_chime, 0.002, 0.0, 1.0, 1.5, 8000.0, 0.6, True),
    "_glock": Instrument(glockenspiel, 0.002, 0.0, 1.0, 1.0, 8000.0, 0.7, True),
}


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
            slope = (y1 - y0) / (x1 - x0)
            ramp = np.arange(a, b, dtype=np.float64)
            ramp -= x0
            ramp *= slope
            ramp += y0
            out[a - start: b - start] = ramp
    if stop == n_total:
        out[-1] = 0.0  # exactly zero at the end, whatever the rounding of the ramp
    return out


#: Raw tones are synthesized for at most this long. Longer sustained notes loop the tone's
#: second half with a crossfade (like a sampler); longer percussive notes have decayed.
MAX_RAW_S = 6.0
LOOP_START_S = 3.0
LOOP_XFADE_S = 0.25


class RawTone:
    """A raw tone of bounded length that can be read at any sample index, however long.

    ``value(i)`` is the synthesized tone for ``i < B - X`` (B = loop end, X = crossfade). From
    there a sustained tone continues with the loop ``tone[A:B]`` whose last X samples are
    crossfaded into ``tone[A-X:A]``, so both the entry into the loop and every wrap are
    continuous. A percussive tone fades to zero over its last second instead. Every value
    depends only on ``i``, never on which samples were asked for first.
    """

    def __init__(self, make: Callable[[int], np.ndarray], *, sample_rate: int,
                 percussive: bool, period_n: float) -> None:
        self.make = make
        self.percussive = percussive
        self.cap = int(MAX_RAW_S * sample_rate)
        # the loop spans a whole number of fundamental periods, so a steady tone's loop
        # seam joins waveforms in phase (and the crossfade is then inaudible)
        nominal = self.cap - int(LOOP_START_S * sample_rate) - period_n
        self.loop_n = int(round(max(round(nominal / period_n), 1) * period_n))
        self.loop_start = int(LOOP_START_S * sample_rate)
        self.xfade = int(LOOP_XFADE_S * sample_rate)
        self.fade_n = int(1.0 * sample_rate)
        self.tone = np.zeros(0, dtype=np.float32)
        self.loop: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.tone) + (0 if self.loop is None else len(self.loop))

    def _ensure(self, n: int) -> None:
        """Synthesize at least ``min(n, cap)`` samples (doubling, prefix-consistent)."""
        n = min(n, self.cap)
        if len(self.tone) >= n:
            return
        size = min(max(n, 2 * len(self.tone), 8192), self.cap)
        tone = self.make(size).astype(np.float32)
        if self.percussive and size > self.cap - self.fade_n:
            fade = np.clip((self.cap - np.arange(size)) / self.fade_n, 0.0, 1.0)
            tone *= fade.astype(np.float32)
        self.tone = tone

    def _loop(self) -> np.ndarray:
        if self.loop is None:
            self._ensure(self.cap)
            a, x = self.loop_start, self.xfade
            b = a + self.loop_n
            loop = self.tone[a:b].copy()
            out_seg, in_seg = self.tone[b - x: b], self.tone[a - x: a]
            # crossfade law from the segments' correlation rho: constant power when they are
            # unrelated (ensembles, vibrato), constant amplitude when they match (steady tones)
            rho = float(np.dot(out_seg, in_seg)
                        / (np.linalg.norm(out_seg) * np.linalg.norm(in_seg) + 1e-12))
            ramp = np.linspace(0.0, 1.0, x)
            g_out, g_in = np.sqrt(1.0 - ramp), np.sqrt(ramp)
            norm = np.sqrt(1.0 + 2.0 * rho * g_out * g_in)
            loop[-x:] = ((g_out / norm) * out_seg + (g_in / norm) * in_seg).astype(np.float32)
            self.loop = loop
        return self.loop

    def slice(self, start: int, stop: int, *, total: int = 0) -> np.ndarray:
        """Samples ``[start, stop)`` of the tone (float32).

        ``total`` (the whole note's length) lets the first call synthesize everything the
        note will need at once instead of growing the tone block by block.
        """
        edge = self.cap if self.percussive else self.loop_start + self.loop_n - self.xfade
        if total:
            self._ensure(min(total, edge))
        if stop <= edge:
            self._ensure(stop)
            return self.tone[start:stop]
        out = np.zeros(stop - start, dtype=np.float32)
        head = max(min(edge, stop) - start, 0)
        if head:
            self._ensure(start + head)
            out[:head] = self.tone[start: start + head]
        if self.percussive:
            return out  # faded to zero at the cap, silent after
        loop = self._loop()
        pos, i = (start + head - self.loop_start) % len(loop), head
        while i < len(out):  # copy whole runs of the loop, wrapping as often as needed
            take = min(len(loop) - pos, len(out) - i)
            out[i: i + take] = loop[pos: pos + take]
            i, pos = i + take, 0
        return out


class NoteCache:
    """Bounded LRU cache of raw tones and drum sounds, keyed by everything that shapes them.

    A hit returns the identical samples a miss would compute, so caching never changes audio.
    """

    def __init__(self, *, max_samples: int = 5_000_000) -> None:
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._max = max_samples
        #: raw-tone key -> the longest note (samples) the piece will ask of it, so a tone is
        #: synthesized once at its final length instead of regrown (and recomputed) per note
        self.length_hints: dict[tuple, int] = {}

    def hint(self, key: tuple, n_samples: int) -> None:
        """Record that the item ``key`` will be read up to ``n_samples``."""
        if n_samples > self.length_hints.get(key, 0):
            self.length_hints[key] = n_samples

    def _size(self, value: object) -> int:
        return value.size if isinstance(value, (np.ndarray, RawTone)) else 0

    def _evict(self) -> None:
        total = sum(self._size(v) for v in self._items.values())
        while total > self._max and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            total -= self._size(old)

    def get(self, key: tuple, make: Callable[[], object]) -> object:
        """The item for ``key``, computing it with ``make`` on a miss."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        self._evict()
        return value


def note_length(instrument: str, *, n_gate: int, sample_rate: int) -> int:
    """Samples a note lasts for this instrument and gate (gate + release)."""
    voice = INSTRUMENT_VOICES[instrument]
    n_release = max(int(voice.release_s * sample_rate), int(0.01 * sample_rate))
    return max(n_gate, int(0.005 * sample_rate)) + n_release


def _raw_key(instrument: str, *, midi: float, sample_rate: int, cutoff_scale: float,
             glide_st: float) -> tuple:
    voice = INSTRUMENT_VOICES[instrument]
    glide_st = glide_st if voice.glides else 0.0  # one cache entry, not one per slide
    return ("raw", instrument, midi, sample_rate, cutoff_scale, glide_st)


def hint_note(instrument: str, *, midi: float, n_gate: int, sample_rate: int,
              cutoff_scale: float, glide_st: float, cache: NoteCache) -> None:
    """Tell ``cache`` a note with these arguments will be rendered (see ``length_hints``)."""
    key = _raw_key(instrument, midi=midi, sample_rate=sample_rate, cutoff_scale=cutoff_scale,
                   glide_st=glide_st)
    cache.hint(key, note_length(instrument, n_gate=n_gate, sample_rate=sample_rate))


def note_segment(instrument: str, *, midi: float, n_gate: int, start: int, stop: int,
                 sample_rate: int, cutoff_scale: float, glide_st: float = 0.0,
                 cache: NoteCache | None = None) -> tuple[np.ndarray, float]:
    """Samples ``[start, stop)`` of one note (raw tone × ADSR × gain) as ``(samples, scale)``:
    the note is ``samples * scale``. Inside a long note's flat sustain ``samples`` is the
    raw tone itself (often a view) and ``scale`` the level, so the caller folds the level
    into its own gains instead of paying for an envelope and a product. Do not modify
    ``samples``.

    Parameters
    ----------
    instrument : str
        A key of :data:`INSTRUMENT_VOICES`.
    midi : float
        Pitch (MIDI number).
    n_gate : int
        Samples from note-on to note-off; the release follows (see :func:`note_length`).
    start, stop : int
        The slice of the note wanted, ``0 <= start <= stop <= note_length``.
    sample_rate : int
        Output rate in Hz.
    cutoff_scale : float
        Brightness multiplier on the instrument's base cutoff.
    glide_st : float
        Start this many semitones away and glide to the pitch (slides).
    cache : NoteCache, optional
        Where raw tones are kept, so notes of the same pitch and timbre share one synthesis
        whatever their length, and a long note is synthesized once across blocks.
    """
    voice = INSTRUMENT_VOICES[instrument]
    n_release = max(int(voice.release_s * sample_rate), int(0.01 * sample_rate))
    n_gate = max(n_gate, int(0.005 * sample_rate))
    freq_hz = midi_to_hz(midi)
    glide_st = glide_st if voice.glides else 0.0  # one cache entry, not one per slide
    if freq_hz >= MAX_HARMONIC_FRACTION * sample_rate:
        return np.zeros(stop - start, dtype=np.float32), 1.0  # above what this rate carries

    def make(n: int) -> np.ndarray:
        return voice.tone(freq_hz, n_samples=n, sample_rate=sample_rate,
                          cutoff_hz=voice.cutoff_hz * cutoff_scale, glide_st=glide_st)

    def make_raw() -> RawTone:
        return RawTone(make, sample_rate=sample_rate, percussive=voice.percussive,
                       period_n=sample_rate / freq_hz)
    raw_key = _raw_key(instrument, midi=midi, sample_rate=sample_rate,
                       cutoff_scale=cutoff_scale, glide_st=glide_st)
    raw = make_raw() if cache is None else cache.get(raw_key, make_raw)
    def make_env(a: int, b: int) -> np.ndarray:
        env = adsr(n_gate=n_gate, n_release=n_release,
                   attack_n=int(voice.attack_s * sample_rate),
                   decay_n=int(voice.decay_s * sample_rate), sustain=voice.sustain,
                   start=a, stop=b)
        env *= np.float32(voice.gain)
        return env
    n_total = n_gate + n_release
    if cache is not None and n_total <= 2 * sample_rate:
        # short notes repeat (patterns, riffs): keep the finished note, so a repeat (and
        # the rest of a note spilling into the next block) is a slice, not a product
        def make_note() -> np.ndarray:
            total = max(n_total, cache.length_hints.get(raw_key, 0))
            note = raw.slice(0, n_total, total=total) * make_env(0, n_total)
            note.flags.writeable = False
            return note
        return cache.get(("note",) + raw_key[1:] + (n_gate,), make_note)[start:stop], 1.0
    total = n_total if cache is None else max(n_total, cache.length_hints.get(raw_key, 0))
    level = _flat_level(n_gate=n_gate, n_release=n_release,
                        attack_n=int(voice.attack_s * sample_rate),
                        decay_n=int(voice.decay_s * sample_rate), sustain=voice.sustain,
                        start=start, stop=stop)
    if level is not None:  # inside a flat stretch (a long sustain): a scalar, no envelope
        return raw.slice(start, stop, total=total), float(np.float32(level)
                                                           * np.float32(voice.gain))
    return raw.slice(start, stop, total=total) * make_env(start, stop), 1.0


def _flat_level(*, n_gate: int, n_release: int, attack_n: int, decay_n: int, sustain: float,
                start: int, stop: int) -> float | None:
    """The envelope level when ``[start, stop)`` lies inside :func:`flat_span`, else None."""
    f0, f1, level = _flat_span(n_gate=n_gate, n_release=n_release, attack_n=attack_n,
                               decay_n=decay_n, sustain=sustain)
    return level if f0 <= start and stop <= f1 else None


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


def flat_span(instrument: str, *, n_gate: int, sample_rate: int) -> tuple[int, int]:
    """Samples ``[first, stop)`` of a note where :func:`note_segment` returns the raw tone
    with a scalar level (empty for short, cached notes). A caller that must get identical
    samples whatever its block boundaries splits its reads at these two indices."""
    voice = INSTRUMENT_VOICES[instrument]
    n_release = max(int(voice.release_s * sample_rate), int(0.01 * sample_rate))
    n_gate = max(n_gate, int(0.005 * sample_rate))
    if n_gate + n_release <= 2 * sample_rate:
        return 0, 0
    f0, f1, _ = _flat_span(n_gate=n_gate, n_release=n_release,
                           attack_n=int(voice.attack_s * sample_rate),
                           decay_n=int(voice.decay_s * sample_rate), sustain=voice.sustain)
    return f0, f1


def note_slice(instrument: str, *, midi: float, n_gate: int, start: int, stop: int,
               sample_rate: int, cutoff_scale: float, glide_st: float = 0.0,
               cache: NoteCache | None = None) -> np.ndarray:
    """Samples ``[start, stop)`` of one note: raw tone × ADSR × gain (float32).

    See :func:`note_segment` for the parameters.
    """
    samples, scale = note_segment(instrument, midi=midi, n_gate=n_gate, start=start,
                                  stop=stop, sample_rate=sample_rate,
                                  cutoff_scale=cutoff_scale, glide_st=glide_st, cache=cache)
    return samples if scale == 1.0 else samples * np.float32(scale)


def render_note(instrument: str, *, midi: float, n_gate: int, sample_rate: int,
                cutoff_scale: float, glide_st: float = 0.0) -> np.ndarray:
    """One whole note (float32, :func:`note_length` samples); see :func:`note_slice`."""
    n_total = note_length(instrument, n_gate=n_gate, sample_rate=sample_rate)
    return note_slice(instrument, midi=midi, n_gate=n_gate, start=0, stop=n_total,
                      sample_rate=sample_rate, cutoff_scale=cutoff_scale, glide_st=glide_st)
