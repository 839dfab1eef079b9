"""Music theory: scales, chords per mode, progressions per harmony style, a chord timeline.

Everything here is pitch bookkeeping in MIDI numbers and scale degrees; nothing makes sound.
"Harmonious by construction": every pitch returned comes from the scale of the document's
root and mode, and chords are built from scale tones only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Progressions per harmony style, as 0-based degrees of a 7-note scale. Several variants per
#: style; one is chosen per piece from the harmony seed. For 5/6-note scales a 7-note degree
#: ``d`` maps to scale index ``round(d * n / 7)`` (see :func:`degree_for_scale`); 8-note
#: scales skip their chromatic passing tone (see :func:`scale_index_of_degree`).
PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "pop": ((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4)),
    # the last jazz variant is the diatonic cycle of fifths (I IV viiø iii vi ii V I, as in
    # "Autumn Leaves"): every chord quality of the key, the half-diminished one included
    "jazz": ((1, 4, 0, 5), (0, 5, 1, 4), (2, 5, 1, 4), (0, 3, 6, 2, 5, 1, 4, 0)),
    "cinematic": ((0, 5, 2, 6), (0, 3, 5, 4), (5, 6, 0, 0)),
    "ambient": ((0, 3), (0, 5, 3, 5), (0, 2)),
    "modal": ((0, 6, 0, 1), (0, 1, 0, 6), (0, 0, 6, 0)),
    "drone": ((0,), (0, 0, 0, 4)),
    "folk": ((0, 3, 0, 4), (0, 4, 3, 0), (0, 3, 4, 0)),
    "blues": ((0, 3, 0, 0, 3, 3, 0, 0, 4, 3, 0, 4),),  # 12-bar with the quick change to IV
    # the Andalusian cadence, descending to the tonic of the phrygian mode (Am G F E in E):
    # iv-III-II-I, heard from A minor as i-VII-VI-V; on a scale with a major third (the
    # Spanish eight-note scale) the closing chord is major, the flamenco cadence
    "andalusian": ((3, 2, 1, 0),),
}

#: Colour tones a harmony style adds to every chord, as roles (see ROLE_INTERVALS / steps):
#: jazz and blues live on sevenths, ambient on added ninths, drone keeps an open fifth.
HARMONY_COLOUR: dict[str, tuple[str, ...]] = {
    "pop": (), "jazz": ("seventh",), "cinematic": (), "ambient": ("ninth",), "modal": (),
    "drone": (), "folk": (), "blues": ("seventh",), "andalusian": (),
}
ROLE_STEPS: dict[str, int] = {"seventh": 6, "ninth": 8}

#: For 5/6-note scales, preferred semitone intervals above the chord root for each role,
#: most consonant first; the first one present in the scale is used.
ROLE_INTERVALS: dict[str, tuple[int, ...]] = {
    "third": (4, 3, 5, 2),
    "fifth": (7, 8, 6, 5),
    "seventh": (10, 11, 9),
    "ninth": (14, 13, 15),
    "sus": (5, 2, 7),
    "octave": (12,),
}


@dataclass(frozen=True)
class ChordExtension:
    """How one ``composition.extensions`` value builds a chord.

    ``steps`` are 7-note scale steps above the chord root (0 = root, 2 = third, 4 = fifth,
    6 = seventh, 8 = ninth), used when ``stacks_thirds``: on a 7-note scale the chord is a
    stack of scale thirds, so the mode decides major/minor/diminished. ``roles`` name the
    chord tones above the root (keys of :data:`ROLE_INTERVALS`), used on 5/6-note scales,
    and on every scale when ``stacks_thirds`` is False: a suspended or power chord has no
    third to stack, so it is built by interval whatever the scale.
    """

    steps: tuple[int, ...]
    roles: tuple[str, ...]
    stacks_thirds: bool = True


EXTENSIONS: dict[str, ChordExtension] = {
    "triads": ChordExtension(steps=(0, 2, 4), roles=("third", "fifth")),
    "sevenths": ChordExtension(steps=(0, 2, 4, 6), roles=("third", "fifth", "seventh")),
    "ninths": ChordExtension(steps=(0, 2, 4, 6, 8),
                             roles=("third", "fifth", "seventh", "ninth")),
    "sus": ChordExtension(steps=(0, 3, 4), roles=("sus", "fifth"), stacks_thirds=False),
    "power": ChordExtension(steps=(0, 4, 7), roles=("fifth", "octave"), stacks_thirds=False),
}


def degree_for_scale(degree: int, *, n_notes: int) -> int:
    """Map a 7-note scale degree to the nearest degree of an ``n_notes``-note scale."""
    return int(round(degree * n_notes / 7.0)) % n_notes


def passing_tone_index(scale: tuple[int, ...]) -> int | None:
    """Index of an eight-note scale's chromatic passing tone: the first tone a semitone from
    both its neighbours (the Spanish scale's major third, between its minor third and its
    fourth; a bebop scale's added seventh). None for scales of seven notes or fewer.
    """
    if len(scale) <= 7:
        return None
    for i in range(1, len(scale)):
        upper = scale[i + 1] if i + 1 < len(scale) else scale[0] + 12
        if scale[i] - scale[i - 1] == 1 and upper - scale[i] == 1:
            return i
    return None


def scale_index_of_degree(degree: int, *, scale: tuple[int, ...]) -> int:
    """Scale index of the 7-note ``degree`` (0-based) in ``scale``.

    Five- and six-note scales take the nearest degree (:func:`degree_for_scale`). An
    eight-note scale is a seven-note mode with one chromatic passing tone, so the degrees
    count the mode's notes and step over that tone (:func:`passing_tone_index`): in the
    Spanish scale E F G G# A B C D, degree 3 is A, not G#.
    """
    skip = passing_tone_index(scale)
    if skip is None:
        return degree_for_scale(degree, n_notes=len(scale))
    index = degree % 7
    return index + 1 if index >= skip else index


def scale_pitches(*, root_pc: int, scale: tuple[int, ...], low_midi: int,
                  high_midi: int) -> np.ndarray:
    """All scale pitches in ``[low_midi, high_midi]`` ascending (int array)."""
    pcs = {(root_pc + s) % 12 for s in scale}
    return np.array([m for m in range(low_midi, high_midi + 1) if m % 12 in pcs], dtype=int)


def chord_intervals(degree: int, *, scale: tuple[int, ...], extensions: str,
                    colour: tuple[str, ...] = ()) -> tuple[int, ...]:
    """Semitone intervals above the chord root of the chord on scale ``degree``.

    Seven-note scales stack scale thirds (so ``minor`` gives minor/major/diminished chords
    exactly where the mode puts them). Five- and six-note scales have no stacked thirds, so
    each chord role (third, fifth, ...) takes the most consonant interval that the scale has
    above the root (:data:`ROLE_INTERVALS`); so do extensions that do not stack thirds
    (:attr:`ChordExtension.stacks_thirds`). Every returned pitch class is in the scale.
    """
    row = EXTENSIONS[extensions]
    if len(scale) == 7 and row.stacks_thirds:
        return _stacked_intervals(degree, scale=scale, steps=row.steps, colour=colour)
    return _role_intervals(degree, scale=scale, roles=row.roles, colour=colour)


def _stacked_intervals(degree: int, *, scale: tuple[int, ...], steps: tuple[int, ...],
                       colour: tuple[str, ...]) -> tuple[int, ...]:
    """Intervals of the scale tones ``steps`` above ``degree``, plus the colour tones."""
    n = len(scale)
    root = scale[degree % n]
    all_steps = list(steps)
    all_steps += [ROLE_STEPS[r] for r in colour if ROLE_STEPS[r] not in all_steps]
    out = []
    for step in all_steps:
        octave, idx = divmod(degree + step, n)
        out.append(scale[idx] + 12 * octave - root)
    return tuple(out)


def _role_intervals(degree: int, *, scale: tuple[int, ...], roles: tuple[str, ...],
                    colour: tuple[str, ...]) -> tuple[int, ...]:
    """Root, then for each role (and colour) the first preferred interval in the scale."""
    root = scale[degree % len(scale)]
    pcs = {s % 12 for s in scale}
    out = [0]
    for role in roles + tuple(r for r in colour if r not in roles):
        for interval in ROLE_INTERVALS[role]:
            if (root + interval) % 12 in pcs and interval % 12 not in [o % 12 for o in out]:
                out.append(interval)
                break
    return tuple(out)


@dataclass(frozen=True)
class Chord:
    """One chord of the timeline: its start and length in beats, root degree and intervals."""

    start_beats: float
    length_beats: float
    degree: int
    root_pc: int
    intervals: tuple[int, ...]

    def pitch_classes(self) -> tuple[int, ...]:
        """The chord's pitch classes, root first."""
        return tuple((self.root_pc + i) % 12 for i in self.intervals)


def chord_timeline(*, n_beats: float, beats_per_bar: int, chord_bars: float, harmony: str,
                   extensions: str, root_pc: int, scale: tuple[int, ...],
                   rng: np.random.Generator) -> list[Chord]:
    """The chords covering ``n_beats`` beats, changing every ``chord_bars`` bars.

    The progression variant is drawn once from ``rng``; it then cycles. ``drone`` harmony
    keeps the tonic under every other chord (a pedal) by cycling mostly degree 0.
    """
    variants = PROGRESSIONS[harmony]
    progression = variants[int(rng.integers(len(variants)))]
    length_beats = max(chord_bars * beats_per_bar, 1.0)
    n_chords = int(np.ceil(n_beats / length_beats)) + 1
    chords = []
    for i in range(n_chords):
        degree = scale_index_of_degree(progression[i % len(progression)], scale=scale)
        chords.append(Chord(
            start_beats=i * length_beats,
            length_beats=length_beats,
            degree=degree,
            root_pc=(root_pc + scale[degree]) % 12,
            intervals=chord_intervals(degree, scale=scale, extensions=extensions,
                                      colour=HARMONY_COLOUR[harmony]),
        ))
    return chords


def lowest_pitch(pitch_class: int, *, low_midi: int) -> int:
    """The lowest MIDI pitch of ``pitch_class`` (0-11) at or above ``low_midi``: a root
    placed in a register (a thumb's, a left hand's, a pad's low octave)."""
    return low_midi + (pitch_class - low_midi) % 12


def voice_chord(chord: Chord, *, low_midi: int, high_midi: int,
                previous: tuple[int, ...] | None) -> tuple[int, ...]:
    """MIDI pitches for ``chord`` within a register, close to the ``previous`` voicing.

    Smooth voice leading: every inversion whose notes fit in ``[low_midi, high_midi]`` is
    scored by total movement from the previous voicing, and the smallest wins.
    """
    base = chord.intervals
    candidates = []
    for octave_root in range(low_midi - 12, high_midi + 1):
        if octave_root % 12 != chord.root_pc:
            continue
        notes = [octave_root + i for i in base]
        for inversion in range(len(notes)):
            inv = sorted(n + (12 if k < inversion else 0) for k, n in enumerate(notes))
            if inv[0] >= low_midi and inv[-1] <= high_midi:
                candidates.append(tuple(inv))
    if not candidates:
        root = lowest_pitch(chord.root_pc, low_midi=low_midi)
        return tuple(root + i for i in base)
    if previous is None:
        centre = (low_midi + high_midi) / 2.0
        return min(candidates, key=lambda c: (abs(np.mean(c) - centre), c))
    prev_centre = float(np.mean(previous))
    return min(candidates, key=lambda c: (abs(np.mean(c) - prev_centre)
                                          + 0.1 * sum(min(abs(n - p) for p in previous)
                                                      for n in c), c))


#: Semitones of a major sixth: the 13th a comping voicing adds in place of the fifth, on
#: chords with a major third where the scale has it (the maj13 and 13 colours of bossa
#: and jazz); on minor chords the sixth is an avoid note or a b13, so they keep the fifth.
THIRTEENTH = 9


def rootless_voicing(chord: Chord, *, root_pc: int, scale: tuple[int, ...]) -> Chord:
    """The chord as a guitarist or pianist comps it: no root (the bass has it), the third
    and seventh that define it, its major ninth, and the 13th instead of the fifth on chords
    with a major third (the fifth elsewhere; the half-diminished chord keeps its b5).

    Chords without a seventh (triads, sus, power chords, pentatonic roles) are returned
    unchanged. Every tone is a scale tone (the 13th only when the scale has it), so the
    voicing stays harmonious by construction.

    Parameters
    ----------
    chord : Chord
        A chord of the timeline.
    root_pc : int
        Pitch class of the document's root, 0..11.
    scale : tuple of int
        The mode's intervals above the root.

    Returns
    -------
    Chord
        The same chord with intervals (above its root, ascending) of the voicing.
    """
    iv = chord.intervals
    if len(iv) < 4:
        return chord
    pcs = {(root_pc + s) % 12 for s in scale}
    third, fifth, seventh = iv[1], iv[2], iv[3]
    colour = THIRTEENTH if third == 4 and (chord.root_pc + THIRTEENTH) % 12 in pcs else fifth
    tones = [third, colour, seventh]
    tones += [n for n in iv[4:] if n % 12 == 2]  # the major ninth (a b9 would clash)
    return Chord(chord.start_beats, chord.length_beats, chord.degree, chord.root_pc,
                 tuple(sorted(tones)))


def chord_at(chords: list[Chord], beat: float) -> Chord:
    """The chord sounding at ``beat``."""
    length = chords[0].length_beats
    return chords[min(int(beat // length), len(chords) - 1)]
