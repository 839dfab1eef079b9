"""Render a config or score to a mastered, dithered WAV/FLAC/Ogg/MP3 — in blocks.

Pipeline (documents → timeline → synth → master → file):

1. :mod:`moodc.score` turns the document into a :class:`~moodc.score.Timeline` of voices.
2. :func:`mix_timeline` mixes the voices block by block (each voice is a
   ``moodc.synth.stream_config`` stream), lazily, as mastering pulls the blocks.
3. :func:`moodc.synth.master.master_mix` masters the mix in two passes (DC, fades and
   loudness into a scratch file; then gain, true-peak limiter and dither) into
4. the writer: :func:`open_writer` writes the file atomically.

At most a few blocks of audio are in memory at any time, whatever the duration (MP3 is the
exception: pydub encodes the whole 16-bit PCM at the end, see :class:`moodc.audio_io.Mp3Writer`).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from moodc import __version__, vocab
from moodc.audio_io import (DEFAULT_MP3_BITRATE, FFMPEG_FORMATS, LOSSLESS_FORMATS,
                            AudioFormat, BitDepth, Mp3Bitrate, Mp3Writer, PcmWriter, Tags,
                            check_encoder, format_for_path,
                            true_peak_ceiling_dbtp)
from moodc.dsp.mixing import scale_frames
from moodc.errors import UsageError
from moodc.score import (Timeline, Voice, config_timeline, resolve_score, score_timeline,
                         voice_gain)
from moodc.synth import master

DEFAULT_OUTPUT_DIR: Final[str] = "renders"

#: ``stream_fn(fields, *, duration_s, sample_rate, seed, block_s)`` → float32 (n, 2) blocks.
StreamFn = Callable[..., Iterator[np.ndarray]]


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
        return (f"{self.path or '(standard output)'}: {self.duration_s:.2f} s, {level}, seed {self.seed}, "
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


def resolve_format(out: Path | str | None, fmt: str | None) -> AudioFormat:
    """The output format from ``--format`` and/or the output suffix (default flac).

    ``-`` (standard output), a path ending in ``/`` and an existing folder imply nothing.
    """
    from moodc.output import wants_stdout

    if out is not None and (wants_stdout(out) or str(out).endswith(("/", os.sep))
                            or Path(out).is_dir()):
        out = None
    out = Path(out) if out is not None else None
    implied = format_for_path(out) if out is not None else None
    if fmt is not None and implied is not None and fmt != implied:
        raise UsageError(f"format {fmt} does not match the output name {out}",
                         hint=f"name the file *.{fmt} or drop --format", param="fmt")
    if out is not None and implied is None and out.suffix and fmt is None:
        raise UsageError(f"cannot tell the format of {out} from its suffix {out.suffix!r}",
                         hint="name it .wav, .flac, .ogg or .mp3, or pass --format")
    return (fmt or implied or "flac")  # type: ignore[return-value]


def output_target(path: Path, out: Path | str | None, *, fmt: AudioFormat,
                  force: bool) -> Path | None:
    """The file a render writes (None: standard output), checked before any rendering.

    No ``-o``: ``renders/<stem>.<fmt>``; ``-o -``: standard output (not a terminal);
    ``-o DIR/`` or an existing folder: ``DIR/<stem>.<fmt>``. See
    :func:`moodc.output.target_path` for what is refused (devices, FIFOs, the input).
    """
    from moodc.output import OutputError, target_path

    default_name = f"{Path(path).stem}.{fmt}"
    target = target_path(out if out is not None else default_output(path, fmt=fmt),
                         default_name=default_name, force=force, inputs=(Path(path),),
                         stdout_ok=True)
    if target is None and sys.stdout.isatty():
        raise OutputError("refusing to write audio to a terminal (-o -)",
                          hint="redirect it (moodc render doc.yaml -o - > out.flac) or "
                               "give a file with -o")
    return target


def document_inputs(path: Path, doc: Any) -> tuple[Path, ...]:
    """The files a render reads: the document and the config files its sections name."""
    from moodc.config.load import ValidConfig, ValidScore

    if isinstance(doc, ValidScore):
        named = [section["config"] for section in doc.fields["sections"]]
    elif isinstance(doc, ValidConfig):
        named = []
    else:
        named = [getattr(section, "config", None)
                 for section in getattr(doc, "sections", None) or ()]
    return (Path(path), *(Path(path).parent / ref for ref in named if isinstance(ref, str)))


def build_timeline(doc: Any, *, base_dir: Path, duration_s: float | None, seed: int | None,
                   sample_rate: int, title: str) -> Timeline:
    """Check the render options and resolve ``doc`` (a :class:`~moodc.config.load.ValidConfig`
    or :class:`~moodc.config.load.ValidScore`, a Config or a Score) into a timeline."""
    from moodc.config.load import ValidConfig, ValidScore, load_document

    if sample_rate not in vocab.SAMPLE_RATES_HZ:
        raise UsageError(f"sample rate {sample_rate} Hz is not supported",
                         hint=f"use one of {', '.join(map(str, vocab.SAMPLE_RATES_HZ))}",
                         param="sample_rate")
    if seed is not None and (isinstance(seed, bool) or not 0 <= int(seed) < 2**63):
        raise UsageError(f"seed {seed} is out of range", hint="use 0 <= seed < 2**63",
                         param="seed")
    if isinstance(doc, ValidConfig):
        return config_timeline(doc.fields, sample_rate=sample_rate, seed=seed,
                               duration_s=duration_s, title=title)
    if isinstance(doc, ValidScore):
        return score_timeline(doc.fields, configs=list(doc.configs), sample_rate=sample_rate,
                              seed=seed, duration_s=duration_s, title=title)
    from moodc.config.model import Score  # doc is a model: pydantic is loaded already

    if isinstance(doc, Score):
        return resolve_score(doc, base_dir=base_dir, sample_rate=sample_rate, seed=seed,
                             duration_s=duration_s, title=title, loader=load_document)
    return config_timeline(doc.model_dump(mode="json"), sample_rate=sample_rate, seed=seed,
                           duration_s=duration_s, title=title)


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
                bitrate: Mp3Bitrate | None, tags: Tags, force: bool,
                inputs: tuple[Path, ...] = ()) -> PcmWriter | Mp3Writer:
    """The atomic file writer for ``fmt`` (libsndfile for wav/flac/ogg, pydub for mp3)."""
    if fmt in FFMPEG_FORMATS:
        return Mp3Writer(out_path, sample_rate=sample_rate, n_channels=master.N_CHANNELS,
                         bitrate=bitrate or DEFAULT_MP3_BITRATE, tags=tags, force=force,
                         inputs=inputs)
    return PcmWriter(out_path, sample_rate=sample_rate, n_channels=master.N_CHANNELS, fmt=fmt,
                     bit_depth=bit_depth, tags=tags, force=force, inputs=inputs)


def render_file(path: Path, *, out: Path | None = None, duration_s: float | None = None,
                seed: int | None = None, sample_rate: int = vocab.DEFAULT_SAMPLE_RATE_HZ, fmt: str | None = None,
                bit_depth: BitDepth | None = None,
                target_lufs: float = master.DEFAULT_TARGET_LUFS,
                bitrate: str | None = None, force: bool = False,
                progress: master.ProgressFn | None = None,
                stream_fn: StreamFn | None = None, jobs: int | None = None) -> RenderResult:
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
    sample_rate : int
        One of ``vocab.SAMPLE_RATES_HZ``.
    fmt : "wav", "flac", "ogg" or "mp3", optional
        Default: from the suffix of ``out``, else flac.
    bit_depth : 16 or 24, optional
        Lossless formats only (default 16); lossy encoders are fed 16-bit PCM, so asking
        for a bit depth with ogg or mp3 is a usage error.
    target_lufs : float
        Integrated loudness target (-14 LUFS by default).
    bitrate : str, optional
        MP3 only: one of :data:`moodc.audio_io.MP3_BITRATES` (default 192k). MP3 is mastered
        to a lower true-peak ceiling (:data:`moodc.audio_io.TRUE_PEAK_CEILING_DBTP`) so the
        decoded file stays at or below -1 dBTP.
    force : bool
        Overwrite an existing output.
    jobs : int, optional
        Threads for this one render (:func:`resolve_jobs`; default: the available cores, at
        most :data:`MAX_DEFAULT_JOBS`, or 1 when other work keeps them all busy). 1 keeps the
        whole render on the calling thread. The samples do not depend on it.

    Raises
    ------
    UsageError, OutputExistsError
        Bad options, missing file, existing output (exit 2); nothing is written.
    MoodcError
        ffmpeg is missing for mp3 (exit 2), checked before rendering; nothing is written.
    DocumentError
        Invalid document (exit 1); nothing is written.
    """
    from moodc.config.load import load_render_document

    started = time.perf_counter()
    check_loudness_target(target_lufs)
    jobs = resolve_jobs(jobs)
    if bit_depth is not None and bit_depth not in (16, 24):
        raise UsageError(f"bit depth {bit_depth} is not supported", hint="use 16 or 24",
                         param="bit_depth")
    audio_fmt = resolve_format(out, fmt)
    mp3_bitrate = resolve_bitrate(audio_fmt, bitrate)
    if audio_fmt not in LOSSLESS_FORMATS and bit_depth is not None:
        raise UsageError(f"a bit depth ({bit_depth}) applies to wav and flac, not {audio_fmt}",
                         hint=f"drop it: {audio_fmt} is encoded from 16-bit PCM",
                         param="bit_depth")
    bit_depth = bit_depth or 16
    target = output_target(Path(path), out, fmt=audio_fmt, force=force)
    check_encoder(audio_fmt)
    doc = load_render_document(Path(path))
    timeline = build_timeline(doc, base_dir=Path(path).parent, duration_s=duration_s, seed=seed,
                              sample_rate=sample_rate, title=Path(path).stem)
    tags = Tags(timeline.title, f"moodc {__version__}", timeline.seed, timeline.document_sha256)
    inputs = document_inputs(Path(path), doc)
    with _staging(target, name=f"{Path(path).stem}.{audio_fmt}") as out_path:
        def open_sink() -> PcmWriter | Mp3Writer:
            return open_writer(out_path, fmt=audio_fmt, sample_rate=sample_rate,
                               bit_depth=bit_depth, bitrate=mp3_bitrate, tags=tags,
                               force=force or target is None, inputs=inputs)

        limit_dbtp = true_peak_ceiling_dbtp(audio_fmt, default_dbtp=master.TRUE_PEAK_LIMIT_DBTP)
        stats = master_timeline(timeline, open_sink=open_sink, bit_depth=bit_depth,
                                target_lufs=target_lufs, progress=progress, stream_fn=stream_fn,
                                scratch_dir=_scratch_folder(out_path), limit_dbtp=limit_dbtp,
                                jobs=jobs)
    return RenderResult(target, timeline.n_samples, sample_rate, stats.loudness_lufs,
                        stats.true_peak_dbtp, timeline.seed, time.perf_counter() - started,
                        audio_fmt, bit_depth, timeline.title, timeline.document_sha256)


