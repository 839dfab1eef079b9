"""The compiled reverb network gives the floats of the numpy loop it replaced."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.dsp import _kernels
from moodc.dsp.mixing import hadamard_stages, run_hadamard


def _numpy_network(buf: np.ndarray, delays: np.ndarray, gains: np.ndarray, ratio: np.float32,
                   x_in: np.ndarray) -> None:
    """The reverb's numpy loop before the kernel (moodc 0a846be), the reference: the lines in
    chunks of the shortest delay, each chunk reading only samples at least a delay old."""
    n_lines, m = buf.shape[0], len(x_in)
    chunk = int(delays.min()) - 1
    first = np.empty((n_lines, chunk), dtype=np.float32)
    second = np.empty((n_lines, chunk), dtype=np.float32)
    full_stages = hadamard_stages(first, second)
    for t in range(0, m, chunk):
        c = min(chunk, m - t)
        a, b = first[:, :c], second[:, :c]
        np.multiply(buf[:, t: t + c], ratio, out=a)
        a += buf[:, 1 + t: 1 + t + c]
        run_hadamard(full_stages if c == chunk else hadamard_stages(a, b))
        f = b if len(full_stages) % 2 else a
        f *= gains[:, None]
        f += x_in[t: t + c]
        for j, d in enumerate(delays.tolist()):
            buf[j, 1 + t + d: 1 + t + d + c] = f[j]


@pytest.mark.parametrize("n_lines", [2, 4, 8, 16])
def test_the_compiled_network_gives_the_numpy_loops_floats(n_lines: int) -> None:
    # eight lines take a hand-unrolled path, other counts the general one: both must round
    # every product and sum as numpy did, or every render with reverb moves
    rng = np.random.default_rng(n_lines)
    delays = np.sort(rng.choice(np.arange(40, 400), n_lines, replace=False)).astype(np.int64)
    m = 3001
    buf = np.zeros((n_lines, int(delays.max()) + 2 + m), dtype=np.float32)
    buf[:, : int(delays.max()) + 2] = rng.standard_normal((n_lines, int(delays.max()) + 2))
    gains = rng.uniform(0.2, 0.3, n_lines).astype(np.float32)
    ratio = np.float32(0.35 / 0.65)
    x_in = rng.standard_normal(m).astype(np.float32)
    expected = buf.copy()
    _numpy_network(expected, delays, gains, ratio, x_in)
    _kernels.fdn(buf, delays, gains, float(ratio), x_in)
    assert np.array_equal(buf.view(np.uint32), expected.view(np.uint32))


@pytest.mark.parametrize("shortest", [3, 7, 8, 9])
@pytest.mark.parametrize("m", [3001, 16, 5, 0])
def test_eight_lines_give_the_numpy_loops_floats_in_steps_and_one_at_a_time(
        shortest: int, m: int) -> None:
    # eight lines run eight samples at a time when every delay is at least eight (the
    # reverb's always are), one at a time otherwise and for a block's last samples: the
    # same floats either way, at the boundary and over a short tail
    rng = np.random.default_rng(shortest * 100 + m)
    delays = np.sort(np.r_[shortest, rng.choice(np.arange(shortest + 1, 90), 7,
                                                 replace=False)]).astype(np.int64)
    depth = int(delays.max()) + 2
    buf = np.zeros((8, depth + m), dtype=np.float32)
    buf[:, :depth] = rng.standard_normal((8, depth))
    gains = rng.uniform(0.2, 0.3, 8).astype(np.float32)
    ratio = np.float32(0.35 / 0.65)
    x_in = rng.standard_normal(m).astype(np.float32)
    expected = buf.copy()
    if m:
        _numpy_network(expected, delays, gains, ratio, x_in)
    _kernels.fdn(buf, delays, gains, float(ratio), x_in)
    assert np.array_equal(buf.view(np.uint32), expected.view(np.uint32))


def test_the_compiled_network_refuses_what_would_write_out_of_bounds() -> None:
    delays = np.array([5, 7], dtype=np.int64)
    gains = np.ones(2, np.float32)
    with pytest.raises(ValueError, match="columns"):
        _kernels.fdn(np.zeros((2, 10), np.float32), delays, gains, 0.5, np.zeros(5, np.float32))
    with pytest.raises(ValueError, match="power-of-two"):
        _kernels.fdn(np.zeros((3, 100), np.float32), np.array([5, 7, 9]), np.ones(3, np.float32),
                     0.5, np.zeros(5, np.float32))
    with pytest.raises(TypeError, match="float32"):
        _kernels.fdn(np.zeros((2, 100)), delays, gains, 0.5, np.zeros(5, np.float32))


def test_a_missing_build_is_one_line_that_says_how_to_build_it(tmp_path) -> None:
    # rule 7: no slower path that could render other samples; rule 6: no traceback
    import subprocess
    import sys

    from tests.helpers import EXAMPLES

    code = ("import sys\n"
            "sys.modules['moodc.dsp._kernels'] = None  # as in a checkout never built\n"
            "from moodc.cli import main\n"
            f"sys.argv = ['moodc', 'render', {str(EXAMPLES / 'calm-ambient.yaml')!r},"
            f" '--duration', '1', '-o', {str(tmp_path / 'x.flac')!r}]\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert "compiled DSP kernels" in done.stderr and "make setup" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.flac").exists()


def _numpy_add(out: np.ndarray, offset: int, seg: np.ndarray, gains: np.ndarray) -> None:
    """The block renderer's numpy note write before the kernel, the reference."""
    out[:, offset: offset + len(seg)] += gains * seg


def _bits(x: np.ndarray) -> np.ndarray:
    return x.view(np.uint32)


@pytest.mark.parametrize("offset, m", [(0, 1000), (17, 983), (500, 0), (999, 1)])
def test_adding_a_note_gives_numpys_floats(offset: int, m: int) -> None:
    # every product and sum rounded to float32 as numpy did, or every render moves
    rng = np.random.default_rng(offset + m)
    out = rng.standard_normal((2, 1000)).astype(np.float32)
    seg = rng.standard_normal(m).astype(np.float32)
    gains = rng.uniform(0.0, 1.5, (2, 1)).astype(np.float32)
    level = np.float32(rng.uniform(0.1, 0.9))
    expected = out.copy()
    _numpy_add(expected, offset, seg, gains)
    _numpy_add(expected, offset, seg, gains * level)  # a sustain: the level in the gains
    _kernels.add_scaled(out, offset, seg, float(gains[0, 0]), float(gains[1, 0]))
    _kernels.add_scaled(out, offset, seg, float(gains[0, 0] * level),
                        float(gains[1, 0] * level))
    assert np.array_equal(_bits(out), _bits(expected))


def test_adding_a_note_refuses_what_numpy_would_not_do_the_same() -> None:
    out = np.zeros((2, 10), np.float32)
    with pytest.raises(ValueError, match="offset"):
        _kernels.add_scaled(out, 5, np.ones(6, np.float32), 1.0, 1.0)
    with pytest.raises(ValueError, match="offset"):
        _kernels.add_scaled(out, -1, np.ones(2, np.float32), 1.0, 1.0)
    with pytest.raises(TypeError, match="float32"):  # numpy would add float64 products
        _kernels.add_scaled(out, 0, np.ones(2, np.float64), 1.0, 1.0)
    with pytest.raises(ValueError, match="dimensions"):
        _kernels.add_scaled(np.zeros(10, np.float32), 0, np.ones(2, np.float32), 1.0, 1.0)
    with pytest.raises(ValueError, match="contiguous"):  # a strided view: refused, not misread
        _kernels.add_scaled(out, 0, np.ones(8, np.float32)[::2], 1.0, 1.0)


