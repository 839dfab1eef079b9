"""A hand drummer never plays the same stroke twice (issue 14): the bodhrán's tipper, the
darbuka's hands and a bossa drummer's cross-stick come in takes that the lanes rotate
through, so no two successive strokes of one sound are one sample replayed (a drum
machine). Each take is still the same stroke: its pitch and brightness stay the drum's."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.synth.drums import (BODHRAN_HZ, CROSS_STICK_BAR_HZ, DARBUKA_AIR,
                               JAZZ_BASS_DRUM_HEADS, drum_sound)
from moodc.synth.engine import plan_piece
from moodc.synth.events import drum_name
from moodc.synth.patterns import DRUM_TAKES
from tests.synth.test_acoustic_drums import _band_share, _low_peak_hz
from tests.synth.test_identities import palette_controls

SR = 44100


def _sound(name: str) -> np.ndarray:
    return drum_sound(name, sample_rate=SR, cutoff_scale=2.0).astype(np.float64)


def _takes(sound: str) -> list[np.ndarray]:
    return [_sound(drum_name(sound, take=k)) for k in range(DRUM_TAKES[sound])]


def _centroid_hz(x: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    return float(np.sum(np.fft.rfftfreq(len(x), 1 / SR) * power) / np.sum(power))


@pytest.mark.parametrize("palette,sounds", [
    ("celtic-jig", {"bodhran", "bodhran_up", "bodhran_pressed", "bodhran_up_pressed"}),
    ("egyptian-summer", {"doum", "tek", "ka"}),
    ("bossa-cafe", {"cross_stick"})])
def test_successive_strokes_of_a_hand_drum_are_different_takes(palette: str,
                                                                sounds: set[str]) -> None:
    ctl = palette_controls(palette, human="robotic")
    plan = plan_piece(ctl, seed=1, duration_s=8 * ctl.beats_per_bar * ctl.beat_s)
    for sound in sounds:
        # a roll's stroke on a lane's is one stroke, played harder: one take at one moment
        at: dict[float, set[int]] = {}
        for h in plan["rhythm"].hits:
            if h.sound == sound:
                at.setdefault(h.start_s, set()).add(h.take)
        assert all(len(t) == 1 for t in at.values()), sound
        strokes = [(start_s, take) for start_s in sorted(at) for take in at[start_s]]
        assert len(strokes) >= 6, sound
        takes = [take for _, take in strokes]
        assert set(takes) == set(range(DRUM_TAKES[sound])), sound
        assert all(a != b for a, b in zip(takes, takes[1:])), sound
        # nor does a place in the bar keep one take bar after bar (a loop of samples)
        bar_s = ctl.beats_per_bar * ctl.beat_s
        by_place: dict[float, set[int]] = {}
        for start_s, take in strokes:
            by_place.setdefault(round(start_s % bar_s, 3), set()).add(take)
        assert max(len(t) for t in by_place.values()) > 1, (sound, by_place)


@pytest.mark.parametrize("sound", sorted(DRUM_TAKES))
def test_each_take_is_a_different_sound_not_a_copy(sound: str) -> None:
    """Any two takes differ by more than a tenth of their level (sample by sample), and
    none is louder or softer than its neighbours by more than a player's nudge (3 dB)."""
    takes = _takes(sound)
    for k, a in enumerate(takes):
        for b in takes[k + 1:]:
            n = min(len(a), len(b))
            assert np.linalg.norm(a[:n] - b[:n]) > 0.1 * np.linalg.norm(a[:n])
    levels_db = [20 * np.log10(np.sqrt(np.mean(x**2))) for x in takes]
    assert max(levels_db) - min(levels_db) < 3.0


@pytest.mark.parametrize("sound,pitch_hz", [("bodhran", BODHRAN_HZ),
                                            ("bodhran_pressed", 1.5 * BODHRAN_HZ)])
def test_every_bass_stroke_take_booms_at_the_skins_pitch(sound: str, pitch_hz: float) -> None:
    """Open or pressed by the hand, every take's low energy sits at the skin's pitch
    (within the hand's few %), not a kick's falling sweep."""
    for x in _takes(sound):
        assert abs(_low_peak_hz(x, start_s=0.02, stop_s=0.3) / pitch_hz - 1.0) < 0.06


def test_every_tip_stroke_take_is_brighter_than_every_bass_stroke_take() -> None:
    """The tipper's up stroke, off the centre, is thinner and brighter than the down
    stroke, take for take."""
    ups = [_centroid_hz(x) for x in _takes("bodhran_up")]
    downs = [_centroid_hz(x) for x in _takes("bodhran")]
    assert min(ups) > max(downs)


def test_every_doum_take_booms_in_the_goblet_and_every_tek_take_cracks_above_it() -> None:
    _, end_hz, _, _ = DARBUKA_AIR
    for x in _takes("doum"):
        assert abs(_low_peak_hz(x, start_s=0.05, stop_s=0.4) / end_hz - 1.0) < 0.08
    doum_top = max(_centroid_hz(x) for x in _takes("doum"))
    assert all(_centroid_hz(x) > 5 * doum_top for x in _takes("tek"))


def test_a_cross_stick_knocks_in_wood_and_skin_not_a_drum_machines_two_sines() -> None:
    """The cross-stick's energy is the stick's woody knock around its bar's pitch and the
    snare's head below it, not a pair of tones at 1.7 and 3.6 kHz (a drum machine's rim
    shot): most of it below 1.2 kHz, a good share at the head's pitch (150-250 Hz)."""
    for x in _takes("cross_stick"):
        assert _band_share(x, low_hz=100.0, high_hz=1200.0) > 0.6
        assert _band_share(x, low_hz=150.0, high_hz=250.0) > 0.04
        assert _band_share(x, low_hz=0.85 * CROSS_STICK_BAR_HZ,
                           high_hz=1.15 * CROSS_STICK_BAR_HZ) > 0.15


def test_a_feathered_jazz_bass_drum_booms_at_its_heads_pitch_early_and_late() -> None:
    """Every take of the bossa's bass drum rings at its heads' pitch from its first 80 ms
    to its tail (the resonant head a shade above the batter); a dance kick's first 80 ms
    sit far above where it ends, its sine falling an octave."""
    batter_hz, *_ = JAZZ_BASS_DRUM_HEADS
    for x in _takes("jazz_bass_drum"):
        for start_s, stop_s in ((0.0, 0.08), (0.1, 0.4)):
            assert abs(_low_peak_hz(x, start_s=start_s, stop_s=stop_s) / batter_hz - 1) < 0.08
    kick = _sound("kick")
    assert _low_peak_hz(kick, start_s=0.0, stop_s=0.08) > 1.15 * _low_peak_hz(
        kick, start_s=0.1, stop_s=0.4)

