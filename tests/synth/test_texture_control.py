"""The textures' cheap paths stay within hearing-safe distance of the formulas they replace.

Slow envelopes are evaluated at control rate and joined by lines, and shimmer partials are
read from a sine table; both are speed-ups that may move samples only far below hearing and
must not make a texture depend on where its frames or blocks fall.
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc.synth import texture
from moodc.synth.controls import fields_to_controls

CURVES = {
    "breath": texture._breath_curve,
    "gust": texture._gust_curve,
    "swell": texture._swell_curve,
    "ocean_body": texture._ocean_body_curve,
    "ocean_foam": texture._ocean_foam_curve,
    "tremolo": lambda t: texture._tremolo_curve(t, rate_hz=0.29, k=3),
}


def _numpy_slow_envelope(curve, tex: texture.Texture, start: int, n: int) -> np.ndarray:
    """``texture._slow_envelope`` before it drew its lines with the compiled curve (moodc
    b8ca224), the reference: float32 knots, each step times a 64-sample ramp, plus the
    knot."""
    values, offset = texture._envelope_knots(curve, tex, start, n)
    knots = values.astype(np.float32)
    step_n = texture.ENVELOPE_STEP_N
    ramp = np.arange(step_n, dtype=np.float32) / np.float32(step_n)
    lines = (knots[1:] - knots[:-1])[:, None] * ramp
    lines += knots[:-1, None]
    return lines.reshape(-1)[offset: offset + n]


def _texture(style: str) -> texture.Texture:
    return texture.Texture(style, ctl=fields_to_controls({"density": 6}), sample_rate=44100,
                           rng=np.random.default_rng(7))


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("start", [0, 16384, 37, 10 * 60 * 22050 + 5])
def test_a_control_rate_envelope_stays_within_minus_100_db_of_its_formula(
        name: str, start: int) -> None:
    tex = _texture("breath")
    n = 5000
    got = texture._slow_envelope(CURVES[name], tex, start, n)
    exact = CURVES[name]((start + np.arange(n)) / tex.sample_rate)
    assert got.dtype == np.float32 and got.shape == (n,)
    assert np.max(np.abs(got - exact)) < 1e-5  # -100 dB of a full-scale envelope


def test_a_control_rate_envelope_does_not_depend_on_how_the_samples_are_split() -> None:
    tex = _texture("wind")
    whole = texture._slow_envelope(texture._gust_curve, tex, 1000, 3000)
    parts = [texture._slow_envelope(texture._gust_curve, tex, 1000 + a, b - a)
             for a, b in [(0, 63), (63, 64), (64, 1999), (1999, 3000)]]
    assert np.array_equal(whole, np.concatenate(parts))


@pytest.mark.parametrize("start", [0, 12345, 2**32 - 100])
def test_a_table_read_shimmer_sine_stays_within_one_table_step_of_sin(start: int) -> None:
    cycles = 1046.5 / 22050.0
    out, other = np.zeros(4096, dtype=np.float32), np.zeros(4096, dtype=np.float32)
    texture._add_tremolo_sine(out, other, cycles_per_sample=cycles, curve=np.ones_like,
                              tex=_texture("shimmer"), start=start, gain_a=1.0, gain_b=0.5)
    assert np.array_equal(other, out * np.float32(0.5))  # the other side: the same, scaled
    inc = round(cycles * 2.0**32) % 2**32
    phase = ((start + np.arange(4096, dtype=np.int64)) * inc) % 2**32
    exact = np.sin(2 * np.pi * phase / 2.0**32)
    error = out - exact
    assert np.max(np.abs(error)) < 2 * np.pi / 2**15  # less than one table step (-74 dB)
    assert np.sqrt(np.mean(error**2)) < 1e-4  # RMS: -80 dB re full scale


@pytest.mark.parametrize("style", ["breath", "wind", "ocean", "noise_wash", "shimmer"])
def test_a_texture_is_the_same_whatever_the_block_sizes(style: str) -> None:
    whole = _texture(style).process(0, 40000)
    tex = _texture(style)
    parts = [tex.process(a, b - a) for a, b in [(0, 1), (1, 17000), (17000, 40000)]]
    assert np.array_equal(whole, np.concatenate(parts, axis=1))


@pytest.mark.parametrize("style", ["wind", "shimmer"])
def test_a_bed_added_run_by_run_is_the_bed_added_whole(style: str) -> None:
    # a layer adds its bed run by run where the frames lie (no block-sized copy): the runs
    # tile each block, and the sums are those of adding the joined block
    from moodc.synth.engine import _mix_in_rows

    blocks = [(0, 1), (1, 17000), (17000, 17001), (17001, 60000), (60000, 100000)]
    whole, by_runs = _texture(style), _texture(style)
    for a, b in blocks:
        base = np.random.default_rng(a).standard_normal((2, b - a)).astype(np.float32)
        expected, got = base.copy(), base.copy()
        _mix_in_rows(expected, whole.process(a, b - a), 0.7)
        runs = by_runs.runs(a, b - a)
        assert [offset for offset, _ in runs] == list(
            np.cumsum([0] + [r.shape[1] for _, r in runs[:-1]]))
        assert sum(r.shape[1] for _, r in runs) == b - a
        for offset, run in runs:
            _mix_in_rows(got[:, offset: offset + run.shape[1]], run, 0.7)
        assert np.array_equal(got, expected)


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("start", [0, 16384, 37, 10 * 60 * 22050 + 5])
def test_scaling_by_a_slow_envelope_gives_the_product_with_the_envelope(name: str,
                                                                        start: int) -> None:
    # the beds' envelopes are drawn while applied: every texture's samples must stay those
    # of the product with the envelope array, bit for bit, mono and stereo, any frame start
    tex = _texture("breath")
    rng = np.random.default_rng(start)
    for shape in [(5000,), (2, 16384), (2, 1), (63,)]:
        x = rng.standard_normal(shape).astype(np.float32)
        expected = x * _numpy_slow_envelope(CURVES[name], tex, start, shape[-1])
        texture._scale_slowly(x, CURVES[name], tex, start)
        assert np.array_equal(x.view(np.uint32), expected.view(np.uint32))


@pytest.mark.parametrize("name", sorted(CURVES))
@pytest.mark.parametrize("start", [0, 16384, 37, 10 * 60 * 22050 + 5])
@pytest.mark.parametrize("n", [5000, 16384, 1, 63, 0])
def test_a_slow_envelope_gives_the_numpy_lines_bit_for_bit(name: str, start: int,
                                                           n: int) -> None:
    # the wind's gust is the one envelope drawn as an array: the same bits as the numpy
    # outer product it replaced, any start and length, or arabian-nights moves
    tex = _texture("wind")
    got = texture._slow_envelope(CURVES[name], tex, start, n)
    expected = _numpy_slow_envelope(CURVES[name], tex, start, n)
    assert got.dtype == np.float32 and got.shape == (n,)
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_the_vinyl_bed_is_its_hiss_and_crackle_formula_bit_for_bit() -> None:
    # the hiss is scaled and the crackle added in place: the same floats as the expression
    # it replaced (moodc 7b51fbd), frame after frame, from the same random stream
    tex, ref = _texture("vinyl"), _texture("vinyl")
    for start in (0, texture.FRAME_N, 2 * texture.FRAME_N):
        got = texture._vinyl_frame(tex, start, texture.FRAME_N)
        x = ref.noise(texture.FRAME_N) * 0.04 + ref.impulses(texture.FRAME_N, 9.0, 6.0)
        assert np.array_equal(got.view(np.uint32), ref.band(0, x).view(np.uint32))


@pytest.mark.parametrize("buffered_half", [False, True])
def test_a_beds_noise_is_numpys_float32_draw_less_a_half_times_sqrt12(
        buffered_half: bool) -> None:
    # drawn from the generator's raw words in one compiled pass: the same floats, frame
    # after frame, and the same stream left behind, as numpy's draw and two steps, also
    # when an odd 32-bit draw (the crackle's) left a half word buffered in the generator
    tex = _texture("rain")
    ref_rng = np.random.default_rng(7)
    for n in (texture.FRAME_N, 3001, 1, 0):
        if buffered_half:
            tex.rng.integers(0, 1000, size=3)
            ref_rng.integers(0, 1000, size=3)
        expected = ref_rng.random((2, n), dtype=np.float32)
        expected -= np.float32(0.5)
        expected *= np.float32(3.4641016)
        got = tex.noise(n)
        assert got.shape == (2, n) and got.dtype == np.float32
        assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
        assert _stream_state(tex.rng) == _stream_state(ref_rng)
    assert np.array_equal(tex.rng.random(9, dtype=np.float32), ref_rng.random(9, dtype=np.float32))


def _stream_state(rng: np.random.Generator) -> dict:
    """A PCG64's state as far as its next numbers go (numpy leaves a used high half in the
    buffer, which nothing reads while ``has_uint32`` is 0)."""
    state = dict(rng.bit_generator.state)
    if not state["has_uint32"]:
        state.pop("uinteger")
    return state
