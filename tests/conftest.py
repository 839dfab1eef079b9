"""Shared fixtures: paths of the repository's examples and test data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def data_dir() -> Path:
    return DATA
