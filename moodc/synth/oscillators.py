"""Band-limited oscillators: wavetables, phase accumulators and the tone generators voices
are built from (additive, modal, Karplus-Strong, FM, breath noise).

Aliasing: every periodic tone is read from a single-cycle table built additively from
harmonics below 0.45 × sample rate (and weighted by a 2nd-order low-pass response at
``cutoff_hz``, which is how ``brightness`` reaches the timbre at no filtering cost). FM tones
limit their index so the sidebands stay below Nyquist; Karplus-Strong strings are excited by
band-limited noise and low-pass filtered in the loop.

Every generator is *prefix-consistent* (the first k samples do not depend on how many were
asked for), so a cache can extend a tone and streaming in blocks gives identical audio.
"""

from __future__ import annotations

import functools
import zlib
from typing import Callable

import numpy as np

from moodc.dsp import compiled
from moodc.dsp.design import butter_sos, leaky_dc_blocker_sos
from moodc.dsp.sosfilt import sosfilt, sosfilt_stateful

TABLE_SIZE = 32768  # single-cycle table length: nearest-sample lookup stays below -60 dB error
# (a band-limited saw at 220 Hz: -62 dB; smoother voices far lower), 2.6x faster than linear
# interpolation in a 2048 table, and 128 KiB still sits in the CPU cache
MAX_HARMONIC_FRACTION = 0.45  # highest partial as a fraction of the sample rate
#: Video frame rate of a (NTSC) game console: its sound driver changes duty cycles, volumes
#: and arpeggio notes once per frame, which is where chiptune's 60 Hz "texture" comes from.
CONSOLE_FRAME_HZ = 60.0


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


#: Harmonic tables kept for reuse (128 KiB each, so 4 MiB): a live session re-makes the
#: same tones (same voice, pitch and brightness) each phrase, and a cached tone evicted
#: from the note cache is made again; about two in three tables a 5-minute live session
#: asked for (calm-ambient) were ones it had made among its last 32.
HARMONIC_TABLE_CACHE = 32


def harmonic_table(amps: np.ndarray) -> np.ndarray:
    """A single-cycle table (length ``TABLE_SIZE + 1``, wrap guard) from harmonic amplitudes.

    ``amps[k-1]`` is the amplitude of harmonic k, in sine phase. The table is read-only and
    may be shared: equal amplitudes (bit for bit) give the same table, made once.
    """
    return _harmonic_table(np.asarray(amps, dtype=np.float64).tobytes())


