"""The melody generator: phrases on a beat grid that use every composition field.

Timing is in beats (tempo and meter decide seconds), never a function of render length.
Pitches walk the scale inside the register; the tension curve pulls them up and down over a
phrase, strong beats lean on chord tones, phrases may restate the opening motif, end on the
tonic (cadence), and notes carry ornaments (grace notes, mordents, trills, slides, and the
instrument's own: Irish cuts and rolls, zither glissandi).
"""

from __future__ import annotations


import bisect
import functools
from dataclasses import dataclass, replace
from typing import Callable, Literal

import numpy as np

from moodc import vocab
from moodc.synth.controls import Controls
from moodc.synth.events import Note, breathed
from moodc.synth.theory import Chord, chord_at, scale_pitches
from moodc.synth.instruments import INSTRUMENT_VOICES, Instrument


@dataclass(frozen=True)
class MelodyStyle:
    """How a melody style bends the composition controls.

    ``density_mul`` scales the onset probability, ``length_mul`` the note length relative to
    the gap to the next onset, ``contour`` adds a per-phrase slope (+1 rising, -1 falling),
    ``ornament_add`` adds ornament probability, ``register_shift`` moves the register in
    octaves, ``velocity`` is the base loudness, ``leap_mul`` scales leap probability.

    ``on_beat_weight`` and ``off_beat_weight`` scale the onset probability on and off the
    beat. ``dotted_feel`` plays notes with room to spare detached at three quarters of
    their gap (with 1.4/0.6 weights: the heroic dotted rhythm). ``answers_phrases`` makes
    every second phrase an answer: the call's rhythm again, lower and softer.
    ``arpeggiates`` walks the chord tones near the tension target instead of the scale.
    ``two_note_cells`` restates every second note's pitch (a minimal two-note cell).
    """

    density_mul: float = 1.0
    length_mul: float = 0.95
    contour: float = 0.0
    ornament_add: float = 0.0
    register_shift: int = 0
    velocity: float = 0.7
    leap_mul: float = 1.0
    max_len_beats: float = 2.0
    on_beat_weight: float = 1.25
    off_beat_weight: float = 0.8
    dotted_feel: bool = False
    answers_phrases: bool = False
    arpeggiates: bool = False
    two_note_cells: bool = False


MELODY_STYLES: dict[str, MelodyStyle] = {
    "lyrical": MelodyStyle(),
    "contemplative": MelodyStyle(density_mul=0.5, length_mul=1.0, velocity=0.55,
                                 leap_mul=0.5, max_len_beats=4.0),
    "rising": MelodyStyle(contour=1.0),
    "falling": MelodyStyle(contour=-1.0),
    "arpeggio": MelodyStyle(length_mul=0.8, arpeggiates=True, velocity=0.6),
    "ornamental": MelodyStyle(ornament_add=0.3, density_mul=0.9),
    "call_response": MelodyStyle(answers_phrases=True),
    "heroic": MelodyStyle(velocity=0.85, leap_mul=1.8, contour=0.5, on_beat_weight=1.4,
                          off_beat_weight=0.6, dotted_feel=True),
    "minimal": MelodyStyle(density_mul=0.35, length_mul=1.0, velocity=0.6, leap_mul=0.3,
                           max_len_beats=3.0, two_note_cells=True),
}

#: Tension curve: target height (0 = register bottom, 1 = top) at phrase position x in [0, 1].
TENSION_CURVES: dict[str, Callable[[float], float]] = {
    "flat": lambda x: 0.5 + 0.0 * x,
    "arc": lambda x: 0.15 + 0.75 * np.sin(np.pi * x),
    "ramp": lambda x: 0.1 + 0.8 * x,
    "waves": lambda x: 0.5 + 0.4 * np.sin(4 * np.pi * x),
    "release": lambda x: 0.9 - 0.8 * x,
}

#: An ornament figure. Internal (the document only sets how often ornaments happen, through
#: ``composition.ornament``), so a closed Literal rather than a table row.
OrnamentKind = Literal["grace", "mordent", "trill", "slide", "cut", "roll", "gliss"]
ORNAMENT_KINDS: tuple[OrnamentKind, ...] = ("grace", "mordent", "trill", "slide", "cut",
                                            "roll", "gliss")
