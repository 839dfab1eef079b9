"""The flamenco guitar heard as an acoustic guitar (issue 14): the wooden box in every
note and its knock at every pluck, a harder strum brighter, no synth bass under the compás.

Voice checks render single notes; pattern checks read the planned events (cheap); the
engine check renders a short guitar piece.
"""

from __future__ import annotations

import numpy as np

from moodc.synth import stream_config, stream_stems
from moodc.synth.engine import plan_piece
from moodc.synth.instruments import INSTRUMENT_VOICES, NYLON_GUITAR_BODY
from moodc.synth.notes import render_note
from moodc.synth.patterns import COMP_PATTERNS, STRUM_BRIGHTNESS_STEPS, THUMB_PAN, pad_notes
from tests.synth.test_identities import band_energy, chords_of, palette_controls, rms

SAMPLE_RATE = 22050
E5_MIDI = 76.0  # 659 Hz: no string partial below it, so the box's low modes stand alone


def guitar_note(*, midi: float = E5_MIDI, seconds: float = 0.5,
                cutoff_scale: float = 1.0) -> np.ndarray:
    return render_note("nylon_guitar", midi=midi, n_gate=int(seconds * SAMPLE_RATE),
                       sample_rate=SAMPLE_RATE, cutoff_scale=cutoff_scale)


def band_rms(x: np.ndarray, low_hz: float, high_hz: float) -> float:
    return rms(band_energy(x, low_hz=low_hz, high_hz=high_hz))


def test_the_box_air_and_top_modes_sound_under_a_high_note() -> None:
    """Under an E5 (659 Hz) the guitar's air mode (~100 Hz) and top plate (~205 Hz)
    knock and ring: those bands stand well above the empty band between them."""
    attack = guitar_note()[: int(0.15 * SAMPLE_RATE)]
    gap = band_rms(attack, 140.0, 170.0)
    assert band_rms(attack, 92.0, 108.0) > 3.0 * gap
    assert band_rms(attack, 195.0, 215.0) > 3.0 * gap


def test_the_box_knock_rings_briefly() -> None:
    """The box's knock under a high note is gone (-20 dB) within a quarter second: a
    resonance excited by the pluck, not a held low tone under the string."""
    note = guitar_note(seconds=1.0)
    window = int(0.08 * SAMPLE_RATE)
    at = int(0.25 * SAMPLE_RATE)
    assert band_rms(note[:window], 92.0, 108.0) > 10.0 * band_rms(note[at: at + window],
                                                                  92.0, 108.0)


def test_the_body_colours_every_note_whatever_its_pitch() -> None:
    """The box's modes are fixed: the same resonances under a low and a high note."""
    hz = sorted(mode[0] for mode in NYLON_GUITAR_BODY)
    assert hz[0] < 110.0 < hz[1] < 230.0  # the air mode, then the top plate
    for midi in (52.0, 64.0, E5_MIDI):
        attack = guitar_note(midi=midi)[: int(0.15 * SAMPLE_RATE)]
        assert band_rms(attack, 92.0, 108.0) > band_rms(attack, 60.0, 76.0)


def test_a_harder_rasgueado_finger_is_brighter_not_only_louder() -> None:
    """In each rasgueado the fingers land harder one after another: a string's strums never
    get darker as they get louder, and its first finger is darker than its last; the
    up-strokes and first fingers are darker than a plain strum."""
    ctl = palette_controls("flamenco-night", human="robotic")
    notes = [n for n in pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=8.0),
                                  n_beats=ctl.beats_per_bar, instrument="nylon_guitar")
             if n.pan != THUMB_PAN]
    by_string: dict[float, list] = {}
    for n in sorted(notes, key=lambda n: n.start_s):
        by_string.setdefault(n.midi, []).append(n)
    fans = 0
    for strums in by_string.values():
        fan = [strums[0]]
        for a, b in zip(strums, strums[1:]):
            if b.start_s - a.start_s < 0.05 and b.velocity > a.velocity:  # within one fan
                assert b.cutoff_mul >= a.cutoff_mul
                fan.append(b)
                continue
            if len(fan) == 4:
                assert fan[-1].cutoff_mul > fan[0].cutoff_mul
                fans += 1
            fan = [b]
    assert fans >= 5  # every string of at least one four-finger fan
    loudest = max(n.velocity for n in notes)
    hardest = [n.cutoff_mul for n in notes if abs(n.velocity - loudest) < 1e-9]
    softest = [n.cutoff_mul for n in notes if n.velocity < 0.65 * loudest]
    assert min(hardest) > max(softest)


def test_strum_brightness_audible_in_the_voice() -> None:
    """The strum's cutoff multiplier reaches the sound: a brighter stroke has a higher
    spectral centroid over its first 50 ms."""
    def centroid(x: np.ndarray) -> float:
        mag = np.abs(np.fft.rfft(x[: int(0.05 * SAMPLE_RATE)]))
        freqs = np.fft.rfftfreq(int(0.05 * SAMPLE_RATE), 1.0 / SAMPLE_RATE)
        return float((mag * freqs).sum() / mag.sum())

    mul = COMP_PATTERNS["flamenco"].force_brightness
    assert mul > 0
    assert centroid(guitar_note(midi=57.0, cutoff_scale=1.17)) > \
        1.1 * centroid(guitar_note(midi=57.0, cutoff_scale=0.5))


