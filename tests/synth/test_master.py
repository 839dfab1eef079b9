"""Mastering building blocks: BS.1770 loudness, true peak, limiter, fades."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyloudnorm as pyln
from scipy import signal

from moodc.synth import master

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
    ours = master.measure_loudness_lufs(audio, sample_rate=sample_rate)
    reference = pyln.Meter(sample_rate).integrated_loudness(audio)
    assert abs(ours - reference) < 0.1


def test_stereo_1khz_sine_at_minus_23_dbfs_reads_minus_23_lufs() -> None:
    # EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS (±0.1)
    t = np.arange(20 * SR) / SR
    tone = 10 ** (-23 / 20) * np.sin(2 * np.pi * 1000 * t)
    assert master.measure_loudness_lufs(np.stack([tone, tone], 1), sample_rate=SR) == \
        pytest.approx(-23.0, abs=0.1)


def test_streaming_meter_is_independent_of_block_size() -> None:
    audio = _music_like(3).astype(np.float32)
    whole = master.LoudnessMeter(SR, 2)
    whole.add(audio)
    pieces = master.LoudnessMeter(SR, 2)
    for start in range(0, audio.shape[0], 7777):
        pieces.add(audio[start:start + 7777])
    np.testing.assert_allclose(pieces.subblock_powers(), whole.subblock_powers(), rtol=1e-4)


def test_silence_and_too_short_signals_have_minus_infinite_loudness() -> None:
    assert master.measure_loudness_lufs(np.zeros((SR, 2)), sample_rate=SR) == -math.inf
    assert master.measure_loudness_lufs(np.ones((1000, 2)) * 0.1, sample_rate=SR) == -math.inf


@pytest.mark.parametrize("freq_hz", [440.0, 3000.0, 9000.0, 11025.0, 15000.0])
def test_peak_envelope_reads_intersample_peaks_like_4x_oversampling(freq_hz: float) -> None:
    t = np.arange(SR // 2) / SR
    tone = 0.9 * np.sin(2 * np.pi * freq_hz * t + 0.3)
    audio = np.stack([tone, 0.5 * tone], 1)
    reference = np.abs(signal.resample_poly(audio, 4, 1, axis=0)[400:-400]).max()
    ours = master.peak_envelope(audio, threshold=0.0)[100:-100].max()
    assert 20 * np.log10(ours / reference) == pytest.approx(0.0, abs=0.15)


def test_limiter_holds_the_ceiling_and_leaves_quiet_parts_alone() -> None:
    rng = np.random.default_rng(4)
    envelope = np.abs(rng.standard_normal(20000)) * 0.2
    spikes = rng.choice(20000, 15, replace=False)
    envelope[spikes] = rng.uniform(1.0, 4.0, 15)
    shape = master.LimiterShape(lookahead_n=200, hold_n=800)
    gain = master.limiter_gain(envelope, ceiling=0.8, shape=shape)
    assert (envelope * gain).max() <= 0.8 * (1 + 1e-9)
    assert gain.max() <= 1.0
    # smooth: at most the largest reduction spread over the look-ahead per sample
    steps_db = np.abs(np.diff(20 * np.log10(gain)))
    assert steps_db.max() <= 20 * np.log10(4.0 / 0.8) / 200 + 1e-9
    far = np.ones(20000, bool)
    for spike in spikes:
        far[max(0, spike - 1200):spike + 1200] = False
    assert np.all(gain[far] == 1.0)


def test_limiter_without_overs_is_unity() -> None:
    shape = master.limiter_shape(sample_rate=SR)
    gain = master.limiter_gain(np.full(5000, 0.5), ceiling=0.8, shape=shape)
    assert np.all(gain == 1.0)


def test_fades_are_raised_cosine_and_click_free() -> None:
    gain = master.fade_gain(0, 1000, total_n=1000, fade_in_n=300, fade_out_n=400)
    assert gain is not None
    assert gain[0] < 1e-4 and gain[-1] < 1e-4
    assert np.all(np.diff(gain[:300]) > 0) and np.all(np.diff(gain[600:]) < 0)
    assert np.all(gain[300:600] == 1.0)
    # slope at the ends is ~0 (no corner): first step much smaller than the middle step
    assert np.diff(gain[:300])[0] < 0.05 * np.diff(gain[:300]).max()
    assert master.fade_gain(400, 100, total_n=1000, fade_in_n=300, fade_out_n=400) is None


def test_equal_power_pair_keeps_power_constant() -> None:
    position = np.linspace(0, 1, 101)
    total = master.equal_power_in(position) ** 2 + master.equal_power_out(position) ** 2
    np.testing.assert_allclose(total, 1.0)


def test_dc_blocker_removes_dc_and_keeps_bass() -> None:
    sos = master.dc_blocker_sos(sample_rate=SR)
    t = np.arange(4 * SR) / SR
    bass = np.sin(2 * np.pi * 40 * t)
    out = signal.sosfilt(sos, 0.3 + bass)
    assert abs(out[-SR:].mean()) < 1e-3
    assert np.abs(out[-SR:]).max() == pytest.approx(1.0, abs=0.02)


def test_sosfilt_matches_scipy_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3000, 2)).astype(np.float32)
    sos = master.k_weighting_sos(sample_rate=SR)
    for dtype in (np.float32, np.float64):
        zi = np.zeros((2, 2, 2), dtype)
        ours, ours_zf = master.sosfilt(sos.astype(dtype), x.astype(dtype), axis=0, zi=zi)
        theirs, theirs_zf = signal.sosfilt(sos.astype(dtype), x.astype(dtype), axis=0, zi=zi)
        assert np.array_equal(ours, theirs) and np.array_equal(ours_zf, theirs_zf)
    assert np.array_equal(master.sosfilt(sos, x[:, 0]), signal.sosfilt(sos, x[:, 0]))


def test_dc_blocker_is_the_first_order_butterworth_high_pass() -> None:
    np.testing.assert_allclose(master.dc_blocker_sos(sample_rate=48000),
                               signal.butter(1, master.DC_CUTOFF_HZ, "highpass", fs=48000,
                                             output="sos"), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("before_n,after_n", [(0, 0), (3, 0), (0, 5), (40, 7), (1, 300)])
def test_sliding_filters_match_their_definitions(before_n: int, after_n: int) -> None:
    values = np.random.default_rng(before_n + after_n).random(1000)
    expected_max = [values[max(0, i - before_n):i + after_n + 1].max() for i in range(1000)]
    np.testing.assert_array_equal(master._sliding_max(values, before_n=before_n,
                                                      after_n=after_n), expected_max)
    expected_mean = [values[max(0, i - after_n):i + 1].sum() / (after_n + 1) for i in range(1000)]
    np.testing.assert_allclose(master._sliding_mean_back(values, n=after_n), expected_mean)


def test_mastering_does_not_import_scipy_signal() -> None:
    """``import scipy.signal`` costs ~1 s of CPU: the mastering path must not need it."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from moodc.synth import master\n"
            "x = np.random.default_rng(0).standard_normal((48000, 2)) * 0.1\n"
            "master.measure_loudness_lufs(x, sample_rate=48000)\n"
            "env = master.peak_envelope(x * 20, threshold=0.5)\n"
            "master.limiter_gain(env, ceiling=0.9, shape=master.limiter_shape(sample_rate=48000))\n"
            "print(sorted(m for m in sys.modules if m in ('scipy.signal', 'scipy.ndimage')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