def _scratch_folder(out_path: Path) -> Path:
    """The output's folder (made now: the scratch file of pass 1 lives there)."""
    from moodc.output import ensure_folder

    ensure_folder(out_path.parent)
    return out_path.parent


@contextlib.contextmanager
def _staging(target: Path | None, *, name: str) -> Iterator[Path]:
    """``target`` itself; for standard output, a private temp folder whose file is copied to
    stdout once it is complete (WAV and FLAC headers need a seekable file)."""
    if target is not None:
        yield target
        return
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="moodc-render-"))
    try:
        yield folder / name
        with open(folder / name, "rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def render_pcm(doc: Any, *, base_dir: Path, duration_s: float | None = None,
               seed: int | None = None, sample_rate: int = vocab.DEFAULT_SAMPLE_RATE_HZ, bit_depth: BitDepth = 16,
               target_lufs: float = master.DEFAULT_TARGET_LUFS,
               stream_fn: StreamFn | None = None, jobs: int | None = None
               ) -> tuple[np.ndarray, Timeline, master.MasterStats]:
    """Render a document to the integer PCM a file would hold (for golden checks and tests)."""
    timeline = build_timeline(doc, base_dir=base_dir, duration_s=duration_s, seed=seed,
                              sample_rate=sample_rate, title="untitled")
    sink = _ArraySink()
    stats = master_timeline(timeline, open_sink=lambda: sink.reset(), bit_depth=bit_depth,
                            target_lufs=target_lufs, stream_fn=stream_fn,
                            jobs=resolve_jobs(jobs))
    return sink.result(), timeline, stats


