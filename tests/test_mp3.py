"""MP3 export through pydub + ffmpeg: loudness and true peak of the *decoded* file, ID3 tags,
atomic writes, options, and a clear error when ffmpeg is missing.

Decoding here uses the ffmpeg command line directly (not moodc's own decode path), and
levels are measured with moodc's BS.1770 meter and true-peak estimate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from moodc import audio_io
from moodc.audio_io import Mp3Writer, Tags, format_for_path
from moodc.cli import cli
from moodc.errors import MoodcError, OutputExistsError, UsageError
from moodc.render import render_file
from moodc.dsp.loudness import measure_loudness_lufs
from moodc.dsp.peak import true_peak_dbtp
from tests.helpers import EXAMPLES, ROOT
from tests.helpers import standin_synth as _standin_synth

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                reason="ffmpeg/ffprobe not installed")
TAGS = Tags("Test Title", "moodc test", 42, "ab" * 32)


def _decode(path: Path) -> np.ndarray:
    """The MP3 as float64 ``(n, 2)``, decoded by the ffmpeg command line."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "2",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").reshape(-1, 2) / 32768.0


def _probe(path: Path) -> dict[str, Any]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries",
                          "format=bit_rate,format_name:format_tags:stream=codec_name,sample_rate",
                          "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# ------------------------------------------------------------------------------------------
# Levels of the decoded file (real synth: real transients and stereo width)
# ------------------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("example,bitrate", [("arabian-nights.yaml", None),
                                             ("8bit-adventure.yaml", "64k")])
def test_decoded_mp3_meets_loudness_and_true_peak_spec(tmp_path: Path, example: str,
                                                       bitrate: str | None) -> None:
    out = tmp_path / "x.mp3"
    result = render_file(EXAMPLES / example, out=out, duration_s=8, bitrate=bitrate)
    audio = _decode(out)
    assert audio.shape[0] == pytest.approx(8 * 44100, abs=1152)  # gapless trim, at most a frame
    loudness_lufs = measure_loudness_lufs(audio, sample_rate=44100)
    peak_dbtp = true_peak_dbtp(audio)
    assert abs(loudness_lufs - -14.0) <= 0.5, loudness_lufs
    assert peak_dbtp <= -1.0, peak_dbtp
    # what render reports is the decoded file's level, not the PCM fed to the encoder
    assert result.loudness_lufs == pytest.approx(loudness_lufs, abs=0.05)
    expected_kbps = int((bitrate or audio_io.DEFAULT_MP3_BITRATE).rstrip("k"))
    assert abs(int(_probe(out)["format"]["bit_rate"]) / 1000 - expected_kbps) < 0.05 * expected_kbps


def test_mp3_headroom_leaves_wav_and_flac_alone() -> None:
    assert audio_io.true_peak_ceiling_dbtp("mp3", default_dbtp=-1.0) < -1.0
    for fmt in ("wav", "flac", "ogg"):
        assert audio_io.true_peak_ceiling_dbtp(fmt, default_dbtp=-1.0) == -1.0  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# Tags, atomic writes, options
# ------------------------------------------------------------------------------------------

def test_id3_tags_carry_title_version_seed_and_document_hash(tmp_path: Path) -> None:
    out = tmp_path / "t.mp3"
    result = render_file(EXAMPLES / "calm-ambient.yaml", out=out, duration_s=2, seed=11,
                         stream_fn=_standin_synth.stream_config)
    probe = _probe(out)
    tags = probe["format"]["tags"]
    assert probe["format"]["format_name"] == "mp3" and probe["streams"][0]["codec_name"] == "mp3"
    assert tags["title"] == "Still Water"
    assert tags["encoded_by"].startswith("moodc ")
    assert tags["comment"] == f"moodc seed=11 document_sha256={result.document_sha256}"
    assert tags["moodc_seed"] == "11"
    assert tags["moodc_document_sha256"] == result.document_sha256


