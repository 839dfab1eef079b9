"""Activity log → score: phases, the rule tables, compression, validity and bad logs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.activity_day import EXPECTED_PHASES, DAY_PLAN, write_synthetic_log
from moodc import vocab
from moodc.activity import log_to_score
from moodc.activity.phases import APP_CATEGORIES, CATEGORIES, PHASES, app_category
from moodc.activity.to_score import (
    PHASE_CONFIG, PHASE_MOOD, compress_to_music_s_per_h,
)
from moodc.config.model import Config, Score
from moodc.errors import MoodcError, UsageError

from tests.helpers import DATA as _DATA

DATA = _DATA / "activity"


@pytest.fixture()
def day_log(tmp_path: Path) -> Path:
    return write_synthetic_log(tmp_path / "day.jsonl")


def test_synthetic_day_becomes_a_valid_score_with_its_phases(day_log: Path) -> None:
    score = log_to_score(day_log)
    Score.model_validate(score)
    assert score["provenance"]["phases"] == EXPECTED_PHASES
    assert [s["name"].rsplit(" ", 1)[0] for s in score["sections"]] == \
        [p.replace("_", " ") for p in EXPECTED_PHASES]
    # default 1h=60s: each phase lasts as many seconds of music as it lasted minutes; the
    # morphs overlap neighbours (the renderer's semantics), centred on the phase boundary
    sections = score["sections"]
    assert all(s["transition"]["kind"] == "morph" for s in sections[1:])
    assert _rendered_s(score) == pytest.approx(sum(m for _, m, _ in DAY_PLAN))
    morph_s = [s["transition"]["length"] for s in sections[1:]] + [0.0]
    before_s = [0.0] + morph_s[:-1]
    for section, (_, minutes, _), a, b in zip(sections, DAY_PLAN, before_s, morph_s):
        assert section["duration"] == pytest.approx(minutes + a / 2 + b / 2)


def _rendered_s(score: dict) -> float:
    """Timeline length as the renderer lays it out: sections minus transition overlaps."""
    sections = score["sections"]
    return sum(s["duration"] for s in sections) - sum(s["transition"]["length"]
                                                      for s in sections[1:])


def test_section_notes_carry_time_range_and_evidence(day_log: Path) -> None:
    first = log_to_score(day_log)["sections"][0]
    assert first["note"].startswith("09:00–10:30 UTC+01:00: deep focus")
    assert "180 keys/min" in first["note"] and "top apps: Code 92%, firefox 8%" in first["note"]
    assert first["config"]["mode"] == "dorian"


def test_compress_scales_music_time(day_log: Path) -> None:
    score = log_to_score(day_log, compress="1h=30s")
    assert _rendered_s(score) == pytest.approx(sum(m for _, m, _ in DAY_PLAN) / 2)


def test_same_log_and_seed_give_the_same_score(day_log: Path) -> None:
    assert log_to_score(day_log, seed=3) == log_to_score(day_log, seed=3)


def test_coarser_windows_give_fewer_or_equal_sections(day_log: Path) -> None:
    fine = log_to_score(day_log, minutes_per_section=15)
    coarse = log_to_score(day_log, minutes_per_section=120)
    assert len(coarse["sections"]) <= len(fine["sections"])
    Score.model_validate(coarse)


@pytest.mark.parametrize(("text", "music_s_per_h"), [
    (None, 60.0), ("1h=30s", 30.0), ("30m=15s", 30.0), ("2h = 1min", 30.0), ("1h=1.5m", 90.0)])
def test_compress_parsing(text: str | None, music_s_per_h: float) -> None:
    assert compress_to_music_s_per_h(text) == pytest.approx(music_s_per_h)


@pytest.mark.parametrize("text", ["fast", "1h", "1d=30s", "0h=30s", "1h=-3s"])
def test_bad_compress_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="compress="):
        compress_to_music_s_per_h(text)


@pytest.mark.parametrize("minutes", [0, -5, 10_000, "30"])
def test_bad_minutes_per_section_is_rejected(day_log: Path, minutes) -> None:
    with pytest.raises(UsageError, match="minutes_per_section"):
        log_to_score(day_log, minutes_per_section=minutes)


@pytest.mark.parametrize("name", ["aw-export-dict.json", "aw-export-list.json"])
def test_activitywatch_export_becomes_a_valid_score(name: str) -> None:
    score = log_to_score(DATA / name, minutes_per_section=5)
    Score.model_validate(score)
    assert score["provenance"]["log_format"] == "activitywatch"
    phases = score["provenance"]["phases"]
    assert phases[0] == "deep_focus" and set(phases) <= set(PHASES)
    assert "top apps: code 80%, firefox 20%" in score["sections"][0]["note"]


def test_corrupt_log_names_the_line(tmp_path: Path, day_log: Path) -> None:
    lines = day_log.read_text().splitlines()
    lines[4] = "{not json"
    day_log.write_text("\n".join(lines) + "\n")
    with pytest.raises(MoodcError, match=r"day\.jsonl:5: corrupt line"):
        log_to_score(day_log)


def test_empty_log_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_text("")
    with pytest.raises(MoodcError, match="is empty"):
        log_to_score(tmp_path / "e.jsonl")


def test_torn_last_line_still_gives_a_score_and_reports_it(day_log: Path) -> None:
    with day_log.open("a") as handle:
        handle.write('{"version": 1, "start": "2026-03-')
    score = log_to_score(day_log)
    assert "torn last line" in score["provenance"]["warnings"][0]


def test_log_with_unavailable_keys_does_not_read_as_not_typing(tmp_path: Path) -> None:
    lines = []
    for line in write_synthetic_log(tmp_path / "d.jsonl").read_text().splitlines():
        record = json.loads(line)
        record.update(keys=None, corrections=None, unavailable=["corrections", "keys"])
        lines.append(json.dumps(record))
    (tmp_path / "d.jsonl").write_text("\n".join(lines) + "\n")
    score = log_to_score(tmp_path / "d.jsonl")
    assert "n/a keys/min" in score["sections"][0]["note"]
    assert score["provenance"]["phases"] == EXPECTED_PHASES  # apps and idle still decide
    Score.model_validate(score)


# --------------------------------------------------------------------------------------
# The tables: every key is walked
# --------------------------------------------------------------------------------------
def test_every_phase_has_a_valid_config_and_a_mood() -> None:
    assert set(PHASE_CONFIG) == set(PHASES) == set(PHASE_MOOD)
    for phase, fields in PHASE_CONFIG.items():
        Config.model_validate({"version": 2, **fields})
        assert fields["root"] in vocab.ROOT_SEMITONE, phase


def test_phase_keys_share_one_pitch_collection() -> None:
    """All phases use modes of the C-major collection, so morphs never clash."""
    c_major = {0, 2, 4, 5, 7, 9, 11}
    for phase, fields in PHASE_CONFIG.items():
        root = vocab.ROOT_SEMITONE[fields["root"]]
        pitches = {(root + step) % 12 for step in vocab.MODE_INTERVALS[fields["mode"]]}
        assert pitches <= c_major, phase


def test_every_app_category_is_known() -> None:
    assert set(APP_CATEGORIES.values()) <= set(CATEGORIES)
    assert (app_category("Code"), app_category("XTerm"), app_category("Slack"),
            app_category("Firefox"), app_category("Unknownapp")) == \
        ("code", "code", "communication", "browser", "other")


def test_rendered_timeline_keeps_the_compress_mapping(day_log: Path, tmp_path: Path) -> None:
    """The renderer's own timeline (no audio) lasts exactly the compressed day."""
    from moodc.score import resolve_score

    score = Score.model_validate(log_to_score(day_log, compress="1h=30s"))

    def no_files(path: Path):  # every section config is inline
        raise AssertionError(f"unexpected config file {path}")

    timeline = resolve_score(score, base_dir=tmp_path, sample_rate=8000, seed=None,
                             duration_s=None, title="day", loader=no_files)
    day_minutes = sum(m for _, m, _ in DAY_PLAN)
    assert timeline.n_samples / 8000 == pytest.approx(day_minutes / 2, abs=0.01)
