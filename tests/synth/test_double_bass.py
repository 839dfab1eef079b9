"""The upright bass (issue 14): the acoustic styles' bass is a plucked double bass, not a
sine. Measured on its raw tone the way a bassist would describe it: the weight is in the
fundamental and the octave, the upper harmonics die first, the body thumps, the note
decays by itself.
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc.synth.instruments import DOUBLE_BASS_BODY, INSTRUMENT_VOICES
from moodc.synth.oscillators import midi_to_hz
from tests.synth.test_identities import band_energy, rms

SAMPLE_RATE = 22050


def _tone(instrument: str, midi: int, *, seconds: float = 2.0) -> np.ndarray:
    voice = INSTRUMENT_VOICES[instrument]
    return voice.osc(midi_to_hz(midi), n_samples=int(seconds * SAMPLE_RATE),
                     sample_rate=SAMPLE_RATE, cutoff_hz=voice.cutoff_hz, glide_st=0.0)


def _level_db(x: np.ndarray, freq_hz: float) -> float:
    """Level of one frequency in ``x`` (Hann window, zero-padded FFT), dB."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), 8 * SAMPLE_RATE))
    freqs = np.fft.rfftfreq(8 * SAMPLE_RATE, 1.0 / SAMPLE_RATE)
    return float(20 * np.log10(spectrum[np.argmin(np.abs(freqs - freq_hz))] + 1e-12))


def _window(x: np.ndarray, start_s: float, stop_s: float) -> np.ndarray:
    return x[int(start_s * SAMPLE_RATE):int(stop_s * SAMPLE_RATE)]


@pytest.mark.parametrize("midi", [28, 33, 40, 45, 52])  # E1 .. E3, the bass's range
def test_the_weight_is_in_the_fundamental_and_the_octave(midi: int) -> None:
    f0 = midi_to_hz(midi)
    attack = _window(_tone("double_bass", midi), 0.0, 0.3)
    low = max(_level_db(attack, f0), _level_db(attack, 2 * f0))
    high = max(_level_db(attack, k * f0) for k in range(5, 9))
    assert low - high >= 6.0, (midi, low, high)


def test_a_synth_pluck_in_the_same_register_is_not_like_that() -> None:
    # the control: the generic plucked string is brightest in its upper harmonics
    f0 = midi_to_hz(40)
    attack = _window(_tone("pluck", 40), 0.0, 0.3)
    low = max(_level_db(attack, f0), _level_db(attack, 2 * f0))
    high = max(_level_db(attack, k * f0) for k in range(5, 9))
    assert low - high < 6.0


@pytest.mark.parametrize("midi", [28, 33, 40, 45])
def test_the_pluck_edge_is_gone_within_a_second(midi: int) -> None:
    # a gut string loses its upper partials within a few tenths of a second: from the
    # pluck to 0.8-1.1 s harmonics 4-7 fall at least 10 dB more than the fundamental (a
    # loop filter alone: 4.7-9.3 dB more on these notes)
    f0 = midi_to_hz(midi)
    tone = _tone("double_bass", midi)
    early, late = _window(tone, 0.0, 0.3), _window(tone, 0.8, 1.1)
    fall_fundamental = _level_db(early, f0) - _level_db(late, f0)
    fall_upper = np.mean([_level_db(early, k * f0) - _level_db(late, k * f0)
                          for k in range(4, 8)])
    assert fall_upper - fall_fundamental >= 10.0, (midi, fall_fundamental, fall_upper)


@pytest.mark.parametrize("midi", [28, 33, 40, 45])
def test_the_string_snaps_on_the_fingerboard_at_the_pluck(midi: int) -> None:
    # the slap: the string's own upper harmonics (5-12) rattle for an instant, so they are
    # louder in the first 15 ms than 60-100 ms later by 3.5 dB or more (a finger-plucked
    # string model alone: 0.4-2.2 dB on these notes)
    f0 = midi_to_hz(midi)
    upper = band_energy(_tone("double_bass", midi, seconds=1.0), low_hz=4.5 * f0,
                        high_hz=12.5 * f0)
    snap = rms(upper[: int(0.015 * SAMPLE_RATE)])
    after = rms(_window(upper, 0.06, 0.1))
    assert 20 * np.log10(snap / after) >= 3.5, midi


def test_the_body_thumps_at_its_own_resonance_whatever_the_note() -> None:
    # E3 (164.8 Hz): the body's 118 Hz wood resonance is no harmonic of it, yet it sounds
    # at the pluck and is gone a moment later
    body_hz = DOUBLE_BASS_BODY[1][0]
    tone = _tone("double_bass", 52)
    onset, later = _window(tone, 0.0, 0.15), _window(tone, 0.6, 0.75)
    between = _level_db(onset, 140.0)  # neither the note nor the body
    assert _level_db(onset, body_hz) > between + 6.0
    assert _level_db(onset, body_hz) - _level_db(later, body_hz) > 20.0


def test_a_plucked_note_decays_by_itself() -> None:
    voice = INSTRUMENT_VOICES["double_bass"]
    assert voice.percussive and not voice.glides
    tone = _tone("double_bass", 40, seconds=3.0)
    first = np.sqrt(np.mean(_window(tone, 0.0, 0.2) ** 2))
    last = np.sqrt(np.mean(_window(tone, 2.6, 3.0) ** 2))
    assert 20 * np.log10(first / last) > 25.0
