"""Shared fixtures: paths of the repository's examples and test data (see :mod:`tests.helpers`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import DATA, EXAMPLES


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def data_dir() -> Path:
    return DATA
