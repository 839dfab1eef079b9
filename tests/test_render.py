"""``moodc render`` and the render pipeline, driven by a stand-in synth (fast, same contract).

The real synth is exercised in ``test_render_examples.py``; here the pipeline's own promises
are checked: exact length, loudness and true peak, determinism, WAV = FLAC, no clicks at
transitions and fades, atomic writes, refusal to overwrite, and clear errors.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm as pyln
import pytest
import soundfile as sf
from click.testing import CliRunner
from scipy import signal

from moodc import render as render_module
from moodc.audio_io import read_pcm
from moodc.cli import cli
from moodc.errors import OutputExistsError, UsageError
from moodc.render import render_file
from tests.helpers import ROOT
from tests.helpers import standin_synth as _standin_synth

CALM = ROOT / "examples" / "calm-ambient.yaml"
ROOTS = ["c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"]


def clean_stream(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int, seed: int,
                 block_s: float = 8.0) -> Iterator[np.ndarray]:
    """Two sines per channel, pitch from the root, phase from the seed: any click shows."""
    n_total = int(round(duration_s * sample_rate))
    freq_hz = 220.0 * 2 ** (ROOTS.index(fields.get("root", "c")) / 12)
    phase = np.random.default_rng(seed).random() * 2 * np.pi
    block_n = int(block_s * sample_rate)
    for start in range(0, n_total, block_n):
        t = (start + np.arange(min(block_n, n_total - start))) / sample_rate
        left = 0.3 * np.sin(2 * np.pi * freq_hz * t + phase)
        right = 0.3 * np.sin(2 * np.pi * freq_hz * 1.5 * t + phase)
        yield np.stack([left, right], 1).astype(np.float32)


@pytest.fixture
def standin(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route the CLI's renders through the stand-in synth."""
    monkeypatch.setattr(render_module, "_default_stream_fn",
                        lambda: _standin_synth.stream_config)


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _true_peak_dbtp(audio: np.ndarray) -> float:
    return 20 * math.log10(np.abs(signal.resample_poly(audio, 4, 1, axis=0)).max())


def _score_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "score.yaml", """\
version: 2
seed: 4
fade_in: 0.5
fade_out: 1.0
sections:
  - duration: 3
    config: {root: c}
  - duration: 3
    transition: {kind: cut}
    config: {root: f#}
  - duration: 3
    transition: {kind: crossfade, length: 1}
    config: {root: a}
  - duration: 4
    transition: {kind: morph, length: 2}
    config: {root: d#, tempo: fast}
""")


# ------------------------------------------------------------------------------------------
# Mastering promises
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sample_rate,bit_depth,target", [(44100, 16, -14.0), (48000, 24, -18.0)])
def test_output_hits_loudness_target_and_true_peak_ceiling(
        tmp_path: Path, sample_rate: int, bit_depth: int, target: float) -> None:
    out = tmp_path / "out.flac"
    result = render_file(CALM, out=out, duration_s=8, sample_rate=sample_rate,
                         bit_depth=bit_depth, target_lufs=target,
                         stream_fn=_standin_synth.stream_config)
    audio, file_rate = sf.read(out)
    assert file_rate == sample_rate and audio.shape == (8 * sample_rate, 2)
    measured = pyln.Meter(sample_rate).integrated_loudness(audio)
    assert abs(measured - target) <= 0.5
    assert abs(result.loudness_lufs - measured) <= 0.2
    assert _true_peak_dbtp(audio) <= -1.0


