"""A private sound card for tests: a PulseAudio daemon with one null sink.

The machines that run the tests have no sound card. PulseAudio's null sink consumes audio at
the real sample rate (so it paces blocking writes exactly like a card), and its monitor
source records what reached it. Through the ALSA ``pulse`` plugin it is PortAudio's default
output, so ``moodc live --sink device`` takes its real path: ``sounddevice`` → PortAudio →
ALSA → PulseAudio.

The daemon lives in its own runtime folder and is seen only by processes started with the
environment :func:`sound_card` yields; every other test still sees a machine without a card.
``pulseaudio`` and ``libasound2-plugins`` come from ``make system-deps``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Name of the null sink; its monitor source is ``SINK_NAME + ".monitor"``.
SINK_NAME = "moodc_card"
#: How long the daemon may take to accept clients.
START_TIMEOUT_S = 15.0


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise RuntimeError(f"{tool} is not installed: run `make system-deps` "
                           "(Debian packages pulseaudio and libasound2-plugins)")
    return path


def _wait_until_ready(env: dict[str, str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        probe = subprocess.run([_require("pactl"), "info"], env=env, capture_output=True)
        if probe.returncode == 0:
            return
        time.sleep(0.1)
    raise RuntimeError(f"pulseaudio did not start within {START_TIMEOUT_S} s")


@contextmanager
def sound_card(folder: Path, *, sample_rate: int = 44100) -> Iterator[dict[str, str]]:
    """Run a null-sink PulseAudio in ``folder``; yield the environment that reaches it."""
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), HOME=str(folder),
               PULSE_SERVER=f"unix:{runtime}/pulse/native")
    daemon = subprocess.Popen(
        [_require("pulseaudio"), "--daemonize=no", "--exit-idle-time=-1", "-n",
         "--use-pid-file=no", "--log-target=stderr",
         f"--load=module-null-sink sink_name={SINK_NAME} rate={sample_rate}",
         "--load=module-native-protocol-unix"],
        env={k: v for k, v in env.items() if k != "PULSE_SERVER"},
        stdout=subprocess.DEVNULL, stderr=(folder / "pulseaudio.log").open("wb"))
    try:
        _wait_until_ready(env)
        yield env
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def _wait_for_data(out: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if out.exists() and out.stat().st_size > 8192:
            return
        time.sleep(0.05)
    raise RuntimeError(f"parecord wrote nothing to {out} within {START_TIMEOUT_S} s")


@contextmanager
def recording(env: dict[str, str], out: Path, *, sample_rate: int = 44100) -> Iterator[None]:
    """Record what reaches the card into ``out`` (16-bit WAV) while the block runs."""
    recorder = subprocess.Popen(
        [_require("parecord"), f"--device={SINK_NAME}.monitor", "--file-format=wav",
         "--format=s16le", f"--rate={sample_rate}", "--channels=2", str(out)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for_data(out)  # the monitor is recording before playback starts
    try:
        yield
    finally:
        time.sleep(0.3)
        recorder.terminate()
        recorder.wait(timeout=10)
