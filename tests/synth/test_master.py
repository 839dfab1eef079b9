"""Mastering: the true-peak limiter."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.render import _ArraySink
from moodc.synth import master
from tests.helpers import fresh_python

SR = 44100


def test_limiter_holds_the_ceiling_and_leaves_quiet_parts_alone() -> None:
    rng = np.random.default_rng(4)
    envelope = np.abs(rng.standard_normal(20000)) * 0.2
    spikes = rng.choice(20000, 15, replace=False)
    envelope[spikes] = rng.uniform(1.0, 4.0, 15)
    shape = master.LimiterShape(lookahead_n=200, hold_n=800)
    gain = master.limiter_gain(envelope, ceiling=0.8, shape=shape)
    assert (envelope * gain).max() <= 0.8 * (1 + 1e-9)
    assert gain.max() <= 1.0
    # smooth: at most the largest reduction spread over the look-ahead per sample
    steps_db = np.abs(np.diff(20 * np.log10(gain)))
    assert steps_db.max() <= 20 * np.log10(4.0 / 0.8) / 200 + 1e-9
    far = np.ones(20000, bool)
    for spike in spikes:
        far[max(0, spike - 1200):spike + 1200] = False
    assert np.all(gain[far] == 1.0)


def test_limiter_without_overs_is_unity() -> None:
    shape = master.limiter_shape(sample_rate=SR)
    gain = master.limiter_gain(np.full(5000, 0.5), ceiling=0.8, shape=shape)
    assert np.all(gain == 1.0)


@pytest.mark.parametrize("before_n,after_n", [(0, 0), (3, 0), (0, 5), (40, 7), (1, 300)])
def test_sliding_filters_match_their_definitions(before_n: int, after_n: int) -> None:
    values = np.random.default_rng(before_n + after_n).random(1000)
    expected_max = [values[max(0, i - before_n):i + after_n + 1].max() for i in range(1000)]
    np.testing.assert_array_equal(master._sliding_max(values, before_n=before_n,
                                                      after_n=after_n), expected_max)
    expected_mean = [values[max(0, i - after_n):i + 1].sum() / (after_n + 1) for i in range(1000)]
    np.testing.assert_allclose(master._sliding_mean_back(values, n=after_n), expected_mean)


def test_mastering_does_not_import_scipy_signal() -> None:
    """``import scipy.signal`` costs ~1 s of CPU: the mastering path must not need it."""
    code = ("import sys, numpy as np\n"
            "from moodc.dsp.loudness import measure_loudness_lufs\n"
            "from moodc.dsp.peak import peak_envelope\n"
            "from moodc.synth import master\n"
            "x = np.random.default_rng(0).standard_normal((48000, 2)) * 0.1\n"
            "measure_loudness_lufs(x, sample_rate=48000)\n"
            "env = peak_envelope(x * 20, threshold=0.5)\n"
            "master.limiter_gain(env, ceiling=0.9, shape=master.limiter_shape(sample_rate=48000))\n"
            "print(sorted(m for m in sys.modules if m in ('scipy.signal', 'scipy.ndimage')))\n")
    assert fresh_python(code) == "[]"


def _bincount_gain_loss(gain_loss: np.ndarray, limit: np.ndarray, *, start: int,
                        hop_n: int) -> None:
    """The per-sample formulation ``add_gain_loss`` replaced (the reference)."""
    hops = np.arange(start, start + limit.shape[0]) // hop_n
    keep = hops < gain_loss.shape[0]
    gain_loss += np.bincount(hops[keep], weights=1.0 - limit[keep] ** 2,
                             minlength=gain_loss.shape[0])[: gain_loss.shape[0]]


@pytest.mark.parametrize("hop_n", [4410, 4800, 97])
def test_gain_loss_sums_are_the_per_sample_bincounts_bit_for_bit(hop_n: int) -> None:
    """Pass 2's per-hop limiter losses, whatever the block sizes and alignment, unity
    stretches and a piece whose last samples fall past the last hop: the same floats."""
    rng = np.random.default_rng(hop_n)
    for _ in range(40):
        total_n = int(rng.integers(1, 40 * hop_n))
        n_hops = max(1, -(-total_n // hop_n) - int(rng.integers(0, 3)))
        block_n = int(rng.integers(1, 6 * hop_n))
        got, want = np.zeros(n_hops + 1), np.zeros(n_hops + 1)
        for start in range(0, total_n, block_n):
            n = min(block_n, total_n - start)
            limit = 1.0 - rng.random(n) ** 3 * rng.random()
            if rng.random() < 0.2:
                limit[:] = 1.0
            master.add_gain_loss(got, limit, start=start, hop_n=hop_n)
            _bincount_gain_loss(want, limit, start=start, hop_n=hop_n)
        assert got.tobytes() == want.tobytes()


class _Piece:
    """The mastering view of a piece: length, rate, no fades, a seed."""

    def __init__(self, n_samples: int) -> None:
        self.n_samples, self.sample_rate = n_samples, SR
        self.fade_in_n = self.fade_out_n = 0
        self.seed = 7


def _drum_mix(seconds: float) -> np.ndarray:
    """A quiet pad under loud, short hits four times a second: the limiter's hard case."""
    t = np.arange(int(seconds * SR)) / SR
    pad = 0.05 * np.sin(2 * np.pi * 220.0 * t)
    decay = np.exp(-(t % 0.25) / 0.012)
    hits = 0.9 * decay * np.sin(2 * np.pi * 90.0 * t)
    mono = (pad + hits).astype(np.float32)
    return np.stack([mono, mono], axis=1)


