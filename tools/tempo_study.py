"""Render every example at every tempo label and measure it with librosa (issue 14).

    python tools/tempo_study.py > table.md
    python tools/tempo_study.py --only dark-cellar --mute texture --mute pad

Prints the markdown table of docs/palettes.md ("Tempo you feel"): per example and tempo
label, librosa's onsets per second and beat-tracked tempo. The renders and the measures are
those of the slow test ``tests/synth/test_tempo_feel.py`` (``tests/helpers/tempo.py``).
``--only`` measures some examples (``NAME`` or ``palettes/NAME``, as in the table's first
column), for the rows of the examples a change moved. ``--mute`` silences a layer in every
config first: which layer makes the onsets the detector counts (a table with a layer muted
is a diagnosis, never the document's table).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the shared helpers live in the tests package

from moodc import vocab  # noqa: E402
from tests.helpers.tempo import EXAMPLE_PATHS, example_name, markdown_table, tempo_row  # noqa: E402


def _selected(only: list[str]) -> list[Path]:
    """The example paths named by ``only`` (all when empty), in the table's order."""
    by_name = {example_name(path): path for path in EXAMPLE_PATHS}
    unknown = sorted(set(only) - set(by_name))
    if unknown:
        raise SystemExit(f"unknown example(s) {', '.join(unknown)}: use a name of the "
                         f"table's first column, one of {', '.join(by_name)}")
    return [path for name, path in by_name.items() if not only or name in only]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="measure only this example (repeatable)")
    parser.add_argument("--mute", action="append", default=[], choices=vocab.LAYERS,
                        help="silence this layer in every config first (repeatable)")
    args = parser.parse_args(argv)
    muted = tuple(args.mute)
    print(markdown_table({example_name(path): tempo_row(path, muted=muted)
                          for path in _selected(args.only)}))


if __name__ == "__main__":
    main()