def _numpy_curve(values: np.ndarray, *, offset: int, n: int, control_n: int) -> np.ndarray:
    """The motion curve as the engine computed it before the kernel (moodc 5be8521)."""
    ramp = np.arange(control_n, dtype=np.float32) / np.float32(control_n)
    v = values.astype(np.float32)
    full = (v[:-1, None] + (v[1:] - v[:-1])[:, None] * ramp[None, :]).reshape(-1)
    return full[offset: offset + n]


@pytest.mark.parametrize("offset, n", [(0, 128 * 20), (5, 2000), (127, 1), (300, 2260)])
def test_the_motion_curve_gives_numpys_floats(offset: int, n: int) -> None:
    rng = np.random.default_rng(offset)
    values = rng.uniform(0.2, 1.8, 22)  # float64, as the LFO arithmetic leaves them
    row = rng.standard_normal(n).astype(np.float32)
    expected = row * _numpy_curve(values, offset=offset, n=n, control_n=128)
    _kernels.scale_by_curve(row, values, offset, 128)
    assert np.array_equal(_bits(row), _bits(expected))


def test_the_motion_curve_refuses_to_read_past_its_points() -> None:
    with pytest.raises(ValueError, match="offset"):
        _kernels.scale_by_curve(np.ones(129, np.float32), np.ones(2), 0, 128)
    with pytest.raises(TypeError, match="float64"):
        _kernels.scale_by_curve(np.ones(10, np.float32), np.ones(3, np.float32), 0, 128)


def _numpy_premix(stack: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The block renderer's numpy premix before the kernel (moodc 5be8521), the reference."""
    from moodc.dsp.mixing import mix_rows

    out = np.zeros((2 + len(weights), stack.shape[2]), dtype=np.float32)
    out[:2] = stack.sum(axis=0)
    if len(weights):
        out[2:] = mix_rows(weights, stack[:, 0] + stack[:, 1])
    return out


@pytest.mark.parametrize("n_layers, n_sends, n", [(6, 2, 5000), (1, 2, 1030), (3, 0, 2048),
                                                  (0, 2, 100), (4, 2, 1)])
def test_the_premix_gives_numpys_floats(n_layers: int, n_sends: int, n: int) -> None:
    # wide-ranging magnitudes, so a different summation order would show
    rng = np.random.default_rng(n_layers * 7 + n)
    stack = (rng.standard_normal((n_layers, 2, n))
             * 10.0 ** rng.integers(-4, 4, (n_layers, 2, 1))).astype(np.float32)
    weights = rng.uniform(0.0, 0.6, (n_sends, n_layers)).astype(np.float32)
    out = np.full((2 + n_sends, n), np.nan, dtype=np.float32)
    _kernels.premix(stack, weights, out)
    assert np.array_equal(_bits(out), _bits(_numpy_premix(stack, weights)))


def test_the_premix_refuses_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="premix wants"):
        _kernels.premix(np.zeros((3, 2, 10), np.float32), np.zeros((2, 2), np.float32),
                        np.zeros((4, 10), np.float32))


def test_the_premix_keeps_numpys_signed_zeros() -> None:
    """numpy's sum starts from +0, so layers of -0.0 mix to +0.0 (the sign can matter later)."""
    stack = np.full((2, 2, 8), -0.0, dtype=np.float32)
    weights = np.ones((2, 2), dtype=np.float32)
    out = np.empty((4, 8), dtype=np.float32)
    _kernels.premix(stack, weights, out)
    assert np.array_equal(_bits(out), _bits(_numpy_premix(stack, weights)))


@pytest.mark.parametrize("n", [5000, 2048, 1])
def test_adding_a_layers_notes_at_once_gives_numpys_floats(n: int) -> None:
    """Chunking the block must not change any sample's sums or their order: overlapping
    notes, notes across chunk edges, empty and one-sample segments."""
    rng = np.random.default_rng(n)
    out = rng.standard_normal((2, n)).astype(np.float32)
    offsets, segs, gains_l, gains_r = [], [], [], []
    for _ in range(12):
        offset = int(rng.integers(0, n))
        length = int(rng.integers(0, n - offset + 1))
        offsets.append(offset)
        segs.append((rng.standard_normal(length) * 10.0 ** rng.integers(-3, 3))
                    .astype(np.float32))
        gains_l.append(float(np.float32(rng.uniform(0, 2))))
        gains_r.append(float(np.float32(rng.uniform(0, 2))))
    _assert_adds_like_numpy(out, offsets, segs, gains_l, gains_r)


def _assert_adds_like_numpy(out: np.ndarray, offsets: list, segs: list, gains_l: list,
                            gains_r: list) -> None:
    """``add_notes`` into ``out`` gives the bits of numpy's note-by-note sums, in order."""
    expected = out.copy()
    for offset, seg, left, right in zip(offsets, segs, gains_l, gains_r):
        _numpy_add(expected, offset, seg, np.array([[left], [right]], dtype=np.float32))
    _kernels.add_notes(out, offsets, segs, gains_l, gains_r)
    assert np.array_equal(_bits(out), _bits(expected))


@pytest.mark.parametrize("n", [6000, 2049, 1025, 7])
def test_adding_notes_in_shared_passes_keeps_each_samples_order(n: int) -> None:
    """Up to four notes that share samples are added in one pass over them: every sample
    must still take each note's product and sum in the given order (numpy's floats, signed
    zeros kept), whether a note covers the shared stretch, starts or ends inside it, shares
    nothing with its neighbours, or is empty; in dense layers (twenty notes) and sparse."""
    rng = np.random.default_rng(n + 1)
    out = rng.standard_normal((2, n)).astype(np.float32)
    out[:, ::5] = np.float32(-0.0)
    _assert_adds_like_numpy(out, *_shaped_notes(rng, n, count=20))


def _shaped_notes(rng: np.random.Generator, n: int, *, count: int
                  ) -> tuple[list, list, list, list]:
    """``count`` notes in a block of ``n`` of five shapes in turn (the whole block, late
    to the end, short, early from the start, any), every seventh sample -0.0, left gains of
    both signs: offsets, segs, left and right gains."""
    offsets, segs, gains_l, gains_r = [], [], [], []
    for i in range(count):
        shape = i % 5
        if shape == 0:  # the whole block
            offset, length = 0, n
        elif shape == 1:  # starts late, runs to the end
            offset = int(rng.integers(0, n))
            length = n - offset
        elif shape == 2:  # a short one anywhere
            offset = int(rng.integers(0, n))
            length = int(rng.integers(0, min(n - offset, 300) + 1))
        elif shape == 3:  # from the start, ends early
            offset, length = 0, int(rng.integers(0, n + 1))
        else:  # anywhere, any length
            offset = int(rng.integers(0, n))
            length = int(rng.integers(0, n - offset + 1))
        seg = (rng.standard_normal(length) * 10.0 ** rng.integers(-3, 3)).astype(np.float32)
        seg[::7] = np.float32(-0.0)
        offsets.append(offset)
        segs.append(seg)
        gains_l.append(float(np.float32(rng.uniform(-2, 2))))
        gains_r.append(float(np.float32(rng.uniform(0, 2))))
    return offsets, segs, gains_l, gains_r


@pytest.mark.parametrize("n, count", [(6000, 20), (5000, 7), (2049, 3), (1025, 1), (1025, 2),
                                      (7, 4)])
