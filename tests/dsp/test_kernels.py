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
