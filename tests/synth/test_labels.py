"""Every value of every field is audible and distinct (spec: "Every value is audible and distinct").

Each enum value is rendered against a full base config in which the field is reachable
(density 6 so every layer sounds, the layer's style set so its instrument is heard), and
every pair of sibling values must differ by a meaningful amount — the RMS of their
difference at least -40 dB relative to the signal, not a stray sample.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import numpy as np
import pytest

from moodc import vocab
from moodc.synth import render_config

#: Slow lane: this module renders every value of every field.
pytestmark = pytest.mark.slow

SAMPLE_RATE = 22050
DURATION_S = 4.0
MIN_DIFF_DB = -40.0

BASE: dict[str, Any] = {
    "tempo": "fast", "root": "d", "mode": "dorian", "meter": "4/4", "brightness": "medium",
    "space": "small", "echo": "subtle", "motion": "medium", "stereo": "medium",
    "human": "natural", "density": 6,
    "layers": {"bass": "pulsing", "pad": "warm", "melody": "lyrical", "rhythm": "rock",
               "texture": "shimmer", "accent": "bells"},
    "instruments": {"lead": "triangle", "pad": "strings", "bass": "sine"},
    "composition": {
        "melody_density": "busy", "syncopation": "light", "swing": "light", "phrase_bars": 1,
        "leaps": "balanced", "register_low": 4, "register_high": 5, "harmony": "pop",
        "chord_rate": "fast", "extensions": "triads", "ornament": "medium",
        "motif_repeat": "sometimes", "cadence": "medium", "tension": "arc",
    },
}


def _with(path: tuple[str, ...], value: Any, base: dict[str, Any] = BASE) -> dict[str, Any]:
    cfg = copy.deepcopy(base)
    node = cfg
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return cfg


def _render(cfg: dict[str, Any], duration_s: float = DURATION_S) -> np.ndarray:
    return render_config(cfg, duration_s=duration_s, sample_rate=SAMPLE_RATE, seed=7)


def _diff_db(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float64), b.astype(np.float64)
    ref = max(np.sqrt(np.mean(a**2)), np.sqrt(np.mean(b**2)))
    diff = np.sqrt(np.mean((a - b) ** 2))
    return 20 * np.log10(diff / ref + 1e-20)


def _assert_all_distinct(renders: dict[Any, np.ndarray], field: str) -> None:
    for (va, a), (vb, b) in itertools.combinations(renders.items(), 2):
        d = _diff_db(a, b)
        assert d > MIN_DIFF_DB, f"{field}: {va!r} and {vb!r} sound the same ({d:.1f} dB)"
    for value, x in renders.items():
        assert np.all(np.isfinite(x)), f"{field}={value!r} produced non-finite samples"
        assert np.sqrt(np.mean(x**2)) > 1e-3, f"{field}={value!r} is silent"


# (field path, values, base overrides that make the field reachable, duration)
CASES: list[tuple[tuple[str, ...], tuple[Any, ...], dict[tuple[str, ...], Any], float]] = [
    (("tempo",), vocab.ORDINAL_LABELS["tempo"], {}, DURATION_S),
    (("root",), tuple(vocab.ROOT_SEMITONE), {}, DURATION_S),
    (("mode",), tuple(vocab.MODE_INTERVALS), {}, DURATION_S),
    (("meter",), vocab.METERS, {}, DURATION_S),
    (("brightness",), vocab.ORDINAL_LABELS["brightness"], {}, DURATION_S),
    (("space",), vocab.ORDINAL_LABELS["space"], {}, DURATION_S),
    (("echo",), vocab.ORDINAL_LABELS["echo"], {}, DURATION_S),
    (("motion",), vocab.ORDINAL_LABELS["motion"], {}, DURATION_S),
    (("stereo",), vocab.ORDINAL_LABELS["stereo"], {}, DURATION_S),
    (("human",), vocab.ORDINAL_LABELS["human"], {}, DURATION_S),
    (("density",), tuple(vocab.DENSITY_LAYERS), {}, DURATION_S),
    (("composition", "phrase_bars"), vocab.PHRASE_BARS, {}, DURATION_S),
    (("composition", "register_low"), (1, 2, 3, 4, 5), {("composition", "register_high"): 5},
     DURATION_S),
    (("composition", "register_high"), (3, 4, 5, 6, 7), {("composition", "register_low"): 3},
     DURATION_S),
    (("composition", "harmony"), vocab.HARMONY_STYLES, {}, DURATION_S),
    (("composition", "extensions"), vocab.EXTENSIONS, {}, DURATION_S),
    (("composition", "tension"), vocab.TENSION_CURVES, {}, DURATION_S),
    # chord rate needs a render longer than the slowest change (8 bars at 128 bpm = 15 s)
    (("composition", "chord_rate"), vocab.ORDINAL_LABELS["chord_rate"],
     {("tempo",): "very_fast"}, 13.0),
]
# per-phrase decisions (motif, cadence) need several phrases: 1-bar phrases at 160 bpm
CASES += [(("composition", name), vocab.ORDINAL_LABELS[name], {("tempo",): "very_fast"}, 8.0)
          for name in vocab.COMPOSITION_ORDINALS if name != "chord_rate"]
CASES += [(("layers", layer), styles, {}, DURATION_S)
          for layer, styles in vocab.LAYER_STYLES.items()]
CASES += [(("instruments", role), vocab.INSTRUMENTS, {}, DURATION_S)
          for role in ("lead", "pad", "bass")]


@pytest.mark.parametrize("path,values,overrides,duration_s", CASES,
                         ids=[".".join(c[0]) for c in CASES])
def test_every_value_is_distinct(path, values, overrides, duration_s) -> None:
    base = copy.deepcopy(BASE)
    for opath, ovalue in overrides.items():
        base = _with(opath, ovalue, base)
    renders = {v: _render(_with(path, v, base), duration_s) for v in values}
    _assert_all_distinct(renders, ".".join(path))