def render_document(doc: Any, *, base_dir: Path, duration_s: float | None = None,
                    seed: int | None = None, sample_rate: int = vocab.DEFAULT_SAMPLE_RATE_HZ,
                    target_lufs: float = master.DEFAULT_TARGET_LUFS,
                    stream_fn: StreamFn | None = None) -> np.ndarray:
    """Render a document to mastered float audio (16-bit dithered values, as floats)."""
    from moodc.audio_io import pcm_to_float

    pcm, _, _ = render_pcm(doc, base_dir=base_dir, duration_s=duration_s, seed=seed,
                           sample_rate=sample_rate, bit_depth=16, target_lufs=target_lufs,
                           stream_fn=stream_fn)
    return pcm_to_float(pcm, bit_depth=16)


def check_loudness_target(target_lufs: float) -> None:
    """Refuse a loudness target outside ``vocab.LOUDNESS_TARGET_RANGE_LUFS`` (or NaN)."""
    low, high = vocab.LOUDNESS_TARGET_RANGE_LUFS
    if not (math.isfinite(target_lufs) and low <= target_lufs <= high):
        raise UsageError(f"loudness target {target_lufs!r} LUFS is out of range",
                         hint=f"give an integrated loudness between {low:g} and {high:g} "
                              "LUFS, e.g. -14",
                         param="target_lufs")


