"""Style identities (issue 14): the cues a musician names for bossa nova, taiko and chiptune
are in the events and in the audio.

Most checks read the planned events (cheap); each style also has one short render check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moodc.config.load import load_document
from moodc.synth.controls import Controls, fields_to_controls
from moodc.synth.drums import DRUM_SOUNDS, drum_sound
from moodc.synth.engine import BlockRenderer
from moodc.synth.instruments import chip_arp_voice, square_8bit
from moodc.synth.notes import render_note
from moodc.synth.oscillators import CONSOLE_FRAME_HZ
from moodc.synth.patterns import THUMB_PAN, bass_notes, pad_notes, rhythm_hits
from moodc.synth.theory import (
    Chord,
    chord_at,
    chord_intervals,
    chord_timeline,
    rootless_voicing,
)
from tests.helpers import EXAMPLES

SAMPLE_RATE = 22050
D_MAJOR = (0, 2, 4, 5, 7, 9, 11)


def palette_controls(name: str, **changes: Any) -> Controls:
    """Controls of a shipped palette, with top-level fields or layers changed."""
    fields = load_document(EXAMPLES / "palettes" / f"{name}.yaml").model_dump()
    for key, value in changes.items():
        if key in fields["layers"]:
            fields["layers"][key] = value
        elif key in fields["instruments"]:
            fields["instruments"][key] = value
        else:
            fields[key] = value
    return fields_to_controls(fields)


def chords_of(ctl: Controls, *, n_beats: float, seed: int = 1) -> list[Chord]:
    return chord_timeline(n_beats=n_beats, beats_per_bar=ctl.beats_per_bar,
                          chord_bars=ctl.comp.chord_bars, harmony=ctl.comp.harmony,
                          extensions=ctl.comp.extensions, root_pc=ctl.root_pc,
                          scale=ctl.scale, rng=np.random.default_rng(seed))


def beats_of(events: list, ctl: Controls) -> np.ndarray:
    return np.array([e.start_s / ctl.beat_s for e in events])


def band_energy(x: np.ndarray, *, low_hz: float, high_hz: float) -> np.ndarray:
    """``x`` keeping only ``[low_hz, high_hz)`` (FFT mask), as a signal."""
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
    spectrum[(freqs < low_hz) | (freqs >= high_hz)] = 0.0
    return np.fft.irfft(spectrum, n=len(x))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)) + 1e-20))


# ------------------------------------------------------------------------------------------
# Bossa nova
# ------------------------------------------------------------------------------------------

BOSSA_CLAVE_BEATS = {0.0, 1.5, 3.0, 5.0, 6.5}       # over two bars of 4/4
SURDO_BEATS = {0.0, 1.5, 2.0, 3.5}                 # 1, and-of-2, 3, and-of-4
BATIDA_BEATS = {0.0, 1.0, 2.5, 3.5, 4.5, 6.0, 7.0}  # the guitar's chord strokes, two bars
THUMB_BEATS = {0.0, 1.5, 2.0, 3.5}


def test_bossa_drums_play_surdo_rim_click_clave_and_brushes() -> None:
    ctl = palette_controls("bossa-cafe", human="robotic")
    hits = rhythm_hits(ctl, style="bossa", n_beats=16.0)
    lanes = {s: beats_of([h for h in hits if h.sound == s], ctl)
             for s in ("jazz_bass_drum", "cross_stick", "brush_sweep")}
    assert set(np.round(lanes["jazz_bass_drum"] % 4, 3)) == SURDO_BEATS
    # the rim-click clave, minus the fill's closing roll on the last beat of bar 4
    clave = lanes["cross_stick"][(lanes["cross_stick"] < 15.0)]
    assert set(np.round(clave % 8, 3)) == BOSSA_CLAVE_BEATS
    assert len(lanes["brush_sweep"]) == 8  # the brush stirring the snare, a sweep a half bar
    assert "shaker" not in {h.sound for h in hits}


def test_bossa_brushes_stir_and_the_bass_drum_is_feathered_not_a_dance_beat() -> None:
    """A bossa drummer's brush circles the snare head and the bass drum is felt more than
    heard. Brush taps on every eighth, accented off the beat, over a bass drum as loud as
    the clave, are a house record's hi-hat over its kick (the tagger heard techno)."""
    ctl = palette_controls("bossa-cafe", human="robotic")
    hits = rhythm_hits(ctl, style="bossa", n_beats=16.0)
    clave_end_s = 15.0 * ctl.beat_s  # before the fill's roll
    eighths = [h for h in hits if h.sound in {"snare_brush", "brush_tap", "hat"}
               and h.start_s < clave_end_s]
    assert not eighths, sorted({h.sound for h in eighths})
    loudest = {s: max(h.velocity for h in hits if h.sound == s and h.start_s < clave_end_s)
               for s in ("jazz_bass_drum", "cross_stick")}
    assert loudest["jazz_bass_drum"] <= 0.6 * loudest["cross_stick"], loudest


