"""The V2 vocabulary: every allowed label, and every label → number map, in one place.

This module is the bottom layer of moodc: it imports nothing from the package, so the
document model (``moodc.config``) builds its enums from it and the synth (``moodc.synth``)
reads its physical controls from it without either importing the other.

Every ordinal field has exactly five labels, ordered from least to most, so that tweening,
relative edits and evaluation can rank them. Each ``*_TABLE`` maps a label to the number the
synth uses; a test walks every key of every table.
"""

from __future__ import annotations

from typing import Any, Final

# --------------------------------------------------------------------------------------
# Ordinal fields: five labels each, least → most.
# --------------------------------------------------------------------------------------

ORDINAL_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "tempo": ("very_slow", "slow", "medium", "fast", "very_fast"),
    "brightness": ("very_dark", "dark", "medium", "bright", "very_bright"),
    "space": ("dry", "small", "medium", "large", "vast"),
    "echo": ("none", "subtle", "medium", "heavy", "infinite"),
    "motion": ("static", "slow", "medium", "fast", "chaotic"),
    "stereo": ("mono", "narrow", "medium", "wide", "ultra_wide"),
    "human": ("robotic", "tight", "natural", "loose", "drunk"),
    # composition.* ordinals
    "melody_density": ("very_sparse", "sparse", "medium", "busy", "very_busy"),
    "syncopation": ("none", "light", "medium", "heavy", "extreme"),
    "swing": ("none", "light", "medium", "heavy", "shuffle"),
    "leaps": ("stepwise", "mostly_steps", "balanced", "leapy", "very_leapy"),
    "chord_rate": ("very_slow", "slow", "medium", "fast", "very_fast"),
    "ornament": ("none", "light", "medium", "heavy", "florid"),
    "motif_repeat": ("never", "rare", "sometimes", "often", "always"),
    "cadence": ("very_weak", "weak", "medium", "strong", "very_strong"),
}

#: Fields of ``composition`` that are ordinal (the rest of ORDINAL_LABELS are top-level).
COMPOSITION_ORDINALS: Final[tuple[str, ...]] = (
    "melody_density",
    "syncopation",
    "swing",
    "leaps",
    "chord_rate",
    "ornament",
    "motif_repeat",
    "cadence",
)

# --------------------------------------------------------------------------------------
# Label → number tables read by the synth. One table per mapping.
# --------------------------------------------------------------------------------------

#: Beats per minute for each tempo label (a ``bpm`` field overrides it).
TEMPO_BPM: Final[dict[str, float]] = {
    "very_slow": 56.0,
    "slow": 76.0,
    "medium": 100.0,
    "fast": 128.0,
    "very_fast": 160.0,
}

# The tempo you feel: how busy the parts play at each tempo label, beyond the BPM itself
# (issue 14). A laid-back style at ``very_fast`` must still feel fast and a busy one at
# ``very_slow`` slow, so every layer style reads these five tables; ``medium`` is the
# styles as written (each multiplier 1, nothing added or removed).

