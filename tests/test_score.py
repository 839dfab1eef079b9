"""Score resolution: exact timeline lengths, transitions, seeds and section errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moodc.config.load import load_document
from moodc.config.model import Config, Score
from moodc.errors import DocumentError, UsageError
from moodc.score import (child_seed, config_timeline, resolve_score, seed_from_document,
                         voice_gain)


def _score(sections: list[dict[str, Any]], **extra: Any) -> Score:
    return Score.model_validate({"version": 2, "sections": sections, **extra})


def _resolve(score: Score, *, base_dir: Path = Path("."), sample_rate: int = 44100,
             duration_s: float | None = None, seed: int | None = 1):
    return resolve_score(score, base_dir=base_dir, sample_rate=sample_rate, seed=seed,
                         duration_s=duration_s, title="t", loader=load_document)


def _section(duration: float, kind: str = "crossfade", length: float = 1.0,
             root: str = "c") -> dict[str, Any]:
    return {"duration": duration, "config": {"root": root},
            "transition": {"kind": kind, "length": length}}


@pytest.mark.parametrize("sample_rate", [44100, 48000])
def test_score_length_is_sum_of_sections_minus_overlaps_to_the_sample(sample_rate: int) -> None:
    score = _score([_section(5.013), _section(10.27, "crossfade", 1.5),
                    _section(7.5, "morph", 2.5), _section(3.3, "cut", 2.0)])
    timeline = _resolve(score, sample_rate=sample_rate)
    expected = (sum(round(d * sample_rate) for d in (5.013, 10.27, 7.5, 3.3))
                - round(1.5 * sample_rate) - round(2.5 * sample_rate))  # a cut overlaps 0
    assert timeline.n_samples == expected


def test_crossfade_is_equal_power_over_the_overlap() -> None:
    timeline = _resolve(_score([_section(4), _section(4, "crossfade", 2.0, root="g")]))
    first, second = [v for v in timeline.voices]
    start, length = second.fade_in
    assert first.fade_out == (start, length) and length == 2 * 44100
    out_gain = voice_gain(first, start, length)
    in_gain = voice_gain(second, start, length)
    np.testing.assert_allclose(out_gain ** 2 + in_gain ** 2, 1.0, atol=1e-9)
    assert voice_gain(first, 0, 1000) is None


def test_cut_splices_briefly_instead_of_switching_hard() -> None:
    timeline = _resolve(_score([_section(2), _section(2, "cut", 1.0)]))
    first, second = timeline.voices
    assert timeline.n_samples == 4 * 44100
    assert first.fade_out is not None and 0 < first.fade_out[1] <= 0.01 * 44100
    assert first.stop_n > second.start_n  # they overlap only by the splice


def test_morph_adds_bridge_voices_from_the_tween_path() -> None:
    timeline = _resolve(_score([_section(6, root="c"),
                                {"duration": 6, "transition": {"kind": "morph", "length": 3},
                                 "config": {"root": "f#", "tempo": "fast", "mode": "major"}}]))
    bridges = [v for v in timeline.voices if v.label.startswith("morph")]
    assert len(bridges) == 3  # one per second of transition
    assert all(b.preroll_n > 0 for b in bridges)
    by_label = {v.label: v for v in timeline.voices}
    assert by_label["section 0"].fields["tempo"] == "medium"
    assert by_label["section 1"].fields["tempo"] == "fast"
    # the chain of fades hands over with constant power at every point of the overlap
    start = timeline.voices[-1].start_n
    overlap = np.zeros(3 * 44100)
    for voice in timeline.voices:
        gain = voice_gain(voice, start, overlap.shape[0])
        lo, hi = max(voice.start_n, start), min(voice.stop_n, start + overlap.shape[0])
        if gain is not None and lo < hi:
            overlap[lo - start:hi - start] += gain[lo - start:hi - start] ** 2
    np.testing.assert_allclose(overlap, 1.0, atol=1e-6)


def test_sections_get_distinct_stable_child_seeds() -> None:
    score = _score([_section(2), _section(2), _section(2)])
    seeds = [v.seed for v in _resolve(score, seed=5).voices]
    assert len(set(seeds)) == 3
    assert seeds == [v.seed for v in _resolve(score, seed=5).voices]
    assert seeds != [v.seed for v in _resolve(score, seed=6).voices]
    assert child_seed(5, 0, 1) == child_seed(5, 0, 1) < 2**63


def test_seed_defaults_to_document_then_content_hash() -> None:
    fields = Config.model_validate({"version": 2, "tempo": "slow"}).model_dump(mode="json")
    hashed = config_timeline(fields, sample_rate=44100, seed=None, duration_s=2, title="x")
    assert hashed.seed == seed_from_document(fields)
    seeded = Config.model_validate({"version": 2, "tempo": "slow", "seed": 9}).model_dump(
        mode="json")
    assert config_timeline(seeded, sample_rate=44100, seed=None, duration_s=2, title="x").seed == 9
    assert config_timeline(seeded, sample_rate=44100, seed=3, duration_s=2, title="x").seed == 3


def test_section_paths_resolve_relative_to_the_score(tmp_path: Path) -> None:
    (tmp_path / "calm.yaml").write_text("version: 2\ntempo: slow\n")
    score = _score([{"duration": 2, "config": "calm.yaml"}, _section(2)])
    timeline = _resolve(score, base_dir=tmp_path)
    assert timeline.voices[0].fields["tempo"] == "slow"
    assert timeline.document["sections"][0]["config"]["tempo"] == "slow"


def test_missing_section_file_is_a_clear_error(tmp_path: Path) -> None:
    score = _score([{"duration": 4, "config": "nowhere.yaml"}])
    with pytest.raises(DocumentError, match="nowhere.yaml"):
        _resolve(score, base_dir=tmp_path)


def test_section_pointing_at_a_score_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "other.yaml").write_text(
        "version: 2\nsections:\n  - duration: 4\n    config: {tempo: slow}\n")
    score = _score([{"duration": 4, "config": "other.yaml"}])
    with pytest.raises(DocumentError, match="score"):
        _resolve(score, base_dir=tmp_path)


def test_duration_cuts_a_score_short_and_refuses_to_lengthen_it() -> None:
    score = _score([_section(4), _section(4)], fade_out=1.0)
    timeline = _resolve(score, duration_s=3.0)
    assert timeline.n_samples == 3 * 44100
    assert all(v.stop_n <= timeline.n_samples for v in timeline.voices)
    with pytest.raises(UsageError, match="longer than the score"):
        _resolve(score, duration_s=60.0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, 0.0, 1e9])
def test_absurd_config_durations_are_refused(bad: float) -> None:
    fields = Config.model_validate({"version": 2}).model_dump(mode="json")
    with pytest.raises(UsageError, match="duration .* s is out of range") as caught:
        config_timeline(fields, sample_rate=44100, seed=1, duration_s=bad, title="x")
    assert caught.value.param == "duration_s"  # the CLI names --duration


def test_entering_sections_and_bridges_start_on_the_previous_bar_grid() -> None:
    from moodc.score import bar_n

    timeline = _resolve(_score([_section(7.3), _section(6.1, "crossfade", 1.7, root="g"),
                                {"duration": 6, "transition": {"kind": "morph", "length": 3},
                                 "config": {"root": "d"}}]))
    by_label = {v.label: v for v in timeline.voices}
    bar = bar_n(by_label["section 0"].fields, sample_rate=44100)
    origin = {name: v.start_n - v.preroll_n for name, v in by_label.items()}
    assert origin["section 0"] == 0
    for name in ("section 1", "section 2", "morph 2.1", "morph 2.2"):
        assert origin[name] % bar == 0, name
        assert 0 <= by_label[name].preroll_n
    assert all(by_label[f"morph 2.{k}"].preroll_n >= 44100 for k in (1, 2, 3))
    assert by_label["section 1"].preroll_n < bar
