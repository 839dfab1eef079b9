"""Note and hit events: the score the renderer plays, in seconds, for the whole piece.

Layers produce events (cheap: a few thousand per ten minutes); the engine turns them into
audio block by block. Pitched notes are :class:`Note`; unpitched percussion hits are
:class:`Hit`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class Note:
    """A pitched note: onset and gate length in seconds, MIDI pitch, velocity 0..1, pan -1..1.

    ``glide_st`` starts the note that many semitones away (slides, scoops); ``cutoff_mul``
    darkens or brightens this note's timbre relative to the document's brightness.
    """

    start_s: float
    dur_s: float
    midi: float
    velocity: float
    instrument: str
    pan: float = 0.0
    glide_st: float = 0.0
    cutoff_mul: float = 1.0


@dataclass(frozen=True)
class Hit:
    """An unpitched percussion hit of drum sound ``sound`` (a key of ``drums.DRUM_SOUNDS``),
    played as its take ``take`` (:func:`drum_name`: a hand drum's strokes differ a little
    each time)."""

    start_s: float
    sound: str
    velocity: float
    pan: float = 0.0
    take: int = 0


#: What joins a sound's name to its take's number in a drum sound's name (``tek~2``).
TAKE_MARK = "~"


def drum_name(sound: str, *, take: int) -> str:
    """The drum sound (a key of ``drums.DRUM_SOUNDS``) of take ``take`` of ``sound``: take 0
    is ``sound`` itself."""
    return sound if take == 0 else f"{sound}{TAKE_MARK}{take}"


def humanize_notes(notes: list[Note], *, timing_sd_s: float, velocity_sd: float,
                   rng: np.random.Generator) -> list[Note]:
    """Jitter onsets (normal, ``timing_sd_s``) and velocities (multiplicative ``velocity_sd``).

    Draws exactly two numbers per note, so the stream of a layer depends only on its notes.
    """
    if not notes:
        return notes
    dt = rng.standard_normal(len(notes)) * timing_sd_s
    dv = rng.standard_normal(len(notes)) * velocity_sd
    # one vectorised clip instead of a numpy call per note (planning cost, same values)
    vel = np.clip(np.array([n.velocity for n in notes]) * (1.0 + dv), 0.05, 1.0).tolist()
    return [Note(max(n.start_s + a, 0.0), n.dur_s, n.midi, v, n.instrument, n.pan,
                 n.glide_st, n.cutoff_mul)
            for n, a, v in zip(notes, dt.tolist(), vel)]


def humanize_hits(hits: list[Hit], *, timing_sd_s: float, velocity_sd: float,
                  rng: np.random.Generator) -> list[Hit]:
    """Like :func:`humanize_notes` for percussion (drummers are tighter: half the jitter)."""
    if not hits:
        return hits
    dt = rng.standard_normal(len(hits)) * timing_sd_s * 0.5
    dv = rng.standard_normal(len(hits)) * velocity_sd
    vel = np.clip(np.array([h.velocity for h in hits]) * (1.0 + dv), 0.05, 1.0).tolist()
    return [Hit(max(h.start_s + a, 0.0), h.sound, v, h.pan, h.take)
            for h, a, v in zip(hits, dt.tolist(), vel)]


def retune_notes(notes: list[Note], *, tuning_st: tuple[float, ...], root_pc: int
                 ) -> list[Note]:
    """Notes moved to a non-equal tuning: each pitch by the offset of its pitch class above
    the root (``tuning_st``, twelve semitone offsets; see
    :func:`~moodc.synth.controls.tuning_offsets_st`).

    The planners write every part (melody, chords, bass, ornaments) on the nearest
    semitones; this one step makes all of them sound in the tuning, so chords and bass of a
    gamelan mode are built from the same tuned tones as its melody. All-zero offsets (every
    12-TET mode) return ``notes`` itself, so those renders never change.
    """
    if not any(tuning_st):
        return notes
    return [Note(n.start_s, n.dur_s, n.midi + tuning_st[(int(round(n.midi)) - root_pc) % 12],
                 n.velocity, n.instrument, n.pan, n.glide_st, n.cutoff_mul)
            for n in notes]


#: The breath a wind player takes inside a note held longer than one breath (s): a short
#: silence, then the same pitch speaks again (see ``Instrument.breath_s``).
BREATH_GAP_S = 0.35


def breathed(notes: list[Note], *, breath_s: float) -> list[Note]:
    """Notes no longer than ``breath_s`` seconds (0: unchanged): a note held longer becomes
    equal notes of its pitch, each at most ``breath_s`` long, with :data:`BREATH_GAP_S` of
    silence between them, spanning the same time. Only the first keeps the note's slide
    (the later ones re-speak the held pitch)."""
    if not breath_s:
        return notes
    out = []
    for n in notes:
        parts = math.ceil((n.dur_s + BREATH_GAP_S) / (breath_s + BREATH_GAP_S))
        if parts <= 1:
            out.append(n)
            continue
        part_s = (n.dur_s - (parts - 1) * BREATH_GAP_S) / parts
        out += [replace(n, start_s=n.start_s + i * (part_s + BREATH_GAP_S), dur_s=part_s,
                        glide_st=n.glide_st if i == 0 else 0.0) for i in range(parts)]
    return out