#: Ornament kinds and their relative weights, for instruments without their own
#: (``Instrument.ornaments``: the Irish cut and roll, the guzheng's glissando, the erhu's
#: slides belong to their instruments).
ORNAMENTS: tuple[tuple[OrnamentKind, float], ...] = (
    ("grace", 0.35), ("mordent", 0.25), ("trill", 0.15), ("slide", 0.25))
#: An Irish cut: the upper note flicked on the beat for this long (s), too short to be
#: heard as a note (players describe it as an articulation, ~20-40 ms).
CUT_S = 0.03
#: A glissando sweeps up this many scale tones into the note, each this long (s): the
#: guzheng player's hand running up the strings just before the melody note.
GLISS_N_TONES = 4
GLISS_TONE_S = 0.035


#: The note probability (``composition.melody_density``) from which a melody is a running
#: line: a phrase that restates the motif goes on after it instead of resting (the dance
#: tune's continuous notes; ``very_busy``, only).
RUNNING_LINE_NOTE_PROB: float = vocab.MELODY_DENSITY_PROB["very_busy"]


class Quota:
    """A deterministic "probability": fires a fraction ``p`` of the times it is asked.

    Error diffusion instead of independent coin flips, so a label's probability is honoured
    exactly even over a few notes (``rare`` really is rarer than ``sometimes`` in every
    render, not just on average) and the decisions consume no random numbers, leaving the
    rest of the melody's random stream untouched when a label changes.
    """

    def __init__(self, p: float, *, start: float = 0.5) -> None:
        self.p = p
        self.acc = start

    def __call__(self) -> bool:
        self.acc += self.p
        if self.acc >= 1.0 - 1e-9:
            self.acc -= 1.0
            return True
        return False


def _grid(ctl: Controls) -> float:
    """Melody grid step in beats: eighths in simple meters, eighths of a 6/8 dotted beat."""
    return 1.0 / ctl.beat_division


def _paced(prob: float, pace: float) -> float:
    """``prob`` with its odds multiplied by ``pace``: a faster tempo makes every density
    busier without two densities meeting at a cap (busy and very busy stay apart at
    very_fast), and ``pace`` 1 (medium) changes nothing."""
    odds = pace * prob / max(1.0 - prob, 1e-9)
    return odds / (1.0 + odds)


def _onsets(ctl: Controls, style: MelodyStyle, n_steps: int, step_beats: float,
            rng: np.random.Generator) -> list[int]:
    """Grid slots that hold an onset for one phrase (slot 0 always does); the chance per
    slot is the composition's, scaled by the style and by the tempo's melody pace."""
    prob = min(ctl.comp.note_prob * style.density_mul, 0.98)
    pace = ctl.feel.melody_pace
    steps_per_beat = int(round(1.0 / step_beats))
    draws = rng.random(n_steps)
    out = [0]
    for k in range(1, n_steps):
        on_beat = k % steps_per_beat == 0
        weight = style.on_beat_weight if on_beat else style.off_beat_weight
        if draws[k] < _paced(min(prob * weight, 0.98), pace):
            out.append(k)
    return out


def _walk(index: int, target: float, n_pitches: int, step: Quota,
          rng: np.random.Generator) -> int:
    """Next scale index: a step (±1) or a leap (±2..5), biased toward ``target``."""
    up = rng.random() < 1.0 / (1.0 + np.exp(-(target - index) / 2.0))
    leap = int(rng.integers(2, 6))
    size = 1 if step() else leap
    nxt = index + (size if up else -size)
    if nxt < 0 or nxt >= n_pitches:
        nxt = index - (size if up else -size)
    return int(min(max(nxt, 0), n_pitches - 1))


