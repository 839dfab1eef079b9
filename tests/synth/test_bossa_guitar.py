"""The bossa nova guitar (issue 14): bossa-cafe comps on the nylon-string guitar, played
with the fingers' flesh (a round stroke whose chords ring on), not a synth pluck and not
the flamenco player's nails.

Pattern checks read the planned notes (cheap); voice checks render single notes.
"""

from __future__ import annotations

import numpy as np
import pyloudnorm as pyln

from moodc.config.load import load_document
from moodc.synth import stream_stems
from moodc.synth.instruments import INSTRUMENT_VOICES
from moodc.synth.notes import render_note
from moodc.synth.patterns import pad_notes
from tests.synth.test_identities import EXAMPLES, band_energy, chords_of, palette_controls, rms

SAMPLE_RATE = 22050
RENDER_RATE = 44100
D4_MIDI = 62.0  # 294 Hz: in the middle of bossa-cafe's chord voicings


def comping_voices(palette: str) -> set[str]:
    ctl = palette_controls(palette, human="robotic")
    notes = pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=16.0), n_beats=16.0,
                      instrument=ctl.instruments["pad"])
    assert notes
    return {n.instrument for n in notes}


def note_of(voice: str, *, seconds: float = 1.2) -> np.ndarray:
    return render_note(voice, midi=D4_MIDI, n_gate=int(seconds * SAMPLE_RATE),
                       sample_rate=SAMPLE_RATE, cutoff_scale=1.0)


def test_bossa_cafe_comps_on_the_nylon_guitar_with_the_fingers() -> None:
    """Every chord stroke and thumb note of bossa-cafe's batida is the nylon guitar's
    finger-played voice; the flamenco compás keeps the guitar's own (nail) voice."""
    assert INSTRUMENT_VOICES["nylon_guitar"].fingers == "_nylon_guitar_fingers"
    assert comping_voices("bossa-cafe") == {"_nylon_guitar_fingers"}
    assert comping_voices("flamenco-night") == {"nylon_guitar"}


def test_the_fingers_stroke_is_rounder_than_the_nails() -> None:
    """Plucked with the flesh further from the bridge, the string's upper partials
    (2-5 kHz) stand lower against its fundamental's band than under the nail (by 2 dB or
    more; measured 2.8 dB)."""
    def brightness(x: np.ndarray) -> float:
        attack = x[: int(0.2 * SAMPLE_RATE)]
        return rms(band_energy(attack, low_hz=2000.0, high_hz=5000.0)) / rms(
            band_energy(attack, low_hz=250.0, high_hz=340.0))
    assert brightness(note_of("_nylon_guitar_fingers")) < 0.8 * brightness(
        note_of("nylon_guitar"))


def test_the_fingers_chord_rings_on_into_the_next_stroke() -> None:
    """A bossa chord sustains under the voice: 0.6 s after the stroke (a stroke's length
    at bossa-cafe's tempo and more) the finger-played string is louder, relative to its
    attack, than the flamenco guitar's short nail stroke (by 10 dB or more; measured 26 dB:
    -33 against -59 dB)."""
    def kept(x: np.ndarray) -> float:
        window = int(0.1 * SAMPLE_RATE)
        at = int(0.6 * SAMPLE_RATE)
        return rms(x[at: at + window]) / rms(x[:window])
    assert kept(note_of("_nylon_guitar_fingers")) > 3.16 * kept(note_of("nylon_guitar"))


def test_the_fingers_play_the_same_box() -> None:
    """The same guitar: the box's air mode (~100 Hz) knocks under a finger-played note as
    under a nail stroke (it stands above the empty band at 140-170 Hz)."""
    attack = note_of("_nylon_guitar_fingers")[: int(0.15 * SAMPLE_RATE)]
    gap = rms(band_energy(attack, low_hz=140.0, high_hz=170.0))
    assert rms(band_energy(attack, low_hz=92.0, high_hz=108.0)) > 2.0 * gap


def test_the_guitar_is_the_centre_of_the_sound_the_bass_under_it() -> None:
    """As on a João Gilberto record, the guitar leads the accompaniment: in bossa-cafe's
    dry layers (K-weighted, over 8 s at the 44.1 kHz a render is made at) the bassist
    doubling its thumb sits at least 2 LU under the guitar (measured 2.5), not level with
    it or above it (3 LU above it with the former pluck and the bass at its own level)."""
    fields = load_document(EXAMPLES / "palettes" / "bossa-cafe.yaml").model_dump()
    blocks = list(stream_stems(fields, duration_s=8.0, sample_rate=RENDER_RATE, seed=1))
    meter = pyln.Meter(RENDER_RATE)

    def lufs(layer: str) -> float:
        x = np.concatenate([b[layer] for b in blocks], axis=1).T.astype(np.float64)
        return float(meter.integrated_loudness(x))
    assert lufs("pad") > lufs("bass") + 2.0
