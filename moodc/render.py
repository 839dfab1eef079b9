"""Render a config or score to a mastered, dithered WAV/FLAC/Ogg/MP3 — in blocks.

Pipeline (documents → timeline → synth → master → file):

1. :mod:`moodc.score` turns the document into a :class:`~moodc.score.Timeline` of voices.
2. **Pass 1** mixes the voices block by block (each voice is a ``moodc.synth.stream_config``
   stream), removes DC, applies the raised-cosine fades, measures BS.1770 loudness as it goes
   and spills the float32 mix to a scratch file (plain reads and writes, not a memmap, so the
   page cache does not count against this process's memory).
3. **Pass 2** reads the scratch back block by block (with a small context margin so the result
   is independent of the block size), applies the loudness gain and the true-peak limiter,
   quantises with seeded TPDF dither and writes the file atomically. If the limiter pulled the
   loudness more than :data:`LOUDNESS_TOLERANCE_LU` below target, pass 2 runs once more with the
   gain corrected.

At most a few blocks of audio are in memory at any time, whatever the duration (MP3 is the
exception: pydub encodes the whole 16-bit PCM at the end, see :class:`moodc.audio_io.Mp3Writer`).
"""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np

from moodc import __version__
from moodc.audio_io import (DEFAULT_MP3_BITRATE, FFMPEG_FORMATS, LOSSLESS_FORMATS,
                            AudioFormat, BitDepth, Mp3Bitrate, Mp3Writer, PcmWriter, Tags,
                            check_encoder, check_writable, dither_rng, format_for_path,
                            quantise, true_peak_ceiling_dbtp)
from moodc.errors import MoodcError, UsageError
from moodc.score import Timeline, Voice, config_timeline, resolve_score, voice_gain
from moodc.dsp.design import dc_blocker_sos
from moodc.dsp.fades import fade_gain
from moodc.dsp.loudness import SUBBLOCK_S, LoudnessMeter, integrated_loudness_lufs
from moodc.dsp.peak import INTERP_HALF_TAPS, peak_envelope, true_peak_dbtp
from moodc.dsp.sosfilt import sosfilt_stateful
from moodc.dsp.units import amplitude_to_db, db_to_amplitude
from moodc.synth import master

#: Samples per processing block (~3 s at 44.1 kHz: 1 MiB of float32 stereo).
BLOCK_N: Final[int] = 2**17
#: Chunk size of the sample-peak map pass 1 keeps for pass 2 (divides BLOCK_N).
PEAK_CHUNK_N: Final[int] = 1024
N_CHANNELS: Final[int] = 2
SAMPLE_RATES: Final[tuple[int, ...]] = (44100, 48000)
#: Pass 2 is repeated with a corrected gain when the limited loudness misses the target by
#: more than this (the spec allows +-0.5 LU).
LOUDNESS_TOLERANCE_LU: Final[float] = 0.25
DEFAULT_OUTPUT_DIR: Final[str] = "renders"

#: ``stream_fn(fields, *, duration_s, sample_rate, seed, block_s)`` → float32 (n, 2) blocks.
StreamFn = Callable[..., Iterator[np.ndarray]]
#: ``progress(stage, done_n, total_n)``; stage is "synth" (pass 1) or "master" (pass 2).
ProgressFn = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RenderResult:
    """What a render produced and measured."""

    path: Path | None
    n_samples: int
    sample_rate: int
    loudness_lufs: float
    true_peak_dbtp: float
    seed: int
    wall_s: float
    fmt: str | None
    bit_depth: int
    title: str
    document_sha256: str

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate

    @property
    def realtime_factor(self) -> float:
        """Audio seconds rendered per wall-clock second."""
        return self.duration_s / self.wall_s if self.wall_s > 0 else math.inf

    def summary(self) -> str:
        """The one-line summary ``moodc render`` prints."""
        level = (f"{self.loudness_lufs:.1f} LUFS, {self.true_peak_dbtp:.1f} dBTP"
                 if math.isfinite(self.loudness_lufs) else "silent (nothing sounds)")
        return (f"{self.path}: {self.duration_s:.2f} s, {level}, seed {self.seed}, "
                f"{self.realtime_factor:.0f}x realtime")

    def as_dict(self) -> dict[str, Any]:
        def finite(value: float) -> float | None:  # JSON has no -inf
            return value if math.isfinite(value) else None

        return {"path": str(self.path) if self.path else None, "duration_s": self.duration_s,
                "n_samples": self.n_samples, "sample_rate": self.sample_rate,
                "loudness_lufs": finite(self.loudness_lufs),
                "true_peak_dbtp": finite(self.true_peak_dbtp),
                "seed": self.seed, "wall_s": self.wall_s,
                "realtime_factor": self.realtime_factor, "format": self.fmt,
                "bit_depth": self.bit_depth, "document_sha256": self.document_sha256}


