"""Style identities (issue 14, new palettes): the cues a musician names for flamenco,
tango, klezmer and reggae are in the events, and the new voices' in their sound.

Most checks read the planned events (cheap); the voices are checked on single rendered notes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

import numpy as np
import pyloudnorm as pyln
import pytest

from moodc import vocab
from moodc.synth.controls import Controls
from moodc.synth.engine import BlockRenderer, plan_piece
from moodc.synth.events import Hit, Note
from moodc.synth.instruments import BANDONEON_REEDS
from moodc.synth.melody import SECTION_ANSWERS, SOB_S, melody_notes
from moodc.synth.notes import render_note
from moodc.synth.drums import drum_sound
from moodc.synth.patterns import (BUBBLE_VOICE, COMP_PATTERNS, PALMAS_TAKES, PIANO_VOICE,
                                   THUMB_PAN, bass_notes, pad_notes, rhythm_hits, stroke_voice)
from moodc.synth.theory import (chord_at, chord_timeline, passing_tone_index,
                                scale_index_of_degree)
from tests.synth.test_identities import band_energy, beats_of, chords_of, palette_controls, rms

SAMPLE_RATE = 22050
SPANISH_PHRYGIAN = vocab.MODE_INTERVALS["spanish_phrygian"]


def lane(hits: list[Hit], sound: str) -> list[Hit]:
    """The hits of lane ``sound``, whichever of its strokes or takes each plays (the
    palmas rotate through their clappers' takes)."""
    sounds = PALMAS_TAKES if sound == "palmas" else (sound,)
    return [h for h in hits if h.sound in sounds]


def strokes_by_onset(notes: list[Note], ctl: Controls, *, window_beats: float
                     ) -> dict[float, list[Note]]:
    """Pad notes grouped into chord strokes: notes within ``window_beats`` of the first."""
    groups: dict[float, list[Note]] = defaultdict(list)
    first = None
    for n in sorted(notes, key=lambda n: n.start_s):
        beat = n.start_s / ctl.beat_s
        if first is None or beat - first > window_beats:
            first = beat
        groups[round(first, 3)].append(n)
    return dict(groups)


# ------------------------------------------------------------------------------------------
# Flamenco
# ------------------------------------------------------------------------------------------

#: The soleá / bulería accents, counted 1..12.
COMPAS_ACCENTS = {3, 6, 8, 10, 12}


def test_palmas_accent_the_compas_on_three_six_eight_ten_twelve() -> None:
    ctl = palette_controls("flamenco-night", human="robotic")
    assert ctl.beats_per_bar * ctl.beat_division == 12  # 12/8: one compás a bar
    count_beats = 1.0 / ctl.beat_division
    palmas = lane(rhythm_hits(ctl, style="flamenco", n_beats=3 * ctl.beats_per_bar), "palmas")
    assert len(palmas) == 36  # every count claps
    counts = np.round(beats_of(palmas, ctl) / count_beats).astype(int) % 12 + 1
    loud = {int(c) for c, h in zip(counts, palmas) if h.velocity == 1.0}
    assert loud == COMPAS_ACCENTS
    assert max(h.velocity for c, h in zip(counts, palmas) if c not in COMPAS_ACCENTS) <= 0.5


def test_the_compas_keeps_its_twelve_counts_across_bars_of_four_four() -> None:
    ctl = palette_controls("flamenco-night", human="robotic", meter="4/4")
    palmas = lane(rhythm_hits(ctl, style="flamenco", n_beats=12.0), "palmas")
    accents = beats_of([h for h in palmas if h.velocity == 1.0], ctl)
    # counts are eighths: the accents fall on counts 3 6 8 10 12 of every 6-beat compás
    expected = sorted(c * 0.5 + 6.0 * k - 0.5 for k in range(2) for c in COMPAS_ACCENTS)
    np.testing.assert_allclose(accents, expected)


def test_the_spanish_scale_skips_its_passing_tone_when_counting_degrees() -> None:
    assert passing_tone_index(SPANISH_PHRYGIAN) == 3  # G# between G and A (in E)
    assert [scale_index_of_degree(d, scale=SPANISH_PHRYGIAN) for d in range(7)] \
        == [0, 1, 2, 4, 5, 6, 7]
    minor = vocab.MODE_INTERVALS["minor"]
    assert passing_tone_index(minor) is None
    assert [scale_index_of_degree(d, scale=minor) for d in range(7)] == list(range(7))


def test_andalusian_cadence_descends_am_g_f_to_a_major_e() -> None:
    chords = chord_timeline(n_beats=16.0, beats_per_bar=4, chord_bars=1.0,
                            harmony="andalusian", extensions="triads", root_pc=4,
                            scale=SPANISH_PHRYGIAN, rng=np.random.default_rng(1))
    assert [(c.root_pc, c.intervals) for c in chords[:4]] == [
        (9, (0, 3, 7)), (7, (0, 4, 7)), (5, (0, 4, 7)), (4, (0, 4, 7))]
    # on the plain phrygian mode the same cadence closes on the minor chord
    plain = chord_timeline(n_beats=16.0, beats_per_bar=4, chord_bars=1.0,
                           harmony="andalusian", extensions="triads", root_pc=4,
                           scale=vocab.MODE_INTERVALS["phrygian"], rng=np.random.default_rng(1))
    assert [c.root_pc for c in plain[:4]] == [9, 7, 5, 4] and plain[3].intervals[1] == 3


def test_rasgueados_fan_four_strums_across_five_strings_on_the_accents() -> None:
    ctl = palette_controls("flamenco-night", human="robotic")
    comp = COMP_PATTERNS["flamenco"]
    chords = chords_of(ctl, n_beats=8.0)
    notes = [n for n in pad_notes(ctl, style="warm", chords=chords, n_beats=4.0,
                                  instrument="nylon_guitar") if n.pan != THUMB_PAN]
    strokes = strokes_by_onset(notes, ctl, window_beats=0.2)
    count_beats = 1.0 / ctl.beat_division
    counts = {int(round(b / count_beats)) + 1: group for b, group in strokes.items()}
    assert set(counts) == {3, 5, 6, 8, 10, 12}
    for count, group in counts.items():
        onsets = np.array(sorted(n.start_s for n in group))
        if count in COMPAS_ACCENTS:
            assert len(group) == 4 * 5  # four fingers, five strings each
            strums = onsets.reshape(4, 5)
            np.testing.assert_allclose(np.diff(strums[:, 0]), comp.fan_s, atol=1e-9)
            np.testing.assert_allclose(np.diff(strums, axis=1), comp.strum_s, atol=1e-9)
            levels = [max(n.velocity for n in group if abs(n.start_s - s) < 1e-9)
                      for s in strums[:, 0]]
            assert levels == sorted(levels) and levels[0] < levels[-1]  # the fan grows
        else:
            assert len(group) == 5  # a single strum between the accents
        pitches = [n.midi for n in sorted(group, key=lambda n: n.start_s)][:5]
        assert pitches == sorted(pitches)  # a downstroke, low string first


# ------------------------------------------------------------------------------------------
# Tango
# ------------------------------------------------------------------------------------------

def test_tango_golpes_play_marcato_in_four_then_the_habanera() -> None:
    ctl = palette_controls("tango-milonga", human="robotic")
    golpes = beats_of(lane(rhythm_hits(ctl, style="tango", n_beats=8.0), "golpe"), ctl)
    np.testing.assert_allclose(golpes, [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0])  # 4, then 3-3-2


def _tango_pad(ctl: Controls, *, n_beats: float) -> dict[float, list[Note]]:
    chords = chords_of(ctl, n_beats=n_beats + 8.0)
    notes = pad_notes(ctl, style="dark", chords=chords, n_beats=n_beats,
                      instrument="bandoneon")
    return strokes_by_onset([n for n in notes if n.instrument != PIANO_VOICE], ctl,
                            window_beats=0.05)  # the bandoneones' strokes: not the piano's


def test_bandoneon_comps_a_staccato_marcato_and_the_habanera() -> None:
    ctl = palette_controls("tango-milonga", human="robotic")
    strokes = _tango_pad(ctl, n_beats=8.0)
    assert sorted(strokes) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0]
    for group in strokes.values():
        assert len(group) >= 3  # chord and bass together
        assert max(n.dur_s for n in group) <= 0.5 * ctl.beat_s  # short, heavy strokes