@pytest.mark.parametrize("tempo", ["fast", "very_fast"])
def test_a_fast_bossa_leans_to_samba_with_brush_eighths_on_the_off_beats(tempo: str) -> None:
    """Taken fast, the brush taps every eighth, the off-beats leaning (a samba's ganzá):
    that, not an even pulse, is what a listener (and a beat tracker) hears as quick."""
    ctl = palette_controls("bossa-cafe", human="robotic", tempo=tempo)
    hits = rhythm_hits(ctl, style="bossa", n_beats=8.0)
    taps = [h for h in hits if h.sound == "snare_brush"]
    beats = beats_of(taps, ctl)
    assert set(np.round(beats % 1.0, 3)) == {0.0, 0.5} and len(taps) == 16
    on = np.mean([h.velocity for h, b in zip(taps, beats, strict=True) if b % 1.0 == 0.0])
    off = np.mean([h.velocity for h, b in zip(taps, beats, strict=True) if b % 1.0 == 0.5])
    assert off > on
    # the feathered bass drum and the clave play as at medium (before the fill, which comes
    # every two bars when fast)
    medium_ctl = palette_controls("bossa-cafe", human="robotic")
    medium = rhythm_hits(medium_ctl, style="bossa", n_beats=8.0)
    for sound in ("jazz_bass_drum", "cross_stick"):
        fast_beats = beats_of([h for h in hits if h.sound == sound], ctl)
        medium_beats = beats_of([h for h in medium if h.sound == sound], medium_ctl)
        assert set(np.round(fast_beats[fast_beats < 7.0], 3)) == set(
            np.round(medium_beats[medium_beats < 7.0], 3)), sound


def test_bossa_guitar_comps_the_batida_with_its_thumb_on_one_and_the_and_of_two() -> None:
    ctl = palette_controls("bossa-cafe", human="robotic")
    notes = pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=16.0), n_beats=16.0,
                      instrument=ctl.instruments["pad"])  # the nylon guitar
    thumb = [n for n in notes if n.pan == THUMB_PAN]
    strokes = [n for n in notes if n.pan != THUMB_PAN]
    assert set(np.round(beats_of(thumb, ctl) % 4, 3)) == THUMB_BEATS
    # chord strokes are a light strum (4 ms per string) on the batida's syncopated grid
    onsets = np.round(beats_of(strokes, ctl) * 4) / 4
    assert set(onsets % 8) == BATIDA_BEATS
    # and only with the bossa rhythm: with a rock beat the guitar rings once per chord
    rock = pad_notes(palette_controls("bossa-cafe", rhythm="rock"), style="warm",
                     chords=chords_of(ctl, n_beats=16.0), n_beats=16.0,
                     instrument=ctl.instruments["pad"])
    assert len({round(n.start_s, 3) for n in rock}) < len({round(n.start_s, 3) for n in notes}) / 4


