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
