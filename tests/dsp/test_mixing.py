"""Small matrix products that give the same samples however a stream is cut into blocks."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.dsp.mixing import hadamard_stages, interleave, mix_rows, run_hadamard, scale_frames


def _sylvester(n: int) -> np.ndarray:
    h = np.array([[1.0]])
    while h.shape[0] < n:
        h = np.block([[h, h], [h, -h]])
    return h


def test_mix_rows_is_the_matrix_product() -> None:
    rng = np.random.default_rng(1)
    weights = rng.standard_normal((2, 6)).astype(np.float32)
    rows = rng.standard_normal((6, 1000)).astype(np.float32)
    np.testing.assert_allclose(mix_rows(weights, rows), weights @ rows, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cut", [1, 7, 333, 999])
def test_every_column_is_exact_wherever_the_block_is_cut(cut: int) -> None:
    rng = np.random.default_rng(2)
    weights = rng.standard_normal((8, 8)).astype(np.float32)
    rows = rng.standard_normal((8, 1000)).astype(np.float32)
    whole = mix_rows(weights, rows)
    pieces = np.concatenate([mix_rows(weights, rows[:, :cut]), mix_rows(weights, rows[:, cut:])],
                            axis=1)
    assert np.array_equal(whole, pieces)


def test_no_rows_mix_to_silence() -> None:
    out = mix_rows(np.zeros((2, 0), np.float32), np.zeros((0, 5), np.float32))
    assert out.shape == (2, 5) and not out.any()


@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_fast_hadamard_is_the_sylvester_product_and_cut_invariant(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_normal((n, 50)).astype(np.float32)
    first, second = x.copy(), np.empty_like(x)
    stages = hadamard_stages(first, second)
    run_hadamard(stages)
    result = second if len(stages) % 2 else first
    np.testing.assert_allclose(result, _sylvester(n) @ x, rtol=1e-5, atol=1e-5)
    head_first, head_second = x[:, :17].copy(), np.empty((n, 17), np.float32)
    head_stages = hadamard_stages(head_first, head_second)
    run_hadamard(head_stages)
    head = head_second if len(head_stages) % 2 else head_first
    assert np.array_equal(head, result[:, :17])


@pytest.mark.parametrize("n_channels", [1, 2, 6])
def test_interleave_gives_the_frames_bytes_a_file_holds(n_channels: int) -> None:
    """What a WAV or the scratch file stores: frame by frame, channel by channel."""
    channels = np.random.default_rng(n_channels).standard_normal((n_channels, 1001))
    frames = interleave(channels.astype(np.float32))
    assert frames.flags.c_contiguous and frames.dtype == np.float32
    assert frames.tobytes() == np.ascontiguousarray(channels.astype(np.float32).T).tobytes()


def test_scale_frames_gives_the_broadcast_product_bit_for_bit() -> None:
    # the limiter and score crossfades swapped `frames * gain[:, None]` for it: a rendered
    # file must not move by one bit
    rng = np.random.default_rng(3)
    frames = rng.standard_normal((5000, 2)).astype(np.float32)
    gain = rng.uniform(0.1, 1.0, 5000).astype(np.float32)
    scaled = scale_frames(frames[1000:4000], gain[1000:4000])
    expected = frames[1000:4000] * gain[1000:4000, None]
    assert scaled.dtype == np.float32 and scaled.flags.c_contiguous
    assert np.array_equal(scaled.view(np.uint32), expected.view(np.uint32))
