"""tools/check_scenes.py: every shipped scene line is usable, and a bad line is named."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import ROOT, import_tool

SCENES_DIR = ROOT / "tools" / "scenes"


@pytest.fixture(scope="module")
def checker() -> ModuleType:
    return import_tool("check_scenes")


def _write(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
                    encoding="utf-8")
    return path


def test_shipped_scenes_are_all_valid(checker: ModuleType) -> None:
    """Every committed scene names library concepts, sums to 1, uses real modifiers, is
    unique across files and leaks no held-out test word (else the training set breaks)."""
    paths = sorted(SCENES_DIR.glob("*.jsonl"))
    assert paths, "no scene files shipped"
    problems = checker.check_files(paths, heldout=checker.load_heldout_words(),
                                   held_concepts=checker.load_heldout_concepts())
    assert not problems, checker.render_text(problems[:20])


def test_each_kind_of_bad_line_is_named_with_file_and_line(checker: ModuleType,
                                                         tmp_path: Path) -> None:
    good = {"prompt": "steam off a mug on a cold sill", "mix": [["morning", 0.6], ["cozy", 0.4]]}
    first = _write(tmp_path / "a.jsonl", [
        good,
        {"prompt": "x", "mix": [["rain", 1.0]]},                                  # 2: length
        {"prompt": "a wet night out", "mix": [["rain", 0.5], ["night", 0.4]]},    # 3: weights
        {"prompt": "a wet night in", "mix": [["no such concept", 1.0]]},          # 4: concept
        {"prompt": "a wet night on", "mix": [["rain", 1.0]], "mods": ["loud"]},   # 5: mods
        {"prompt": "sweating at the gym", "mix": [["workout", 1.0]]},             # 6: heldout
        "{not json",                                                              # 7: json
    ])
    second = _write(tmp_path / "b.jsonl", [{**good, "prompt": "Steam off a  mug on a cold sill"}])
    problems = checker.check_files([first, second], heldout=frozenset({"gym"}))
    found = {(Path(p.path).name, p.line, p.code) for p in problems}
    assert found == {("a.jsonl", 2, "length"), ("a.jsonl", 3, "weights"),
                     ("a.jsonl", 4, "concept"), ("a.jsonl", 5, "mods"),
                     ("a.jsonl", 6, "heldout"), ("a.jsonl", 7, "json"),
                     ("b.jsonl", 1, "duplicate")}
    text = checker.render_text(problems)
    assert f"{first}:3: error[weights]: weights sum to 0.9" in text
    assert "a.jsonl:1" in text  # the duplicate says where the prompt was first written


def test_a_group_is_one_scene_with_one_mix(checker: ModuleType, tmp_path: Path) -> None:
    """Wordings of one scene share its config; a wording with another mix is named."""
    mix = [["rain", 0.6], ["night", 0.4]]
    path = _write(tmp_path / "g.jsonl", [
        {"group": "wet-night", "prompt": "a wet night", "mix": mix},
        {"group": "wet-night", "prompt": "drizzle on the pavements after dark", "mix": mix},
        {"group": "wet-night", "prompt": "the streetlamps weep", "mix": mix, "mods": ["slow"]},
        {"group": "other", "prompt": "a wet morning", "mix": [["rain", 1.0]]},
    ])
    problems = checker.check_files([path], heldout=frozenset())
    assert [(p.line, p.code) for p in problems] == [(3, "group")]
    assert "g.jsonl:1" in problems[0].message


def test_a_held_out_concept_in_a_mix_is_named(checker: ModuleType, tmp_path: Path) -> None:
    """make_data drops a scene blending a test-only concept; the author hears of it here."""
    path = _write(tmp_path / "h.jsonl", [
        {"prompt": "a lantern festival night", "mix": [["carnival", 0.6], ["night", 0.4]]},
        {"prompt": "an eagle over the ridge", "mix": [["eagle", 0.5], ["mountain", 0.5]]},
    ])
    problems = checker.check_files([path], heldout=frozenset(),
                                   held_concepts=frozenset({"eagle"}))
    assert [(p.line, p.code) for p in problems] == [(2, "heldout")]
    assert "'eagle'" in problems[0].message
    assert "eagle" in checker.load_heldout_concepts()  # the shipped list is read


def test_long_file_needs_fifteen_words(checker: ModuleType, tmp_path: Path) -> None:
    path = _write(tmp_path / "long.jsonl",
                  [{"prompt": "a short scene in a long file", "mix": [["city", 1.0]]}])
    assert [p.code for p in checker.check_files([path], heldout=frozenset())] == ["length"]


def test_exit_codes(checker: ModuleType, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    clean = _write(tmp_path / "ok.jsonl", [{"prompt": "rain on a zinc roof", "mix": [["rain", 1]]}])
    bad = _write(tmp_path / "bad.jsonl", [{"prompt": "rain on a roof", "mix": [["rain", 2]]}])
    assert checker.main([str(clean)]) == 0
    assert capsys.readouterr().out == ""
    assert checker.main([str(bad)]) == 1
    assert "bad.jsonl:1: error[weights]" in capsys.readouterr().out
    assert checker.main([]) == 2
