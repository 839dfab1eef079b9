"""Render every example at every tempo label and measure it with librosa (issue 14).

    python tools/tempo_study.py > table.md

Prints the markdown table of docs/palettes.md ("Tempo you feel"): per example and tempo
label, librosa's onsets per second and beat-tracked tempo. The renders and the measures are
those of the slow test ``tests/synth/test_tempo_feel.py`` (``tests/helpers/tempo.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared helpers live in the tests package

from tests.helpers.tempo import EXAMPLE_PATHS, example_name, markdown_table, tempo_row  # noqa: E402

if __name__ == "__main__":
    print(markdown_table({example_name(path): tempo_row(path) for path in EXAMPLE_PATHS}))
