"""`moodc live` on a sound card: PortAudio → ALSA → a private PulseAudio null sink.

The null sink consumes audio at the real sample rate, so these runs are paced by a device
exactly as on a laptop's card, and its monitor records what the card received.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf
from scipy.signal import correlate

from moodc.analysis import click_ratios
from tests.helpers import EXAMPLES, ROOT
from tests.helpers.sound_card import recording, sound_card

pytestmark = pytest.mark.slow

SR = 44100
#: PulseAudio ramps a new stream's first few hundred samples; compare after them.
STREAM_RAMP_SAMPLES = 1024
#: One 16-bit step is 3.1e-5: what the card played equals the file to within dither.
SAME_AUDIO_TOLERANCE = 2e-4


def _live(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "moodc.cli", "live", *args],
                            env=dict(env, PYTHONPATH=str(ROOT)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _aligned(recorded: np.ndarray, played: np.ndarray) -> np.ndarray:
    """The stretch of ``recorded`` that lines up with ``played`` (by cross-correlation)."""
    lag = int(np.argmax(correlate(recorded[:, 0], played[:, 0], mode="valid", method="fft")))
    return recorded[lag:lag + len(played)]


def test_the_card_plays_exactly_what_the_file_keeps_in_real_time(tmp_path) -> None:
    played_path, heard_path = tmp_path / "played.wav", tmp_path / "heard.wav"
    with sound_card(tmp_path) as env, recording(env, heard_path):
        started = time.monotonic()
        process = _live([str(EXAMPLES / "lofi-study.yaml"), "--sink", "device",
                         "--duration", "6", "-o", str(played_path), "--format", "json"], env)
        stdout, stderr = process.communicate(timeout=60)
        wall_s = time.monotonic() - started
    assert process.returncode == 0, stderr
    stop = json.loads(stdout.splitlines()[-1])
    assert stop["event"] == "stop" and stop["underruns"] == 0
    assert wall_s >= 6.0  # the card, not the synth, set the pace
    played, _ = sf.read(played_path)
    heard, _ = sf.read(heard_path)
    assert len(played) == 6 * SR
    heard = _aligned(heard, played)
    assert len(heard) == len(played)  # every sample reached the card, none dropped
    difference = np.abs(heard[STREAM_RAMP_SAMPLES:] - played[STREAM_RAMP_SAMPLES:]).max()
    assert difference <= SAME_AUDIO_TOLERANCE
    assert click_ratios(heard[STREAM_RAMP_SAMPLES:], sample_rate=SR).max() < 60.0


def test_sigterm_on_the_card_fades_out_within_a_second(tmp_path) -> None:
    heard_path = tmp_path / "heard.wav"
    with sound_card(tmp_path) as env, recording(env, heard_path):
        process = _live([str(EXAMPLES / "lofi-study.yaml"), "--sink", "device", "--quiet",
                         "--format", "json"], env)
        time.sleep(4.0)
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        stdout, stderr = process.communicate(timeout=10)
        exit_s = time.monotonic() - signalled
    assert process.returncode == 0, stderr
    assert json.loads(stdout.splitlines()[-1])["stopped_by"] == "SIGTERM"
    assert exit_s <= 3.0  # a fade of at most 1 s, then the card drains (loose: CI is shared)
    heard, _ = sf.read(heard_path)
    level = np.abs(heard).max(axis=1)
    last_sound = int(np.nonzero(level > 1e-3)[0][-1])
    assert np.abs(heard[last_sound - 64:last_sound]).max() < 0.05  # a fade, not a cut


def test_auto_finds_the_card(tmp_path) -> None:
    with sound_card(tmp_path) as env:
        process = _live([str(EXAMPLES / "calm-ambient.yaml"), "--duration", "2", "--quiet"],
                        env)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