def _nearest_chord_tone(index: int, pitches: np.ndarray, chord: Chord) -> int:
    """Scale index within ±2 of ``index`` whose pitch is a chord tone (else ``index``)."""
    pcs = chord.pitch_classes()
    for delta in (0, 1, -1, 2, -2):
        j = index + delta
        if 0 <= j < len(pitches) and pitches[j] % 12 in pcs:
            return j
    return index


def _nearest_tonic(index: int, pitches: np.ndarray, root_pc: int) -> int:
    """Scale index of the tonic nearest to ``index``."""
    tonics = np.flatnonzero(pitches % 12 == root_pc)
    if len(tonics) == 0:
        return index
    return int(tonics[np.argmin(np.abs(tonics - index))])


def _ornament(note: Note, *, beat_s: float, pitches: np.ndarray, index: int,
              previous_midi: float | None, kind: OrnamentKind) -> list[Note]:
    """Replace ``note`` by an ornamented figure; every added pitch is a scale neighbour."""
    upper = float(pitches[min(index + 1, len(pitches) - 1)])
    if upper == note.midi:
        upper = float(pitches[max(index - 1, 0)])
    fast = min(beat_s / 8.0, 0.09)
    def part(start: float, dur: float, midi: float, vel: float = 1.0) -> Note:
        return Note(start, dur, midi, note.velocity * vel, note.instrument, note.pan, 0.0,
                    note.cutoff_mul)
    s, d = note.start_s, note.dur_s
    if kind == "grace" and s >= fast:
        return [part(s - fast, fast * 0.9, upper, 0.7), note]
    if kind == "mordent" and d > 3 * fast:
        return [part(s, fast, note.midi), part(s + fast, fast, upper, 0.8),
                part(s + 2 * fast, d - 2 * fast, note.midi)]
    if kind == "trill" and d > 4 * fast:
        n = int(d / fast)
        return [part(s + i * fast, fast * (1.0 if i < n - 1 else d / fast - i),
                     note.midi if i % 2 == 0 else upper, 0.85) for i in range(n)]
    if kind == "slide" and previous_midi is not None and previous_midi != note.midi:
        glide = float(np.clip(previous_midi - note.midi, -5.0, 5.0))
        return [Note(s, d, note.midi, note.velocity, note.instrument, note.pan, glide,
                     note.cutoff_mul)]
    if kind == "cut" and d > 3 * CUT_S:
        return [part(s, CUT_S, upper, 0.6), part(s + CUT_S, d - CUT_S, note.midi)]
    if kind == "roll" and d > 5 * fast:
        return _roll(note, part, fast=fast, upper=upper,
                     lower=float(pitches[max(index - 1, 0)]))
    if kind == "gliss" and s >= GLISS_N_TONES * GLISS_TONE_S:
        below = [float(pitches[max(index - k, 0)]) for k in range(GLISS_N_TONES, 0, -1)]
        return [part(s - (GLISS_N_TONES - i) * GLISS_TONE_S, GLISS_TONE_S * 1.5, midi,
                     0.35 + 0.1 * i) for i, midi in enumerate(below)] + [note]
    return [note]


def _roll(note: Note, part: Callable[..., Note], *, fast: float, upper: float,
          lower: float) -> list[Note]:
    """An Irish roll: the note, a cut (upper), the note, a tap (lower), the note, the first
    four quick and the last holding the rest of its length."""
    s, d = note.start_s, note.dur_s
    figure = ((note.midi, 1.0), (upper, 0.6), (note.midi, 0.85), (lower, 0.6))
    out = [part(s + i * fast, fast, midi, vel) for i, (midi, vel) in enumerate(figure)]
    return out + [part(s + 4 * fast, d - 4 * fast, note.midi)]


@dataclass(frozen=True)
class _Quotas:
    """The melody's deterministic decisions, each honouring one composition probability."""

    step: Quota
    motif: Quota
    cadence: Quota
    syncopate: Quota
    ornament: Quota


@dataclass(frozen=True)
class _Grid:
    """A phrase's grid: ``n_steps`` slots of ``step_beats`` over ``phrase_beats`` beats."""

    step_beats: float
    phrase_beats: float
    n_steps: int

    @property
    def steps_per_beat(self) -> int:
        return int(round(1 / self.step_beats))