# ------------------------------------------------------------------------------------------
# Mixing voices (the source mastering pulls)
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
                 block_n: int = master.BLOCK_N) -> Iterator[np.ndarray]:
    """The timeline's mix as float32 ``(n, 2)`` blocks; voices open and close lazily."""
    open_voices: dict[int, _VoiceReader] = {}
    for start in range(0, timeline.n_samples, block_n):
        stop = min(start + block_n, timeline.n_samples)
        if len(timeline.voices) == 1 and timeline.voices[0].start_n <= start \
                and stop <= timeline.voices[0].stop_n \
                and voice_gain(timeline.voices[0], start, stop - start) is None:
            # one voice, whole block, no gain curve (a plain config): its samples as they are
            # (``0 + x`` is x), no zeroed buffer and no add
            if 0 not in open_voices:
                open_voices[0] = _VoiceReader(timeline.voices[0],
                                              sample_rate=timeline.sample_rate,
                                              stream_fn=stream_fn)
            yield open_voices[0].take(stop - start)
            if stop == timeline.voices[0].stop_n:
                open_voices.pop(0).close()
            continue
        mix = np.zeros((stop - start, master.N_CHANNELS), dtype=np.float32)
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
                mix[lo - start:hi - start] += scale_frames(part, gain.astype(np.float32))
            if hi == voice.stop_n:
                open_voices.pop(index).close()
        yield mix
    for reader in open_voices.values():
        reader.close()


def master_timeline(timeline: Timeline, *, open_sink: Callable[[], Any], bit_depth: BitDepth,
                    target_lufs: float, progress: master.ProgressFn | None = None,
                    stream_fn: StreamFn | None = None, scratch_dir: Path | None = None,
                    limit_dbtp: float = master.TRUE_PEAK_LIMIT_DBTP,
                    jobs: int = 1) -> master.MasterStats:
    """Mix the timeline's voices and master the mix into ``open_sink()``'s writer.

    The mix is pulled lazily, block by block, by mastering's pass 1; see
    :func:`moodc.synth.master.master_mix` for the passes, the sink protocol and the retries.
    ``jobs`` from 2 (and more than one block): mastering's analysis and its writer run on
    threads beside the synth, and the synth renders its layers in a child process, one block
    ahead of its effects (:meth:`moodc.synth.engine.BlockRenderer.iter_blocks`; threads
    where ``fork`` is missing). Threads alone gained 1.19x on two cores: the synth's many
    small numpy calls take turns on one GIL, which a second process does not share.
    At exactly two jobs with that layer process, pass 1's analysis stays on this thread
    (:func:`_analysis_thread`).
    """
    if stream_fn is None:
        stream_fn = _default_stream_fn()
    # one block has nothing to overlap: mastering's two threads would only start and wait
    threads = jobs > 1 and timeline.n_samples > master.BLOCK_N
    analysis_thread = threads and _analysis_thread(stream_fn, jobs)
    stream_fn = _with_jobs(stream_fn, jobs)
    _keep_freed_memory()
    if threads:
        _share_malloc_arena()
    return master.master_mix(mix_timeline(timeline, stream_fn=stream_fn), piece=timeline,
                             open_sink=open_sink, bit_depth=bit_depth, target_lufs=target_lufs,
                             progress=progress, scratch_dir=scratch_dir, limit_dbtp=limit_dbtp,
                             threads=threads, analysis_thread=analysis_thread)


#: ``jobs`` left to the default uses the available cores, at most this many (a render has at
#: most six layers and a two-stage synth pipeline; more threads only contend).
MAX_DEFAULT_JOBS: Final[int] = 4


def resolve_jobs(jobs: int | None) -> int:
    """The cores one render uses: ``jobs``, or when None the available cores (at most
    :data:`MAX_DEFAULT_JOBS`), or 1 when other work keeps them all busy
    (:func:`moodc.cores.cores_all_busy`): a layer process and threads on cores already taken
    only add their own cost. The samples are the same for any number.

    Raises
    ------
    UsageError
        ``jobs`` below 1.
    """
    if jobs is None:
        from moodc.cores import available_cores, cores_all_busy

        cores = available_cores()
        return 1 if cores_all_busy(cores) else min(cores, MAX_DEFAULT_JOBS)
    if isinstance(jobs, bool) or int(jobs) < 1:
        raise UsageError(f"jobs {jobs} is out of range", hint="use 1 or more", param="jobs")
    return int(jobs)


