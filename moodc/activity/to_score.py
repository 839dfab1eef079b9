"""Activity log → V2 score: phases become sections, each with a mood and a config.

Pipeline: :func:`~moodc.activity.logfile.load_log` → analysis windows and phases
(:mod:`moodc.activity.phases`) → neighbouring windows of one phase join into a section →
each section's config comes from :data:`PHASE_CONFIG` (one table), lightly blended with
its neighbours' moods through :func:`moodc.tween.merge` → sections joined by morph
transitions. Day time is compressed into music time by ``compress`` (``"1h=60s"``).

Every section's ``note`` carries the evidence (time range, rates, top apps) that chose it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from moodc.activity.logfile import LoadedLog, load_log, log
from moodc.activity.phases import PHASE_RULES, Window, utc_offset_of, windows_of
from moodc import vocab
from moodc.errors import MoodcError, UsageError

#: Music time per hour of activity when ``compress`` is not given: an 8-hour day → 8 min.
DEFAULT_COMPRESS: Final[str] = "1h=60s"
#: Longest morph between sections (s), and its largest share of the shorter neighbour.
MORPH_MAX_S: Final[float] = 8.0
MORPH_SHARE: Final[float] = 0.4
#: Weight of each neighbouring section's mood in a section's blended config (own = 1):
#: enough to carry a colour across a boundary, never enough to change the phase's character.
NEIGHBOUR_WEIGHT: Final[float] = 0.1
#: Score fades (s), capped at a share of the whole piece.
FADE_IN_S: Final[float] = 2.0
FADE_OUT_S: Final[float] = 4.0
#: Shortest section a run becomes (s): a phase shorter than a second of music is not heard.
SECTION_MIN_S: Final[float] = 1.0
#: Longest section the V2 model allows (s); longer runs are split into equal parts.
SECTION_MAX_S: Final[float] = vocab.NUMERIC_RANGES["section_duration"][1]
_UNIT_S: Final[dict[str, float]] = {"s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
_DURATION = r"\s*(\d+(?:\.\d+)?)\s*(h|min|m|sec|s)\s*"
_COMPRESS_RE: Final[re.Pattern[str]] = re.compile(f"^{_DURATION}={_DURATION}$")

# --------------------------------------------------------------------------------------
# Phase → mood and config: one table each. All roots/modes are modes of the C-major
# collection (D dorian, E phrygian, F lydian, G mixolydian, A minor, C major), so any
# morph between phases stays in one family of pitches and never clashes.
# --------------------------------------------------------------------------------------
PHASE_MOOD: Final[dict[str, str]] = {
    "deep_focus": "steady and inward: a slow pulse and sparse repeating motifs that stay out "
                  "of the way",
    "frantic": "restless and bright: fast tempo, busy arpeggios, glitchy texture and "
               "chaotic modulation",
    "away": "empty room: a vast, dark drone with no beat",
    "reading": "calm and open: a slow contemplative melody over warm pads, no drums",
    "communication": "conversational: call-and-response melody, walking bass, brushed "
                     "swing",
    "late_night": "late and hazy: dark jazz chords, loose timing, rain, a heartbeat pulse",
    "leisure": "easy and sunny: pentatonic flute over a bossa groove",
    "steady": "ordinary work: a medium, even groove in a major key",
}

PHASE_CONFIG: Final[dict[str, dict[str, Any]]] = {
    "deep_focus": {
        "tempo": "slow", "root": "d", "mode": "dorian", "brightness": "dark", "space": "medium",
        "echo": "subtle", "motion": "slow", "stereo": "wide", "human": "tight", "density": 4,
        "layers": {"bass": "pulsing", "pad": "warm", "melody": "minimal", "rhythm": "minimal",
                   "texture": "none", "accent": "none"},
        "instruments": {"lead": "electric_piano", "pad": "strings", "bass": "sine"},
        "composition": {"melody_density": "sparse", "motif_repeat": "often",
                        "chord_rate": "slow", "harmony": "ambient"},
    },
    "frantic": {
        "tempo": "very_fast", "root": "e", "mode": "phrygian", "brightness": "bright",
        "space": "small", "echo": "medium", "motion": "chaotic", "stereo": "wide",
        "human": "tight", "density": 6,
        "layers": {"bass": "syncopated", "pad": "thin_high", "melody": "arpeggio",
                   "rhythm": "electronic", "texture": "glitch", "accent": "blip"},
        "instruments": {"lead": "square_8bit", "pad": "saw", "bass": "saw"},
        "composition": {"melody_density": "very_busy", "syncopation": "heavy",
                        "chord_rate": "fast", "leaps": "leapy"},
    },
    "away": {
        "tempo": "very_slow", "root": "f", "mode": "lydian", "brightness": "very_dark",
        "space": "vast", "echo": "heavy", "motion": "slow", "stereo": "ultra_wide",
        "human": "loose", "density": 2,
        "layers": {"bass": "drone", "pad": "drift", "melody": "none", "rhythm": "none",
                   "texture": "none", "accent": "none"},
        "instruments": {"lead": "sine", "pad": "choir", "bass": "sine"},
        "composition": {"chord_rate": "very_slow", "harmony": "drone"},
    },
    "reading": {
        "tempo": "slow", "root": "c", "mode": "major", "brightness": "medium", "space": "large",
        "echo": "subtle", "motion": "slow", "stereo": "medium", "human": "natural", "density": 3,
        "layers": {"bass": "sustained", "pad": "warm", "melody": "contemplative",
                   "rhythm": "none", "texture": "none", "accent": "none"},
        "instruments": {"lead": "celesta", "pad": "strings", "bass": "sine"},
        "composition": {"melody_density": "sparse", "leaps": "stepwise", "chord_rate": "slow"},
    },
    "communication": {
        "tempo": "medium", "root": "g", "mode": "mixolydian", "brightness": "bright",
        "space": "small", "echo": "none", "motion": "medium", "stereo": "medium",
        "human": "natural", "density": 5,
        "layers": {"bass": "walking", "pad": "warm", "melody": "call_response",
                   "rhythm": "brush", "texture": "breath", "accent": "none"},
        "instruments": {"lead": "marimba", "pad": "organ", "bass": "pluck"},
        "composition": {"swing": "light", "syncopation": "medium", "melody_density": "busy"},
    },
    "late_night": {
        "tempo": "slow", "root": "a", "mode": "minor", "brightness": "dark", "space": "large",
        "echo": "medium", "motion": "slow", "stereo": "wide", "human": "loose", "density": 5,
        "layers": {"bass": "sub", "pad": "dark", "melody": "lyrical", "rhythm": "heartbeat",
                   "texture": "rain", "accent": "none"},
        "instruments": {"lead": "electric_piano", "pad": "strings", "bass": "sine"},
        "composition": {"swing": "medium", "extensions": "ninths", "harmony": "jazz",
                        "melody_density": "sparse"},
    },
    "leisure": {
        "tempo": "medium", "root": "c", "mode": "major_pentatonic", "brightness": "bright",
        "space": "medium", "echo": "subtle", "motion": "medium", "stereo": "wide",
        "human": "loose", "density": 5,
        "layers": {"bass": "octave", "pad": "warm", "melody": "lyrical", "rhythm": "bossa",
                   "texture": "ocean", "accent": "none"},
        "instruments": {"lead": "flute", "pad": "strings", "bass": "pluck"},
        "composition": {"harmony": "folk", "syncopation": "medium"},
    },
    "steady": {
        "tempo": "medium", "root": "c", "mode": "major", "brightness": "medium",
        "space": "medium", "echo": "subtle", "motion": "slow", "stereo": "medium",
        "human": "natural", "density": 4,
        "layers": {"bass": "pulsing", "pad": "warm", "melody": "lyrical", "rhythm": "soft_four",
                   "texture": "none", "accent": "none"},
        "instruments": {"lead": "triangle", "pad": "strings", "bass": "sine"},
        "composition": {"melody_density": "medium"},
    },
}


# --------------------------------------------------------------------------------------
# Time compression.
# --------------------------------------------------------------------------------------
def compress_to_music_s_per_h(compress: str | None) -> float:
    """Seconds of music per hour of activity for ``compress`` like ``"1h=30s"``.

    Raises
    ------
    UsageError
        When ``compress`` is not ``<day time>=<music time>`` with units h, m/min or s.
    """
    text = DEFAULT_COMPRESS if compress is None else compress
    match = _COMPRESS_RE.match(str(text))
    if not match:
        raise UsageError(f"compress={text!r} is not of the form DAY=MUSIC",
                         hint="e.g. 1h=30s (each hour of the day → 30 s of music) or 30m=15s")
    day_s = float(match[1]) * _UNIT_S[match[2]]
    music_s = float(match[3]) * _UNIT_S[match[4]]
    if day_s <= 0 or music_s <= 0:
        raise UsageError(f"compress={text!r} has a zero duration",
                         hint="both sides must be positive, e.g. 1h=30s")
    return music_s / day_s * 3600.0


# --------------------------------------------------------------------------------------
# Sections.
# --------------------------------------------------------------------------------------
@dataclass
class PhaseRun:
    """Consecutive windows of one phase, which become one (or a few) sections."""

    phase: str
    windows: list[Window]

    @property
    def start(self) -> datetime:
        return self.windows[0].features.start

    @property
    def end(self) -> datetime:
        return self.windows[-1].features.end

    @property
    def span_h(self) -> float:
        return sum((w.features.end - w.features.start).total_seconds()
                   for w in self.windows) / 3600.0


def phase_runs(windows: list[Window]) -> list[PhaseRun]:
    """Join neighbouring windows that share a phase."""
    runs: list[PhaseRun] = []
    for window in windows:
        if runs and runs[-1].phase == window.phase:
            runs[-1].windows.append(window)
        else:
            runs.append(PhaseRun(window.phase, [window]))
    return runs


def _mean(values: list[float | None], weights: list[float]) -> float | None:
    pairs = [(v, w) for v, w in zip(values, weights) if v is not None]
    total_w = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total_w if pairs and total_w > 0 else None


def _fmt(value: float | None, unit: str, *, digits: int = 0) -> str:
    return f"n/a {unit}" if value is None else f"{value:.{digits}f} {unit}"


def _clock(moment: datetime, offset_s: float) -> str:
    return (moment + timedelta(seconds=offset_s)).strftime("%H:%M")


def _zone(offset_s: float) -> str:
    if offset_s == 0:
        return "UTC"
    sign, minutes = ("+" if offset_s > 0 else "-"), int(abs(offset_s)) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def evidence(run: PhaseRun, *, offset_s: float) -> str:
    """The note of a section: time range, phase, mood, rates and top apps."""
    feats = [w.features for w in run.windows]
    weights = [f.observed_s for f in feats]
    get = lambda name: _mean([getattr(f, name) for f in feats], weights)  # noqa: E731
    apps: dict[str, float] = {}
    for f in feats:
        for app, app_s in f.app_seconds.items():
            apps[app] = apps.get(app, 0.0) + app_s
    total_s = sum(apps.values())
    top = ", ".join(f"{app} {100 * s / total_s:.0f}%" for app, s in
                    sorted(apps.items(), key=lambda kv: (-kv[1], kv[0]))[:3]) if total_s else "n/a"
    active = get("active_fraction")
    ratio = get("correction_ratio")
    rule = next(text for phase, text, _ in PHASE_RULES if phase == run.phase)
    return (f"{_clock(run.start, offset_s)}–{_clock(run.end, offset_s)} {_zone(offset_s)}: "
            f"{run.phase.replace('_', ' ')} ({rule}). Mood: {PHASE_MOOD[run.phase]}. "
            f"Evidence: active {_fmt(None if active is None else 100 * active, '%')}, "
            f"{_fmt(get('keys_per_min'), 'keys/min')}, "
            f"corrections {_fmt(None if ratio is None else 100 * ratio, '%')}, "
            f"{_fmt(get('clicks_per_min'), 'clicks/min', digits=1)}, "
            f"{_fmt(get('scrolls_per_min'), 'scrolls/min', digits=1)}, "
            f"{_fmt(get('mouse_px_per_s'), 'px/s mouse')}, "
            f"{_fmt(get('app_switches_per_h'), 'app switches/h')}; top apps: {top}.")


#: Fields taken from the neighbour blend: the ordinal (intensity-like) ones. Nominal fields
#: (key, layers, instruments) stay the phase's own, so a blend shades a mood but never
#: swaps its identity.
BLENDED_FIELDS: Final[tuple[str, ...]] = (
    "tempo", "brightness", "space", "echo", "motion", "stereo", "human", "density",
)
BLENDED_COMPOSITION_FIELDS: Final[tuple[str, ...]] = vocab.COMPOSITION_ORDINALS


def _phase_config(phase: str) -> Any:
    from moodc.config.model import Config

    return Config.model_validate({"version": 2, **PHASE_CONFIG[phase]})


def phase_justification(phase: str) -> str:
    """The words a section of ``phase`` is justified with: the phase and its mood."""
    return f"{phase.replace('_', ' ')}: {PHASE_MOOD[phase]}"


def blend_phase(phase: str, neighbours: list[str], *, seed: int) -> dict[str, Any]:
    """The phase's config with its ordinal fields shaded towards differing neighbours.

    Uses :func:`moodc.tween.merge` (weights 1 : NEIGHBOUR_WEIGHT each) and keeps only the
    :data:`BLENDED_FIELDS`. The shading never breaks what the phase's mood says: a blend
    that rounds late night's "dark" up to medium, or gates its "rain" off with a lower
    density, is pulled back to the nearest config that keeps every claim
    (:func:`moodc.data.claims.keep_claims`).
    """
    from moodc.data.claims import keep_claims

    from moodc.tween import merge  # pydantic and numpy: only when a score is built

    own = _phase_config(phase).model_dump(mode="json")
    others = [n for n in neighbours if n != phase]
    if others:
        sources = [_phase_config(phase)] + [_phase_config(n) for n in others]
        merged = merge(sources, [1.0] + [NEIGHBOUR_WEIGHT] * len(others), seed=seed)
        blended = merged.model_dump(mode="json")
        for name in BLENDED_FIELDS:
            own[name] = blended[name]
        for name in BLENDED_COMPOSITION_FIELDS:
            own["composition"][name] = blended["composition"][name]
    return _compact(keep_claims(own, phase_justification(phase)))


def _compact(config: dict[str, Any]) -> dict[str, Any]:
    """Drop ``version``, provenance and fields equal to the model defaults (short YAML)."""
    from moodc.config.model import InlineConfig

    inline = InlineConfig.model_validate({k: v for k, v in config.items()
                                          if k not in ("version", "provenance")})
    return inline.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


def _section_durations(span_h: float, *, music_s_per_h: float) -> list[float]:
    """Music seconds for a run, split into equal parts of at most SECTION_MAX_S less a
    morph (each part may be widened by half a morph on both sides, see ``_add_morphs``)."""
    total_s = max(SECTION_MIN_S, span_h * music_s_per_h)
    n_parts = max(1, math.ceil(total_s / (SECTION_MAX_S - MORPH_MAX_S)))
    return [round(total_s / n_parts, 2)] * n_parts


def _sections(runs: list[PhaseRun], *, music_s_per_h: float, offset_s: float,
              seed: int) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for index, run in enumerate(runs):
        neighbours = [runs[i].phase for i in (index - 1, index + 1) if 0 <= i < len(runs)]
        config = blend_phase(run.phase, neighbours, seed=seed + index)
        config["justification"] = phase_justification(run.phase)
        name = f"{run.phase.replace('_', ' ')} {_clock(run.start, offset_s)}–" \
               f"{_clock(run.end, offset_s)}"
        for duration_s in _section_durations(run.span_h, music_s_per_h=music_s_per_h):
            sections.append({"name": name, "duration": duration_s, "config": config,
                             "note": evidence(run, offset_s=offset_s)})
    _add_morphs(sections)
    return sections


def _add_morphs(sections: list[dict[str, Any]]) -> None:
    """Join sections with morphs, widening both sides by half a morph each.

    The renderer overlaps a transition with the end of the previous section, so without
    the widening every morph would shorten the piece; with it the rendered timeline keeps
    the ``compress`` mapping and each morph is centred on the real phase boundary.
    """
    lengths_s = [round(min(MORPH_MAX_S, MORPH_SHARE * min(a["duration"], b["duration"])), 2)
                 for a, b in zip(sections, sections[1:])]
    for index, length_s in enumerate(lengths_s):
        sections[index]["duration"] = round(sections[index]["duration"] + length_s / 2, 3)
        sections[index + 1]["duration"] = round(sections[index + 1]["duration"] + length_s / 2, 3)
        sections[index + 1]["transition"] = {"kind": "morph", "length": length_s}


def _runs_that_fit(loaded: LoadedLog, *, minutes_per_section: float, music_s_per_h: float,
                   offset_s: float, compress: str | None) -> tuple[list[PhaseRun], float]:
    """Phase runs whose sections fit in a score (at most ``MAX_SECTIONS``), and the window
    length (minutes) that gave them: ``minutes_per_section``, doubled while there are too
    many runs (up to a day).

    Raises
    ------
    UsageError
        Even day-long windows give too many sections: the music is longer than a score can
        hold at this ``compress``.
    """
    minutes = float(minutes_per_section)
    while True:
        windows = windows_of(loaded.buckets, window_s=60.0 * minutes, utc_offset_s=offset_s)
        runs = phase_runs(windows)
        n_sections = sum(len(_section_durations(run.span_h, music_s_per_h=music_s_per_h))
                         for run in runs)
        if n_sections <= vocab.MAX_SECTIONS:
            return runs, minutes
        if minutes >= 24 * 60:
            break
        minutes = min(24 * 60.0, minutes * 2)
    span_h = sum(run.span_h for run in runs)
    longest_h = vocab.MAX_SECTIONS * (SECTION_MAX_S - MORPH_MAX_S) / 3600.0
    raise UsageError(f"at compress {compress or DEFAULT_COMPRESS} this {span_h:.0f} h log "
                     f"becomes {span_h * music_s_per_h / 3600.0:.0f} h of music; a score holds "
                     f"at most {vocab.MAX_SECTIONS} sections (about {longest_h:.0f} h)",
                     hint="compress more, e.g. --compress 1h=60s", param="compress")


def _check_arguments(minutes_per_section: float, seed: int) -> None:
    if isinstance(minutes_per_section, bool) or not isinstance(minutes_per_section, (int, float)) \
            or not 1.0 <= minutes_per_section <= 24 * 60:
        raise UsageError(f"minutes_per_section={minutes_per_section!r} is out of range",
                         hint="use between 1 and 1440 minutes, e.g. 30")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed={seed!r} must be a non-negative integer")


def score_from_log(loaded: LoadedLog, *, log_name: str, minutes_per_section: float = 30.0,
                   compress: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Build the score dict from already-loaded buckets (see :func:`log_to_score`)."""
    _check_arguments(minutes_per_section, seed)
    music_s_per_h = compress_to_music_s_per_h(compress)
    offset_s = utc_offset_of(loaded.buckets)
    runs, used_minutes = _runs_that_fit(loaded, minutes_per_section=minutes_per_section,
                                        music_s_per_h=music_s_per_h, offset_s=offset_s,
                                        compress=compress)
    warnings = list(loaded.warnings)
    if used_minutes != minutes_per_section:
        warnings.append(f"{minutes_per_section:g} minutes per section gave more than "
                        f"{vocab.MAX_SECTIONS} sections; used {used_minutes:g}")
        log.warning("moodc: warning: %s", warnings[-1])
    sections = _sections(runs, music_s_per_h=music_s_per_h, offset_s=offset_s, seed=seed)
    total_s = sum(s["duration"] for s in sections)
    first, last = loaded.buckets[0].start, loaded.buckets[-1].end
    return {
        "version": 2,
        "title": f"Activity {_day(first, offset_s)} {_clock(first, offset_s)}–"
                 f"{_clock(last, offset_s)} {_zone(offset_s)}",
        "seed": seed,
        "fade_in": round(min(FADE_IN_S, 0.1 * total_s), 2),
        "fade_out": round(min(FADE_OUT_S, 0.2 * total_s), 2),
        "sections": sections,
        "provenance": {
            "tool": "moodc.activity.log_to_score", "log": log_name,
            "log_format": loaded.log_format, "n_buckets": len(loaded.buckets),
            "compress": compress or DEFAULT_COMPRESS,
            "minutes_per_section": used_minutes,
            "phases": [run.phase for run in runs], "warnings": warnings,
        },
    }


