"""tools/scene_audit.py shows the label a scene really trains, so an audit can trust it."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import import_tool


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    return import_tool("scene_audit")


@pytest.fixture(scope="module")
def lookup(audit: ModuleType) -> dict[str, dict[str, Any]]:
    return audit.make_data.concept_lookup(audit.make_data.concept_rows())


def _scene_file(tmp_path: Path, scenes: list[dict[str, Any]]) -> Path:
    path = tmp_path / "scenes.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in scenes) + "\n", encoding="utf-8")
    return path


def test_audited_label_is_the_trained_config(audit: ModuleType, lookup: dict[str, Any],
                                             tmp_path: Path) -> None:
    """The config the audit prints is the one make_data writes into train.jsonl; an audit
    of any other config would tune labels the head never sees."""
    path = _scene_file(tmp_path, [
        {"prompt": "a lighthouse keeper alone on a winter night",
         "mix": [["lighthouse", 0.6], ["winter", 0.2], ["lonely", 0.2]],
         "mods": ["dark", "spacious"]}])
    [(number, scene)] = audit.audited_scenes(path, lookup=lookup)
    trained = audit.make_data.scene_examples(scene)[0]["config"]
    assert number == 1
    assert audit.scene_config(scene) == trained
    assert trained["brightness"] in ("dark", "very_dark")
    assert trained["space"] in ("large", "vast")


def test_summary_counts_medium_per_field(audit: ModuleType) -> None:
    """The before/after figure of issue #13 is the share of scenes left at medium."""
    configs = [{"tempo": "medium", "brightness": "dark", "space": "medium"},
               {"tempo": "fast", "brightness": "medium", "space": "medium"},
               {"tempo": "slow", "brightness": "bright", "space": "small"},
               {"tempo": "medium", "brightness": "medium", "space": "vast"}]
    assert audit.medium_shares(configs) == {"tempo": 0.5, "brightness": 0.5, "space": 0.5}


def test_cli_prints_file_line_prompt_and_label(audit: ModuleType, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = _scene_file(tmp_path, [
        {"prompt": "sunrise over a quiet lake", "mix": [["lake", 0.6], ["sunrise", 0.4]],
         "mods": ["bright"]},
        {"prompt": "panic in a crowded subway", "mix": [["anxious", 0.7], ["subway", 0.3]],
         "mods": ["fast"]}])
    assert audit.main([str(path), "--from", "2", "--to", "2"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    place, prompt, label, _mix, mods = line.split(" | ")
    assert (place, prompt, mods) == ("scenes.jsonl:2", "panic in a crowded subway", "['fast']")
    assert label.split()[0] in ("fast", "very_fast")
