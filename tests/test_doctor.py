"""``moodc doctor`` reports what moodc really uses: core libraries, and ffmpeg for mp3."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from moodc.commands import doctor
from tests.helpers import ROOT


def _runtime_imports() -> set[str]:
    """Top-level module names imported anywhere in moodc/ (at any depth of a function)."""
    names: set[str] = set()
    for path in (ROOT / "moodc").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_core_check_lists_only_what_moodc_imports() -> None:
    imported = _runtime_imports()
    assert "pyloudnorm" not in imported  # the tests' reference meter, not a render need
    assert "pyloudnorm" not in doctor.CORE_MODULES
    for module in doctor.CORE_MODULES:
        assert module.split(".")[0] in imported, module


def test_pyloudnorm_is_a_test_dependency_only() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    test_extra = text.split("\ntest = [", 1)[1].split("]", 1)[0]
    assert "pyloudnorm" not in dependencies and "pyloudnorm" in test_extra


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_ffmpeg_check_names_mp3_and_the_encoder() -> None:
    [finding] = doctor.check_ffmpeg()
    assert finding.status == "ok" and "libmp3lame" in finding.detail
    assert "mp3 export" in finding.detail and "ogg" not in finding.detail


def test_missing_ffmpeg_is_a_warning_with_the_install_command(monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    from pydub import AudioSegment

    monkeypatch.setattr(AudioSegment, "converter", "no-such-ffmpeg-here")
    [finding] = doctor.check_ffmpeg()
    assert finding.status == "warn" and "mp3 export unavailable" in finding.detail
    assert finding.fix is not None and "apt install ffmpeg" in finding.fix


def test_ffmpeg_without_lame_is_a_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\necho ' A..... aac   AAC (Advanced Audio Coding)'\n")
    fake.chmod(0o755)
    from pydub import AudioSegment

    monkeypatch.setattr(AudioSegment, "converter", str(fake))
    [finding] = doctor.check_ffmpeg()
    assert finding.status == "warn" and "no libmp3lame" in finding.detail