def _bossa_bass_and_thumb(*, n_beats: float) -> tuple[Controls, list, list, list]:
    """bossa-cafe's controls, chords, upright bass notes and the guitar's thumb notes."""
    ctl = palette_controls("bossa-cafe", human="robotic")
    chords = chords_of(ctl, n_beats=n_beats)
    bass = bass_notes(ctl, style="pulsing", chords=chords, n_beats=n_beats,
                      instrument="double_bass")
    thumb = [n for n in pad_notes(ctl, style="warm", chords=chords, n_beats=n_beats,
                                  instrument=ctl.instruments["pad"]) if n.pan == THUMB_PAN]
    return ctl, chords, bass, thumb


def test_bossa_bass_plays_the_guitars_thumb_root_then_fifth() -> None:
    """The bossa bassist locks with the guitar's thumb (and the feathered bass drum): root
    on 1 and 3, the fifth below on the and-of-2 and the and-of-4, each ringing to the next,
    the surdo's figure, not an even pulse or a syncopation of its own."""
    ctl, chords, bass, thumb = _bossa_bass_and_thumb(n_beats=16.0)
    assert np.allclose(beats_of(bass, ctl), beats_of(thumb, ctl))
    assert set(np.round(beats_of(bass, ctl) % 4, 3)) == THUMB_BEATS
    for i, (note, nxt) in enumerate(zip(bass, bass[1:])):
        root_pc = chord_at(chords, note.start_s / ctl.beat_s).root_pc
        if chord_at(chords, nxt.start_s / ctl.beat_s).root_pc != root_pc:
            continue  # the approach into a new chord (next test)
        interval = (round(note.midi) - root_pc) % 12
        assert interval == (0 if i % 2 == 0 else 7), (i, interval)
    gaps = np.diff(beats_of(bass, ctl))
    lengths = np.array([n.dur_s / ctl.beat_s for n in bass[:-1]])
    assert np.allclose(lengths, gaps)  # legato: each note rings to the next


def test_bossa_bass_and_thumb_lead_into_each_new_chord_from_a_half_step_above() -> None:
    """On the and-of-4 before a chord change the bassist (and the guitar's thumb with him)
    does not play the old chord's fifth but the note a half step above the new root, and
    falls onto it: the jazz bassist's chromatic approach. Within a chord, root and fifth."""
    ctl, chords, bass, thumb = _bossa_bass_and_thumb(n_beats=64.0)
    approaches = 0
    for line in (bass, thumb):
        for note, nxt in zip(line, line[1:]):
            here = chord_at(chords, note.start_s / ctl.beat_s).root_pc
            there = chord_at(chords, nxt.start_s / ctl.beat_s).root_pc
            if there == here:
                assert (round(note.midi) - here) % 12 in (0, 7)
                continue
            approaches += 1
            assert round(note.midi) - round(nxt.midi) == 1     # down a half step
            assert round(nxt.midi) % 12 == there                # onto the new root
            assert round(note.start_s / ctl.beat_s, 3) % 4 == 3.5  # on the and-of-4
    n_changes = sum(a.root_pc != b.root_pc for a, b in zip(chords, chords[1:])
                    if b.start_beats < 64.0)
    assert n_changes >= 3 and approaches == 2 * n_changes
    # the piece's last note (the and-of-4 before the bar line it ends on) leads nowhere
    for line in (bass, thumb):
        last = line[-1]
        assert (round(last.midi) - chord_at(chords, last.start_s / ctl.beat_s).root_pc) % 12 \
            in (0, 7)


def test_bossa_voicings_are_maj9_and_13_colours_and_half_diminished() -> None:
    def comp(degree: int) -> set[int]:
        iv = chord_intervals(degree, scale=D_MAJOR, extensions="ninths", colour=("seventh",))
        chord = Chord(0.0, 4.0, degree, (2 + D_MAJOR[degree]) % 12, iv)
        voiced = rootless_voicing(chord, root_pc=2, scale=D_MAJOR)
        return {(chord.root_pc + i) % 12 for i in voiced.intervals}

    d, f_sharp, a, b, c_sharp, e, g = 2, 6, 9, 11, 1, 4, 7
    assert comp(0) == {f_sharp, b, c_sharp, e}      # Dmaj13 rootless: 3, 13, maj7, 9
    assert comp(4) >= {c_sharp, g, f_sharp}          # A13: 3, b7, 13
    assert comp(6) == {e, g, b}                      # C#ø7: b3, b5, b7
    assert d not in comp(0) and a not in comp(4)     # the bass owns the roots
    for degree in range(7):
        assert comp(degree) <= {(2 + s) % 12 for s in D_MAJOR}


