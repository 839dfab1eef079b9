"""Raw tones are made block by block (small temporaries) with the samples of the whole-array
computation.

A live session's peak memory is its cached tones plus the transient of synthesizing the
heaviest mood's tones, so a tone must cost little more than itself while it is made, and
caching must never change audio: the block-wise generators must give the whole-array
samples bit for bit.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from moodc.synth import notecache, oscillators
from moodc.synth.instruments import INSTRUMENT_VOICES
from moodc.synth.notes import _raw_tone
from moodc.synth.oscillators import (CONTROL_N, PHASE_BITS, additive_tone, fm_tone, midi_to_hz,
                                     modal_tone)
from tests.helpers.reference import phase_track

SR = 44100
N_LONG = int(notecache.MAX_RAW_S * SR)  # a cached tone at its cap: the longest ever made


def _cached_tone(instrument: str, midi: float) -> np.ndarray:
    """The whole cached raw tone of ``instrument`` at ``midi`` (cap length, faded if
    percussive)."""
    tone = _raw_tone(INSTRUMENT_VOICES[instrument], freq_hz=midi_to_hz(midi), sample_rate=SR,
                     cutoff_scale=0.9, glide_st=0.0 if INSTRUMENT_VOICES[instrument].percussive
                     else -1.0)
    tone.slice(0, 1, total=N_LONG)
    return tone.tone


@pytest.mark.parametrize("instrument", sorted(INSTRUMENT_VOICES))
def test_a_tone_made_in_small_blocks_is_the_tone_made_in_one_block(
        instrument: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Block boundaries (here every 4128 samples, not a power of two) change no sample of
    any instrument's tone: one block of the whole tone is the whole-array computation."""
    monkeypatch.setattr(oscillators, "BLOCK_N", 10**9)
    monkeypatch.setattr(notecache, "BLOCK_N", 10**9)
    whole = _cached_tone(instrument, 50.0)
    monkeypatch.setattr(oscillators, "BLOCK_N", 129 * CONTROL_N)
    monkeypatch.setattr(notecache, "BLOCK_N", 129 * CONTROL_N)
    blocked = _cached_tone(instrument, 50.0)
    assert whole.dtype == blocked.dtype == np.float32
    np.testing.assert_array_equal(blocked.view(np.uint32), whole.view(np.uint32))


# ------------------------------------------------------------------------------------------
# References: the generators as they were written before blocks, whole arrays throughout.
# ------------------------------------------------------------------------------------------

def _whole_phase(freq_hz: float, *, n_samples: int, vibrato_hz: float, vibrato_cents: float,
                 glide_st: float, offset_cycles: float) -> np.ndarray:
    scale = 2.0**PHASE_BITS / SR
    start = np.uint32(int(offset_cycles * 2.0**PHASE_BITS) % 2**PHASE_BITS)
    if not glide_st and not (vibrato_hz and vibrato_cents):
        inc = np.uint32(int(round(freq_hz * scale)) % 2**PHASE_BITS)
        return np.arange(n_samples, dtype=np.uint32) * inc + start
    n_ctrl = n_samples // CONTROL_N + 1
    t = np.arange(n_ctrl) * (CONTROL_N / SR)
    cents = np.zeros(n_ctrl)
    if glide_st:
        cents += 100.0 * glide_st * np.clip(1.0 - t / 0.06, 0.0, 1.0) ** 2
    if vibrato_hz and vibrato_cents:
        cents += vibrato_cents * np.clip(t / 0.3, 0.0, 1.0) * np.sin(2 * np.pi * vibrato_hz * t)
    inc = np.round(freq_hz * np.exp2(cents / 1200.0) * scale).astype(np.uint32)
    per_sample = np.repeat(inc, CONTROL_N)[1:n_samples]  # sample l advances by inc[l // N]
    return np.concatenate([[start], start + np.cumsum(per_sample, dtype=np.uint32)]
                          ).astype(np.uint32)


@pytest.mark.parametrize("vibrato_hz,glide_st,offset_cycles",
                         [(0.0, 0.0, 0.0), (0.0, 0.0, 0.37), (5.5, 0.0, 0.74),
                          (0.0, -2.0, 0.0), (6.7, 1.5, 0.37)])
def test_the_phase_track_is_the_per_sample_cumulative_sum(
        vibrato_hz: float, glide_st: float, offset_cycles: float) -> None:
    """The integer phase, expanded from its control-rate plan, is the plain per-sample
    running sum of the increments (wrapping in uint32), to the last sample of a long tone."""
    kw = dict(vibrato_hz=vibrato_hz, vibrato_cents=9.0 if vibrato_hz else 0.0,
              glide_st=glide_st, offset_cycles=offset_cycles)
    got = phase_track(311.1, n_samples=N_LONG + 5, sample_rate=SR, **kw)
    want = _whole_phase(311.1, n_samples=N_LONG + 5, **kw)
    np.testing.assert_array_equal(got, want)


