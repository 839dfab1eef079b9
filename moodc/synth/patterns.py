"""Layer patterns: bass lines, pad voicings, accents and drum patterns as events.

Each style of ``vocab.LAYER_STYLES`` has one entry in one table here; every pattern is laid
out in beats over the document's meter and converted to seconds with the tempo.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

import numpy as np

from moodc.synth.controls import Controls
from moodc.synth.events import BREATH_GAP_S, Hit, Note, breathed
from moodc.synth.instruments import ARP_MAX_NOTES, INSTRUMENT_VOICES, chip_arp_voice
from moodc.synth.melody import comp_level
from moodc.synth.oscillators import CONSOLE_FRAME_HZ
from moodc.synth.theory import (Chord, chord_at, chord_intervals, lowest_pitch,
                                rootless_voicing, scale_index_of_degree, scale_pitches,
                                voice_chord)

BASS_OCTAVE_MIDI = 36  # C2: bass roots sit in [36, 47]


def swing(beat: float, *, ratio: float, division: int) -> float:
    """Delay off-beat eighths (and the last sixteenth of a beat) by the swing ratio.

    ``ratio`` is the share of a beat taken by the first eighth (0.5 = straight); compound
    meters (6/8) already lilt in threes and are left straight.
    """
    if division != 2 or ratio == 0.5:
        return beat
    frac = beat % 1.0
    if abs(frac - 0.5) < 1e-6:
        return beat + (ratio - 0.5)
    if abs(frac - 0.75) < 1e-6:
        return beat + 0.5 * (ratio - 0.5)
    return beat


def _bass_root(chord: Chord, *, octave_shift: int = 0) -> int:
    return BASS_OCTAVE_MIDI + chord.root_pc + 12 * octave_shift - (12 if chord.root_pc > 7 else 0)


def _chord_tone(chord: Chord, k: int, *, base: int) -> int:
    """k-th chord tone above ``base`` (a root pitch), wrapping up by octaves."""
    octave, i = divmod(k, len(chord.intervals))
    return base + chord.intervals[i] + 12 * octave


def _fifth(chord: Chord) -> int:
    """Interval of the chord's fifth-like tone (the perfect fifth when the chord has it)."""
    for iv in chord.intervals[1:]:
        if iv in (7, 6, 8):
            return iv
    return chord.intervals[-1] if len(chord.intervals) > 1 else 7


# ------------------------------------------------------------------------------------------
# Bass: one function per style, (chord, next chord, controls) -> [(beat offset, beats, midi)].
# ------------------------------------------------------------------------------------------

BassFn = Callable[[Chord, Chord, Controls, float], list[tuple[float, float, float, float]]]