def test_every_tango_phrase_ends_on_the_chan_chan() -> None:
    ctl = palette_controls("tango-milonga", human="robotic")
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    strokes = _tango_pad(ctl, n_beats=2 * phrase)
    pcs_a_harmonic = {(ctl.root_pc + s) % 12 for s in ctl.scale}
    for end in (phrase, 2 * phrase):
        last_bar = {b: g for b, g in strokes.items() if end - ctl.beats_per_bar <= b < end}
        assert sorted(b - (end - ctl.beats_per_bar) for b in last_bar) == [0.0, 1.0]
        dominant, tonic = ({round(n.midi) % 12 for n in g} for _, g in sorted(last_bar.items()))
        assert dominant <= pcs_a_harmonic and (ctl.root_pc + 11) % 12 in dominant  # G#
        assert (ctl.root_pc + 7) % 12 in dominant  # its root, E: the major dominant
        assert tonic == {ctl.root_pc, (ctl.root_pc + 3) % 12, (ctl.root_pc + 7) % 12}
        for group in last_bar.values():
            assert max(n.dur_s for n in group) <= 0.5 * ctl.beat_s  # staccato, then silence


def _tango_phrase() -> tuple[Controls, float, float, list]:
    """The tango's controls, a phrase's length and its last bar's first beat, and the
    chords of the phrase and a little beyond."""
    ctl = palette_controls("tango-milonga", human="robotic")
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    return ctl, phrase, phrase - ctl.beats_per_bar, chords_of(ctl, n_beats=phrase + 8.0)


def test_the_bass_and_the_golpes_play_the_chan_chan_with_the_bandoneons() -> None:
    ctl, phrase, last_bar, chords = _tango_phrase()
    bass = bass_notes(ctl, style="pulsing", chords=chords, n_beats=phrase, instrument="sine")
    ending = [n for n in bass if n.start_s / ctl.beat_s >= last_bar - 1e-9]
    assert beats_of(ending, ctl).tolist() == [last_bar, last_bar + 1.0]
    assert [round(n.midi) % 12 for n in ending] == [(ctl.root_pc + 7) % 12, ctl.root_pc]
    assert all(n.start_s + n.dur_s <= last_bar * ctl.beat_s + 1e-9 for n in bass
               if n not in ending)  # nothing rings into the ending
    golpes = beats_of(lane(rhythm_hits(ctl, style="tango", n_beats=phrase), "golpe"), ctl)
    assert golpes[golpes >= last_bar].tolist() == [last_bar, last_bar + 1.0]


