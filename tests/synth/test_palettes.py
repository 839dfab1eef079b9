"""Genre palettes (issue 4): each renders mastered and clean, and they are measurably distinct."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import EXAMPLES
from moodc.analysis import click_ratios, feature_vector, nearest_centroid_confusion
from moodc.config.load import load_document
from moodc.render import render_document
from moodc.dsp.loudness import measure_loudness_lufs
from moodc.dsp.peak import true_peak_dbtp

#: Slow lane: this module renders every palette several times.
pytestmark = pytest.mark.slow

PALETTES = sorted((EXAMPLES / "palettes").glob("*.yaml"))
SAMPLE_RATE = 44100
REQUIRED = {"arabian-nights", "egyptian-summer", "indian-wedding", "raga-at-dawn",
            "8bit-adventure", "christmas-morning", "funeral-clown", "japanese-garden",
            "taiko-festival", "vienna-waltz", "bossa-cafe", "military-march",
            "flamenco-night", "tango-milonga", "klezmer-wedding", "reggae-dub",
            "gamelan-temple", "west-african-drums", "chinese-garden", "celtic-jig"}
#: A one-sample discontinuity of about -26 dBFS scores ~60 on a clean tone; dense mixes of
#: band-limited voices (even square-wave chiptune) stay below ~40.
GROSS_CLICK_RATIO = 60.0


@lru_cache(maxsize=None)
def render(name: str, seed: int, duration_s: float = 6.0) -> np.ndarray:
    path = EXAMPLES / "palettes" / f"{name}.yaml"
    return render_document(load_document(path), base_dir=path.parent, duration_s=duration_s,
                           seed=seed, sample_rate=SAMPLE_RATE)


def test_the_required_palettes_exist_with_justifications() -> None:
    assert {p.stem for p in PALETTES} >= REQUIRED
    for path in PALETTES:
        assert len(load_document(path).justification or "") > 40, path.name


@pytest.mark.parametrize("path", PALETTES, ids=lambda p: p.stem)
def test_palette_is_mastered_and_free_of_gross_clicks(path: Path) -> None:
    audio = render(path.stem, 1)
    assert abs(measure_loudness_lufs(audio, sample_rate=SAMPLE_RATE) + 14.0) <= 0.5
    assert true_peak_dbtp(audio) <= -1.0
    assert click_ratios(audio, sample_rate=SAMPLE_RATE).max() < GROSS_CLICK_RATIO
    assert np.abs(audio[:8]).max() < 1e-3 and np.abs(audio[-8:]).max() < 1e-3


def test_the_click_guard_sees_a_gross_discontinuity() -> None:
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = 0.3 * np.sin(2 * np.pi * 220 * t)
    tone[SAMPLE_RATE // 2 + 37:] *= 0.4  # mid-cycle, where the waveform is far from zero
    assert click_ratios(np.stack([tone, tone], 1), sample_rate=SAMPLE_RATE).max() \
        > GROSS_CLICK_RATIO


def test_a_feature_classifier_tells_the_palettes_apart() -> None:
    """Nearest centroid on timbre/rhythm/chroma features, trained on seeds 1–2, tested on 3."""
    train = {p.stem: [feature_vector(render(p.stem, s), sample_rate=SAMPLE_RATE)
                      for s in (1, 2)] for p in PALETTES}
    test = {p.stem: [feature_vector(render(p.stem, 3), sample_rate=SAMPLE_RATE)]
            for p in PALETTES}
    labels, confusion = nearest_centroid_confusion(train, test)
    accuracy = np.trace(confusion) / confusion.sum()
    assert accuracy >= 0.75, dict(zip(labels, confusion.tolist()))