#: Melody pace: multiplier on the odds that a melody grid slot holds an onset (a slot at
#: 50 % becomes 23 % at very_slow, 83 % at very_fast; odds, not the chance, so no two
#: melody densities meet at a ceiling).
TEMPO_MELODY_PACE: Final[dict[str, float]] = {
    "very_slow": 0.3,
    "slow": 0.55,
    "medium": 1.0,
    "fast": 2.2,
    "very_fast": 5.0,
}
#: Melody note length: multiplier on a style's longest note (beats); slow tempos let notes
#: ring, fast ones keep them short.
TEMPO_NOTE_LENGTH_MUL: Final[dict[str, float]] = {
    "very_slow": 1.5,
    "slow": 1.25,
    "medium": 1.0,
    "fast": 0.75,
    "very_fast": 0.5,
}
#: Subdivision of the rhythm below medium, in beats: every lane keeps only its hits on this
#: grid (quarters, eighths: a half-time, laid-back feel); 0 plays the lanes as written. In compound meters eighths map to thirds of the dotted beat.
TEMPO_KEEP_GRID_BEATS: Final[dict[str, float]] = {
    "very_slow": 1.0,
    "slow": 0.5,
    "medium": 0.0,
    "fast": 0.0,
    "very_fast": 0.0,
}
#: Subdivision of the time-keeping lane above medium, in beats: hits fill every empty step
#: of this grid, firm on the beats and soft (ghosts) between them (eighths: drive; sixteenth ghosts blur into a roll at these
#: tempos, so very_fast drives through the BPM, the melody and the fills instead); 0 adds
#: none. In compound meters eighths map to thirds of the dotted beat.
TEMPO_GHOST_GRID_BEATS: Final[dict[str, float]] = {
    "very_slow": 0.0,
    "slow": 0.0,
    "medium": 0.0,
    "fast": 0.5,
    "very_fast": 0.5,
}
#: Bass pulse above medium, in beats: a bass note longer than this is struck again every
#: this many beats (a drone or a held root becomes a pulse you can tap); 0 leaves it held.
#: A one-figure rhythm (the heartbeat) is restated on the same pulse.
TEMPO_BASS_RESTRIKE_BEATS: Final[dict[str, float]] = {
    "very_slow": 0.0,
    "slow": 0.0,
    "medium": 0.0,
    "fast": 2.0,
    "very_fast": 1.0,
}
#: Drum fills: one roll closing every this many bars (fast tempos fill more often).
TEMPO_FILL_EVERY_BARS: Final[dict[str, int]] = {
    "very_slow": 8,
    "slow": 8,
    "medium": 4,
    "fast": 2,
    "very_fast": 2,
}
#: Strokes of a fill roll as a multiple of the meter's (sixteenths in simple meters,
#: eighths in compound ones at medium).
TEMPO_FILL_STROKES_MUL: Final[dict[str, float]] = {
    "very_slow": 0.5,
    "slow": 0.5,
    "medium": 1.0,
    "fast": 1.0,
    "very_fast": 1.5,
}

#: Low-pass cutoff multiplier on every voice's base cutoff (≈ one octave per step) and
#: the tilt of the master shelf in dB; together they move the spectral centroid.
BRIGHTNESS_CUTOFF_SCALE: Final[dict[str, float]] = {
    "very_dark": 0.25,
    "dark": 0.5,
    "medium": 1.0,
    "bright": 2.0,
    "very_bright": 4.0,
}
BRIGHTNESS_TILT_DB: Final[dict[str, float]] = {
    "very_dark": -9.0,
    "dark": -4.5,
    "medium": 0.0,
    "bright": 3.0,
    "very_bright": 6.0,
}

#: Reverb decay time RT60 in seconds and wet mix (linear) per space label.
SPACE_RT60_S: Final[dict[str, float]] = {
    "dry": 0.0,
    "small": 0.5,
    "medium": 1.4,
    "large": 3.0,
    "vast": 7.0,
}
SPACE_WET: Final[dict[str, float]] = {
    "dry": 0.0,
    "small": 0.15,
    "medium": 0.25,
    "large": 0.35,
    "vast": 0.5,
}
#: Reverb size (the FDN's delay-length scale) per space label: small rooms have short paths.
#: ``dry`` has no reverb (wet 0), so its size is never heard.
SPACE_REVERB_SIZE: Final[dict[str, float]] = {
    "dry": 1.0,
    "small": 0.55,
    "medium": 0.8,
    "large": 1.0,
    "vast": 1.25,
}

#: Feedback-delay feedback gain and wet mix per echo label; ``infinite`` is a ~20 s tail.
ECHO_FEEDBACK: Final[dict[str, float]] = {
    "none": 0.0,
    "subtle": 0.25,
    "medium": 0.45,
    "heavy": 0.65,
    "infinite": 0.88,
}
ECHO_WET: Final[dict[str, float]] = {
    "none": 0.0,
    "subtle": 0.12,
    "medium": 0.2,
    "heavy": 0.28,
    "infinite": 0.32,
}

#: Modulation (LFO) rate in Hz per motion label: higher label = faster modulation.
MOTION_LFO_HZ: Final[dict[str, float]] = {
    "static": 0.0,
    "slow": 0.07,
    "medium": 0.2,
    "fast": 0.6,
    "chaotic": 1.8,
}
#: Modulation depth (0..1 of each modulated parameter's range) per motion label.
MOTION_DEPTH: Final[dict[str, float]] = {
    "static": 0.0,
    "slow": 0.25,
    "medium": 0.4,
    "fast": 0.55,
    "chaotic": 0.8,
}