# ------------------------------------------------------------------------------------------
# Public entry points
# ------------------------------------------------------------------------------------------

def default_output(path: Path, *, fmt: AudioFormat) -> Path:
    """``renders/<stem>.<fmt>`` relative to the current directory."""
    return Path(DEFAULT_OUTPUT_DIR) / f"{Path(path).stem}.{fmt}"


def resolve_format(out: Path | None, fmt: str | None) -> AudioFormat:
    """The output format from ``--format`` and/or the output suffix (default flac)."""
    implied = format_for_path(out) if out is not None else None
    if fmt is not None and implied is not None and fmt != implied:
        raise UsageError(f"format {fmt} does not match the output name {out}",
                         hint=f"name the file *.{fmt} or drop --format", param="fmt")
    if out is not None and implied is None and out.suffix and fmt is None:
        raise UsageError(f"cannot tell the format of {out} from its suffix {out.suffix!r}",
                         hint="name it .wav, .flac, .ogg or .mp3, or pass --format")
    return (fmt or implied or "flac")  # type: ignore[return-value]


def build_timeline(doc: Any, *, base_dir: Path, duration_s: float | None, seed: int | None,
                   sample_rate: int, title: str) -> Timeline:
    """Check the render options and resolve ``doc`` (Config or Score) into a timeline."""
    from moodc.config.load import load_document
    from moodc.config.model import Score

    if sample_rate not in SAMPLE_RATES:
        raise UsageError(f"sample rate {sample_rate} Hz is not supported",
                         hint="use 44100 or 48000", param="sample_rate")
    if seed is not None and (isinstance(seed, bool) or not 0 <= int(seed) < 2**63):
        raise UsageError(f"seed {seed} is out of range", hint="use 0 <= seed < 2**63",
                         param="seed")
    if isinstance(doc, Score):
        return resolve_score(doc, base_dir=base_dir, sample_rate=sample_rate, seed=seed,
                             duration_s=duration_s, title=title, loader=load_document)
    return config_timeline(doc, sample_rate=sample_rate, seed=seed, duration_s=duration_s,
                           title=title)


def resolve_bitrate(fmt: AudioFormat, bitrate: str | None) -> Mp3Bitrate | None:
    """The MP3 bitrate (default 192k); ``bitrate`` given for another format is an error."""
    if fmt not in FFMPEG_FORMATS:
        if bitrate is not None:
            raise UsageError(f"a bitrate ({bitrate}) applies to mp3 only, not {fmt}",
                             hint="drop --bitrate, or render with --format mp3",
                             param="bitrate")
        return None
    return (bitrate or DEFAULT_MP3_BITRATE)  # type: ignore[return-value]


def open_writer(out_path: Path, *, fmt: AudioFormat, sample_rate: int, bit_depth: BitDepth,
                bitrate: Mp3Bitrate | None, tags: Tags, force: bool) -> PcmWriter | Mp3Writer:
    """The atomic file writer for ``fmt`` (libsndfile for wav/flac/ogg, pydub for mp3)."""
    if fmt in FFMPEG_FORMATS:
        return Mp3Writer(out_path, sample_rate=sample_rate, n_channels=N_CHANNELS,
                         bitrate=bitrate or DEFAULT_MP3_BITRATE, tags=tags, force=force)
    return PcmWriter(out_path, sample_rate=sample_rate, n_channels=N_CHANNELS, fmt=fmt,
                     bit_depth=bit_depth, tags=tags, force=force)


