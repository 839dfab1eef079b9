"""``moodc validate``: every diagnostic the foundation issue lists, with lines, columns and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from moodc.cli import cli

from tests.helpers import DATA

BAD = DATA / "validate"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run ``moodc`` in-process from ``cwd``; returns (exit code, stdout, stderr)."""
    runner = CliRunner()
    with _chdir(cwd or Path.cwd()):
        result = runner.invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


class _chdir:
    def __init__(self, path: Path) -> None:
        self.path, self.old = path, Path.cwd()

    def __enter__(self) -> None:
        import os

        os.chdir(self.path)

    def __exit__(self, *exc: object) -> None:
        import os

        os.chdir(self.old)


def findings(name: str) -> list[dict]:
    """The JSON diagnostics for one bad file (run from its folder, so paths are bare names)."""
    code, out, _ = run("validate", "--format", "json", name, cwd=BAD)
    assert code == 1, out
    return json.loads(out)


def where(diags: list[dict]) -> list[tuple[int, int, str]]:
    return [(d["line"], d["column"], d["code"]) for d in diags]


def test_examples_are_valid(examples_dir: Path) -> None:
    code, out, _ = run("validate", str(examples_dir))
    assert code == 0
    assert "valid" in out


def test_every_error_in_a_file_is_reported_at_its_key_or_value() -> None:
    diags = findings("typos.yaml")
    assert where(diags) == [
        (2, 1, "unknown-key"),      # `tempoo:` — the key itself
        (3, 8, "invalid-value"),    # `fastt` — the value
        (4, 7, "invalid-value"),    # `Minor`
        (5, 10, "out-of-range"),    # density 9
        (8, 3, "unknown-key"),      # `padd:` inside layers: the key, not its parent
        (10, 17, "cross-field"),    # register_low 6 > register_high 3
    ]
    hints = [d["hint"] for d in diags]
    assert "did you mean `tempo`?" in hints
    assert "did you mean `fast`?" in hints
    assert "did you mean `minor`?" in hints
    assert "did you mean `pad`?" in hints


def test_text_format_is_compiler_style() -> None:
    code, out, _ = run("validate", "typos.yaml", cwd=BAD)
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "typos.yaml:2:1: error[unknown-key]: unknown key 'tempoo'"
    assert lines[1] == "  = hint: did you mean `tempo`?"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate.yaml", [(3, 1, "duplicate-key")]),
        ("syntax.yaml", [(2, 8, "syntax")]),
        ("empty.yaml", [(1, 1, "empty")]),
        ("comment-only.yaml", [(1, 1, "empty")]),
        ("toplevel-list.yaml", [(1, 1, "not-mapping")]),
        ("not-utf8.yaml", [(1, 1, "encoding")]),
        ("binary.yaml", [(1, 1, "binary")]),
        ("wrong-version.yaml", [(1, 10, "version")]),
        ("alias-bomb.yaml", [(1, 1, "alias-bomb")]),
        ("wrong.json", [(4, 3, "unknown-key"), (5, 14, "type")]),
        ("trailing-comma.json", [(4, 1, "syntax")]),
        ("wrong-type.yaml", [(2, 9, "type")]),
        ("self-score.yaml", [(4, 13, "missing-file"), (6, 13, "self-reference")]),
        ("inline-score.yaml", [(6, 14, "invalid-value"), (8, 39, "cross-field")]),
    ],
)
def test_bad_documents_get_one_precise_diagnostic_each(name: str, expected: list) -> None:
    assert where(findings(name)) == expected


def test_missing_version_points_at_the_document(tmp_path: Path) -> None:
    (tmp_path / "noversion.yaml").write_text("tempo: slow\n")
    code, out, _ = run("validate", "--format", "json", "noversion.yaml", cwd=tmp_path)
    assert code == 1
    [diag] = json.loads(out)
    assert (diag["code"], diag["line"]) == ("version", 1)
    assert "version: 2" in diag["hint"]


def test_json_output_fields() -> None:
    diag = findings("wrong-version.yaml")[0]
    assert set(diag) == {"file", "line", "column", "code", "message", "hint", "severity"}
    assert diag["file"] == "wrong-version.yaml"


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = run("validate", "nope.yaml", cwd=tmp_path)
    assert code == 2
    assert "nope.yaml: no such file" in err
    assert "Traceback" not in out + err


def test_missing_file_wins_over_findings(tmp_path: Path) -> None:
    shutil.copy(BAD / "typos.yaml", tmp_path)
    code, _, _ = run("validate", "typos.yaml", "nope.yaml", cwd=tmp_path)
    assert code == 2


def test_no_arguments_is_a_usage_error() -> None:
    code, _, _ = run("validate")
    assert code == 2


def test_score_pointing_at_another_score(tmp_path: Path) -> None:
    (tmp_path / "inner.yaml").write_text("version: 2\nsections:\n  - duration: 3\n"
                                          "    config: {tempo: slow}\n")
    (tmp_path / "outer.yaml").write_text("version: 2\nsections:\n  - duration: 3\n"
                                          "    config: inner.yaml\n")
    code, out, _ = run("validate", "--format", "json", "outer.yaml", cwd=tmp_path)
    assert code == 1
    assert [d["code"] for d in json.loads(out)] == ["not-a-config"]


def test_invalid_referenced_config_is_reported_in_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "part.yaml").write_text("version: 2\ntempo: warp\n")
    (tmp_path / "score.yaml").write_text("version: 2\nsections:\n  - duration: 3\n"
                                          "    config: part.yaml\n")
    code, out, _ = run("validate", "--format", "json", "score.yaml", cwd=tmp_path)
    assert code == 1
    [diag] = json.loads(out)
    assert (diag["file"], diag["line"], diag["code"]) == ("part.yaml", 2, "invalid-value")


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("version: 2\n" + "# padding\n" * 400_000)
    started = time.perf_counter()
    code, out, _ = run("validate", "--format", "json", "big.yaml", cwd=tmp_path)
    assert code == 1
    assert json.loads(out)[0]["code"] == "too-large"
    assert time.perf_counter() - started < 5


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.perf_counter()
    findings("alias-bomb.yaml")
    assert time.perf_counter() - started < 5


def test_directory_argument_expands(tmp_path: Path, examples_dir: Path) -> None:
    shutil.copytree(examples_dir, tmp_path / "ex")
    shutil.copy(BAD / "typos.yaml", tmp_path / "ex")
    code, out, _ = run("validate", "--format", "json", "ex", cwd=tmp_path)
    assert code == 1
    assert {Path(d["file"]).name for d in json.loads(out)} == {"typos.yaml"}


def test_no_traceback_from_a_real_process() -> None:
    proc = subprocess.run([sys.executable, "-m", "moodc.cli", "validate", str(BAD)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_folder_without_documents_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run("validate", "empty", cwd=tmp_path)
    assert code == 2
    assert "no .yaml, .yml or .json documents" in err
