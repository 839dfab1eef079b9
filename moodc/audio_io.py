"""PCM quantisation with seeded TPDF dither, and atomic WAV/FLAC/Ogg/MP3 writing with tags.

Float → integer conversion happens here, in numpy, with our own seeded dither, and the integer
samples are handed to libsndfile unchanged (``PCM_16`` from int16, ``PCM_24`` from int32 whose
low byte is zero). So a WAV and a FLAC of one render hold identical samples, and the same
document + seed gives the same PCM in any process. Golden checks compare this PCM, never file
bytes (libsndfile writes its version into headers).

MP3 is encoded by ffmpeg (LAME) through pydub (the ``export`` extra), from the same dithered
16-bit PCM; see :class:`Mp3Writer`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

from moodc.errors import MoodcError, UsageError

BitDepth = Literal[16, 24]
AudioFormat = Literal["wav", "flac", "ogg", "mp3"]
Mp3Bitrate = Literal["64k", "96k", "128k", "160k", "192k", "224k", "256k", "320k"]

#: One table: format name → (libsndfile major format, file suffix, fixed subtype or None).
#: Lossless formats take their subtype from the bit depth (:data:`SUBTYPES`); lossy Ogg
#: Vorbis (libsndfile encodes it, no ffmpeg needed) is fed the same dithered 16-bit PCM, but
#: its decoded samples are the codec's, not ours. MP3 is not libsndfile's: its 1.2.2 MP3
#: encoder added a broadband floor at -55 dB and +2.7 LU in our tests, so MP3 goes through
#: ffmpeg instead (:data:`FFMPEG_FORMATS`).
FORMATS: Final[dict[str, tuple[str, str, str | None]]] = {
    "wav": ("WAV", ".wav", None),
    "flac": ("FLAC", ".flac", None),
    "ogg": ("OGG", ".ogg", "VORBIS"),
}
#: One table: format encoded by ffmpeg through pydub → its file suffix.
FFMPEG_FORMATS: Final[dict[str, str]] = {"mp3": ".mp3"}
LOSSLESS_FORMATS: Final[tuple[str, ...]] = ("wav", "flac")
#: Constant bitrates offered for MP3 (LAME's CBR steps from 64k up; below 64k stereo music
#: audibly falls apart). 192k is transparent for most listeners at a sane size (1.4 MB/min).
MP3_BITRATES: Final[tuple[str, ...]] = ("64k", "96k", "128k", "160k", "192k", "224k",
                                        "256k", "320k")
DEFAULT_MP3_BITRATE: Final[Mp3Bitrate] = "192k"
#: True-peak ceiling (dBTP) the mastering limiter aims at, per format; formats not listed
#: use the spec's -1 dBTP (``moodc.synth.master.TRUE_PEAK_LIMIT_DBTP``). A decoded MP3
#: overshoots the PCM it was fed (the codec drops and requantises bands, which moves peaks):
#: on the 23 examples (15 s renders, PCM limited to -2.2 dBTP) by up to ~0.7 dB at 192k and
#: ~0.9 dB at 64k, so 1 dB of headroom keeps the decoded file under -1 dBTP (worst decoded:
#: -1.48 dBTP at 192k, -1.26 at 64k). The renderer measures the decoded file anyway and
#: re-masters lower if it still goes over.
TRUE_PEAK_CEILING_DBTP: Final[dict[str, float]] = {"mp3": -2.0}
FFMPEG_INSTALL_HINT: Final[str] = "apt install ffmpeg (macOS: brew install ffmpeg)"
#: One table: bit depth → (libsndfile subtype, numpy dtype, left shift into that dtype).
#: 24-bit samples travel in int32 shifted left by 8 so libsndfile keeps them bit-exact.
SUBTYPES: Final[dict[int, tuple[str, type, int]]] = {
    16: ("PCM_16", np.int16, 0),
    24: ("PCM_24", np.int32, 8),
}
#: libsndfile's FLAC effort (0..1). 0.2 encodes about twice as fast as the default and the
#: file is ~6 % larger (measured on a 60 s ambient render); encoding is the costliest stage
#: of mastering, and the samples are identical at any level.
FLAC_COMPRESSION_LEVEL: Final[float] = 0.2
#: Domain tag mixed into the render seed for the dither stream (keeps it independent of the
#: synth's streams, which are spawned from the same seed).
DITHER_SEED_TAG: Final[int] = 0x0D17E5


def dither_rng(seed: int) -> np.random.Generator:
    """The dither generator of a render: a child of the render seed, tagged for dither."""
    return np.random.default_rng(np.random.SeedSequence([DITHER_SEED_TAG, int(seed)]))


def quantise(audio: np.ndarray, *, bit_depth: BitDepth, rng: np.random.Generator,
             gain: float = 1.0) -> np.ndarray:
    """Float audio in [-1, 1) → integer PCM with TPDF dither, ready for :class:`PcmWriter`.

    One compiled pass (:func:`moodc.dsp.compiled.tpdf_quantise`) over the float32 audio and
    the dither's raw words: the gain-and-full-scale product; triangular (TPDF) dither in LSB,
    one 32-bit draw per sample, the difference of its two 16-bit halves (the bit generator's
    raw 64-bit words split low half first: the numbers ``rng.integers(0, 2**32,
    dtype=np.uint32)`` gives for an even count; an odd count discards the last word's high
    half; a PCG64's words from :func:`moodc.dsp.rawbits.raw_words`, the same words);
    rounding half to even, clipping and the integer conversion, each in float32. The numpy
    definition it is tested against bit for bit, and the dither's own tests, are in
    ``tests/helpers/reference.py`` and ``tests/test_audio_io.py``. Pass 2 quantises every
    block of a render; the numpy form was four passes and three block-sized temporaries.

    Parameters
    ----------
    audio : np.ndarray [shape=(n, channels)], float
    bit_depth : 16 or 24
    rng : np.random.Generator
        The dither stream (see :func:`dither_rng`); blocks must be quantised in order.
    gain : float
        Linear gain applied on the way (folded into the full-scale multiply: one pass less).

    Returns
    -------
    np.ndarray
        int16 for 16-bit, int32 (value << 8) for 24-bit.
    """
    from moodc.dsp.compiled import tpdf_quantise
    from moodc.dsp.rawbits import raw_words

    _, dtype, shift = SUBTYPES[bit_depth]
    full_scale = float(2 ** (bit_depth - 1))
    # numpy's float32 product casts float64 audio to float32 first: the same here
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    words = raw_words(rng.bit_generator, count=-(-audio.size // 2))
    pcm = np.empty(audio.shape, dtype=dtype)
    tpdf_quantise(audio, words, float(np.float32(full_scale * gain)), full_scale, shift, pcm)
    return pcm


def pcm_to_float(pcm: np.ndarray, *, bit_depth: BitDepth) -> np.ndarray:
    """Integer PCM (as produced by :func:`quantise`) → float64 in [-1, 1)."""
    _, _, shift = SUBTYPES[bit_depth]
    return (pcm.astype(np.float64) / 2 ** shift) / 2 ** (bit_depth - 1)


@dataclass(frozen=True)
class Tags:
    """Metadata written into the file: title, software, seed and document hash."""

    title: str
    software: str
    seed: int
    document_sha256: str

    def comment(self) -> str:
        return f"moodc seed={self.seed} document_sha256={self.document_sha256}"


class PcmWriter:
    """Write integer PCM blocks to ``path`` atomically (temp file in the same folder + rename).

    Use as a context manager; the file appears only when the block exits without error, and
    a half-written temp file is removed on any error or interrupt.
    """

    def __init__(self, path: Path, *, sample_rate: int, n_channels: int, fmt: AudioFormat,
                 bit_depth: BitDepth, tags: Tags | None, force: bool,
                 inputs: tuple[Path, ...] = ()) -> None:
        import soundfile as sf

        from moodc.output import AtomicOutput

        self.path = Path(path)
        major, _, lossy_subtype = FORMATS[fmt]
        subtype = lossy_subtype or SUBTYPES[bit_depth][0]
        extra = {"compression_level": FLAC_COMPRESSION_LEVEL} if fmt == "flac" else {}
        if not sf.check_format(major, subtype):
            raise UsageError(f"this libsndfile ({sf.__libsndfile_version__}) cannot write {fmt}",
                             hint="use --format wav or flac, or upgrade soundfile")
        self._out = AtomicOutput(self.path, force=force, inputs=inputs).start()
        try:
            self._file = sf.SoundFile(str(self._out.temp), mode="w", samplerate=sample_rate,
                                      channels=n_channels, format=major, subtype=subtype,
                                      **extra)
        except BaseException as exc:
            self._out.discard()
            if isinstance(exc, Exception):
                raise _write_failed(self.path, exc, action="cannot open") from exc
            raise
        if tags is not None:
            _set_tags(self._file, tags)
        self._dtype = SUBTYPES[bit_depth][1]

    def write(self, pcm: np.ndarray) -> None:
        """Append a block of integer PCM (dtype from :data:`SUBTYPES`)."""
        if pcm.dtype != self._dtype:
            raise TypeError(f"PcmWriter expects {self._dtype}, got {pcm.dtype}")
        try:
            self._file.write(pcm)
        except (OSError, RuntimeError) as exc:  # disk full, I/O error (LibsndfileError)
            raise _write_failed(self.path, exc) from exc

    def __enter__(self) -> "PcmWriter":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._file.close()
        except (OSError, RuntimeError) as error:  # the last blocks are flushed on close
            self._out.__exit__(type(error), error, None)
            raise _write_failed(self.path, error) from error
        except BaseException as error:
            self._out.__exit__(type(error), error, None)
            raise
        self._out.__exit__(exc_type, exc, tb)


def _write_failed(path: Path, exc: BaseException, *, action: str = "cannot write") -> MoodcError:
    """A failed audio write as one line: an OSError by its errno, a libsndfile error by text."""
    from moodc.output import OutputError, output_error

    if isinstance(exc, OSError) and exc.errno is not None:
        return output_error(exc, path, action=action)
    if isinstance(exc, MoodcError):
        return exc
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    return OutputError(f"{action} {path}: {text}",
                       hint="check free disk space and the folder's permissions, or choose "
                            "another path with -o")


def _set_tags(handle: Any, tags: Tags) -> None:
    """Title, software and a comment with seed + document hash (WAV INFO / FLAC Vorbis)."""
    handle.title = tags.title
    handle.software = tags.software
    handle.comment = tags.comment()


def format_for_path(path: Path) -> AudioFormat | None:
    """The format a suffix implies (``.wav``, ``.flac``, ``.ogg``, ``.mp3``), else None."""
    suffixes = {suffix: name for name, (_, suffix, _) in FORMATS.items()}
    suffixes.update({suffix: name for name, suffix in FFMPEG_FORMATS.items()})
    return suffixes.get(path.suffix.lower())  # type: ignore[return-value]


def true_peak_ceiling_dbtp(fmt: AudioFormat, *, default_dbtp: float) -> float:
    """The true-peak ceiling to master ``fmt`` to: ``default_dbtp`` unless the codec needs
    headroom (:data:`TRUE_PEAK_CEILING_DBTP`)."""
    return min(default_dbtp, TRUE_PEAK_CEILING_DBTP.get(fmt, default_dbtp))


def read_pcm(path: Path) -> tuple[np.ndarray, int, int]:
    """Read a WAV/FLAC written by moodc back as integer PCM.

    Returns
    -------
    (pcm, sample_rate, bit_depth)
        ``pcm`` in the :data:`SUBTYPES` layout of its bit depth, so it compares equal to what
        :func:`quantise` produced.
    """
    import soundfile as sf

    info = sf.info(str(path))
    bit_depth = {"PCM_16": 16, "PCM_24": 24}.get(info.subtype)
    if bit_depth is None:
        raise UsageError(f"{path}: subtype {info.subtype} is not moodc PCM (16 or 24 bit)")
    dtype = "int16" if bit_depth == 16 else "int32"
    pcm, sample_rate = sf.read(str(path), dtype=dtype, always_2d=True)
    return pcm, int(sample_rate), bit_depth


# ------------------------------------------------------------------------------------------
# MP3 through pydub + ffmpeg
# ------------------------------------------------------------------------------------------

def _audio_segment_class() -> Any:
    """pydub's ``AudioSegment``, imported quietly.

    pydub warns at import time when ffmpeg is missing (``RuntimeWarning``; moodc reports
    that itself, once and with the fix, from :func:`find_ffmpeg`) and, on Python 3.11-3.12,
    that ``audioop`` is deprecated (``DeprecationWarning``; the ``export`` extra installs
    ``audioop-lts`` where 3.13 removed it). Neither is the user's to act on.
    """
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            from pydub import AudioSegment
    except ImportError as exc:
        raise UsageError(f"mp3 export needs pydub, which is not installed ({exc})",
                         hint="pip install 'moodc[export]'") from exc
    return AudioSegment


def find_ffmpeg() -> str:
    """The ffmpeg pydub will run for MP3 encoding, as an absolute path.

    pydub's ``AudioSegment.converter`` is a bare name (``ffmpeg``) unless the user pointed it
    somewhere; either way it must resolve to an executable, checked up front so a render
    never runs for minutes and then fails at the encoding step.

    Raises
    ------
    UsageError
        pydub is not installed (exit 2).
    MoodcError
        ffmpeg cannot be found (exit 2); the message carries the install command.
    """
    converter = str(_audio_segment_class().converter)
    found = shutil.which(converter)
    if found is None:
        raise MoodcError(f"mp3 export needs ffmpeg, and {converter!r} is not on PATH: "
                         f"install it with {FFMPEG_INSTALL_HINT}")
    return found


def check_encoder(fmt: AudioFormat) -> None:
    """Fail fast when ``fmt``'s encoder is missing (only ffmpeg formats need a check)."""
    if fmt in FFMPEG_FORMATS:
        find_ffmpeg()


def mp3_tags(tags: Tags) -> dict[str, str]:
    """ID3v2.4 frames carrying what the FLAC tags carry.

    ``title`` → TIT2, ``encoded_by`` → TENC (``moodc <version>``; ffmpeg overwrites the
    ``encoder``/TSSE frame with its own name), ``comment`` → COMM (same text as the FLAC
    comment), and the seed and document hash again as TXXX frames a script can read without
    parsing the comment.
    """
    return {"title": tags.title, "encoded_by": tags.software, "comment": tags.comment(),
            "moodc_seed": str(tags.seed), "moodc_document_sha256": tags.document_sha256}


class Mp3Writer:
    """Collect 16-bit PCM blocks, then encode an MP3 with ffmpeg via pydub, atomically.

    Same contract as :class:`PcmWriter` (context manager; the file appears only when the
    block exits cleanly, via a temp file beside it and a rename). pydub encodes a whole
    ``AudioSegment``, so the PCM is held in memory until the end: 10.6 MB per minute at
    44.1 kHz stereo (the lossless writers stream instead).

    :meth:`encoded_pcm` encodes early and decodes the result, so the renderer can measure
    the loudness and true peak a listener's decoder will see (the codec moves both) and
    re-master when they miss; the rename still happens only on a clean exit.
    """

    def __init__(self, path: Path, *, sample_rate: int, n_channels: int,
                 bitrate: Mp3Bitrate = DEFAULT_MP3_BITRATE, tags: Tags | None,
                 force: bool, inputs: tuple[Path, ...] = ()) -> None:
        if bitrate not in MP3_BITRATES:
            raise UsageError(f"MP3 bitrate {bitrate} is not supported",
                             hint=f"use one of {', '.join(MP3_BITRATES)}", param="bitrate")
        from moodc.output import check_target

        self.path = Path(path)
        self.force = force
        self._inputs = inputs
        check_target(self.path, force=force, inputs=inputs)
        self._segment_class = _audio_segment_class()
        self._converter = find_ffmpeg()
        self._sample_rate, self._n_channels = sample_rate, n_channels
        self._bitrate, self._tags = bitrate, tags
        self._blocks: list[np.ndarray] = []
        self._out: Any = None

    def write(self, pcm: np.ndarray) -> None:
        """Append a block of int16 PCM, shape ``(n, n_channels)``."""
        if pcm.dtype != np.int16:
            raise TypeError(f"Mp3Writer expects int16, got {pcm.dtype}")
        self._blocks.append(np.ascontiguousarray(pcm))

    def __enter__(self) -> "Mp3Writer":
        return self

    def encoded_pcm(self) -> tuple[np.ndarray, int]:
        """Encode what was written (once) and decode it again.

        Returns
        -------
        (pcm, sample_rate)
            The decoded MP3 as int16, shape ``(n, n_channels)``; LAME's encoder delay and
            padding are trimmed by ffmpeg's decoder (gapless info in the LAME header).
        """
        tmp = self._encode_once()
        segment = self._segment_class.from_file(str(tmp), format="mp3")
        pcm = np.frombuffer(segment.raw_data, dtype="<i2").reshape(-1, segment.channels)
        return pcm, int(segment.frame_rate)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc_type is None:
                self._encode_once()
        except BaseException as error:
            if self._out is not None:
                self._out.__exit__(type(error), error, None)
            raise
        finally:
            self._blocks = []
        if self._out is not None:
            self._out.__exit__(exc_type, exc, tb)

    def _encode_once(self) -> Path:
        """The encoded temp file beside the output (encoding on the first call)."""
        if self._out is not None:
            return self._out.temp
        from moodc.output import AtomicOutput

        self._out = AtomicOutput(self.path, force=self.force, inputs=self._inputs).start()
        self._encode(self._blocks, self._out.temp)
        return self._out.temp

    def _encode(self, blocks: list[np.ndarray], tmp: Path) -> None:
        """Run pydub's export (ffmpeg + libmp3lame, CBR, ID3v2.4) into ``tmp``."""
        from pydub.exceptions import CouldntEncodeError

        pcm = np.concatenate(blocks) if blocks else np.zeros((0, self._n_channels), np.int16)
        segment = self._segment_class(data=pcm.astype("<i2").tobytes(), sample_width=2,
                                      frame_rate=self._sample_rate, channels=self._n_channels)
        segment.converter = self._converter
        tags = mp3_tags(self._tags) if self._tags is not None else None
        try:
            with open(tmp, "wb") as handle:
                segment.export(handle, format="mp3", codec="libmp3lame",
                               bitrate=self._bitrate, tags=tags, id3v2_version="4")
        except CouldntEncodeError as error:
            last = str(error).strip().splitlines()[-1] if str(error).strip() else "?"
            raise MoodcError(f"ffmpeg could not encode {self.path}: {last}",
                             hint="check that this ffmpeg has libmp3lame "
                                  "(ffmpeg -encoders | grep mp3)") from error
        except OSError as error:
            raise _write_failed(self.path, error) from error