#: Stereo width: 0 = mono (both channels identical), 1 = normal, >1 = widened (M/S gain).
STEREO_WIDTH: Final[dict[str, float]] = {
    "mono": 0.0,
    "narrow": 0.35,
    "medium": 0.7,
    "wide": 1.0,
    "ultra_wide": 1.6,
}

#: Timing jitter (standard deviation, ms) and velocity jitter (std, fraction) per human label.
HUMAN_TIMING_MS: Final[dict[str, float]] = {
    "robotic": 0.0,
    "tight": 4.0,
    "natural": 10.0,
    "loose": 22.0,
    "drunk": 45.0,
}
HUMAN_VELOCITY: Final[dict[str, float]] = {
    "robotic": 0.0,
    "tight": 0.05,
    "natural": 0.1,
    "loose": 0.18,
    "drunk": 0.3,
}

#: Probability that a melody grid slot holds a note onset.
MELODY_DENSITY_PROB: Final[dict[str, float]] = {
    "very_sparse": 0.15,
    "sparse": 0.3,
    "medium": 0.5,
    "busy": 0.7,
    "very_busy": 0.9,
}
#: Probability that a note is moved off the beat (anticipated by half a grid step).
SYNCOPATION_PROB: Final[dict[str, float]] = {
    "none": 0.0,
    "light": 0.15,
    "medium": 0.3,
    "heavy": 0.5,
    "extreme": 0.75,
}
#: Swing ratio: the fraction of a beat pair taken by the first eighth (0.5 = straight).
SWING_RATIO: Final[dict[str, float]] = {
    "none": 0.5,
    "light": 0.56,
    "medium": 0.62,
    "heavy": 0.67,
    "shuffle": 0.72,
}
#: Probability that a melodic interval is a step (≤ 1 scale degree) rather than a leap.
LEAPS_STEP_PROB: Final[dict[str, float]] = {
    "stepwise": 0.95,
    "mostly_steps": 0.8,
    "balanced": 0.6,
    "leapy": 0.4,
    "very_leapy": 0.2,
}
#: Bars per chord for each chord-change rate.
CHORD_RATE_BARS: Final[dict[str, float]] = {
    "very_slow": 8.0,
    "slow": 4.0,
    "medium": 2.0,
    "fast": 1.0,
    "very_fast": 0.5,
}
#: Probability that a melody note carries an ornament (grace note, mordent, trill, slide).
ORNAMENT_PROB: Final[dict[str, float]] = {
    "none": 0.0,
    "light": 0.12,
    "medium": 0.25,
    "heavy": 0.45,
    "florid": 0.7,
}
#: Probability that a phrase repeats (a variant of) the opening motif.
MOTIF_REPEAT_PROB: Final[dict[str, float]] = {
    "never": 0.0,
    "rare": 0.2,
    "sometimes": 0.45,
    "often": 0.7,
    "always": 1.0,
}
#: Probability that a phrase ends on the tonic (and its last note is lengthened).
CADENCE_TONIC_PROB: Final[dict[str, float]] = {
    "very_weak": 0.05,
    "weak": 0.3,
    "medium": 0.55,
    "strong": 0.8,
    "very_strong": 1.0,
}

#: Every ordinal table keyed by field, so tests (and tween) can walk them together.
ORDINAL_TABLES: Final[dict[str, tuple[dict[str, float], ...]]] = {
    "tempo": (TEMPO_BPM, TEMPO_MELODY_PACE, TEMPO_NOTE_LENGTH_MUL, TEMPO_KEEP_GRID_BEATS,
              TEMPO_GHOST_GRID_BEATS, TEMPO_BASS_RESTRIKE_BEATS, TEMPO_FILL_EVERY_BARS,
              TEMPO_FILL_STROKES_MUL),
    "brightness": (BRIGHTNESS_CUTOFF_SCALE, BRIGHTNESS_TILT_DB),
    "space": (SPACE_RT60_S, SPACE_WET, SPACE_REVERB_SIZE),
    "echo": (ECHO_FEEDBACK, ECHO_WET),
    "motion": (MOTION_LFO_HZ, MOTION_DEPTH),
    "stereo": (STEREO_WIDTH,),
    "human": (HUMAN_TIMING_MS, HUMAN_VELOCITY),
    "melody_density": (MELODY_DENSITY_PROB,),
    "syncopation": (SYNCOPATION_PROB,),
    "swing": (SWING_RATIO,),
    "leaps": (LEAPS_STEP_PROB,),
    "chord_rate": (CHORD_RATE_BARS,),
    "ornament": (ORNAMENT_PROB,),
    "motif_repeat": (MOTIF_REPEAT_PROB,),
    "cadence": (CADENCE_TONIC_PROB,),
}

