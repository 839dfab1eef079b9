"""Render and gen speed and memory on this machine, next to the targets (``moodc bench``).

Every figure is measured the way a user meets it: whole processes where start-up counts
(``moodc --help``, a 60 s render), in-process render time where it does not (realtime factor),
and a separate process's own peak RSS for the long render.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from moodc.errors import MoodcError, UsageError

#: Targets from the issue: (label, unit, target, True when higher is better).
TARGETS: dict[str, tuple[str, str, float, bool]] = {
    "realtime_factor": ("render throughput (median over examples, 44.1 kHz stereo)", "x",
                        300.0, True),
    "mastering_share": ("share of render time outside the synth (mix, master, FLAC)", "%",
                        50.0, False),
    "render_60s_s": ("whole process: render 60 s", "s", 1.5, False),
    "rss_long_mib": ("peak RSS of a long render", "MiB", 250.0, False),
    "help_s": ("whole process: moodc --help", "s", 0.3, False),
}

#: Child prelude: its own peak RSS. VmHWM is the program's own high-water mark; ru_maxrss
#: would include the parent's memory at fork time (Linux folds the pre-exec image into it).
_PEAK_KB = """
import resource, sys
def peak_kb():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

_RSS_CHILD = _PEAK_KB + """
from moodc.cli import cli
try:
    cli(sys.argv[1:], prog_name="moodc", standalone_mode=False)
finally:
    sys.stderr.write("\\nMAXRSS_KB=%d\\n" % peak_kb())
"""

#: The same long render with a synth stand-in that costs nothing: the pipeline's own memory
#: (mixing, mastering, scratch, FLAC) apart from the synth's.
_RSS_PIPELINE_CHILD = _PEAK_KB + """
import numpy as np
from pathlib import Path
from moodc.render import render_file
noise = (np.random.default_rng(0).standard_normal((2**17, 2)) * 0.1).astype(np.float32)
def free(fields, *, duration_s, sample_rate, seed, block_s=8.0):
    left = int(round(duration_s * sample_rate))
    while left > 0:
        yield noise[: min(left, noise.shape[0])]
        left -= noise.shape[0]
render_file(Path(sys.argv[1]), out=Path(sys.argv[2]), duration_s=float(sys.argv[3]),
            force=True, stream_fn=free)
sys.stderr.write("\\nMAXRSS_KB=%d\\n" % peak_kb())
"""


def measure(*, examples_dir: Path, quick: bool, runs: int, only: str) -> dict[str, Any]:
    """Every figure ``moodc bench`` reports, as plain numbers (``only``: all, render, gen or
    live).

    Raises
    ------
    UsageError
        When ``examples_dir`` holds no example configs to time.
    """
    results: dict[str, Any] = {"load_avg_1min": load_average()}
    if only in ("all", "render"):
        configs = example_configs(examples_dir)
        if not configs:
            raise UsageError(f"no example configs in {examples_dir}",
                             hint="run from the repository root or pass --examples DIR")
        results["render"] = measure_render(configs, duration_s=10.0 if quick else 60.0,
                                           long_s=120.0 if quick else 1200.0,
                                           runs=max(1, runs))
    if only in ("all", "gen"):
        results["gen"] = measure_gen(quick=quick)
    if only in ("all", "live"):
        from moodc.live.bench import measure_live

        results["live"] = measure_live(examples_dir=examples_dir, quick=quick)
    return results


def load_average() -> float | None:
    import os

    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def measure_gen(*, quick: bool) -> dict[str, Any]:
    """``moodc.gen.bench.measure`` (gen latency), or why it could not run here."""
    try:
        from moodc.gen.bench import measure
    except ImportError as exc:
        return {"error": f"gen benchmark unavailable: {exc}"}
    try:
        return measure(n_prompts=2 if quick else 5, n_cold=1 if quick else 3,
                       explain=not quick)
    except Exception as exc:  # a missing model or backend must not hide the render figures
        return {"error": f"gen benchmark failed: {type(exc).__name__}: {exc}"}