def render_file(path: Path, *, out: Path | None = None, duration_s: float | None = None,
                seed: int | None = None, sample_rate: int = 44100, fmt: str | None = None,
                bit_depth: BitDepth = 16, target_lufs: float = master.DEFAULT_TARGET_LUFS,
                bitrate: str | None = None, force: bool = False,
                progress: ProgressFn | None = None,
                stream_fn: StreamFn | None = None) -> RenderResult:
    """Render the config or score at ``path`` to a mastered WAV/FLAC/Ogg/MP3 file.

    Parameters
    ----------
    path : Path
        A V2 config or score (YAML or JSON).
    out : Path, optional
        Output file; default ``renders/<stem>.<fmt>`` under the current directory.
    duration_s : float, optional
        Length for a config (default: the document's ``duration``, else 30 s); for a score,
        cut it short at this length.
    seed : int, optional
        Default: the document's ``seed``, else a hash of its resolved content.
    sample_rate : 44100 or 48000
    fmt : "wav", "flac", "ogg" or "mp3", optional
        Default: from the suffix of ``out``, else flac.
    bit_depth : 16 or 24
        Lossless formats only; lossy encoders are fed 16-bit PCM.
    target_lufs : float
        Integrated loudness target (-14 LUFS by default).
    bitrate : str, optional
        MP3 only: one of :data:`moodc.audio_io.MP3_BITRATES` (default 192k). MP3 is mastered
        to a lower true-peak ceiling (:data:`moodc.audio_io.TRUE_PEAK_CEILING_DBTP`) so the
        decoded file stays at or below -1 dBTP.
    force : bool
        Overwrite an existing output.

    Raises
    ------
    UsageError, OutputExistsError
        Bad options, missing file, existing output (exit 2); nothing is written.
    MoodcError
        ffmpeg is missing for mp3 (exit 2), checked before rendering; nothing is written.
    DocumentError
        Invalid document (exit 1); nothing is written.
    """
    from moodc.config.load import load_document

    started = time.perf_counter()
    _check_target(target_lufs)
    if bit_depth not in (16, 24):
        raise UsageError(f"bit depth {bit_depth} is not supported", hint="use 16 or 24",
                         param="bit_depth")
    audio_fmt = resolve_format(Path(out) if out is not None else None, fmt)
    mp3_bitrate = resolve_bitrate(audio_fmt, bitrate)
    if audio_fmt not in LOSSLESS_FORMATS:
        bit_depth = 16  # lossy encoders take 16-bit PCM; --bit-depth does not apply
    out_path = Path(out) if out is not None else default_output(path, fmt=audio_fmt)
    check_writable(out_path, force=force)
    check_encoder(audio_fmt)
    doc = load_document(Path(path))
    timeline = build_timeline(doc, base_dir=Path(path).parent, duration_s=duration_s, seed=seed,
                              sample_rate=sample_rate, title=Path(path).stem)
    tags = Tags(timeline.title, f"moodc {__version__}", timeline.seed, timeline.document_sha256)

    def open_sink() -> PcmWriter | Mp3Writer:
        return open_writer(out_path, fmt=audio_fmt, sample_rate=sample_rate,
                           bit_depth=bit_depth, bitrate=mp3_bitrate, tags=tags, force=force)

    out_path.parent.mkdir(parents=True, exist_ok=True)
    limit_dbtp = true_peak_ceiling_dbtp(audio_fmt, default_dbtp=master.TRUE_PEAK_LIMIT_DBTP)
    stats = master_timeline(timeline, open_sink=open_sink, bit_depth=bit_depth,
                            target_lufs=target_lufs, progress=progress, stream_fn=stream_fn,
                            scratch_dir=out_path.parent, limit_dbtp=limit_dbtp)
    return RenderResult(out_path, timeline.n_samples, sample_rate, stats.loudness_lufs,
                        stats.true_peak_dbtp, timeline.seed, time.perf_counter() - started,
                        audio_fmt, bit_depth, timeline.title, timeline.document_sha256)


