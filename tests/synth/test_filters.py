"""The synth's closed-form Butterworth designs match scipy's, and rendering never imports
scipy.signal (its import alone costs about a second of a whole ``moodc render``)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import signal

from moodc.synth.voices import butter_sos


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


def test_rendering_does_not_import_scipy_signal() -> None:
    code = ("import sys\n"
            "from moodc.synth import render_config\n"
            "render_config({'layers': {'texture': 'rain', 'rhythm': 'brush'},"
            " 'instruments': {'lead': 'pluck', 'pad': 'flute'}},"
            " duration_s=0.5, sample_rate=22050, seed=1)\n"
            "print('scipy.signal' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
