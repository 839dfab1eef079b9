"""Tempo you feel, measured from outside: every example re-rendered at each tempo label.

The test (``tests/synth/test_tempo_feel.py``) and the study that writes the table in
``docs/palettes.md`` (``python tools/tempo_study.py``) share these functions, so the numbers
in the document are the numbers the test asserts on. The measures are librosa's, not ours:
``librosa.onset.onset_detect`` (onsets per second) and ``librosa.beat.beat_track`` (the
tempo a listener would tap), so the synth cannot grade its own homework.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moodc import vocab
from moodc.config.load import load_document
from moodc.config.model import Config, Score
from moodc.render import render_document

from tests.helpers import EXAMPLES

#: Every example document: the top-level ones (configs and scores) and the palettes.
EXAMPLE_PATHS: tuple[Path, ...] = tuple(sorted(EXAMPLES.glob("*.yaml"))
                                        + sorted((EXAMPLES / "palettes").glob("*.yaml")))
TEMPO_LABELS: tuple[str, ...] = vocab.ORDINAL_LABELS["tempo"]
#: Rendered at the library's lowest rate, analysed at librosa's customary 22.05 kHz.
RENDER_RATE_HZ = 44100
ANALYSIS_RATE_HZ = 22050
#: Long enough for a few bars at very_slow (56 BPM: ~2 bars of 4/4), short enough to be cheap.
CLIP_S = 9.0
#: Where the clip starts in a score, where its fade-in is not enough: inside its first
#: full-band section (any other score's clip starts where its fade-in ends).
SCORE_OFFSET_S: dict[str, float] = {"podcast-intro": 5.0}
SEED = 1


@dataclass(frozen=True)
class TempoMeasure:
    """One clip's outside measures: onsets per second and the beat tracker's tempo (BPM)."""

    onsets_per_s: float
    tracked_bpm: float


def example_name(path: Path) -> str:
    """``palettes/NAME`` for a palette, ``NAME`` for a top-level example."""
    return f"{path.parent.name}/{path.stem}" if path.parent.name == "palettes" else path.stem


def _config_at(config: Config, *, tempo: str, muted: tuple[str, ...] = ()) -> Config:
    """``config`` at the tempo label ``tempo``: the label set, any ``bpm`` override cleared
    (a bpm would pin the speed and hide the label), the layers ``muted`` set to ``none``."""
    layers = config.layers.model_copy(update={layer: "none" for layer in muted})
    return config.model_copy(update={"tempo": tempo, "bpm": None, "layers": layers})


def at_tempo(doc: Config | Score, *, tempo: str, base_dir: Path,
             muted: tuple[str, ...] = ()) -> Config | Score:
    """The document with every config (a score's sections too, files resolved) at ``tempo``,
    the layers ``muted`` silenced in each (a study's question: which layer the detector
    hears; the test mutes none)."""
    if isinstance(doc, Config):
        return _config_at(doc, tempo=tempo, muted=muted)
    data = doc.model_dump()
    for section in data["sections"]:
        config = section["config"]
        if isinstance(config, str):
            config = load_document(base_dir / config).model_dump()
        layers = {**config["layers"], **{layer: "none" for layer in muted}}
        section["config"] = {**config, "tempo": tempo, "bpm": None, "layers": layers}
    return Score.model_validate(data)


def score_window_s(doc: Config | Score, *, name: str) -> tuple[float, float]:
    """``(offset_s, tail_s)``: where the clip starts in the render and how much is rendered
    after it. A score cut short keeps its fades, moved to the cut, so its clip is taken
    between them: from the end of its fade-in (or :data:`SCORE_OFFSET_S`) to a render
    ``fade_out`` seconds longer than the clip. Otherwise the clip of a score with long fades
    measures the fades, not the tempo (workday's 2 s fade-in and 6 s fade-out covered all
    but 1 s of a 9 s clip cut from its start). A config is measured from its start (its
    own short fades are part of every piece)."""
    if not isinstance(doc, Score):
        return 0.0, 0.0
    return SCORE_OFFSET_S.get(name, doc.fade_in), doc.fade_out


def render_clip(path: Path, *, tempo: str, muted: tuple[str, ...] = ()) -> np.ndarray:
    """Mono clip of ``path`` at ``tempo``: :data:`CLIP_S` seconds at :data:`ANALYSIS_RATE_HZ`
    (a score's from between its fades, :func:`score_window_s`), the layers ``muted``
    silenced (:func:`at_tempo`)."""
    import librosa

    doc = at_tempo(load_document(path), tempo=tempo, base_dir=path.parent, muted=muted)
    offset_s, tail_s = score_window_s(doc, name=path.stem)
    audio = render_document(doc, base_dir=path.parent, duration_s=offset_s + CLIP_S + tail_s,
                            seed=SEED, sample_rate=RENDER_RATE_HZ)
    start = int(offset_s * RENDER_RATE_HZ)
    mono = audio.mean(axis=1)[start: start + int(CLIP_S * RENDER_RATE_HZ)]
    return librosa.resample(mono.astype(np.float32), orig_sr=RENDER_RATE_HZ,
                            target_sr=ANALYSIS_RATE_HZ)


def measure(mono: np.ndarray) -> TempoMeasure:
    """librosa's onset rate (onsets per second) and beat-tracked tempo (BPM) of a clip."""
    import librosa

    onsets = librosa.onset.onset_detect(y=mono, sr=ANALYSIS_RATE_HZ, units="time")
    tempo, _ = librosa.beat.beat_track(y=mono, sr=ANALYSIS_RATE_HZ)
    return TempoMeasure(onsets_per_s=len(onsets) / (len(mono) / ANALYSIS_RATE_HZ),
                        tracked_bpm=float(np.atleast_1d(tempo)[0]))


def tempo_row(path: Path, *, muted: tuple[str, ...] = ()) -> dict[str, TempoMeasure]:
    """Tempo label → measures of one example (the layers ``muted`` silenced)."""
    return {label: measure(render_clip(path, tempo=label, muted=muted))
            for label in TEMPO_LABELS}


def markdown_table(rows: dict[str, dict[str, TempoMeasure]]) -> str:
    """The measured table: one line per example, ``onsets/s · BPM`` per tempo label."""
    head = "| example | " + " | ".join(TEMPO_LABELS) + " |"
    rule = "|---|" + "---|" * len(TEMPO_LABELS)
    lines = [head, rule]
    for name, row in rows.items():
        cells = [f"{row[label].onsets_per_s:.1f} · {row[label].tracked_bpm:.0f}"
                 for label in TEMPO_LABELS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def describe(row: dict[str, Any]) -> str:
    """One example's row for an assertion message."""
    return ", ".join(f"{label}: {m.onsets_per_s:.2f}/s {m.tracked_bpm:.0f} BPM"
                     for label, m in row.items())