# --------------------------------------------------------------------------------------
# Pitch: roots and modes.
# --------------------------------------------------------------------------------------

#: Semitones above C for each root.
ROOT_SEMITONE: Final[dict[str, int]] = {
    "c": 0, "c#": 1, "d": 2, "d#": 3, "e": 4, "f": 5,
    "f#": 6, "g": 7, "g#": 8, "a": 9, "a#": 10, "b": 11,
}

#: Scale intervals in semitones above the root, per mode.
MODE_INTERVALS: Final[dict[str, tuple[int, ...]]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11),
    "phrygian_dominant": (0, 1, 4, 5, 7, 8, 10),
    "double_harmonic": (0, 1, 4, 5, 7, 8, 11),
    "major_pentatonic": (0, 2, 4, 7, 9),
    "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
    "hirajoshi": (0, 2, 3, 7, 8),
    "in_sen": (0, 1, 5, 7, 10),
    "whole_tone": (0, 2, 4, 6, 8, 10),
    # klezmer's mi sheberakh: dorian with a raised fourth (the augmented second 3 → #4)
    "ukrainian_dorian": (0, 2, 3, 6, 7, 9, 10),
    # the Spanish eight-note scale: phrygian with both thirds (E F G G# A B C D); the major
    # third makes the tonic chord major, the Andalusian cadence's closing chord
    "spanish_phrygian": (0, 1, 3, 4, 5, 7, 8, 10),
    # the gamelan tunings, as their nearest semitones (chords, schema, melody steps); the
    # pitches they sound at are the cents of MODE_CENTS
    "pelog": (0, 1, 3, 5, 7, 8, 10),
    "slendro": (0, 2, 5, 7, 10),
}

#: Modes that are not 12-tone equal tempered: cents above the root of each scale degree,
#: one per entry of MODE_INTERVALS (which holds their nearest semitones, so chords, bass and
#: melody are planned as for any mode). Every pitch of such a mode is moved by its degree's
#: cents minus the semitone's hundred (``synth.controls.tuning_offsets_st``). No gamelan is
#: tuned like another; these are the published approximate averages: slendro five
#: near-equal steps of about 240 c (Kunst, "Music in Java", 1949; Surjodiningrat et al.,
#: "Tone measurements of outstanding Javanese gamelans", 1972) and pelog seven unequal
#: steps, 0 120 270 540 670 785 950 c (the same surveys' averages, rounded).
MODE_CENTS: Final[dict[str, tuple[float, ...]]] = {
    "pelog": (0.0, 120.0, 270.0, 540.0, 670.0, 785.0, 950.0),
    "slendro": (0.0, 240.0, 480.0, 720.0, 960.0),
}

#: Beats per bar and the beat unit for each meter; 6/8 counts two dotted-quarter beats
#: subdivided in three, 12/8 four (the West African bell and the flamenco compás live there).
METER_BEATS: Final[dict[str, tuple[int, int]]] = {
    "4/4": (4, 2),
    "3/4": (3, 2),
    "6/8": (2, 3),
    "2/4": (2, 2),
    "5/4": (5, 2),
    "7/8": (7, 2),
    "12/8": (4, 3),
}
METERS: Final[tuple[str, ...]] = tuple(METER_BEATS)

# --------------------------------------------------------------------------------------
# Nominal fields.
# --------------------------------------------------------------------------------------

HARMONY_STYLES: Final[tuple[str, ...]] = (
    "pop", "jazz", "cinematic", "ambient", "modal", "drone", "folk", "blues", "andalusian",
)
EXTENSIONS: Final[tuple[str, ...]] = ("triads", "sevenths", "ninths", "sus", "power")
TENSION_CURVES: Final[tuple[str, ...]] = ("flat", "arc", "ramp", "waves", "release")
PHRASE_BARS: Final[tuple[int, ...]] = (1, 2, 4, 8)