def test_a_strums_colours_are_few_so_the_guitar_stays_cheap() -> None:
    """Brightness comes in a few cached colours, not one sound per strum: each colour of
    each string is a tone to synthesise and keep (six exact colours thrashed the note
    cache: flamenco-night rendered at 40 % of its speed)."""
    ctl = palette_controls("flamenco-night", human="robotic")
    notes = pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=16.0),
                      n_beats=2 * ctl.beats_per_bar, instrument="nylon_guitar")
    assert len({round(n.cutoff_mul, 6) for n in notes}) <= len(STRUM_BRIGHTNESS_STEPS) + 1


def test_other_comps_keep_one_colour_at_any_force() -> None:
    for name in ("bossa", "tango", "one_drop", "oompah"):
        assert COMP_PATTERNS[name].force_brightness == 0.0


def test_flamenco_night_has_no_synth_bass_the_thumb_plays_it() -> None:
    ctl = palette_controls("flamenco-night", human="robotic")
    plan = plan_piece(ctl, seed=1, duration_s=2 * ctl.beats_per_bar * ctl.beat_s)
    assert "bass" not in plan
    thumb = [n for n in plan["pad"].notes if n.pan == THUMB_PAN]
    strums = [n for n in plan["pad"].notes if n.pan != THUMB_PAN]
    assert thumb and all(n.instrument == "nylon_guitar" for n in thumb)
    assert max(n.midi for n in thumb) < min(n.midi for n in strums)  # the low strings
    assert INSTRUMENT_VOICES["nylon_guitar"].percussive


def test_a_strums_strings_are_tuned_by_ear_not_by_a_machine() -> None:
    """Each string of the flamenco guitar is a few cents off the tempered pitch, so the
    strings of a strum beat gently against each other; the chord is still the chord."""
    ctl = palette_controls("flamenco-night", human="robotic")
    notes = pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=8.0),
                      n_beats=ctl.beats_per_bar, instrument="nylon_guitar")
    cents = np.array([100.0 * (n.midi - round(n.midi)) for n in notes])
    assert np.all(np.abs(cents) <= 5.0)
    assert len(set(np.round(cents, 3))) >= 4  # the strings differ among themselves
    assert COMP_PATTERNS["bossa"].string_cents == ()  # other comps: untouched


def fundamental_cents(note: np.ndarray, *, f0_hz: float, start_s: float,
                      stop_s: float) -> float:
    """The fundamental's median instantaneous frequency over ``[start_s, stop_s)``, in
    cents from ``f0_hz`` (analytic signal of the band around it)."""
    from scipy.signal import hilbert

    band = band_energy(note.astype(np.float64), low_hz=0.88 * f0_hz, high_hz=1.12 * f0_hz)
    hz = np.diff(np.unwrap(np.angle(hilbert(band)))) * SAMPLE_RATE / (2 * np.pi)
    return float(1200 * np.log2(np.median(hz[int(start_s * SAMPLE_RATE):
                                              int(stop_s * SAMPLE_RATE)]) / f0_hz))


def test_the_string_starts_sharp_and_settles_onto_its_pitch() -> None:
    """E4 (330 Hz, clear of the box's modes): a few cents sharp just after the pluck,
    within a cent of its pitch a fifth of a second later."""
    f0 = 440.0 * 2 ** ((64 - 69) / 12)
    note = guitar_note(midi=64.0, seconds=1.0)
    early = fundamental_cents(note, f0_hz=f0, start_s=0.01, stop_s=0.04)
    settled = fundamental_cents(note, f0_hz=f0, start_s=0.2, stop_s=0.3)
    assert early > settled + 2.5
    assert abs(settled) < 1.0


# ------------------------------------------------------------------------------ in the engine

GUITAR_PIECE: dict = {"density": 5, "tempo": "medium", "space": "dry",
                      "layers": {"bass": "none", "pad": "warm", "melody": "ornamental",
                                 "rhythm": "flamenco", "texture": "none", "accent": "none"},
                      "instruments": {"lead": "nylon_guitar", "pad": "nylon_guitar"}}


def test_the_box_is_the_same_whatever_the_blocks_and_the_cores() -> None:
    """The guitar's cached tones (box, knock, settling string, strum colours) read in
    blocks: its layers, and the whole render, are the same bytes for any block size and
    any ``--jobs``."""
    def stems(block_s: float) -> dict[str, np.ndarray]:
        blocks = list(stream_stems(GUITAR_PIECE, duration_s=4.0, sample_rate=SAMPLE_RATE,
                                   seed=3, block_s=block_s))
        return {k: np.concatenate([b[k] for b in blocks], axis=1) for k in blocks[0]}

    a, b = stems(0.37), stems(2.0)
    for layer in ("pad", "melody"):
        assert np.array_equal(a[layer], b[layer])
    one = np.concatenate(list(stream_config(GUITAR_PIECE, duration_s=4.0,
                                            sample_rate=SAMPLE_RATE, seed=3, block_s=1.0)))
    two = np.concatenate(list(stream_config(GUITAR_PIECE, duration_s=4.0,
                                            sample_rate=SAMPLE_RATE, seed=3, block_s=0.37,
                                            jobs=2)))
    assert np.array_equal(one, two)
