"""The V2 document model: a *config* (one mood) and a *score* (a timeline of configs).

These pydantic models are the single source of truth: the JSON Schema files in ``schemas/``
(for editors) and ``moodc/schemas/`` (package data) are generated from them (``moodc schema``
prints them, a test keeps them in sync), tween and generation produce them, and the renderer
consumes them. Every allowed label, default and limit comes from :mod:`moodc.vocab`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from moodc import vocab
from moodc.config.rules import config_problems, score_problems

_STRICT = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
#: Every default comes from the one table in vocab.
_D = vocab.DEFAULT_FIELDS


def _bounds(name: str) -> dict[str, float]:
    """``ge``/``le`` keyword arguments for a numeric field, from ``vocab.NUMERIC_RANGES``."""
    low, high = vocab.NUMERIC_RANGES[name]
    return {"ge": low, "le": high}


def _labels(field: str) -> Any:
    """The ``Literal`` type of an ordinal field's five labels."""
    return Literal[vocab.ORDINAL_LABELS[field]]  # type: ignore[valid-type]


Tempo = _labels("tempo")
Brightness = _labels("brightness")
Space = _labels("space")
Echo = _labels("echo")
Motion = _labels("motion")
Stereo = _labels("stereo")
Human = _labels("human")
Root = Literal[tuple(vocab.ROOT_SEMITONE)]  # type: ignore[valid-type]
Mode = Literal[tuple(vocab.MODE_INTERVALS)]  # type: ignore[valid-type]
Meter = Literal[vocab.METERS]  # type: ignore[valid-type]
Instrument = Literal[vocab.INSTRUMENTS]  # type: ignore[valid-type]


def _style(layer: str) -> Any:
    return Literal[vocab.LAYER_STYLES[layer]]  # type: ignore[valid-type]


class Layers(BaseModel):
    """The style of each layer; ``none`` silences it. ``density`` gates which may sound."""

    model_config = _STRICT
    bass: _style("bass") = Field(_D["layers"]["bass"], description="Bass line style.")
    pad: _style("pad") = Field(_D["layers"]["pad"], description="Sustained harmony style.")
    melody: _style("melody") = Field(_D["layers"]["melody"], description="Lead melody style.")
    rhythm: _style("rhythm") = Field(_D["layers"]["rhythm"],
                                     description="Percussion pattern, in the meter.")
    texture: _style("texture") = Field(_D["layers"]["texture"],
                                       description="Noise-based background texture.")
    accent: _style("accent") = Field(_D["layers"]["accent"],
                                     description="Occasional ornamental hits.")


class Instruments(BaseModel):
    """The timbre of the lead (melody), pad and bass voices."""

    model_config = _STRICT
    lead: Instrument = Field(_D["instruments"]["lead"], description="Timbre of the melody.")
    pad: Instrument = Field(_D["instruments"]["pad"], description="Timbre of the pad chords.")
    bass: Instrument = Field(_D["instruments"]["bass"], description="Timbre of the bass line.")


class Composition(BaseModel):
    """How the melody and harmony are written."""

    model_config = _STRICT
    melody_density: _labels("melody_density") = Field(
        _D["composition"]["melody_density"], description="How many melody grid slots hold a note.")
    syncopation: _labels("syncopation") = Field(
        _D["composition"]["syncopation"], description="How often notes anticipate the beat.")
    swing: _labels("swing") = Field(_D["composition"]["swing"],
                                    description="Long-short feel of off-beat eighths.")
    phrase_bars: Literal[vocab.PHRASE_BARS] = Field(  # type: ignore[valid-type]
        _D["composition"]["phrase_bars"], description="Melody phrase length in bars.")
    leaps: _labels("leaps") = Field(
        _D["composition"]["leaps"], description="Step-versus-leap bias of melodic intervals.")
    register_low: int = Field(_D["composition"]["register_low"], **_bounds("register_low"),
                              description="Lowest melody octave (4 = middle C).")
    register_high: int = Field(_D["composition"]["register_high"], **_bounds("register_high"),
                               description="Highest melody octave; ≥ register_low.")
    harmony: Literal[vocab.HARMONY_STYLES] = Field(  # type: ignore[valid-type]
        _D["composition"]["harmony"], description="Chord-progression family.")
    chord_rate: _labels("chord_rate") = Field(_D["composition"]["chord_rate"],
                                              description="How often chords change.")
    extensions: Literal[vocab.EXTENSIONS] = Field(  # type: ignore[valid-type]
        _D["composition"]["extensions"],
        description="Chord colour: triads, sevenths, ninths, sus or power chords.")
    ornament: _labels("ornament") = Field(
        _D["composition"]["ornament"],
        description="Grace notes, mordents, trills and slides on melody notes.")
    motif_repeat: _labels("motif_repeat") = Field(
        _D["composition"]["motif_repeat"],
        description="How often phrases restate the opening motif.")
    cadence: _labels("cadence") = Field(
        _D["composition"]["cadence"], description="How strongly phrases resolve to the tonic.")
    tension: Literal[vocab.TENSION_CURVES] = Field(  # type: ignore[valid-type]
        _D["composition"]["tension"], description="Shape of melodic tension over a phrase.")


