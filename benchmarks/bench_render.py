"""Render benchmark: ``python benchmarks/bench_render.py [--quick] [--format json]``.

The same figures as ``moodc bench`` (this script only forwards to it), kept here so the
benchmark can be found next to the code and run without the console script installed.
"""

from __future__ import annotations

import sys

from moodc.cli import cli

if __name__ == "__main__":
    cli(["bench", *sys.argv[1:]], prog_name="moodc")