def render_pcm(doc: Any, *, base_dir: Path, duration_s: float | None = None,
               seed: int | None = None, sample_rate: int = 44100, bit_depth: BitDepth = 16,
               target_lufs: float = master.DEFAULT_TARGET_LUFS,
               stream_fn: StreamFn | None = None) -> tuple[np.ndarray, Timeline, "MasterStats"]:
    """Render a document to the integer PCM a file would hold (for golden checks and tests)."""
    timeline = build_timeline(doc, base_dir=base_dir, duration_s=duration_s, seed=seed,
                              sample_rate=sample_rate, title="untitled")
    sink = _ArraySink()
    stats = master_timeline(timeline, open_sink=lambda: sink.reset(), bit_depth=bit_depth,
                            target_lufs=target_lufs, stream_fn=stream_fn)
    return sink.result(), timeline, stats


def render_document(doc: Any, *, base_dir: Path, duration_s: float | None = None,
                    seed: int | None = None, sample_rate: int = 44100,
                    target_lufs: float = master.DEFAULT_TARGET_LUFS,
                    stream_fn: StreamFn | None = None) -> np.ndarray:
    """Render a document to mastered float audio (16-bit dithered values, as floats)."""
    from moodc.audio_io import pcm_to_float

    pcm, _, _ = render_pcm(doc, base_dir=base_dir, duration_s=duration_s, seed=seed,
                           sample_rate=sample_rate, bit_depth=16, target_lufs=target_lufs,
                           stream_fn=stream_fn)
    return pcm_to_float(pcm, bit_depth=16)


def _check_target(target_lufs: float) -> None:
    if not (math.isfinite(target_lufs) and -40.0 <= target_lufs <= -5.0):
        raise UsageError(f"loudness target {target_lufs!r} LUFS is out of range",
                         hint="give an integrated loudness between -40 and -5 LUFS, e.g. -14",
                         param="target_lufs")


# ------------------------------------------------------------------------------------------
# Mixing voices (pass 1 source)
# ------------------------------------------------------------------------------------------

class _VoiceReader:
    """Pulls exact sample counts out of one voice's synth stream (which yields any sizes)."""

    def __init__(self, voice: Voice, *, sample_rate: int, stream_fn: StreamFn) -> None:
        total_n = voice.preroll_n + voice.n_samples
        self._stream = stream_fn(voice.fields, duration_s=total_n / sample_rate,
                                 sample_rate=sample_rate, seed=voice.seed)
        self._buffer: list[np.ndarray] = []
        self._buffered_n = 0
        if voice.preroll_n:
            self.take(voice.preroll_n)

    def take(self, n_samples: int) -> np.ndarray:
        while self._buffered_n < n_samples:
            try:
                block = next(self._stream)
            except StopIteration:
                raise RuntimeError("synth stream ended early") from None
            self._buffer.append(np.asarray(block, dtype=np.float32))
            self._buffered_n += block.shape[0]
        joined = self._buffer[0] if len(self._buffer) == 1 else np.concatenate(self._buffer)
        head, rest = joined[:n_samples], joined[n_samples:]
        self._buffer = [rest] if rest.shape[0] else []
        self._buffered_n = rest.shape[0]
        return head

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


def mix_timeline(timeline: Timeline, *, stream_fn: StreamFn,
                 block_n: int = BLOCK_N) -> Iterator[np.ndarray]:
    """The timeline's mix as float32 ``(n, 2)`` blocks; voices open and close lazily."""
    open_voices: dict[int, _VoiceReader] = {}
    for start in range(0, timeline.n_samples, block_n):
        stop = min(start + block_n, timeline.n_samples)
        mix = np.zeros((stop - start, N_CHANNELS), dtype=np.float32)
        for index, voice in enumerate(timeline.voices):
            lo, hi = max(start, voice.start_n), min(stop, voice.stop_n)
            if lo >= hi:
                continue
            if index not in open_voices:
                open_voices[index] = _VoiceReader(voice, sample_rate=timeline.sample_rate,
                                                  stream_fn=stream_fn)
            part = open_voices[index].take(hi - lo)
            gain = voice_gain(voice, lo, hi - lo)
            if gain is None:
                mix[lo - start:hi - start] += part
            else:
                mix[lo - start:hi - start] += part * gain[:, None].astype(np.float32)
            if hi == voice.stop_n:
                open_voices.pop(index).close()
        yield mix
    for reader in open_voices.values():
        reader.close()


