"""Shared test helpers: repository paths, a stand-in synth and a synthetic working day.

Import them as ``from tests.helpers import ROOT`` (``tests`` is a package, so pytest puts the
repository root on ``sys.path``); never ``import conftest``.
"""

from __future__ import annotations

import importlib
import subprocess
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


def fresh_python(code: str) -> str:
    """What ``code`` prints (stripped) when run by a new interpreter: for what a fresh
    process imports or pays, which this test process has already loaded."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()
