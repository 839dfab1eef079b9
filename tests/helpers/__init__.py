"""Shared test helpers: repository paths, a stand-in synth and a synthetic working day.

Import them as ``from tests.helpers import ROOT`` (``tests`` is a package, so pytest puts the
repository root on ``sys.path``); never ``import conftest``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

#: The repository checkout.
ROOT = Path(__file__).resolve().parents[2]
#: The example documents shipped in the repository.
EXAMPLES = ROOT / "examples"
#: Test inputs (bad documents, activity exports).
DATA = ROOT / "tests" / "data"


def import_tool(name: str) -> ModuleType:
    """Import the script ``tools/<name>.py`` as a module (``tools`` is not a package)."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.pop(0)