def test_jazz_harmony_can_walk_the_cycle_of_fifths_through_the_half_diminished_chord() -> None:
    qualities = set()
    for seed in range(12):
        for c in chord_timeline(n_beats=64.0, beats_per_bar=4, chord_bars=1.0, harmony="jazz",
                                extensions="sevenths", root_pc=2, scale=D_MAJOR,
                                rng=np.random.default_rng(seed)):
            qualities.add(c.intervals[:4])
    assert {(0, 4, 7, 11), (0, 3, 7, 10), (0, 4, 7, 10), (0, 3, 6, 10)} <= qualities


def test_bossa_comping_leads_voices_smoothly() -> None:
    ctl = palette_controls("bossa-cafe", human="robotic")
    notes = [n for n in pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=64.0),
                                  n_beats=64.0, instrument="pluck") if n.pan != THUMB_PAN]
    by_onset: dict[float, list[float]] = {}
    for n in notes:
        by_onset.setdefault(round(n.start_s * 4 / ctl.beat_s) / 4, []).append(n.midi)
    voicings = [sorted(v) for _, v in sorted(by_onset.items())]
    moves = [np.mean([min(abs(m - p) for p in prev) for m in cur])
             for prev, cur in zip(voicings, voicings[1:]) if prev != cur]
    assert moves and max(moves) <= 3.0, moves


def test_bossa_render_has_guitar_attacks_on_the_batida() -> None:
    ctl = palette_controls("bossa-cafe", human="robotic")
    renderer = BlockRenderer(ctl, duration_s=8.0, sample_rate=SAMPLE_RATE, seed=1)
    pad = renderer.stems(0, 8 * SAMPLE_RATE)["pad"].sum(axis=0)
    window = int(0.03 * SAMPLE_RATE)
    rises = []
    for beat in sorted(BATIDA_BEATS):
        at = int(beat * ctl.beat_s * SAMPLE_RATE)
        if at >= window:
            rises.append(rms(pad[at: at + window]) / rms(pad[at - window: at]))
    assert np.median(rises) > 1.5, rises


# ------------------------------------------------------------------------------------------
# Taiko
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sound", ["odaiko", "taiko_don"])
def test_big_taiko_drums_have_a_stick_attack_a_low_body_and_a_room(sound: str) -> None:
    x = drum_sound(sound, sample_rate=SAMPLE_RATE, cutoff_scale=1.0).astype(np.float64)
    ms = SAMPLE_RATE // 1000
    crack = band_energy(x, low_hz=1000, high_hz=8000)
    body = band_energy(x, low_hz=30, high_hz=200)
    # the stick: high-frequency energy is a burst in the first ~15 ms, then gone
    assert rms(crack[: 15 * ms]) > 10 * rms(crack[60 * ms: 300 * ms])
    assert np.argmax(np.abs(crack)) < 10 * ms
    # the body: most of the energy is below 200 Hz and rings on for a quarter second and more
    assert rms(body[100 * ms: 400 * ms]) ** 2 > 0.8 * rms(x[100 * ms: 400 * ms]) ** 2
    assert rms(body[250 * ms: 350 * ms]) > 0.1 * rms(body[: 100 * ms])


