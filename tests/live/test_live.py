"""moodc live: phases where the log changes, bar-line morphs without clicks, steady loudness,
the same PCM twice, real-time runs without underruns, SIGTERM, and no sound card."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from click.testing import CliRunner

from moodc.analysis import click_ratios
from moodc.cli import cli
from moodc.dsp.loudness_stream import HopPowers, short_term_lufs_series
from moodc.dsp.peak import true_peak_dbtp
from moodc.live.session import LiveRequest, build
from tests.helpers import DATA, EXAMPLES, ROOT
from tests.helpers.activity_day import DAY_PLAN, write_synthetic_log

SR = 44100
#: The replay clock: one hour of the synthetic day is 12 s of music.
SPEED = 300.0
#: Music seconds of the day's first five phases (09:00–14:30 is 5.5 h).
DAY_S = 68.0
#: A clean mix of band-limited voices stays far below this (see tests/synth/test_palettes).
GROSS_CLICK_RATIO = 60.0


def _replay(log: Path, *, duration_s: float, out: Path | None = None, seed: int = 0):
    """Run a no-realtime replay session; (session, int16 PCM)."""
    session = build(LiveRequest(replay=log, speed=SPEED, realtime=False, duration_s=duration_s,
                                out=str(out) if out else None, sink="null", seed=seed,
                                quiet=True, force=True))
    blocks: list[np.ndarray] = []
    keep = session.keep
    session.keep = _Tee(keep, blocks)
    session.run()
    return session, np.concatenate(blocks)


class _Tee:
    def __init__(self, inner, blocks) -> None:
        self.inner, self.blocks = inner, blocks

    def write(self, pcm) -> bool:
        self.blocks.append(pcm.copy())
        return self.inner.write(pcm) if self.inner is not None else False

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


@pytest.fixture(scope="module")
def day_run(tmp_path_factory):
    log = write_synthetic_log(tmp_path_factory.mktemp("live") / "day.jsonl")
    session, pcm = _replay(log, duration_s=DAY_S)
    return log, session, pcm


def _change_s(clock: str) -> float:
    """Music time at which the synthetic day reaches local ``clock``."""
    def minutes(text: str) -> int:
        h, m = text.split(":")
        return int(h) * 60 + int(m)
    return (minutes(clock) - minutes(DAY_PLAN[0][0])) * 60.0 / SPEED


@pytest.mark.slow
def test_phase_changes_happen_where_the_log_changes(day_run) -> None:
    _, session, _ = day_run
    morphs = [t for t in session.engine.conductor.transitions if t.kind == "morph"]
    keys = [t.to_key for t in morphs]
    assert keys == ["frantic", "communication", "away", "reading"]
    window_s, dwell_s = 300.0, 120.0
    for transition, (clock, _, _) in zip(morphs, DAY_PLAN[1:]):
        start_s = transition.start_n / SR
        log_change_s = _change_s(clock)
        # not before the log changes; at most window + dwell (activity time) + one bar +
        # the previous morph (music time) after it
        assert log_change_s <= start_s
        assert start_s <= log_change_s + (window_s + dwell_s) / SPEED + 2 * 4.3 + 8.0


@pytest.mark.slow
def test_transitions_start_on_bar_lines_last_a_bar_and_do_not_click(day_run) -> None:
    _, session, pcm = day_run
    audio = pcm.astype(np.float64) / 32768.0
    for t in session.engine.conductor.transitions:
        if t.kind == "score":
            continue
        assert (t.start_n - t.grid_origin_n) % t.bar_n == 0, t
        if t.kind == "morph":
            assert t.n_samples >= t.bar_n
        lo, hi = max(0, t.start_n - SR // 2), min(len(audio), t.start_n + t.n_samples + SR // 2)
        if hi - lo > SR // 10:
            assert click_ratios(audio[lo:hi], sample_rate=SR).max() < GROSS_CLICK_RATIO


@pytest.mark.slow
def test_loudness_stays_at_the_target_through_transitions(day_run) -> None:
    _, _, pcm = day_run
    audio = pcm.astype(np.float64) / 32768.0
    meter = HopPowers(sample_rate=SR)
    short_term = short_term_lufs_series(meter.add(audio))
    # from the first complete 3 s window to the end-of-run fade
    steady = short_term[: len(short_term) - 5]
    assert np.all(np.abs(steady + 14.0) <= 1.5), (steady.min(), steady.max())
    assert true_peak_dbtp(audio) <= -1.0


@pytest.mark.slow
def test_same_pcm_twice_and_the_file_holds_it(day_run, tmp_path) -> None:
    log, _, _ = day_run
    out = tmp_path / "a.flac"
    _, first = _replay(log, duration_s=12.0, out=out)
    _, second = _replay(log, duration_s=12.0)
    assert np.array_equal(first, second)
    kept, rate = sf.read(out, dtype="int16")
    assert rate == SR and np.array_equal(kept, first)


def test_an_activitywatch_export_replays(tmp_path) -> None:
    export = next(p for p in sorted((DATA / "activity").glob("*.json")))
    session, pcm = _replay(export, duration_s=3.0)
    assert pcm.shape == (3 * SR, 2)
    assert session.engine.conductor.target.phase is not None


def test_a_config_plays_on_with_new_phrases_on_bar_lines() -> None:
    session = build(LiveRequest(source=str(EXAMPLES / "calm-ambient.yaml"), realtime=False,
                                duration_s=4.0, sink="null", quiet=True))
    conductor = session.engine.conductor
    stats = session.run()
    assert stats.played_s == pytest.approx(4.0)
    assert conductor.main is not None and conductor.target.key == "base"


@pytest.mark.slow
def test_a_realtime_run_with_the_null_sink_has_no_underruns() -> None:
    session = build(LiveRequest(source=str(EXAMPLES / "calm-ambient.yaml"), realtime=True,
                                duration_s=3.0, sink="null", quiet=True))
    stats = session.run()
    assert stats.underruns == 0
    assert stats.first_sound_s is not None and stats.first_sound_s <= 1.5
    assert 2.5 <= stats.wall_s <= 4.0


@pytest.mark.slow
def test_sigterm_leaves_a_playable_correctly_sized_file(tmp_path) -> None:
    out = tmp_path / "live.wav"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "moodc.cli", "live", str(EXAMPLES / "lofi-study.yaml"),
         "--sink", "null", "-o", str(out), "--quiet", "--format", "json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3.0)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
    info = sf.info(out)
    data, _ = sf.read(out, dtype="int16")
    assert info.frames == data.shape[0] > SR
    raw = out.read_bytes()  # the headers hold the true sizes (tags add a LIST chunk)
    assert int.from_bytes(raw[4:8], "little") == len(raw) - 8
    data_at = raw.index(b"data")
    assert int.from_bytes(raw[data_at + 4:data_at + 8], "little") == 4 * info.frames
    assert '"stopped_by": "SIGTERM"' in stdout.splitlines()[-1]
    assert np.abs(data[-64:]).max() <= 2  # faded out to the dither floor
    assert not list(tmp_path.glob(".*.part"))


def test_no_sound_card_says_so_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["live", str(EXAMPLES / "calm-ambient.yaml"),
                                      "--duration", "1"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no sound card" in lines[0] and "-o -" in lines[0]


def test_json_events_and_wav_on_stdout_are_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["live", str(EXAMPLES / "calm-ambient.yaml"), "-o", "-",
                                      "--format", "json"])
    assert result.exit_code == 2 and "--format" in result.output


@pytest.mark.slow
def test_wav_on_stdout_has_an_open_ended_header() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "moodc.cli", "live", str(EXAMPLES / "calm-ambient.yaml"),
         "--no-realtime", "--duration", "1", "-o", "-", "--quiet"],
        env=env, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout[:4] == b"RIFF" and result.stdout[8:12] == b"WAVE"
    assert len(result.stdout) == 44 + 4 * SR


def test_replaying_a_missing_log_is_one_line(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["live", "--replay", str(tmp_path / "nope.jsonl"),
                                      "--sink", "null", "--no-realtime", "--duration", "1"])
    assert result.exit_code == 2 and "no such file" in result.output
    assert "Traceback" not in result.output


def test_sounddevice_is_imported_only_for_the_card() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import sys; from moodc.live.session import LiveRequest, build; "
            f"build(LiveRequest(source={str(EXAMPLES / 'calm-ambient.yaml')!r}, "
            "realtime=False, sink='null', duration_s=1)); "
            "print('sounddevice' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr


def test_options_of_another_mode_are_usage_errors() -> None:
    from click.testing import CliRunner

    from moodc.cli import cli

    result = CliRunner().invoke(cli, ["live", "calm", "--speed", "10", "--sink", "null",
                                      "--duration", "1", "--no-realtime"])
    assert result.exit_code == 2
    assert "--speed: a speed (10) applies to a replayed log only" in result.output


def test_a_small_drift_morphs_in_one_step_and_a_new_mood_in_several() -> None:
    """Each morph step is a whole synth stream: a 20 % drift takes one, a change of phase
    one per two seconds (at most four), and no morph ever takes none."""
    from moodc.live.conductor import MORPH_MAX_STEPS, morph_steps
    from moodc.live.moods import DRIFT_T

    assert morph_steps(8.0, reach=DRIFT_T) == 1
    assert morph_steps(8.0, reach=1.0) == MORPH_MAX_STEPS
    assert morph_steps(4.0, reach=1.0) == 2
    assert morph_steps(0.5, reach=1.0) == 1


def test_a_session_tone_budget_bounds_its_voices_and_never_changes_the_music(
        tmp_path, monkeypatch) -> None:
    """Through a morph (six voices at once) the voices' caches together hold no more than
    the session budget (plus the tone just made), and a tight budget plays the very same
    samples as the default one: eviction only ever costs a re-synthesis."""
    from moodc.live import voices

    log = write_synthetic_log(tmp_path / "day.jsonl")
    _, reference = _replay(log, duration_s=28.0)
    budget_samples = 1_500_000
    monkeypatch.setattr(voices, "LIVE_CACHE_SAMPLES", budget_samples)
    held: list[int] = []
    most_voices: list[int] = []
    mix = voices.VoiceMixer.mix

    def counting_mix(self, start_n: int, n_samples: int):
        most_voices.append(len(self.voices))
        out = mix(self, start_n, n_samples)
        items = {id(v): v.size for voice in self.voices
                 for _, v, _, _ in voice.renderer.cache.next_uses()}
        held.append(sum(items.values()))
        return out

    monkeypatch.setattr(voices.VoiceMixer, "mix", counting_mix)
    session, pcm = _replay(log, duration_s=28.0)
    assert [t.kind for t in session.engine.conductor.transitions].count("morph") >= 1
    assert max(most_voices) >= 3
    largest_tone = int(6.0 * SR)  # a raw tone is at most MAX_RAW_S long
    assert max(held) <= budget_samples + largest_tone
    assert np.array_equal(pcm, reference)
