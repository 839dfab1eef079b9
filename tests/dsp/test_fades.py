"""Fades: raised-cosine piece fades and equal-power crossfades."""

from __future__ import annotations

import numpy as np

from moodc.dsp.fades import equal_power_in, equal_power_out, fade_gain


def test_fades_are_raised_cosine_and_click_free() -> None:
    gain = fade_gain(0, 1000, total_n=1000, fade_in_n=300, fade_out_n=400)
    assert gain is not None
    assert gain[0] < 1e-4 and gain[-1] < 1e-4
    assert np.all(np.diff(gain[:300]) > 0) and np.all(np.diff(gain[600:]) < 0)
    assert np.all(gain[300:600] == 1.0)
    # slope at the ends is ~0 (no corner): first step much smaller than the middle step
    assert np.diff(gain[:300])[0] < 0.05 * np.diff(gain[:300]).max()
    assert fade_gain(400, 100, total_n=1000, fade_in_n=300, fade_out_n=400) is None


def test_equal_power_pair_keeps_power_constant() -> None:
    position = np.linspace(0, 1, 101)
    total = equal_power_in(position) ** 2 + equal_power_out(position) ** 2
    np.testing.assert_allclose(total, 1.0)
