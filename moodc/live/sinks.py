"""Where live audio goes: the sound card, a WAV stream on stdout, a file, or nowhere.

Every sink takes blocks in order through ``write`` and is closed with ``close``: integer PCM
(int16, (n, 2)) when its ``wants_pcm`` is True (files and the WAV stream), else the mastered
float32 (the sound card, whose mixer works in float anyway, and the null sink), so dither is
computed once, and only where integers are written. Only :class:`DeviceSink` paces playback itself (its ``write`` blocks while
the card's buffer is full); the session paces the others in real-time mode.
``sounddevice`` (PortAudio) is imported only when the device sink is chosen or probed.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path
from typing import Any, BinaryIO, Final, Literal

import numpy as np

from moodc.errors import MoodcError, UsageError

SinkName = Literal["auto", "device", "null"]
#: Hint printed when there is no sound card.
PIPE_HINT: Final[str] = "pipe it instead: moodc live ... -o - | ffplay -nodisp -"
LIVE_INSTALL_HINT: Final[str] = "pip install 'moodc[live]' (and the libportaudio2 package)"


class NullSink:
    """Plays nothing."""

    wants_pcm = False

    def write(self, pcm: np.ndarray) -> bool:
        return False

    def close(self) -> None:
        return None


class DeviceSink:
    """The default output device through ``sounddevice`` (blocking writes)."""

    #: its blocking ``write`` paces playback (the session does not)
    paces = True
    #: the card takes the mastered float32 (≤ -1 dBTP): no dither, no second rounding
    wants_pcm = False

    def __init__(self, *, sample_rate: int) -> None:
        import sounddevice

        self._stream = sounddevice.OutputStream(samplerate=sample_rate, channels=2,
                                                dtype="float32", latency="high")
        self._stream.start()

    def write(self, block: np.ndarray) -> bool:
        """Queue ``block`` on the card; True when the card ran dry before it (an underflow)."""
        return bool(self._stream.write(np.ascontiguousarray(block, dtype=np.float32)))

    def close(self) -> None:
        """Let the last block play out, then release the card.

        Some hosts (ALSA through PulseAudio) drop what is still queued when the stream
        stops, so a stream's latency of silence goes after the music: only silence is lost.
        """
        tail = int(np.ceil(self._stream.latency * self._stream.samplerate)) + 1024
        self._stream.write(np.zeros((tail, 2), dtype=np.float32))
        self._stream.stop()
        self._stream.close()


def device_problem() -> str | None:
    """Why the sound card cannot be used here, or None when it can."""
    try:
        import sounddevice
    except ImportError:
        return f"sounddevice is not installed ({LIVE_INSTALL_HINT})"
    except OSError as exc:  # the binding is there, PortAudio is not
        return f"PortAudio cannot load ({exc}); install libportaudio2"
    try:
        sounddevice.query_devices(kind="output")
    except Exception:  # PortAudioError or ValueError: no default output device
        return "no sound card here (no default output device)"
    return None


def choose_sink(name: SinkName, *, has_output: bool, sample_rate: int) -> Any:
    """The sink for ``--sink name``.

    ``auto`` is the device when there is one; without one it plays nothing when an output
    (``-o``) keeps the audio, and is a usage error otherwise.

    Raises
    ------
    UsageError
        ``device`` (or ``auto`` without ``-o``) and no usable sound card (exit 2).
    """
    if name == "null":
        return NullSink()
    problem = device_problem()
    if problem is None:
        return DeviceSink(sample_rate=sample_rate)
    if name == "auto" and has_output:
        return NullSink()
    raise UsageError(f"{problem}; {PIPE_HINT}", param="sink")


class WavStreamSink:
    """16-bit WAV to a byte stream (stdout) whose header claims the largest length, so a
    player reads until the stream ends (ffplay, aplay and sox all do)."""

    wants_pcm = True

    def __init__(self, stream: BinaryIO | None = None, *, sample_rate: int) -> None:
        self.stream = stream if stream is not None else sys.stdout.buffer
        self.stream.write(wav_header(sample_rate=sample_rate, n_channels=2))
        self.closed_by_reader = False

    def write(self, pcm: np.ndarray) -> bool:
        try:
            self.stream.write(pcm.astype("<i2", copy=False).tobytes())
        except BrokenPipeError:  # the player quit: stop as if interrupted
            self.closed_by_reader = True
        return False

    def close(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            self.closed_by_reader = True


def wav_header(*, sample_rate: int, n_channels: int, bits: int = 16) -> bytes:
    """A RIFF/WAVE PCM header whose RIFF and data sizes are the maximum (unknown length)."""
    block_align = n_channels * bits // 8
    unknown = 0xFFFFFFFF
    return (b"RIFF" + struct.pack("<I", unknown) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, n_channels, sample_rate,
                                    sample_rate * block_align, block_align, bits)
            + b"data" + struct.pack("<I", unknown - 36))


class FileSink:
    """What played, kept in a WAV/FLAC file written atomically (temp file + rename on close).

    Wraps :class:`moodc.audio_io.PcmWriter`; :meth:`close` finishes the file (headers hold
    the true length) and renames it into place, :meth:`abort` removes the temp file.
    """

    wants_pcm = True

    def __init__(self, path: Path, *, sample_rate: int, tags: Any, force: bool) -> None:
        from moodc.audio_io import PcmWriter, format_for_path

        fmt = format_for_path(path)
        if fmt not in ("wav", "flac"):
            raise UsageError(f"cannot keep live audio as {path.name}: use .flac or .wav",
                             hint="e.g. -o live.flac, or -o - for WAV on stdout", param="out")
        self._writer = PcmWriter(path, sample_rate=sample_rate, n_channels=2, fmt=fmt,
                                 bit_depth=16, tags=tags, force=force)
        self.path = path

    def write(self, pcm: np.ndarray) -> bool:
        self._writer.write(pcm)
        return False

    def close(self) -> None:
        self._writer.__exit__(None, None, None)

    def abort(self, exc: BaseException) -> None:
        try:
            self._writer.__exit__(type(exc), exc, None)
        except MoodcError:
            pass