def test_a_peak_at_the_very_start_is_limited_too() -> None:
    """A piece may start on a hit (a score with ``fade_in: 0``): the limiter has no samples
    before it to ramp down over, so the gain starts already reduced instead of clipping."""
    envelope = np.full(4000, 0.3)
    envelope[10] = 2.0
    shape = master.limiter_shape(sample_rate=SR)
    gain = master.limiter_gain(envelope, ceiling=0.8, shape=shape)
    assert (envelope * gain).max() <= 0.8 * (1 + 1e-9)


def test_pass2_aims_past_the_limiters_loss() -> None:
    """Drums the limiter must squash: the gain is raised past target − input by the loss
    the limiter will cause, and the master still ends within tolerance under the limit."""
    mix = _drum_mix(12.0)
    piece = _Piece(mix.shape[0])
    sink = _ArraySink()  # the in-memory sink golden checks use
    blocks = (mix[i:i + 30000] for i in range(0, mix.shape[0], 30000))
    stats = master.master_mix(blocks, piece=piece, open_sink=sink.reset, bit_depth=16,
                              target_lufs=-14.0, threads=False)
    assert stats.gain_db > -14.0 - stats.input_lufs + 1.0  # ~1.2 dB for the limiter
    assert abs(stats.loudness_lufs + 14.0) <= master.LOUDNESS_TOLERANCE_LU
    pcm_peak = np.abs(sink.result()).max() / 32768
    assert 20 * np.log10(pcm_peak) <= master.TRUE_PEAK_LIMIT_DBTP


def test_predicted_loudness_follows_the_limiter_and_is_exact_without_it() -> None:
    """Below the ceiling the prediction is the plain gain's loudness; above it, the
    prediction falls behind the plain loudness more the harder the limiter works."""
    from io import BytesIO

    from moodc.dsp.loudness import integrated_loudness_lufs

    mix = _drum_mix(8.0)
    analyser = master._Pass1Analyser(_Piece(mix.shape[0]), scratch=BytesIO())
    analyser.write(mix)
    powers, peaks = analyser.meter.subblock_powers(), np.concatenate(analyser.chunk_peaks)

    def loss_lu(gain_db: float) -> float:
        plain = integrated_loudness_lufs(powers * 10 ** (gain_db / 10))
        return plain - master.predicted_loudness_lufs(powers, peaks, gain_db=gain_db,
                                                      sample_rate=SR, limit_dbtp=-1.0)

    assert loss_lu(-12.0) == pytest.approx(0.0, abs=1e-9)
    losses = [loss_lu(g) for g in (3.0, 6.0, 9.0)]
    assert 0.1 < losses[0] < losses[1] < losses[2]