def test_shime_and_kane_sit_on_top() -> None:
    for sound, min_centroid_hz in (("shime", 600.0), ("kane", 2000.0)):
        x = drum_sound(sound, sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
        mag = np.abs(np.fft.rfft(x))
        freqs = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
        assert np.sum(freqs * mag) / np.sum(mag) > min_centroid_hz, sound


def _taiko_bars(ctl: Controls) -> list[list]:
    hits = rhythm_hits(ctl, style="taiko", n_beats=32.0)
    return [[h for h in hits if 4 * b <= h.start_s / ctl.beat_s < 4 * (b + 1)]
            for b in range(8)]


def test_taiko_call_and_response_with_ensemble_unison() -> None:
    ctl = palette_controls("taiko-festival", human="robotic")
    call, answer = _taiko_bars(ctl)[:2]
    assert {h.sound for h in call} >= {"odaiko", "shime", "kane"}
    assert "taiko_don" not in {h.sound for h in call}  # the call is the odaiko's alone
    together: dict[float, set[str]] = {}
    for h in answer:
        together.setdefault(round(h.start_s, 6), set()).add(h.sound)
    assert len(together) >= 6
    for sounds in together.values():  # every stroke of the answer: the whole ensemble
        assert sounds >= {"odaiko", "taiko_don", "shime", "kane"}
    accents = {round(h.start_s, 6) for h in answer if h.velocity == 1.0}
    assert len(accents) >= 4 and accents <= set(together)


def test_taiko_roll_crescendos_into_a_unison_downbeat() -> None:
    ctl = palette_controls("taiko-festival", human="robotic")
    bars = _taiko_bars(ctl)
    roll = [h for h in bars[3] if h.sound == "taiko_don"]
    assert len(roll) == 16
    assert np.allclose(np.diff(beats_of(roll, ctl)), 0.25)
    velocities = [h.velocity for h in roll]
    assert velocities[0] <= 0.2 and velocities[-1] >= 0.85
    assert all(b > a for a, b in zip(velocities, velocities[1:]))
    downbeat = {h.sound for h in bars[4] if h.start_s / ctl.beat_s == 16.0}
    assert downbeat >= {"odaiko", "shime", "kane"}


def test_taiko_render_roll_swells_by_more_than_ten_decibels() -> None:
    ctl = palette_controls("taiko-festival", human="robotic")
    duration_s = 4 * ctl.bar_s + 0.1
    renderer = BlockRenderer(ctl, duration_s=duration_s, sample_rate=SAMPLE_RATE, seed=1)
    drums = renderer.stems(0, int(duration_s * SAMPLE_RATE))["rhythm"].sum(axis=0)
    crack = band_energy(drums, low_hz=1000, high_hz=8000)  # the roll's strokes, not the boom
    bar_n = int(ctl.bar_s * SAMPLE_RATE)
    beat_n = bar_n // 4
    last_bar = crack[3 * bar_n:]
    first_beat, last_beat = rms(last_bar[:beat_n]), rms(last_bar[3 * beat_n: 4 * beat_n])
    assert 20 * np.log10(last_beat / first_beat) > 10.0


# ------------------------------------------------------------------------------------------
# Chiptune
# ------------------------------------------------------------------------------------------

def _second_harmonic_ratio(x: np.ndarray, *, freq_hz: float) -> float:
    mag = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=8 * len(x)))
    freqs = np.fft.rfftfreq(8 * len(x), 1.0 / SAMPLE_RATE)

    def peak(f: float) -> float:
        return float(mag[(freqs > 0.97 * f) & (freqs < 1.03 * f)].max())
    return peak(2 * freq_hz) / peak(freq_hz)


def test_square_lead_duty_cycle_changes_frame_by_frame() -> None:
    freq_hz, frame_n = 220.0, SAMPLE_RATE / CONSOLE_FRAME_HZ
    tone = square_8bit(freq_hz, n_samples=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                       cutoff_hz=8000.0, glide_st=0.0)

    def frames(first: int, last: int) -> np.ndarray:
        return tone[int((first + 0.5) * frame_n): int((last + 0.5) * frame_n)]
    # every note opens thin (12.5 %, then 25 %: a strong 2nd harmonic) and settles on a round
    # 50 % (no even harmonics): the duty moves with the notes, so with the tempo, and never
    # flutters at a fixed rate on a held note
    attack = _second_harmonic_ratio(frames(3, 7), freq_hz=freq_hz)
    held = [_second_harmonic_ratio(frames(f, f + 7), freq_hz=freq_hz) for f in (8, 15, 23, 39)]
    assert attack > 0.5 and max(held) < 0.1, (attack, held)