def test_failure_mid_render_leaves_no_mp3(tmp_path: Path) -> None:
    def broken(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        stream = _standin_synth.stream_config(fields, **{**kwargs, "block_s": 1.0})
        yield next(stream)
        raise RuntimeError("synth crashed")

    with pytest.raises(RuntimeError):
        render_file(EXAMPLES / "calm-ambient.yaml", out=tmp_path / "out" / "x.mp3",
                    duration_s=10, stream_fn=broken)
    leftovers = list((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert leftovers == []


def test_writer_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "x.mp3"
    with pytest.raises(RuntimeError):
        with Mp3Writer(path, sample_rate=44100, n_channels=2, tags=TAGS, force=False) as writer:
            writer.write(np.zeros((4410, 2), np.int16))
            writer.encoded_pcm()  # encoded into the temp file already ...
            raise RuntimeError("failed after encoding")
    assert list(tmp_path.iterdir()) == []  # ... and still nothing left behind
    path.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        Mp3Writer(path, sample_rate=44100, n_channels=2, tags=TAGS, force=False)
    assert path.read_bytes() == b"precious"


def test_writer_rejects_a_bad_bitrate_and_float_pcm(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="MP3 bitrate 100k is not supported") as caught:
        Mp3Writer(tmp_path / "x.mp3", sample_rate=44100, n_channels=2,
                  bitrate="100k", tags=None, force=False)  # type: ignore[arg-type]
    assert "64k" in (caught.value.hint or "") and "320k" in (caught.value.hint or "")
    writer = Mp3Writer(tmp_path / "x.mp3", sample_rate=44100, n_channels=2, tags=None,
                       force=False)
    with pytest.raises(TypeError):
        writer.write(np.zeros((10, 2), np.float32))


def test_suffix_implies_mp3_and_bitrate_is_mp3_only(tmp_path: Path) -> None:
    assert format_for_path(Path("a/b.MP3")) == "mp3"
    with pytest.raises(UsageError, match=r"a bitrate \(128k\) applies to mp3 only"):
        render_file(EXAMPLES / "calm-ambient.yaml", out=tmp_path / "x.flac", bitrate="128k",
                    stream_fn=_standin_synth.stream_config)
    assert list(tmp_path.iterdir()) == []


def test_cli_format_and_bitrate_reach_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    from moodc import render as render_module

    monkeypatch.setattr(render_module, "_default_stream_fn", lambda: _standin_synth.stream_config)
    out = tmp_path / "song"
    result = CliRunner().invoke(cli, ["render", str(EXAMPLES / "calm-ambient.yaml"), "-o",
                                      str(out), "--format", "mp3", "--bitrate", "128k",
                                      "--duration", "2", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["format"] == "mp3"
    assert int(_probe(out)["format"]["bit_rate"]) == pytest.approx(128000, rel=0.05)


def test_cli_bitrate_choices_match_the_library() -> None:
    from moodc.commands import render as render_command

    assert render_command.MP3_BITRATES == audio_io.MP3_BITRATES


# ------------------------------------------------------------------------------------------
# Missing ffmpeg
# ------------------------------------------------------------------------------------------

def test_missing_ffmpeg_is_one_clear_line_before_rendering(tmp_path: Path) -> None:
    # PATH holds nothing but an empty folder: pydub (imported fresh) cannot find ffmpeg.
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "moodc.cli", "render",
                           str(EXAMPLES / "calm-ambient.yaml"), "-o", str(tmp_path / "x.mp3")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("moodc: error: mp3 export needs ffmpeg")
    assert "apt install ffmpeg" in lines[0] and "brew install ffmpeg" in lines[0]
    assert not (tmp_path / "x.mp3").exists()


def test_missing_converter_raises_from_the_library(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    from pydub import AudioSegment

    monkeypatch.setattr(AudioSegment, "converter", "no-such-ffmpeg-here")
    with pytest.raises(MoodcError, match="'no-such-ffmpeg-here' is not on PATH"):
        render_file(EXAMPLES / "calm-ambient.yaml", out=tmp_path / "x.mp3",
                    stream_fn=_standin_synth.stream_config)
    assert list(tmp_path.iterdir()) == []