@functools.lru_cache(maxsize=HARMONIC_TABLE_CACHE)
def _harmonic_table(amps_bytes: bytes) -> np.ndarray:
    """:func:`harmonic_table` of the float64 amplitudes ``amps_bytes`` (a pure function,
    memoised on the amplitudes' bytes)."""
    amps = np.frombuffer(amps_bytes, dtype=np.float64)
    k = np.arange(1, len(amps) + 1)
    ph = np.zeros(len(amps))
    # single-precision transform: ~1.6x faster, errors ~1e-7 (the nearest-sample read is
    # -60 dB); the partials are computed in complex128 and rounded into the complex64
    # spectrum as they are stored
    spectrum = np.zeros(TABLE_SIZE // 2 + 1, dtype=np.complex64)
    spectrum[k] = amps * np.exp(1j * (ph - np.pi / 2)) * (TABLE_SIZE / 2)
    table = np.empty(TABLE_SIZE + 1, dtype=np.float32)
    table[:TABLE_SIZE] = np.fft.irfft(spectrum, n=TABLE_SIZE)
    table[TABLE_SIZE] = table[0]  # the wrap guard
    table.flags.writeable = False
    return table


PHASE_BITS = 32  # integer phase accumulator: one cycle = 2**32, wraps for free
TABLE_BITS = 15  # log2(TABLE_SIZE)
CONTROL_N = 32  # pitch modulation (vibrato, glides) is computed every CONTROL_N samples


#: Samples per block of the elementwise work after a phase accumulation (table reads,
#: exponentials, sines). Each sample's arithmetic does not depend on its neighbours, so a
#: tone made block by block into its float32 output is the whole-array tone bit for bit,
#: while the temporaries (int64 table indices, float32 phases) shrink from a whole tone's
#: (a 6 s cached tone: several MiB, the transient a live session's peak memory is made of)
#: to one block's: 32768 samples = 128-256 KiB, which stay in the CPU cache. A multiple of
#: ``CONTROL_N``, so blocks start on a control period.
BLOCK_N = 32768


def blocks(n_samples: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of the consecutive :data:`BLOCK_N`-sample blocks covering
    ``n_samples`` (the last one shorter)."""
    return [(start, min(start + BLOCK_N, n_samples)) for start in range(0, n_samples, BLOCK_N)]


def sosfilt_in_blocks(sos: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y`` filtered in place by ``sos`` block by block (:func:`blocks`) with the filter's
    state carried: the samples of one whole pass in the working precision of one whole
    pass (``sos`` with ``y``), with a block's temporaries instead of a copy of ``y``."""
    state = np.zeros((sos.shape[0], 2), dtype=np.result_type(sos, y))
    for start, stop in blocks(len(y)):
        y[start:stop], state = sosfilt_stateful(sos, y[start:stop], zi=state)
    return y


def phase_controls(freq_hz: float, *, n_samples: int, sample_rate: int,
                   vibrato_hz: float = 0.0, vibrato_cents: float = 0.0,
                   vibrato_delay_s: float = 0.0, glide_st: float = 0.0, glide_s: float = 0.06,
                   offset_cycles: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The integer phase (uint32, 2**32 per cycle) of a tone with vibrato and an initial
    glide, as a control-rate plan: ``(base, inc)``, uint32 arrays of
    ``n_samples // CONTROL_N + 1`` control periods, the phase at the start of each period
    and the per-sample increment through it (sample ``j·CONTROL_N + r`` has phase
    ``base[j] + r·inc[j]``, wrapping). A numerically-controlled oscillator: the increment is
    accumulated in uint32, which wraps exactly, so phase never loses precision however long
    the note; pitch modulation is evaluated every ``CONTROL_N`` samples (the phase stays
    continuous). The glide starts ``glide_st`` semitones away and reaches the pitch after
    ``glide_s``; vibrato fades in after ``vibrato_delay_s``. Small (1/32 of the tone), so the
    only cumulative sum is made whole; the compiled read (:func:`compiled.wavetable_add`)
    expands it sample by sample. Its numpy expansion, the definition the tests hold the
    kernel and the per-sample running sum to, is in ``tests/helpers/reference.py``.
    """
    scale = 2.0**PHASE_BITS / sample_rate
    start = np.uint32(int(offset_cycles * 2.0**PHASE_BITS) % 2**PHASE_BITS)
    n_ctrl = n_samples // CONTROL_N + 1
    if not glide_st and not (vibrato_hz and vibrato_cents):
        # a steady pitch: phase[i] = start + i·inc, the same integers (mod 2**32) as
        # start + (j·CONTROL_N)·inc + r·inc
        inc = np.full(n_ctrl, int(round(freq_hz * scale)) % 2**PHASE_BITS, dtype=np.uint32)
        base = np.arange(n_ctrl, dtype=np.uint32) * np.uint32(CONTROL_N) * inc + start
        return base, inc
    t = np.arange(n_ctrl) * (CONTROL_N / sample_rate)
    cents = np.zeros(n_ctrl)
    if glide_st:
        cents += 100.0 * glide_st * np.clip(1.0 - t / glide_s, 0.0, 1.0) ** 2
    if vibrato_hz and vibrato_cents:
        fade = np.clip((t - vibrato_delay_s) / 0.3, 0.0, 1.0)
        cents += vibrato_cents * fade * np.sin(2 * np.pi * vibrato_hz * t)
    inc = np.round(freq_hz * np.exp2(cents / 1200.0) * scale).astype(np.uint32)
    # phase[i] = start + sum(inc[l // CONTROL_N] for 1 <= l <= i), in uint32 (wrapping):
    # the phase at each control point by a short cumsum, then base + r·inc per control period
    # (the same integers as a per-sample cumsum, 3-4x faster)
    base = np.empty(n_ctrl, dtype=np.uint32)
    base[0] = start
    if n_ctrl > 1:
        np.cumsum(inc[:-1] * np.uint32(CONTROL_N - 1) + inc[1:], dtype=np.uint32, out=base[1:])
        base[1:] += start
    return base, inc


def _n_harmonics(freq_hz: float, sample_rate: int, *, headroom: float = 1.06) -> int:
    """How many harmonics of ``freq_hz`` (with pitch-bend headroom) fit below the limit."""
    return max(1, int(MAX_HARMONIC_FRACTION * sample_rate / (freq_hz * headroom)))


def additive_tone(amps_fn: Callable[[np.ndarray, np.ndarray], np.ndarray], freq_hz: float, *,
                  n_samples: int, sample_rate: int, cutoff_hz: float,
                  detune_cents: tuple[float, ...] = (0.0,), vibrato_hz: float = 0.0,
                  vibrato_cents: float = 0.0, vibrato_delay_s: float = 0.0,
                  glide_st: float = 0.0, glide_s: float = 0.06,
                  voice_gains: tuple[float, ...] | None = None) -> np.ndarray:
    """A band-limited periodic tone (or an ensemble of detuned copies) from a harmonic recipe.

    ``amps_fn(k, freqs_hz)`` gives the amplitude of harmonic numbers ``k`` at ``freqs_hz``.
    Each detuned copy uses a slightly different vibrato phase so the ensemble breathes.
    The initial glide from ``glide_st`` semitones takes ``glide_s`` seconds: a quick scoop
    by default, longer for a voice whose slides are heard as slides (the bansuri's meend).
    """
    out = np.zeros(n_samples, dtype=np.float32)
    for i, cents in enumerate(detune_cents):
        f = freq_hz * 2.0 ** (cents / 1200.0)
        k = np.arange(1, _n_harmonics(f, sample_rate) + 1)
        amps = amps_fn(k, k * f) * _lowpass_weight(k * f, cutoff_hz)
        table = harmonic_table(amps)
        base, inc = phase_controls(f, n_samples=n_samples, sample_rate=sample_rate,
                                   vibrato_hz=vibrato_hz * (1.0 + 0.07 * i),
                                   vibrato_cents=vibrato_cents,
                                   vibrato_delay_s=vibrato_delay_s, glide_st=glide_st,
                                   glide_s=glide_s, offset_cycles=0.37 * i)
        gain = np.float32(1.0 if voice_gains is None else voice_gains[i])
        # out += gain · table[phase], sample by sample from the control plan, the nearest
        # table sample scaled and added in float32 (tested bit for bit against the numpy
        # definition in tests/helpers/reference.py), without a block's indices in memory
        compiled.wavetable_add(out, table, base, inc, PHASE_BITS - TABLE_BITS, 0,
                               CONTROL_N, float(gain))
    gains = np.ones(len(detune_cents)) if voice_gains is None else np.asarray(voice_gains)
    out /= np.float32(np.sqrt(np.sum(gains**2)))
    return out


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
        gain = amp * float(_lowpass_weight(np.array([f]), cutoff_hz)[0])
        omega = np.float32(2 * np.pi * f)
        for start, stop in blocks(n):  # block by block: see BLOCK_N
            # sample indices are exact in float32 below 2**24 (6 minutes at 44.1 kHz)
            t = np.arange(start, stop, dtype=np.float32) / np.float32(sample_rate)
            out[start:stop] += gain * np.exp(-t / np.float32(decay_s)) * np.sin(omega * t)
    return out


def karplus_strong(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                   decay_s: float, pluck_position: float, name: str) -> np.ndarray:
    """Plucked string: a noise burst circulating in a delay loop with a low-pass.

    The loop is ``y[i] = g·(c0·y[i-M] + c1·y[i-M-1] + c2·y[i-M-2])``, a 3-tap low-pass whose
    group delay (0.5..1.5 samples) tunes the period exactly to ``sample_rate / freq_hz``, run
    by a compiled loop (:func:`moodc.dsp.compiled.ks_loop`). The excitation is comb-filtered
    at ``pluck_position`` (near the bridge = brighter, thinner).
    """
    period = sample_rate / freq_hz
    m = max(int(np.floor(period - 0.5)), 2)
    e = period - 0.5 - m
    taps = np.array([0.5 * (1.0 - e), 0.5, 0.5 * e], dtype=np.float32)
    g = np.float32(10.0 ** (-3.0 * period / (decay_s * sample_rate)))
    n_live = min(n_samples, int(decay_s * 1.6 * sample_rate) + m + 3)  # beyond: < -80 dB
    n_ring = max(n_live, m + 3)  # samples the loop computes; the rest of the tone is silent
    y = np.zeros(max(n_ring, n_samples), dtype=np.float32)  # the string, then the tone
    burst = _noise(name, m + 3).copy()
    sos = butter_sos(2, min(cutoff_hz, 0.45 * sample_rate), sample_rate=sample_rate)
    burst = sosfilt(sos, burst).astype(np.float32)
    shift = max(1, int(pluck_position * m))
    burst[shift:] -= burst[:-shift] * 0.9  # pick position comb: removes harmonics ~ 1/position
    burst *= np.hanning(m + 3).astype(np.float32) ** 0.25
    burst -= burst.mean()  # no DC: the loop would keep it circulating as a slow offset
    y[: m + 3] = burst / np.float32(np.abs(burst).max() + 1e-9)  # unit-peak excitation
    # the loop y[i] = Σ_j taps[j]·y[i - m - j] compiled, in numpy's float32 order (tested
    # bit for bit against the former numpy loop). For the first k periods it runs with the
    # 3-tap filter, then with the filter applied k times (taps convolved k-fold, delay k·m):
    # the numpy loop went a delay at a time, and k times the delay meant k times fewer
    # Python iterations for high notes; the k-fold filter stays because it is what gives
    # the strings their samples
    k = max(1, min(6, 384 // m))
    switch = min((k + 1) * m + 2 * k + 4, n_live)  # k-fold taps reach k·m + 2k back
    compiled.ks_loop(y, taps * g, m, m + 2, switch)
    taps_k = np.array([1.0], dtype=np.float64)
    for _ in range(k):
        taps_k = np.convolve(taps_k, (taps * g).astype(np.float64))
    compiled.ks_loop(y, taps_k.astype(np.float32), k * m, switch, n_live)
    # DC blocker (~15 Hz): the loop keeps the lowest frequencies longest, and without it
    # near-DC noise from the burst would drift under the note
    # (filtered in place block by block with its state carried, in the working precision
    # of one whole pass, so the same samples, with a block's temporaries instead of a copy
    # of the string)
    sosfilt_in_blocks(leaky_dc_blocker_sos(sample_rate=sample_rate, cutoff_hz=15.0),
                      y[:min(n_samples, n_ring)])
    return y[:n_samples]


def fm_tone(freq_hz: float, *, n_samples: int, sample_rate: int, ratio: float,
            index_start: float, index_end: float, index_decay_s: float,
            amp_decay_s: float) -> np.ndarray:
    """Two-operator FM: ``sin(2πf t + I(t)·sin(2π·ratio·f t))`` with a decaying index.

    The index is capped so the significant sidebands (Carson: (I+1)·fm) stay below Nyquist.
    """
    fm = freq_hz * ratio
    limit = (MAX_HARMONIC_FRACTION * sample_rate - freq_hz) / fm - 1.0
    i0, i1 = min(index_start, max(limit, 0.0)), min(index_end, max(limit, 0.0))
    n_live = fm_live_n(amp_decay_s=amp_decay_s, n_samples=n_samples, sample_rate=sample_rate)
    # integer phase accumulators (exact wrap) turned into float32 radians, float32 sines and
    # exponentials: about half the passes of float64 phases; a 1:1 ratio shares one phase
    to_rad = np.float32(2.0 * np.pi / 2.0**PHASE_BITS)

    def radians(index_n: np.ndarray, f_hz: float) -> np.ndarray:
        inc = np.uint32(int(round(f_hz * 2.0**PHASE_BITS / sample_rate)) % 2**PHASE_BITS)
        phase = (index_n * inc).astype(np.float32)
        phase *= to_rad
        return phase

    def block(start: int, stop: int) -> np.ndarray:
        index_n = np.arange(start, stop, dtype=np.uint32)
        carrier = radians(index_n, freq_hz)
        tf = index_n.astype(np.float32)  # exact below 2**24 samples (6 minutes at 44.1 kHz)
        tf *= np.float32(1.0 / sample_rate)
        amp = np.exp(tf * np.float32(-1.0 / amp_decay_s))
        if i0 == 0.0 and i1 == 0.0:
            tone = np.sin(carrier)
        else:
            modulator = np.sin(carrier) if ratio == 1.0 else np.sin(radians(index_n, fm))
            index = np.exp(tf * np.float32(-1.0 / index_decay_s))
            index *= np.float32(i0 - i1)
            index += np.float32(i1)
            index *= modulator
            index += carrier
            tone = np.sin(index)
        tone *= amp
        return tone

    out = np.zeros(n_samples, dtype=np.float32)
    for start, stop in blocks(n_live):  # block by block: see BLOCK_N
        out[start:stop] = block(start, stop)
    return out


def fm_live_n(*, amp_decay_s: float, n_samples: int, sample_rate: int) -> int:
    """Samples of an :func:`fm_tone` that sound: after ``amp_decay_s · 9.2`` seconds its
    amplitude is below -80 dB (exp(-9.2)) and the tone is zeros."""
    return min(n_samples, int(amp_decay_s * 9.2 * sample_rate) + 1)


def breath_noise(name: str, freq_hz: float, *, n_samples: int, sample_rate: int,
                 bandwidth: float) -> np.ndarray:
    """Band-pass noise centred on ``freq_hz`` (the air of a flute), unit RMS."""
    low = max(freq_hz / bandwidth, 30.0)
    high = min(freq_hz * bandwidth * 2.0, 0.45 * sample_rate)
    if low >= high:  # a note near Nyquist: the band would be empty (NaN), keep an octave
        low = high * 0.5
    sos = butter_sos(2, (low, high), btype="bandpass", sample_rate=sample_rate)
    noise = sosfilt(sos.astype(np.float32), _noise(name, n_samples))  # float32: faster
    # RMS of band-limited white noise ≈ sqrt(bandwidth / Nyquist): a closed form keeps the
    # result prefix-consistent (no dependence on how many samples were asked for)
    noise /= np.float32(np.sqrt(2.0 * (high - low) / sample_rate) + 1e-9)  # in place: no copy
    return noise