# ------------------------------------------------------------------------------------------
# Mastering passes
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MasterStats:
    """Measured by the mastering passes."""

    input_lufs: float
    gain_db: float
    loudness_lufs: float
    true_peak_dbtp: float
    n_passes: int


def master_timeline(timeline: Timeline, *, open_sink: Callable[[], Any], bit_depth: BitDepth,
                    target_lufs: float, progress: ProgressFn | None = None,
                    stream_fn: StreamFn | None = None, scratch_dir: Path | None = None,
                    limit_dbtp: float = master.TRUE_PEAK_LIMIT_DBTP) -> MasterStats:
    """Run pass 1 (mix, DC, fades, loudness → scratch) and pass 2 (gain, limit, dither → sink).

    ``limit_dbtp`` is the true-peak limit of the written PCM (the spec's -1 dBTP; lower for
    codecs whose decoded peaks overshoot their input).

    ``open_sink()`` returns a context manager with ``write(pcm)``; it is opened once per
    pass-2 attempt and a failed attempt is discarded by raising inside it. A lossy sink that
    can decode its own output (``encoded_pcm() -> (pcm, sample_rate)``, the MP3 writer) is
    judged on the decoded audio instead of pass 2's estimate: loudness within
    :data:`LOUDNESS_TOLERANCE_LU` and true peak at most the spec's limit, else pass 2 runs
    again with the gain corrected and ``limit_dbtp`` lowered by the overshoot. The scratch file
    (float32, 350 kB per second of audio) is an unlinked temp file in ``scratch_dir``: beside
    the output, so a long render does not fill a RAM-backed /tmp.
    """
    if stream_fn is None:
        stream_fn = _default_stream_fn()
    try:
        scratch_file = tempfile.TemporaryFile(prefix=".moodc-scratch-", dir=scratch_dir)
    except OSError as exc:
        raise MoodcError(f"cannot create a scratch file in {scratch_dir or 'the temp folder'}: "
                         f"{exc.strerror}", hint="check free disk space and permissions") from exc
    with scratch_file as scratch:
        powers, peaks = _pass1(timeline, scratch=scratch, stream_fn=stream_fn,
                               progress=progress)
        input_lufs = integrated_loudness_lufs(powers)
        gain_db = 0.0 if not math.isfinite(input_lufs) else target_lufs - input_lufs
        for attempt in range(1, 4):
            try:
                with open_sink() as sink:
                    with _BackgroundWriter(sink) as writer:
                        out = _pass2(timeline, scratch=scratch, sink=writer, powers=powers,
                                     peaks=peaks, gain_db=gain_db, bit_depth=bit_depth,
                                     progress=progress, limit_dbtp=limit_dbtp)
                    decoded = _decoded_levels(sink)
                    out = decoded or out
                    miss = target_lufs - out.loudness_lufs
                    over_db = (out.true_peak_dbtp - master.TRUE_PEAK_LIMIT_DBTP
                               if decoded is not None else 0.0)
                    if attempt < 3 and ((math.isfinite(out.loudness_lufs)
                                         and abs(miss) > LOUDNESS_TOLERANCE_LU) or over_db > 0):
                        raise _Retry()
            except _Retry:
                gain_db += miss if math.isfinite(miss) else 0.0
                limit_dbtp -= max(over_db, 0.0)
                continue
            return MasterStats(input_lufs, gain_db, out.loudness_lufs, out.true_peak_dbtp,
                               attempt)
    raise AssertionError("unreachable")


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


