"""``moodc tween``: stdout/-o/--steps output validates; bad input is one line, exit 2/1, no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from moodc.cli import cli
from moodc.config.load import load_document
from moodc.config.model import Config, Score
from moodc.tween import musical_fields

CALM = """\
version: 2
title: calm
tempo: slow
mode: major
space: large
density: 3
"""
ARABIAN = """\
version: 2
title: arabian nights
tempo: medium
root: d
mode: phrygian_dominant
bpm: 96
layers: {rhythm: maqsum, pad: tanpura}
instruments: {lead: oud}
"""
STORM = """\
version: 2
tempo: very_fast
mode: locrian
brightness: very_dark
duration: 40
"""
INVALID = """\
version: 2
tempo: quick
"""
SCORE = """\
version: 2
sections:
  - duration: 10
    config: {tempo: slow}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    texts = {"calm": CALM, "arabian": ARABIAN, "storm": STORM, "invalid": INVALID,
             "score": SCORE}
    paths = {}
    for name, text in texts.items():
        paths[name] = tmp_path / f"{name}.yaml"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _run(*args: object) -> object:
    return CliRunner().invoke(cli, ["tween", *map(str, args)])


def _yaml(text: str) -> dict:
    return YAML(typ="safe").load(text)


# --------------------------------------------------------------------------------------
# Good input
# --------------------------------------------------------------------------------------

def test_prints_a_valid_config_with_provenance_comment(files: dict[str, Path]) -> None:
    result = _run(files["calm"], files["arabian"], "--weights", "1,3")
    assert result.exit_code == 0, result.output
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith("# moodc tween: 0.25 × ") and first_line.endswith("(seed 0)")
    config = Config.model_validate(_yaml(result.stdout))
    assert config.title == "calm × arabian nights"
    assert config.provenance == {"tool": "tween", "weights": [0.25, 0.75], "seed": 0,
                                 "sources": [str(files["calm"]), str(files["arabian"])]}
    assert config.seed is None


def test_seed_is_reproducible_recorded_and_order_free(files: dict[str, Path]) -> None:
    args = ["--weights", "0.2,0.3,0.5", "--seed", "41"]
    one = _run(files["calm"], files["arabian"], files["storm"], *args)
    two = _run(files["calm"], files["arabian"], files["storm"], *args)
    assert one.exit_code == 0 and one.stdout == two.stdout
    config = Config.model_validate(_yaml(one.stdout))
    assert config.seed == 41
    swapped = _run(files["storm"], files["calm"], files["arabian"],
                   "--weights", "0.5,0.2,0.3", "--seed", "41")
    assert musical_fields(Config.model_validate(_yaml(swapped.stdout))) == musical_fields(config)


def test_output_file_is_written_once_and_force_overwrites(files: dict[str, Path],
                                                          tmp_path: Path) -> None:
    out = tmp_path / "blend.yaml"
    assert _run(files["calm"], files["storm"], "-o", out).exit_code == 0
    assert isinstance(load_document(out), Config)
    before = out.read_text()
    refused = _run(files["calm"], files["storm"], "--seed", "9", "-o", out)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text() == before
    assert _run(files["calm"], files["storm"], "--seed", "9", "-o", out, "--force").exit_code == 0
    assert load_document(out).seed == 9


def test_json_sources_are_accepted(files: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "storm.json"
    source.write_text(json.dumps(_yaml(STORM)), encoding="utf-8")
    result = _run(files["calm"], source, "--weights", "0,1")
    assert result.exit_code == 0, result.output
    assert Config.model_validate(_yaml(result.stdout)).mode == "locrian"


def test_json_output_by_suffix_or_flag(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "blend.json"
    assert _run(files["calm"], files["storm"], "-o", out).exit_code == 0
    assert Config.model_validate(json.loads(out.read_text())).version == 2
    printed = _run(files["calm"], files["storm"], "--format", "json")
    assert Config.model_validate(json.loads(printed.stdout)).provenance["tool"] == "tween"


def test_steps_writes_a_valid_morph_score(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "morph.yaml"
    result = _run(files["calm"], files["arabian"], files["storm"], "--steps", "5",
                  "--section-duration", "30", "-o", out)
    assert result.exit_code == 0, result.output
    score = load_document(out)
    assert isinstance(score, Score)
    assert len(score.sections) == 5
    assert all(s.duration == 30 for s in score.sections)
    assert [s.transition.kind for s in score.sections[1:]] == ["morph"] * 4
    assert score.sections[0].name == "calm" and score.sections[2].name == "arabian nights"
    assert score.sections[2].config.mode == "phrygian_dominant"
    assert out.read_text().startswith("# moodc tween --steps 5: ")


# --------------------------------------------------------------------------------------
# Bad input: one line (plus hint), exit 2 for usage, 1 for an invalid document, no output
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("names, extra, fragment", [
    (["calm"], [], "at least 2 source configs"),
    (["calm", "missing"], [], "no such file"),
    (["calm", "storm"], ["--weights", "1"], "--weights: got 1 weights for 2 sources"),
    (["calm", "storm"], ["--weights", "1,-2"], "--weights: weight -2.0 is negative"),
    (["calm", "storm"], ["--weights", "0,0"], "--weights: weights sum to zero"),
    (["calm", "storm"], ["--weights", "1,nan"], "--weights: weight nan is not finite"),
    (["calm", "storm"], ["--weights", "1,heavy"], "--weights: 'heavy' is not a number"),
    (["calm", "storm"], ["--weights", "1_0,2"], "--weights: '1_0' is not a number"),
    (["calm", "score"], [], "is a score"),
    (["calm", "storm"], ["--steps", "3", "--weights", "1,1"], "--weights does not apply"),
    (["calm", "storm"], ["--steps", "3", "--section-duration", "0.1"], "section duration"),
    (["calm", "storm"], ["--steps", "3", "--section-duration", "nan"], "section duration"),
    (["calm", "storm"], ["--steps", "501"], "from 2 to 500"),
])
def test_usage_errors_exit_2_and_write_nothing(files: dict[str, Path], tmp_path: Path,
                                               names: list[str], extra: list[str],
                                               fragment: str) -> None:
    out = tmp_path / "out.yaml"
    paths = [files.get(n, tmp_path / f"{n}.yaml") for n in names]
    result = _run(*paths, *extra, "-o", out)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr
    assert result.stderr.startswith("moodc: error: ") and "Traceback" not in result.output
    assert not out.exists()


def test_click_level_usage_errors(files: dict[str, Path]) -> None:
    assert _run(files["calm"], files["storm"], "--steps", "1").exit_code == 2
    assert _run(files["calm"], files["storm"], "--seed", "-3").exit_code == 2


def test_invalid_source_prints_its_diagnostics_and_exits_1(files: dict[str, Path],
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out.yaml"
    result = _run(files["calm"], files["invalid"], "-o", out)
    assert result.exit_code == 1
    assert f"{files['invalid']}:2:" in result.stderr and "quick" in result.stderr
    assert "moodc: error: " in result.stderr
    assert not out.exists()


def test_tween_help_imports_no_numpy() -> None:
    import subprocess
    import sys

    code = ("import sys\nfrom click.testing import CliRunner\nfrom moodc.cli import cli\n"
            "CliRunner().invoke(cli, ['tween', '--help'])\n"
            "print(sorted(m for m in ('numpy', 'scipy', 'pydantic') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr
