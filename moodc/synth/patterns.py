"""Layer patterns: bass lines, pad voicings, accents and drum patterns as events.

Each style of ``vocab.LAYER_STYLES`` has one entry in one table here; every pattern is laid
out in beats over the document's meter and converted to seconds with the tempo.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from moodc.synth.controls import Controls
from moodc.synth.events import Hit, Note
from moodc.synth.theory import Chord, voice_chord

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


def _bass_octave(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    return [(b, 0.45, root + (12 if i % 2 else 0), 0.8)
            for i, b in enumerate(np.arange(0.0, c.length_beats, 0.5))]


def _bass_fifths(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    return [(b, 0.9, root + (_fifth(c) if i % 2 else 0), 0.8)
            for i, b in enumerate(np.arange(0.0, c.length_beats, 1.0))]


def _bass_arpeggio(c: Chord, nxt: Chord, ctl: Controls, tonic: float):
    root = _bass_root(c)
    n = max(len(c.intervals), 2)
    seq = list(range(n)) + list(range(n - 2, 0, -1))
    return [(b, 0.45, _chord_tone(c, seq[i % len(seq)], base=root), 0.75)
            for i, b in enumerate(np.arange(0.0, c.length_beats, 0.5))]


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


BASS_STYLES: dict[str, BassFn] = {
    "drone": _bass_drone, "sustained": _bass_sustained, "pulsing": _bass_pulsing,
    "walking": _bass_walking, "octave": _bass_octave, "fifths": _bass_fifths,
    "arpeggio": _bass_arpeggio, "sub": _bass_sub, "syncopated": _bass_syncopated,
}


def bass_notes(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
               instrument: str) -> list[Note]:
    """Bass notes for every chord of the timeline (style from :data:`BASS_STYLES`)."""
    fn = BASS_STYLES[style]
    tonic = BASS_OCTAVE_MIDI + ctl.root_pc - (12 if ctl.root_pc > 7 else 0)
    out = []
    for c, nxt in zip(chords, chords[1:] + chords[:1]):
        if c.start_beats >= n_beats:
            break
        for off, dur, midi, vel in fn(c, nxt, ctl, tonic):
            beat = swing(c.start_beats + off, ratio=ctl.comp.swing_ratio,
                         division=ctl.beat_division)
            out.append(Note(beat * ctl.beat_s, dur * ctl.beat_s, float(midi),
                            vel, instrument, pan=0.0))
    return out


# ------------------------------------------------------------------------------------------
# Pad: voicing register, spread and articulation per style.
# ------------------------------------------------------------------------------------------

#: style → (low MIDI, high MIDI, cutoff multiplier, stagger beats, only root+fifth, velocity)
PAD_STYLES: dict[str, tuple[int, int, float, float, bool, float]] = {
    "warm": (50, 70, 0.8, 0.0, False, 0.7),
    "dark": (40, 60, 0.35, 0.0, False, 0.75),
    "cinematic": (45, 79, 1.2, 0.0, False, 0.75),
    "thin_high": (72, 90, 1.6, 0.0, False, 0.45),
    "drift": (52, 74, 0.9, 0.75, False, 0.6),
    "fifths": (43, 67, 1.0, 0.0, True, 0.7),
    "tanpura": (0, 0, 1.0, 0.0, True, 0.6),
    "swell": (50, 72, 1.0, 0.0, False, 0.8),
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
              instrument: str) -> list[Note]:
    """Pad chords: each chord voiced close to the previous one in the style's register.

    Each density has its own soft octave doublings (:data:`PAD_DOUBLINGS`), so every
    density value changes the sound even when the layers it would add are ``none``.
    """
    if style == "tanpura":
        return _tanpura(ctl, chords, n_beats, instrument)
    low, high, cut, stagger, open_fifths, vel = PAD_STYLES[style]
    out, previous = [], None
    for c in chords:
        if c.start_beats >= n_beats:
            break
        if open_fifths:
            root = low + (c.root_pc - low) % 12
            voicing: tuple[int, ...] = (root, root + _fifth(c), root + 12)
        else:
            voicing = voice_chord(c, low_midi=low, high_midi=high, previous=previous)
            previous = voicing
        extra = [voicing[k] + 12 * octave for k, octave in PAD_DOUBLINGS[ctl.density]]
        if style == "cinematic":
            extra.append(low - 12 + (c.root_pc - low) % 12)
        pitches = list(voicing) + extra
        n = len(pitches)
        for i, midi in enumerate(pitches):
            pan = (i / max(n - 1, 1) * 2.0 - 1.0) * 0.7
            offset = stagger * i
            out.append(Note((c.start_beats + offset) * ctl.beat_s,
                            (c.length_beats - offset + 0.1) * ctl.beat_s, float(midi),
                            vel / np.sqrt(n / 3.0), instrument, pan=pan,
                            glide_st=(0.3 if i % 2 else -0.3) if style == "drift" else 0.0,
                            cutoff_mul=cut))
    return out


# ------------------------------------------------------------------------------------------
# Accents: occasional ornamental hits.
# ------------------------------------------------------------------------------------------

#: style → (voice or drum, pitched?, every N bars, notes per hit, octave above C4, beat in bar)
ACCENT_STYLES: dict[str, tuple[str, bool, float, int, int, float]] = {
    "bells": ("bell", True, 2.0, 1, 1, 0.0),
    "chime": ("_chime", True, 2.0, 4, 2, 0.5),
    "pluck": ("pluck", True, 2.0, 3, 1, 0.0),
    "blip": ("square_8bit", True, 1.0, 2, 2, 1.5),
    "brass_hit": ("brass", True, 4.0, 3, 0, 0.0),
    "gong": ("gong", False, 8.0, 1, 0, 0.0),
    "sleigh_bells": ("sleigh", False, 0.25, 1, 0, 0.0),
    "glockenspiel": ("_glock", True, 1.0, 2, 2, 1.0),
    "wood_block": ("wood_block", False, 0.5, 1, 0, 0.5),
}


def accent_events(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                  rng: np.random.Generator) -> tuple[list[Note], list[Hit]]:
    """Accent notes/hits: a sparse, seeded ornament on top of the music."""
    voice, pitched, every_bars, n_notes, octave, at_beat = ACCENT_STYLES[style]
    bar = ctl.beats_per_bar
    notes: list[Note] = []
    hits: list[Hit] = []
    period = every_bars * bar
    for b in np.arange(0.0, n_beats, period):
        beat = b + min(at_beat, bar - 0.5)
        if pitched:
            c = [ch for ch in chords if ch.start_beats <= beat][-1]
            base = 60 + 12 * octave + c.root_pc
            if style == "brass_hit":  # a chord stab
                for k in range(n_notes):
                    notes.append(Note(beat * ctl.beat_s, 0.35 * ctl.beat_s,
                                      float(_chord_tone(c, k, base=base - 12)), 0.8, voice,
                                      pan=0.1 * (k - 1)))
                continue
            spacing = 0.25 if style != "chime" else 0.17
            for k in range(n_notes):
                tone = int(rng.integers(0, len(c.intervals) + 1))
                pan = float(rng.uniform(-0.7, 0.7))
                notes.append(Note((beat + k * spacing) * ctl.beat_s,
                                  (0.3 if style in ("blip",) else 0.9) * ctl.beat_s,
                                  float(_chord_tone(c, tone, base=base)), 0.55, voice, pan=pan))
        else:
            if style == "sleigh_bells" and rng.random() < 0.15:
                continue
            hits.append(Hit(beat * ctl.beat_s, voice,
                            0.5 if style == "sleigh_bells" else 0.7,
                            pan=float(rng.uniform(-0.5, 0.5))))
    return notes, hits


# ------------------------------------------------------------------------------------------
# Rhythm: patterns as strings over a step grid; laid out bar by bar in the meter.
# ------------------------------------------------------------------------------------------

#: style → (step in beats, {drum sound: pattern}); pattern chars: x = hit, o = soft, . = rest.
#: A pattern longer than a bar continues across bars (teental's 16-matra cycle); shorter or
#: equal ones restart on every downbeat, so every pattern follows the document's meter.
RHYTHM_STYLES: dict[str, tuple[float, dict[str, str]]] = {
    "minimal": (1.0, {"kick_soft": "x...", "shaker": "..o."}),
    "heartbeat": (0.25, {"heart": "x..o............"}),
    "soft_four": (1.0, {"kick_soft": "xxxx", "brush_tap": ".o.o"}),
    "hats_only": (0.5, {"hat": "xoxoxoxo", "hat_open": ".......x"}),
    "electronic": (0.25, {"kick_808": "x.....x...x.....", "clap": "....x.......x...",
                          "hat": "oxoxoxoxoxoxoxox"}),
    "rock": (0.5, {"kick": "x...x.x.", "snare": "..x...x.", "hat": "xxxxxxxx"}),
    "brush": (0.5, {"brush_swish": "x.o.x.o.", "brush_tap": "..x...x.",
                    "kick_soft": "x...x..."}),
    "four_on_floor": (0.5, {"kick_808": "x.x.x.x.", "hat_open": ".x.x.x.x",
                            "clap": "..x...x."}),
    "chiptune": (0.25, {"chip_kick": "x.......x.x.....", "chip_snare": "....x.......x...",
                        "chip_hat": "x.x.x.x.x.x.x.x."}),
    "waltz": (1.0, {"kick": "x..", "brush_tap": ".xx", "hat": ".oo"}),
    "march": (0.25, {"kick": "x.......x.......", "snare": "x.xxx.x.x.xxx.x.",
                     "cymbal": "x..............."}),
    "bossa": (0.5, {"kick_soft": "x..xx..x", "rim": "x..x..x...x..x..", "shaker": "oxoxoxox"}),
    "maqsum": (0.5, {"doum": "x...x...", "tek": ".x.x..x.", "ka": "......o."}),
    "baladi": (0.5, {"doum": "xx..x...", "tek": "...x..x.", "ka": ".o...o.o",
                     "riq": "o.o.o.o."}),
    "saidi": (0.5, {"doum": "x..xx...", "tek": ".x....x.", "ka": "..o..o.o",
                    "bendir": "x...x...", "riq": ".o.o.o.o"}),
    "teental": (0.5, {"bayan_ge": "x..xx..xx......x", "tabla_na": "xxxxxxxx....xxxx",
                      "tabla_tin": "........xxxx...."}),
    "dhol": (0.5, {"dhol_dagga": "x..x..x.", "dhol_tilli": ".xx.xx.x"}),
    "taiko": (0.5, {"taiko_don": "x.x...xxx.x.....", "taiko_ka": "...x.x.....x.xxx"}),
}

#: The sound that plays the fill closing every fourth bar (a roll on the last beat, growing
#: louder); ``None`` for styles that never fill (pulses, heartbeats, a lone hi-hat).
RHYTHM_FILL: dict[str, str | None] = {
    "minimal": None, "heartbeat": None, "soft_four": "brush_tap", "hats_only": None,
    "electronic": "clap", "rock": "snare", "brush": "brush_tap", "four_on_floor": "clap",
    "chiptune": "chip_snare", "waltz": "brush_tap", "march": "snare", "bossa": "rim",
    "maqsum": "tek", "baladi": "tek", "saidi": "doum", "teental": "tabla_na",
    "dhol": "dhol_tilli", "taiko": "taiko_don",
}
FILL_EVERY_BARS = 4

#: Pan position of each drum sound (kick and snare centre, cymbals and hands spread).
DRUM_PAN: dict[str, float] = {"hat": 0.35, "hat_open": 0.4, "shaker": -0.4, "rim": -0.25,
                              "tek": 0.2, "ka": -0.3, "tabla_na": 0.25, "tabla_tin": 0.25,
                              "bayan_ge": -0.2, "dhol_tilli": 0.3, "dhol_dagga": -0.15,
                              "taiko_ka": 0.35, "bendir": -0.25, "riq": 0.4,
                              "brush_tap": 0.2, "brush_swish": -0.2,
                              "chip_hat": 0.3, "cymbal": -0.35, "clap": 0.1}


def rhythm_hits(ctl: Controls, *, style: str, n_beats: float) -> list[Hit]:
    """Drum hits of ``style`` for ``n_beats`` beats in the document's meter.

    In 6/8 (three-part beats) a pattern step of half a beat becomes a third of a beat, so
    the patterns take on the compound lilt instead of fighting it.
    """
    step, lanes = RHYTHM_STYLES[style]
    if ctl.beat_division == 3 and step < 1.0:
        step = 1.0 / 3.0 if step == 0.5 else 1.0 / 6.0
    bar = ctl.beats_per_bar
    per_bar = int(round(bar / step))
    hits = []
    n_bars = int(np.ceil(n_beats / bar))
    for b in range(n_bars):
        for sound, pattern in lanes.items():
            for k in range(per_bar):
                cyclic = len(pattern) > per_bar  # long cycles (teental) run across bars
                pos = (b * per_bar + k if cyclic else k) % len(pattern)
                ch = pattern[pos]
                if ch == ".":
                    continue
                beat = swing(b * bar + k * step, ratio=ctl.comp.swing_ratio,
                             division=ctl.beat_division)
                accent = 1.0 if k == 0 else 0.85
                vel = (0.9 if ch == "x" else 0.5) * accent
                hits.append(Hit(beat * ctl.beat_s, sound, vel, DRUM_PAN.get(sound, 0.0)))
    fill = RHYTHM_FILL[style]
    if fill is not None:
        sub = 1.0 / (4 if ctl.beat_division == 2 else 3)  # sixteenths (or compound eighths)
        n_sub = int(round(1.0 / sub))
        for b in range(FILL_EVERY_BARS - 1, n_bars, FILL_EVERY_BARS):
            last_beat = b * bar + bar - 1
            for k in range(n_sub):
                hits.append(Hit((last_beat + k * sub) * ctl.beat_s, fill,
                                0.45 + 0.45 * k / max(n_sub - 1, 1), DRUM_PAN.get(fill, 0.0)))
    hits.sort(key=lambda h: h.start_s)
    return [h for h in hits if h.start_s < n_beats * ctl.beat_s]
