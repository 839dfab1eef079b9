"""Mastering: two passes over a mix to a loudness target under a true-peak limit.

:func:`master_mix` is the whole stage; :mod:`moodc.render` hands it the mixed timeline and a
file writer. Pass 1 removes DC (:func:`moodc.dsp.design.dc_blocker_sos`), applies the fades
(:mod:`moodc.dsp.fades`), measures loudness block by block
(:class:`moodc.dsp.loudness.LoudnessMeter`) and spills the float32 mix to a scratch file
(plain reads and writes, not a memmap, so the page cache does not count against this
process's memory). Pass 2 reads the scratch back block by block (with a small context
margin so the result does not depend on the block size), applies the loudness gain and the
true-peak limiter, quantises with seeded TPDF dither and writes. If the limiter pulled the
loudness more than :data:`LOUDNESS_TOLERANCE_LU` off target, pass 2 runs again with the gain
corrected.

Measuring and applying are kept apart, as in pyloudnorm: :mod:`moodc.dsp.loudness` only
measures, :func:`limiter_gain` only computes a gain curve.

Mastering lives beside the synth (not in :mod:`moodc.dsp`, which holds the signal
primitives it is built from) but depends on no synth module: it masters any mix, a single
config or a multi-voice score.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final, Protocol

import numpy as np

from moodc.audio_io import BitDepth, dither_rng, quantise
from moodc.dsp import compiled
from moodc.dsp.design import dc_blocker_sos
from moodc.dsp.fades import fade_gain
from moodc.dsp.loudness import SUBBLOCK_S, LoudnessMeter, integrated_loudness_lufs
from moodc.dsp.peak import INTERP_HALF_TAPS, peak_envelope, true_peak_dbtp
from moodc.dsp.units import amplitude_to_db, db_to_amplitude
from moodc.errors import MoodcError

#: Default mastering targets (spec: integrated -14 LUFS, true peak <= -1 dBTP).
DEFAULT_TARGET_LUFS: Final[float] = -14.0
TRUE_PEAK_LIMIT_DBTP: Final[float] = -1.0
#: The limiter aims 0.2 dB below the limit: its interpolator can under-read a true
#: peak by ~0.1 dB and the dither adds up to 1.5 LSB.
LIMITER_MARGIN_DB: Final[float] = 0.2
#: The limiter looks ahead 5 ms (gain ramps down smoothly before a peak) and holds the
#: reduction 40 ms after it, so the gain does not wobble at bass frequencies.
LIMITER_LOOKAHEAD_S: Final[float] = 0.005
LIMITER_HOLD_S: Final[float] = 0.040
#: Intersample overs above ~3 dB need content near Nyquist at full scale; samples more than
#: this far below the ceiling are not examined by the true-peak interpolator.
INTERSAMPLE_HEADROOM_DB: Final[float] = 4.0

#: Samples per processing block (~3 s at 44.1 kHz: 1 MiB of float32 stereo).
BLOCK_N: Final[int] = 2**17
#: Chunk size of the sample-peak map pass 1 keeps for pass 2 (divides BLOCK_N).
PEAK_CHUNK_N: Final[int] = 1024
N_CHANNELS: Final[int] = 2
#: Pass 2 is repeated with a corrected gain when the limited loudness misses the target by
#: more than this (the spec allows +-0.5 LU).
LOUDNESS_TOLERANCE_LU: Final[float] = 0.25
#: Pass 2 runs at most this many times; the last attempt is kept whatever it measures.
MAX_PASS2_ATTEMPTS: Final[int] = 3
#: Pass 2's gain aims past the limiter's predicted loss in this many refinements, by at
#: most this much above the plain gain (see :func:`aimed_gain_db`).
AIM_ITERATIONS: Final[int] = 3
MAX_AIM_CORRECTION_DB: Final[float] = 2.0

#: ``progress(stage, done_n, total_n)``; stage is "synth" (pass 1) or "master" (pass 2).
ProgressFn = Callable[[str, int, int], None]


class Piece(Protocol):
    """What mastering needs to know about the piece (``moodc.score.Timeline`` has it)."""

    @property
    def n_samples(self) -> int: ...
    @property
    def sample_rate(self) -> int: ...
    @property
    def fade_in_n(self) -> int: ...
    @property
    def fade_out_n(self) -> int: ...
    @property
    def seed(self) -> int: ...


@dataclass(frozen=True)
class LimiterShape:
    """Limiter timing in samples: look-ahead (attack ramp) and hold after a peak."""

    lookahead_n: int
    hold_n: int

    @property
    def context_n(self) -> int:
        """Samples of context each side a block needs for an exact, block-size-free result."""
        return self.lookahead_n + self.hold_n + INTERP_HALF_TAPS + 2


def limiter_shape(*, sample_rate: int) -> LimiterShape:
    """The default limiter timing at ``sample_rate``."""
    return LimiterShape(max(1, round(LIMITER_LOOKAHEAD_S * sample_rate)),
                        max(0, round(LIMITER_HOLD_S * sample_rate)))


def _sliding_max(values: np.ndarray, *, before_n: int, after_n: int) -> np.ndarray:
    """``out[i] = max(values[i-before_n .. i+after_n])`` (zeros outside), in O(n).

    van Herk / Gil-Werman: prefix maxima and suffix maxima within blocks of the window
    length; any window spans at most two blocks, so its max is one suffix and one prefix.
    """
    width = before_n + after_n + 1
    n = values.shape[0]
    n_blocks = -(-(before_n + n + after_n + width) // width)
    padded = np.zeros(n_blocks * width, dtype=values.dtype)
    padded[before_n:before_n + n] = values
    prefix = np.maximum.accumulate(padded.reshape(n_blocks, width), axis=1).ravel()
    # suffix maxima: prefix maxima of the reversed signal (blocks reverse too), read backwards
    suffix = np.maximum.accumulate(padded[::-1].reshape(n_blocks, width), axis=1).ravel()[::-1]
    # window i covers padded[i .. i + width - 1]: its suffix part starts at i, prefix ends there
    return np.maximum(suffix[:n], prefix[width - 1:width - 1 + n])


def _sliding_mean_back(values: np.ndarray, *, n: int) -> np.ndarray:
    """``out[i] = mean(values[i-n .. i])`` (zeros before the start), via a running sum."""
    total = np.concatenate([np.zeros(n + 1), np.cumsum(values, dtype=np.float64)])
    return (total[n + 1:] - total[: values.shape[0]]) / (n + 1)


def limiter_gain(envelope: np.ndarray, *, ceiling: float, shape: LimiterShape) -> np.ndarray:
    """Gain curve that keeps ``envelope * gain`` at or below ``ceiling``, smoothly.

    The needed reduction (dB) is held over ``[i - hold, i + lookahead]`` (a sliding max), then
    averaged over the ``lookahead`` samples before each point. Every gain window that ends at
    a peak contains that peak's full reduction, so the peak is always fully reduced, and the
    gain ramps linearly (in dB) over the look-ahead: no click, no overshoot.

    Parameters
    ----------
    envelope : np.ndarray [shape=(n,)]
        Per-sample true-peak magnitude (see :func:`peak_envelope`).
    ceiling : float > 0
        Linear ceiling.
    shape : LimiterShape

    Returns
    -------
    np.ndarray [shape=(n,)] of gains in (0, 1]
    """
    gain = np.ones(envelope.shape[0])
    overs = np.flatnonzero(envelope > ceiling)
    if overs.size == 0:
        return gain
    # only the span a reduction can reach needs work: [first - lookahead, last + hold + la]
    lo = max(0, int(overs[0]) - shape.lookahead_n)
    hi = min(envelope.shape[0], int(overs[-1]) + shape.hold_n + 2 * shape.lookahead_n + 1)
    reduction_db = np.zeros(hi - lo)
    reduction_db[overs - lo] = 20.0 * np.log10(envelope[overs] / ceiling)
    # held over [i - hold, i + lookahead] (:func:`_sliding_max`), then its mean over the
    # look-ahead before each point (:func:`_sliding_mean_back`), in one compiled pass with
    # the same floats. A peak within the look-ahead of the very start (lo == 0) has no time
    # to ramp down to: the gain starts already reduced (the mean reads the first reduction
    # before sample 0). The running mean leaves ~1e-15 dB residue after a peak: snapped to
    # 0 so the gain is exactly 1 there.
    smoothed = np.empty_like(reduction_db)
    compiled.limiter_smooth(reduction_db, shape.hold_n, shape.lookahead_n, lo == 0, smoothed)
    # 10**(-0/20) is exactly 1, the gain already there: the power (the costliest step) runs
    # only where the gain moves, typically a few percent of the span; where that is, and
    # -smoothed / 20 there, come from one compiled pass (numpy's flatnonzero, gather,
    # negation and division)
    moving = np.empty(smoothed.shape[0], dtype=np.int64)
    exponent = np.empty_like(smoothed)
    m = compiled.limiter_moving(smoothed, moving, exponent)
    gain[lo + moving[:m]] = np.power(10.0, exponent[:m])
    return gain


@dataclass(frozen=True)
class MasterStats:
    """Measured by the mastering passes."""

    input_lufs: float
    gain_db: float
    loudness_lufs: float
    true_peak_dbtp: float
    n_passes: int


def master_mix(blocks: Iterable[np.ndarray], *, piece: Piece, open_sink: Callable[[], Any],
               bit_depth: BitDepth, target_lufs: float, progress: ProgressFn | None = None,
               scratch_dir: Path | None = None,
               limit_dbtp: float = TRUE_PEAK_LIMIT_DBTP, threads: bool = True,
               analysis_thread: bool | None = None) -> MasterStats:
    """Master a mix: pass 1 (DC, fades, loudness → scratch), pass 2 (gain, limit, dither → sink).

    Parameters
    ----------
    blocks : iterable of np.ndarray [shape=(n, 2), float32]
        The mix, in order, ``piece.n_samples`` samples in all (any block sizes).
    piece : Piece
        Length, sample rate, fades and dither seed of the piece (a ``moodc.score.Timeline``).
    open_sink : callable
        Returns a context manager with ``write(pcm)``; it is opened once per pass-2 attempt
        and a failed attempt is discarded by raising inside it.
    bit_depth : 16 or 24
    target_lufs : float
        Integrated loudness target.
    progress : callable, optional
        ``progress(stage, done_n, total_n)``: stage "synth" while pass 1 consumes the mix,
        "master" during pass 2.
    scratch_dir : Path, optional
        Where the scratch file goes (float32, 350 kB per second of audio, unlinked): beside
        the output, so a long render does not fill a RAM-backed /tmp.
    limit_dbtp : float
        True-peak limit of the written PCM (the spec's -1 dBTP; lower for codecs whose
        decoded peaks overshoot their input).
    threads : bool
        Run pass 1's analysis and the sink's writes on worker threads (overlapping the synth
        and the encoder on a second core); False keeps everything on the calling thread.
        The output is the same either way.
    analysis_thread : bool, optional
        Run pass 1's analysis on a worker thread (default: ``threads``). False keeps it on
        the calling thread while the writer of pass 2 still gets its own: for a caller whose
        mix already keeps another core busy (the synth's layer process), where a third busy
        thread would only take turns with the other two. The output is the same either way.

    Returns
    -------
    MasterStats

    Notes
    -----
    A lossy sink that can decode its own output (``encoded_pcm() -> (pcm, sample_rate)``,
    the MP3 writer) is judged on the decoded audio instead of pass 2's estimate: loudness
    within :data:`LOUDNESS_TOLERANCE_LU` and true peak at most the spec's limit, else pass 2
    runs again (at most :data:`MAX_PASS2_ATTEMPTS` times in all) with the gain corrected and
    ``limit_dbtp`` lowered by the overshoot.
    """
    with _open_scratch(scratch_dir) as scratch:
        powers, peaks = _pass1(blocks, piece=piece, scratch=scratch, progress=progress,
                               threads=threads if analysis_thread is None else analysis_thread)
        input_lufs = integrated_loudness_lufs(powers)
        gain_db = 0.0 if not math.isfinite(input_lufs) else aimed_gain_db(
            powers, peaks, target_lufs=target_lufs, input_lufs=input_lufs,
            sample_rate=piece.sample_rate, limit_dbtp=limit_dbtp)
        for attempt in range(1, MAX_PASS2_ATTEMPTS + 1):
            try:
                out = _pass2_attempt(piece, scratch=scratch, open_sink=open_sink,
                                     powers=powers, peaks=peaks, gain_db=gain_db,
                                     bit_depth=bit_depth, progress=progress,
                                     limit_dbtp=limit_dbtp, target_lufs=target_lufs,
                                     final=attempt == MAX_PASS2_ATTEMPTS, threads=threads)
            except _Retry as retry:
                gain_db += retry.miss_lu if math.isfinite(retry.miss_lu) else 0.0
                limit_dbtp -= max(retry.over_db, 0.0)
                continue
            return MasterStats(input_lufs, gain_db, out.loudness_lufs, out.true_peak_dbtp,
                               attempt)
    raise AssertionError("unreachable")


def aimed_gain_db(powers: np.ndarray, peaks: np.ndarray, *, target_lufs: float,
                  input_lufs: float, sample_rate: int, limit_dbtp: float) -> float:
    """Pass 2's gain: the target minus the input loudness, plus what the limiter will take.

    Aiming at ``target_lufs - input_lufs`` alone lands 0.1–0.3 LU short wherever the limiter
    works hard (drums: its reductions remove loudness), and past
    :data:`LOUDNESS_TOLERANCE_LU` a whole second pass 2 runs. The loss is predicted from
    pass 1's peak map (:func:`predicted_loudness_lufs`) and the gain raised until the
    prediction meets the target (the limiter takes more as the gain rises, hence the
    iterations; :data:`MAX_AIM_CORRECTION_DB` bounds a piece that is all peaks). Measured
    on the examples and palettes at 60 s, the prediction was within 0.02 LU of pass 2's
    own estimate. Pass 2 still measures, and retries if the aim was off.
    """
    plain_db = target_lufs - input_lufs
    gain_db = plain_db
    for _ in range(AIM_ITERATIONS):
        predicted = predicted_loudness_lufs(powers, peaks, gain_db=gain_db,
                                            sample_rate=sample_rate, limit_dbtp=limit_dbtp)
        if not math.isfinite(predicted):
            break
        gain_db = min(gain_db + (target_lufs - predicted), plain_db + MAX_AIM_CORRECTION_DB)
    return gain_db


def predicted_loudness_lufs(powers: np.ndarray, peaks: np.ndarray, *, gain_db: float,
                            sample_rate: int, limit_dbtp: float) -> float:
    """Loudness pass 2 would measure at ``gain_db``, from pass 1's powers and peak map.

    Each :data:`PEAK_CHUNK_N`-sample chunk whose sample peak, times the gain, exceeds the
    limiter's ceiling is taken as reduced by that excess for its own length and the next
    chunk's (the limiter holds a reduction :data:`LIMITER_HOLD_S` after a peak); the power
    it removes is subtracted from the 100 ms hop it falls in, as pass 2 does with the real
    gain curve.
    """
    ceiling = db_to_amplitude(limit_dbtp - LIMITER_MARGIN_DB)
    gain = db_to_amplitude(gain_db)
    over = np.maximum(peaks.astype(np.float64) * gain / ceiling, 1.0)
    held = _sliding_max(over, before_n=1, after_n=0)
    lost_n = (1.0 - held ** -2.0) * PEAK_CHUNK_N  # samples' worth of power removed
    hop_n = int(round(SUBBLOCK_S * sample_rate))
    n_hops = powers.shape[0]
    hops = np.minimum(np.arange(peaks.shape[0]) * PEAK_CHUNK_N // hop_n, n_hops)
    lost = np.bincount(hops, weights=lost_n, minlength=n_hops + 1)[:n_hops]
    return limited_loudness_lufs(powers, gain=gain, lost_n=lost, hop_n=hop_n)


def limited_loudness_lufs(powers: np.ndarray, *, gain: float, lost_n: np.ndarray,
                          hop_n: int) -> float:
    """Loudness of pass 1's 100 ms ``powers`` after a ``gain`` and a limiter that removed
    ``lost_n`` samples' worth of power from each ``hop_n``-sample hop.

    The limiter's gain moves slowly next to the K-weighting filters, so each hop's power is
    scaled by its mean squared gain. Pass 2 estimates what it wrote this way, from the real
    gain curve (:func:`add_gain_loss`); :func:`predicted_loudness_lufs` from the peak map.
    """
    mean_gain_sq = np.clip(1.0 - lost_n / hop_n, 0.0, 1.0)
    return integrated_loudness_lufs(powers * gain ** 2 * mean_gain_sq[:, None])


def _open_scratch(scratch_dir: Path | None) -> BinaryIO:
    """An unlinked temp file for pass 1's float32 mix, or a MoodcError saying why not."""
    try:
        return tempfile.TemporaryFile(prefix=".moodc-scratch-", dir=scratch_dir)
    except OSError as exc:
        raise MoodcError(f"cannot create a scratch file in {scratch_dir or 'the temp folder'}: "
                         f"{exc.strerror}", hint="check free disk space and permissions") from exc


def _pass2_attempt(piece: Piece, *, scratch: BinaryIO, open_sink: Callable[[], Any],
                   powers: np.ndarray, peaks: np.ndarray, gain_db: float,
                   bit_depth: BitDepth, progress: ProgressFn | None, limit_dbtp: float,
                   target_lufs: float, final: bool, threads: bool = True) -> "_Pass2Out":
    """One pass 2 into a fresh sink; raises :class:`_Retry` (inside the sink, which then
    discards its output) when the result misses the target and this is not the ``final``
    attempt."""
    with open_sink() as sink:
        with (_BackgroundWriter(sink) if threads else _InlineWriter(sink)) as writer:
            out = _pass2(piece, scratch=scratch, sink=writer, powers=powers, peaks=peaks,
                         gain_db=gain_db, bit_depth=bit_depth, progress=progress,
                         limit_dbtp=limit_dbtp)
        decoded = _decoded_levels(sink)
        out = decoded or out
        miss = target_lufs - out.loudness_lufs
        over_db = out.true_peak_dbtp - TRUE_PEAK_LIMIT_DBTP if decoded is not None else 0.0
        if not final and ((math.isfinite(out.loudness_lufs)
                           and abs(miss) > LOUDNESS_TOLERANCE_LU) or over_db > 0):
            raise _Retry(miss, over_db)
    return out


def _decoded_levels(sink: Any) -> "_Pass2Out | None":
    """Loudness and true peak of what a lossy sink's decoder will play, or None (lossless:
    the written PCM is what pass 2 measured)."""
    decode = getattr(sink, "encoded_pcm", None)
    if decode is None:
        return None
    pcm, sample_rate = decode()
    return _Pass2Out(*pcm_levels(pcm, sample_rate=sample_rate))


def pcm_levels(pcm: np.ndarray, *, sample_rate: int,
               block_n: int = BLOCK_N) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of int16 PCM, block by block.

    Blocks overlap by the true-peak interpolator's reach, so a peak on a block edge is still
    read from both sides; memory stays at a block of floats.
    """
    reach_n = INTERP_HALF_TAPS
    meter = LoudnessMeter(sample_rate, pcm.shape[1])
    peak_dbtp = -math.inf
    for start in range(0, pcm.shape[0], block_n):
        stop = min(start + block_n, pcm.shape[0])
        lo, hi = max(0, start - reach_n), min(pcm.shape[0], stop + reach_n)
        block = pcm[lo:hi].astype(np.float32) * np.float32(1.0 / 32768.0)
        meter.add(block[start - lo:stop - lo])
        peak_dbtp = max(peak_dbtp, true_peak_dbtp(block))
    return integrated_loudness_lufs(meter.subblock_powers()), peak_dbtp


class _Retry(Exception):
    """Internal: discard this pass-2 output and run again with a corrected gain.

    ``miss_lu`` is how far the loudness fell short of the target (LU), ``over_db`` how far
    the decoded true peak went over the spec's limit (dB; 0 for lossless sinks).
    """

    def __init__(self, miss_lu: float, over_db: float) -> None:
        super().__init__(f"missed the loudness target by {miss_lu:.2f} LU")
        self.miss_lu = miss_lu
        self.over_db = over_db


def _pass1(blocks: Iterable[np.ndarray], *, piece: Piece, scratch: BinaryIO,
           progress: ProgressFn | None, threads: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Remove DC, fade, measure and spill the mix ``blocks`` to ``scratch``.

    The mix (the synth) runs on this thread; the analysis (DC filter, fades, K-weighted meter, peak
    map, scratch write) runs on a worker, so on two cores it hides behind the synth.

    Returns the 100 ms K-weighted powers and the per-chunk sample peaks.
    """
    analyser = _Pass1Analyser(piece, scratch=scratch)
    done = 0
    with (_BackgroundWriter(analyser) if threads else _InlineWriter(analyser)) as worker:
        for block in blocks:
            worker.write(block)
            done += block.shape[0]
            if progress is not None:
                progress("synth", done, piece.n_samples)
    if analyser.done_n != piece.n_samples:
        raise RuntimeError(f"mixed {analyser.done_n} samples, expected {piece.n_samples}")
    return analyser.meter.subblock_powers(), np.concatenate(analyser.chunk_peaks)


class _Pass1Analyser:
    """Pass 1's per-block work: DC blocker, fades, loudness meter, peak map, scratch write."""

    def __init__(self, piece: Piece, *, scratch: BinaryIO) -> None:
        self.piece = piece
        self.scratch = scratch
        self.dc_sos = dc_blocker_sos(sample_rate=piece.sample_rate).astype(np.float32)
        # the kernel's layout (channels, sections, 2), not scipy's (sections, channels, 2)
        self.dc_state = np.zeros((N_CHANNELS, self.dc_sos.shape[0], 2), dtype=np.float32)
        self.meter = LoudnessMeter(piece.sample_rate, N_CHANNELS)
        self.no_fade = np.empty(0, dtype=np.float32)
        self.chunk_peaks: list[np.ndarray] = []
        self.done_n = 0

    def write(self, block: np.ndarray) -> None:
        """DC-block, fade, meter, map peaks and spill one ``(n, 2)`` mix block."""
        # one compiled pass (compiled.pass1_filters): the DC blocker, the fade and the
        # meter's K-weighting per sample, the faded mix written interleaved for the scratch
        # file and the K-weighted copy channel-major for the meter's sums
        piece = self.piece
        frames = np.ascontiguousarray(block, dtype=np.float32)
        n = frames.shape[0]
        fade = fade_gain(self.done_n, n, total_n=piece.n_samples,
                         fade_in_n=piece.fade_in_n, fade_out_n=piece.fade_out_n)
        fade32 = self.no_fade if fade is None else fade.astype(np.float32)
        k_sos, k_state = self.meter.weighting(dtype=np.float32)
        k_state = np.ascontiguousarray(k_state.transpose(1, 0, 2))
        spilled = np.empty((n, N_CHANNELS), dtype=np.float32)
        weighted = np.empty((N_CHANNELS, n), dtype=np.float32)
        compiled.pass1_filters(frames, self.dc_sos, self.dc_state, fade32, k_sos, k_state,
                               spilled, weighted)
        self.meter.add_weighted(weighted, state=k_state.transpose(1, 0, 2))
        self.chunk_peaks.append(_chunk_peaks(spilled))
        try:
            self.scratch.write(spilled.data)
        except OSError as exc:
            raise MoodcError(f"writing the render's scratch file failed: {exc.strerror}",
                             hint="free some disk space beside the output") from exc
        self.done_n += n


def _chunk_peaks(frames: np.ndarray) -> np.ndarray:
    """Sample peak (all channels) of each :data:`PEAK_CHUNK_N`-sample chunk.

    ``frames`` is interleaved, shape ``(n, n_channels)`` (the scratch file's layout). Pass 2
    uses the peaks to skip the true-peak interpolator wherever the signal is far below the
    ceiling (most of the time), which keeps mastering cheap.
    """
    n, n_channels = frames.shape
    n_chunks = -(-n // PEAK_CHUNK_N)
    padded = frames
    if n_chunks * PEAK_CHUNK_N != n:
        padded = np.zeros((n_chunks * PEAK_CHUNK_N, n_channels), dtype=frames.dtype)
        padded[:n] = frames
    chunks = padded.reshape(n_chunks, PEAK_CHUNK_N * n_channels)
    return np.maximum(chunks.max(axis=1), -chunks.min(axis=1))


def _read_frames(scratch: BinaryIO, start: int, stop: int) -> np.ndarray:
    """Frames ``start .. stop`` of the float32 stereo scratch file."""
    frame_bytes = 4 * N_CHANNELS
    scratch.seek(start * frame_bytes)
    raw = scratch.read((stop - start) * frame_bytes)
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, N_CHANNELS)


@dataclass(frozen=True)
class _Pass2Out:
    loudness_lufs: float
    true_peak_dbtp: float


def _pass2(piece: Piece, *, scratch: BinaryIO, sink: Any, powers: np.ndarray,
           peaks: np.ndarray, gain_db: float, bit_depth: BitDepth,
           progress: ProgressFn | None, limit_dbtp: float) -> _Pass2Out:
    """Gain + true-peak limiter + dither → sink; estimates the output loudness as it goes.

    Output loudness is estimated from the pass-1 powers and the power the limiter took
    from each 100 ms hop (:func:`limited_loudness_lufs`).
    """
    n_total = piece.n_samples
    limiter = _Limiter(piece.sample_rate, limit_dbtp=limit_dbtp)
    gain = np.float32(db_to_amplitude(gain_db))
    rng = dither_rng(piece.seed)
    hop_n = int(round(SUBBLOCK_S * piece.sample_rate))
    gain_loss = np.zeros(powers.shape[0] + 1)
    peak = 0.0
    for start in range(0, n_total, BLOCK_N):
        stop = min(start + BLOCK_N, n_total)
        lo = max(0, start - limiter.shape.context_n)
        hi = min(n_total, stop + limiter.shape.context_n)
        if float(_span_max(peaks, lo, hi)) * float(gain) < limiter.threshold:
            # far below the ceiling (the usual case): gain folded into the quantiser
            peak = max(peak, float(_span_max(peaks, start, stop)) * float(gain))
            pcm = quantise(_read_frames(scratch, start, stop), bit_depth=bit_depth, rng=rng,
                           gain=float(gain))
        else:
            context = _read_frames(scratch, lo, hi) * gain
            block, limit, block_peak = limiter.apply(context, core=slice(start - lo, stop - lo))
            peak = max(peak, block_peak)
            if limit is not None:
                add_gain_loss(gain_loss, limit, start=start, hop_n=hop_n)
            pcm = quantise(block, bit_depth=bit_depth, rng=rng)
        sink.write(pcm)
        if progress is not None:
            progress("master", stop, n_total)
    loudness_lufs = limited_loudness_lufs(powers, gain=float(gain),
                                          lost_n=gain_loss[: powers.shape[0]], hop_n=hop_n)
    return _Pass2Out(loudness_lufs, amplitude_to_db(peak))


def add_gain_loss(gain_loss: np.ndarray, limit: np.ndarray, *, start: int, hop_n: int) -> None:
    """Add ``1 - limit**2`` of the block starting at sample ``start`` to ``gain_loss``, one
    sum per ``hop_n``-sample hop (samples past the last hop are not counted).

    Pass 2's loudness estimate needs, per 100 ms hop, how much power the limiter took. Each
    hop's samples are summed in order from zero, so the sums are those of a weighted
    ``np.bincount`` over per-sample hop numbers: one compiled pass
    (:func:`moodc.dsp.compiled.gain_loss_add`) that skips the samples at unity (their +0.0
    leaves the sum as it is).
    """
    compiled.gain_loss_add(gain_loss, np.ascontiguousarray(limit, dtype=np.float64), start,
                           hop_n)


def _span_max(peaks: np.ndarray, start: int, stop: int) -> float:
    """Largest chunk peak over samples ``start .. stop`` (from the pass-1 peak map)."""
    return float(peaks[start // PEAK_CHUNK_N: -(-stop // PEAK_CHUNK_N)].max())


class _Limiter:
    """The true-peak limiter at ``limit_dbtp`` (minus its margin), applied to one block with
    context."""

    def __init__(self, sample_rate: int, *,
                 limit_dbtp: float = TRUE_PEAK_LIMIT_DBTP) -> None:
        self.shape = limiter_shape(sample_rate=sample_rate)
        self.ceiling = db_to_amplitude(limit_dbtp - LIMITER_MARGIN_DB)
        self.threshold = self.ceiling / db_to_amplitude(INTERSAMPLE_HEADROOM_DB)

    def apply(self, context: np.ndarray, *, core: slice
              ) -> tuple[np.ndarray, np.ndarray | None, float]:
        """Limit ``context[core]``; returns (block, gain curve or None, its true peak)."""
        envelope = peak_envelope(context, threshold=self.threshold)
        if envelope.max() <= self.ceiling:
            return context[core], None, float(envelope[core].max())
        limit = limiter_gain(envelope, ceiling=self.ceiling, shape=self.shape)[core]
        frames = np.ascontiguousarray(context[core], dtype=np.float32)
        block = np.empty_like(frames)
        # the frames times the float32 gain, and max(envelope * gain) in float64, one pass
        peak = compiled.limit_frames(frames, np.ascontiguousarray(limit),
                                     np.ascontiguousarray(envelope[core]), block)
        return block, limit, peak


class _InlineWriter:
    """:class:`_BackgroundWriter`'s interface on the calling thread (``threads=False``)."""

    def __init__(self, sink: Any) -> None:
        self.write = sink.write

    def __enter__(self) -> "_InlineWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


class _BackgroundWriter:
    """Hands PCM blocks to ``sink.write`` on a worker thread (libsndfile's FLAC encoder runs
    without the GIL, so encoding overlaps the next block's mastering). Errors re-raise on exit.

    Leaving on an exception (a stop signal's :class:`~moodc.errors.Interrupted` among them)
    never touches the queue: a signal handler that raises between a ``put`` taking the
    queue's lock and entering its block leaves that lock held for good, and a last ``put``
    then waits forever. It only waits out a write in progress and lets no other start, so
    the sink can be discarded; the thread, a daemon, is left waiting on the queue.
    """

    def __init__(self, sink: Any, *, depth: int = 3) -> None:
        import queue
        import threading

        self._sink = sink
        self._queue: "queue.Queue[np.ndarray | None]" = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._writing = threading.Lock()  # held by the thread for each write
        self._abandoned = False
        self._thread = threading.Thread(target=self._run, name="moodc-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            with self._writing:
                if self._error is not None or self._abandoned:
                    continue
                try:
                    self._sink.write(item)
                except BaseException as exc:  # re-raised in the caller's thread on exit
                    self._error = exc

    def write(self, pcm: np.ndarray) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(pcm)

    def __enter__(self) -> "_BackgroundWriter":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:  # unwinding: no queue (see the class), no write after this
            with self._writing:
                self._abandoned = True
            return
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