def test_adding_notes_onto_zeros_in_shared_passes_gives_numpys_floats(n: int, count: int
                                                                     ) -> None:
    """With ``zero_first`` each chunk's first note writes its samples rather than adding to
    a cleared chunk: every sample must still be numpy's sum onto ``np.zeros`` (a -0.0
    product lands as +0.0), the chunk's other samples +0.0, NaN and -0.0 held before
    gone; for a first note alone or sharing its samples with up to three more, starting
    or ending inside the chunk, or empty."""
    rng = np.random.default_rng(n * 7 + count)
    offsets, segs, gains_l, gains_r = _shaped_notes(rng, n, count=count)
    # notes that start off the chunk edges first, so a chunk's first note covers part of it
    order = rng.permutation(count)
    offsets, segs = [offsets[i] for i in order], [segs[i] for i in order]
    gains_l, gains_r = [gains_l[i] for i in order], [gains_r[i] for i in order]
    for seg in segs:  # +0.0 as well as -0.0: -0.0 products whatever a gain's sign
        seg[3::7] = np.float32(0.0)
    expected = np.zeros((2, n), dtype=np.float32)
    for offset, seg, left, right in zip(offsets, segs, gains_l, gains_r):
        _numpy_add(expected, offset, seg, np.array([[left], [right]], dtype=np.float32))
    out = np.full((2, n), np.nan, dtype=np.float32)
    out[:, ::3] = np.float32(-0.0)
    _kernels.add_notes(out, offsets, segs, gains_l, gains_r, True)
    assert np.array_equal(_bits(out), _bits(expected))


