"""The melody generator: phrases on a beat grid that use every composition field.

Timing is in beats (tempo and meter decide seconds), never a function of render length.
Pitches walk the scale inside the register; the tension curve pulls them up and down over a
phrase, strong beats lean on chord tones, phrases may restate the opening motif, end on the
tonic (cadence), and notes carry ornaments (grace notes, mordents, trills, slides).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moodc.synth.controls import Controls
from moodc.synth.events import Note
from moodc.synth.theory import Chord, chord_at, scale_pitches
from moodc.synth.instruments import INSTRUMENT_VOICES


@dataclass(frozen=True)
class MelodyStyle:
    """How a melody style bends the composition controls.

    ``density_mul`` scales the onset probability, ``length_mul`` the note length relative to
    the gap to the next onset, ``contour`` adds a per-phrase slope (+1 rising, -1 falling),
    ``ornament_add`` adds ornament probability, ``register_shift`` moves the register in
    octaves, ``velocity`` is the base loudness, ``leap_mul`` scales leap probability.
    """

    density_mul: float = 1.0
    length_mul: float = 0.95
    contour: float = 0.0
    ornament_add: float = 0.0
    register_shift: int = 0
    velocity: float = 0.7
    leap_mul: float = 1.0
    max_len_beats: float = 2.0
    pattern: str = "walk"  # walk | arpeggio | call_response | heroic | minimal


MELODY_STYLES: dict[str, MelodyStyle] = {
    "lyrical": MelodyStyle(),
    "contemplative": MelodyStyle(density_mul=0.5, length_mul=1.0, velocity=0.55,
                                 leap_mul=0.5, max_len_beats=4.0),
    "rising": MelodyStyle(contour=1.0),
    "falling": MelodyStyle(contour=-1.0),
    "arpeggio": MelodyStyle(length_mul=0.8, pattern="arpeggio", velocity=0.6),
    "ornamental": MelodyStyle(ornament_add=0.3, density_mul=0.9),
    "call_response": MelodyStyle(pattern="call_response"),
    "heroic": MelodyStyle(velocity=0.85, leap_mul=1.8, contour=0.5, pattern="heroic"),
    "minimal": MelodyStyle(density_mul=0.35, length_mul=1.0, velocity=0.6, leap_mul=0.3,
                           max_len_beats=3.0, pattern="minimal"),
}

#: Tension curve: target height (0 = register bottom, 1 = top) at phrase position x in [0, 1].
TENSION_CURVES: dict[str, object] = {
    "flat": lambda x: 0.5 + 0.0 * x,
    "arc": lambda x: 0.15 + 0.75 * np.sin(np.pi * x),
    "ramp": lambda x: 0.1 + 0.8 * x,
    "waves": lambda x: 0.5 + 0.4 * np.sin(4 * np.pi * x),
    "release": lambda x: 0.9 - 0.8 * x,
}

#: Ornament kinds and their relative weights.
ORNAMENTS: tuple[tuple[str, float], ...] = (
    ("grace", 0.35), ("mordent", 0.25), ("trill", 0.15), ("slide", 0.25))


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


def _onsets(ctl: Controls, style: MelodyStyle, n_steps: int, step_beats: float,
            rng: np.random.Generator) -> list[int]:
    """Grid slots that hold an onset for one phrase (slot 0 always does)."""
    prob = min(ctl.comp.note_prob * style.density_mul, 0.98)
    steps_per_beat = int(round(1.0 / step_beats))
    draws = rng.random(n_steps)
    out = [0]
    for k in range(1, n_steps):
        on_beat = k % steps_per_beat == 0
        p = prob * (1.25 if on_beat else 0.8)
        if style.pattern == "heroic":  # dotted feel: favour beats and the last eighth
            p = prob * (1.4 if on_beat else 0.6)
        if draws[k] < p:
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
    return int(np.clip(nxt, 0, n_pitches - 1))


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
              previous_midi: float | None, kind: str) -> list[Note]:
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
    return [note]


def melody_notes(ctl: Controls, *, style_name: str, chords: list[Chord], n_beats: float,
                 instrument: str, rng: np.random.Generator) -> list[Note]:
    """All melody notes for ``n_beats`` beats.

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
    comp = ctl.comp
    low = 12 * (comp.register_low + 1 + style.register_shift)
    high = 12 * (comp.register_high + 1 + style.register_shift) + 11
    pitches = scale_pitches(root_pc=ctl.root_pc, scale=ctl.scale, low_midi=low, high_midi=high)
    step = _grid(ctl)
    phrase_beats = comp.phrase_bars * ctl.beats_per_bar
    n_steps = int(round(phrase_beats / step))
    curve = TENSION_CURVES[comp.tension]
    step_quota = Quota(1.0 - min((1.0 - comp.step_prob) * style.leap_mul, 0.95))
    motif_quota = Quota(comp.motif_prob)
    cadence_quota = Quota(comp.cadence_prob)
    decorate = (Quota(comp.syncopation_prob),
                Quota(min(comp.ornament_prob + style.ornament_add, 0.95)))
    notes: list[Note] = []
    motif: list[tuple[int, int]] | None = None  # (slot, scale-index offset)
    index = len(pitches) // 2
    previous_midi: float | None = None
    n_phrases = int(np.ceil(n_beats / phrase_beats))
    for phrase in range(n_phrases):
        start_beat = phrase * phrase_beats
        slots = _onsets(ctl, style, n_steps, step, rng)
        use_motif = motif is not None and motif_quota()
        response = style.pattern == "call_response" and phrase % 2 == 1
        if use_motif or response:
            slots = [s for s, _ in motif] if motif else slots
        figure: list[tuple[int, int]] = []
        for j, slot in enumerate(slots):
            x = slot / n_steps
            height = float(np.clip(curve(x) + style.contour * (x - 0.5) * 0.8, 0.0, 1.0))
            if response:
                height = max(height - 0.3, 0.0)
            target = height * (len(pitches) - 1)
            beat = start_beat + slot * step
            chord = chord_at(chords, beat)
            if style.pattern == "arpeggio":
                tones = [k for k in range(len(pitches)) if pitches[k] % 12 in chord.pitch_classes()]
                near = [k for k in tones if abs(k - target) <= 6] or tones
                index = near[(slot + phrase) % len(near)] if near else index
            elif (use_motif or response) and motif is not None and j < len(motif):
                base = _nearest_chord_tone(int(round(target)), pitches, chord) if j == 0 else index
                index = int(np.clip(base + (motif[j][1] - motif[j - 1][1] if j else 0),
                                    0, len(pitches) - 1))
            elif style.pattern == "minimal" and j % 2 == 1:
                pass  # minimal: restate the previous pitch (a two-note cell)
            elif j == 0:
                index = _nearest_chord_tone(int(round(target)), pitches, chord)
            else:
                index = _walk(index, target, len(pitches), step_quota, rng)
                if slot % int(round(1 / step)) == 0 and rng.random() < 0.6:
                    index = _nearest_chord_tone(index, pitches, chord)
            figure.append((slot, index))
        # cadence: the last note goes to the tonic and is held to the phrase end
        cadence = bool(figure) and cadence_quota()
        if cadence:
            slot, idx = figure[-1]
            figure[-1] = (slot, _nearest_tonic(idx, pitches, ctl.root_pc))
        if motif is None and len(figure) >= 2:
            motif = figure[: max(2, len(figure) // 2)]
        notes += _phrase_notes(ctl, style, figure, pitches, start_beat, n_steps, step,
                               instrument, rng, previous_midi, cadence=cadence,
                               decorate=decorate, response=response)
        if notes:
            previous_midi = notes[-1].midi
    return [n for n in notes if n.start_s < n_beats * ctl.beat_s]


def _phrase_notes(ctl: Controls, style: MelodyStyle, figure: list[tuple[int, int]],
                  pitches: np.ndarray, start_beat: float, n_steps: int, step: float,
                  instrument: str, rng: np.random.Generator,
                  previous_midi: float | None, *, cadence: bool,
                  decorate: tuple[Quota, Quota], response: bool) -> list[Note]:
    """Turn (slot, scale index) pairs into timed notes with syncopation, swing, ornaments.

    A cadence holds the phrase's last note to the phrase end at full weight; a phrase
    without one trails off (its last note shortened and softer). Responses (call and
    response) answer softer than the call.
    """
    comp = ctl.comp
    out: list[Note] = []
    syncopate, ornament = decorate
    kinds = [k for k, _ in ORNAMENTS]
    weights = np.array([w for _, w in ORNAMENTS])
    for j, (slot, idx) in enumerate(figure):
        next_slot = figure[j + 1][0] if j + 1 < len(figure) else n_steps
        gap = (next_slot - slot) * step
        last = j == len(figure) - 1
        length = gap if last else min(gap * style.length_mul, style.max_len_beats)
        if last and not cadence:
            length = min(gap * 0.5, style.max_len_beats)
        onset = slot * step
        if style.pattern == "heroic" and not last and gap >= 2 * step:
            length = gap * 0.75  # dotted, detached
        if j > 0 and syncopate():
            onset -= step / 2.0  # anticipation: push the note half a grid step early
            length += step / 2.0
        if ctl.beat_division == 2 and slot % 2 == 1:
            onset += (comp.swing_ratio - 0.5) * 2.0 * step  # late off-beat eighth
        elif ctl.beat_division == 3 and slot % 3 == 2:
            onset += (comp.swing_ratio - 0.5) * step
        x = slot / n_steps
        velocity = style.velocity * (0.85 + 0.15 * (slot % int(round(1 / step)) == 0)) \
            * (0.85 + 0.3 * x * (style.contour >= 0)) * (0.75 if response else 1.0) \
            * (1.1 if last and cadence else 1.0)
        note = Note((start_beat + onset) * ctl.beat_s, max(length, step * 0.5) * ctl.beat_s,
                    float(pitches[idx]), float(min(velocity, 1.0)), instrument, pan=-0.15)
        kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
        if kind == "slide" and not INSTRUMENT_VOICES[instrument].glides:
            kind = "grace"  # a plucked or struck voice cannot bend: it flicks a grace note
        if ornament():
            prev = out[-1].midi if out else previous_midi
            out += _ornament(note, beat_s=ctl.beat_s, pitches=pitches, index=idx,
                             previous_midi=prev, kind=kind)
        else:
            out.append(note)
    return out