def test_the_contrabajo_marks_the_marcato_and_the_sincopa_with_the_bandoneons() -> None:
    # a pulsing bass under the tango plays the bandoneones' left hand, not an even beat:
    # four short strokes, then the habanera's 3-3-2, root and the fifth below in turn
    ctl = palette_controls("tango-milonga", human="robotic")
    chords = chords_of(ctl, n_beats=16.0)
    bass = [n for n in bass_notes(ctl, style="pulsing", chords=chords, n_beats=8.0,
                                  instrument="double_bass")
            if n.dur_s > COMP_PATTERNS["tango"].arrastre_beats * ctl.beat_s]  # no pickups
    assert beats_of(bass, ctl).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0]
    assert all(n.dur_s <= 0.5 * ctl.beat_s for n in bass)  # marcato: short and heavy
    first_bar = bass[:4]
    assert first_bar[0].velocity > first_bar[1].velocity  # 1 and 3 accented
    assert first_bar[2].velocity > first_bar[3].velocity
    root = round(first_bar[0].midi)
    assert round(first_bar[1].midi) < root  # the fifth below, not a repeated root
    # any other rhythm keeps the even pulse
    soft_four = palette_controls("tango-milonga", human="robotic", rhythm="soft_four")
    even = bass_notes(soft_four, style="pulsing", chords=chords, n_beats=8.0,
                      instrument="double_bass")
    assert beats_of(even, ctl).tolist() == [float(b) for b in range(8)]


def test_the_contrabajo_drags_into_the_strong_beats() -> None:
    # the arrastre: a soft pickup from the semitone below, a sixteenth before beats 1 and 3
    # of the marcato and 1 of the habanera, landing heavily on the beat; none before the
    # piece starts, none into the chan-chan (whose chords are not the marcato's)
    ctl = palette_controls("tango-milonga", human="robotic")
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    chords = chords_of(ctl, n_beats=phrase + 8.0)
    bass = bass_notes(ctl, style="pulsing", chords=chords, n_beats=phrase,
                      instrument="double_bass")
    sixteenth = 0.25
    assert COMP_PATTERNS["tango"].arrastre_beats == sixteenth
    pickups = [n for n in bass if n.dur_s <= sixteenth * ctl.beat_s + 1e-9]
    landing = {round(n.start_s / ctl.beat_s, 6): n for n in bass if n not in pickups}
    assert beats_of(pickups, ctl).tolist() == [1.75, 3.75, 7.75, 9.75]
    for pickup in pickups:
        target = landing[round(pickup.start_s / ctl.beat_s + sixteenth, 6)]
        assert pickup.midi == target.midi - 1.0  # the semitone below
        assert pickup.velocity < 0.7 * target.velocity  # a crescendo into the beat
    # other styles and rhythms do not drag
    soft_four = palette_controls("tango-milonga", human="robotic", rhythm="soft_four")
    even = bass_notes(soft_four, style="pulsing", chords=chords, n_beats=8.0,
                      instrument="double_bass")
    assert all(n.dur_s > sixteenth * ctl.beat_s for n in even)


def test_the_tango_piano_plays_the_yumba_with_the_marcato() -> None:
    # the orchestra's piano beside the bandoneones: the left hand's low octave on 1 and 3
    # (heavy, dragged into from the semitone below), the right hand's chord on 2 and 4,
    # in the habanera bar both hands on its 1 and the chord on its and-of-2 and 4
    ctl = palette_controls("tango-milonga", human="robotic")
    chords = chords_of(ctl, n_beats=16.0)
    pad = pad_notes(ctl, style="dark", chords=chords, n_beats=8.0, instrument="bandoneon")
    piano = [n for n in pad if n.instrument == PIANO_VOICE]
    low = [n for n in piano if n.midi < 48 and n.dur_s > 0.25 * ctl.beat_s + 1e-9]
    high = [n for n in piano if n.midi >= 55]
    pickups = [n for n in piano if n.dur_s <= 0.25 * ctl.beat_s + 1e-9]
    assert sorted(set(beats_of(low, ctl).round(6))) == [0.0, 2.0, 4.0]
    assert sorted(set(beats_of(high, ctl).round(6))) == [1.0, 3.0, 4.0, 5.5, 7.0]
    for beat in (0.0, 2.0, 4.0):  # an octave: the root twice, twelve semitones apart
        octave = sorted(n.midi for n in low if abs(n.start_s / ctl.beat_s - beat) < 1e-6)
        assert len(octave) == 2 and octave[1] - octave[0] == 12.0
        assert round(octave[0]) % 12 == chord_at(chords, beat).root_pc  # on the chord's root
    yum = max(n.velocity for n in low)
    ba = max(n.velocity for n in high)
    assert yum > ba  # the low beat is the heavy one
    assert beats_of(pickups, ctl).tolist() == [1.75, 3.75]  # the drag into 3 and the next 1
    # no piano under any other rhythm
    soft_four = palette_controls("tango-milonga", human="robotic", rhythm="soft_four")
    other = pad_notes(soft_four, style="dark", chords=chords, n_beats=8.0,
                      instrument="bandoneon")
    assert not [n for n in other if n.instrument == PIANO_VOICE]


def test_the_tango_piano_plays_the_chan_chan_short_with_both_hands() -> None:
    ctl, phrase, last_bar, chords = _tango_phrase()
    pad = pad_notes(ctl, style="dark", chords=chords, n_beats=phrase, instrument="bandoneon")
    ending = [n for n in pad if n.instrument == PIANO_VOICE
              and n.start_s / ctl.beat_s >= last_bar - 1e-9]
    assert sorted(set(beats_of(ending, ctl).round(6))) == [last_bar, last_bar + 1.0]
    for beat in (last_bar, last_bar + 1.0):
        stroke = [n for n in ending if abs(n.start_s / ctl.beat_s - beat) < 1e-6]
        assert min(n.midi for n in stroke) < 48 <= max(n.midi for n in stroke)  # both hands
    assert all(n.dur_s <= 0.5 * ctl.beat_s for n in ending)  # staccato, then silence