@dataclass(frozen=True)
class _Phrase:
    """What one phrase plays: its start, onset slots, and whether it restates a figure."""

    number: int
    start_beat: float
    slots: list[int]
    restate: list[tuple[int, int]] | None  # the motif to restate, or None
    response: bool


def melody_notes(ctl: Controls, *, style_name: str, chords: list[Chord], n_beats: float,
                 instrument: str, rng: np.random.Generator) -> list[Note]:
    """All melody notes for ``n_beats`` beats, phrase by phrase.

    Each phrase draws its onsets, picks a scale index per onset (:func:`_figure`), may
    cadence on the tonic, and becomes timed notes (:func:`_phrase_notes`). The first phrase
    with two notes or more gives the motif later phrases may restate.

    Parameters
    ----------
    ctl : Controls
        Tempo, meter, scale and composition controls.
    style_name : str
        A melody style (``vocab.LAYER_STYLES["melody"]`` minus ``none``).
    chords : list of Chord
        The chord timeline (chord tones on strong beats, cadences).
    n_beats : float
        Length of the piece in beats.
    instrument : str
        The lead instrument.
    rng : numpy.random.Generator
        The melody layer's own stream.
    """
    style = MELODY_STYLES[style_name]
    pitches = _register_pitches(ctl, style)
    grid = _phrase_grid(ctl)
    quotas = _quotas(ctl, style)
    notes: list[Note] = []
    motif: list[tuple[int, int]] | None = None  # (slot, scale index)
    index = len(pitches) // 2
    previous_midi: float | None = None
    for number in range(int(np.ceil(n_beats / grid.phrase_beats))):
        phrase = _next_phrase(ctl, style, number=number, grid=grid, motif=motif,
                              quotas=quotas, rng=rng)
        figure = _figure(ctl, style, phrase, grid=grid, pitches=pitches, chords=chords,
                         start_index=index, step_quota=quotas.step, rng=rng)
        if figure:
            index = figure[-1][1]
        # cadence: the last note goes to the tonic and is held to the phrase end
        cadence = bool(figure) and quotas.cadence()
        if cadence:
            slot, idx = figure[-1]
            figure[-1] = (slot, _nearest_tonic(idx, pitches, ctl.root_pc))
        if motif is None and len(figure) >= 2:
            motif = figure[: max(2, len(figure) // 2)]
        notes += _phrase_notes(ctl, style, figure, phrase=phrase, grid=grid, pitches=pitches,
                               instrument=instrument, quotas=quotas,
                               previous_midi=previous_midi, cadence=cadence, rng=rng)
        if notes:
            previous_midi = notes[-1].midi
    notes = _bent(notes, voice=INSTRUMENT_VOICES[instrument], pitches=pitches)
    notes = breathed(notes, breath_s=INSTRUMENT_VOICES[instrument].breath_s)
    notes = answered(ctl, notes)
    return [n for n in notes if n.start_s < n_beats * ctl.beat_s]


@dataclass(frozen=True)
class SectionAnswer:
    """A section of the band that takes the melody over from the lead in every
    ``every_phrases``-th phrase (the lead playing the others), with its own phrasing.

    The section plays the tune with ``voice``, legato: each note bowed on until the next
    one begins when it follows within ``legato_gap_s`` (a lead's detached notes become
    one line), and slides into a note from the one before (a portamento, the note's
    ``glide_st``) when they are at least ``portamento_st`` semitones apart and tied; its
    notes are ``level`` times the lead's loudness. In the lead's phrases the comping's
    strokes play at ``comp_level_under_lead`` of their level (the lead's own section is
    on the tune, the players left on the marcato play it lighter), under the section's
    at full (:func:`comp_level`): the contrast between a marcato and a legato section.
    """

    voice: str
    every_phrases: int = 2
    legato_gap_s: float = 0.4
    portamento_st: float = 3.0
    level: float = 1.0
    comp_level_under_lead: float = 1.0


#: Rhythm style → the section that answers the lead. The tango's orquesta típica: the
#: bandoneón states a phrase over the marcato, the violins take the next one legato, with
#: a portamento into every leap of a third or more, sweet where the bandoneón was dramatic.
SECTION_ANSWERS: dict[str, SectionAnswer] = {
    "tango": SectionAnswer(voice="_violins", comp_level_under_lead=0.6),
}


def section_carries(ctl: Controls, *, answer: SectionAnswer, time_s: float) -> bool:
    """Whether the answering section, not the lead, has the tune at ``time_s``: its
    phrases are every :attr:`SectionAnswer.every_phrases`-th (``composition.phrase_bars``)."""
    phrase_s = ctl.comp.phrase_bars * ctl.beats_per_bar * ctl.beat_s
    return int(time_s // phrase_s) % answer.every_phrases == answer.every_phrases - 1


def comp_level(ctl: Controls, *, time_s: float) -> float:
    """The comping strokes' level at ``time_s`` (:attr:`SectionAnswer.comp_level_under_lead`
    in the lead's phrases, 1 under the answering section's); 1 without an answering
    section or without a melody."""
    answer = SECTION_ANSWERS.get(ctl.styles["rhythm"])
    if answer is None or ctl.styles["melody"] == "none" or section_carries(
            ctl, answer=answer, time_s=time_s):
        return 1.0
    return answer.comp_level_under_lead


def answered(ctl: Controls, notes: list[Note]) -> list[Note]:
    """The melody with the rhythm style's answering section (:data:`SECTION_ANSWERS`)
    playing its phrases in its own phrasing (:func:`_section_phrasing`); unchanged when
    the style has none."""
    answer = SECTION_ANSWERS.get(ctl.styles["rhythm"])
    if answer is None:
        return notes
    out: list[Note] = []
    run: list[Note] = []
    for n in notes:
        if section_carries(ctl, answer=answer, time_s=n.start_s):
            run.append(n)
            continue
        out += _section_phrasing(run, answer=answer)
        run = []
        out.append(n)
    out += _section_phrasing(run, answer=answer)
    return sorted(out, key=lambda n: n.start_s)


def _section_phrasing(notes: list[Note], *, answer: SectionAnswer) -> list[Note]:
    """One phrase of the answering section: ``notes`` played by its voice, tied into the
    next note (legato) and slid into across a leap (portamento), as
    :class:`SectionAnswer` says."""
    out = []
    for k, n in enumerate(notes):
        dur_s = n.dur_s
        if k + 1 < len(notes):
            gap_s = notes[k + 1].start_s - (n.start_s + n.dur_s)
            if gap_s <= answer.legato_gap_s:
                dur_s = max(dur_s, notes[k + 1].start_s - n.start_s)
        glide_st = n.glide_st
        if k > 0:
            before = notes[k - 1]
            tied = n.start_s - (before.start_s + before.dur_s) <= answer.legato_gap_s
            if tied and abs(before.midi - n.midi) >= answer.portamento_st:
                glide_st = before.midi - n.midi
        out.append(replace(n, instrument=answer.voice, dur_s=dur_s, glide_st=glide_st,
                           velocity=n.velocity * answer.level))
    return out


#: The *krekhts*: the last this many seconds of a note fall to the scale tone below, the
#: choked sob of a klezmer clarinet; only notes at least :data:`SOB_MIN_S` long sob (a
#: quick run has no time to).
SOB_S = 0.09
SOB_MIN_S = 0.3
#: Only notes at least this long bend into their pitch: a grace note or a trill's turn is
#: too quick to bend (a 60 ms glide would smear it).
BEND_MIN_S = 0.15


def _bent(notes: list[Note], *, voice: Instrument, pitches: np.ndarray) -> list[Note]:
    """Notes with the voice's bends and sobs (:attr:`Instrument.bend_st`,
    :attr:`Instrument.sob_st`): a note with no slide of its own, long enough
    (:data:`BEND_MIN_S`), bends up into its pitch, and a long note ends with a quick fall to the scale tone below (a note of its own,
    gliding down from the held pitch, so every pitch it settles on is a scale tone)."""
    if not voice.bend_st and not voice.sob_st:
        return notes
    out = []
    for n in notes:
        glide = n.glide_st or (voice.bend_st if n.dur_s >= BEND_MIN_S else 0.0)
        lower = pitches[pitches < n.midi]
        drop = n.midi - float(lower[-1]) if len(lower) else 0.0
        if voice.sob_st and n.dur_s >= SOB_MIN_S and 0.0 < drop <= voice.sob_st:
            out.append(replace(n, dur_s=n.dur_s - SOB_S, glide_st=glide))
            out.append(replace(n, start_s=n.start_s + n.dur_s - SOB_S, dur_s=SOB_S,
                               midi=n.midi - drop, velocity=n.velocity * 0.7,
                               glide_st=drop))
        else:
            out.append(replace(n, glide_st=glide))
    return out


def _register_pitches(ctl: Controls, style: MelodyStyle) -> np.ndarray:
    """Scale pitches of the composition register, moved by the style's octave shift."""
    low = 12 * (ctl.comp.register_low + 1 + style.register_shift)
    high = 12 * (ctl.comp.register_high + 1 + style.register_shift) + 11
    return scale_pitches(root_pc=ctl.root_pc, scale=ctl.scale, low_midi=low, high_midi=high)


def _phrase_grid(ctl: Controls) -> _Grid:
    """The phrase grid: ``phrase_bars`` bars of :func:`_grid` steps."""
    step = _grid(ctl)
    phrase_beats = ctl.comp.phrase_bars * ctl.beats_per_bar
    return _Grid(step, phrase_beats, int(round(phrase_beats / step)))


def _quotas(ctl: Controls, style: MelodyStyle) -> _Quotas:
    """One :class:`Quota` per decision; the style scales leaps and adds ornaments."""
    comp = ctl.comp
    return _Quotas(step=Quota(1.0 - min((1.0 - comp.step_prob) * style.leap_mul, 0.95)),
                   motif=Quota(comp.motif_prob),
                   cadence=Quota(comp.cadence_prob),
                   syncopate=Quota(comp.syncopation_prob),
                   ornament=Quota(min(comp.ornament_prob + style.ornament_add, 0.95)))


def _next_phrase(ctl: Controls, style: MelodyStyle, *, number: int, grid: _Grid,
                 motif: list[tuple[int, int]] | None, quotas: _Quotas,
                 rng: np.random.Generator) -> _Phrase:
    """Phrase ``number``'s onsets; a restatement or an answer reuses the motif's rhythm
    (and a running line goes on after it: :func:`_runs_on`)."""
    drawn = _onsets(ctl, style, grid.n_steps, grid.step_beats, rng)
    slots = drawn
    use_motif = motif is not None and quotas.motif()
    response = style.answers_phrases and number % 2 == 1
    restate = motif if use_motif or response else None
    if restate is not None:
        slots = [s for s, _ in restate]
        if _runs_on(ctl):
            slots += [s for s in drawn if s > slots[-1]]
    return _Phrase(number, number * grid.phrase_beats, slots, restate, response)


def _runs_on(ctl: Controls) -> bool:
    """Whether a restated motif is followed by fresh notes to the phrase's end.

    The motif is the first half of a phrase, so a phrase that only restates it leaves its
    second half silent: a breath after the figure, right for a lyrical line, but a jig's
    fiddle restating its figure then resting a bar in two is heard as a slow air. From
    :data:`RUNNING_LINE_NOTE_PROB` up (``very_busy``) the line keeps running after it.
    """
    return ctl.comp.note_prob >= RUNNING_LINE_NOTE_PROB


def _figure(ctl: Controls, style: MelodyStyle, phrase: _Phrase, *, grid: _Grid,
            pitches: np.ndarray, chords: list[Chord], start_index: int, step_quota: Quota,
            rng: np.random.Generator) -> list[tuple[int, int]]:
    """(slot, scale index) of each onset: the tension curve sets a target height, the
    style and the motif decide how the pitch gets there."""
    curve = TENSION_CURVES[ctl.comp.tension]
    figure: list[tuple[int, int]] = []
    index = start_index
    for j, slot in enumerate(phrase.slots):
        x = slot / grid.n_steps
        height = min(max(float(curve(x) + style.contour * (x - 0.5) * 0.8), 0.0), 1.0)
        if phrase.response:
            height = max(height - 0.3, 0.0)  # the answer sits lower than the call
        target = height * (len(pitches) - 1)
        chord = chord_at(chords, phrase.start_beat + slot * grid.step_beats)
        index = _pick_index(style, phrase, j=j, slot=slot, target=target, chord=chord,
                            pitches=pitches, index=index, grid=grid, step_quota=step_quota,
                            rng=rng)
        figure.append((slot, index))
    return figure


def _pick_index(style: MelodyStyle, phrase: _Phrase, *, j: int, slot: int, target: float,
                chord: Chord, pitches: np.ndarray, index: int, grid: _Grid,
                step_quota: Quota, rng: np.random.Generator) -> int:
    """Scale index of the ``j``-th onset, from the previous ``index``."""
    restate = phrase.restate
    if style.arpeggiates:
        return _arpeggio_index(slot + phrase.number, target=target, chord=chord,
                               pitches=pitches, index=index)
    if restate is not None and j < len(restate):
        base = _nearest_chord_tone(int(round(target)), pitches, chord) if j == 0 else index
        return int(min(max(base + (restate[j][1] - restate[j - 1][1] if j else 0), 0),
                       len(pitches) - 1))
    if style.two_note_cells and j % 2 == 1:
        return index  # restate the previous pitch (a two-note cell)
    if j == 0:
        return _nearest_chord_tone(int(round(target)), pitches, chord)
    index = _walk(index, target, len(pitches), step_quota, rng)
    if slot % grid.steps_per_beat == 0 and rng.random() < 0.6:
        index = _nearest_chord_tone(index, pitches, chord)  # lean on chord tones on beats
    return index


def _arpeggio_index(turn: int, *, target: float, chord: Chord, pitches: np.ndarray,
                    index: int) -> int:
    """The ``turn``-th chord tone (cycling) among those within 6 scale steps of ``target``."""
    pcs = chord.pitch_classes()
    tones = [k for k in range(len(pitches)) if pitches[k] % 12 in pcs]
    near = [k for k in tones if abs(k - target) <= 6] or tones
    return near[turn % len(near)] if near else index



def _phrase_notes(ctl: Controls, style: MelodyStyle, figure: list[tuple[int, int]], *,
                  phrase: _Phrase, grid: _Grid, pitches: np.ndarray, instrument: str,
                  quotas: _Quotas, previous_midi: float | None, cadence: bool,
                  rng: np.random.Generator) -> list[Note]:
    """Turn (slot, scale index) pairs into timed notes with syncopation, swing, ornaments.

    A cadence holds the phrase's last note to the phrase end at full weight; a phrase
    without one trails off (its last note shortened and softer). Responses (call and
    response) answer softer than the call.
    """
    out: list[Note] = []
    step = grid.step_beats
    for j, (slot, idx) in enumerate(figure):
        next_slot = figure[j + 1][0] if j + 1 < len(figure) else grid.n_steps
        last = j == len(figure) - 1
        onset, length = _note_timing(ctl, style, j=j, slot=slot, next_slot=next_slot,
                                     step_beats=step, last=last, cadence=cadence,
                                     syncopate=quotas.syncopate)
        velocity = _note_velocity(style, slot=slot, grid=grid, response=phrase.response,
                                  cadence_note=last and cadence)
        note = Note((phrase.start_beat + onset) * ctl.beat_s,
                    max(length, step * 0.5) * ctl.beat_s, float(pitches[idx]),
                    float(min(velocity, 1.0)), instrument, pan=-0.15)
        kind = _draw_ornament_kind(instrument=instrument, rng=rng)
        if quotas.ornament():
            prev = out[-1].midi if out else previous_midi
            out += _ornament(note, beat_s=ctl.beat_s, pitches=pitches, index=idx,
                             previous_midi=prev, kind=kind)
        else:
            out.append(note)
    return out


def _note_timing(ctl: Controls, style: MelodyStyle, *, j: int, slot: int, next_slot: int,
                 step_beats: float, last: bool, cadence: bool,
                 syncopate: Quota) -> tuple[float, float]:
    """(onset, length) in beats from the phrase start of the ``j``-th note at ``slot``; no
    note but a cadence outlasts the style's longest, scaled by the tempo's feel."""
    step = step_beats
    gap = (next_slot - slot) * step
    longest = style.max_len_beats * ctl.feel.note_length_mul
    length = gap if last else min(gap * style.length_mul, longest)
    if last and not cadence:
        length = min(gap * 0.5, longest)  # trail off
    onset = slot * step
    if style.dotted_feel and not last and gap >= 2 * step:
        length = gap * 0.75  # dotted, detached
    if j > 0 and syncopate():
        onset -= step / 2.0  # anticipation: push the note half a grid step early
        length += step / 2.0
    return onset + _swing_delay_beats(ctl, slot=slot, step_beats=step), length


def _swing_delay_beats(ctl: Controls, *, slot: int, step_beats: float) -> float:
    """How late swing plays ``slot``: the off-beat eighth (simple meters) or the last
    eighth of a dotted beat (compound), by the swing ratio."""
    if ctl.beat_division == 2 and slot % 2 == 1:
        return (ctl.comp.swing_ratio - 0.5) * 2.0 * step_beats
    if ctl.beat_division == 3 and slot % 3 == 2:
        return (ctl.comp.swing_ratio - 0.5) * step_beats
    return 0.0


def _note_velocity(style: MelodyStyle, *, slot: int, grid: _Grid, response: bool,
                   cadence_note: bool) -> float:
    """Velocity (may exceed 1): softer off the beat, growing over a rising phrase, softer
    for an answer, stronger on a cadence."""
    x = slot / grid.n_steps
    return style.velocity * (0.85 + 0.15 * (slot % grid.steps_per_beat == 0)) \
        * (0.85 + 0.3 * x * (style.contour >= 0)) * (0.75 if response else 1.0) \
        * (1.1 if cadence_note else 1.0)


def _draw_ornament_kind(*, instrument: str, rng: np.random.Generator) -> OrnamentKind:
    """One ornament kind by the instrument's own weights (``Instrument.ornaments``) or
    :data:`ORNAMENTS` (drawn for every note, ornamented or not, so the ornament label does
    not shift the melody's random stream).

    The draw is ``rng.choice(len(table), p=weights / weights.sum())``'s: one uniform
    double placed in the normalised cumulative weights (right side), here against the
    instrument's table worked out once (:func:`_ornament_cdf`) instead of numpy validating
    and summing the weights on every note; the same kind and the same stream.
    """
    kinds, cdf = _ornament_cdf(instrument)
    kind = kinds[bisect.bisect_right(cdf, rng.random())]
    if kind == "slide" and not INSTRUMENT_VOICES[instrument].glides:
        kind = "grace"  # a plucked or struck voice cannot bend: it flicks a grace note
    return kind


@functools.lru_cache(maxsize=None)
def _ornament_cdf(instrument: str) -> tuple[tuple[OrnamentKind, ...], list[float]]:
    """The ornament kinds of ``instrument`` and their cumulative weights as
    ``Generator.choice`` forms them from ``p = weights / weights.sum()``: ``p.cumsum()``
    divided by its last value."""
    table = INSTRUMENT_VOICES[instrument].ornaments or ORNAMENTS
    weights = np.array([w for _, w in table], dtype=np.float64)
    if not (weights >= 0).all() or not weights.sum() > 0:
        raise ValueError(f"ornament weights of {instrument!r} must be >= 0 with a positive "
                         f"sum, not {weights.tolist()}: fix Instrument.ornaments")
    cdf = (weights / weights.sum()).cumsum()
    cdf /= cdf[-1]
    return tuple(kind for kind, _ in table), cdf.tolist()