def _gain_with_power_everywhere(envelope: np.ndarray, *, ceiling: float,
                                shape: master.LimiterShape) -> np.ndarray:
    """``limiter_gain`` before the power was restricted to the moving samples (74d683c): the
    power over the whole reachable span, the reference."""
    gain = np.ones(envelope.shape[0])
    overs = np.flatnonzero(envelope > ceiling)
    if overs.size == 0:
        return gain
    lo = max(0, int(overs[0]) - shape.lookahead_n)
    hi = min(envelope.shape[0], int(overs[-1]) + shape.hold_n + 2 * shape.lookahead_n + 1)
    reduction_db = np.zeros(hi - lo)
    reduction_db[overs - lo] = 20.0 * np.log10(envelope[overs] / ceiling)
    held = master._sliding_max(reduction_db, before_n=shape.hold_n, after_n=shape.lookahead_n)
    if lo == 0:
        lead = np.full(shape.lookahead_n, held[0])
        smoothed = master._sliding_mean_back(np.concatenate([lead, held]),
                                             n=shape.lookahead_n)[shape.lookahead_n:]
    else:
        smoothed = master._sliding_mean_back(held, n=shape.lookahead_n)
    smoothed[smoothed < 1e-9] = 0.0
    gain[lo:hi] = np.power(10.0, -smoothed / 20.0)
    return gain


@pytest.mark.parametrize("seed, n_spikes", [(0, 1), (1, 15), (2, 400), (3, 0)])
def test_the_limiter_gain_is_the_power_of_the_whole_span_bit_for_bit(seed: int,
                                                                     n_spikes: int) -> None:
    """Skipping the power where the smoothed reduction is 0 dB must leave every gain as it
    was (10**-0 is exactly 1): peaks at the very start, apart and crowded together."""
    rng = np.random.default_rng(seed)
    envelope = np.abs(rng.standard_normal(30000)) * 0.3
    spikes = rng.choice(30000, n_spikes, replace=False)
    envelope[spikes] = rng.uniform(0.81, 3.0, n_spikes)
    envelope[:3] = 1.5 if seed == 0 else envelope[:3]
    shape = master.LimiterShape(lookahead_n=220, hold_n=441)
    gain = master.limiter_gain(envelope, ceiling=0.8, shape=shape)
    expected = _gain_with_power_everywhere(envelope, ceiling=0.8, shape=shape)
    assert np.array_equal(gain.view(np.uint64), expected.view(np.uint64))


def test_an_interrupted_writer_never_waits_on_its_queue_and_writes_nothing_more() -> None:
    """A stop signal raised between a ``put`` taking the queue's lock and entering its block
    leaves that lock held (CI hung 60 s on the last ``put`` of a SIGTERM'd render): leaving
    on an exception must not need it, and no block may be written after it."""
    import threading
    import time

    written: list[np.ndarray] = []

    class Sink:
        def write(self, pcm: np.ndarray) -> None:
            written.append(pcm)

    writer = master._BackgroundWriter(Sink())
    writer.write(np.zeros(4, dtype=np.int16))
    deadline = time.monotonic() + 5.0
    while not written and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(written) == 1
    writer._queue.mutex.acquire()  # what the signal left behind
    leaving = threading.Thread(target=writer.__exit__,
                               args=(KeyboardInterrupt, KeyboardInterrupt(), None))
    leaving.start()
    leaving.join(5.0)
    assert not leaving.is_alive(), "leaving on an exception waited on the queue"
    writer._queue.mutex.release()
    writer._queue.put(np.ones(4, dtype=np.int16))  # already handed over: never written
    time.sleep(0.2)
    assert len(written) == 1
