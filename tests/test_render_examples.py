"""Every shipped example, rendered short through the real synth, is mastered to spec, and a
render is identical across processes."""

from __future__ import annotations

import hashlib
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import pyloudnorm as pyln
from scipy import signal

from moodc.audio_io import pcm_to_float, read_pcm
from moodc.config.load import load_document
from moodc.render import render_pcm

from tests.helpers import ROOT

#: Slow lane: this module renders every example at both rates.
pytestmark = pytest.mark.slow
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))
SHORT_S = 4.0


def test_there_are_examples_to_check() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("path", EXAMPLES,
                         ids=[p.relative_to(ROOT / "examples").as_posix() for p in EXAMPLES])
def test_example_is_at_target_loudness_under_the_true_peak_ceiling(path: Path) -> None:
    pcm, timeline, stats = render_pcm(load_document(path), base_dir=path.parent,
                                      duration_s=SHORT_S)
    audio = pcm_to_float(pcm, bit_depth=16)
    assert audio.shape == (int(SHORT_S * 44100), 2)
    loudness = pyln.Meter(44100).integrated_loudness(audio)
    true_peak = 20 * math.log10(np.abs(signal.resample_poly(audio, 4, 1, axis=0)).max())
    assert abs(loudness - -14.0) <= 0.5, f"{path.name}: {loudness:.2f} LUFS"
    assert true_peak <= -1.0, f"{path.name}: {true_peak:.2f} dBTP"
    assert np.abs(audio.mean(axis=0)).max() < 1e-3  # no DC


def _pcm_sha256(path: Path) -> str:
    pcm, _, _ = read_pcm(path)
    return hashlib.sha256(pcm.tobytes()).hexdigest()


def test_same_pcm_in_two_processes_and_in_process(tmp_path: Path) -> None:
    score = ROOT / "examples" / "podcast-intro.yaml"
    hashes = []
    for name in ("one.flac", "two.wav"):
        subprocess.run([sys.executable, "-m", "moodc.cli", "render", str(score), "--duration",
                        "3", "-o", str(tmp_path / name)], check=True, capture_output=True)
        hashes.append(_pcm_sha256(tmp_path / name))
    pcm, _, _ = render_pcm(load_document(score), base_dir=score.parent, duration_s=3)
    assert hashes[0] == hashes[1] == hashlib.sha256(pcm.tobytes()).hexdigest()


@pytest.mark.parametrize("name", ["indian-wedding", "8bit-adventure"])
def test_transient_heavy_examples_stay_under_the_ceiling_at_48k_24bit(name: str) -> None:
    """Drum transients are where a short true-peak interpolator under-reads (seen at 48 kHz)."""
    path = ROOT / "examples" / f"{name}.yaml"
    pcm, _, _ = render_pcm(load_document(path), base_dir=path.parent, duration_s=6.0,
                           sample_rate=48000, bit_depth=24)
    audio = pcm_to_float(pcm, bit_depth=24)
    true_peak = 20 * math.log10(np.abs(signal.resample_poly(audio, 4, 1, axis=0)).max())
    assert true_peak <= -1.0
    assert abs(pyln.Meter(48000).integrated_loudness(audio) - -14.0) <= 0.5
