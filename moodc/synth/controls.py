"""Document fields → physical controls, in one step.

Every label is turned into a number here, by reading the tables in :mod:`moodc.vocab` (and
only those), so the rest of the synth works in physical units (seconds, Hz, MIDI pitches,
probabilities) and never looks at a label again. ``fields`` is a plain dict, e.g.
``Config.model_dump()``; missing keys fall back to ``vocab.DEFAULT_FIELDS`` (the defaults the
document model reads too) so the synth can also be driven by partial dicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from moodc import vocab


@dataclass(frozen=True)
class Composition:
    """How melody and harmony are written, in probabilities, bars and octaves."""

    note_prob: float
    syncopation_prob: float
    swing_ratio: float
    phrase_bars: int
    step_prob: float
    register_low: int
    register_high: int
    harmony: str
    chord_bars: float
    extensions: str
    ornament_prob: float
    motif_prob: float
    cadence_prob: float
    tension: str


@dataclass(frozen=True)
class TempoFeel:
    """How busy the parts play at the document's tempo label (``vocab.TEMPO_*`` tables).

    The BPM alone moves every pattern in proportion, which is not enough to *feel* a tempo:
    a sparse, laid-back style stays laid back at 160 BPM. These numbers scale every layer
    style the same way: the melody's onset chance (``melody_pace``) and longest note
    (``note_length_mul``), the rhythm's time-keeping subdivision (thinned to
    ``keep_grid_beats`` below medium, ghost-filled on ``ghost_grid_beats`` above) and its fills
    (``fill_every_bars``, ``fill_strokes_mul``), and the low end's pulse (held bass notes
    struck again, and the heartbeat's figure restated, every ``bass_restrike_beats``). At
    ``medium`` it changes nothing.
    """

    melody_pace: float
    note_length_mul: float
    keep_grid_beats: float
    ghost_grid_beats: float
    bass_restrike_beats: float
    fill_every_bars: int
    fill_strokes_mul: float


@dataclass(frozen=True)
class Controls:
    """Everything the renderer needs, in physical units.

    Attributes are grouped: time (``bpm``, ``beat_s``, ``beats_per_bar``, ``beat_division``),
    pitch (``root_pc``, ``scale``, ``tuning_st``), tone (``cutoff_scale``, ``tilt_db``), space
    (``rt60_s``, ``reverb_wet``, ``reverb_size``, ``echo_feedback``, ``echo_wet``), movement (``lfo_hz``,
    ``lfo_depth``, ``width``), feel (``timing_sd_s``, ``velocity_sd``) and arrangement
    (``styles``: the style of each layer after the density gate, ``"none"`` when silent).
    """

    bpm: float
    beat_s: float
    beats_per_bar: int
    beat_division: int
    root_pc: int
    scale: tuple[int, ...]
    tuning_st: tuple[float, ...]
    cutoff_scale: float
    tilt_db: float
    rt60_s: float
    reverb_wet: float
    reverb_size: float
    echo_feedback: float
    echo_wet: float
    lfo_hz: float
    lfo_depth: float
    chaotic: bool
    width: float
    timing_sd_s: float
    velocity_sd: float
    density: int
    styles: dict[str, str]
    instruments: dict[str, str]
    comp: Composition
    feel: TempoFeel

    @property
    def bar_s(self) -> float:
        """Length of one bar in seconds."""
        return self.beat_s * self.beats_per_bar


def _pick(table: Mapping[Any, Any], value: Any, field: str) -> Any:
    """``table[value]``, or a ValueError naming the field, the value and what is allowed."""
    try:
        return table[value]
    except (KeyError, TypeError):
        allowed = ", ".join(str(k) for k in table)
        raise ValueError(f"{field}={value!r} is not a known value (allowed: {allowed})") from None


def _composition(comp: Mapping[str, Any]) -> Composition:
    """Composition labels → probabilities and bar counts (vocab tables)."""
    low, high = int(comp["register_low"]), int(comp["register_high"])
    return Composition(
        note_prob=_pick(vocab.MELODY_DENSITY_PROB, comp["melody_density"], "composition.melody_density"),
        syncopation_prob=_pick(vocab.SYNCOPATION_PROB, comp["syncopation"], "composition.syncopation"),
        swing_ratio=_pick(vocab.SWING_RATIO, comp["swing"], "composition.swing"),
        phrase_bars=int(comp["phrase_bars"]),
        step_prob=_pick(vocab.LEAPS_STEP_PROB, comp["leaps"], "composition.leaps"),
        register_low=min(low, high),
        register_high=max(low, high),
        harmony=str(comp["harmony"]),
        chord_bars=_pick(vocab.CHORD_RATE_BARS, comp["chord_rate"], "composition.chord_rate"),
        extensions=str(comp["extensions"]),
        ornament_prob=_pick(vocab.ORNAMENT_PROB, comp["ornament"], "composition.ornament"),
        motif_prob=_pick(vocab.MOTIF_REPEAT_PROB, comp["motif_repeat"], "composition.motif_repeat"),
        cadence_prob=_pick(vocab.CADENCE_TONIC_PROB, comp["cadence"], "composition.cadence"),
        tension=str(comp["tension"]),
    )


def _tempo_feel(tempo: str) -> TempoFeel:
    """The tempo label's feel: one row read across the ``vocab.TEMPO_*`` feel tables.

    The label, not a ``bpm`` override, decides the feel: the label is the author's word for
    how fast the piece should feel, the BPM fine-tunes the speed.
    """
    return TempoFeel(
        melody_pace=_pick(vocab.TEMPO_MELODY_PACE, tempo, "tempo"),
        note_length_mul=_pick(vocab.TEMPO_NOTE_LENGTH_MUL, tempo, "tempo"),
        keep_grid_beats=_pick(vocab.TEMPO_KEEP_GRID_BEATS, tempo, "tempo"),
        ghost_grid_beats=_pick(vocab.TEMPO_GHOST_GRID_BEATS, tempo, "tempo"),
        bass_restrike_beats=_pick(vocab.TEMPO_BASS_RESTRIKE_BEATS, tempo, "tempo"),
        fill_every_bars=int(_pick(vocab.TEMPO_FILL_EVERY_BARS, tempo, "tempo")),
        fill_strokes_mul=_pick(vocab.TEMPO_FILL_STROKES_MUL, tempo, "tempo"),
    )


#: Offsets of a 12-tone equal-tempered mode: none.
EQUAL_TEMPERED_ST: tuple[float, ...] = (0.0,) * 12


def tuning_offsets_st(mode: str) -> tuple[float, ...]:
    """Semitones to add to a pitch of each pitch class above the root (index 0..11) so a
    mode of ``vocab.MODE_CENTS`` sounds at its own cents rather than at the nearest
    semitones the planners use (``vocab.MODE_INTERVALS``).

    Zero for every 12-TET mode, so their pitches (and renders) never change; pitch
    classes outside the scale (none are planned) keep zero.

    Parameters
    ----------
    mode : str
        A key of ``vocab.MODE_INTERVALS``.

    Returns
    -------
    tuple of float
        Twelve offsets in semitones, e.g. slendro's second degree (240 c, planned as the
        whole tone 200 c) gets +0.4 at index 2.
    """
    cents = vocab.MODE_CENTS.get(mode)
    if cents is None:
        return EQUAL_TEMPERED_ST
    offsets = list(EQUAL_TEMPERED_ST)
    for semitone, c in zip(vocab.MODE_INTERVALS[mode], cents):
        offsets[semitone % 12] = c / 100.0 - semitone
    return tuple(offsets)


def fields_to_controls(fields: Mapping[str, Any]) -> Controls:
    """Map a config dict (``Config.model_dump()``) to :class:`Controls`.

    Parameters
    ----------
    fields : Mapping
        The document fields; unknown keys are ignored, missing ones take the model default.

    Returns
    -------
    Controls
        Physical controls. The density gate is applied here: a layer not listed in
        ``vocab.DENSITY_LAYERS[density]`` gets style ``"none"``.

    Raises
    ------
    ValueError
        When a label is not in the vocabulary (the document model rejects those first),
        naming the field, the value and the allowed values.
    """
    f = vocab.with_defaults(fields)
    bpm = float(f["bpm"]) if f.get("bpm") else _pick(vocab.TEMPO_BPM, f["tempo"], "tempo")
    beats_per_bar, division = _pick(vocab.METER_BEATS, f["meter"], "meter")
    # a 6/8 or 12/8 "beat" is a dotted quarter: 1.5 quarter notes at ``bpm``
    beat_s = 60.0 / bpm * (1.5 if division == 3 else 1.0)
    density = int(f["density"])
    gate = _pick(vocab.DENSITY_LAYERS, density, "density")
    for layer in vocab.LAYERS:
        _pick({k: k for k in vocab.LAYER_STYLES[layer]}, f["layers"][layer], f"layers.{layer}")
    for role in ("lead", "pad", "bass"):
        _pick({k: k for k in vocab.INSTRUMENTS}, f["instruments"][role], f"instruments.{role}")
    styles = {layer: (f["layers"][layer] if layer in gate else "none")
              for layer in vocab.LAYERS}
    return Controls(
        bpm=bpm,
        beat_s=beat_s,
        beats_per_bar=beats_per_bar,
        beat_division=division,
        root_pc=_pick(vocab.ROOT_SEMITONE, f["root"], "root"),
        scale=tuple(_pick(vocab.MODE_INTERVALS, f["mode"], "mode")),
        tuning_st=tuning_offsets_st(f["mode"]),
        cutoff_scale=_pick(vocab.BRIGHTNESS_CUTOFF_SCALE, f["brightness"], "brightness"),
        tilt_db=_pick(vocab.BRIGHTNESS_TILT_DB, f["brightness"], "brightness"),
        rt60_s=_pick(vocab.SPACE_RT60_S, f["space"], "space"),
        reverb_wet=_pick(vocab.SPACE_WET, f["space"], "space"),
        reverb_size=_pick(vocab.SPACE_REVERB_SIZE, f["space"], "space"),
        echo_feedback=_pick(vocab.ECHO_FEEDBACK, f["echo"], "echo"),
        echo_wet=_pick(vocab.ECHO_WET, f["echo"], "echo"),
        lfo_hz=_pick(vocab.MOTION_LFO_HZ, f["motion"], "motion"),
        lfo_depth=_pick(vocab.MOTION_DEPTH, f["motion"], "motion"),
        chaotic=f["motion"] == vocab.ORDINAL_LABELS["motion"][-1],
        width=_pick(vocab.STEREO_WIDTH, f["stereo"], "stereo"),
        timing_sd_s=_pick(vocab.HUMAN_TIMING_MS, f["human"], "human") / 1000.0,
        velocity_sd=_pick(vocab.HUMAN_VELOCITY, f["human"], "human"),
        density=density,
        styles=styles,
        instruments=dict(f["instruments"]),
        comp=_composition(f["composition"]),
        feel=_tempo_feel(f["tempo"]),
    )
