"""The closed-form designs match scipy's."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from moodc.dsp.design import DC_CUTOFF_HZ, butter_sos, dc_blocker_sos, peaking_sos
from moodc.dsp.sosfilt import sosfilt

SR = 44100


@pytest.mark.parametrize("order, cutoff, sample_rate, btype", [
    (1, 9000.0, 44100, "lowpass"), (2, 3500.0, 44100, "lowpass"), (2, 30.0, 22050, "lowpass"),
    (2, (400.0, 7000.0), 22050, "bandpass"), (2, (30.0, 800.0), 44100, "bandpass"),
    (2, (7000.0, 16000.0), 48000, "bandpass"),
])
def test_butter_designs_match_scipy(order: int, cutoff: float | tuple[float, float],
                                    sample_rate: int, btype: str) -> None:
    mine = butter_sos(order, cutoff, sample_rate=sample_rate, btype=btype)
    ref = signal.butter(order, list(cutoff) if isinstance(cutoff, tuple) else cutoff,
                        btype=btype, fs=sample_rate, output="sos")
    _, h_mine = signal.sosfreqz(mine, worN=2048, fs=sample_rate)
    _, h_ref = signal.sosfreqz(ref, worN=2048, fs=sample_rate)
    assert np.max(np.abs(h_mine - h_ref)) < 1e-9


def test_dc_blocker_removes_dc_and_keeps_bass() -> None:
    sos = dc_blocker_sos(sample_rate=SR)
    t = np.arange(4 * SR) / SR
    bass = np.sin(2 * np.pi * 40 * t)
    out = signal.sosfilt(sos, 0.3 + bass)
    assert abs(out[-SR:].mean()) < 1e-3
    assert np.abs(out[-SR:]).max() == pytest.approx(1.0, abs=0.02)


def test_dc_blocker_is_the_first_order_butterworth_high_pass() -> None:
    np.testing.assert_allclose(dc_blocker_sos(sample_rate=48000),
                               signal.butter(1, DC_CUTOFF_HZ, "highpass", fs=48000,
                                             output="sos"), rtol=1e-12, atol=1e-15)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


def test_peaking_section_boosts_its_centre_and_leaves_far_bands_alone() -> None:
    sr = SR
    sos = peaking_sos(100.0, gain_db=9.0, ring_s=0.05, sample_rate=sr)
    t = np.arange(sr) / sr
    gain_db = {hz: 20 * np.log10(_rms(sosfilt(sos, np.sin(2 * np.pi * hz * t))[sr // 2:])
                                 / _rms(np.sin(2 * np.pi * hz * t)[sr // 2:]))
               for hz in (100.0, 1000.0)}
    assert abs(gain_db[100.0] - 9.0) < 0.2
    assert abs(gain_db[1000.0]) < 0.2


def test_peaking_section_names_a_centre_beyond_nyquist() -> None:
    with pytest.raises(ValueError, match="centre_hz=30000"):
        peaking_sos(30000.0, gain_db=3.0, ring_s=0.01, sample_rate=SR)