def _default_stream_fn() -> StreamFn:
    """The real synth's block stream, ``moodc.synth.stream_config``."""
    from moodc.synth import stream_config

    return stream_config


class _Retry(Exception):
    """Internal: discard this pass-2 output and run again with a corrected gain."""


def _pass1(timeline: Timeline, *, scratch: BinaryIO, stream_fn: StreamFn,
           progress: ProgressFn | None) -> tuple[np.ndarray, np.ndarray]:
    """Mix, remove DC, fade, measure and spill to ``scratch``.

    The synth runs on this thread; the analysis (DC filter, fades, K-weighted meter, peak
    map, scratch write) runs on a worker, so on two cores it hides behind the synth.

    Returns the 100 ms K-weighted powers and the per-chunk sample peaks.
    """
    analyser = _Pass1Analyser(timeline, scratch=scratch)
    done = 0
    with _BackgroundWriter(analyser) as worker:
        for block in mix_timeline(timeline, stream_fn=stream_fn):
            worker.write(block)
            done += block.shape[0]
            if progress is not None:
                progress("synth", done, timeline.n_samples)
    if analyser.done_n != timeline.n_samples:
        raise RuntimeError(f"mixed {analyser.done_n} samples, expected {timeline.n_samples}")
    return analyser.meter.subblock_powers(), np.concatenate(analyser.chunk_peaks)


class _Pass1Analyser:
    """Pass 1's per-block work: DC blocker, fades, loudness meter, peak map, scratch write."""

    def __init__(self, timeline: Timeline, *, scratch: BinaryIO) -> None:
        self.timeline = timeline
        self.scratch = scratch
        self.dc_sos = dc_blocker_sos(sample_rate=timeline.sample_rate).astype(np.float32)
        self.dc_state = np.zeros((self.dc_sos.shape[0], N_CHANNELS, 2), dtype=np.float32)
        self.meter = LoudnessMeter(timeline.sample_rate, N_CHANNELS)
        self.chunk_peaks: list[np.ndarray] = []
        self.done_n = 0

    def write(self, block: np.ndarray) -> None:
        # channel-major from here on: the filters want (channels, n); one transpose in
        # (inside sosfilt's working copy) and one out (the interleaved scratch bytes)
        timeline = self.timeline
        channels, self.dc_state = sosfilt_stateful(self.dc_sos, block.T, axis=-1,
                                                    zi=self.dc_state)
        n = channels.shape[1]
        fade = fade_gain(self.done_n, n, total_n=timeline.n_samples,
                         fade_in_n=timeline.fade_in_n, fade_out_n=timeline.fade_out_n)
        if fade is not None:
            channels *= fade[None, :].astype(np.float32)
        self.meter.add_channels(channels)
        self.chunk_peaks.append(_chunk_peaks(channels))
        try:
            self.scratch.write(channels.T.tobytes())
        except OSError as exc:
            raise MoodcError(f"writing the render's scratch file failed: {exc.strerror}",
                             hint="free some disk space beside the output") from exc
        self.done_n += n


