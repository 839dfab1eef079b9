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
