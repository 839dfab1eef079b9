"""Streaming loudness agrees with the offline BS.1770 meter."""

from __future__ import annotations

import math

import numpy as np

from moodc.dsp.loudness import measure_loudness_lufs
from moodc.dsp.loudness_stream import HopPowers, short_term_lufs_series, window_lufs

SR = 48000


def test_hop_powers_do_not_depend_on_the_block_size() -> None:
    rng = np.random.default_rng(1)
    audio = rng.standard_normal((SR * 2, 2)) * 0.1
    whole = HopPowers(sample_rate=SR).add(audio)
    meter = HopPowers(sample_rate=SR)
    parts = np.concatenate([meter.add(audio[i:i + 1234]) for i in range(0, len(audio), 1234)])
    assert len(whole) == 20 and np.allclose(whole, parts)


def test_a_steady_tone_reads_the_same_loudness_as_the_offline_meter() -> None:
    t = np.arange(SR * 4) / SR
    tone = 0.25 * np.sin(2 * np.pi * 1000 * t)
    audio = np.stack([tone, tone], axis=1)
    powers = HopPowers(sample_rate=SR).add(audio)
    offline = measure_loudness_lufs(audio, sample_rate=SR)
    assert abs(window_lufs(powers) - offline) < 0.05
    short_term = short_term_lufs_series(powers)
    assert len(short_term) == 11 and np.all(np.abs(short_term - offline) < 0.05)


def test_silence_is_gated_out() -> None:
    assert window_lufs(np.zeros(10)) == -math.inf


def _centred_level_alone(powers: np.ndarray) -> float:
    """One window's level computed on its own, the way the normaliser once did per hop."""
    from moodc.dsp.loudness import ABSOLUTE_GATE_LUFS, LOUDNESS_OFFSET_DB
    from moodc.dsp.loudness_stream import MOMENTARY_HOPS, lufs_to_power

    if powers.shape[0] < MOMENTARY_HOPS:
        return window_lufs(powers)
    momentary = np.convolve(powers, np.ones(MOMENTARY_HOPS) / MOMENTARY_HOPS, mode="valid")
    gated = momentary[momentary >= lufs_to_power(ABSOLUTE_GATE_LUFS)]
    if not gated.size:
        return -math.inf
    return float(np.mean(LOUDNESS_OFFSET_DB + 10.0 * np.log10(gated)))


def test_the_centred_levels_of_many_windows_equal_one_window_at_a_time() -> None:
    """The live normaliser measures every hop's centred window in one call per block; each
    value must be the one that window gives measured alone (silence, the first hops and
    gated stretches included)."""
    from moodc.dsp.loudness_stream import centred_levels_lufs

    rng = np.random.default_rng(3)
    powers = 10.0 ** rng.uniform(-9.0, -1.0, 80)
    powers[20:30] = 0.0  # silence under the absolute gate
    ends = np.arange(1, 81)
    together = centred_levels_lufs(powers, ends=ends, window_hops=33)
    alone = [_centred_level_alone(powers[max(0, e - 33):e]) for e in ends]
    assert together.tolist() == alone
