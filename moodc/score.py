"""Resolve a document (config or score) into a *timeline*: voices placed on a sample grid.

A **voice** is one synth stream (a config's fields, a seed, a start sample and a length) with
an equal-power fade-in and/or fade-out. A config is one voice. A score is one voice per
section plus, for ``morph`` transitions, short bridge voices rendered from intermediate
configs (:func:`moodc.tween.morph_path`). The renderer mixes the voices block by block.

Timeline (all in samples, so the total is exact):

* section ``i`` lasts ``n_i = round(duration_i * sample_rate)`` samples;
* its transition overlaps the previous section by ``o_i = round(length_i * sample_rate)``
  samples for ``crossfade`` and ``morph``, and by 0 for ``cut`` (the first section has none);
* section ``i`` starts at ``start_i = start_{i-1} + n_{i-1} - o_i``; the score lasts
  ``sum(n_i) - sum(o_i)`` samples (e.g. 5 s + 10 s + 7 s with 1.5 s and 2.5 s transitions is
  18 s). ``fade_in``/``fade_out`` shape its two ends.

Transitions: ``cut`` switches at the boundary (a 5 ms equal-power splice so it cannot click);
``crossfade`` is equal power (``sin``/``cos``) over the overlap; ``morph`` hands over through
intermediate configs in which ordinal and numeric fields glide and each nominal field (layers,
instruments, key) switches once — each step is crossfaded into the next. Voices entering by a
crossfade or morph start on the previous section's bar grid (up to one bar of discarded
pre-roll), so matching tempos keep their downbeats together through the overlap.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from moodc import vocab
from moodc.errors import DocumentError, UsageError

#: Seconds of synth output rendered and thrown away before a morph bridge voice sounds, so
#: its reverb and delay tails are already running when it fades in.
MORPH_PREROLL_S: Final[float] = 1.0
#: One intermediate morph config per this many seconds of transition, between 1 and 8.
MORPH_STEP_S: Final[float] = 1.0
MORPH_MAX_STEPS: Final[int] = 8
#: A ``cut`` still splices over this long (equal power), because a hard switch clicks.
CUT_SPLICE_S: Final[float] = 0.005
#: Render defaults for a config: length, and fades (a score's default fades, never more than a
#: quarter of the length).
DEFAULT_CONFIG_DURATION_S: Final[float] = 30.0
CONFIG_FADE_IN_S: Final[float] = vocab.DEFAULT_SCORE["fade_in"]
CONFIG_FADE_OUT_S: Final[float] = vocab.DEFAULT_SCORE["fade_out"]
MIN_DURATION_S, MAX_DURATION_S = vocab.RENDER_DURATION_RANGE_S


@dataclass(frozen=True)
class Voice:
    """One synth stream on the timeline.

    ``fade_in``/``fade_out`` are ``(start_sample, n_samples)`` on the timeline (equal-power
    ramps), or None. ``preroll_n`` samples are rendered and discarded before ``start_n``.
    """

    label: str
    fields: dict[str, Any]
    seed: int
    start_n: int
    n_samples: int
    preroll_n: int = 0
    fade_in: tuple[int, int] | None = None
    fade_out: tuple[int, int] | None = None

    @property
    def stop_n(self) -> int:
        return self.start_n + self.n_samples


@dataclass(frozen=True)
class Timeline:
    """Everything the renderer needs: voices, exact length, fades and the resolved document."""

    voices: tuple[Voice, ...]
    n_samples: int
    sample_rate: int
    fade_in_n: int
    fade_out_n: int
    seed: int
    title: str
    document: dict[str, Any]

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.sample_rate

    @property
    def document_sha256(self) -> str:
        return document_sha256(self.document)


# ------------------------------------------------------------------------------------------
# Seeds and hashes
# ------------------------------------------------------------------------------------------

def canonical_json(document: dict[str, Any]) -> str:
    """The canonical text of a document: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def document_sha256(document: dict[str, Any]) -> str:
    """sha256 (hex) of a resolved document's canonical JSON."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def seed_from_document(document: dict[str, Any]) -> int:
    """A stable 63-bit seed from a document's content (first 8 bytes of its sha256)."""
    return int(document_sha256(document)[:16], 16) & (2**63 - 1)


