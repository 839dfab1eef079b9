"""Flamenco palmas as three people clapping in a small room, not a drum machine's clap
(issue 14): each clapper's own clap with its own palm body, and no two neighbouring claps
the same sound."""

from __future__ import annotations

import numpy as np

from moodc.synth.drums import PALMAS_CLAPPERS, drum_sound
from moodc.synth.engine import plan_piece
from moodc.synth.patterns import PALMAS_TAKES
from tests.synth.test_identities import band_energy, palette_controls, rms

SAMPLE_RATE = 44100


def clap(name: str) -> np.ndarray:
    return drum_sound(name, sample_rate=SAMPLE_RATE, cutoff_scale=1.0).astype(np.float64)


def test_no_two_neighbouring_claps_are_the_same_sound() -> None:
    """Claps at successive moments are different takes (a phrase-end roll landing on a
    count doubles that count's clap: one moment, one louder clap)."""
    ctl = palette_controls("flamenco-night", human="robotic")
    plan = plan_piece(ctl, seed=1, duration_s=4 * ctl.beats_per_bar * ctl.beat_s)
    at: dict[float, set[str]] = {}
    for h in plan["rhythm"].hits:
        if h.sound.startswith("palmas"):
            at.setdefault(round(h.start_s, 6), set()).add(h.sound)
    claps = [at[t] for t in sorted(at)]
    assert len(claps) >= 40
    assert set().union(*claps) == set(PALMAS_TAKES)
    assert all(not a & b for a, b in zip(claps, claps[1:]))


def test_each_take_is_its_own_clap_not_a_copy() -> None:
    """Two takes share no waveform (their cross-correlation stays low at any lag): the
    clappers' hands are new noise every time, not one burst replayed."""
    takes = [clap(name) for name in PALMAS_TAKES]
    for a, b in zip(takes, takes[1:]):
        xc = np.correlate(a, b, mode="full") / np.sqrt(np.dot(a, a) * np.dot(b, b))
        assert np.abs(xc).max() < 0.5


def test_a_clap_has_the_palms_body_under_its_crack() -> None:
    """The air cupped between the palms (~1-2 kHz) carries a good share of each clap, and
    it lasts a little longer than the crack above it (4-7 kHz)."""
    bodies = sorted(hz for hz, _, _ in PALMAS_CLAPPERS)
    assert 900.0 <= bodies[0] and bodies[-1] <= 2000.0
    for name in PALMAS_TAKES:
        x = clap(name)
        body, crack = band_energy(x, low_hz=900.0, high_hz=2000.0), band_energy(
            x, low_hz=4000.0, high_hz=7000.0)
        assert rms(body) > 1.5 * rms(crack)
        late = slice(int(0.03 * SAMPLE_RATE), int(0.06 * SAMPLE_RATE))
        assert rms(body[late]) / rms(body) > rms(crack[late]) / rms(crack)
