"""A full disk and a read-only file system, for real: a tiny tmpfs mounted for the test.

Every writing command must end with one line and exit 2, leave no ``.part`` behind and not
touch what was there. Mounting needs root (CI runs as root); a machine that forbids mounts
even to root cannot run these, and says so.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES

pytestmark = pytest.mark.slow


def _mount(point: Path, options: str) -> None:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        if os.geteuid() != 0 or "permission denied" in done.stderr.lower():
            pytest.skip(f"this machine does not allow mounting a tmpfs: {done.stderr.strip()}")
        pytest.fail(f"mount failed: {done.stderr}")


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A mounted 64 KiB tmpfs, filled to the last block but for a few bytes."""
    point = tmp_path / "disk"
    point.mkdir()
    _mount(point, "size=64k")
    try:
        with open(point / "filler", "wb") as handle:
            try:
                handle.write(b"\0" * 128 * 1024)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    point = tmp_path / "ro"
    point.mkdir()
    _mount(point, "size=64k,ro")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def _moodc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "moodc.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def _one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("moodc: error:")]
    assert len(errors) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "filler")


COMMANDS = {
    "render": ["render", str(EXAMPLES / "calm-ambient.yaml"), "--duration", "4"],
    "gen": ["gen", "rainy night", "--engine", "concepts"],
    "tween": ["tween", str(EXAMPLES / "calm-ambient.yaml"), str(EXAMPLES / "lofi-study.yaml")],
}
OUTPUTS = {"render": "out.flac", "gen": "out.yaml", "tween": "out.yaml"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_full_disk_is_one_line_and_leaves_nothing(name: str, full_disk: Path,
                                                    tmp_path: Path) -> None:
    done = _moodc(*COMMANDS[name], "-o", str(full_disk / OUTPUTS[name]), cwd=tmp_path)
    _one_line_error(done, "No space left on device")
    assert _leftovers(full_disk) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_read_only_file_system_is_one_line(name: str, read_only: Path,
                                             tmp_path: Path) -> None:
    done = _moodc(*COMMANDS[name], "-o", str(read_only / OUTPUTS[name]), cwd=tmp_path)
    _one_line_error(done, "Read-only file system")
    assert list(read_only.iterdir()) == []


def test_record_on_a_full_disk_is_one_line(full_disk: Path, tmp_path: Path) -> None:
    script = tmp_path / "script.json"
    script.write_text('{"events": []}')
    done = _moodc("record", "--backend", "replay", "--replay", str(script), "--duration", "1",
                  "--interval", "0.5", "-o", str(full_disk / "day.jsonl"), cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "No space left on device" in done.stderr