#: Timbres for the lead, pad and bass voices.
INSTRUMENTS: Final[tuple[str, ...]] = (
    "sine", "triangle", "saw", "square_8bit", "pluck", "bell", "electric_piano",
    "organ", "strings", "brass", "flute", "choir", "marimba", "celesta", "koto",
    "oud", "sitar", "shehnai", "ney", "bansuri", "tuba", "calliope",
    "nylon_guitar", "bandoneon", "clarinet",
    "gamelan", "kora", "guzheng", "erhu", "fiddle", "tin_whistle", "double_bass",
)

#: Layer styles. ``none`` silences a layer.
LAYER_STYLES: Final[dict[str, tuple[str, ...]]] = {
    "bass": ("none", "drone", "sustained", "pulsing", "walking", "octave", "fifths",
             "arpeggio", "sub", "syncopated", "two_beat"),
    "pad": ("none", "warm", "dark", "cinematic", "thin_high", "drift", "fifths",
            "tanpura", "swell"),
    "melody": ("none", "lyrical", "contemplative", "rising", "falling", "arpeggio",
               "ornamental", "call_response", "heroic", "minimal"),
    "rhythm": ("none", "minimal", "heartbeat", "soft_four", "hats_only", "electronic",
               "rock", "brush", "four_on_floor", "chiptune", "waltz", "march", "bossa",
               "maqsum", "baladi", "saidi", "teental", "dhol", "taiko",
               "flamenco", "tango", "oompah", "one_drop", "gong_cycle", "djembe", "jig",
               "bulgar"),
    "texture": ("none", "shimmer", "vinyl", "breath", "rain", "wind", "stars",
                "noise_wash", "glitch", "ocean"),
    "accent": ("none", "bells", "chime", "pluck", "blip", "brass_hit", "gong",
               "sleigh_bells", "glockenspiel", "wood_block"),
}
LAYERS: Final[tuple[str, ...]] = tuple(LAYER_STYLES)

#: Density gate: which layers sound at each density (1–6). Layers whose style is ``none``
#: stay silent whatever the density.
DENSITY_LAYERS: Final[dict[int, tuple[str, ...]]] = {
    1: ("pad",),
    2: ("bass", "pad"),
    3: ("bass", "pad", "melody"),
    4: ("bass", "pad", "melody", "rhythm"),
    5: ("bass", "pad", "melody", "rhythm", "texture"),
    6: ("bass", "pad", "melody", "rhythm", "texture", "accent"),
}

TRANSITIONS: Final[tuple[str, ...]] = ("crossfade", "morph", "cut")

#: Numeric ranges (inclusive) for numeric fields: (min, max).
NUMERIC_RANGES: Final[dict[str, tuple[float, float]]] = {
    "bpm": (30.0, 240.0),
    "density": (1, 6),
    "register_low": (1, 7),
    "register_high": (1, 7),
    "duration": (0.5, 3600.0),
    "section_duration": (0.5, 3600.0),
    "fade": (0.0, 60.0),
    "transition_length": (0.0, 60.0),
    "seed": (0, 2**63 - 1),
}
#: Shortest and longest render (s): a day's soundtrack fits, 1e9 s does not. A document's
#: own ``duration`` stays within NUMERIC_RANGES["duration"]; a render may ask for more.
RENDER_DURATION_RANGE_S: Final[tuple[float, float]] = (0.5, 24 * 3600.0)

#: Integrated loudness targets a render (or live playback) may ask for (LUFS).
LOUDNESS_TARGET_RANGE_LUFS: Final[tuple[float, float]] = (-40.0, -5.0)

#: Output sample rates a render may use (Hz), and the default.
SAMPLE_RATES_HZ: Final[tuple[int, ...]] = (44100, 48000)
DEFAULT_SAMPLE_RATE_HZ: Final[int] = 44100

#: Longest free-text fields (characters): a title or section name, a justification, a note.
MAX_TITLE_CHARS: Final[int] = 120
MAX_JUSTIFICATION_CHARS: Final[int] = 600
MAX_NOTE_CHARS: Final[int] = 2000
#: Most sections a score may hold: a day at 3-minute sections is 480; more is a runaway log.
MAX_SECTIONS: Final[int] = 500