def test_chip_pad_plays_each_chord_as_one_channel_taking_turns() -> None:
    ctl = palette_controls("8bit-adventure")
    chords = chords_of(ctl, n_beats=8.0)
    notes = pad_notes(ctl, style="thin_high", chords=chords, n_beats=8.0,
                      instrument="square_8bit")
    n_tones = len(chords[0].intervals)
    first = notes[:n_tones]
    frame_s = 1.0 / CONSOLE_FRAME_HZ
    assert [round(n.start_s / frame_s, 6) for n in first] == list(range(n_tones))
    assert {n.instrument for n in first} == {chip_arp_voice(n_tones)}
    assert [n.midi for n in first] == sorted({n.midi for n in first})  # upward, distinct


@pytest.mark.parametrize("n_notes", [3, 4])
def test_arpeggio_voice_sounds_one_frame_in_n(n_notes: int) -> None:
    frame_n = SAMPLE_RATE / CONSOLE_FRAME_HZ
    tone = render_note(chip_arp_voice(n_notes), midi=72.0, n_gate=SAMPLE_RATE // 2,
                       sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
    level = [rms(tone[int((k + 0.3) * frame_n): int((k + 0.9) * frame_n)]) for k in range(24)]
    on = [k for k, v in enumerate(level) if v > 0.1 * max(level)]
    assert on == list(range(0, 24, n_notes)), on


def test_chip_pad_render_changes_pitch_every_frame() -> None:
    ctl = palette_controls("8bit-adventure")
    renderer = BlockRenderer(ctl, duration_s=1.0, sample_rate=SAMPLE_RATE, seed=1)
    pad = renderer.stems(0, SAMPLE_RATE)["pad"].sum(axis=0)
    frame_n = SAMPLE_RATE / CONSOLE_FRAME_HZ
    peaks = []
    for k in range(6, 18):
        seg = pad[int((k + 0.25) * frame_n): int((k + 0.85) * frame_n)]
        mag = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), n=16384))
        peaks.append(np.argmax(mag) * SAMPLE_RATE / 16384)
    ratios = np.array(peaks[1:]) / np.array(peaks[:-1])
    assert np.all(np.abs(np.log2(ratios)) > 2.5 / 12), peaks  # a new chord tone each frame
    assert np.allclose(peaks[3:], peaks[:-3], rtol=0.03)           # cycling the chord


def test_chip_snare_and_hats_are_the_noise_channel() -> None:
    for sound in ("chip_snare", "chip_hat"):
        x = DRUM_SOUNDS[sound](SAMPLE_RATE)
        frame = np.floor(np.arange(len(x)) * CONSOLE_FRAME_HZ / SAMPLE_RATE).astype(int)
        levels = []
        for k in range(frame[-1]):
            level = np.abs(x[frame == k])
            assert np.ptp(level) < 1e-6, sound  # 1-bit noise at one volume per frame
            levels.append(float(level[0]))
        steps = np.array(levels) / max(levels) * 15
        assert np.allclose(steps, np.round(steps), atol=1e-4), sound  # 4-bit volume
        assert all(b <= a for a, b in zip(levels, levels[1:])), sound  # a falling staircase
        assert len(set(levels)) >= 3, sound


def test_chiptune_hits_are_exactly_on_the_grid_when_robotic() -> None:
    ctl = palette_controls("8bit-adventure")
    renderer = BlockRenderer(ctl, duration_s=4.0, sample_rate=SAMPLE_RATE, seed=1)
    starts = renderer.layers["rhythm"].starts / SAMPLE_RATE
    sixteenth_s = ctl.beat_s / 4
    grid_error_s = np.abs(starts / sixteenth_s - np.round(starts / sixteenth_s)) * sixteenth_s
    assert grid_error_s.max() < 1.0 / SAMPLE_RATE
    assert {"chip_kick", "chip_snare", "chip_hat"} <= {k[1] for k in renderer.layers["rhythm"].keys}