def _chunk_peaks(channels: np.ndarray) -> np.ndarray:
    """Sample peak (all channels) of each :data:`PEAK_CHUNK_N`-sample chunk.

    ``channels`` is channel-major, shape ``(n_channels, n)``. Pass 2 uses the peaks to skip
    the true-peak interpolator wherever the signal is far below the ceiling (most of the
    time), which keeps mastering cheap.
    """
    n_channels, n = channels.shape
    n_chunks = -(-n // PEAK_CHUNK_N)
    padded = channels
    if n_chunks * PEAK_CHUNK_N != n:
        padded = np.zeros((n_channels, n_chunks * PEAK_CHUNK_N), dtype=channels.dtype)
        padded[:, :n] = channels
    chunks = padded.reshape(n_channels, n_chunks, PEAK_CHUNK_N)
    return np.maximum(chunks.max(axis=(0, 2)), -chunks.min(axis=(0, 2)))


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


def _pass2(timeline: Timeline, *, scratch: BinaryIO, sink: Any, powers: np.ndarray,
           peaks: np.ndarray, gain_db: float, bit_depth: BitDepth,
           progress: ProgressFn | None, limit_dbtp: float) -> _Pass2Out:
    """Gain + true-peak limiter + dither → sink; estimates the output loudness as it goes.

    Output loudness is estimated from the pass-1 powers scaled by the mean squared gain of
    each 100 ms hop (the limiter's gain moves slowly compared with the K-weighting filters).
    """
    n_total = timeline.n_samples
    limiter = _Limiter(timeline.sample_rate, limit_dbtp=limit_dbtp)
    gain = np.float32(db_to_amplitude(gain_db))
    rng = dither_rng(timeline.seed)
    hop_n = int(round(SUBBLOCK_S * timeline.sample_rate))
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
                hops = np.arange(start, stop) // hop_n
                keep = hops < gain_loss.shape[0]
                gain_loss += np.bincount(hops[keep], weights=1.0 - limit[keep] ** 2,
                                         minlength=gain_loss.shape[0])[: gain_loss.shape[0]]
            pcm = quantise(block, bit_depth=bit_depth, rng=rng)
        sink.write(pcm)
        if progress is not None:
            progress("master", stop, n_total)
    mean_gain_sq = 1.0 - gain_loss[: powers.shape[0]] / hop_n
    out_powers = powers * (float(gain) ** 2) * mean_gain_sq[:, None]
    return _Pass2Out(integrated_loudness_lufs(out_powers), amplitude_to_db(peak))


def _span_max(peaks: np.ndarray, start: int, stop: int) -> float:
    """Largest chunk peak over samples ``start .. stop`` (from the pass-1 peak map)."""
    return float(peaks[start // PEAK_CHUNK_N: -(-stop // PEAK_CHUNK_N)].max())


class _Limiter:
    """The true-peak limiter at ``limit_dbtp`` (minus its margin), applied to one block with
    context."""

    def __init__(self, sample_rate: int, *,
                 limit_dbtp: float = master.TRUE_PEAK_LIMIT_DBTP) -> None:
        self.shape = master.limiter_shape(sample_rate=sample_rate)
        self.ceiling = db_to_amplitude(limit_dbtp - master.LIMITER_MARGIN_DB)
        self.threshold = self.ceiling / db_to_amplitude(master.INTERSAMPLE_HEADROOM_DB)

    def apply(self, context: np.ndarray, *, core: slice
              ) -> tuple[np.ndarray, np.ndarray | None, float]:
        """Limit ``context[core]``; returns (block, gain curve or None, its true peak)."""
        envelope = peak_envelope(context, threshold=self.threshold)
        if envelope.max() <= self.ceiling:
            return context[core], None, float(envelope[core].max())
        limit = master.limiter_gain(envelope, ceiling=self.ceiling, shape=self.shape)[core]
        block = context[core] * limit[:, None].astype(np.float32)
        return block, limit, float((envelope[core] * limit).max())


class _BackgroundWriter:
    """Hands PCM blocks to ``sink.write`` on a worker thread (libsndfile's FLAC encoder runs
    without the GIL, so encoding overlaps the next block's mastering). Errors re-raise on exit.
    """

    def __init__(self, sink: Any, *, depth: int = 3) -> None:
        import queue
        import threading

        self._sink = sink
        self._queue: "queue.Queue[np.ndarray | None]" = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="moodc-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is None:
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
        self._queue.put(None)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error


class _ArraySink:
    """A pass-2 sink that keeps the PCM in memory (tests, golden checks; short renders)."""

    def __init__(self) -> None:
        self._blocks: list[np.ndarray] = []

    def reset(self) -> "_ArraySink":
        self._blocks = []
        return self

    def write(self, pcm: np.ndarray) -> None:
        self._blocks.append(pcm)

    def result(self) -> np.ndarray:
        return np.concatenate(self._blocks) if self._blocks else np.zeros((0, N_CHANNELS))

    def __enter__(self) -> "_ArraySink":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None
