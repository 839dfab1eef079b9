"""The SOS runners give scipy's samples, stateless and stateful."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from moodc.dsp.loudness import k_weighting_sos
from moodc.dsp.sosfilt import sosfilt, sosfilt_stateful

SR = 44100


def test_sosfilt_matches_scipy_bit_for_bit() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3000, 2)).astype(np.float32)
    sos = k_weighting_sos(sample_rate=SR)
    for dtype in (np.float32, np.float64):
        zi = np.zeros((2, 2, 2), dtype)
        ours, ours_zf = sosfilt_stateful(sos.astype(dtype), x.astype(dtype), axis=0, zi=zi)
        theirs, theirs_zf = signal.sosfilt(sos.astype(dtype), x.astype(dtype), axis=0, zi=zi)
        assert np.array_equal(ours, theirs) and np.array_equal(ours_zf, theirs_zf)
    assert np.array_equal(sosfilt(sos, x[:, 0]), signal.sosfilt(sos, x[:, 0]))


def test_stateful_blocks_equal_one_stateless_pass() -> None:
    x = np.random.default_rng(6).standard_normal((2, 5000)).astype(np.float32)
    sos = k_weighting_sos(sample_rate=SR).astype(np.float32)
    state = np.zeros((2, 2, 2), np.float32)
    parts = []
    for start in range(0, 5000, 1234):
        y, state = sosfilt_stateful(sos, x[:, start:start + 1234], axis=-1, zi=state)
        parts.append(y)
    assert np.array_equal(np.concatenate(parts, axis=1), sosfilt(sos, x, axis=-1))


def test_stateful_rejects_a_wrong_state_shape() -> None:
    with pytest.raises(ValueError, match="zi has shape"):
        sosfilt_stateful(k_weighting_sos(sample_rate=SR), np.zeros(10), zi=np.zeros((1, 2)))