# --------------------------------------------------------------------------------------
# Input and output limits: every read is capped, every written file goes through
# moodc/output.py. A limit here is a promise the error messages quote.
# --------------------------------------------------------------------------------------

#: Largest config or score read (bytes): a config is a few kB, a 500-section score a few
#: hundred; anything bigger is a mistake or an attack.
MAX_DOCUMENT_BYTES: Final[int] = 2 * 1024 * 1024
#: Largest activity log read (bytes): a 60 s-bucket moodc log is ~0.5 MB a day, an
#: ActivityWatch export of a busy month ~50 MB; 256 MB leaves room and still fits in memory.
MAX_LOG_BYTES: Final[int] = 256 * 1024 * 1024
#: Largest ``gen --batch`` prompt file (bytes): 10 000 prompts of 100 characters.
MAX_BATCH_BYTES: Final[int] = 1024 * 1024
#: Largest golden manifest read (bytes): ~2 kB per entry.
MAX_MANIFEST_BYTES: Final[int] = 8 * 1024 * 1024
#: Longest integer literal (digits) accepted in a JSON/YAML input: far beyond any real
#: value (a 64-bit seed has 19 digits), far below Python's own 4300-digit guard.
MAX_INT_DIGITS: Final[int] = 100
#: Longest a single activity event may last (seconds): one day. An ActivityWatch event
#: claiming more is clipped to this with a warning.
MAX_EVENT_DURATION_S: Final[float] = 86_400.0
#: Largest UTC offset a log may state (seconds): the real range is -12 h to +14 h.
MAX_UTC_OFFSET_S: Final[float] = 14 * 3600.0
#: A ``.NAME.<hex>.part`` temp file this old (seconds) whose writer is gone, or any this
#: old at all, is removed by the next write into its folder.
STALE_PART_AGE_S: Final[float] = 3600.0

# --------------------------------------------------------------------------------------
# Defaults: what an omitted key means. The document model, the synth (which also accepts
# partial dicts) and every describer read these tables; nobody writes a default inline.
# --------------------------------------------------------------------------------------

#: Default value of every musical field of a config; keys mirror ``Config.model_dump()``.
DEFAULT_FIELDS: Final[dict[str, Any]] = {
    "tempo": "medium", "bpm": None, "root": "c", "mode": "minor", "meter": "4/4",
    "brightness": "medium", "space": "medium", "echo": "none", "motion": "slow",
    "stereo": "medium", "human": "natural", "density": 4,
    "layers": {"bass": "sustained", "pad": "warm", "melody": "lyrical", "rhythm": "minimal",
               "texture": "none", "accent": "none"},
    "instruments": {"lead": "triangle", "pad": "strings", "bass": "sine"},
    "composition": {
        "melody_density": "medium", "syncopation": "light", "swing": "none", "phrase_bars": 4,
        "leaps": "mostly_steps", "register_low": 4, "register_high": 5, "harmony": "pop",
        "chord_rate": "medium", "extensions": "triads", "ornament": "light",
        "motif_repeat": "sometimes", "cadence": "medium", "tension": "arc",
    },
}

#: Default timeline fields of a score and of a section's transition.
DEFAULT_SCORE: Final[dict[str, Any]] = {"fade_in": 0.5, "fade_out": 2.0}
DEFAULT_TRANSITION: Final[dict[str, Any]] = {"kind": "crossfade", "length": 2.0}

#: Field groups that are nested one level deep (merged key by key over their defaults).
NESTED_GROUPS: Final[tuple[str, ...]] = ("layers", "instruments", "composition")


def with_defaults(fields: Any) -> dict[str, Any]:
    """``fields`` (a mapping) over :data:`DEFAULT_FIELDS`, one level deep for the nested groups.

    A ``None`` value means "omitted" for a field that has a default; keys that are not fields
    (``title``, ``seed``, ...) are kept as they are.
    """
    out = dict(DEFAULT_FIELDS)
    for key, value in fields.items():
        if key in NESTED_GROUPS and hasattr(value, "items"):
            out[key] = {**DEFAULT_FIELDS[key], **value}
        elif value is not None or key not in DEFAULT_FIELDS:
            out[key] = value
    return out
