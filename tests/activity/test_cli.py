"""`moodc record` as a user runs it: --check, signals (SIGTERM / Ctrl-C) and the log on disk."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from moodc.commands.record import command

SCRIPT = {"steps": [
    {"t": 0.05, "app": "Code", "title": "secret-plan.txt", "window": 1},
    {"t": 0.1, "keys": 7, "corrections": 2, "mouse_px": 40.0},
    {"t": 0.2, "clicks": 3, "scrolls": 4},
]}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"), **extra)
    env.pop("DISPLAY", None)
    return env


def _start_recorder(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    script = tmp_path / "script.json"
    script.write_text(json.dumps(SCRIPT))
    log = tmp_path / "day.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moodc.cli", "record", "--backend", "replay", "--replay",
         str(script), "-o", str(log), "--interval", "60", *extra],
        env=_env(tmp_path), stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = proc.stderr.readline()
    assert "recording" in ready, ready + proc.stderr.read()
    return proc, log


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_writes_the_partial_bucket_and_exits_0(tmp_path: Path, signum: int) -> None:
    proc, log = _start_recorder(tmp_path)
    time.sleep(1.0)  # the script's steps (t ≤ 0.2 s) have all happened
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    # buckets end on the wall clock's interval grid: a run that crosses a minute boundary
    # writes the finished bucket and then the partial one
    assert len(lines) == 1 or (len(lines) == 2 and lines[0]["end"] == lines[1]["start"])
    totals = tuple(sum(line[name] for line in lines)
                   for name in ("keys", "corrections", "clicks", "scrolls"))
    assert totals == (7, 2, 3, 4)
    assert f"wrote {len(lines)} bucket" in stderr and "of one core" in stderr
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "secret-plan" not in log.read_text()  # titles are hashed by default
    key_file = tmp_path / "config" / "moodc" / "activity-title-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


@pytest.mark.slow
def test_duration_stops_by_itself_with_plain_titles_when_asked(tmp_path: Path) -> None:
    proc, log = _start_recorder(tmp_path, "--duration", "1", "--titles", "plain")
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    line = json.loads(log.read_text().splitlines()[-1])
    assert "secret-plan.txt" in line["titles"] and line["titles_mode"] == "plain"


def test_check_without_a_display_says_how_to_fix_it_and_exits_1(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "moodc.cli", "record", "--check",
                             "--backend", "x11"], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert "no X display: set DISPLAY or run under X11" in result.stdout
    assert "can record: no" in result.stdout


def test_record_without_a_display_is_a_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "moodc.cli", "record", "--backend", "x11",
                             "-o", str(tmp_path / "x.jsonl"), "--duration", "1"],
                            env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("moodc: error: nothing can be recorded here: no X display")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_check_with_the_replay_backend_exits_0(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text(json.dumps(SCRIPT))
    result = CliRunner().invoke(command, ["--check", "--backend", "replay", "--replay",
                                          str(script)])
    assert result.exit_code == 0, result.output
    assert "can record: yes" in result.output


def test_replay_backend_without_a_script_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--backend", "replay", "-o", str(tmp_path / "l")])
    assert result.exit_code == 2
    assert "--backend: the replay backend needs a replay script" in result.output
    assert "pass --replay SCRIPT.json" in result.output


def test_unwritable_log_path_is_a_one_line_error(tmp_path: Path) -> None:
    script = tmp_path / "s.json"
    script.write_text(json.dumps(SCRIPT))
    result = subprocess.run([sys.executable, "-m", "moodc.cli", "record", "--backend", "replay",
                             "--replay", str(script), "-o", str(tmp_path / "no" / "dir.jsonl"),
                             "--duration", "1"], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("moodc: error: cannot open log") and "Traceback" not in result.stderr


def test_corrupt_title_key_is_a_one_line_error(tmp_path: Path) -> None:
    key = tmp_path / "config" / "moodc" / "activity-title-key"
    key.parent.mkdir(parents=True)
    key.write_text("not hex\n")
    script = tmp_path / "s.json"
    script.write_text(json.dumps(SCRIPT))
    result = subprocess.run([sys.executable, "-m", "moodc.cli", "record", "--backend", "replay",
                             "--replay", str(script), "-o", str(tmp_path / "l.jsonl"),
                             "--duration", "1"], env=_env(tmp_path), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "title key" in result.stderr and "is corrupt" in result.stderr