class _ConfigFields(BaseModel):
    """Every musical field of a config; shared by top-level and inline configs."""

    model_config = _STRICT
    title: str | None = Field(None, max_length=vocab.MAX_TITLE_CHARS)
    seed: int | None = Field(None, **_bounds("seed"),
                             description="Render seed; default: a hash of the document.")
    justification: str | None = Field(
        None, max_length=vocab.MAX_JUSTIFICATION_CHARS,
        description="Why these values: the reasoning written before choosing them.")
    duration: float | None = Field(
        None, **_bounds("duration"),
        description="Default render length in seconds (render --duration overrides).")
    tempo: Tempo = Field(_D["tempo"], description="Speed; see the BPM table.")
    bpm: float | None = Field(None, **_bounds("bpm"),
                              description="Exact beats per minute; overrides tempo.")
    root: Root = Field(_D["root"], description="Key centre.")
    mode: Mode = Field(_D["mode"], description="Scale.")
    meter: Meter = Field(_D["meter"], description="Time signature.")
    brightness: Brightness = Field(_D["brightness"],
                                   description="Filter cutoffs and spectral tilt.")
    space: Space = Field(_D["space"], description="Reverb size, dry to vast.")
    echo: Echo = Field(_D["echo"], description="Feedback delay amount.")
    motion: Motion = Field(_D["motion"], description="Modulation speed; higher = faster.")
    stereo: Stereo = Field(_D["stereo"], description="Stereo width, mono to ultra wide.")
    human: Human = Field(_D["human"], description="Timing and velocity looseness.")
    density: int = Field(_D["density"], **_bounds("density"),
                         description="How many layers sound (1–6).")
    layers: Layers = Field(default_factory=Layers)
    instruments: Instruments = Field(default_factory=Instruments)
    composition: Composition = Field(default_factory=Composition)
    provenance: dict[str, Any] | None = Field(
        None, description="Where this config came from (tween sources, weights, seed; gen prompt).")

    @model_validator(mode="after")
    def _cross_field_rules(self) -> "_ConfigFields":
        problems = config_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(p.message for p in problems))
        return self


class Config(_ConfigFields):
    """One mood: ``version: 2`` and the musical fields (all but ``version`` optional)."""

    version: Literal[2] = Field(description="Document format version; must be 2.")


class InlineConfig(_ConfigFields):
    """A config written inside a score section; ``version`` may be omitted."""

    version: Literal[2] | None = None


class Transition(BaseModel):
    """How a section is entered from the previous one."""

    model_config = _STRICT
    kind: Literal[vocab.TRANSITIONS] = Field(  # type: ignore[valid-type]
        vocab.DEFAULT_TRANSITION["kind"],
        description="crossfade (equal power), morph (parameters glide) or cut.")
    length: float = Field(vocab.DEFAULT_TRANSITION["length"], **_bounds("transition_length"),
                          description="Transition length in seconds.")


class Section(BaseModel):
    """One stretch of a score: a config (inline or a path relative to the score file)."""

    model_config = _STRICT
    name: str | None = Field(None, max_length=vocab.MAX_TITLE_CHARS)
    duration: float = Field(**_bounds("section_duration"),
                            description="Section length in seconds.")
    config: str | InlineConfig = Field(
        description="An inline config, or the path of a config file relative to the score.")
    transition: Transition = Field(default_factory=Transition)
    note: str | None = Field(None, max_length=vocab.MAX_NOTE_CHARS,
                             description="Free text, e.g. the evidence a section came from.")


class Score(BaseModel):
    """A timeline of sections joined by transitions, with a fade in and out."""

    model_config = _STRICT
    version: Literal[2] = Field(description="Document format version; must be 2.")
    title: str | None = Field(None, max_length=vocab.MAX_TITLE_CHARS)
    seed: int | None = Field(None, **_bounds("seed"))
    fade_in: float = Field(vocab.DEFAULT_SCORE["fade_in"], **_bounds("fade"),
                           description="Fade-in length in seconds.")
    fade_out: float = Field(vocab.DEFAULT_SCORE["fade_out"], **_bounds("fade"),
                            description="Fade-out length in seconds.")
    sections: list[Section] = Field(min_length=1, max_length=vocab.MAX_SECTIONS)
    provenance: dict[str, Any] | None = Field(
        None, description="Where this score came from (tool, sources); not musical.")

    @model_validator(mode="after")
    def _timeline_rules(self) -> "Score":
        problems = score_problems(self.model_dump())
        if problems:
            raise ValueError("; ".join(p.message for p in problems))
        return self