def _bass_drone(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    return [(0.0, c.length_beats + 0.25, tonic, 0.8)]


def _bass_sustained(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    return [(0.0, c.length_beats, _bass_root(c), 0.85)]


def _bass_pulsing(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    return [(b, 0.7, root, 0.9 if b % ctl.beats_per_bar == 0 else 0.7)
            for b in np.arange(0.0, c.length_beats, 1.0)]


def _bass_walking(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root, target = _bass_root(c), _bass_root(nxt)
    beats = np.arange(0.0, c.length_beats, 1.0)
    scale = sorted({(ctl.root_pc + s) % 12 for s in ctl.scale})
    out = []
    for i, b in enumerate(beats):
        if i == len(beats) - 1 and len(beats) > 1:
            # approach the next root from the scale tone just above or below it
            step = 1 if target < root else -1
            pitch = target + step
            while pitch % 12 not in scale:
                pitch += step
            pitch = _chord_tone(c, 1, base=root) if abs(pitch - root) > 9 else pitch
        else:
            pitch = _chord_tone(c, i % max(len(c.intervals), 1), base=root)
        out.append((b, 0.9, pitch, 0.8))
    return out


def _stream_step_beats(ctl: Controls, *, written_beats: float) -> float:
    """Step of a bass that streams even notes (octaves, arpeggios): as written, or the tempo
    feel's keep grid when that is coarser. A bass running in eighths at very_slow states
    the eighth as the pulse (56 BPM heard as 112) under drums already thinned to quarters;
    a player at that tempo lets the broken chord move in quarters instead."""
    return max(written_beats, ctl.feel.keep_grid_beats)


def _bass_octave(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    step = _stream_step_beats(ctl, written_beats=0.5)
    return [(b, 0.9 * step, root + (12 if i % 2 else 0), 0.8)
            for i, b in enumerate(np.arange(0.0, c.length_beats, step))]


def _bass_fifths(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    return [(b, 0.9, root + (_fifth(c) if i % 2 else 0), 0.8)
            for i, b in enumerate(np.arange(0.0, c.length_beats, 1.0))]


def _bass_arpeggio(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    n = max(len(c.intervals), 2)
    seq = list(range(n)) + list(range(n - 2, 0, -1))
    step = _stream_step_beats(ctl, written_beats=0.5)
    return [(b, 0.9 * step, _chord_tone(c, seq[i % len(seq)], base=root), 0.75)
            for i, b in enumerate(np.arange(0.0, c.length_beats, step))]


def _bass_sub(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    return [(0.0, c.length_beats, _bass_root(c, octave_shift=-1), 1.0)]


def _bass_syncopated(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    bar = ctl.beats_per_bar
    cell = [(0.0, 0.6, 0), (1.5, 0.4, 12), (bar * 0.5 + 0.75, 0.4, 0), (bar - 0.5, 0.4, 7)]
    out = []
    for bar_start in np.arange(0.0, c.length_beats, bar):
        for off, dur, iv in cell:
            if bar_start + off < c.length_beats and off < bar:
                out.append((bar_start + off, dur, root + (iv if iv != 7 else _fifth(c)), 0.85))
    return out


def _bass_two_beat(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    """The "oom" of oom-pah: the root on the bar's first beat and the fifth (below, like a
    tuba's) half-way through, short and firm, the off-beats left to the chords."""
    root = _bass_root(c)
    half = ctl.beats_per_bar / 2.0
    out = []
    for bar_start in np.arange(0.0, c.length_beats, float(ctl.beats_per_bar)):
        out.append((bar_start, 0.8, root, 0.9))
        if bar_start + half < c.length_beats:
            out.append((bar_start + half, 0.8, root + _fifth(c) - 12, 0.8))
    return out


def _restruck(notes: list[tuple[float, float, float, float]], *, every_beats: float
              ) -> list[tuple[float, float, float, float]]:
    """Bass notes longer than ``every_beats`` split into repeated strokes of that length
    (the tempo feel's pulse: a held root you can tap at fast tempos); 0 keeps them held."""
    if every_beats <= 0.0:
        return notes
    out = []
    for off, dur, midi, vel in notes:
        n = max(int(np.floor(dur / every_beats + 1e-9)), 1)
        for k in range(n):
            last = k == n - 1
            length = dur - k * every_beats if last else every_beats * 0.9
            out.append((off + k * every_beats, length, midi, vel))
    return out


BASS_STYLES: dict[str, BassFn] = {
    "drone": _bass_drone, "sustained": _bass_sustained, "pulsing": _bass_pulsing,
    "walking": _bass_walking, "octave": _bass_octave, "fifths": _bass_fifths,
    "arpeggio": _bass_arpeggio, "sub": _bass_sub, "syncopated": _bass_syncopated,
    "two_beat": _bass_two_beat,
}


def bass_notes(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
               instrument: str) -> list[Note]:
    """Bass notes for every chord of the timeline (style from :data:`BASS_STYLES`), or the
    comp's thumb strokes for a pulsing bass under a rhythm whose bass doubles them; either
    joins the rhythm's phrase ending."""
    comp = COMP_PATTERNS.get(ctl.styles["rhythm"])
    if style == "pulsing" and comp is not None and comp.bass_doubles:
        out = _bass_doubling(ctl, comp, chords=chords, n_beats=n_beats, instrument=instrument)
    else:
        out = _bass_by_style(ctl, style=style, chords=chords, n_beats=n_beats,
                             instrument=instrument)
    if comp is not None and ends_phrases(ctl, comp=comp):
        out = _bass_ending(ctl, out, comp=comp, n_beats=n_beats, instrument=instrument)
    return out


def _bass_by_style(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                   instrument: str) -> list[Note]:
    """The bass style's notes for every chord, struck again at the tempo feel's pulse."""
    fn = BASS_STYLES[style]
    tonic = BASS_OCTAVE_MIDI + ctl.root_pc - (12 if ctl.root_pc > 7 else 0)
    out = []
    for c, nxt in zip(chords, chords[1:] + chords[:1]):
        if c.start_beats >= n_beats:
            break
        for off, dur, midi, vel in _restruck(fn(c, nxt, ctl, tonic),
                                             every_beats=ctl.feel.bass_restrike_beats):
            beat = swing(c.start_beats + off, ratio=ctl.comp.swing_ratio,
                         division=ctl.beat_division)
            out.append(Note(beat * ctl.beat_s, dur * ctl.beat_s, float(midi),
                            vel, instrument, pan=0.0))
    return out


def approached_chord(comp: CompPattern, *, chords: list[Chord], beat: float,
                     until_next_beats: float, n_beats: float) -> Chord | None:
    """The chord the next thumb stroke lands on when the thumb stroke at ``beat`` leads
    into it (:attr:`CompPattern.approach_st` set, and the next stroke,
    ``until_next_beats`` away and before the piece's end at ``n_beats``, brings a chord
    with another root), else None: the last note never leads into a chord not played."""
    if not comp.approach_st or beat + until_next_beats >= n_beats:
        return None
    here, there = chord_at(chords, beat), chord_at(chords, beat + until_next_beats)
    return there if there.root_pc != here.root_pc else None


def _bass_doubling(ctl: Controls, comp: CompPattern, *, chords: list[Chord], n_beats: float,
                   instrument: str) -> list[Note]:
    """A pulsing bass on the comp's thumb strokes (:attr:`CompPattern.bass_doubles`): the
    chord's root and the fifth below in turn, each as short as the comp's strokes, accented
    where the comp accents, and dragged into every accented stroke
    (:func:`_arrastre`); into a new chord it leads from :attr:`CompPattern.approach_st`
    above its root (:func:`approached_chord`)."""
    out = []
    strokes = _comp_strokes(ctl, comp.thumb, step_beats=comp.step_beats, n_beats=n_beats)
    for i, (beat, length, ch) in enumerate(strokes):
        c = chord_at(chords, beat)
        root = _bass_root(c)
        pitch = root if i % 2 == 0 else root + _fifth(c) - 12
        arriving = approached_chord(comp, chords=chords, beat=beat, until_next_beats=length,
                                    n_beats=n_beats)
        if arriving is not None:
            pitch = _bass_root(arriving) + comp.approach_st
        velocity = STROKE_VELOCITY[ch] * 0.9
        start_s = swing(beat, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
        out.append(Note(start_s, (comp.stroke_beats or length) * ctl.beat_s, float(pitch),
                        velocity, instrument, pan=0.0))
        if ch == "X":
            out += _arrastre(ctl, comp, beat=beat, midi=pitch, velocity=velocity,
                             instrument=instrument)
    return sorted(out, key=lambda n: n.start_s)


#: The arrastre's pickup, as a share of the accented stroke's velocity: the drag is a
#: crescendo, soft where it starts and heavy on the beat.
ARRASTRE_VELOCITY = 0.6


def _arrastre(ctl: Controls, comp: CompPattern, *, beat: float, midi: int, velocity: float,
              instrument: str) -> list[Note]:
    """The *arrastre* (drag) into an accented stroke at ``beat``: the tango bassist's pickup
    from the semitone below, :attr:`CompPattern.arrastre_beats` early and soft
    (:data:`ARRASTRE_VELOCITY`), landing heavily on the beat. A plucked string cannot
    slide like the bowed drag, so the slide's last step is what the bass plays.

    None when the pattern has no arrastre, before the piece starts, or into a phrase
    ending's stroke (the chan-chan plays other chords than the marcato it replaces)."""
    pickup = beat - comp.arrastre_beats
    if not comp.arrastre_beats or pickup < 0.0 or (
            ends_phrases(ctl, comp=comp) and in_phrase_ending(ctl, beat=beat)):
        return []
    start_s = swing(pickup, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
    return [Note(start_s, comp.arrastre_beats * ctl.beat_s, float(midi - 1),
                 velocity * ARRASTRE_VELOCITY, instrument, pan=0.0)]


def _bass_ending(ctl: Controls, notes: list[Note], *, comp: CompPattern, n_beats: float,
                 instrument: str) -> list[Note]:
    """The bass joins the rhythm's phrase ending (the tango's chan-chan): in the last bar
    of every phrase it plays only the ending's strokes, on their chords' roots and as short
    as the comp's; a note running into that bar stops where it begins."""
    ending_start = (ctl.comp.phrase_bars - 1) * ctl.beats_per_bar
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    out = []
    for n in notes:
        beat = n.start_s / ctl.beat_s
        if in_phrase_ending(ctl, beat=beat):
            continue
        room_beats = ending_start - beat % phrase
        out.append(replace(n, dur_s=min(n.dur_s, room_beats * ctl.beat_s)))
    for beat, length, ch, degree in _with_ending(ctl, comp, [], n_beats=n_beats):
        root = _bass_root(_ending_chord(ctl, degree=degree, beat=beat))
        out.append(Note(beat * ctl.beat_s, (comp.stroke_beats or length) * ctl.beat_s,
                        float(root), STROKE_VELOCITY[ch] * 0.9, instrument, pan=0.0))
    return sorted(out, key=lambda n: n.start_s)


#: Phrases shorter than this many bars have no ending: a one-bar phrase would be all
#: chan-chan and no marcato.
MIN_ENDING_PHRASE_BARS = 2


def ends_phrases(ctl: Controls, *, comp: CompPattern) -> bool:
    """Whether ``comp`` has a phrase ending and the document's phrases are long enough
    (:data:`MIN_ENDING_PHRASE_BARS`) to end on it."""
    return bool(comp.ending) and ctl.comp.phrase_bars >= MIN_ENDING_PHRASE_BARS


def in_phrase_ending(ctl: Controls, *, beat: float) -> bool:
    """Whether ``beat`` falls in the last bar of a phrase (``composition.phrase_bars``)."""
    phrase = ctl.comp.phrase_bars * ctl.beats_per_bar
    return (beat % phrase) >= phrase - ctl.beats_per_bar - 1e-9


#: A hit this many beats before a bar line belongs to that bar (a stroke played early).
DROP_OUT_EARLY_BEATS = 0.1


def in_drop_out(ctl: Controls, *, comp: CompPattern | None, beat: float) -> bool:
    """Whether ``beat`` falls in a drop-out bar of ``comp`` (the last of every
    :attr:`CompPattern.drop_every_bars`), counting a stroke up to
    :data:`DROP_OUT_EARLY_BEATS` early as the bar it anticipates."""
    if comp is None or not comp.drop_every_bars:
        return False
    bar_index = int((beat + DROP_OUT_EARLY_BEATS) // ctl.beats_per_bar)
    return bar_index % comp.drop_every_bars == comp.drop_every_bars - 1


# ------------------------------------------------------------------------------------------
# Pad: voicing register, spread and articulation per style.
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PadStyle:
    """How a pad style voices and plays each chord.

    ``low_midi``/``high_midi`` bound the voicing, ``cutoff_mul`` darkens or brightens it,
    ``stagger_beats`` delays each successive voice (a spread chord), ``open_fifths`` plays
    root, fifth and octave instead of the full chord, ``velocity`` is the base loudness.
    ``sub_root`` adds the root an octave below the register (a cinematic floor),
    ``glide_st`` scoops alternate voices from ± that many semitones, ``drone`` replaces the
    chords by a tanpura cycle on the tonic, and ``swells_per_bar`` makes the engine swell
    the pad once per bar.
    """

    low_midi: int
    high_midi: int
    cutoff_mul: float
    velocity: float
    stagger_beats: float = 0.0
    open_fifths: bool = False
    sub_root: bool = False
    glide_st: float = 0.0
    drone: bool = False
    swells_per_bar: bool = False


PAD_STYLES: dict[str, PadStyle] = {
    "warm": PadStyle(low_midi=50, high_midi=70, cutoff_mul=0.8, velocity=0.7),
    "dark": PadStyle(low_midi=40, high_midi=60, cutoff_mul=0.35, velocity=0.75),
    "cinematic": PadStyle(low_midi=45, high_midi=79, cutoff_mul=1.2, velocity=0.75,
                          sub_root=True),
    "thin_high": PadStyle(low_midi=72, high_midi=90, cutoff_mul=1.6, velocity=0.45),
    "drift": PadStyle(low_midi=52, high_midi=74, cutoff_mul=0.9, velocity=0.6,
                      stagger_beats=0.75, glide_st=0.3),
    "fifths": PadStyle(low_midi=43, high_midi=67, cutoff_mul=1.0, velocity=0.7,
                       open_fifths=True),
    "tanpura": PadStyle(low_midi=0, high_midi=0, cutoff_mul=1.0, velocity=0.6,
                        open_fifths=True, drone=True),
    "swell": PadStyle(low_midi=50, high_midi=72, cutoff_mul=1.0, velocity=0.8,
                      swells_per_bar=True),
}


#: Soft octave doublings of the pad per density, as (voice index in the voicing, octave
#: shift): each density has its own set, so every density value changes the sound even when
#: the layers it would add are ``none``, and the pad never grows past three extra voices.
PAD_DOUBLINGS: dict[int, tuple[tuple[int, int], ...]] = {
    1: (),
    2: ((0, -1),),                      # the bottom note an octave down
    3: ((-1, 1),),                      # the top note an octave up
    4: ((1, 1),),                       # the second note an octave up
    5: ((0, -1), (-1, 1)),              # both
    6: ((0, -1), (-1, 1), (-1, 2)),     # and air two octaves up
}


def _tanpura(ctl: Controls, chords: list[Chord], n_beats: float, instrument: str) -> list[Note]:
    """Tanpura cycle Pa-Sa'-Sa'-Sa (fifth, upper tonic twice, low tonic), each string left
    ringing: a drone on the tonic whatever the chord, plucked once per beat."""
    tonic = 48 + ctl.root_pc
    fifth = 7 if 7 in ctl.scale else (5 if 5 in ctl.scale else ctl.scale[len(ctl.scale) // 2])
    cycle = (tonic - 12 + fifth, tonic, tonic, tonic - 12)
    pans = (-0.4, 0.15, 0.3, -0.1)
    beat = max(ctl.beat_s, 0.45) / ctl.beat_s  # never faster than a plucked tanpura can go
    out, i = [], 0
    for b in np.arange(0.0, n_beats, beat):
        out.append(Note(b * ctl.beat_s, beat * ctl.beat_s * 3.5, float(cycle[i % 4]), 0.6,
                        instrument, pan=pans[i % 4]))
        i += 1
    return out


def pad_notes(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
              instrument: str, melody: list[Note] | None = None) -> list[Note]:
    """Pad chords: each chord voiced close to the previous one in the style's register.

    Each density has its own soft octave doublings (:data:`PAD_DOUBLINGS`), so every
    density value changes the sound even when the layers it would add are ``none``. A
    console voice (:data:`FRAME_ARPEGGIO_VOICE`) arpeggiates each chord a frame per note;
    a plucked or struck voice (any voice, for patterns that say so) comps the rhythm
    style's pattern when it has one (:func:`comp_pattern`: the bossa nova guitar, the
    flamenco rasgueado, the tango marcato, the oom-pah and the reggae skank). A struck pad
    over a rhythm style with interlocking parts (:data:`INTERLOCK_PATTERNS`: the gong
    cycle's kotekan) elaborates ``melody``, the piece's melody notes (the balungan), or
    the chord roots when there is none.
    """
    row = PAD_STYLES[style]
    if row.drone:
        return _tanpura(ctl, chords, n_beats, instrument)
    if instrument in FRAME_ARPEGGIO_VOICE:
        return _frame_arpeggio(ctl, row, chords=chords, n_beats=n_beats,
                               voice=FRAME_ARPEGGIO_VOICE[instrument])
    interlock = INTERLOCK_PATTERNS.get(ctl.styles["rhythm"])
    if interlock is not None and INSTRUMENT_VOICES[instrument].percussive:
        return _interlock_notes(ctl, row, interlock, chords=chords, n_beats=n_beats,
                                instrument=instrument, melody=melody or [])
    comp = comp_pattern(ctl, instrument=instrument)
    if comp is not None:
        return _comp_notes(ctl, row, comp, chords=chords, n_beats=n_beats,
                           instrument=instrument)
    breath_s = INSTRUMENT_VOICES[instrument].breath_s
    if breath_s:
        return held_line(ctl, row, chords=chords, n_beats=n_beats, instrument=instrument,
                         breath_s=breath_s)
    low, high = row.low_midi, row.high_midi
    out, previous = [], None
    for c in chords:
        if c.start_beats >= n_beats:
            break
        if row.open_fifths:
            root = lowest_pitch(c.root_pc, low_midi=low)
            voicing: tuple[int, ...] = (root, root + _fifth(c), root + 12)
        else:
            voicing = voice_chord(c, low_midi=low, high_midi=high, previous=previous)
            previous = voicing
        extra = [voicing[k] + 12 * octave for k, octave in PAD_DOUBLINGS[ctl.density]]
        if row.sub_root:
            extra.append(lowest_pitch(c.root_pc, low_midi=low) - 12)
        pitches = list(voicing) + extra
        n = len(pitches)
        for i, midi in enumerate(pitches):
            pan = (i / max(n - 1, 1) * 2.0 - 1.0) * 0.7
            offset = row.stagger_beats * i
            out.append(Note((c.start_beats + offset) * ctl.beat_s,
                            (c.length_beats - offset + 0.1) * ctl.beat_s, float(midi),
                            row.velocity / np.sqrt(n / 3.0), instrument, pan=pan,
                            glide_st=row.glide_st if i % 2 else 0.0 - row.glide_st,
                            cutoff_mul=row.cutoff_mul))
    return out


def voiced_chords(chords: list[Chord], *, row: PadStyle, n_beats: float
                  ) -> Iterator[tuple[Chord, tuple[int, ...]]]:
    """Each chord starting before ``n_beats`` with its voicing in the style's register,
    each led smoothly from the one before (:func:`~moodc.synth.theory.voice_chord`)."""
    previous: tuple[int, ...] | None = None
    for c in chords:
        if c.start_beats >= n_beats:
            break
        previous = voice_chord(c, low_midi=row.low_midi, high_midi=row.high_midi,
                               previous=previous)
        yield c, previous


def held_line(ctl: Controls, row: PadStyle, *, chords: list[Chord], n_beats: float,
              instrument: str, breath_s: float) -> list[Note]:
    """A wind player's pad: one player cannot hold a chord, so each chord (voiced in the
    style's register) is a line of long tones on its tones, one per breath.

    Each chord is held as long as it lasts, breathed every ``breath_s`` seconds at most
    (:func:`~moodc.synth.events.breathed`) and before the next chord; its first breath
    takes the chord tone nearest the line's last pitch (the top tone to begin), and each
    further breath steps to the neighbouring chord tone, downward first and turning at the
    voicing's ends: the shakuhachi's or the bansuri's long tones over a still harmony, with
    a breath of silence between them, instead of an organ's block chord. The line has the
    power of the style's chord (three notes at its velocity: one at √3 times it), so the
    pad keeps its place in the mix.
    """
    out: list[Note] = []
    pitch: float | None = None
    for c, voicing in voiced_chords(chords, row=row, n_beats=n_beats):
        tones = sorted(voicing)
        k = (len(tones) - 1 if pitch is None
             else int(np.argmin([abs(t - pitch) for t in tones])))
        step = -1
        chord_s = c.length_beats * ctl.beat_s
        # the breath before the next chord, never more than half a (fast) chord
        held = Note(c.start_beats * ctl.beat_s, max(chord_s - BREATH_GAP_S, 0.5 * chord_s),
                    float(tones[k]), row.velocity * np.sqrt(3.0), instrument,
                    cutoff_mul=row.cutoff_mul)
        for breath in breathed([held], breath_s=breath_s):
            out.append(replace(breath, midi=float(tones[k])))
            pitch = tones[k]
            if not 0 <= k + step < len(tones):
                step = -step
            k = min(max(k + step, 0), len(tones) - 1)
    return out


#: Pad voices that cannot hold a chord: a console's pulse channel plays one note at a time,
#: so its chords are arpeggiated, one chord tone per video frame (60 Hz), by the voice this
#: names for the chord's number of notes.
FRAME_ARPEGGIO_VOICE: dict[str, Callable[[int], str]] = {"square_8bit": chip_arp_voice}
#: A frame arpeggio is written in notes of whole cycles, about this long (each a short,
#: cached note).
ARP_SEGMENT_S = 1.9


def _frame_arpeggio(ctl: Controls, row: PadStyle, *, chords: list[Chord], n_beats: float,
                    voice: Callable[[int], str]) -> list[Note]:
    """Each chord (voiced in the style's register) as a frame-rate arpeggio: its tones take
    turns upward, one per frame of :data:`CONSOLE_FRAME_HZ`, as long as it lasts.

    Tone k of n is one note of the n-note voice (which sounds one frame in n) starting k
    frames into the chord, and again every :data:`ARP_SEGMENT_S` of whole cycles.
    """
    frame_s = 1.0 / CONSOLE_FRAME_HZ
    out = []
    for c, voicing in voiced_chords(chords, row=row, n_beats=n_beats):
        tones = voicing[:ARP_MAX_NOTES]
        n = len(tones)
        n_frames = int(round(min(c.length_beats, n_beats - c.start_beats) * ctl.beat_s
                             / frame_s))
        segment = n * max(int(ARP_SEGMENT_S * CONSOLE_FRAME_HZ) // n, 1)
        for first in range(0, n_frames, segment):
            for k, midi in enumerate(tones):
                n_own = min(segment, n_frames - first) - k  # frames from its first turn
                if n_own > 0:
                    out.append(Note(c.start_beats * ctl.beat_s + (first + k) * frame_s,
                                    n_own * frame_s, float(midi), row.velocity, voice(n),
                                    cutoff_mul=row.cutoff_mul))
    return out


@dataclass(frozen=True)
class CompPattern:
    """How a pad comps a rhythm style (a guitar, a piano, a bandoneón, a brass section).

    ``chords`` are the chord strokes and ``thumb`` the bass notes under them, as lane
    patterns over steps of ``step_beats`` (a pattern longer than a bar runs across bars,
    as in :class:`RhythmStyle`; an empty one plays nothing). Thumb notes alternate the
    chord's root and fifth. Chords are led smoothly from one to the next, voiced rootless
    (:func:`~moodc.synth.theory.rootless_voicing`) when ``rootless``, else as the chord
    itself spread over ``n_strings`` strings by octave doublings (0: as voiced).

    A stroke rings to the next one, or for ``stroke_beats`` when that is set (a short,
    muted skank; a staccato marcato). Its strings sound ``strum_s`` apart, low to high;
    an accent ``X`` chord stroke is a rasgueado when ``fan_strokes`` > 1: that many strums
    fanned ``fan_s`` apart (the fingers flicked out one after another), growing to full.
    ``ending`` replaces the last bar of every phrase (``composition.phrase_bars``) with
    its own strokes on the chords of ``ending_degrees`` (7-note scale degrees, one per
    stroke in turn): the tango's *chan-chan*. ``any_voice`` comps with sustained pads too;
    otherwise only plucked or struck ones comp, and a sustained pad holds its chords.
    ``bubble`` is a keyboard's part beside the strokes, a lane over steps of
    ``bubble_step_beats`` played by :data:`BUBBLE_VOICE` whatever the pad's voice: short
    chords in the middle register (:data:`BUBBLE_LOW_MIDI`..:data:`BUBBLE_HIGH_MIDI`), an
    ``o`` softer than an ``x`` (reggae's organ bubble; empty: no keyboard).
    ``drop_every_bars`` > 0: the dub mixer's drop-out, the last bar of every that many bars
    with the drums and the comping pulled out (the bass rides alone, the echoes already
    sent ring on into the gap) and all back on the next downbeat (:func:`in_drop_out`).
    ``bass_lift_db`` mixes the bass layer that much louder, whatever its style (a layer
    gain: the notes' velocities stop at 1): where the bass is the lead instrument (reggae:
    as loud as the rest of the band together).
    ``bass_doubles``: a ``pulsing`` bass layer plays the thumb's strokes instead of an even
    beat, root and fifth below in turn, as short as the chords (the tango's contrabajo marks
    the marcato and the síncopa with the bandoneones' left hand; the bossa's bassist plays
    the guitar's thumb); with ``arrastre_beats`` it drags into every accented ``X`` stroke
    from the semitone below, that many beats early (the tango's *arrastre*; 0: no drag).
    ``force_brightness``: a harder strum is brighter, not only louder (the nail or pick
    drives the strings' upper partials harder): each strum's cutoff is scaled by its force
    relative to a plain ``x`` stroke to this power (:func:`strum_cutoff_mul`), so an
    accent and the last finger of a rasgueado ring out bright and the first fingers and
    the up-strokes sound softer in colour too (0: the same colour at any force).
    ``string_cents``: the tuning of a real guitar's strings, low to high, each a few cents
    off (:data:`GUITAR_STRING_CENTS`): a strum's strings beat gently against each other
    and the same pitch on two strings is two sounds (empty: every string exactly in tune).
    ``level`` scales the chord strokes' loudness: an accompanist under a lead that carries
    the tune (the jig's guitar under the fiddle) plays below the pad's usual level.
    ``approach_st``: on the last thumb stroke before a chord change the thumb and a doubling
    bass lead into the new root from that many semitones above instead of playing the
    fifth (1: the jazz bassist's chromatic approach, the root of the tritone substitute
    resolving down a half step; 0: root and fifth only).
    ``fingers``: the strokes are played with the flesh of the thumb and fingertips, not
    the nails or a pick (the bossa batida): a voice with a finger-played voice
    (:attr:`~moodc.synth.instruments.Instrument.fingers`, the nylon guitar's) comps with it.
    ``piano`` is the orchestra's piano beside the strokes, a lane over ``step_beats`` played
    by :data:`PIANO_VOICE` whatever the pad's voice: each stroke's char says which hands
    play (:data:`PIANO_HANDS`: the left hand's low octave, the right hand's chord, or both),
    the left hand dragged into its strokes like the bass (``arrastre_beats``), and both
    hands on the phrase ending's strokes (the tango's *yumba*; empty: no piano).
    """

    step_beats: float
    chords: str
    thumb: str
    stroke_beats: float = 0.0
    strum_s: float = 0.004
    fan_strokes: int = 1
    fan_s: float = 0.0
    rootless: bool = True
    n_strings: int = 0
    ending: str = ""
    ending_degrees: tuple[int, ...] = ()
    any_voice: bool = False
    bass_doubles: bool = False
    arrastre_beats: float = 0.0
    approach_st: int = 0
    bubble: str = ""
    bubble_step_beats: float = 0.25
    bass_lift_db: float = 0.0
    drop_every_bars: int = 0
    level: float = 1.0
    piano: str = ""
    force_brightness: float = 0.0
    string_cents: tuple[float, ...] = ()
    fingers: bool = False


#: The oom-pah band's chords: the "pah" on 2 and 4, short (the bass layer's two-beat has
#: the "oom"), whatever the pad's voice (a brass section, an accordion).
OOM_PAH = CompPattern(step_beats=0.5, chords="..x...x.", thumb="", stroke_beats=0.4,
                      strum_s=0.0, rootless=False, any_voice=True)

#: How much louder (dB) a one-drop's bass is mixed than the bass layer's own level: the lead
#: of a reggae band, about as loud (K-weighted) as the drums, skank and organ together,
#: where the same bass under a bossa's comping sits 7.7 LU below them.
REGGAE_BASS_LIFT_DB = 5.0

#: How much brighter a harder strum is (:attr:`CompPattern.force_brightness`): the cutoff
#: follows the force to this power, so an accent ``X`` (force 1.0 against a plain stroke's
#: 0.9) is ~17 % brighter, an up-stroke ``o`` (0.5) ~40 % as bright and a rasgueado's
#: first finger (0.6) about half as bright as its last.
STRUM_FORCE_BRIGHTNESS = 1.5
#: The colours a strum's brightness is rounded to (cutoff multipliers; the nearest on a
#: log scale): dark (an up-stroke, a rasgueado's first finger), plain, bright (an accent,
#: a rasgueado's last finger). Each colour of each string is a distinct note sound to
#: synthesise and cache; the six exact colours of the flamenco comp made 4.7x as many
#: (341 against 73 in 300 s, the cache thrashing), and within a 90 ms fan the ear hears
#: "darker to brighter", not four shades.
STRUM_BRIGHTNESS_STEPS: tuple[float, ...] = (0.55, 1.0)


def strum_cutoff_mul(comp: CompPattern, *, force: float) -> float:
    """The cutoff multiplier of a strum of ``force`` (its stroke's velocity times its
    place in a rasgueado's fan), relative to a plain ``x`` stroke
    (:attr:`CompPattern.force_brightness`), rounded to the nearest of
    :data:`STRUM_BRIGHTNESS_STEPS` (exactly 1 when the comp has no force brightness)."""
    if not comp.force_brightness:
        return 1.0
    exact = (force / STROKE_VELOCITY["x"]) ** comp.force_brightness
    return min(STRUM_BRIGHTNESS_STEPS, key=lambda step: abs(np.log(step / exact)))


#: A guitar tuned by ear, low string to high (cents off the tempered pitch): no real
#: guitar is in perfect tune with itself (the player tunes by ear, the strings drift with
#: the room and the playing), and a few cents between strings is the slow beating that
#: makes a strum sound like six strings rather than one synthesised chord.
GUITAR_STRING_CENTS: tuple[float, ...] = (0.0, 3.0, -2.0, 4.0, -3.0, 2.0)


def string_offset_st(comp: CompPattern, *, string: int) -> float:
    """How far string ``string`` (0 = the lowest) is out of tune, in semitones
    (:attr:`CompPattern.string_cents`; 0 for an in-tune comp)."""
    if not comp.string_cents:
        return 0.0
    return comp.string_cents[min(string, len(comp.string_cents) - 1)] / 100.0


#: Rhythm style → its comping pattern; other styles let the pad ring one stroke per chord.
COMP_PATTERNS: dict[str, CompPattern] = {
    # Bossa nova (João Gilberto's batida): the thumb on 1 and the and-of-2 (and again on 3
    # and the and-of-4), the fingers' syncopated chord strokes over two bars; a pulsing
    # bass locks with the thumb, root and fifth (the surdo's figure the bassist plays),
    # and on the and-of-4 before a new chord both lead into its root from a half step above
    # the guitar at the centre of the sound, as on a João Gilberto record: the bassist
    # doubling its thumb sits under it (3 dB down: a doubling, not a second lead)
    "bossa": CompPattern(step_beats=0.5, chords="x.x..x.x.x..x.x.", thumb="x..xx..x",
                         bass_doubles=True, approach_st=1, fingers=True,
                         bass_lift_db=-3.0),
    # Flamenco (soleá / bulería compás, twelve counts): rasgueados on the accents 3, 6, 8,
    # 10 and 12, four fingers fanned 30 ms apart, each sweeping five strings in 24 ms (full
    # chords, the open-position shapes), single strums between, the thumb on 1 and 7
    "flamenco": CompPattern(step_beats=0.5, chords="..X.xX.X.X.X", thumb="x.....x.....",
                            strum_s=0.006, fan_strokes=4, fan_s=0.03, rootless=False,
                            n_strings=5, force_brightness=STRUM_FORCE_BRIGHTNESS,
                            string_cents=GUITAR_STRING_CENTS),
    # Tango: the bandoneones' marcato, every beat hit hard and short, the bar after it in
    # the 3-3-2 of the habanera (sincopa), the bass doubling them and dragging into the
    # strong beats (1 and 3 of the marcato, 1 of the habanera) from a sixteenth before;
    # every phrase ends on the chan-chan, two staccato chords (dominant, then tonic) and
    # silence; the piano is the other half of the rhythm section: the yumba, the left
    # hand's low octave heavy and dragged on 1 and 3, the right hand's chord on 2 and 4,
    # and in the habanera bar both hands on its 1, the chord on its other two strokes
    "tango": CompPattern(step_beats=0.5, chords="X.x.X.x.X..x..x.", thumb="X.x.X.x.X..x..x.",
                         stroke_beats=0.45, strum_s=0.0, rootless=False,
                         ending="X.X.....", ending_degrees=(4, 0), any_voice=True,
                         bass_doubles=True, arrastre_beats=0.25, piano="L.R.L.R.B..R..R."),
    "oompah": OOM_PAH,
    # the jig's session guitar (or bouzouki): a flat pick strumming open chords in the
    # jig's own rhythm, down on each dotted-quarter beat (the bar's first the hardest) and
    # a light up-stroke on the third eighth, so the chords drive the tune instead of
    # holding under it, and under the fiddle (half the pad's level: a session's guitar
    # backs the tune, it does not lead); the pick crosses six strings in ~40 ms
    "jig": CompPattern(step_beats=0.5, chords="X.ox.o", thumb="", strum_s=0.008,
                       rootless=False, n_strings=6, level=0.5,
                       force_brightness=STRUM_FORCE_BRIGHTNESS,
                       string_cents=GUITAR_STRING_CENTS),
    # the bulgar: the band keeps its oom-pah on the beats while the drummer plays the 3-3-2
    # across them (the poyk against the comp is the freylekhs' lift)
    "bulgar": OOM_PAH,
    # Reggae: the skank, a short, muted, bright chord on 2 and 4 of the half-time one-drop
    # (choked by the palm: the pluck's marcato voice), and the organ's bubble between the
    # beats, sixteenths on the "and" and, softer, the "a" of every beat: bub-ble
    "one_drop": CompPattern(step_beats=0.5, chords="..x...x.", thumb="", stroke_beats=0.25,
                            strum_s=0.002, rootless=False, bubble="..xo" * 4,
                            bass_lift_db=REGGAE_BASS_LIFT_DB, drop_every_bars=8),
}
#: The keyboard that plays a pattern's bubble, and its register: the chord in the middle of
#: the keys (G3..G4), under the skank, so the two interlock rather than blur.
BUBBLE_VOICE = "organ"
BUBBLE_LOW_MIDI = 55
BUBBLE_HIGH_MIDI = 67
#: A bubble chord is a staccato touch this long (beats): the organist lifts at once.
BUBBLE_GATE_BEATS = 0.2
#: The bubble's level against a comping stroke of the same accent (an organ's sustained
#: tone is louder for its length than a choked pluck), and its place left of centre.
BUBBLE_LEVEL = 0.3
BUBBLE_PAN = -0.3
#: Register of the thumb's bass notes: roots in E2..D#3, like a guitar's low strings, the
#: fifth above the root up to :data:`THUMB_HIGH_MIDI`, otherwise the fifth below it.
THUMB_LOW_MIDI = 40
THUMB_HIGH_MIDI = 52
#: The thumb sits a little left of the fingers' chord strokes (spread over ±0.15).
THUMB_PAN = -0.1


def comp_pattern(ctl: Controls, *, instrument: str) -> CompPattern | None:
    """The rhythm style's comping pattern if the pad voice plays it (a plucked or struck
    voice, or any voice for a pattern that says so), else None."""
    comp = COMP_PATTERNS.get(ctl.styles["rhythm"])
    if comp is None or not (comp.any_voice or INSTRUMENT_VOICES[instrument].percussive):
        return None
    return comp


def _comp_strokes(ctl: Controls, pattern: str, *, step_beats: float, n_beats: float,
                  thinned: bool = True) -> list[tuple[float, float, str]]:
    """``(beat, beats to the next stroke, stroke char)`` of a comping lane over the piece.

    Steps map to the meter like the drums' (:func:`_rhythm_step_beats`): in 12/8 half-beat
    steps are the compás's twelve counts. Below medium a ``thinned`` lane, like every drum
    lane, keeps only its strokes on the tempo feel's keep grid (:func:`_kept_steps`): a
    laid-back half-time, not the fast strum under a slow tune. A figure that *is* its
    off-beats (reggae's organ bubble, at home at slow tempos) or a cadence (the tango's
    chan-chan) is not thinned: without its strokes it would not be there at all."""
    if not pattern:
        return []
    step_beats = _rhythm_step_beats(step_beats, division=ctl.beat_division)
    keep_beats = (_rhythm_step_beats(ctl.feel.keep_grid_beats, division=ctl.beat_division)
                  if thinned and ctl.feel.keep_grid_beats > 0.0 else 0.0)
    per_bar = int(round(ctl.beats_per_bar / step_beats))
    cyclic = len(pattern) > per_bar
    steps = []
    for k in range(int(np.ceil(n_beats / step_beats))):
        ch = pattern[(k if cyclic else k % per_bar) % len(pattern)]
        if ch != "." and (not keep_beats or _on_grid(k * step_beats, keep_beats)):
            steps.append((k * step_beats, ch))
    nxt = [b for b, _ in steps[1:]] + [n_beats]
    return [(b, max(e - b, step_beats), ch) for (b, ch), e in zip(steps, nxt)]


def _with_ending(ctl: Controls, comp: CompPattern, strokes: list[tuple[float, float, str]],
                 *, n_beats: float) -> list[tuple[float, float, str, int | None]]:
    """``strokes`` with the last bar of every phrase replaced by the ending's strokes; each
    as ``(beat, length, char, ending degree or None)``."""
    if not ends_phrases(ctl, comp=comp):
        return [(b, n, ch, None) for b, n, ch in strokes]
    bar = ctl.beats_per_bar
    phrase = ctl.comp.phrase_bars * bar
    out = [(b, n, ch, None) for b, n, ch in strokes if not in_phrase_ending(ctl, beat=b)]
    ending = _comp_strokes(ctl, comp.ending, step_beats=comp.step_beats, n_beats=bar,
                           thinned=False)
    for start in np.arange(phrase - bar, n_beats, phrase):
        out += [(start + b, n, ch, comp.ending_degrees[k % len(comp.ending_degrees)])
                for k, (b, n, ch) in enumerate(ending)]
    return sorted(out, key=lambda s: s[0])


def _ending_chord(ctl: Controls, *, degree: int, beat: float) -> Chord:
    """The chord on 7-note ``degree`` of the document's scale at ``beat`` (an ending's)."""
    index = scale_index_of_degree(degree, scale=ctl.scale)
    return Chord(beat, 1.0, index, (ctl.root_pc + ctl.scale[index]) % 12,
                 chord_intervals(index, scale=ctl.scale, extensions=ctl.comp.extensions))


def _spread(voicing: tuple[int, ...], *, n_strings: int) -> tuple[int, ...]:
    """``voicing`` doubled an octave up, tone by tone, until it has ``n_strings`` notes."""
    if not n_strings:
        return voicing
    out = list(voicing)
    k = 0
    while len(out) < n_strings:
        out.append(voicing[k % len(voicing)] + 12 * (1 + k // len(voicing)))
        k += 1
    return tuple(sorted(out))


def _strums(comp: CompPattern, ch: str) -> list[tuple[float, float]]:
    """``(delay s, level)`` of each strum of one chord stroke: one, or a rasgueado's fan."""
    if ch != "X" or comp.fan_strokes <= 1:
        return [(0.0, 1.0)]
    n = comp.fan_strokes
    return [(k * comp.fan_s, 0.6 + 0.4 * k / (n - 1)) for k in range(n)]


def stroke_voice(comp: CompPattern, *, instrument: str) -> str:
    """The voice ``instrument`` comps ``comp`` with: its marcato voice
    (:attr:`~moodc.synth.instruments.Instrument.marcato`) when the strokes are short
    (``stroke_beats``: a staccato marcato is attacked, not swelled), its finger-played voice
    (:attr:`~moodc.synth.instruments.Instrument.fingers`) when the pattern is played with
    the fingers' flesh (``fingers``: the bossa batida), else itself."""
    voice = INSTRUMENT_VOICES[instrument]
    if comp.stroke_beats and voice.marcato:
        return voice.marcato
    if comp.fingers and voice.fingers:
        return voice.fingers
    return instrument


def _comp_notes(ctl: Controls, row: PadStyle, comp: CompPattern, *, chords: list[Chord],
                n_beats: float, instrument: str) -> list[Note]:
    """The comping pad: chord strokes (strummed, fanned) and alternating root/fifth thumb
    notes, the last bar of each phrase replaced by the pattern's ending. Short strokes
    play the instrument's marcato voice (:func:`stroke_voice`); strokes and thumb are
    lighter while the lead's section has the tune
    (:func:`~moodc.synth.melody.comp_level`)."""
    instrument = stroke_voice(comp, instrument=instrument)
    out: list[Note] = []
    previous: tuple[int, ...] | None = None
    strokes = _with_ending(ctl, comp, _comp_strokes(ctl, comp.chords,
                                                    step_beats=comp.step_beats,
                                                    n_beats=n_beats), n_beats=n_beats)
    for beat, length, ch, degree in strokes:
        if in_drop_out(ctl, comp=comp, beat=beat):
            continue
        c = chord_at(chords, beat) if degree is None else _ending_chord(ctl, degree=degree,
                                                                        beat=beat)
        if comp.rootless:
            c = rootless_voicing(c, root_pc=ctl.root_pc, scale=ctl.scale)
        voicing = voice_chord(c, low_midi=row.low_midi, high_midi=row.high_midi,
                              previous=previous)
        previous = voicing
        strings = _spread(voicing, n_strings=comp.n_strings)
        start_s = swing(beat, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
        gate_s = (comp.stroke_beats or length) * ctl.beat_s
        vel = STROKE_VELOCITY[ch] * 0.5 * comp.level / np.sqrt(len(strings) / 3.0)
        if degree is None:  # the whole band strikes the ending
            vel *= comp_level(ctl, time_s=start_s)
        for delay_s, level in _strums(comp, ch):
            out += [Note(start_s + delay_s + comp.strum_s * i, gate_s,
                         float(m) + string_offset_st(comp, string=i), vel * level, instrument,
                         pan=0.15 * (i / max(len(strings) - 1, 1) * 2.0 - 1.0),
                         cutoff_mul=row.cutoff_mul * strum_cutoff_mul(
                             comp, force=STROKE_VELOCITY[ch] * level))
                    for i, m in enumerate(strings)]
    out += _thumb_notes(ctl, row, comp, chords=chords, n_beats=n_beats, instrument=instrument)
    out += _bubble_notes(ctl, comp, chords=chords, n_beats=n_beats)
    out += _piano_notes(ctl, comp, chords=chords, n_beats=n_beats)
    return out


#: The piano of a comping pattern (:attr:`CompPattern.piano`) and its place right of
#: centre (the bandoneones' strokes spread around the middle, a bubble sits left).
PIANO_VOICE = "_piano"
PIANO_PAN = 0.3
#: A piano stroke's char → (left hand plays, right hand plays, level): the yumba's "yum"
#: (``L``, the low octave, the heaviest), its "ba" (``R``, the chord, lighter), both hands
#: (``B``), and an ending's accented stroke (``X``: both, full).
PIANO_HANDS: dict[str, tuple[bool, bool, float]] = {
    "L": (True, False, 1.0), "R": (False, True, 0.7), "B": (True, True, 0.9),
    "X": (True, True, 1.0)}
#: The left hand's octave: the chord's root in G1..F#2 with the octave above it.
PIANO_LEFT_LOW_MIDI = 31
#: The right hand's chord, voiced close in A3..C5 and led smoothly.
PIANO_RIGHT_LOW_MIDI = 57
PIANO_RIGHT_HIGH_MIDI = 72
#: A full piano stroke's velocity before the hand's share of it: the piano about as loud
#: as the bandoneones' marcato (tango-milonga's dry stems, integrated: -20.4 and -20.8
#: LUFS), where 0.5 put it 7 dB over them and 2.5 dB over the contrabajo.
PIANO_VELOCITY = 0.12
#: The left hand holds its octave this many beats at most (the heavy, dragged yumba),
#: the right hand's chord is as short as the pattern's strokes.
PIANO_LEFT_HOLD_BEATS = 1.0


def _piano_notes(ctl: Controls, comp: CompPattern, *, chords: list[Chord],
                 n_beats: float) -> list[Note]:
    """The orchestra's piano beside the comping (:attr:`CompPattern.piano`): on each stroke
    the hands its char names (:data:`PIANO_HANDS`): the left hand's octave on the chord's
    root, held up to :data:`PIANO_LEFT_HOLD_BEATS` and dragged into from the semitone
    below (:func:`_arrastre`), the right hand's chord short; the phrase ending's strokes
    (the chan-chan) with both hands on the ending's chords, both short."""
    if not comp.piano:
        return []
    out: list[Note] = []
    previous: tuple[int, ...] | None = None
    strokes = _with_ending(ctl, comp, _comp_strokes(ctl, comp.piano, step_beats=comp.step_beats,
                                                    n_beats=n_beats), n_beats=n_beats)
    for beat, length, ch, degree in strokes:
        c = chord_at(chords, beat) if degree is None else _ending_chord(ctl, degree=degree,
                                                                        beat=beat)
        left, right, level = PIANO_HANDS[ch]
        start_s = swing(beat, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
        vel = PIANO_VELOCITY * level
        gate_s = (comp.stroke_beats or length) * ctl.beat_s
        if left:
            low = lowest_pitch(c.root_pc, low_midi=PIANO_LEFT_LOW_MIDI)
            hold_s = (min(length, PIANO_LEFT_HOLD_BEATS) * ctl.beat_s if degree is None
                      else gate_s)
            out += [Note(start_s, hold_s, float(m), vel, PIANO_VOICE, pan=PIANO_PAN)
                    for m in (low, low + 12)]
            if degree is None:
                out += _arrastre(ctl, comp, beat=beat, midi=low, velocity=vel,
                                 instrument=PIANO_VOICE)
        if right:
            voicing = voice_chord(c, low_midi=PIANO_RIGHT_LOW_MIDI,
                                  high_midi=PIANO_RIGHT_HIGH_MIDI, previous=previous)
            previous = voicing
            out += [Note(start_s, gate_s, float(m), vel / np.sqrt(len(voicing) / 3.0),
                         PIANO_VOICE, pan=PIANO_PAN) for m in voicing]
    return out


def _bubble_notes(ctl: Controls, comp: CompPattern, *, chords: list[Chord],
                  n_beats: float) -> list[Note]:
    """The keyboard's bubble under the comping (:attr:`CompPattern.bubble`): the chord of
    the moment, voiced close in :data:`BUBBLE_LOW_MIDI`..:data:`BUBBLE_HIGH_MIDI` and led
    smoothly, a short touch on each of the lane's strokes, swung with the piece."""
    out: list[Note] = []
    previous: tuple[int, ...] | None = None
    for beat, _, ch in _comp_strokes(ctl, comp.bubble, step_beats=comp.bubble_step_beats,
                                     n_beats=n_beats, thinned=False):
        if in_drop_out(ctl, comp=comp, beat=beat):
            continue
        voicing = voice_chord(chord_at(chords, beat), low_midi=BUBBLE_LOW_MIDI,
                              high_midi=BUBBLE_HIGH_MIDI, previous=previous)
        previous = voicing
        start_s = swing(beat, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
        vel = STROKE_VELOCITY[ch] * BUBBLE_LEVEL / np.sqrt(len(voicing) / 3.0)
        out += [Note(start_s, BUBBLE_GATE_BEATS * ctl.beat_s, float(m), vel, BUBBLE_VOICE,
                     pan=BUBBLE_PAN) for m in voicing]
    return out


def _thumb_notes(ctl: Controls, row: PadStyle, comp: CompPattern, *, chords: list[Chord],
                 n_beats: float, instrument: str) -> list[Note]:
    """The thumb's bass notes: the chord's root and fifth in turn (in an ending, the ending
    chord's root), on a guitar's low strings; into a new chord, the bassist's approach from
    :attr:`CompPattern.approach_st` above its root (:func:`approached_chord`); lighter
    with the chord strokes while the lead's section has the tune
    (:func:`~moodc.synth.melody.comp_level`)."""
    out = []
    strokes = _with_ending(ctl, comp, _comp_strokes(ctl, comp.thumb, step_beats=comp.step_beats,
                                                    n_beats=n_beats), n_beats=n_beats)
    for i, (beat, length, ch, degree) in enumerate(strokes):
        c = chord_at(chords, beat) if degree is None else _ending_chord(ctl, degree=degree,
                                                                        beat=beat)
        root = lowest_pitch(c.root_pc, low_midi=THUMB_LOW_MIDI)
        fifth = root + _fifth(c)
        pitch = root if i % 2 == 0 or degree is not None else (
            fifth if fifth <= THUMB_HIGH_MIDI else fifth - 12)
        arriving = approached_chord(comp, chords=chords, beat=beat, until_next_beats=length,
                                    n_beats=n_beats)
        if arriving is not None and degree is None:
            pitch = lowest_pitch(arriving.root_pc, low_midi=THUMB_LOW_MIDI) + comp.approach_st
        start_s = swing(beat, ratio=ctl.comp.swing_ratio, division=ctl.beat_division) * ctl.beat_s
        level = comp_level(ctl, time_s=start_s) if degree is None else 1.0
        out.append(Note(start_s, (comp.stroke_beats or length) * ctl.beat_s,
                        float(pitch) + string_offset_st(comp, string=0),
                        STROKE_VELOCITY[ch] * 0.6 * level, instrument, pan=THUMB_PAN,
                        cutoff_mul=row.cutoff_mul))
    return out


@dataclass(frozen=True)
class InterlockPattern:
    """How a struck pad (a pair of metallophones) plays interlocking parts over a rhythm
    style: Balinese kotekan, Javanese imbal.

    The parts elaborate the core melody (the balungan): the stream runs in groups of
    ``group_steps`` steps of ``step_beats``, and each group is a figure
    (:data:`KOTEKAN_FIGURES`) that leads to the balungan tone of the beat it ends on and
    lands on it, chosen by how the melody moves into that tone; so the pattern changes
    as the melody moves. The stream is shared *nyog cag*: the polos takes the even steps
    (the landings among them), the sangsih the odd ones, so neither plays twice in a row
    and together they never leave a step empty; only on the gong stroke (beat
    ``gong_beat`` of every ``cycle_beats``) do both strike, in unison, accented. Over the
    gong cycle the players swell and fall back (:func:`_stroke_level`), and a harder stroke
    is brighter (:data:`STROKE_CUTOFF_MULS`). ``pans`` places the two players;
    ``velocity`` is a full stroke's (the strokes average about 0.9 of it).
    """

    step_beats: float
    group_steps: int
    cycle_beats: float
    gong_beat: float
    pans: tuple[float, float] = (-0.45, 0.45)
    velocity: float = 0.55


#: Rhythm style → its interlocking parts for a struck pad. The gong cycle's kotekan runs in
#: sixteenths (four to a beat, twice the eighth-note pulse of the gong lanes) in groups of
#: a beat, each landing on the balungan tone of the next beat; the gong ageng closes the
#: 16-beat gongan on its last beat (``GONG_CYCLE_LANES``), where both parts land together.
INTERLOCK_PATTERNS: dict[str, InterlockPattern] = {
    "gong_cycle": InterlockPattern(step_beats=0.25, group_steps=4, cycle_beats=16.0,
                                   gong_beat=15.0),
}

#: How the melody moves into a group's target tone → the group's figure, in scale steps
#: from that target, the last step the target itself. A held tone is played *norot*-like
#: (its upper neighbour and the tone in turn, so the sangsih repeats the neighbour and the
#: polos the tone); a rising one is approached from below, running up past it and falling
#: back onto it, a falling one the mirror image: the anticipation a kotekan makes of the
#: next balungan tone.
KOTEKAN_FIGURES: dict[str, tuple[int, ...]] = {
    "same": (1, 0, 1, 0),
    "up": (-2, -1, 1, 0),
    "down": (2, 1, -1, 0),
}

#: Stroke dynamics over the gong cycle: the players start at ``low`` of the full stroke,
#: swell to full at mid-cycle and fall back before the gong; a landing on the beat is
#: ``landing`` times stronger than the off-beat strokes around it, the unison gong stroke
#: ``gong`` times.
STROKE_DYNAMICS: dict[str, float] = {"low": 0.65, "landing": 1.15, "gong": 1.35}

#: A harder stroke is brighter, not only louder: the key's high strike modes and the
#: mallet's tick grow with the force (a bronze voice reads it from the note's brightness:
#: ``instruments.GAMELAN_FULL_STROKE_HZ``). Stroke level (velocity over the pattern's) at
#: or above each threshold → the note's cutoff multiplier; the few steps keep the tones
#: cached per pitch and brightness. A soft stroke is darker but keeps the mallet's contact
#: (about half the full clang at ``bright``; a full stroke > 3× its high strike energy):
#: with softer steps (0.15 / 0.07) the soft strokes lost their attack, and at very_fast the
#: onsets a listener counts fell below medium's (5.3 vs 6.0 a second; now 6.6 vs 6.3).
STROKE_CUTOFF_MULS: tuple[tuple[float, float], ...] = ((1.0, 1.0), (0.8, 0.3), (0.0, 0.15))


def _stroke_level(interlock: InterlockPattern, *, beat: float, landing: bool,
                  gong: bool) -> float:
    """One stroke's force relative to the pattern's velocity: a swell over the gong
    cycle (:data:`STROKE_DYNAMICS`), the landings on the beat and the gong stroke accented."""
    phase = (beat % interlock.cycle_beats) / interlock.cycle_beats
    low = STROKE_DYNAMICS["low"]
    level = low + (1.0 - low) * float(np.sin(np.pi * phase))
    if gong:
        return STROKE_DYNAMICS["gong"]
    return level * (STROKE_DYNAMICS["landing"] if landing else 1.0)


def _stroke_cutoff_mul(level: float) -> float:
    """The brightness of a stroke of this force (:data:`STROKE_CUTOFF_MULS`)."""
    return next(mul for threshold, mul in STROKE_CUTOFF_MULS if level >= threshold)


def _balungan_pcs(melody: list[Note], chords: list[Chord], *, beats: np.ndarray,
                  beat_s: float) -> list[int]:
    """The pitch class of the balungan at each of ``beats``: the melody note sounding then
    (one starting up to half a sixteenth late still counts), else the chord's root."""
    melody = sorted(melody, key=lambda n: n.start_s)
    starts = np.array([n.start_s for n in melody])
    sounding = np.searchsorted(starts, (beats + 0.125) * beat_s, side="right") - 1
    return [int(round(melody[i].midi)) % 12 if i >= 0 else chord_at(chords, float(b)).root_pc
            for i, b in zip(sounding, beats, strict=True)]


def _target_index(pitches: np.ndarray, *, pc: int, previous: int, low_midi: int,
                  high_midi: int) -> int:
    """Index in ``pitches`` of the tone of pitch class ``pc`` (or the nearest to it) in
    ``[low_midi, high_midi]``, the nearest to the previous target: the parts follow the
    melody's contour in their own register."""
    candidates = [i for i, m in enumerate(pitches) if low_midi <= m <= high_midi]

    def cost(i: int) -> tuple[int, int]:
        d = abs(int(pitches[i]) % 12 - pc)
        return min(d, 12 - d), abs(i - previous)

    return min(candidates, key=cost)


def _contour(previous: int, target: int) -> str:
    """How the line moves into ``target``: a key of :data:`KOTEKAN_FIGURES`."""
    return "same" if target == previous else ("up" if target > previous else "down")


def _interlock_notes(ctl: Controls, row: PadStyle, interlock: InterlockPattern, *,
                     chords: list[Chord], n_beats: float, instrument: str,
                     melody: list[Note]) -> list[Note]:
    """The two interlocking parts over the melody (see :class:`InterlockPattern`): step k
    of the stream goes to player ``k % 2``, group by group towards the balungan tones."""
    pitches = scale_pitches(root_pc=ctl.root_pc, scale=ctl.scale, low_midi=row.low_midi - 12,
                            high_midi=row.high_midi + 12)
    group_beats = interlock.step_beats * interlock.group_steps
    n_groups = int(np.ceil(n_beats / group_beats - 1e-9)) + 1
    pcs = _balungan_pcs(melody, chords, beats=np.arange(n_groups) * group_beats,
                        beat_s=ctl.beat_s)
    targets = [int(np.argmin(np.abs(pitches - (row.low_midi + row.high_midi) / 2)))]
    for pc in pcs:
        targets.append(_target_index(pitches, pc=pc, previous=targets[-1],
                                     low_midi=row.low_midi, high_midi=row.high_midi))
    targets = targets[1:]
    strokes: list[tuple[int, int, float, float]] = []
    for k in range(int(np.ceil(n_beats / interlock.step_beats - 1e-9))):
        beat = k * interlock.step_beats
        g, pos = divmod(k, interlock.group_steps)
        if pos == 0:  # a landing: the last note of the group that ends here
            target, previous = targets[g], targets[max(g - 1, 0)]
        else:
            target, previous = targets[g + 1], targets[g]
        figure = KOTEKAN_FIGURES[_contour(previous, target)]
        idx = target + figure[(pos - 1) % interlock.group_steps]
        gong = pos == 0 and np.isclose(beat % interlock.cycle_beats, interlock.gong_beat)
        level = _stroke_level(interlock, beat=beat, landing=pos == 0, gong=gong)
        players = (0, 1) if gong else (k % 2,)
        strokes += [(k, player, float(pitches[idx]), level) for player in players]
    return _damped_strokes(ctl, row, interlock, strokes, instrument=instrument)


def _damped_strokes(ctl: Controls, row: PadStyle, interlock: InterlockPattern,
                    strokes: list[tuple[int, int, float, float]], *,
                    instrument: str) -> list[Note]:
    """Notes of the ``(step, player, midi, level)`` strokes, each lasting until the same
    player's next stroke (then damped: tutup), as loud and as bright as its level."""
    step_s = interlock.step_beats * ctl.beat_s
    next_step: dict[int, int] = {}
    out = []
    for k, player, midi, level in reversed(strokes):
        n_steps = next_step.get(player, k + 2) - k
        next_step[player] = k
        out.append(Note(k * step_s, n_steps * step_s, midi, interlock.velocity * level,
                        instrument, pan=interlock.pans[player],
                        cutoff_mul=row.cutoff_mul * _stroke_cutoff_mul(level)))
    return out[::-1]


# ------------------------------------------------------------------------------------------
# Accents: occasional ornamental hits.
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccentStyle:
    """One accent style: what plays, how often and how.

    ``voice`` is an instrument (``pitched``) or a drum sound; one figure every
    ``every_bars`` bars at ``at_beat`` in the bar. Pitched figures are ``n_notes`` random
    chord tones ``spacing_beats`` apart, ``note_beats`` long, ``octave`` octaves above C4,
    or one ``chord_stab`` (the chord's first ``n_notes`` tones together). Unpitched hits
    play at ``velocity`` and are skipped with probability ``skip_prob`` (loose shaking).
    """

    voice: str
    pitched: bool
    every_bars: float
    n_notes: int = 1
    octave: int = 0
    at_beat: float = 0.0
    spacing_beats: float = 0.25
    note_beats: float = 0.9
    chord_stab: bool = False
    velocity: float = 0.7
    skip_prob: float = 0.0


ACCENT_STYLES: dict[str, AccentStyle] = {
    "bells": AccentStyle("bell", True, 2.0, n_notes=1, octave=1),
    "chime": AccentStyle("_chime", True, 2.0, n_notes=4, octave=2, at_beat=0.5,
                         spacing_beats=0.17),
    "pluck": AccentStyle("pluck", True, 2.0, n_notes=3, octave=1),
    "blip": AccentStyle("square_8bit", True, 1.0, n_notes=2, octave=2, at_beat=1.5,
                        note_beats=0.3),
    "brass_hit": AccentStyle("brass", True, 4.0, n_notes=3, chord_stab=True),
    "gong": AccentStyle("gong", False, 8.0),
    "sleigh_bells": AccentStyle("sleigh", False, 0.25, velocity=0.5, skip_prob=0.15),
    "glockenspiel": AccentStyle("_glock", True, 1.0, n_notes=2, octave=2, at_beat=1.0),
    "wood_block": AccentStyle("wood_block", False, 0.5, at_beat=0.5),
}


def accent_events(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                  rng: np.random.Generator) -> tuple[list[Note], list[Hit]]:
    """Accent notes/hits: a sparse, seeded ornament on top of the music."""
    row = ACCENT_STYLES[style]
    bar = ctl.beats_per_bar
    notes: list[Note] = []
    hits: list[Hit] = []
    period = row.every_bars * bar
    for b in np.arange(0.0, n_beats, period):
        beat = b + min(row.at_beat, bar - 0.5)
        if not row.pitched:
            if row.skip_prob and rng.random() < row.skip_prob:
                continue
            hits.append(Hit(beat * ctl.beat_s, row.voice, row.velocity,
                            pan=float(rng.uniform(-0.5, 0.5))))
            continue
        c = [ch for ch in chords if ch.start_beats <= beat][-1]
        base = 60 + 12 * row.octave + c.root_pc
        if row.chord_stab:
            notes += _chord_stab(ctl, row, chord=c, beat=beat, base=base)
            continue
        for k in range(row.n_notes):
            tone = int(rng.integers(0, len(c.intervals) + 1))
            pan = float(rng.uniform(-0.7, 0.7))
            notes.append(Note((beat + k * row.spacing_beats) * ctl.beat_s,
                              row.note_beats * ctl.beat_s,
                              float(_chord_tone(c, tone, base=base)), 0.55, row.voice, pan=pan))
    return notes, hits


def _chord_stab(ctl: Controls, row: AccentStyle, *, chord: Chord, beat: float,
                base: int) -> list[Note]:
    """The chord's first ``row.n_notes`` tones struck together an octave below ``base``."""
    return [Note(beat * ctl.beat_s, 0.35 * ctl.beat_s,
                 float(_chord_tone(chord, k, base=base - 12)), 0.8, row.voice,
                 pan=0.1 * (k - 1))
            for k in range(row.n_notes)]


# ------------------------------------------------------------------------------------------
# Rhythm: patterns as strings over a step grid; laid out bar by bar in the meter.
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DubEcho:
    """A dub delay on one drum: the sound's hits are sent (alone) to a tape-style echo
    whose repeats come ``delay_beats`` apart, each ``feedback`` times the last, bouncing
    left and right, until they fall below ``floor`` (so the echo always dies away)."""

    sound: str
    delay_beats: float
    feedback: float
    floor: float = 0.05


@dataclass(frozen=True)
class RhythmStyle:
    """A drum pattern: a step grid, one lane per drum sound, and the sound of its fill.

    ``lanes`` maps a drum sound to its pattern over steps of ``step_beats``; pattern chars
    are strokes of :data:`STROKE_VELOCITY` (``X`` accent, ``x`` hit, ``o`` soft, ``.``
    rest). A pattern longer than a bar continues across bars (teental's 16-matra cycle,
    taiko's four-bar call and response); shorter or equal ones restart on every downbeat, so
    every pattern follows the document's meter. ``fill`` plays the roll closing every
    ``ctl.feel.fill_every_bars`` bars (the tempo feel's): strokes over the bar's last
    ``fill_beats`` beats, growing from ``fill_from_velocity`` to full (a crescendo); ``None``
    for styles that
    never fill (pulses, heartbeats, a lone hi-hat). ``dub`` echoes one lane's hits
    (:class:`DubEcho`), reggae's delay on the rim shot. ``keeper`` names the lane that takes
    the tempo feel's ghost strokes when it is not the busiest hand lane (a West African
    bell line is fixed: a drum plays around it). ``figure_beats`` > 0 marks a style that is
    one figure, not a groove: its pattern's first ``figure_beats`` beats are a single gesture
    and the breath after it (the heartbeat's lub-dub), so the tempo feel never thins it
    below medium and, above it, restates the figure with the bass's pulse (a heart that
    quickens at fast tempos). ``sticking`` gives a lane whose strokes alternate between
    sounds by their place on the step grid (the bodhrán tipper's down and up strokes): the
    lane's hits, its ghost strokes and a fill of that lane take ``sticking[lane][k % n]``
    at grid step k. ``ghosts`` False: the tempo feel never fills the time-keeping lane's
    gaps (the bulgar's gaps are its 3-3-2; filled, they would tick even eighths, a drum
    machine's grid). ``fills_phrases``: the fill closes every phrase
    (``composition.phrase_bars``) instead of every ``ctl.feel.fill_every_bars`` bars (a
    drummer leading the band into the next strain). ``quick_lanes`` join (or replace) the
    lanes above medium, when the tempo feel adds ghost strokes: how a style's drummer plays
    it taken fast (a bossa's brush tapping a samba's eighths).
    """

    step_beats: float
    lanes: dict[str, str]
    fill: str | None
    fill_beats: float = 1.0
    fill_from_velocity: float = 0.45
    dub: DubEcho | None = None
    keeper: str | None = None
    figure_beats: float = 0.0
    sticking: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ghosts: bool = True
    fills_phrases: bool = False
    quick_lanes: dict[str, str] = field(default_factory=dict)


#: Stroke character of a lane pattern → velocity. An accent ``X`` is full whatever its
#: place in the bar (an ensemble's unison hit); other strokes off the downbeat are played
#: at :data:`OFFBEAT_ACCENT` of their level.
STROKE_VELOCITY: dict[str, float] = {"X": 1.0, "x": 0.9, "o": 0.5}
OFFBEAT_ACCENT = 0.85

#: Taiko (kumi-daiko): four bars, 16 sixteenths each. Bars 1 and 3 are the odaiko's call
#: over the shime's time-keeping (ji-uchi) and the kane; bar 2 is the ensemble's answer,
#: every drum striking the same strokes together; in bar 4 the ensemble falls silent under
#: the nagado-daiko's crescendo roll (the fill) that leads back into the unison downbeat.
_TAIKO_CALL_1 = "X...x.x.xx..x..."
_TAIKO_CALL_2 = "X...x.x.x.x.x..."
_TAIKO_ANSWER = "X.x.X...X.xxX..."
_TAIKO_JI_UCHI = "x.o.x.o.x.o.x.o."
_TAIKO_REST = "." * 16
TAIKO_LANES: dict[str, str] = {
    "odaiko": _TAIKO_CALL_1 + _TAIKO_ANSWER + _TAIKO_CALL_2 + _TAIKO_REST,
    "taiko_don": _TAIKO_REST + _TAIKO_ANSWER + _TAIKO_REST + _TAIKO_REST,
    "shime": _TAIKO_JI_UCHI + _TAIKO_ANSWER + _TAIKO_JI_UCHI + _TAIKO_REST,
    "kane": "x...x...x...x..." + _TAIKO_ANSWER + "x...x...x...x..." + _TAIKO_REST,
    "taiko_ka": "..x...x...x...x." + _TAIKO_REST + "..x...x...x...x." + _TAIKO_REST,
}

#: Gamelan lancaran: a gong cycle (gongan) of 16 beats over four bars, in eighth-note steps.
#: The gong ageng closes the cycle on its last beat, the kenong divides it in four (beats
#: 4, 8, 12, 16), the kempul sounds between kenongs (6, 10, 14, the first quarter left
#: empty, as in Javanese lancaran); the kendang drums the pulse under them, its open "dhah"
#: on 1 and 3, the dry "tak" of the small head on the and of 2 and on 4.
_GONGAN_STEPS = 32


def _colotomic(beats: tuple[int, ...]) -> str:
    """A 32-step lane striking on the given beats of a 16-beat cycle (1-based)."""
    return "".join("x" if k % 2 == 0 and k // 2 + 1 in beats else "."
                   for k in range(_GONGAN_STEPS))


GONG_CYCLE_LANES: dict[str, str] = {
    "gong_ageng": _colotomic((16,)),
    "kenong": _colotomic((4, 8, 12, 16)),
    "kempul": _colotomic((6, 10, 14)),
    "kendang": "x...x...",
    "kendang_tak": "...o..o.",
}

#: West African 12/8 (in steps of a third of a dotted-quarter beat, twelve a bar), a cycle of
#: four bars: the standard bell (x.x.xx.x.x.x, the seven-stroke timeline of Ewe agbekor and
#: Mande djembe music), the djembe's bass-slap-tone accompaniment, the dunun family (dundun
#: and sangban answering, the kenkeni in quarter notes: six strokes against the four beats,
#: the 3:2 that makes it polyrhythm) and the dunun players' own bells clanking the four
#: beats. In the cycle's third bar the lead djembe calls (:data:`DJEMBE_CALL`, its slaps over
#: the ensemble) and in the fourth the whole ensemble answers in unison
#: (:data:`DJEMBE_ANSWER`: three strokes together, then silence until the groove resumes).
#: The bells never answer: the timeline runs through everything.
WEST_AFRICAN_BELL = "x.x.xx.x.x.x"
DJEMBE_CALL = "X.xX.xX.x.x."
DJEMBE_ANSWER = "X..X..X....."
DJEMBE_CYCLE_BARS = 4
_DJEMBE_GROOVES: dict[str, str] = {
    "djembe_bass": "x.....x.....",
    "djembe_slap": "..x..x..x..x",
    "djembe_tone": "...xx....xx.",
    "dundun": "x.....x..x..",
    "sangban": "..x..x....x.",
    "kenkeni": "x.x.x.x.x.x.",
}


def _answered(groove: str) -> str:
    """A drum's lane over the call-and-response cycle: its groove, and the ensemble's
    answer in the cycle's last bar."""
    return groove * (DJEMBE_CYCLE_BARS - 1) + DJEMBE_ANSWER


DJEMBE_LANES: dict[str, str] = {
    "iron_bell": WEST_AFRICAN_BELL,
    **{sound: _answered(groove) for sound, groove in _DJEMBE_GROOVES.items()},
    "dunun_bell": "x..x..x..x..",
    "djembe_call": "." * 12 * (DJEMBE_CYCLE_BARS - 2) + DJEMBE_CALL + "." * 12,
}

#: The darbuka's roll (a fill, not a lane): its strokes alternate between the strong
#: hand's tek and the other hand's ka on the roll's grid (:data:`DARBUKA_STICKING`).
DARBUKA_ROLL = "darbuka_roll"
DARBUKA_STICKING: dict[str, tuple[str, ...]] = {DARBUKA_ROLL: ("tek", "ka")}

#: The dhol's roll (a fill): both sticks alternating on the roll's grid, the bent dagga on
#: the bass head and the cane tilli on the treble (:data:`DHOL_STICKING`).
DHOL_ROLL = "dhol_roll"
DHOL_STICKING: dict[str, tuple[str, ...]] = {DHOL_ROLL: ("dhol_dagga", "dhol_tilli")}

#: Hand drums whose strokes are never the same twice, sound → its number of takes (see
#: :func:`rotate_takes` and ``events.drum_name``): the bodhrán's tipper, the darbuka's
#: hands, a bossa drummer's stick across the snare. One sample replayed on every stroke is
#: a drum machine; a player's strokes differ a little in where they land, how hard and how
#: the skin is held.
DRUM_TAKES: dict[str, int] = {
    "bodhran": 3, "bodhran_up": 3, "bodhran_pressed": 3, "bodhran_up_pressed": 3,
    "doum": 3, "tek": 4, "ka": 4, "cross_stick": 4, "jazz_bass_drum": 3}


def next_take(sound: str, *, stroke: int, previous: int) -> int:
    """The take of stroke number ``stroke`` of ``sound``: any of its :data:`DRUM_TAKES` but
    the ``previous`` stroke's, picked by a hash of the stroke's number. Not a cycle: a
    cycle of n takes under a bar of n strokes would give every place in the bar its own
    sample, bar after bar (a drum machine's loop of n samples)."""
    n_takes = DRUM_TAKES[sound]
    step = 1 + zlib.crc32(f"{sound}/{stroke}".encode()) % (n_takes - 1)
    return (previous + step) % n_takes


def rotate_takes(hits: list[Hit]) -> list[Hit]:
    """``hits`` with each :data:`DRUM_TAKES` sound's strokes, in time order, taking its
    takes by :func:`next_take` (the first take 0), so no two successive strokes of one
    sound are the same take. Hits of one sound at one moment (a roll's stroke on a lane's)
    are one stroke, played harder: they share its take."""
    out = list(hits)
    count: dict[str, int] = {}
    last: dict[str, tuple[float, int]] = {}
    for i in sorted(range(len(hits)), key=lambda i: hits[i].start_s):
        sound, start_s = hits[i].sound, hits[i].start_s
        if DRUM_TAKES.get(sound, 1) <= 1:
            continue
        if sound not in last:
            take = 0
        elif last[sound][0] == start_s:
            take = last[sound][1]
        else:
            count[sound] = count.get(sound, 0) + 1
            take = next_take(sound, stroke=count[sound], previous=last[sound][1])
        last[sound] = (start_s, take)
        out[i] = replace(hits[i], take=take)
    return out


#: The palmas' takes (``drums.palmas``): the three clappers clap a little differently
#: every time, and the lane rotates through these so no two neighbouring claps are the
#: same sound (one sample for every clap is a drum machine's clap).
PALMAS_TAKES: tuple[str, ...] = ("palmas", "palmas_2", "palmas_3", "palmas_4", "palmas_5")

RHYTHM_STYLES: dict[str, RhythmStyle] = {
    "minimal": RhythmStyle(step_beats=1.0, fill=None,
                           lanes={"kick_soft": "x...", "shaker": "..o."}),
    "heartbeat": RhythmStyle(step_beats=0.25, fill=None, figure_beats=2.0,
                             lanes={"heart": "x..o............"}),
    "soft_four": RhythmStyle(step_beats=1.0, fill="brush_tap",
                             lanes={"kick_soft": "xxxx", "brush_tap": ".o.o"}),
    "hats_only": RhythmStyle(step_beats=0.5, fill=None,
                             lanes={"hat": "xoxoxoxo", "hat_open": ".......x"}),
    "electronic": RhythmStyle(step_beats=0.25, fill="clap",
                              lanes={"kick_808": "x.....x...x.....", "clap": "....x.......x...",
                                     "hat": "oxoxoxoxoxoxoxox"}),
    "rock": RhythmStyle(step_beats=0.5, fill="snare",
                        lanes={"kick": "x...x.x.", "snare": "..x...x.", "hat": "xxxxxxxx"}),
    # jazz brushes: the swish on every beat (leaning on 1 and 3 with the soft kick), the
    # tap on 2 and 4. Taken fast, a brush player stops sweeping the backbeat and pats every
    # beat on the snare (the up-tempo brush stroke): with the tap on 2 and 4 only, the kit's
    # strongest strokes fell on 1 and 3 and 160 BPM was heard at half time (81)
    "brush": RhythmStyle(step_beats=0.5, fill="brush_tap",
                         lanes={"brush_swish": "x.o.x.o.", "brush_tap": "..x...x.",
                                "kick_soft": "x...x..."},
                         quick_lanes={"brush_tap": "x.x.x.x."}),
    "four_on_floor": RhythmStyle(step_beats=0.5, fill="clap",
                                 lanes={"kick_808": "x.x.x.x.", "hat_open": ".x.x.x.x",
                                        "clap": "..x...x."}),
    "chiptune": RhythmStyle(step_beats=0.25, fill="chip_snare",
                            lanes={"chip_kick": "x.......x.x.....",
                                   "chip_snare": "....x.......x...",
                                   "chip_hat": "x.x.x.x.x.x.x.x."}),
    "waltz": RhythmStyle(step_beats=1.0, fill="brush_tap",
                         lanes={"bass_drum": "x..", "brush_tap": ".xx", "hat": ".oo"}),
    "march": RhythmStyle(step_beats=0.25, fill="snare",
                         lanes={"bass_drum_big": "x.......x.......", "snare": "x.xxx.x.x.xxx.x.",
                                "cymbal": "x..............."}),
    # bossa nova: the surdo-like bass drum (1, and-of-2, 3, and-of-4) feathered, felt more
    # than heard under the guitar's thumb; the rim-click bossa clave over two bars; and the
    # brush stirring the snare head in circles, a sweep per half bar. Up to medium the brush
    # does not tap eighths: taps accented off the beat over a bass drum on the beats are a
    # house record's hi-hat over its kick (the outside tagger heard "techno, drums" until
    # they went: docs/palettes.md, bossa-cafe). Taken fast, a bossa leans towards samba
    # and the brush taps the snare's eighths, leaning on the off-beats like a samba's
    # ganzá (the even eighths of the tempo feel's ghosts let a beat tracker take the
    # clave's 3-3-2 for the beat: 108 BPM at very_fast's 160)
    "bossa": RhythmStyle(step_beats=0.5, fill="cross_stick",
                         lanes={"jazz_bass_drum": "o..oo..o",
                                "cross_stick": "x..x..x...x..x..", "brush_sweep": "x...x..."},
                         quick_lanes={"snare_brush": "oxoxoxox"}),
    # the darbuka: the doum in the centre, the tek on the rim; the fill is the darbuka
    # player's roll, the two hands' rim strokes alternating (tek, ka, tek, ka...) over the
    # last two beats of a phrase, swelling from a murmur
    "maqsum": RhythmStyle(step_beats=0.5, fill=DARBUKA_ROLL, sticking=DARBUKA_STICKING,
                          fill_beats=2.0, fill_from_velocity=0.3,
                          lanes={"doum": "x...x...", "tek": ".x.x..x.", "ka": "......o."}),
    "baladi": RhythmStyle(step_beats=0.5, fill=DARBUKA_ROLL, sticking=DARBUKA_STICKING,
                          fill_beats=2.0, fill_from_velocity=0.3,
                          lanes={"doum": "xx..x...", "tek": "...x..x.", "ka": ".o...o.o",
                                 "riq": "o.o.o.o."}),
    "saidi": RhythmStyle(step_beats=0.5, fill=DARBUKA_ROLL, sticking=DARBUKA_STICKING,
                         fill_beats=2.0, fill_from_velocity=0.3,
                         lanes={"doum": "x..xx...", "tek": ".x....x.", "ka": "..o..o.o",
                                "bendir": "x...x...", "riq": ".o.o.o.o"}),
    "teental": RhythmStyle(step_beats=0.5, fill="tabla_na",
                           lanes={"bayan_ge": "x..xx..xx......x", "tabla_na": "xxxxxxxx....xxxx",
                                  "tabla_tin": "........xxxx...."}),
    # the bhangra chaal: "dha na na na na dha dha na" in eighths, the tilli on every one and
    # the dagga joining it on the dha strokes (1, the and-of-3, 4); played with a shuffle
    # (the document's swing), every second eighth a little late, it skips along. Its roll
    # into the next phrase is both sticks alternating, dagga and tilli
    "dhol": RhythmStyle(step_beats=0.5, fill=DHOL_ROLL, sticking=DHOL_STICKING,
                        lanes={"dhol_dagga": "x....xx.", "dhol_tilli": "xoxoxxxo"}),
    "taiko": RhythmStyle(step_beats=0.25, fill="taiko_don", lanes=TAIKO_LANES, fill_beats=4.0,
                         fill_from_velocity=0.15),
    # flamenco compás: twelve counts (a bar of 12/8, or a bar and a half of eighths in
    # 4/4), palmas on every count with the soleá/bulería accents on 3, 6, 8, 10 and 12
    # (counted from 1), the cajón's bass on the accents that close the two halves (3, 10)
    # and its slap on 6 and 8
    # (no two neighbouring claps the same: the palmas rotate through the clappers' takes)
    "flamenco": RhythmStyle(step_beats=0.5, fill="palmas",
                            lanes={"palmas": "ooXooXoXoXoX", "cajon": "..x......x..",
                                   "cajon_slap": ".....x.x...x"},
                            sticking={"palmas": PALMAS_TAKES}),
    # tango: no drum kit; the orchestra's marcato in four (every beat hit, heavy) as the
    # double bass's and the violins' golpes on the wood, a bar of marcato and a bar of the
    # habanera's 3-3-2
    "tango": RhythmStyle(step_beats=0.5, fill=None,
                         lanes={"golpe": "X.x.X.x.X..x..x."}),
    # oom-pah: the bass drum on 1 and 3 and the snare with a cymbal on 2 and 4 (the
    # klezmer and polka drummer's poyk with its tas); a soft hi-hat on the beats keeps time
    # (and takes a fast tempo's eighths, so the snare stays on 2 and 4)
    "oompah": RhythmStyle(step_beats=0.5, fill="snare",
                          lanes={"bass_drum": "x...x...", "snare": "..x...x.",
                                 "hat_open": "..o...o.", "hat": "o.o.o.o."}),
    # the klezmer bulgar (freylekhs): the poyk (the big drum and the small cymbal mounted
    # on it, struck together) on the 3-3-2 (dotted quarter, dotted quarter, quarter; the
    # downbeat the hardest), the tats (the cymbal alone) answering on the last eighth of each
    # group; no hi-hat and no ghost strokes (the gaps are the figure), a snare roll leading
    # into every phrase. Eight eighths: a bar of 4/4, two bars of 2/4
    "bulgar": RhythmStyle(step_beats=0.5, fill="snare",
                          lanes={"poyk": "X..x..x.", "tats": "..x..x.x"},
                          ghosts=False, fills_phrases=True),
    # reggae one-drop: beat 1 empty, the kick and the rim shot together on 3 only, the hats
    # on the eighths; the rim shot alone feeds a dub echo (dotted eighths, fading)
    "one_drop": RhythmStyle(step_beats=0.5, fill="rim",
                            lanes={"kick": "....X...", "rim": "....X...", "hat": "xoxoxoxo"},
                            dub=DubEcho(sound="rim", delay_beats=0.75, feedback=0.55)),
    "gong_cycle": RhythmStyle(step_beats=0.5, fill=None, lanes=GONG_CYCLE_LANES),
    # the lead djembe's call is the ensemble's fill: no roll besides
    "djembe": RhythmStyle(step_beats=0.5, fill=None, lanes=DJEMBE_LANES),
    # the bodhrán in a jig: continuous triplets (down-up-down, up-down-up: the tipper
    # rocks, its two ends alternating), the first of each dotted-quarter beat accented,
    # the bar's first the hardest; the hand inside the skin lets the first beat boom open
    # and presses for the second (higher, stopped): a low and a high note a bar
    "jig": RhythmStyle(step_beats=0.5, fill="bodhran", lanes={"bodhran": "Xooxoo"},
                       sticking={"bodhran": ("bodhran", "bodhran_up", "bodhran",
                                             "bodhran_up_pressed", "bodhran_pressed",
                                             "bodhran_up_pressed")}),
}

#: Pan position of each drum sound (kick and snare centre, cymbals and hands spread).
DRUM_PAN: dict[str, float] = {"hat": 0.35, "hat_open": 0.4, "shaker": -0.4, "rim": -0.25,
                              "cross_stick": -0.25,
                              "tek": 0.2, "ka": -0.3, "tabla_na": 0.25, "tabla_tin": 0.25,
                              "bayan_ge": -0.2, "dhol_tilli": 0.3, "dhol_dagga": -0.15,
                              "taiko_ka": 0.35, "shime": 0.3, "kane": -0.35,
                              "odaiko": -0.1, "taiko_don": 0.1, "bendir": -0.25, "riq": 0.4,
                              "brush_tap": 0.2, "brush_swish": -0.2,
                              "snare_brush": 0.05, "brush_sweep": 0.05,
                              "chip_hat": 0.3, "cymbal": -0.35, "clap": 0.1,
                              **dict.fromkeys(PALMAS_TAKES, 0.15), "cajon_slap": -0.1,
                              "golpe": -0.1,
                              "kenong": 0.3, "kempul": -0.3, "kendang": 0.1,
                              "kendang_tak": 0.1,
                              "iron_bell": 0.45, "djembe_slap": -0.3, "djembe_tone": -0.3,
                              "djembe_bass": -0.2, "sangban": 0.25, "kenkeni": 0.4,
                              "dunun_bell": 0.2, "djembe_call": 0.05,
                              "frame_drum": -0.1, "bodhran": -0.1, "bodhran_up": -0.1,
                              "bodhran_pressed": -0.1, "bodhran_up_pressed": -0.1,
                              "tats": 0.15}


#: Velocities of the hits the tempo feel adds to the time-keeping lane: on a beat (an ``x``)
#: and between beats (a ghost, an ``o``).
BEAT_VELOCITY = 0.9
GHOST_VELOCITY = 0.5


def rhythm_hits(ctl: Controls, *, style: str, n_beats: float) -> list[Hit]:
    """Drum hits of ``style`` for ``n_beats`` beats in the document's meter.

    Every lane's pattern is laid out bar by bar, thinned below medium by the tempo feel
    and the time-keeping lane (:func:`timekeeper`) of a one-bar groove ghost-filled above
    it, then the fills, then the comp's drop-out bars emptied (:func:`in_drop_out`) before
    the dub echoes are sent; hits are sorted by onset (stably, so simultaneous hits keep lane
    order) and cut at ``n_beats``.
    """
    row = RHYTHM_STYLES[style]
    step = _rhythm_step_beats(row.step_beats, division=ctl.beat_division)
    cycle_bars = _cycle_bars(row, per_bar=ctl.beats_per_bar / step)
    # a composed cycle longer than a bar (teental's theka, taiko's call and response), or a
    # style whose gaps are its figure, is played as written above medium: ghost strokes
    # would fill its answers and silences
    keeper = timekeeper(row) if cycle_bars == 1 and row.ghosts else None
    n_bars = int(np.ceil(n_beats / ctl.beats_per_bar))
    hits = []
    quick = ctl.feel.ghost_grid_beats > 0.0
    lanes = {**row.lanes, **row.quick_lanes} if quick else row.lanes
    for bar_index in range(n_bars):
        for sound, pattern in lanes.items():
            if row.figure_beats > 0.0:
                steps = _lane_steps(ctl, bar_index=bar_index, step_beats=step,
                                    pattern=_restated_figure(ctl, pattern, step_beats=step,
                                                             figure_beats=row.figure_beats))
            else:
                steps = _kept_steps(ctl, _lane_steps(ctl, pattern=pattern,
                                                     bar_index=bar_index, step_beats=step))
            if sound == keeper:
                steps = _ghosted_steps(ctl, steps)
            hits += _step_hits(ctl, sound=sound, steps=steps, bar_index=bar_index,
                               strokes=row.sticking.get(sound, ()), step_beats=step)
    if row.fill is not None:
        hits += _fill_hits(ctl, row=row, n_bars=n_bars, cycle_bars=cycle_bars)
    hits = rotate_takes(hits)
    comp = COMP_PATTERNS.get(style)
    hits = [h for h in hits if not in_drop_out(ctl, comp=comp, beat=h.start_s / ctl.beat_s)]
    if row.dub is not None:  # sent before the drop-out, the echoes ring on into it
        hits += dub_echoes(ctl, hits, dub=row.dub)
    if comp is not None and ends_phrases(ctl, comp=comp):
        hits = _drum_ending(ctl, hits, row=row, comp=comp, n_beats=n_beats)
    hits.sort(key=lambda h: h.start_s)
    return [h for h in hits if h.start_s < n_beats * ctl.beat_s]


#: Drum sounds that anchor the low end (kicks, doums, the big drums): they carry the
#: pattern's accents and never take ghost notes; the hands and cymbals above them do.
LOW_DRUMS: frozenset[str] = frozenset({"kick", "kick_soft", "kick_808", "bass_drum",
                                       "bass_drum_big", "jazz_bass_drum", "chip_kick", "doum",
                                       "bayan_ge", "dhol_dagga", "taiko_don", "heart", "cajon",
                                       "golpe",
                                       "gong_ageng", "dundun", "djembe_bass", "poyk"})


def timekeeper(row: RhythmStyle) -> str | None:
    """The lane that keeps time and takes the tempo feel's ghost notes: the busiest lane
    that is not a low drum (the first on a tie), or the row's own ``keeper``; None when
    every lane is a low drum."""
    if row.keeper is not None:
        return row.keeper
    hands = [sound for sound in row.lanes if sound not in LOW_DRUMS]
    if not hands:
        return None
    return max(hands, key=lambda sound: sum(ch != "." for ch in row.lanes[sound])
               / len(row.lanes[sound]))


def _rhythm_step_beats(step_beats: float, *, division: int) -> float:
    """The pattern step in the document's meter.

    In 6/8 (three-part beats) a step of half a beat becomes a third of a beat (and a
    quarter beat a sixth), so the patterns take on the compound lilt instead of fighting it.
    """
    if division == 3 and step_beats < 1.0:
        return 1.0 / 3.0 if step_beats == 0.5 else 1.0 / 6.0
    return step_beats


#: A lane's hits in one bar: (beat within the bar, velocity with its accent).
Steps = list[tuple[float, float]]


def _accented(velocity: float, *, beat_in_bar: float, accent: bool = False) -> float:
    """``velocity`` at full level on the downbeat or an accent stroke, else at
    :data:`OFFBEAT_ACCENT` of it."""
    return velocity if accent or beat_in_bar == 0 else velocity * OFFBEAT_ACCENT


def _lane_steps(ctl: Controls, *, pattern: str, bar_index: int, step_beats: float) -> Steps:
    """One lane's hits in bar ``bar_index``: strokes of :data:`STROKE_VELOCITY`, the
    downbeat and ``X`` strokes accented.

    A pattern longer than a bar (teental's 16-matra cycle) runs on across bars; others
    restart on every downbeat.
    """
    per_bar = int(round(ctl.beats_per_bar / step_beats))
    cyclic = len(pattern) > per_bar
    steps = []
    for k in range(per_bar):
        ch = pattern[(bar_index * per_bar + k if cyclic else k) % len(pattern)]
        if ch != ".":
            steps.append((k * step_beats, _accented(STROKE_VELOCITY[ch], beat_in_bar=k * step_beats,
                                                    accent=ch == "X")))
    return steps


def _on_grid(beat: float, grid_beats: float) -> bool:
    ratio = beat / grid_beats
    return abs(ratio - round(ratio)) < 1e-6


def _kept_steps(ctl: Controls, steps: Steps) -> Steps:
    """Below medium, only a lane's hits on the tempo feel's keep grid (a laid-back,
    half-time pulse); as written otherwise. The grid maps to the meter like the steps."""
    if ctl.feel.keep_grid_beats <= 0.0:
        return steps
    grid = _rhythm_step_beats(ctl.feel.keep_grid_beats, division=ctl.beat_division)
    return [(b, v) for b, v in steps if _on_grid(b, grid)]


def _restated_figure(ctl: Controls, pattern: str, *, figure_beats: float,
                     step_beats: float) -> str:
    """A one-figure lane (the heartbeat) in the tempo feel: above medium its figure, the
    pattern's first ``figure_beats`` beats, restated with the bass's pulse (every
    ``ctl.feel.bass_restrike_beats``, never sooner than the figure's own length, so a
    lub-dub never runs into the next and reads dub-lub; once a bar when that period does
    not tile the bar): a heart that quickens. As written
    otherwise, and never thinned below medium: its strokes are one gesture, and a heart
    kept to quarters loses its "dub"."""
    if ctl.feel.bass_restrike_beats <= 0.0:
        return pattern
    every_steps = round(max(ctl.feel.bass_restrike_beats, figure_beats) / step_beats)
    bar_steps = round(ctl.beats_per_bar / step_beats)
    if bar_steps % every_steps:
        every_steps = bar_steps  # a period that does not tile the bar: once per bar
    figure = pattern[:round(figure_beats / step_beats)]
    return figure.ljust(every_steps, ".")


def _ghosted_steps(ctl: Controls, steps: Steps) -> Steps:
    """Above medium, the time-keeping lane with a hit on every empty step of the tempo
    feel's ghost grid: firm on the beat (the pulse you tap, so a fast backbeat is not heard
    at half speed), soft between (drive); as written otherwise."""
    if ctl.feel.ghost_grid_beats <= 0.0:
        return steps
    grid = _rhythm_step_beats(ctl.feel.ghost_grid_beats, division=ctl.beat_division)
    taken = [b for b, _ in steps]
    ghosts = [(k * grid, _accented(BEAT_VELOCITY if _on_grid(k * grid, 1.0) else GHOST_VELOCITY,
                                   beat_in_bar=k * grid))
              for k in range(int(round(ctl.beats_per_bar / grid)))
              if all(abs(k * grid - b) > 1e-6 for b in taken)]
    return sorted(steps + ghosts)


def stroke_sound(sound: str, *, strokes: tuple[str, ...], beat_in_bar: float,
                 step_beats: float) -> str:
    """The sound a stroke of lane ``sound`` at ``beat_in_bar`` makes: ``sound`` itself, or
    with a sticking (:attr:`RhythmStyle.sticking`) the one of ``strokes`` its place on the
    ``step_beats`` grid falls on, so the hands (or a tipper's two ends) alternate."""
    if not strokes:
        return sound
    return strokes[int(round(beat_in_bar / step_beats)) % len(strokes)]


def _step_hits(ctl: Controls, *, sound: str, steps: Steps, bar_index: int,
               strokes: tuple[str, ...] = (), step_beats: float = 1.0) -> list[Hit]:
    """Hits of one lane's ``steps`` in bar ``bar_index``, swung, each with its
    :func:`stroke_sound` (``strokes`` alternating over a grid of ``step_beats``)."""
    bar = ctl.beats_per_bar
    hits = []
    for beat_in_bar, velocity in steps:
        beat = swing(bar_index * bar + beat_in_bar, ratio=ctl.comp.swing_ratio,
                     division=ctl.beat_division)
        played = stroke_sound(sound, strokes=strokes, beat_in_bar=beat_in_bar,
                              step_beats=step_beats)
        hits.append(Hit(beat * ctl.beat_s, played, velocity, DRUM_PAN.get(played, 0.0)))
    return hits


def _cycle_bars(row: RhythmStyle, *, per_bar: float) -> int:
    """Bars of the style's longest lane (1 for patterns that restart every bar)."""
    return max(1, max(int(np.ceil(len(p) / round(per_bar))) for p in row.lanes.values()))


def _drum_ending(ctl: Controls, hits: list[Hit], *, row: RhythmStyle, comp: CompPattern,
                 n_beats: float) -> list[Hit]:
    """The drums join the comp's phrase ending: in the last bar of every phrase the low
    drums strike the ending's strokes with the band and everything else rests."""
    out = [h for h in hits if not in_phrase_ending(ctl, beat=h.start_s / ctl.beat_s)]
    for beat, _, ch, _ in _with_ending(ctl, comp, [], n_beats=n_beats):
        out += [Hit(beat * ctl.beat_s, sound, STROKE_VELOCITY[ch], DRUM_PAN.get(sound, 0.0))
                for sound in row.lanes if sound in LOW_DRUMS]
    return out


def dub_echoes(ctl: Controls, hits: list[Hit], *, dub: DubEcho) -> list[Hit]:
    """The repeats of every ``dub.sound`` hit: ``dub.delay_beats`` apart, each
    ``dub.feedback`` of the last, alternating sides, down to ``dub.floor`` of the hit."""
    n_repeats = int(np.floor(np.log(dub.floor) / np.log(dub.feedback)))
    delay_s = dub.delay_beats * ctl.beat_s
    out = []
    for h in hits:
        if h.sound != dub.sound:
            continue
        for k in range(1, n_repeats + 1):
            side = 0.6 if k % 2 else -0.6
            out.append(Hit(h.start_s + k * delay_s, h.sound, h.velocity * dub.feedback**k,
                           side))
    return out


def _fill_hits(ctl: Controls, *, row: RhythmStyle, n_bars: int, cycle_bars: int = 1
               ) -> list[Hit]:
    """A crescendo roll of ``row.fill`` over the last ``row.fill_beats`` beats of every
    ``ctl.feel.fill_every_bars``-th bar (every phrase's last for a style that
    :attr:`~RhythmStyle.fills_phrases`), growing from ``row.fill_from_velocity`` to full: at
    medium sixteenths in simple meters, eighths in compound ones, scaled by the feel's
    ``fill_strokes_mul`` (a slow roll at slow tempos, a dense one at fast). A pattern that
    spans ``cycle_bars`` (taiko's four-bar call and response) fills only at the end of a
    cycle, so a fast feel never rolls over its answer."""
    bar = ctl.beats_per_bar
    sub = 1.0 / max(1, int(round((4 if ctl.beat_division == 2 else 3)
                                 * ctl.feel.fill_strokes_mul)))
    n_sub = max(1, int(round(min(row.fill_beats, bar) / sub)))
    low = row.fill_from_velocity
    every_bars = ctl.comp.phrase_bars if row.fills_phrases else ctl.feel.fill_every_bars
    every = cycle_bars * max(1, int(np.ceil(every_bars / cycle_bars)))
    strokes = row.sticking.get(row.fill, ())
    hits = []
    for b in range(every - 1, n_bars, every):
        first = (b + 1) * bar - n_sub * sub
        for k in range(n_sub):
            played = stroke_sound(row.fill, strokes=strokes, beat_in_bar=first - b * bar
                                  + k * sub, step_beats=sub)
            hits.append(Hit((first + k * sub) * ctl.beat_s, played,
                            low + (0.9 - low) * k / max(n_sub - 1, 1),
                            DRUM_PAN.get(played, 0.0)))
    return hits
