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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_sections", [1, 2, 3, 4])
@pytest.mark.parametrize("n_signals", [1, 2, 3])
def test_the_compiled_kernel_gives_scipys_samples_for_every_layout(
        dtype: type, n_sections: int, n_signals: int) -> None:
    # the kernel pairs signals and sections in registers (odd counts take other loops);
    # every path must round exactly as scipy does, from a non-zero state, or renders move
    rng = np.random.default_rng(10 * n_sections + n_signals)
    sos = np.concatenate([k_weighting_sos(sample_rate=SR),
                          signal.butter(4, 3000, fs=SR, output="sos")])[:n_sections]
    x = rng.standard_normal((n_signals, 4001)).astype(dtype)
    zi = (0.1 * rng.standard_normal((n_sections, n_signals, 2))).astype(dtype)
    ours, ours_zf = sosfilt_stateful(sos.astype(dtype), x, axis=-1, zi=zi)
    theirs, theirs_zf = signal.sosfilt(sos.astype(dtype), x, axis=-1, zi=zi)
    assert ours.dtype == theirs.dtype == dtype
    assert np.array_equal(ours.view(np.uint8), theirs.view(np.uint8))
    assert np.array_equal(ours_zf.view(np.uint8), theirs_zf.view(np.uint8))


def test_the_compiled_kernel_refuses_mixed_or_unsupported_types() -> None:
    from moodc.dsp import _kernels

    sos = k_weighting_sos(sample_rate=SR)
    with pytest.raises(TypeError, match="must all be float32 or all float64"):
        _kernels.sosfilt(sos, np.zeros((2, 10), np.float32), np.zeros((2, 2, 2)))
    with pytest.raises(TypeError, match="must all be float32 or all float64"):
        sosfilt(sos.astype(np.complex128), np.zeros(10))
    with pytest.raises(ValueError, match="shapes"):
        _kernels.sosfilt(sos, np.zeros((2, 10)), np.zeros((2, 3, 2)))