def test_the_violins_answer_the_bandoneon_legato_with_portamento() -> None:
    # every second phrase the violin section takes the tune: tied note to note (legato)
    # and sliding into the leaps; the bandoneón states the other phrases
    ctl = palette_controls("tango-milonga", human="robotic")
    phrase_s = ctl.comp.phrase_bars * ctl.beats_per_bar * ctl.beat_s
    violins = SECTION_ANSWERS["tango"].voice
    seen_slide = False
    for seed in (1, 2, 3):
        melody = plan_piece(ctl, duration_s=30.0, seed=seed)["melody"].notes
        by_phrase: dict[int, set[str]] = defaultdict(set)
        for n in melody:
            by_phrase[int(n.start_s // phrase_s)].add(n.instrument)
        assert by_phrase[0] == {"bandoneon"} and by_phrase[1] == {violins}
        assert by_phrase[2] == {"bandoneon"}
        line = sorted((n for n in melody if n.instrument == violins), key=lambda n: n.start_s)
        line = [n for n in line if int(n.start_s // phrase_s) == 1]
        for a, b in zip(line, line[1:]):
            if b.start_s - (a.start_s + a.dur_s) <= 0.4:
                assert a.start_s + a.dur_s >= b.start_s - 1e-6  # tied into the next note
                leap = a.midi - b.midi
                if abs(leap) >= 3:  # slid into from the note before
                    assert b.glide_st == leap
                    seen_slide = True
    assert seen_slide  # the portamento is heard
    # the lead alone under any other rhythm
    soft_four = palette_controls("tango-milonga", human="robotic", rhythm="soft_four")
    melody = plan_piece(soft_four, duration_s=30.0, seed=1)["melody"].notes
    assert {n.instrument for n in melody} == {"bandoneon"}


def test_the_bandoneones_marcato_is_lighter_while_they_carry_the_tune() -> None:
    # marcato against legato: under the violins' phrase the bandoneones strike the marcato
    # in full; in the bandoneón's own phrase those left on the marcato play it lighter;
    # the chan-chan is the whole band, full, either way
    ctl = palette_controls("tango-milonga", human="robotic")
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    strokes = _tango_pad(ctl, n_beats=2 * phrase)

    def loudest(beat: float) -> float:
        return max(n.velocity for n in strokes[beat])
    for beat in (0.0, 1.0, 4.0, 5.5):  # marcato and habanera strokes
        lead, violins = loudest(beat), loudest(phrase + beat)
        assert lead == pytest.approx(0.6 * violins)
    ending = phrase - ctl.beats_per_bar
    assert loudest(ending) == pytest.approx(loudest(phrase + ending))
    # no tune, no contrast
    bare = palette_controls("tango-milonga", human="robotic", melody="none")
    strokes = _tango_pad(bare, n_beats=2 * phrase)
    assert loudest(0.0) == pytest.approx(loudest(phrase))


def test_the_violins_sing_with_vibrato_and_slide_into_a_note() -> None:
    # a held violin note wavers in pitch (the section's vibrato); a slide starts away
    # from the note and arrives at it
    violins = SECTION_ANSWERS["tango"].voice
    held = render_note(violins, midi=69.0, n_gate=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_scale=1.0)[: SAMPLE_RATE]
    slid = render_note(violins, midi=69.0, n_gate=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_scale=1.0, glide_st=-5.0)[: SAMPLE_RATE]

    def peak_hz(x: np.ndarray) -> float:
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), 8 * len(x)))
        freqs = np.fft.rfftfreq(8 * len(x), 1.0 / SAMPLE_RATE)
        band = (freqs > 300.0) & (freqs < 600.0)
        return float(freqs[band][np.argmax(spectrum[band])])
    window = 2048
    start = peak_hz(slid[int(0.02 * SAMPLE_RATE): int(0.02 * SAMPLE_RATE) + window])
    end = peak_hz(slid[int(0.5 * SAMPLE_RATE): int(0.5 * SAMPLE_RATE) + window])
    assert start < 420.0 and abs(end - 440.0) < 10.0  # up from below into the A
    peaks = [peak_hz(held[i: i + window]) for i in range(int(0.3 * SAMPLE_RATE),
                                                          SAMPLE_RATE - window, 512)]
    assert max(peaks) - min(peaks) > 2.0  # the vibrato moves the pitch


def test_the_tango_piano_is_a_struck_string_that_rings_and_mellows() -> None:
    # a felt hammer on stiff strings: loud at the stroke, dying away; the upper partials
    # go first (the tone mellows), and they are stretched sharp of the harmonic series
    note = render_note(PIANO_VOICE, midi=57.0, n_gate=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_scale=1.0)[: SAMPLE_RATE]
    early = note[int(0.02 * SAMPLE_RATE): int(0.12 * SAMPLE_RATE)]
    late = note[int(0.8 * SAMPLE_RATE): int(0.9 * SAMPLE_RATE)]
    assert rms(late) < 0.6 * rms(early)  # -4.4 dB in 0.8 s: a piano, not an organ

    def brightness(x: np.ndarray) -> float:
        return rms(band_energy(x, low_hz=1500.0, high_hz=4000.0)) / rms(x)
    assert brightness(late) < 0.7 * brightness(early)
    spectrum = np.abs(np.fft.rfft(note[: SAMPLE_RATE // 2], 8 * SAMPLE_RATE))
    freqs = np.fft.rfftfreq(8 * SAMPLE_RATE, 1.0 / SAMPLE_RATE)
    near = (freqs > 8 * 220.0 - 30) & (freqs < 8 * 220.0 + 30)
    assert freqs[near][np.argmax(spectrum[near])] > 8 * 220.0 + 2.0  # partial 8 stretched


def _band_rms(note: np.ndarray, *, centre_hz: float, start_s: float, stop_s: float,
              frame_s: float = 0.05) -> np.ndarray:
    """RMS per ``frame_s`` of ``note``'s band within ±10 % of ``centre_hz``."""
    band = band_energy(note, low_hz=0.9 * centre_hz, high_hz=1.1 * centre_hz)
    frame = int(frame_s * SAMPLE_RATE)
    return np.array([rms(band[i: i + frame]) for i in
                     range(int(start_s * SAMPLE_RATE), int(stop_s * SAMPLE_RATE) - frame, frame)])


def test_bandoneon_reeds_sound_an_octave_apart_dry_and_the_bellows_swell() -> None:
    # the bandoneón's reed pair is an octave, tuned dry: a held note is steady (no
    # musette tremolo beating)
    assert [cents for cents, _ in BANDONEON_REEDS] == [0.0, 1200.0]
    note = render_note("bandoneon", midi=57.0, n_gate=3 * SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_scale=1.0)[: 3 * SAMPLE_RATE]
    fundamental = _band_rms(note, centre_hz=220.0, start_s=0.5, stop_s=3.0)
    octave = _band_rms(note, centre_hz=440.0, start_s=0.5, stop_s=3.0)
    for band in (fundamental, octave):  # neither the note nor its octave reed beats
        assert band.min() > 0.9 * band.max()
    attack = rms(note[int(0.03 * SAMPLE_RATE): int(0.08 * SAMPLE_RATE)])
    opened = rms(note[int(0.4 * SAMPLE_RATE): int(0.45 * SAMPLE_RATE)])
    assert attack < 0.75 * opened  # the bellows push a held note open


def test_bandoneon_reed_speaks_with_the_valves_air() -> None:
    # the onset carries air noise between the harmonics that the settled note has not
    note = render_note("_bandoneon_marcato", midi=57.0, n_gate=SAMPLE_RATE // 2,
                       sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
    between = (1.3 * 220.0, 1.7 * 220.0)  # no harmonic of A3 there
    onset = band_energy(note[: SAMPLE_RATE // 4], low_hz=between[0], high_hz=between[1])
    assert rms(onset[: int(0.02 * SAMPLE_RATE)]) > 10.0 * rms(
        onset[int(0.15 * SAMPLE_RATE): int(0.2 * SAMPLE_RATE)])


def test_bandoneon_marcato_is_struck_not_swelled() -> None:
    stroke = render_note("_bandoneon_marcato", midi=57.0, n_gate=int(0.25 * SAMPLE_RATE),
                         sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
    held = render_note("bandoneon", midi=57.0, n_gate=int(0.25 * SAMPLE_RATE),
                       sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
    for note, louder_early in ((stroke, True), (held, False)):
        early = rms(note[int(0.005 * SAMPLE_RATE): int(0.04 * SAMPLE_RATE)])
        late = rms(note[int(0.17 * SAMPLE_RATE): int(0.22 * SAMPLE_RATE)])
        assert (early > 1.3 * late) is louder_early


def test_tango_comps_with_the_marcato_voice_and_sings_with_the_held_one() -> None:
    ctl = palette_controls("tango-milonga", human="robotic")
    strokes = _tango_pad(ctl, n_beats=8.0)
    assert {n.instrument for group in strokes.values() for n in group} == {
        "_bandoneon_marcato"}
    assert stroke_voice(COMP_PATTERNS["bossa"], instrument="bandoneon") == "bandoneon"
    assert stroke_voice(COMP_PATTERNS["tango"], instrument="nylon_guitar") == "nylon_guitar"


# ------------------------------------------------------------------------------------------
# Klezmer
# ------------------------------------------------------------------------------------------

def test_ukrainian_dorian_has_the_augmented_second_of_the_raised_fourth() -> None:
    steps = vocab.MODE_INTERVALS["ukrainian_dorian"]
    assert steps[2:4] == (3, 6) and steps[4] == 7  # minor third, raised fourth, fifth
    assert 6 not in vocab.MODE_INTERVALS["dorian"]


def _klezmer_melody(instrument: str) -> list[Note]:
    # 16 bars: the running tune holds few notes long enough to sob (>= SOB_MIN_S)
    ctl = palette_controls("klezmer-wedding", human="robotic")
    return melody_notes(ctl, style_name="ornamental", chords=chords_of(ctl, n_beats=72.0),
                        n_beats=64.0, instrument=instrument, rng=np.random.default_rng(2))


def _sobs(notes: list[Note]) -> list[tuple[Note, Note]]:
    """(held note, sob) pairs: a :data:`SOB_S` note starting where the previous one ends."""
    return [(a, b) for a, b in zip(notes, notes[1:])
            if b.dur_s == SOB_S and abs(b.start_s - (a.start_s + a.dur_s)) < 1e-9]


def test_the_clarinet_bends_into_its_notes_and_sobs_at_their_ends() -> None:
    notes = _klezmer_melody("clarinet")
    pitches = {(2 + s) % 12 for s in vocab.MODE_INTERVALS["phrygian_dominant"]}
    sobs = _sobs(notes)
    assert len(sobs) >= 8
    for held, sob in sobs:
        assert 0 < held.midi - sob.midi <= 2.0  # a fall to the scale tone below ...
        assert sob.midi + sob.glide_st == held.midi  # ... gliding down from the held pitch
        assert round(sob.midi) % 12 in pitches
    long_notes = [n for n in notes if n.dur_s >= 0.15 and n.glide_st <= 0]
    assert long_notes and all(n.glide_st < 0 for n in long_notes)  # bent up from below


def test_a_flute_neither_bends_nor_sobs() -> None:
    notes = _klezmer_melody("flute")
    assert not _sobs(notes)
    bent = [n for n in notes if n.glide_st]  # only the ornament's slides
    assert len(bent) < 0.25 * len(notes)


def test_clarinet_tone_is_odd_harmonics_over_weak_even_ones() -> None:
    note = render_note("clarinet", midi=57.0, n_gate=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_scale=1.0)[SAMPLE_RATE // 2: SAMPLE_RATE]
    f0 = 220.0
    level = [rms(band_energy(note, low_hz=f0 * (k - 0.3), high_hz=f0 * (k + 0.3)))
             for k in range(1, 6)]
    assert min(level[0], level[2]) > 3.0 * max(level[1], level[3])  # 1, 3 over 2, 4


def test_oompah_bass_on_one_and_three_chords_and_snare_on_two_and_four() -> None:
    ctl = palette_controls("klezmer-wedding", human="robotic", meter="4/4")
    chords = chords_of(ctl, n_beats=16.0)
    hits = rhythm_hits(ctl, style="oompah", n_beats=8.0)
    assert set(beats_of(lane(hits, "bass_drum"), ctl) % 4) == {0.0, 2.0}
    snare = beats_of(lane(hits, "snare"), ctl)
    assert set(snare[snare < 4.0]) == {1.0, 3.0}  # (the second bar closes on a fill)
    bass = bass_notes(ctl, style="two_beat", chords=chords, n_beats=8.0, instrument="tuba")
    assert set(beats_of(bass, ctl) % 4) == {0.0, 2.0}
    pad = pad_notes(ctl, style="warm", chords=chords, n_beats=8.0, instrument="brass")
    assert set(beats_of(pad, ctl) % 4) == {1.0, 3.0}
    assert max(n.dur_s for n in pad) < 0.5 * ctl.beat_s  # the "pah" is short


#: The bulgar's 3-3-2 in a 4/4 bar (beats from the downbeat): the poyk's strokes, and the
#: tats answering on the last eighth of each group.
BULGAR_POYK_BEATS = {0.0, 1.5, 3.0}
BULGAR_TATS_BEATS = {1.0, 2.5, 3.5}


@pytest.mark.parametrize("meter", ["4/4", "2/4"])
def test_bulgar_poyk_on_the_three_three_two_tats_answering_and_no_hi_hat(meter: str) -> None:
    # the palette is fast: a style with ghost strokes would tick every eighth here
    ctl = palette_controls("klezmer-wedding", human="robotic", meter=meter)
    assert ctl.feel.ghost_grid_beats > 0.0
    hits = rhythm_hits(ctl, style="bulgar", n_beats=12.0)
    assert {h.sound for h in hits} <= {"poyk", "tats", "snare"}  # no hi-hat, no kit
    hits = [h for h in hits if h.sound != "snare"]  # (the snare only rolls the fills)
    poyk = beats_of(lane(hits, "poyk"), ctl)
    assert set((poyk % 4).round(6)) == BULGAR_POYK_BEATS and len(poyk) == 9  # 2/4: across bars
    assert set((beats_of(lane(hits, "tats"), ctl) % 4).round(6)) == BULGAR_TATS_BEATS
    downbeats = [h for h in lane(hits, "poyk") if round(h.start_s / ctl.beat_s, 6) % 4 == 0]
    assert {h.velocity for h in downbeats} == {1.0}  # the figure's first stroke the hardest
    assert max(h.velocity for h in lane(hits, "tats")) < 1.0


def test_bulgar_rolls_the_snare_into_every_phrase_only() -> None:
    ctl = palette_controls("klezmer-wedding", human="robotic")
    assert ctl.comp.phrase_bars == 4 and ctl.feel.fill_every_bars == 2
    hits = rhythm_hits(ctl, style="bulgar", n_beats=32.0)
    snare = beats_of(lane(hits, "snare"), ctl)
    assert set(np.floor(snare / 4.0)) == {3.0, 7.0}  # the last bar of each 4-bar phrase
    assert set(np.floor(snare % 16.0)) == {15.0}  # its last beat, leading into the next


def test_bulgar_keeps_the_band_oom_pah_on_the_beats() -> None:
    ctl = palette_controls("klezmer-wedding", human="robotic", meter="4/4")
    assert ctl.styles["rhythm"] == "bulgar"
    chords = chords_of(ctl, n_beats=16.0)
    bass = bass_notes(ctl, style="two_beat", chords=chords, n_beats=8.0, instrument="tuba")
    assert set(beats_of(bass, ctl) % 4) == {0.0, 2.0}
    pad = pad_notes(ctl, style="warm", chords=chords, n_beats=8.0, instrument="brass")
    assert set(beats_of(pad, ctl) % 4) == {1.0, 3.0}


def test_the_freylekhs_clarinet_runs_at_a_dance_pace_without_resting() -> None:
    """A freylekhs at 130-150 a minute: the clarinet runs eighths (4.4 a second at 132)
    with its ornaments on top, every bar of the dance has tune in it, and no note is held
    for bars (a cadence held two bars every eight, with the second half of each restated
    phrase left empty, was a slow air's breathing: bars 7-8 and 15-16 had no new note)."""
    ctl = palette_controls("klezmer-wedding")
    assert 130.0 <= 60.0 / ctl.beat_s <= 150.0
    bar_s = ctl.beats_per_bar * ctl.beat_s
    for seed in (1, 2, 3):
        notes = plan_piece(ctl, duration_s=30.0, seed=seed)["melody"].notes
        assert len({round(n.start_s, 3) for n in notes}) / 30.0 >= 2.0 / ctl.beat_s  # eighths
        assert {int(n.start_s // bar_s) for n in notes} >= set(range(int(30.0 // bar_s)))
        assert max(n.dur_s for n in notes) <= 2.0 * ctl.beat_s


def test_the_after_beats_are_the_accordions_short_chords_on_two_and_four() -> None:
    """The second part of a klezmer band: the accordion's chords on 2 and 4 against the
    tuba's 1 and 3, each a snap of the bellows (at its loudest within 20 ms, as a struck
    chord) and gone before the next eighth, not a swelled chord (the brass section's pah
    here bloomed for 45 ms from a scoop below and still sounded at the next eighth, -5 dB)."""
    ctl = palette_controls("klezmer-wedding", human="robotic", meter="4/4")
    instrument = ctl.instruments["pad"]
    comp = COMP_PATTERNS["bulgar"]
    voice = stroke_voice(comp, instrument=instrument)
    assert voice != instrument  # its marcato voice: attacked, not swelled
    chords = chords_of(ctl, n_beats=16.0)
    pad = pad_notes(ctl, style=ctl.styles["pad"], chords=chords, n_beats=16.0,
                    instrument=instrument)
    assert set(beats_of(pad, ctl) % 4) == {1.0, 3.0}
    assert {n.instrument for n in pad} == {voice}
    gate = max(n.dur_s for n in pad)
    assert gate < 0.5 * ctl.beat_s
    stroke = render_note(voice, midi=62.0, n_gate=int(gate * SAMPLE_RATE),
                         sample_rate=SAMPLE_RATE, cutoff_scale=1.0).astype(np.float64)
    win = int(0.01 * SAMPLE_RATE)
    env = np.sqrt(np.convolve(stroke ** 2, np.ones(win) / win, mode="same"))
    assert np.argmax(env) < 0.02 * SAMPLE_RATE
    assert len(stroke) < 0.5 * ctl.beat_s * SAMPLE_RATE  # silent by the next eighth


def test_poyk_is_a_big_drum_and_its_cymbal_the_tats_the_cymbal_alone() -> None:
    sr = SAMPLE_RATE
    poyk = drum_sound("poyk", sample_rate=sr, cutoff_scale=2.0).astype(np.float64)
    tats = drum_sound("tats", sample_rate=sr, cutoff_scale=2.0).astype(np.float64)
    n = int(0.3 * sr)
    poyk, tats = poyk[:n], np.pad(tats, (0, max(n - len(tats), 0)))[:n]
    low = [rms(band_energy(x, low_hz=30.0, high_hz=150.0)) for x in (poyk, tats)]
    high = [rms(band_energy(x, low_hz=2000.0, high_hz=8000.0)) for x in (poyk, tats)]
    assert low[0] > 10.0 * low[1]  # the boom is the drum's
    assert high[0] > 0.5 * high[1]  # and the poyk's stroke rings its cymbal too
    assert rms(tats) < 0.5 * rms(poyk)  # the answer is lighter than the stroke


# ------------------------------------------------------------------------------------------
# Reggae
# ------------------------------------------------------------------------------------------

def straight(name: str, **changes: Any) -> Controls:
    """A palette's controls with straight eighths (no swing) and ``changes``."""
    ctl = palette_controls(name, **changes)
    return replace(ctl, comp=replace(ctl.comp, swing_ratio=0.5))


def test_one_drop_kick_and_rim_together_on_three_only_hats_on_eighths() -> None:
    ctl = straight("reggae-dub", human="robotic", tempo="medium")
    hits = rhythm_hits(ctl, style="one_drop", n_beats=16.0)
    kicks = beats_of(lane(hits, "kick"), ctl)
    np.testing.assert_allclose(kicks, [2.0, 6.0, 10.0, 14.0])  # beat 1 dropped
    loud_rims = beats_of([h for h in lane(hits, "rim") if h.velocity == 1.0], ctl)
    np.testing.assert_allclose(loud_rims, kicks)
    np.testing.assert_allclose(beats_of(lane(hits, "hat"), ctl), np.arange(0.0, 16.0, 0.5))


def test_dub_echo_repeats_only_the_rim_shot_fading_and_bouncing() -> None:
    ctl = straight("reggae-dub", human="robotic", tempo="medium")
    hits = rhythm_hits(ctl, style="one_drop", n_beats=8.0)
    rims = [h for h in lane(hits, "rim") if h.start_s / ctl.beat_s < 6.0]
    beats = beats_of(rims, ctl)
    np.testing.assert_allclose(beats, [2.0, 2.75, 3.5, 4.25, 5.0, 5.75])
    velocities = np.array([h.velocity for h in rims])
    np.testing.assert_allclose(velocities[1:] / velocities[:-1], 0.55)
    assert [h.pan for h in rims[1:]] == [0.6, -0.6, 0.6, -0.6, 0.6]
    assert len(lane(hits, "kick")) == 2 and len(lane(hits, "hat")) == 16  # nothing else echoes


def reggae_pad(ctl: Controls, *, n_beats: float) -> tuple[list[Note], list[Note]]:
    """The reggae-dub pad layer's notes over ``n_beats``: (the skank's, the bubble's)."""
    chords = chords_of(ctl, n_beats=16.0)
    notes = pad_notes(ctl, style="thin_high", chords=chords, n_beats=n_beats,
                      instrument="pluck")
    return ([n for n in notes if n.instrument != BUBBLE_VOICE],
            [n for n in notes if n.instrument == BUBBLE_VOICE])


def test_the_skank_is_a_short_bright_chord_on_two_and_four() -> None:
    ctl = straight("reggae-dub", human="robotic")
    skank, _ = reggae_pad(ctl, n_beats=8.0)
    assert set(beats_of(skank, ctl).round(2) % 4) == {1.0, 3.0}
    assert max(n.dur_s for n in skank) <= 0.25 * ctl.beat_s  # muted at once
    assert min(n.midi for n in skank) >= 72  # high and bright
    strokes = strokes_by_onset(skank, ctl, window_beats=0.05)
    assert all(len(g) >= 3 for g in strokes.values())  # a chord, not a note


def test_the_skank_is_choked_by_the_palm_not_a_ringing_pluck() -> None:
    ctl = straight("reggae-dub", human="robotic")
    skank, _ = reggae_pad(ctl, n_beats=8.0)
    assert {n.instrument for n in skank} == {"_pluck_choked"}
    gate = int(0.25 * ctl.beat_s * SAMPLE_RATE)
    ms = SAMPLE_RATE // 1000

    def stroke(voice: str) -> np.ndarray:
        return render_note(voice, midi=74.0, n_gate=gate, sample_rate=SAMPLE_RATE,
                           cutoff_scale=1.6)
    choked, ringing = stroke("_pluck_choked"), stroke("pluck")
    # silent (-40 dB against the chop) 100 ms in, where the plain pluck still rings
    assert rms(choked[100 * ms:200 * ms]) < 0.01 * rms(choked[:30 * ms])
    assert rms(ringing[100 * ms:200 * ms]) > 0.1 * rms(ringing[:30 * ms])
    # the pick's scratch: most of the chop is above 2 kHz, unlike the pluck's onset
    def bright_share(x: np.ndarray) -> float:
        onset = x[:30 * ms]
        return (rms(band_energy(onset, low_hz=2000.0, high_hz=11025.0)) / rms(onset)) ** 2
    assert bright_share(choked) > 0.6 > bright_share(ringing)


@pytest.mark.parametrize("tempo", ["slow", "very_slow"])
def test_the_organ_bubble_is_on_the_and_and_the_a_of_every_beat(tempo: str) -> None:
    # reggae's home tempo is slow: the drums' half-time thinning must not take the bubble,
    # which is nothing but off-beats
    ctl = straight("reggae-dub", human="robotic", tempo=tempo)
    skank, bubble = reggae_pad(ctl, n_beats=8.0)
    strokes = strokes_by_onset(bubble, ctl, window_beats=0.05)
    np.testing.assert_allclose(sorted(strokes), [b + f for b in range(8) for f in (0.5, 0.75)])
    assert all(len(g) >= 3 for g in strokes.values())  # organ chords
    level = {beat: notes[0].velocity for beat, notes in strokes.items()}
    for beat in np.arange(0.5, 8.0, 1.0):  # bub-ble: the "a" lighter than the "and"
        assert level[beat + 0.25] < 0.6 * level[beat]
    # short touches in the middle of the keys, under the skank
    assert max(n.dur_s for n in bubble) <= 0.25 * ctl.beat_s
    assert max(n.midi for n in bubble) < min(n.midi for n in skank)
    assert set(beats_of(skank, ctl).round(2)).isdisjoint(beats_of(bubble, ctl).round(2))


def test_every_eighth_bar_the_dub_mix_drops_all_but_the_bass_and_the_echoes() -> None:
    ctl = straight("reggae-dub", human="robotic")
    bar = ctl.beats_per_bar
    n_beats = 9 * bar
    drop = (7 * bar, 8 * bar)  # the eighth bar

    def in_drop(beats: np.ndarray) -> np.ndarray:
        return (beats >= drop[0]) & (beats < drop[1])
    hits = rhythm_hits(ctl, style="one_drop", n_beats=n_beats)
    dropped = [h for h in hits if in_drop(np.array([h.start_s / ctl.beat_s]))[0]]
    assert dropped and {h.sound for h in dropped} == {"rim"}  # only the echo rings on
    assert max(h.velocity for h in dropped) < 0.55  # a repeat, not a stroke
    skank, bubble = reggae_pad(ctl, n_beats=n_beats)
    assert not in_drop(beats_of(skank + bubble, ctl)).any()
    bass = bass_notes(ctl, style="syncopated", chords=chords_of(ctl, n_beats=n_beats),
                      n_beats=n_beats, instrument="sine")
    assert in_drop(beats_of(bass, ctl)).sum() >= 3  # the bass rides alone
    # all back on the next bar: the skank on its 2, the kick and rim on its 3
    assert drop[1] + 1.0 in set(beats_of(skank, ctl).round(2))
    assert drop[1] + 2.0 in set(beats_of(lane(hits, "kick"), ctl).round(2))
    # and only there: the seven bars before it are untouched
    assert len([b for b in beats_of(lane(hits, "kick"), ctl) if b < drop[0]]) == 7


def test_the_bass_leads_the_band_as_loud_as_everything_else() -> None:
    ctl = palette_controls("reggae-dub", human="robotic")
    stems = BlockRenderer(ctl, duration_s=10.0, sample_rate=SAMPLE_RATE,
                          seed=1).stems(0, 10 * SAMPLE_RATE)
    meter = pyln.Meter(SAMPLE_RATE)  # K-weighted, as a listener weighs the mix

    def loudness(x: np.ndarray) -> float:
        return meter.integrated_loudness(x.T.astype(np.float64))
    rest = sum(stem for name, stem in stems.items() if name != "bass")
    assert loudness(stems["bass"]) > loudness(rest)


@pytest.mark.parametrize("name", ["flamenco-night", "tango-milonga", "klezmer-wedding",
                                  "reggae-dub"])
def test_new_palettes_use_their_own_words(name: str) -> None:
    ctl = palette_controls(name)
    words = {"flamenco-night": ("flamenco", "nylon_guitar"),
             "tango-milonga": ("tango", "bandoneon"),
             "klezmer-wedding": ("bulgar", "clarinet"),
             "reggae-dub": ("one_drop", "organ")}[name]
    assert (ctl.styles["rhythm"], ctl.instruments["lead"]) == words


def test_one_bar_tango_phrases_keep_the_marcato() -> None:
    ctl = palette_controls("tango-milonga", human="robotic")
    ctl = replace(ctl, comp=replace(ctl.comp, phrase_bars=1))
    strokes = _tango_pad(ctl, n_beats=8.0)
    assert sorted(strokes) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.5, 7.0]  # no chan-chan every bar
