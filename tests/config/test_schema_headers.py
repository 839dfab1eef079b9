"""Every example names its JSON Schema on line 1, so an editor validates it as you type."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from moodc.config.io import parse_document
from moodc.config.schema import repo_schema_path
from tests.helpers import EXAMPLES

HEADER = re.compile(r"^# yaml-language-server: \$schema=(?P<target>\S+)$")
EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 20


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_header_points_at_the_schema_of_its_kind(path: Path) -> None:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = HEADER.match(first_line)
    assert match, f"{path}: line 1 must be '# yaml-language-server: $schema=...', not {first_line!r}"
    parsed, diagnostics = parse_document(path)
    assert parsed is not None, diagnostics
    expected = repo_schema_path(parsed.kind)
    target = (path.parent / match["target"]).resolve()
    assert target == expected.resolve(), (
        f"{path}: a {parsed.kind} must point at "
        f"{Path(os.path.relpath(expected, path.parent)).as_posix()}, not {match['target']}")
    assert target.is_file()
