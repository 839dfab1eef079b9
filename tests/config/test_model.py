"""The V2 model: schema files in sync, cross-field rules, defaults and the vocabulary tables."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from moodc import vocab
from moodc.config.model import Config, Score
from moodc.config.schema import (generate_schema, load_schema, repo_schema_path,
                                 schema_path, schema_text)


@pytest.mark.parametrize("kind", ["config", "score"])
@pytest.mark.parametrize("copy", ["package", "repo"])
def test_checked_in_schema_matches_the_model(kind: str, copy: str) -> None:
    # Both copies are generated artifacts: moodc/schemas/ is what validate reads at run time,
    # schemas/ at the repo root is what the examples' editor header points at.
    expected = schema_text(generate_schema(kind))
    path = schema_path(kind) if copy == "package" else repo_schema_path(kind)
    assert path.is_file(), f"{path} is missing: regenerate with python -m moodc.config.schema"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path} is stale: regenerate both copies with python -m moodc.config.schema")


@pytest.mark.parametrize("kind", ["config", "score"])
def test_schema_has_a_stable_id_and_a_title(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$id"] == f"https://moodc.dev/schemas/v2/{kind}.schema.json"
    assert schema["title"] == kind.capitalize()


def test_version_is_required() -> None:
    with pytest.raises(ValidationError, match="version"):
        Config.model_validate({"tempo": "slow"})
    with pytest.raises(ValidationError):
        Config.model_validate({"version": 1})


def test_unknown_keys_are_rejected() -> None:
    with pytest.raises(ValidationError, match="tempoo"):
        Config.model_validate({"version": 2, "tempoo": "slow"})


def test_register_rule_has_a_clear_message() -> None:
    with pytest.raises(ValidationError, match="register_low=6 is above register_high=3"):
        Config.model_validate({"version": 2,
                               "composition": {"register_low": 6, "register_high": 3}})


def test_score_transition_must_fit() -> None:
    doc = {"version": 2, "sections": [
        {"duration": 4, "config": {"tempo": "slow"}},
        {"duration": 2, "config": {"tempo": "fast"}, "transition": {"length": 3}}]}
    with pytest.raises(ValidationError, match="transition length 3 s"):
        Score.model_validate(doc)


def test_defaults_fill_a_full_config() -> None:
    config = Config.model_validate({"version": 2}).model_dump()
    for field in ("tempo", "brightness", "space", "echo", "motion", "stereo", "human"):
        assert config[field] in vocab.ORDINAL_LABELS[field]
    assert set(config["layers"]) == set(vocab.LAYERS)
    for field in vocab.COMPOSITION_ORDINALS:
        assert config["composition"][field] in vocab.ORDINAL_LABELS[field]


def test_every_ordinal_field_has_five_labels_and_a_full_table() -> None:
    assert set(vocab.ORDINAL_TABLES) == set(vocab.ORDINAL_LABELS)
    for field, labels in vocab.ORDINAL_LABELS.items():
        assert len(labels) == 5 and len(set(labels)) == 5, field
        for table in vocab.ORDINAL_TABLES[field]:
            assert list(table) == list(labels), f"{field}: table keys must follow label order"


@pytest.mark.parametrize("table", [vocab.TEMPO_BPM, vocab.BRIGHTNESS_CUTOFF_SCALE,
                                   vocab.SPACE_RT60_S, vocab.ECHO_FEEDBACK,
                                   vocab.MOTION_LFO_HZ, vocab.STEREO_WIDTH,
                                   vocab.HUMAN_TIMING_MS, vocab.MELODY_DENSITY_PROB])
def test_ordinal_tables_increase_with_the_label(table: dict[str, float]) -> None:
    values = list(table.values())
    assert values == sorted(values) and len(set(values)) == len(values)


def test_modes_are_scales_from_the_root() -> None:
    assert len(vocab.MODE_INTERVALS) >= 17  # the spec's list, and the regional modes after it
    for mode, intervals in vocab.MODE_INTERVALS.items():
        assert intervals[0] == 0 and list(intervals) == sorted(set(intervals)), mode
        assert all(0 <= i < 12 for i in intervals), mode


@pytest.mark.parametrize("mode", sorted(vocab.MODE_CENTS))
def test_tuned_modes_plan_on_their_nearest_semitones(mode: str) -> None:
    """A mode in cents (gamelan) has one cents value per planned semitone, rising from the
    root, each within half a semitone of the semitone the planners use for it."""
    cents, semitones = vocab.MODE_CENTS[mode], vocab.MODE_INTERVALS[mode]
    assert len(cents) == len(semitones) and cents[0] == 0.0
    assert list(cents) == sorted(set(cents)) and cents[-1] < 1200.0
    for c, semitone in zip(cents, semitones):
        assert abs(c - 100.0 * semitone) <= 50.0, (mode, c, semitone)


def test_schema_enums_come_from_the_vocabulary() -> None:
    schema = load_schema("config")
    assert schema["properties"]["mode"]["enum"] == list(vocab.MODE_INTERVALS)
    rhythm = schema["$defs"]["Layers"]["properties"]["rhythm"]["enum"]
    for style in ("chiptune", "four_on_floor", "waltz", "march", "bossa", "maqsum",
                  "baladi", "teental", "dhol", "taiko", "flamenco", "tango", "oompah",
                  "one_drop", "bulgar"):
        assert style in rhythm


def test_a_partial_dict_drives_the_synth_like_the_full_config_it_stands_for() -> None:
    # The synth accepts partial dicts: an omitted field must mean the model's default.
    from moodc.synth.controls import fields_to_controls

    partial = {"tempo": "fast", "composition": {"swing": "heavy"}}
    full = Config.model_validate({"version": 2, **partial}).model_dump()
    assert fields_to_controls(partial) == fields_to_controls(full)
    assert fields_to_controls({}) == fields_to_controls(
        Config.model_validate({"version": 2}).model_dump())