@pytest.mark.parametrize("n, count", [(3000, 9), (1025, 1), (40, 0)])
def test_adding_notes_onto_zeros_ignores_what_the_block_held(n: int, count: int) -> None:
    """``zero_first`` is ``np.zeros`` then the notes: whatever the block held before (NaN,
    -0.0, stale audio) is gone, every sample starts at +0.0, and a block with no notes is
    all +0.0."""
    rng = np.random.default_rng(n + count)
    out = np.full((2, n), np.nan, dtype=np.float32)
    out[:, ::3] = np.float32(-0.0)
    offsets = [int(rng.integers(0, n // 2)) for _ in range(count)]
    segs = [rng.standard_normal(int(rng.integers(0, n - o + 1))).astype(np.float32)
            for o in offsets]
    gains_l = [float(np.float32(rng.uniform(-1, 1))) for _ in range(count)]
    gains_r = [float(np.float32(rng.uniform(-1, 1))) for _ in range(count)]
    expected = np.zeros((2, n), dtype=np.float32)
    for offset, seg, left, right in zip(offsets, segs, gains_l, gains_r):
        _numpy_add(expected, offset, seg, np.array([[left], [right]], dtype=np.float32))
    _kernels.add_notes(out, offsets, segs, gains_l, gains_r, True)
    assert np.array_equal(_bits(out), _bits(expected))


def test_adding_notes_refuses_a_note_outside_the_block() -> None:
    out = np.zeros((2, 10), np.float32)
    with pytest.raises(ValueError, match="offset"):
        _kernels.add_notes(out, [0, 8], [np.ones(2, np.float32), np.ones(3, np.float32)],
                           [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(TypeError, match="float32"):
        _kernels.add_notes(out, [0], [np.ones(2)], [1.0], [1.0])
    with pytest.raises(ValueError, match="one length"):
        _kernels.add_notes(out, [0], [], [1.0], [1.0])
    assert not out.any()  # nothing was added before the refusal


def _numpy_wavetable_add(out: np.ndarray, table: np.ndarray, base: np.ndarray,
                         inc: np.ndarray, *, start: int, gain: np.float32) -> None:
    """An additive voice's numpy path before the kernel, the reference: the phases of the
    control plan (``phase_block``), the nearest table samples (``read_table``), then
    ``out += gain * values`` in float32."""
    from tests.helpers.reference import phase_block, read_table

    out += gain * read_table(table, phase_block(base, inc, start=start,
                                                stop=start + len(out)))


@pytest.mark.parametrize("vibrato", [False, True])
@pytest.mark.parametrize("start, m", [(0, 44100), (64, 4001), (0, 1), (96, 0)])
def test_reading_a_wavetable_gives_numpys_floats(vibrato: bool, start: int, m: int) -> None:
    # every additive tone (saw, strings, pulse leads, organ, reeds ...) is made by this
    # read: one bit off and every golden with such a voice moves
    from moodc.synth.oscillators import (
        CONTROL_N,
        PHASE_BITS,
        TABLE_BITS,
        harmonic_table,
        phase_controls,
    )

    rng = np.random.default_rng(start + m + vibrato)
    table = harmonic_table(rng.uniform(-1.0, 1.0, 60) / np.arange(1, 61))
    base, inc = phase_controls(
        float(rng.uniform(30.0, 4000.0)), n_samples=start + m, sample_rate=44100,
        vibrato_hz=5.5 if vibrato else 0.0, vibrato_cents=40.0 if vibrato else 0.0,
        glide_st=-3.0 if vibrato else 0.0, offset_cycles=0.74)
    out = rng.standard_normal(m).astype(np.float32)
    gain = np.float32(rng.uniform(0.3, 1.2))
    expected = out.copy()
    _numpy_wavetable_add(expected, table, base, inc, start=start, gain=gain)
    _kernels.wavetable_add(out, table, base, inc, PHASE_BITS - TABLE_BITS, start, CONTROL_N,
                           float(gain))
    assert np.array_equal(_bits(out), _bits(expected))


def test_reading_a_wavetable_keeps_numpys_signed_zeros() -> None:
    """A zero-valued table sample times a gain added to -0.0 is +0.0 in numpy: the same."""
    from moodc.synth.oscillators import (
        CONTROL_N,
        PHASE_BITS,
        TABLE_BITS,
        phase_controls,
    )

    table = np.zeros(2**TABLE_BITS + 1, dtype=np.float32)
    base, inc = phase_controls(440.0, n_samples=100, sample_rate=44100)
    out = np.full(100, -0.0, dtype=np.float32)
    expected = out.copy()
    _numpy_wavetable_add(expected, table, base, inc, start=0, gain=np.float32(0.5))
    _kernels.wavetable_add(out, table, base, inc, PHASE_BITS - TABLE_BITS, 0, CONTROL_N, 0.5)
    assert np.array_equal(_bits(out), _bits(expected))


def test_reading_a_wavetable_refuses_what_would_read_out_of_bounds() -> None:
    base = np.zeros(4, np.uint32)
    inc = np.full(4, 1 << 20, np.uint32)
    out = np.zeros(100, np.float32)
    with pytest.raises(ValueError, match="too short"):
        _kernels.wavetable_add(out, np.zeros(1000, np.float32), base, inc, 17, 0, 32, 1.0)
    with pytest.raises(ValueError, match="covering"):  # 100 samples need 4 periods of 32
        _kernels.wavetable_add(out, np.zeros(2**15 + 1, np.float32), base[:3], inc[:3], 17, 0,
                               32, 1.0)
    with pytest.raises(TypeError, match="uint32"):
        _kernels.wavetable_add(out, np.zeros(2**15 + 1, np.float32), base.astype(np.int64),
                               inc, 17, 0, 32, 1.0)
    assert not out.any()  # nothing was added before the refusal


def _numpy_ks_loop(y: np.ndarray, taps: np.ndarray, delay: int, start: int, stop: int) -> None:
    """The plucked string's numpy loop before the kernel (moodc 303c9ae), the reference: in
    chunks of ``delay`` samples, each reading only samples computed before it."""
    while start < stop:
        end = min(start + delay, stop)
        acc = taps[0] * y[start - delay: end - delay]
        for j in range(1, len(taps)):
            acc += taps[j] * y[start - delay - j: end - delay - j]
        y[start:end] = acc
        start = end


@pytest.mark.parametrize("delay, n_taps", [(2, 3), (37, 3), (200, 3), (12, 13), (74, 7)])
def test_the_string_loop_gives_numpys_floats(delay: int, n_taps: int) -> None:
    # every plucked string (pluck, koto, oud, sitar, kora, guzheng, guitar) runs this loop
    # for seconds of feedback: one rounding off and it drifts through the whole note
    rng = np.random.default_rng(delay * n_taps)
    start = delay + n_taps - 1
    y = np.zeros(start + 5000, dtype=np.float32)
    y[:start] = rng.standard_normal(start)
    taps = (rng.uniform(0.0, 1.0, n_taps) / n_taps * 0.999).astype(np.float32)
    expected = y.copy()
    _numpy_ks_loop(expected, taps, delay, start, len(y) - 7)
    _kernels.ks_loop(y, taps, delay, start, len(y) - 7)
    assert np.array_equal(_bits(y), _bits(expected))
    assert not y[len(y) - 7:].any()  # nothing past stop


def test_the_string_loop_refuses_to_read_before_the_string() -> None:
    y = np.ones(100, np.float32)
    with pytest.raises(ValueError, match="start >= delay"):
        _kernels.ks_loop(y, np.ones(3, np.float32), 10, 11, 50)
    with pytest.raises(ValueError, match="stop <= len"):
        _kernels.ks_loop(y, np.ones(3, np.float32), 10, 12, 101)
    with pytest.raises(TypeError, match="float32"):
        _kernels.ks_loop(y, np.ones(3), 10, 12, 50)
    assert (y == 1.0).all()  # nothing written before the refusal


def _numpy_echo(history: np.ndarray, x: np.ndarray, delay: int,
                feedback: np.float32) -> np.ndarray:
    """The ping-pong echo's numpy loop before the kernel (moodc 74d683c), the reference:
    the lines a delay at a time, each chunk reading only samples a delay old."""
    d, n = delay, len(x)
    buf = np.concatenate([history, np.zeros((2, n), np.float32)], axis=1)
    h = d + 1
    for t in range(0, n, d):
        c = min(d, n - t)
        a, b = h + t, h + t + c
        damped = 0.65 * buf[:, a - d: b - d] + 0.35 * buf[:, a - d - 1: b - d - 1]
        buf[0, a:b] = x[t: t + c] + feedback * damped[1]
        buf[1, a:b] = feedback * damped[0]
    return buf


@pytest.mark.parametrize("delay, n", [(16, 5000), (300, 299), (300, 300), (300, 301),
                                      (1000, 2500), (16, 1)])
def test_the_compiled_echo_gives_the_numpy_loops_floats(delay: int, n: int) -> None:
    """Every repeat of every line, within and across chunks of one delay and across blocks
    (the history carried), rounded as numpy rounded it; magnitudes spread so that a
    reassociated or fused sum would show."""
    from moodc.synth.effects import Echo

    rng = np.random.default_rng(delay + n)
    history = (rng.standard_normal((2, delay + 1))
               * 10.0 ** rng.integers(-3, 3, (2, delay + 1))).astype(np.float32)
    feedback = np.float32(0.87)
    echo = Echo(delay_s=delay / 8000, feedback=float(feedback), sample_rate=8000)
    echo.history = history.copy()
    expected_history = history
    for _ in range(3):  # consecutive blocks
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 3)).astype(np.float32)
        expected = _numpy_echo(expected_history, x, delay, feedback)
        wet = echo.process(x)
        assert np.array_equal(_bits(wet), _bits(expected[:, 1: 1 + n]))
        expected_history = expected[:, -(delay + 1):]
        assert np.array_equal(_bits(echo.history), _bits(expected_history))


def test_the_compiled_echo_refuses_a_buffer_of_the_wrong_width() -> None:
    with pytest.raises(ValueError, match="echo wants"):
        _kernels.echo(np.zeros((2, 10), np.float32), np.zeros(5, np.float32), 5, 0.5, 0.65,
                      0.35)
    with pytest.raises(TypeError, match="float32"):
        _kernels.echo(np.zeros((2, 11)), np.zeros(5, np.float32), 5, 0.5, 0.65, 0.35)


def _numpy_reverb_send(reverb, x: np.ndarray) -> np.ndarray:
    """``Reverb``'s network input before :func:`reverb_send` (moodc b8ca224), the
    reference: the pair means by strided slices, the early reflections one product and sum
    per tap onto zeros (``Reverb._diffuse``), the lines' 1/√n (``Reverb._network``)."""
    m = len(x) // 2
    means = 0.5 * (x[0: 2 * m: 2] + x[1: 2 * m: 2])
    h = len(reverb.send_history)
    ext = np.concatenate([reverb.send_history, means])
    out = np.zeros_like(means)
    for d, g in zip(reverb.tap_delays.tolist(), reverb.tap_gains.tolist()):
        out += np.float32(g) * ext[h - d: h - d + len(means)]
    reverb.send_history = ext[-h:]
    return out * np.float32(1.0 / np.sqrt(len(reverb.delays)))


@pytest.mark.parametrize("size", [0.7, 1.0])
def test_the_reverbs_send_kernel_gives_the_numpy_means_and_reflections(size: float) -> None:
    """Consecutive blocks shorter and longer than the reflections' history (so a block's
    taps read the one before), one pair and none, magnitudes spread so that a reassociated
    or fused sum would show: every input sample's bits and the history carried."""
    from moodc.synth.effects import Reverb

    compiled_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=size)
    numpy_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=size)
    rng = np.random.default_rng(17)
    for m in (3001, 1, 0, 40, 2048, 5000):
        x = (rng.standard_normal(2 * m) * 10.0 ** rng.integers(-3, 3, 2 * m)).astype(np.float32)
        got = compiled_reverb._send(x)
        expected = _numpy_reverb_send(numpy_reverb, x)
        assert np.array_equal(_bits(got), _bits(expected))
        assert np.array_equal(_bits(compiled_reverb.send_history),
                              _bits(numpy_reverb.send_history))


def test_the_reverbs_send_kernel_refuses_mismatched_arrays() -> None:
    x, out = np.zeros(20, np.float32), np.zeros(10, np.float32)
    delays, gains = np.array([0, 3], np.int64), np.ones(2, np.float32)
    with pytest.raises(ValueError, match="reverb_send wants x"):
        _kernels.reverb_send(x[:18], delays, gains, 1.0, np.zeros(13, np.float32), out)
    with pytest.raises(ValueError, match="every delay"):
        _kernels.reverb_send(x, np.array([0, 4], np.int64), gains, 1.0,
                             np.zeros(13, np.float32), out)
    with pytest.raises(TypeError, match="float32"):
        _kernels.reverb_send(x.astype(np.float64), delays, gains, 1.0,
                             np.zeros(13, np.float32), out)


def _numpy_reverb_process(reverb, x: np.ndarray) -> np.ndarray:
    """``Reverb.process`` before its output kernel (moodc 74d683c), the reference: the
    lines mixed by ``mix_rows``, then the linear interpolation by shifted copies and
    strided writes."""
    from moodc.dsp.mixing import mix_rows

    n = len(x)
    x = np.concatenate([reverb.pending, x.astype(np.float32)])
    m = len(x) // 2
    reverb.pending = x[2 * m:]
    lines = reverb._network(_numpy_reverb_send(reverb, x[: 2 * m]))
    half = mix_rows(reverb.out_weights, lines[:, 1: 1 + m])
    up = np.empty((2, 2 * m), dtype=np.float32)
    prev = np.concatenate([reverb.last, half[:, :-1]], axis=1) if m else reverb.last[:, :0]
    up[:, 0::2] = 0.5 * (prev + half)
    up[:, 1::2] = half
    if m:
        reverb.last = half[:, -1:]
    stream = np.concatenate([reverb.fifo, up], axis=1)
    reverb.fifo = stream[:, n:]
    return stream[:, :n]


def test_the_reverbs_output_kernel_gives_the_numpy_mix_and_interpolation() -> None:
    """Blocks of odd and even lengths (a sample owed across blocks), one sample and none,
    longer than the kernel's chunk, with magnitudes spread: every output sample's bits."""
    from moodc.synth.effects import Reverb

    compiled_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=0.7)
    numpy_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=0.7)
    rng = np.random.default_rng(11)
    for n in (3001, 1, 0, 2048, 777, 4, 5000):
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 3)).astype(np.float32)
        got = compiled_reverb.process(x)
        expected = _numpy_reverb_process(numpy_reverb, x)
        assert np.array_equal(_bits(got), _bits(expected))
        assert np.array_equal(_bits(compiled_reverb.last), _bits(numpy_reverb.last))
        x.fill(np.nan)  # the caller's send buffer is reused: nothing may be kept from it