def test_an_additive_ensemble_is_the_whole_array_sum_of_its_voices() -> None:
    """A detuned three-voice ensemble with vibrato (the strings) is the whole-array sum of
    its table reads, scaled once."""
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return 1.0 / k
    detune, gains = (-6.0, 0.0, 7.0), (0.6, 1.0, 0.6)
    got = additive_tone(amps, 220.0, n_samples=N_LONG, sample_rate=SR, cutoff_hz=3000.0,
                        detune_cents=detune, vibrato_hz=5.5, vibrato_cents=9.0,
                        voice_gains=gains)
    want = np.zeros(N_LONG, dtype=np.float32)
    for i, cents in enumerate(detune):
        f = 220.0 * 2.0 ** (cents / 1200.0)
        k = np.arange(1, oscillators._n_harmonics(f, SR) + 1)
        table = oscillators.harmonic_table(amps(k, k * f)
                                           * oscillators._lowpass_weight(k * f, 3000.0))
        phase = phase_track(f, n_samples=N_LONG, sample_rate=SR, vibrato_hz=5.5 * (1 + 0.07 * i),
                            vibrato_cents=9.0, offset_cycles=0.37 * i)
        want += np.float32(gains[i]) * table[(phase >> np.uint32(17)).astype(np.intp)]
    want = want / np.float32(np.sqrt(np.sum(np.asarray(gains) ** 2)))
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


def test_an_fm_tone_is_the_whole_array_fm_formula() -> None:
    """The electric piano's FM body (decaying index, float32 arithmetic) is the formula
    evaluated on whole arrays, sample for sample."""
    f, i0, i1 = 196.0, 1.4, 0.25
    got = fm_tone(f, n_samples=N_LONG, sample_rate=SR, ratio=1.0, index_start=i0,
                  index_end=i1, index_decay_s=0.35, amp_decay_s=2.5)
    index_n = np.arange(N_LONG, dtype=np.uint32)
    inc = np.uint32(int(round(f * 2.0**PHASE_BITS / SR)))
    carrier = (index_n * inc).astype(np.float32) * np.float32(2.0 * np.pi / 2.0**PHASE_BITS)
    tf = index_n.astype(np.float32) * np.float32(1.0 / SR)
    index = (np.exp(tf * np.float32(-1.0 / 0.35)) * np.float32(i0 - i1) + np.float32(i1))
    want = np.sin(index * np.sin(carrier) + carrier) * np.exp(tf * np.float32(-1.0 / 2.5))
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


def test_a_modal_tone_is_the_whole_array_sum_of_decaying_partials() -> None:
    """A bell's partials, each computed while audible, are the whole-array formula."""
    partials = ((0.5, 0.35, 4.0), (1.0, 1.0, 3.0), (1.19, 0.45, 2.2), (4.1, 0.12, 0.3))
    got = modal_tone(partials, 330.0, n_samples=N_LONG, sample_rate=SR, cutoff_hz=9000.0)
    want = np.zeros(N_LONG, dtype=np.float32)
    for ratio, amp, decay_s in partials:
        f = 330.0 * ratio
        n = min(N_LONG, int(decay_s * 9.2 * SR) + 1)
        t = np.arange(n, dtype=np.float32) / np.float32(SR)
        gain = amp * float(oscillators._lowpass_weight(np.array([f]), 9000.0)[0])
        want[:n] += gain * np.exp(-t / np.float32(decay_s)) * np.sin(np.float32(2 * np.pi * f) * t)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


# ------------------------------------------------------------------------------------------
# Memory: what making one tone costs besides the tone.
# ------------------------------------------------------------------------------------------

def _transient_bytes(instrument: str) -> tuple[int, int]:
    """``(peak traced bytes while a cap-length tone is made, minus the tone; the tone's
    bytes)``. A tone of the same length is made first, so memoised noise tables and
    filter designs (kept for every later tone) do not count."""
    _cached_tone(instrument, 48.0)
    tone = _raw_tone(INSTRUMENT_VOICES[instrument], freq_hz=midi_to_hz(50.0), sample_rate=SR,
                     cutoff_scale=0.9, glide_st=0.0)
    tracemalloc.start()
    try:
        tone.slice(0, 1, total=N_LONG)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - tone.tone.nbytes, tone.tone.nbytes


@pytest.mark.parametrize("instrument", sorted(INSTRUMENT_VOICES))
def test_making_a_tone_costs_at_most_two_more_tones_of_memory(instrument: str) -> None:
    """Whole-array synthesis needed 4-8 tones' worth of temporaries (int64 table indices,
    float64 ramps, copies); a recipe that mixes two whole tones still needs one more tone."""
    transient, tone = _transient_bytes(instrument)
    assert transient <= 2.25 * tone, (f"{instrument}: making a {tone / 2**20:.2f} MiB tone "
                                      f"peaked {transient / 2**20:.2f} MiB above it")


@pytest.mark.parametrize("instrument", ["strings", "electric_piano", "choir", "bell"])
def test_a_single_generator_tone_costs_less_than_itself_in_temporaries(instrument: str) -> None:
    """The pad and lead voices of a heavy live mood (slow jazz: strings under an electric
    piano) cost less than one more tone while they are made (whole arrays: 5 and 8)."""
    transient, tone = _transient_bytes(instrument)
    assert transient <= 1.0 * tone, (f"{instrument}: making a {tone / 2**20:.2f} MiB tone "
                                     f"peaked {transient / 2**20:.2f} MiB above it")
