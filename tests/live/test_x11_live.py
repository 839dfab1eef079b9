"""`moodc live` following real X11 input under Xvfb (the path a desktop user takes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile as sf

from moodc.activity.bench import start_xvfb

pytestmark = pytest.mark.slow


def test_live_follows_an_x_display_and_writes_what_played(tmp_path: Path) -> None:
    server, display = start_xvfb()
    try:
        out = tmp_path / "live.flac"
        done = subprocess.run(
            [sys.executable, "-m", "moodc.cli", "live", "--sink", "null", "-o", str(out),
             "--duration", "6", "--format", "json"],
            capture_output=True, text=True, timeout=120, env={**os.environ, "DISPLAY": display})
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[0]["event"] == "mood" and events[-1]["event"] == "stop"
    assert events[-1]["played_s"] == pytest.approx(6.0) and events[-1]["underruns"] == 0
    info = sf.info(str(out))
    assert info.frames == 6 * info.samplerate and info.channels == 2
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
