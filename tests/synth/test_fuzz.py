"""Any valid combination renders: random configs drawn from the whole vocabulary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from moodc import vocab
from moodc.synth import render_config


def _random_config(rng: np.random.Generator) -> dict[str, Any]:
    def pick(options: Any) -> Any:
        options = list(options)
        return options[int(rng.integers(len(options)))]

    low = int(rng.integers(1, 8))
    cfg: dict[str, Any] = {
        field: pick(labels) for field, labels in vocab.ORDINAL_LABELS.items()
        if field not in vocab.COMPOSITION_ORDINALS
    }
    cfg.update({
        "root": pick(vocab.ROOT_SEMITONE), "mode": pick(vocab.MODE_INTERVALS),
        "meter": pick(vocab.METERS), "density": int(rng.integers(1, 7)),
        "bpm": None if rng.random() < 0.7 else float(rng.uniform(30, 240)),
        "layers": {layer: pick(styles) for layer, styles in vocab.LAYER_STYLES.items()},
        "instruments": {role: pick(vocab.INSTRUMENTS) for role in ("lead", "pad", "bass")},
        "composition": {
            **{name: pick(vocab.ORDINAL_LABELS[name]) for name in vocab.COMPOSITION_ORDINALS},
            "phrase_bars": pick(vocab.PHRASE_BARS), "register_low": low,
            "register_high": int(rng.integers(low, 8)), "harmony": pick(vocab.HARMONY_STYLES),
            "extensions": pick(vocab.EXTENSIONS), "tension": pick(vocab.TENSION_CURVES),
        },
    })
    return cfg


@pytest.mark.parametrize("case", range(40))
def test_random_valid_configs_render_finite_bounded_audio(case: int) -> None:
    cfg = _random_config(np.random.default_rng(1000 + case))
    x = render_config(cfg, duration_s=2.5, sample_rate=11025, seed=case)
    assert x.shape == (round(2.5 * 11025), 2)
    assert np.all(np.isfinite(x))
    assert np.abs(x).max() < 2.0, cfg
    if cfg["stereo"] == "mono":
        assert np.array_equal(x[:, 0], x[:, 1])