def test_identity_palettes_render_deterministically(tmp_path: Path) -> None:
    for name in ("bossa-cafe", "taiko-festival", "8bit-adventure"):
        ctl = palette_controls(name)
        a, b = (BlockRenderer(ctl, duration_s=2.0, sample_rate=SAMPLE_RATE, seed=3)
                .block(0, 2 * SAMPLE_RATE)[0] for _ in range(2))
        assert np.array_equal(a, b), name


#: Drum-machine kicks: a sine that sweeps down an octave or more (the 808 recipe).
MACHINE_KICKS = {"kick", "kick_soft", "kick_808"}


@pytest.mark.parametrize("style", ["bossa", "waltz", "march", "oompah"])
def test_acoustic_band_styles_play_a_bass_drum_not_a_drum_machine_kick(style: str) -> None:
    ctl = palette_controls("bossa-cafe", human="robotic")
    sounds = {h.sound for h in rhythm_hits(ctl, style=style, n_beats=16.0)}
    assert sounds & {"bass_drum", "bass_drum_big", "jazz_bass_drum"}, sounds
    assert not sounds & MACHINE_KICKS, sounds


def _pitch_hz(x: np.ndarray, *, start_s: float, stop_s: float) -> float:
    """Strongest frequency below 200 Hz of ``x[start_s:stop_s]`` (zero-padded FFT)."""
    seg = x[int(start_s * SAMPLE_RATE): int(stop_s * SAMPLE_RATE)]
    mag = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), n=1 << 16))
    freqs = np.fft.rfftfreq(1 << 16, 1 / SAMPLE_RATE)
    low = freqs < 200
    return float(freqs[low][np.argmax(mag[low])])


@pytest.mark.parametrize("sound", ["bass_drum", "bass_drum_big"])
def test_bass_drum_holds_its_pitch_and_has_a_skin_and_a_beater(sound: str) -> None:
    """A felt-beater bass drum settles by a semitone or two, where the drum machine's kick
    falls an octave; its head rings with the membrane's inharmonic modes (×1.59 above the
    fundamental), and the beater's thud puts noise above them."""
    x = DRUM_SOUNDS[sound](SAMPLE_RATE).astype(np.float64)
    early, late = (_pitch_hz(x, start_s=a, stop_s=b) for a, b in ((0.0, 0.03), (0.06, 0.2)))
    assert abs(np.log2(early / late)) < 2 / 12, (early, late)
    kick = DRUM_SOUNDS["kick"](SAMPLE_RATE).astype(np.float64)
    assert _pitch_hz(kick, start_s=0.0, stop_s=0.03) / _pitch_hz(
        kick, start_s=0.06, stop_s=0.2) > 2 ** (2 / 12)  # the machine's sweep, for contrast
    head = x[: int(0.15 * SAMPLE_RATE)]
    mag = np.abs(np.fft.rfft(head * np.hanning(len(head)), n=1 << 16))
    freqs = np.fft.rfftfreq(1 << 16, 1 / SAMPLE_RATE)
    mode = (freqs > late * 1.5) & (freqs < late * 1.7)
    between = (freqs > late * 1.2) & (freqs < late * 1.4)
    assert mag[mode].max() > 1.5 * mag[between].min()  # the (1,1) mode stands out
    attack = x[: int(0.02 * SAMPLE_RATE)]
    power = np.abs(np.fft.rfft(attack, n=1 << 13)) ** 2
    above = np.fft.rfftfreq(1 << 13, 1 / SAMPLE_RATE) > 300
    # the beater's thud: within 20 dB of the whole attack above 300 Hz (a sine kick: -27)
    assert 10 * np.log10(power[above].sum() / power.sum()) > -20
