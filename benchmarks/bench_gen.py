"""Benchmark ``moodc gen``: cold/warm latency per prompt, load time, BLAS speed.

Usage::

    python benchmarks/bench_gen.py [--prompts 5] [--cold 3] [--json] [--convert]

``--convert`` also times a fresh GGUF → mlx-lm conversion into a temporary cache. The CPU
is often shared: the report prints the load average next to the timings.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=5, help="warm prompts per schedule")
    parser.add_argument("--cold", type=int, default=3, help="fresh processes to time")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--convert", action="store_true", help="also time a fresh conversion")
    args = parser.parse_args(argv)

    from moodc.gen.blas import preload_openblas

    preload_openblas()
    from moodc.gen.bench import format_report, measure

    conversion_s = None
    if args.convert:
        from pathlib import Path

        from moodc.gen.convert import ensure_model

        with tempfile.TemporaryDirectory() as root:
            start = time.perf_counter()
            ensure_model(root=Path(root))
            conversion_s = time.perf_counter() - start
    report = measure(args.prompts, n_cold=args.cold)
    if conversion_s is not None:
        report["fresh_conversion_s"] = conversion_s
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(format_report(report))
        if conversion_s is not None:
            print(f"fresh conversion (GGUF → mlx-lm dir, incl. sha256): {conversion_s:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