def example_configs(folder: Path) -> list[Path]:
    """The example files that are configs (not scores)."""
    from moodc.config.io import detect_kind, parse_document

    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        parsed, _ = parse_document(path)
        if parsed is not None and detect_kind(parsed.data) == "config":
            found.append(path)
    return found


def measure_render(configs: list[Path], *, duration_s: float, long_s: float,
             runs: int) -> dict[str, Any]:
    """Every figure of the table, as plain numbers."""
    with tempfile.TemporaryDirectory(prefix="moodc-bench-") as tmp:
        folder = Path(tmp)
        _inprocess_factor(configs[0], folder=folder, duration_s=1.0)  # imports: start-up
        per_example = {p.stem: _inprocess_factor(p, folder=folder, duration_s=duration_s)
                       for p in configs}
        # whole-process and memory figures use the example of median speed (a typical one)
        ranked = sorted(configs, key=lambda p: per_example[p.stem])
        typical = ranked[len(ranked) // 2]
        return {
            "typical_example": typical.stem,
            "duration_s": duration_s,
            "per_example_factor": per_example,
            "realtime_factor": statistics.median(per_example.values()),
            "mastering_factor": (mastering := _mastering_factor(typical, folder=folder,
                                                                duration_s=duration_s)),
            "mastering_share": 100.0 * statistics.median(per_example.values()) / mastering,
            "render_60s_s": _median_process_s(
                ["render", str(typical), "--duration", str(duration_s), "-o",
                 str(folder / "whole.flac"), "--force"], runs=runs),
            "render_60s_duration_s": duration_s,
            "help_s": _median_process_s(["--help"], runs=max(runs, 5)),
            "rss_long_mib": _child_rss_mib(typical, folder=folder, duration_s=long_s),
            "rss_pipeline_mib": _child_rss_mib(typical, folder=folder, duration_s=long_s,
                                               pipeline_only=True),
            "rss_long_duration_s": long_s,
        }


def _inprocess_factor(path: Path, *, folder: Path, duration_s: float) -> float:
    """Audio seconds per wall second for one render, imports already warm."""
    from moodc.render import render_file

    out = folder / f"{path.stem}.flac"
    result = render_file(path, out=out, duration_s=duration_s, force=True)
    return result.realtime_factor


def _mastering_factor(path: Path, *, folder: Path, duration_s: float) -> float:
    """Throughput of everything but the synth: a stream that costs nothing to produce."""
    import numpy as np

    from moodc.render import render_file

    rng = np.random.default_rng(0)
    noise = (rng.standard_normal((2**17, 2)) * 0.1).astype(np.float32)

    def free_stream(fields: Any, *, duration_s: float, sample_rate: int, seed: int,
                    block_s: float = 8.0) -> Any:
        remaining = int(round(duration_s * sample_rate))
        while remaining > 0:
            yield noise[: min(remaining, noise.shape[0])]
            remaining -= noise.shape[0]

    result = render_file(path, out=folder / "mastering.flac", duration_s=duration_s,
                         force=True, stream_fn=free_stream)
    return result.realtime_factor


def _median_process_s(args: list[str], *, runs: int) -> float:
    """Median wall time of ``python -m moodc.cli ARGS`` over ``runs`` processes."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "moodc.cli", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _child_rss_mib(path: Path, *, folder: Path, duration_s: float,
                   pipeline_only: bool = False) -> float:
    """Peak resident memory of a separate process rendering ``duration_s`` seconds."""
    if pipeline_only:
        args = [_RSS_PIPELINE_CHILD, str(path), str(folder / "long.flac"), str(duration_s)]
    else:
        args = [_RSS_CHILD, "render", str(path), "--duration", str(duration_s), "-o",
                str(folder / "long.flac"), "--force"]
    done = subprocess.run([sys.executable, "-c", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MoodcError(f"the long-render child process failed: {last}")
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("MAXRSS_KB=")]
    return int(marker[-1].split("=")[1]) / 1024.0