def test_limiter_catches_hot_transients(tmp_path: Path) -> None:
    def spiky(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        for block in _standin_synth.stream_config(fields, **kwargs):
            block = block.copy()
            block[::5000] = 0.95  # full-scale clicks: crest factor far above -14 LUFS headroom
            yield block

    out = tmp_path / "spiky.wav"
    render_file(CALM, out=out, duration_s=6, stream_fn=spiky)
    audio, _ = sf.read(out)
    assert _true_peak_dbtp(audio) <= -1.0
    assert abs(pyln.Meter(44100).integrated_loudness(audio) - -14.0) <= 0.5


def test_no_dc_in_output(tmp_path: Path) -> None:
    def offset(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        for block in clean_stream(fields, **kwargs):
            yield block + np.float32(0.2)

    out = tmp_path / "dc.wav"
    render_file(CALM, out=out, duration_s=6, stream_fn=offset)
    audio, _ = sf.read(out)
    assert np.abs(audio[44100:-88200].mean(axis=0)).max() < 0.01


# ------------------------------------------------------------------------------------------
# Clicks
# ------------------------------------------------------------------------------------------

def _click_ratio(audio: np.ndarray, *, around: list[int], width: int) -> float:
    """Largest second difference near ``around`` over the largest in steady stretches."""
    curvature = np.abs(np.diff(audio, n=2, axis=0)).max(axis=1)
    near = np.zeros(curvature.shape[0], bool)
    for point in around:
        near[max(0, point - width):point + width] = True
    return float(curvature[near].max() / curvature[~near].max())


def test_score_transitions_and_fades_are_click_free(tmp_path: Path) -> None:
    out = tmp_path / "score.wav"
    result = render_file(_score_file(tmp_path), out=out, stream_fn=clean_stream)
    audio, _ = sf.read(out)
    sr = 44100
    assert result.n_samples == audio.shape[0] == (3 + 3 + 3 + 4 - 1 - 2) * sr
    boundaries = [3 * sr, 5 * sr, 6 * sr, 8 * sr]  # cut, crossfade span, morph span
    assert _click_ratio(audio, around=boundaries, width=sr // 10) < 2.0
    assert np.abs(audio[:10]).max() < 1e-3 and np.abs(audio[-10:]).max() < 1e-3


def test_a_hard_switch_would_be_caught_by_the_click_detector() -> None:
    sr = 44100
    t = np.arange(2 * sr) / sr
    tone = 0.3 * np.sin(2 * np.pi * 220 * t)
    tone[sr:] = 0.3 * np.sin(2 * np.pi * 311 * t[sr:] + 2.0)
    audio = np.stack([tone, tone], 1)
    assert _click_ratio(audio, around=[sr], width=sr // 10) > 5.0


# ------------------------------------------------------------------------------------------
# Determinism and formats
# ------------------------------------------------------------------------------------------

def test_same_document_same_pcm_and_seed_changes_it(tmp_path: Path) -> None:
    pcms = []
    for name, seed in (("a", None), ("b", None), ("c", 5)):
        render_file(CALM, out=tmp_path / f"{name}.flac", duration_s=3, seed=seed,
                    stream_fn=_standin_synth.stream_config)
        pcms.append(read_pcm(tmp_path / f"{name}.flac")[0])
    assert np.array_equal(pcms[0], pcms[1])
    assert not np.array_equal(pcms[0], pcms[2])


def test_wav_and_flac_of_one_render_hold_identical_pcm(tmp_path: Path) -> None:
    for fmt in ("wav", "flac"):
        render_file(CALM, out=tmp_path / f"x.{fmt}", duration_s=3, seed=2,
                    stream_fn=_standin_synth.stream_config)
    assert np.array_equal(read_pcm(tmp_path / "x.wav")[0], read_pcm(tmp_path / "x.flac")[0])


def test_ogg_export_is_near_the_loudness_target(tmp_path: Path) -> None:
    out = tmp_path / "x.ogg"
    render_file(CALM, out=out, duration_s=4, stream_fn=_standin_synth.stream_config)
    audio, sample_rate = sf.read(out)
    assert sf.info(str(out)).subtype == "VORBIS" and audio.shape == (4 * 44100, 2)
    assert abs(pyln.Meter(sample_rate).integrated_loudness(audio) - -14.0) <= 0.5


def test_a_bit_depth_for_a_lossy_format_is_refused_not_ignored(tmp_path: Path) -> None:
    for name in ("x.ogg", "x.mp3"):
        with pytest.raises(UsageError, match="applies to wav and flac") as caught:
            render_file(CALM, out=tmp_path / name, duration_s=1, bit_depth=24,
                        stream_fn=_standin_synth.stream_config)
        assert caught.value.param == "bit_depth"
    assert list(tmp_path.iterdir()) == []


def test_tags_name_the_seed_and_document_hash(tmp_path: Path) -> None:
    result = render_file(CALM, out=tmp_path / "t.flac", duration_s=2, seed=11,
                         stream_fn=_standin_synth.stream_config)
    with sf.SoundFile(str(tmp_path / "t.flac")) as handle:
        assert handle.title == "Still Water"
        assert "seed=11" in handle.comment and result.document_sha256 in handle.comment
        assert handle.software.startswith("moodc ")


def test_failure_mid_render_leaves_no_file(tmp_path: Path) -> None:
    def broken(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        stream = _standin_synth.stream_config(fields, **{**kwargs, "block_s": 1.0})
        yield next(stream)
        raise RuntimeError("synth crashed")

    with pytest.raises(RuntimeError):
        render_file(CALM, out=tmp_path / "out" / "x.flac", duration_s=10, stream_fn=broken)
    leftovers = list((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert leftovers == []


def test_library_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    out.write_bytes(b"precious")
    with pytest.raises(OutputExistsError):
        render_file(CALM, out=out, duration_s=2, stream_fn=_standin_synth.stream_config)
    assert out.read_bytes() == b"precious"


# ------------------------------------------------------------------------------------------
# The command
# ------------------------------------------------------------------------------------------

def _run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def test_cli_default_output_summary_and_overwrite(tmp_path: Path, standin: None,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run(["render", str(CALM), "--duration", "2"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "renders" / "calm-ambient.flac"
    assert out.is_file()
    line = result.output.strip()
    assert len(line.splitlines()) == 1
    for part in ("renders/calm-ambient.flac", "2.00 s", "LUFS", "dBTP", "seed", "realtime"):
        assert part in line
    before = out.read_bytes()
    again = _run(["render", str(CALM), "--duration", "3"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_bytes() == before
    forced = _run(["render", str(CALM), "--duration", "3", "--force"])
    assert forced.exit_code == 0
    assert sf.info(str(out)).frames == 3 * 44100


def test_cli_options_reach_the_file(tmp_path: Path, standin: None) -> None:
    out = tmp_path / "o.wav"
    result = _run(["render", str(CALM), "-o", str(out), "--duration", "1.5", "--sample-rate",
                   "48000", "--bit-depth", "24", "--seed", "3"])
    assert result.exit_code == 0, result.output
    info = sf.info(str(out))
    assert (info.samplerate, info.subtype, info.frames) == (48000, "PCM_24", 72000)
    assert "seed 3" in result.output


@pytest.mark.parametrize("args,code,message", [
    (["render", "missing.yaml"], 2, "no such file"),
    (["render", str(CALM), "--duration", "1e9"], 2, "--duration"),
    (["render", str(CALM), "--duration", "-3"], 2, "--duration"),
    (["render", str(CALM), "--duration", "0"], 2, "--duration"),
    (["render", str(CALM), "--duration", "nan"], 2, "--duration"),
    (["render", str(CALM), "--loudness", "5"], 2, "--loudness"),
    (["render", str(CALM), "-o", "x.mp4"], 2, "format"),
    (["render", str(CALM), "-o", "x.wav", "--format", "flac"], 2, "does not match"),
])
def test_cli_bad_input_is_one_clear_line_and_writes_nothing(
        tmp_path: Path, standin: None, monkeypatch: pytest.MonkeyPatch, args: list[str],
        code: int, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run(args)
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("moodc: error:")
    assert list(tmp_path.rglob("*.*")) == []


def test_cli_invalid_document_prints_diagnostics_and_exits_1(
        tmp_path: Path, standin: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = _write(tmp_path / "bad.yaml", "version: 2\ntempo: hyperspeed\n")
    result = _run(["render", str(bad)])
    assert result.exit_code == 1
    assert "bad.yaml:2:" in result.output and "tempo" in result.output
    assert not (tmp_path / "renders").exists()


def test_cli_renders_a_score_to_its_exact_length(tmp_path: Path, standin: None) -> None:
    out = tmp_path / "s.wav"
    result = _run(["render", str(_score_file(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sf.info(str(out)).frames == 10 * 44100


def test_cli_synth_bug_is_one_line_and_writes_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        raise ValueError("bad control")
        yield  # pragma: no cover

    monkeypatch.setattr(render_module, "_default_stream_fn", lambda: broken)
    out = tmp_path / "x.flac"
    result = _run(["render", str(CALM), "-o", str(out), "--duration", "2"])
    assert result.exit_code == 2
    assert "internal error" in result.output and "bad control" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_pcm_does_not_depend_on_how_the_synth_splits_its_blocks(tmp_path: Path) -> None:
    def odd_blocks(fields: Mapping[str, Any], **kwargs: Any) -> Iterator[np.ndarray]:
        return _standin_synth.stream_config(fields, **{**kwargs, "block_s": 0.37})

    render_file(_score_file(tmp_path), out=tmp_path / "a.flac",
                stream_fn=_standin_synth.stream_config)
    render_file(_score_file(tmp_path), out=tmp_path / "b.flac", stream_fn=odd_blocks)
    assert np.array_equal(read_pcm(tmp_path / "a.flac")[0], read_pcm(tmp_path / "b.flac")[0])


def test_jobs_1_and_jobs_4_write_the_same_pcm(tmp_path: Path) -> None:
    """The real synth on one thread and on four (layers in parallel, the next block's layers
    beside this block's effects, mastering's analysis and writer threads): the same PCM."""
    from moodc.golden import pcm_sha256

    hashes = {}
    for jobs in (1, 4):
        out = tmp_path / f"jobs{jobs}.flac"
        result = _run(["render", str(ROOT / "examples" / "lofi-study.yaml"), "-o", str(out),
                       "--duration", "7", "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        hashes[jobs] = pcm_sha256(read_pcm(out)[0])
    assert hashes[1] == hashes[4]


def test_jobs_1_and_jobs_2_write_the_same_file(tmp_path: Path) -> None:
    """From two jobs pass 2's blocks are encoded on a writer thread (libsndfile's FLAC encoder
    beside the next block's limiter and dither); the file is byte for byte the one a single
    thread writes, header and tags included."""
    import hashlib

    digests = {}
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}.flac"
        result = _run(["render", str(CALM), "-o", str(out), "--duration", "3",
                       "--jobs", str(jobs)])
        assert result.exit_code == 0, result.output
        digests[jobs] = hashlib.sha256(out.read_bytes()).hexdigest()
    assert digests[1] == digests[2]


def _disk_full_after(monkeypatch: pytest.MonkeyPatch, *, blocks: int) -> None:
    """Make libsndfile's writes fail with ENOSPC after ``blocks`` successful ones."""
    import errno

    real_write = sf.SoundFile.write
    calls = {"n": 0}

    def write(handle: sf.SoundFile, data: np.ndarray) -> None:
        calls["n"] += 1
        if calls["n"] > blocks:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(handle, data)

    monkeypatch.setattr(sf.SoundFile, "write", write)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failed_encoder_write_is_one_line_whatever_the_jobs(
        tmp_path: Path, standin: None, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """A disk that fills during pass 2: on the writer thread (two jobs) the error reaches the
    command as the same one line and exit code as on one thread, and no file or part is
    left."""
    _disk_full_after(monkeypatch, blocks=1)
    out = tmp_path / "out" / "x.flac"
    result = _run(["render", str(CALM), "-o", str(out), "--duration", "6", "--jobs", jobs])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("moodc: error:")]
    assert errors == [f"moodc: error: cannot write {out}: No space left on device"]
    assert "Traceback" not in result.output
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupt_during_encoding_leaves_no_file(tmp_path: Path, jobs: int) -> None:
    """Ctrl-C while pass 2 encodes (blocks still queued for the writer thread): the render
    stops, the writer thread is drained, and neither the output nor its part file remains."""
    def progress(stage: str, done_n: int, total_n: int) -> None:
        if stage == "master" and done_n > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_file(CALM, out=tmp_path / "out" / "x.flac", duration_s=6, jobs=jobs,
                    progress=progress, stream_fn=_standin_synth.stream_config)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_one_second_render_imports_no_thread_pool_or_process_machinery() -> None:
    """Start-up: a render of one block has nothing to overlap, so it pays neither for
    ``concurrent.futures`` (and the ``logging`` it brings) nor for ``multiprocessing``."""
    from tests.helpers import fresh_python

    code = ("import sys; from pathlib import Path; from moodc.render import render_file;"
            "import tempfile; out = Path(tempfile.mkdtemp()) / 'x.flac';"
            f"render_file(Path({str(CALM)!r}), out=out, duration_s=1, jobs=2);"
            "print(sorted(m for m in ('concurrent.futures', 'logging', 'multiprocessing')"
            " if m in sys.modules))")
    assert fresh_python(code) == "[]"


@pytest.mark.parametrize(("example", "absent"), [
    ("calm-ambient", "moodc.synth.drums"),  # no rhythm, no accents: no hit is synthesised
    ("8bit-adventure", "moodc.synth.texture"),  # no texture layer
])
def test_a_render_loads_no_synth_module_its_document_does_not_use(example: str,
                                                                   absent: str) -> None:
    """Start-up: the drum and texture modules load where a document needs them, so a
    process rendering a document without hits or without a texture never pays for them."""
    from tests.helpers import fresh_python

    path = ROOT / "examples" / f"{example}.yaml"
    code = ("import sys; from pathlib import Path; from moodc.render import render_file;"
            "import tempfile; out = Path(tempfile.mkdtemp()) / 'x.flac';"
            f"render_file(Path({str(path)!r}), out=out, duration_s=1, jobs=2);"
            f"print({absent!r} in sys.modules)")
    assert fresh_python(code) == "False"


def test_a_one_block_render_masters_on_the_calling_thread(tmp_path: Path) -> None:
    """Two jobs and one block: mastering's threads would have nothing to overlap, so every
    write happens on the thread that called render_file (and the samples are the same)."""
    import threading

    from moodc import audio_io

    writers: set[str] = set()
    real_write = audio_io.PcmWriter.write

    def spying_write(self: audio_io.PcmWriter, pcm: np.ndarray) -> None:
        writers.add(threading.current_thread().name)
        real_write(self, pcm)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audio_io.PcmWriter, "write", spying_write)
        render_file(CALM, out=tmp_path / "two.flac", duration_s=1, jobs=2)
    assert writers == {threading.current_thread().name}
    render_file(CALM, out=tmp_path / "one.flac", duration_s=1, jobs=1)
    assert np.array_equal(read_pcm(tmp_path / "two.flac")[0], read_pcm(tmp_path / "one.flac")[0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layer process is Linux's")
@pytest.mark.parametrize("jobs,analysis_on_caller", [(2, True), (3, False)])
def test_two_jobs_keep_the_analysis_beside_the_layer_process(
        tmp_path: Path, jobs: int, analysis_on_caller: bool) -> None:
    """With two jobs the synth's layer process takes one core and the calling thread the
    other (effects, then pass 1's analysis); pass 2's encoder still gets its writer thread.
    From three jobs the analysis has a thread of its own. The PCM is that of one job."""
    import threading

    from moodc import audio_io
    from moodc.synth import master

    analysed: set[str] = set()
    written: set[str] = set()
    real_analyse, real_write = master._Pass1Analyser.write, audio_io.PcmWriter.write

    def spying_analyse(self: Any, block: np.ndarray) -> None:
        analysed.add(threading.current_thread().name)
        real_analyse(self, block)

    def spying_write(self: audio_io.PcmWriter, pcm: np.ndarray) -> None:
        written.add(threading.current_thread().name)
        real_write(self, pcm)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(master._Pass1Analyser, "write", spying_analyse)
        patch.setattr(audio_io.PcmWriter, "write", spying_write)
        render_file(CALM, out=tmp_path / "many.flac", duration_s=7, jobs=jobs)
    caller = threading.current_thread().name
    assert (analysed == {caller}) is analysis_on_caller
    assert caller not in written
    render_file(CALM, out=tmp_path / "one.flac", duration_s=7, jobs=1)
    assert np.array_equal(read_pcm(tmp_path / "many.flac")[0],
                          read_pcm(tmp_path / "one.flac")[0])


def test_jobs_below_one_is_a_usage_error(tmp_path: Path) -> None:
    result = _run(["render", str(CALM), "-o", str(tmp_path / "x.flac"), "--jobs", "0"])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("n_cores, load, expected", [(2, 0.3, 2), (2, 1.9, 2), (2, 2.0, 1),
                                                     (2, 3.5, 1), (8, 3.0, 4), (8, 8.5, 1)])
def test_the_default_jobs_fall_to_one_when_other_work_keeps_every_core_busy(
        monkeypatch: pytest.MonkeyPatch, n_cores: int, load: float, expected: int) -> None:
    """A layer process and threads on cores already taken only add their own cost: left to
    the default, a render on a saturated machine runs on one; asked for, it gets them."""
    from moodc import cores

    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: set(range(n_cores)),
                        raising=False)
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (load, load, load), raising=False)
    assert render_module.resolve_jobs(None) == expected
    assert render_module.resolve_jobs(3) == 3


def test_without_a_load_average_the_default_jobs_are_the_cores(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from moodc import cores

    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    monkeypatch.delattr(cores.os, "getloadavg", raising=False)
    assert render_module.resolve_jobs(None) == 3