def test_the_reverbs_output_kernel_refuses_an_odd_or_short_output() -> None:
    lines = np.zeros((8, 100), np.float32)
    weights, last = np.zeros((2, 8), np.float32), np.zeros(2, np.float32)
    with pytest.raises(ValueError, match="fdn_out wants"):
        _kernels.fdn_out(lines, 1, weights, last, np.zeros((2, 11), np.float32), 0)
    with pytest.raises(ValueError, match="fdn_out wants"):
        _kernels.fdn_out(lines, 1, weights, last, np.zeros((2, 300), np.float32), 0)
    with pytest.raises(TypeError, match="float32"):
        _kernels.fdn_out(lines, 1, weights.astype(np.float64), last,
                         np.zeros((2, 10), np.float32), 0)


def _numpy_limiter_smooth(reduction_db: np.ndarray, hold_n: int, lookahead_n: int,
                          lead: bool) -> np.ndarray:
    """``limiter_gain``'s numpy steps before the kernel (moodc 74d683c), the reference."""
    from moodc.synth.master import _sliding_max, _sliding_mean_back

    held = _sliding_max(reduction_db, before_n=hold_n, after_n=lookahead_n)
    if lead:
        first = np.full(lookahead_n, held[0])
        smoothed = _sliding_mean_back(np.concatenate([first, held]),
                                      n=lookahead_n)[lookahead_n:]
    else:
        smoothed = _sliding_mean_back(held, n=lookahead_n)
    smoothed[smoothed < 1e-9] = 0.0
    return smoothed


@pytest.mark.parametrize("n, hold_n, lookahead_n, lead", [
    (20000, 441, 220, False), (20000, 441, 220, True), (300, 441, 220, True),
    (1, 3, 2, False), (1000, 0, 0, False), (1000, 0, 5, True), (5000, 7, 0, False),
    (0, 3, 2, True)])