@functools.lru_cache(maxsize=1)
def _share_malloc_arena() -> None:
    """Let worker threads allocate from the main thread's malloc arena (glibc only).

    By default glibc gives each thread that contends for the allocator an arena of its own;
    the render's threads free and reallocate megabyte-sized blocks, and per-thread arenas
    kept ~20 MB more resident (a 20-minute render at two threads: 154 -> 138 MB peak) and
    cost page faults. One arena changes nothing but where memory comes from.
    """
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX = 1
    except (OSError, AttributeError):
        pass


#: glibc's ``mallopt`` parameters (malloc.h) and the values a render sets: blocks up to
#: this size come from the heap, and the heap keeps up to this much freed memory at its top.
M_TRIM_THRESHOLD: Final[int] = -1
M_MMAP_THRESHOLD: Final[int] = -3
MALLOC_MMAP_THRESHOLD_BYTES: Final[int] = 16 * 2**20
MALLOC_TRIM_THRESHOLD_BYTES: Final[int] = 64 * 2**20


@functools.lru_cache(maxsize=1)
def _keep_freed_memory() -> None:
    """Let freed block-sized arrays be reused instead of handed back to the kernel (glibc).

    A render allocates and frees megabyte-sized temporaries every block. glibc's default
    thresholds move with what was freed last, and whenever the heap's top is returned
    (trimmed) or a block is mapped afresh, the next block's arrays land on new pages: each
    page faults and is zeroed before the arithmetic on it. Measured on a 300 s render:
    26-41 k page faults (varying with the heap's layout run to run) instead of 18 k, and
    about 5 % of its CPU. Fixed thresholds keep the pages mapped and reused; the peak
    resident memory is that of the largest block either way (within 1.5 %, measured).
    """
    import ctypes
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(M_MMAP_THRESHOLD, MALLOC_MMAP_THRESHOLD_BYTES)
        libc.mallopt(M_TRIM_THRESHOLD, MALLOC_TRIM_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        pass


def _default_stream_fn() -> StreamFn:
    """The real synth's block stream, ``moodc.synth.stream_config``."""
    from moodc.synth import stream_config

    return stream_config


def _takes_jobs(stream_fn: StreamFn) -> bool:
    """Whether ``stream_fn`` takes a ``jobs=`` option (the real synth does; stand-ins in
    tests and benchmarks need not)."""
    import inspect

    try:
        return "jobs" in inspect.signature(stream_fn).parameters
    except (TypeError, ValueError):
        return False


def _with_jobs(stream_fn: StreamFn, jobs: int) -> StreamFn:
    """``stream_fn`` with ``jobs=`` bound when it takes that option (:func:`_takes_jobs`)."""
    if jobs <= 1 or not _takes_jobs(stream_fn):
        return stream_fn
    return functools.partial(stream_fn, jobs=jobs)


#: Jobs from which pass 1's analysis gets a thread of its own beside the synth's layer
#: process: the main thread (effects), the layer process and the analysis, one core each.
ANALYSIS_THREAD_MIN_JOBS: Final[int] = 3


def _analysis_thread(stream_fn: StreamFn, jobs: int) -> bool:
    """Whether pass 1's analysis (DC, fades, meter, peak map, scratch; ~0.3 s per 10
    minutes) runs on a thread of its own: from two jobs, unless there are exactly two and
    the synth renders its layers in a child process (it takes ``jobs`` and this platform
    forks, :func:`moodc.synth.engine._can_fork`).

    With two jobs the layer process (~0.58 s of CPU per 10 minutes of sunny-morning, in
    process) and this process's effects plus analysis (~0.29 + 0.30 s) are even: two busy
    threads, one per core. A third busy thread for the analysis left two cores to three
    threads, and the scheduler's turns slowed the layer process, the longest of them: at
    load 0.6 it ran at ~70 % of a core through pass 1, the three together at ~87 % of two
    (benchmarks/SPEED.md, h-jobs2).
    """
    if jobs < 2:
        return False
    if jobs >= ANALYSIS_THREAD_MIN_JOBS or not _takes_jobs(stream_fn):
        return True
    from moodc.synth.engine import _can_fork

    return not _can_fork()


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
        return np.concatenate(self._blocks) if self._blocks else np.zeros((0, master.N_CHANNELS))

    def __enter__(self) -> "_ArraySink":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None