def _day(moment: datetime, offset_s: float) -> str:
    return (moment + timedelta(seconds=offset_s)).strftime("%Y-%m-%d")


def log_to_score(log_path: Path, *, minutes_per_section: float = 30.0,
                 compress: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Turn an activity log into a V2 score (a plain dict, ready for ``dump_yaml``).

    Parameters
    ----------
    log_path : Path
        A moodc JSONL log (``moodc record``) or an ActivityWatch export (JSON).
    minutes_per_section : float in [1, 1440]
        Length of the analysis windows; neighbouring windows of one phase join into one
        section.
    compress : str or None
        ``"<day>=<music>"``, e.g. ``"1h=30s"``; default ``"1h=60s"`` (an 8 h day → 8 min).
    seed : int ≥ 0
        Score seed, also seeding the neighbour blends.

    Returns
    -------
    dict
        A score that validates as :class:`moodc.config.model.Score`: one section per phase
        run with its mood config, the evidence in ``note``, morph transitions.

    Raises
    ------
    MoodcError
        For a missing, empty or corrupt log (the message names the bad line) and for bad
        arguments.

    Examples
    --------
    >>> score = log_to_score(Path("day.jsonl"), compress="1h=30s")  # doctest: +SKIP
    """
    loaded = load_log(Path(log_path))
    score = score_from_log(loaded, log_name=Path(log_path).name,
                           minutes_per_section=minutes_per_section, compress=compress, seed=seed)
    from moodc.config.model import Score

    try:
        Score.model_validate(score)
    except ValueError as exc:  # a bug here, not the user's: say so in one line
        first = str(exc).splitlines()[0]
        raise MoodcError(f"internal error: the score built from {log_path} is invalid ({first})",
                         hint="please report this with the log's shape (not its content)") from None
    return score
