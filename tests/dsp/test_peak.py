"""True peak: the 4x interpolator reads what real oversampling reads."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from moodc.dsp.peak import peak_envelope

SR = 44100


@pytest.mark.parametrize("freq_hz", [440.0, 3000.0, 9000.0, 11025.0, 15000.0])
def test_peak_envelope_reads_intersample_peaks_like_4x_oversampling(freq_hz: float) -> None:
    t = np.arange(SR // 2) / SR
    tone = 0.9 * np.sin(2 * np.pi * freq_hz * t + 0.3)
    audio = np.stack([tone, 0.5 * tone], 1)
    reference = np.abs(signal.resample_poly(audio, 4, 1, axis=0)[400:-400]).max()
    ours = peak_envelope(audio, threshold=0.0)[100:-100].max()
    assert 20 * np.log10(ours / reference) == pytest.approx(0.0, abs=0.15)


@pytest.mark.parametrize("threshold", [0.0, 0.5, 2.0, 10.0])
def test_local_maxima_are_those_of_the_whole_block_comparisons(threshold: float) -> None:
    """Testing the threshold first must find exactly the samples the two whole-block
    comparisons found: plateaus (ties count on both sides), the first and last samples."""
    from moodc.dsp.peak import _local_maxima_at_least

    rng = np.random.default_rng(int(threshold * 10))
    magnitude = np.abs(np.round(rng.standard_normal(5000) * 2.0, 1))  # rounding makes ties
    magnitude[0], magnitude[-1] = 3.0, 3.5  # edges count as above their missing neighbour
    rising = np.r_[True, magnitude[1:] >= magnitude[:-1]]
    falling = np.r_[magnitude[:-1] >= magnitude[1:], True]
    expected = np.flatnonzero(rising & falling & (magnitude >= threshold))
    np.testing.assert_array_equal(_local_maxima_at_least(magnitude, threshold=threshold),
                                  expected)


def _numpy_peak_envelope(audio: np.ndarray, *, threshold: float) -> np.ndarray:
    """``peak_envelope`` before its compiled candidate search (moodc 623268d), the
    reference: whole-column passes and the column padded with zeros for the taps."""
    from moodc.dsp.peak import _TAPS, INTERP_HALF_TAPS, _local_maxima_at_least

    envelope = np.abs(audio[:, 0])
    for channel in range(1, audio.shape[1]):
        np.maximum(envelope, np.abs(audio[:, channel]), out=envelope)
    if not (envelope >= threshold).any():
        return envelope
    pad = INTERP_HALF_TAPS + 1
    offsets = np.arange(-INTERP_HALF_TAPS + 1, INTERP_HALF_TAPS + 1)
    for channel in range(audio.shape[1]):
        magnitude = np.abs(audio[:, channel])
        hot = _local_maxima_at_least(magnitude, threshold=threshold)
        if hot.size == 0:
            continue
        padded = np.pad(audio[:, channel], pad)
        best = magnitude[hot]
        for side in (-1, 0):
            windows = padded[(hot + side + pad)[:, None] + offsets[None, :]]
            values = np.einsum("kt,pt->kp", windows, _TAPS, optimize=False)
            best = np.maximum(best, np.abs(values).max(axis=1))
        np.maximum.at(envelope, hot, best)
    return envelope


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_channels", [1, 2, 3])
def test_the_envelope_is_the_whole_column_passes_bit_for_bit(dtype: type,
                                                             n_channels: int) -> None:
    # the limiter reads this envelope on every loud mastering block: any other float moves
    # the gain curve and the PCM. Loud samples at both ends (the taps reach past them),
    # plateaus (ties), a threshold that is not a float32 (compared in float32), signed zeros
    rng = np.random.default_rng(n_channels)
    for n in (5000, 1, 2, 30, 0):
        audio = np.round(rng.standard_normal((n, n_channels)) * 0.6, 2).astype(dtype)
        if n >= 2:
            audio[0, 0], audio[-1, -1], audio[n // 2] = 1.7, -1.9, -0.0
        for threshold in (0.0, 0.9, 1.0 + 1e-9, 1.8, 5.0):
            got = peak_envelope(audio, threshold=threshold)
            expected = _numpy_peak_envelope(audio, threshold=threshold)
            assert got.dtype == expected.dtype
            assert np.array_equal(got.view(np.uint8), expected.view(np.uint8))
            # a strided view (a block's columns) reads the same
            wide = np.repeat(audio, 2, axis=0)[::2]
            assert np.array_equal(peak_envelope(wide, threshold=threshold).view(np.uint8),
                                  expected.view(np.uint8))


def test_the_candidate_kernel_refuses_mismatched_arrays() -> None:
    from moodc.dsp import _kernels

    audio = np.zeros((8, 2), np.float32)
    with pytest.raises(ValueError, match="peak_candidates wants audio"):
        _kernels.peak_candidates(audio, 0.5, np.zeros(7, np.float32), np.zeros((2, 8), np.int64))
    with pytest.raises(TypeError, match="int64 hot"):
        _kernels.peak_candidates(audio, 0.5, np.zeros(8, np.float32), np.zeros((2, 8), np.int32))