def child_seed(seed: int, *path: int) -> int:
    """A 63-bit seed for a part (section, bridge) derived from ``seed`` via SeedSequence."""
    state = np.random.SeedSequence([int(seed), *map(int, path)]).generate_state(2, np.uint32)
    return (int(state[0]) | (int(state[1]) << 32)) & (2**63 - 1)


# ------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------

def check_duration(duration_s: float) -> float:
    """Refuse NaN, infinite, non-positive or absurd durations with a one-line error."""
    try:
        value = float(duration_s)
    except (TypeError, ValueError):
        raise UsageError(f"duration {duration_s!r} is not a number of seconds",
                         hint="give seconds, e.g. 30", param="duration_s") from None
    if not math.isfinite(value) or value < MIN_DURATION_S or value > MAX_DURATION_S:
        raise UsageError(
            f"duration {value:g} s is out of range",
            hint=f"give seconds between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} (24 h)",
            param="duration_s")
    return value


def to_samples(seconds: float, *, sample_rate: int) -> int:
    """Seconds → whole samples (round half to even, the same everywhere)."""
    return int(round(seconds * sample_rate))


# ------------------------------------------------------------------------------------------
# Configs
# ------------------------------------------------------------------------------------------

def config_timeline(fields: dict[str, Any], *, sample_rate: int, seed: int | None,
                    duration_s: float | None, title: str) -> Timeline:
    """A config as a one-voice timeline (``duration_s`` → the document's → 30 s).

    ``fields`` is the config as the model dumps it (``model_dump(mode="json")``: every
    default filled in), whichever way it was validated.
    """
    length_s = check_duration(duration_s if duration_s is not None
                              else fields["duration"] or DEFAULT_CONFIG_DURATION_S)
    render_seed = _pick_seed(seed, fields["seed"], fields)
    n_samples = to_samples(length_s, sample_rate=sample_rate)
    fade_in_n = min(to_samples(CONFIG_FADE_IN_S, sample_rate=sample_rate), n_samples // 4)
    fade_out_n = min(to_samples(CONFIG_FADE_OUT_S, sample_rate=sample_rate), n_samples // 4)
    voice = Voice("config", fields, render_seed, 0, n_samples)
    return Timeline((voice,), n_samples, sample_rate, fade_in_n, fade_out_n, render_seed,
                    fields["title"] or title, fields)


def _pick_seed(explicit: int | None, document_seed: int | None, document: dict[str, Any]) -> int:
    """``--seed``, else the document's ``seed``, else a hash of its content."""
    if explicit is not None:
        return int(explicit)
    if document_seed is not None:
        return int(document_seed)
    return seed_from_document(document)


# ------------------------------------------------------------------------------------------
# Scores
# ------------------------------------------------------------------------------------------

#: A section file's config fields (``Config.model_dump(mode="json")``), or None when the file
#: is not a config (a score).
ConfigLoader = Callable[[Path], dict[str, Any] | None]
#: A document file's model (:func:`moodc.config.load.load_document`).
Loader = Callable[[Path], Any]


def load_section_config(ref: str | dict[str, Any], *, base_dir: Path, index: int,
                        loader: ConfigLoader) -> dict[str, Any]:
    """A section's config as the model dumps it, from its inline fields (as the score's dump
    holds them) or its path relative to ``base_dir``.

    Raises
    ------
    DocumentError
        The path is missing, is a score, or is not a valid config.
    """
    if not isinstance(ref, str):
        return {**ref, "version": 2}  # an inline config: ``version`` may be omitted
    target = base_dir / ref
    if not target.is_file():
        raise DocumentError(f"section {index}: config file {ref!r} does not exist",
                            hint=f"paths are relative to the score's folder ({base_dir}/)")
    try:
        fields = loader(target)
    except UsageError as exc:
        raise DocumentError(f"section {index}: {exc.message}", hint=exc.hint) from exc
    if fields is None:
        raise DocumentError(f"section {index}: {ref} is a score, not a config",
                            hint="a section needs a config; copy the other score's sections")
    return fields


def section_configs(score: dict[str, Any], *, base_dir: Path,
                    loader: ConfigLoader) -> list[dict[str, Any]]:
    """Every section's config fields, in order (see :func:`load_section_config`)."""
    return [load_section_config(section["config"], base_dir=base_dir, index=index,
                                loader=loader)
            for index, section in enumerate(score["sections"])]


def resolve_score(score: Any, *, base_dir: Path, sample_rate: int, seed: int | None,
                  duration_s: float | None, title: str, loader: Loader) -> Timeline:
    """A :class:`~moodc.config.model.Score` as a timeline, its section files loaded as models
    by ``loader``: :func:`score_timeline` of the model's dump."""
    def config_fields(path: Path) -> dict[str, Any] | None:
        from moodc.config.model import Config, Score

        model = loader(path)
        if isinstance(model, Score) or not isinstance(model, Config):
            return None
        return model.model_dump(mode="json")

    fields = score.model_dump(mode="json")
    configs = section_configs(fields, base_dir=base_dir, loader=config_fields)
    return score_timeline(fields, configs=configs, sample_rate=sample_rate, seed=seed,
                          duration_s=duration_s, title=title)


def score_timeline(score: dict[str, Any], *, configs: list[dict[str, Any]], sample_rate: int,
                   seed: int | None, duration_s: float | None, title: str) -> Timeline:
    """A score as a timeline of section voices (and morph bridges), exact to the sample.

    ``score`` is the score as the model dumps it and ``configs`` its sections' configs (see
    :func:`section_configs`), whichever way they were validated. With ``duration_s`` the
    timeline is cut at that length (only shorter than the score) and the fade-out moves to
    the new end.
    """
    document = _resolved_score_document(score, configs)
    render_seed = _pick_seed(seed, score["seed"], document)
    starts, lengths, overlaps = _section_grid(score, sample_rate=sample_rate)
    total_n = starts[-1] + lengths[-1]
    if duration_s is not None:
        total_n = _truncated_length(duration_s, total_n=total_n, sample_rate=sample_rate)
    elif total_n / sample_rate > MAX_DURATION_S:
        raise UsageError(f"score lasts {total_n / sample_rate:g} s, longer than 24 h",
                         hint="shorten its sections")
    voices = _section_voices(score, configs, starts, lengths, overlaps,
                             sample_rate=sample_rate, seed=render_seed, total_n=total_n)
    voices = [_clip_voice(v, total_n=total_n) for v in voices if v.start_n < total_n]
    fade_in_n = min(to_samples(score["fade_in"], sample_rate=sample_rate), total_n // 2)
    fade_out_n = min(to_samples(score["fade_out"], sample_rate=sample_rate),
                     total_n - fade_in_n)
    return Timeline(tuple(voices), total_n, sample_rate, fade_in_n, fade_out_n, render_seed,
                    score["title"] or title, document)


def _resolved_score_document(score: dict[str, Any],
                             configs: list[dict[str, Any]]) -> dict[str, Any]:
    """The score with every section's config inlined (what the audio depends on)."""
    sections = [{**section, "config": config}
                for section, config in zip(score["sections"], configs)]
    return {**score, "sections": sections}


def _section_grid(score: dict[str, Any], *,
                  sample_rate: int) -> tuple[list[int], list[int], list[int]]:
    """Start, length and entering overlap of each section, in samples (see module doc)."""
    starts: list[int] = []
    lengths: list[int] = []
    overlaps: list[int] = []
    for index, section in enumerate(score["sections"]):
        n = to_samples(section["duration"], sample_rate=sample_rate)
        overlap = 0
        transition = section["transition"]
        if index > 0 and transition["kind"] != "cut":
            overlap = min(to_samples(transition["length"], sample_rate=sample_rate),
                          n, lengths[-1])
        start = 0 if index == 0 else starts[-1] + lengths[-1] - overlap
        starts.append(start)
        lengths.append(n)
        overlaps.append(overlap)
    return starts, lengths, overlaps


def _truncated_length(duration_s: float, *, total_n: int, sample_rate: int) -> int:
    length_n = to_samples(check_duration(duration_s), sample_rate=sample_rate)
    if length_n > total_n:
        raise UsageError(
            f"duration {duration_s:g} s is longer than the score ({total_n / sample_rate:g} s)",
            hint="a score's length comes from its sections; a duration can only cut it short",
            param="duration_s")
    return length_n


def _section_voices(score: dict[str, Any], configs: list[dict[str, Any]], starts: list[int],
                    lengths: list[int], overlaps: list[int], *, sample_rate: int, seed: int,
                    total_n: int) -> list[Voice]:
    """One voice per section with its fades, plus bridge voices for morph transitions that
    start before ``total_n`` (the others would be cut away: their configs are not computed).

    A section entered by a crossfade or morph starts its stream up to one bar early (the
    pre-roll is discarded) so that its bar grid lines up with the previous section's: when
    the tempos match, downbeats coincide through the overlap instead of flamming.
    """
    splice_n = max(1, to_samples(CUT_SPLICE_S, sample_rate=sample_rate))
    fade_ins: list[tuple[int, int] | None] = [None] * len(configs)
    fade_outs: list[tuple[int, int] | None] = [None] * len(configs)
    prerolls = [0] * len(configs)
    bridges: list[Voice] = []
    for i in range(1, len(configs)):
        kind = score["sections"][i]["transition"]["kind"]
        if kind == "cut" or overlaps[i] == 0:
            half = min(splice_n // 2, lengths[i - 1] // 2, lengths[i] // 2)
            fade_outs[i - 1] = (starts[i] - half, 2 * half) if half else None
            fade_ins[i] = (starts[i] - half, 2 * half) if half else None
            if half:  # extend both voices by the splice so they overlap around the cut
                starts[i] -= half
                lengths[i] += half
                lengths[i - 1] += half
            continue
        grid = _BarGrid(starts[i - 1] - prerolls[i - 1], bar_n(configs[i - 1],
                                                                sample_rate=sample_rate))
        prerolls[i] = grid.preroll_to(starts[i], minimum_n=0)
        if kind == "morph":
            edges = _morph_edges(start_n=starts[i], overlap_n=overlaps[i],
                                 sample_rate=sample_rate)
            if starts[i] < total_n:  # every bridge starts at or after starts[i]
                bridges += _morph_bridges(configs[i - 1], configs[i], edges=edges,
                                          sample_rate=sample_rate, seed=child_seed(seed, 1, i),
                                          index=i, grid=grid)
            fade_outs[i - 1] = (edges[0], edges[1] - edges[0])
            fade_ins[i] = (edges[-2], edges[-1] - edges[-2])
        else:
            fade_outs[i - 1] = (starts[i], overlaps[i])
            fade_ins[i] = (starts[i], overlaps[i])
    voices = [Voice(score["sections"][i]["name"] or f"section {i}", configs[i],
                    child_seed(seed, 0, i),
                    starts[i], lengths[i], prerolls[i], fade_ins[i], fade_outs[i])
              for i in range(len(configs))]
    return sorted(voices + bridges, key=lambda v: v.start_n)


def bar_n(fields: dict[str, Any], *, sample_rate: int) -> int:
    """Samples per bar of a config (the synth's own tempo and meter reading)."""
    from moodc.synth.controls import fields_to_controls

    return max(1, to_samples(fields_to_controls(fields).bar_s, sample_rate=sample_rate))


@dataclass(frozen=True)
class _BarGrid:
    """A section's bar grid on the timeline: stream origin and bar length, in samples."""

    origin_n: int
    bar_n: int

    def preroll_to(self, start_n: int, *, minimum_n: int) -> int:
        """Pre-roll (>= ``minimum_n``) that puts a stream starting at ``start_n`` on the grid."""
        earliest = start_n - minimum_n
        return minimum_n + (earliest - self.origin_n) % self.bar_n


def _morph_edges(*, start_n: int, overlap_n: int, sample_rate: int) -> list[int]:
    """The slot edges of a morph of ``overlap_n`` samples from ``start_n``: ``m + 2`` edges
    for ``m`` intermediate configs (one per ``MORPH_STEP_S``, 1 to ``MORPH_MAX_STEPS``).

    The overlap is split into ``m + 1`` equal slots; A fades out over the first slot, bridge
    ``k`` fades in over slot ``k-1`` and out over slot ``k``, and B fades in over the last
    slot: a chain of equal-power crossfades.
    """
    n_mid = int(min(MORPH_MAX_STEPS, max(1, round(overlap_n / sample_rate / MORPH_STEP_S))))
    return [start_n + (overlap_n * j) // (n_mid + 1) for j in range(n_mid + 2)]


def _morph_bridges(a: dict[str, Any], b: dict[str, Any], *, edges: list[int],
                   sample_rate: int, seed: int, index: int, grid: _BarGrid) -> list[Voice]:
    """Bridge voices for a morph from config fields ``a`` to ``b`` over the slots ``edges``
    (:func:`_morph_edges`). Each bridge's stream starts at least ``MORPH_PREROLL_S`` early
    (its reverb is running when it sounds), on A's bar grid.
    """
    from moodc.tween import morph_path

    path = morph_path(a, b, n_steps=len(edges), seed=seed)[1:-1]
    minimum_n = to_samples(MORPH_PREROLL_S, sample_rate=sample_rate)
    bridges = []
    for k, config in enumerate(path, start=1):
        lo, mid, hi = edges[k - 1], edges[k], edges[k + 1]
        bridges.append(Voice(f"morph {index}.{k}", config.model_dump(mode="json"),
                             child_seed(seed, k), lo, hi - lo,
                             grid.preroll_to(lo, minimum_n=minimum_n),
                             (lo, mid - lo), (mid, hi - mid)))
    return bridges


def _clip_voice(voice: Voice, *, total_n: int) -> Voice:
    """A voice cut to end by ``total_n`` (for ``--duration`` on a score)."""
    if voice.stop_n <= total_n:
        return voice
    from dataclasses import replace

    return replace(voice, n_samples=total_n - voice.start_n)


# ------------------------------------------------------------------------------------------
# Mixing helpers (used by the renderer)
# ------------------------------------------------------------------------------------------

def voice_gain(voice: Voice, start_n: int, n_samples: int) -> np.ndarray | None:
    """Equal-power envelope of ``voice`` over timeline samples ``start_n .. +n_samples``.

    None when neither fade touches that span (gain 1).
    """
    from moodc.dsp.fades import equal_power_in, equal_power_out

    stop_n = start_n + n_samples
    gain: np.ndarray | None = None
    for ramp, shape in ((voice.fade_in, equal_power_in), (voice.fade_out, equal_power_out)):
        if ramp is None:
            continue
        lo, length = ramp
        if stop_n <= lo and shape is equal_power_out:
            continue
        if start_n >= lo + length and shape is equal_power_in:
            continue
        position = (np.arange(start_n, stop_n) - lo + 0.5) / max(length, 1)
        part = shape(position)
        gain = part if gain is None else gain * part
    return gain
