"""BS.1770 loudness: against pyloudnorm and EBU Tech 3341, streaming, gating."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm as pyln
import pytest
from scipy import signal

from moodc.dsp.loudness import LoudnessMeter, measure_loudness_lufs

SR = 44100


def _music_like(seed: int, *, seconds: float = 6.0, sample_rate: int = SR) -> np.ndarray:
    """Filtered noise with a loudness contour: exercises both gates."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sample_rate)
    noise = rng.standard_normal((n, 2))
    sos = signal.butter(2, [80, 6000], btype="bandpass", fs=sample_rate, output="sos")
    shaped = signal.sosfilt(sos, noise, axis=0)
    contour = np.interp(np.arange(n), [0, n // 3, n // 2, n], [0.02, 0.3, 0.001, 0.2])
    return shaped * contour[:, None]


@pytest.mark.parametrize("sample_rate", [44100, 48000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integrated_loudness_matches_pyloudnorm_within_0_1_lu(sample_rate: int, seed: int) -> None:
    audio = _music_like(seed, sample_rate=sample_rate)
    ours = measure_loudness_lufs(audio, sample_rate=sample_rate)
    reference = pyln.Meter(sample_rate).integrated_loudness(audio)
    assert abs(ours - reference) < 0.1


def test_stereo_1khz_sine_at_minus_23_dbfs_reads_minus_23_lufs() -> None:
    # EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS (±0.1)
    t = np.arange(20 * SR) / SR
    tone = 10 ** (-23 / 20) * np.sin(2 * np.pi * 1000 * t)
    assert measure_loudness_lufs(np.stack([tone, tone], 1), sample_rate=SR) == \
        pytest.approx(-23.0, abs=0.1)


def test_streaming_meter_is_independent_of_block_size() -> None:
    audio = _music_like(3).astype(np.float32)
    whole = LoudnessMeter(SR, 2)
    whole.add(audio)
    pieces = LoudnessMeter(SR, 2)
    for start in range(0, audio.shape[0], 7777):
        pieces.add(audio[start:start + 7777])
    np.testing.assert_allclose(pieces.subblock_powers(), whole.subblock_powers(), rtol=1e-4)


def test_silence_and_too_short_signals_have_minus_infinite_loudness() -> None:
    assert measure_loudness_lufs(np.zeros((SR, 2)), sample_rate=SR) == -math.inf
    assert measure_loudness_lufs(np.ones((1000, 2)) * 0.1, sample_rate=SR) == -math.inf