def test_the_limiter_smoothing_gives_the_numpy_steps_floats(n: int, hold_n: int,
                                                            lookahead_n: int,
                                                            lead: bool) -> None:
    """Sparse and crowded reductions, ties (the queue's equal values), windows longer than
    the span and none at all: the same held maxima and running-sum means, bit for bit."""
    rng = np.random.default_rng(n + hold_n + lookahead_n)
    reduction_db = np.zeros(n)
    if n == 0:  # nothing to smooth, and no first value to lead in with
        out = np.zeros(0)
        _kernels.limiter_smooth(reduction_db, hold_n, lookahead_n, lead, out)
        return
    at = rng.choice(n, max(1, n // 50), replace=False)
    reduction_db[at] = np.round(rng.uniform(0.0, 12.0, at.size), 1)  # rounding makes ties
    reduction_db[at[: at.size // 3]] = rng.uniform(1e-12, 1e-6, at.size // 3)
    out = np.full(n, np.nan)
    _kernels.limiter_smooth(reduction_db, hold_n, lookahead_n, lead, out)
    expected = _numpy_limiter_smooth(reduction_db, hold_n, lookahead_n, lead)
    assert np.array_equal(out.view(np.uint64), expected.view(np.uint64))


@pytest.mark.parametrize("n, hold_n, lookahead_n, lead, peaks", [
    (120000, 1764, 220, False, 60), (120000, 1764, 220, True, 60), (300, 441, 220, True, 1),
    (300, 441, 220, False, 1), (50000, 0, 0, False, 9), (2000, 30, 0, True, 40),
    (2000, 0, 30, False, 40)])
def test_the_limiter_smoothing_of_a_few_peaks_gives_the_numpy_steps_floats(
        n: int, hold_n: int, lookahead_n: int, lead: bool, peaks: int) -> None:
    """Few peaks in a long span (the usual limited block, spread peak by peak rather than
    queued): at the first and last samples, side by side, tied and tiny, with windows
    longer than the span and none at all: the same floats as the numpy steps."""
    rng = np.random.default_rng(n + peaks)
    reduction_db = np.zeros(n)
    at = np.unique(np.concatenate([[0, n - 1], rng.choice(n, peaks, replace=False)]))
    reduction_db[at] = np.round(rng.uniform(0.0, 12.0, at.size), 1)  # rounding makes ties
    reduction_db[at[1::4]] = rng.uniform(1e-12, 1e-6, at[1::4].size)
    if at.size > 2:
        reduction_db[min(at[1] + 1, n - 1)] = reduction_db[at[1]]  # neighbours, tied
    out = np.full(n, np.nan)
    _kernels.limiter_smooth(reduction_db, hold_n, lookahead_n, lead, out)
    expected = _numpy_limiter_smooth(reduction_db, hold_n, lookahead_n, lead)
    assert np.array_equal(out.view(np.uint64), expected.view(np.uint64))


@pytest.mark.parametrize("n, moving", [(120000, 0.2), (3001, 0.9), (17, 1.0), (1, 0.0),
                                       (0, 0.0), (5000, 0.01)])
def test_where_the_limiter_moves_is_numpys_flatnonzero_and_exponent(n: int,
                                                                    moving: float) -> None:
    """Stretches of moving gain among zeros (both signs), at every density, the first and
    last samples, tiny and NaN values: the indices of ``np.flatnonzero`` and the bits of
    ``-smoothed[moving] / 20.0`` (the numpy steps before the kernel, moodc 52c6a8d)."""
    rng = np.random.default_rng(n)
    smoothed = np.where(rng.random(n) < moving, rng.uniform(0.0, 14.0, n), 0.0)
    smoothed[rng.random(n) < 0.05] = -0.0
    if n > 4:
        smoothed[[0, n - 1]] = [1e-300, 3.5]
        smoothed[n // 2] = np.nan
    expected_at = np.flatnonzero(smoothed)
    expected = -smoothed[expected_at] / 20.0
    at, exponent = np.full(n, -1, np.int64), np.full(n, np.inf)
    m = _kernels.limiter_moving(smoothed, at, exponent)
    assert m == expected_at.size
    assert np.array_equal(at[:m], expected_at)
    assert np.array_equal(exponent[:m].view(np.uint64), expected.view(np.uint64))
    with pytest.raises(ValueError, match="limiter_moving wants"):
        _kernels.limiter_moving(np.zeros(4), np.zeros(3, np.int64), np.zeros(4))
    with pytest.raises(TypeError, match="limiter_moving wants"):
        _kernels.limiter_moving(np.zeros(4), np.zeros(4, np.int32), np.zeros(4))


def test_the_limiter_smoothing_refuses_a_mismatched_output() -> None:
    with pytest.raises(ValueError, match="limiter_smooth wants"):
        _kernels.limiter_smooth(np.zeros(10), 2, 2, False, np.zeros(9))
    with pytest.raises(TypeError, match="float64"):
        _kernels.limiter_smooth(np.zeros(10, np.float32), 2, 2, False, np.zeros(10))


@pytest.mark.parametrize("tilt_db, width", [(3.0, 1.3), (-4.5, 0.0), (0.0, 0.7), (6.0, 2.0)])
def test_the_tilt_and_width_kernel_gives_the_two_effects_floats(tilt_db: float,
                                                                width: float) -> None:
    """Consecutive blocks (the tilt's carried sample), one sample and none, active and
    inactive tilt: ``tilted_width`` is ``width_matrix(Tilt.process(x))`` bit for bit."""
    from moodc.synth.effects import Tilt, tilted_width, width_matrix

    fused, steps = Tilt(tilt_db=tilt_db, sample_rate=44100), Tilt(tilt_db=tilt_db,
                                                                  sample_rate=44100)
    rng = np.random.default_rng(abs(int(tilt_db * 10 + width * 100)))
    for n in (3001, 1, 0, 4096, 17):
        x = (rng.standard_normal((2, n)) * 10.0 ** rng.integers(-3, 3, (2, 1))
             ).astype(np.float32)
        got = tilted_width(x, tilt=fused, width=width, gain=0.8)
        expected = width_matrix(steps.process(x), width=width, gain=0.8)
        assert got.shape == (n, 2)
        assert np.array_equal(_bits(got), _bits(expected))
        assert np.array_equal(_bits(fused.last), _bits(steps.last))


def test_the_texture_upsampling_kernel_gives_the_numpy_interpolation() -> None:
    """Frames in a row (the carried sample), one sample, magnitudes spread: the bits of the
    former shifted copy, sum, product and strided writes."""
    rng = np.random.default_rng(5)
    last = rng.standard_normal((2, 1)).astype(np.float32)
    for m in (16384, 1, 3001, 0):
        y = (rng.standard_normal((2, m)) * 10.0 ** rng.integers(-3, 3, (2, 1))
             ).astype(np.float32)
        expected = np.empty((2, 2 * m), dtype=np.float32)
        expected[:, 0::2] = 0.5 * (np.concatenate([last, y[:, :-1]], axis=1) + y)
        expected[:, 1::2] = y
        got = np.full((2, 2 * m), np.nan, dtype=np.float32)
        _kernels.upsample2(y, np.ascontiguousarray(last[:, 0]), got)
        assert np.array_equal(_bits(got), _bits(expected))
        last = y[:, -1:]
    with pytest.raises(ValueError, match="upsample2 wants"):
        _kernels.upsample2(np.zeros((2, 4), np.float32), np.zeros(2, np.float32),
                           np.zeros((2, 7), np.float32))


def _steps_pass1(frames: np.ndarray, dc_sos: np.ndarray, dc_zi: np.ndarray,
                 fade: np.ndarray | None, k_sos: np.ndarray, k_zi: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pass 1's filters as scipy steps (moodc 623268d's ``_Pass1Analyser.write`` and
    ``LoudnessMeter.add_channels``), the reference: the DC blocker on the transposed block,
    the float32 fade, the K-weighting, an interleaving copy. States in scipy's layout."""
    from scipy import signal

    if frames.shape[0] == 0:  # scipy cannot filter nothing: nothing changes
        return frames.copy(), frames.T.copy(), dc_zi, k_zi
    channels, dc_zf = signal.sosfilt(dc_sos, frames.T, axis=-1, zi=dc_zi)
    if fade is not None:
        channels *= fade[None, :]
    weighted, k_zf = signal.sosfilt(k_sos, channels, axis=-1, zi=k_zi)
    return np.ascontiguousarray(channels.T), weighted, dc_zf, k_zf


@pytest.mark.parametrize("fading", [False, True])
def test_the_pass1_kernel_gives_the_filter_steps_floats(fading: bool) -> None:
    # the scratch file and the meter must see scipy's floats, block after block from the
    # carried states, with and without a fade, or every render's gain and PCM move
    from moodc.dsp.design import dc_blocker_sos
    from moodc.dsp.loudness import k_weighting_sos

    rng = np.random.default_rng(int(fading))
    dc_sos = dc_blocker_sos(sample_rate=44100).astype(np.float32)
    k_sos = k_weighting_sos(sample_rate=44100).astype(np.float32)
    ref_dc = np.zeros((1, 2, 2), np.float32)
    ref_k = np.zeros((2, 2, 2), np.float32)
    dc_zi = np.zeros((2, 1, 2), np.float32)  # the kernel's layout: (channels, sections, 2)
    k_zi = np.zeros((2, 2, 2), np.float32)
    for n in (3001, 1, 4096, 0, 17, 44100):
        frames = (rng.standard_normal((n, 2)) * 10.0 ** rng.integers(-3, 1, (1, 2))
                  + 0.1).astype(np.float32)  # an offset for the DC blocker to remove
        fade = rng.uniform(0.0, 1.0, n).astype(np.float32) if fading else None
        spilled, weighted, ref_dc, ref_k = _steps_pass1(frames, dc_sos, ref_dc, fade, k_sos,
                                                        ref_k)
        got_spilled = np.full((n, 2), np.nan, np.float32)
        got_weighted = np.full((2, n), np.nan, np.float32)
        _kernels.pass1_filters(frames, dc_sos, dc_zi,
                               np.empty(0, np.float32) if fade is None else fade, k_sos, k_zi,
                               got_spilled, got_weighted)
        assert np.array_equal(_bits(got_spilled), _bits(spilled))
        assert np.array_equal(_bits(got_weighted), _bits(weighted))
        assert np.array_equal(_bits(dc_zi), _bits(ref_dc.transpose(1, 0, 2)))
        assert np.array_equal(_bits(k_zi), _bits(ref_k.transpose(1, 0, 2)))


def test_the_pass1_kernel_refuses_mismatched_arrays() -> None:
    f = np.float32
    good = [np.zeros((8, 2), f), np.zeros((1, 6), f), np.zeros((2, 1, 2), f),
            np.zeros(0, f), np.zeros((2, 6), f), np.zeros((2, 2, 2), f), np.zeros((8, 2), f),
            np.zeros((2, 8), f)]
    _kernels.pass1_filters(*good)
    with pytest.raises(ValueError, match="pass1_filters wants frames"):
        _kernels.pass1_filters(*good[:3], np.zeros(7, f), *good[4:])
    with pytest.raises(TypeError, match="every array float32"):
        _kernels.pass1_filters(*good[:6], np.zeros((8, 2)), good[7])


@pytest.mark.parametrize("n", [1, 2, 3001, 133070])
def test_the_limited_block_kernel_gives_numpys_product_and_peak(n: int) -> None:
    # pass 2 writes these frames and reports this peak for every limited block: the
    # float32 gain's products and the float64 envelope x gain maximum, as numpy made them
    from moodc.dsp.mixing import scale_frames

    rng = np.random.default_rng(n)
    frames = (rng.standard_normal((n, 2)) * 0.5).astype(np.float32)
    frames[n // 2] = -0.0
    limit = np.where(rng.random(n) < 0.5, 1.0, 1.0 - rng.random(n) ** 3 * 0.4)
    envelope = np.abs(frames).max(axis=1) * np.float32(1.1)
    out = np.full((n, 2), np.nan, np.float32)
    peak = _kernels.limit_frames(frames, limit, envelope, out)
    expected = scale_frames(frames, limit.astype(np.float32))
    assert np.array_equal(_bits(out), _bits(expected))
    assert peak == float((envelope * limit).max())
    with pytest.raises(ValueError, match="limit_frames wants"):
        _kernels.limit_frames(frames[:0], limit[:0], envelope[:0], out[:0])


@pytest.mark.parametrize("n", [0, 1, 7, 8, 1000, 4097])
def test_mix_in_gives_numpys_return_into_the_mix(n: int) -> None:
    """An effect's return added into a mix row (``acc += c * x``) and two rows folded to
    mono first (``np.add(x, y, out=t); t *= c; acc += t``), magnitudes spread so that a
    fused multiply-add or a reassociated sum would show: every sample's bits, lengths on
    and off the vector width."""
    rng = np.random.default_rng(n + 5)

    def spread(size: int) -> np.ndarray:
        return (rng.standard_normal(size) * 10.0 ** rng.integers(-4, 4, size)).astype(np.float32)

    acc, x, y = spread(n), spread(n), spread(n)
    c = np.float32(0.37)
    expected = acc.copy()
    expected += c * x
    got = acc.copy()
    _kernels.mix_in(got, x, np.empty(0, np.float32), float(c))
    assert np.array_equal(_bits(got), _bits(expected))
    mono = np.empty(n, np.float32)
    np.add(x, y, out=mono)
    mono *= c
    expected = acc.copy()
    expected += mono
    got = acc.copy()
    _kernels.mix_in(got, x, y, float(c))
    assert np.array_equal(_bits(got), _bits(expected))


def test_mix_in_refuses_mismatched_rows() -> None:
    acc = np.zeros(10, np.float32)
    with pytest.raises(ValueError, match="mix_in wants"):
        _kernels.mix_in(acc, np.zeros(9, np.float32), np.empty(0, np.float32), 1.0)
    with pytest.raises(ValueError, match="mix_in wants"):
        _kernels.mix_in(acc, np.zeros(10, np.float32), np.zeros(3, np.float32), 1.0)
    with pytest.raises(TypeError, match="float32"):
        _kernels.mix_in(acc, np.zeros(10), np.empty(0, np.float32), 1.0)


def test_the_reverbs_lines_need_no_cleared_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Reverb._network`` clears only the columns its kernel does not write: with every
    new array full of NaN (what uninitialised memory may hold), consecutive blocks (longer
    and shorter than the lines, one sample, none) give the bits of the zeroed buffer the
    network used to start from, lines and carried history alike."""
    from moodc.synth.effects import Reverb

    def zeroed_network(reverb: Reverb, x_in: np.ndarray) -> np.ndarray:
        n_lines, depth = reverb.history.shape
        m = len(x_in)
        buf = np.zeros((n_lines, depth + m), dtype=np.float32)
        buf[:, :depth] = reverb.history
        _kernels.fdn(buf, reverb.delays, reverb.line_gains[:, 0], float(reverb.damping_ratio),
                     x_in)
        reverb.history = buf[:, m: m + depth].copy()
        return buf

    real_empty = np.empty

    def nan_empty(shape, dtype=float, **kwargs):
        out = real_empty(shape, dtype=dtype, **kwargs)
        if np.issubdtype(out.dtype, np.floating):
            out.fill(np.nan)
        return out

    got_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=0.7)
    ref_reverb = Reverb(rt60_s=2.0, sample_rate=8000, size=0.7)
    rng = np.random.default_rng(23)
    for m in (3001, 1, 0, 250, 2048, 5):
        x_in = rng.standard_normal(m).astype(np.float32)
        with monkeypatch.context() as patch:
            patch.setattr(np, "empty", nan_empty)
            got = got_reverb._network(x_in)
        expected = zeroed_network(ref_reverb, x_in)
        assert np.array_equal(_bits(got), _bits(expected))
        assert np.array_equal(_bits(got_reverb.history), _bits(ref_reverb.history))


def _numpy_ramp(first: int, n: int, x0: float, slope: float, y0: float) -> np.ndarray:
    """An ADSR piece as ``moodc.synth.envelope.adsr`` drew it before its kernel (moodc
    7b51fbd): a float64 ``arange`` shifted, scaled and offset in place, then float32."""
    ramp = np.arange(first, first + n, dtype=np.float64)
    ramp -= x0
    ramp *= slope
    ramp += y0
    return ramp.astype(np.float32)


@pytest.mark.parametrize(("first", "n", "x0", "x1", "y0", "y1"), [
    (0, 441, 0.0, 441.0, 0.0, 1.0),                    # an attack from silence
    (441, 4410, 441.0, 4851.0, 1.0, 0.6180339887),      # a decay to an irrational sustain
    (96_000, 13_231, 96_000.0, 109_230.0, 0.7071, 0.0),  # a release
    (5, 7, 0.0, 1.0, 0.0, 1.0),                        # read from inside, shorter than SIMD
    (2**40, 17, 2**40 - 3.5, 2**40 + 1e6, 0.3, 0.9),   # far into a long note: large x
])
def test_envelope_ramp_gives_numpys_adsr_piece(first: int, n: int, x0: float, x1: float,
                                              y0: float, y1: float) -> None:
    """Every sample of an envelope's straight piece, bit for bit, at lengths on and off the
    vector width and slopes whose float64 products round (a fused multiply-add, or a ramp
    computed in float32, would move some samples by an LSB)."""
    slope = (y1 - y0) / (x1 - x0)
    got = np.full(n, np.nan, np.float32)
    _kernels.envelope_ramp(got, first, x0, slope, y0)
    assert np.array_equal(_bits(got), _bits(_numpy_ramp(first, n, x0, slope, y0)))


def test_envelope_ramp_refuses_what_it_cannot_draw() -> None:
    with pytest.raises(TypeError, match="float32"):
        _kernels.envelope_ramp(np.zeros(4), 0, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="first"):
        _kernels.envelope_ramp(np.zeros(4, np.float32), -1, 0.0, 1.0, 0.0)



def _numpy_crossfade_swell(low: np.ndarray, high: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The wind bed's mix as ``moodc.synth.texture._wind_frame`` made it before its kernel
    (moodc 7b51fbd), the reference: eight float32 numpy steps in place."""
    low, high = low.copy(), high.copy()
    weight = np.multiply(g, np.float32(0.6))
    np.subtract(np.float32(1.0), weight, out=weight)
    low *= weight
    high *= g
    low += high
    np.multiply(g, np.float32(0.9), out=weight)
    weight += np.float32(0.3)
    low *= weight
    return low


@pytest.mark.parametrize("n", [0, 1, 7, 8, 1000, 16384])
def test_crossfade_swell_gives_the_wind_beds_numpy_floats(n: int) -> None:
    """Two noise bands of very different levels under a gust envelope over [0, 1] (its ends
    included): every sample's bits, lengths on and off the vector width, so a fused
    multiply-add or a reordered sum would show."""
    rng = np.random.default_rng(n + 3)
    low = (rng.standard_normal((2, n)) * 10.0 ** rng.integers(-3, 2, (2, n))).astype(np.float32)
    high = (rng.standard_normal((2, n)) * 0.01).astype(np.float32)
    g = rng.random(n).astype(np.float32)
    g[:min(n, 2)] = [0.0, 1.0][:min(n, 2)]
    expected = _numpy_crossfade_swell(low, high, g)
    high_before = high.copy()
    _kernels.crossfade_swell(low, high, g, 0.6, 0.9, 0.3)
    assert np.array_equal(_bits(low), _bits(expected))
    assert np.array_equal(high, high_before)  # only read


def test_crossfade_swell_refuses_mismatched_shapes() -> None:
    low = np.zeros((2, 10), np.float32)
    with pytest.raises(ValueError, match="crossfade_swell wants"):
        _kernels.crossfade_swell(low, np.zeros((2, 9), np.float32), np.zeros(10, np.float32),
                                 0.6, 0.9, 0.3)
    with pytest.raises(ValueError, match="crossfade_swell wants"):
        _kernels.crossfade_swell(low, np.zeros((2, 10), np.float32), np.zeros(9, np.float32),
                                 0.6, 0.9, 0.3)
    with pytest.raises(TypeError, match="float32"):
        _kernels.crossfade_swell(low, np.zeros((2, 10)), np.zeros(10, np.float32), 0.6, 0.9,
                                 0.3)


def _numpy_sine_curve_mix(out_a: np.ndarray, out_b: np.ndarray, table: np.ndarray, base: int,
                          inc: int, shift: int, values: np.ndarray, offset: int,
                          control_n: int, gain_a: np.float32, gain_b: np.float32) -> None:
    """One shimmer partial as ``moodc.synth.texture._shimmer_frame`` made it before its
    kernel (moodc 7b51fbd), in numpy: the table read onto a zeroed tone with gain 1
    (wavetable_add), times the float32 lines between the knots (scale_by_curve's numpy
    definition), added into each row times its gain (mix_in's)."""
    m = out_a.shape[0]
    phase = ((base + np.arange(m, dtype=np.uint64) * inc) % 2**32).astype(np.uint32)
    tone = np.zeros(m, np.float32)
    tone += np.float32(1.0) * table[(phase >> np.uint32(shift)).astype(np.intp)]
    knots = values.astype(np.float32)
    ramp = np.arange(control_n, dtype=np.float32) / np.float32(control_n)
    lines = (knots[1:] - knots[:-1])[:, None] * ramp
    lines += knots[:-1, None]
    tone *= lines.reshape(-1)[offset: offset + m]
    out_a += tone * gain_a
    out_b += tone * gain_b


@pytest.mark.parametrize(("m", "offset", "base"), [
    (16384, 0, 0), (16384, 37, 2**32 - 5000), (1, 63, 12345), (7, 5, 99), (0, 0, 0),
    (1000, 63, 3_000_000_000)])
def test_sine_curve_mix_gives_the_shimmer_partials_floats(m: int, offset: int,
                                                          base: int) -> None:
    """A partial's every sample in both rows, bit for bit: a phase that wraps, a frame
    starting inside a control step, lengths on and off the vector width, a squared tremolo
    between knots (so a line computed in float64 or a fused multiply-add would show), rows
    that already hold other partials."""
    from moodc.synth.oscillators import PHASE_BITS, TABLE_BITS, harmonic_table

    rng = np.random.default_rng(m + offset)
    table = harmonic_table(np.ones(1))
    shift, control_n = PHASE_BITS - TABLE_BITS, 64
    inc = round(2093.0 / 22050.0 * 2.0**32) % 2**32
    n_knots = -(-(offset + m) // control_n) + 1
    values = (0.5 + 0.5 * np.sin(np.arange(n_knots) * 0.37 + 1.0)) ** 2
    rows = (rng.standard_normal((2, m)) * 0.1).astype(np.float32)
    expected = rows.copy()
    _numpy_sine_curve_mix(expected[0], expected[1], table, base, inc, shift, values, offset,
                          control_n, np.float32(0.25), np.float32(0.1))
    got = rows.copy()
    _kernels.sine_curve_mix(got[0], got[1], table, base, inc, shift, values, offset, control_n,
                            float(np.float32(0.25)), float(np.float32(0.1)))
    assert np.array_equal(_bits(got), _bits(expected))


def test_sine_curve_mix_refuses_what_it_cannot_read() -> None:
    from moodc.synth.oscillators import PHASE_BITS, TABLE_BITS, harmonic_table

    table, shift = harmonic_table(np.ones(1)), PHASE_BITS - TABLE_BITS
    out = np.zeros((2, 128), np.float32)
    with pytest.raises(ValueError, match="values covering"):
        _kernels.sine_curve_mix(out[0], out[1], table, 0, 1, shift, np.ones(2), 1, 64, 1.0, 1.0)
    with pytest.raises(ValueError, match="distinct rows"):
        _kernels.sine_curve_mix(out[0], out[0], table, 0, 1, shift, np.ones(3), 0, 64, 1.0, 1.0)
    with pytest.raises(ValueError, match="table of"):
        _kernels.sine_curve_mix(out[0], out[1], table[:100], 0, 1, shift, np.ones(3), 0, 64,
                                1.0, 1.0)
    with pytest.raises(TypeError, match="float64 values"):
        _kernels.sine_curve_mix(out[0], out[1], table, 0, 1, shift, np.ones(3, np.float32), 0,
                                64, 1.0, 1.0)


def test_the_uniform_noise_kernel_gives_numpys_float32_draws_and_steps() -> None:
    """Counts on and off the vector width and none: the bits of numpy's float32 ``random``
    from the same PCG64 state, less 0.5, times the scale, each step in float32; the
    generator left where numpy's draw leaves it (numpy also leaves its last high half in
    the unused buffer, which nothing reads while ``has_uint32`` is 0)."""
    scale = 3.4641016
    for n in (16384, 1, 3001, 0, 7):
        mine = np.random.default_rng(11 + n)
        numpys = np.random.default_rng(11 + n)
        expected = numpys.random((2, n), dtype=np.float32)
        expected -= np.float32(0.5)
        expected *= np.float32(scale)
        got = np.full((2, n), np.nan, dtype=np.float32)
        _kernels.uniform_noise(mine.bit_generator.random_raw(n), 0.5, scale, got)
        assert np.array_equal(_bits(got), _bits(expected))
        assert _stream_state(mine) == _stream_state(numpys)
        assert np.array_equal(mine.random(5, dtype=np.float32), numpys.random(5, dtype=np.float32))
    with pytest.raises(ValueError, match="uniform_noise wants"):
        _kernels.uniform_noise(np.zeros(3, np.uint64), 0.5, scale, np.zeros((2, 4), np.float32))
    with pytest.raises(TypeError, match="uniform_noise wants"):
        _kernels.uniform_noise(np.zeros(2, np.uint64), 0.5, scale, np.zeros((2, 2)))


def _stream_state(rng: np.random.Generator) -> dict:
    """A PCG64's state as far as its next numbers go: the buffered half only when one is."""
    state = dict(rng.bit_generator.state)
    if not state["has_uint32"]:
        state.pop("uinteger")
    return state


def test_the_pcg64_kernel_gives_numpys_raw_words_and_state() -> None:
    """Counts below, at and past the four side-by-side states' threshold (16), off the
    lane width, a block's worth, and none: numpy's ``random_raw`` words from the same
    state, and the state left where numpy's leaves it (the next draws agree)."""
    low = (1 << 64) - 1
    for n in (0, 1, 3, 15, 16, 17, 18, 19, 64, 1001, 131072):
        mine = np.random.PCG64(2024 + n)
        numpys = np.random.PCG64(2024 + n)
        pcg = mine.state["state"]
        words = np.array([pcg["state"] >> 64, pcg["state"] & low, pcg["inc"] >> 64,
                          pcg["inc"] & low], dtype=np.uint64)
        got = np.zeros(n, dtype=np.uint64)
        _kernels.pcg64_raw(words, got)
        assert np.array_equal(got, numpys.random_raw(n))
        after = numpys.state["state"]
        assert ((int(words[0]) << 64) | int(words[1])) == after["state"]
        assert ((int(words[2]) << 64) | int(words[3])) == after["inc"]
    with pytest.raises(ValueError, match="pcg64_raw wants a state of 4"):
        _kernels.pcg64_raw(np.zeros(3, np.uint64), np.zeros(4, np.uint64))
    with pytest.raises(TypeError, match="pcg64_raw wants a uint64"):
        _kernels.pcg64_raw(np.zeros(4, np.uint64), np.zeros(4, np.int32))


def test_raw_words_match_numpy_for_pcg64_and_other_generators() -> None:
    """``raw_words`` is ``random_raw``: the words, the generator's state after, and a PCG64's
    buffered half word (set by a 32-bit draw) still there for the next 32-bit draw."""
    from moodc.dsp.rawbits import raw_words

    for make in (np.random.PCG64, np.random.Philox, np.random.SFC64):
        mine, numpys = make(7), make(7)
        for count in (5, 131072, 0, 33):
            assert np.array_equal(raw_words(mine, count=count), numpys.random_raw(count))
            assert np.array_equal(mine.random_raw(3), numpys.random_raw(3))  # the same state
    mine, numpys = np.random.Generator(np.random.PCG64(9)), np.random.Generator(np.random.PCG64(9))
    mine.integers(0, 2**32, size=3, dtype=np.uint32)  # leaves a half word buffered
    numpys.integers(0, 2**32, size=3, dtype=np.uint32)
    assert mine.bit_generator.state["has_uint32"]
    assert np.array_equal(raw_words(mine.bit_generator, count=40),
                          numpys.bit_generator.random_raw(40))
    assert mine.bit_generator.state == numpys.bit_generator.state
    assert np.array_equal(mine.integers(0, 2**32, size=5, dtype=np.uint32),
                          numpys.integers(0, 2**32, size=5, dtype=np.uint32))
