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

from moodc.cores import available_cores
from moodc.errors import MoodcError, UsageError

#: Targets from the issue: (label, unit, target, True when higher is better).
TARGETS: dict[str, tuple[str, str, float, bool]] = {
    "marginal_factor_min": ("marginal throughput, slowest example, one core (--jobs 1)", "x",
                            300.0, True),
    "render_60s_s": ("whole process: render 60 s", "s", 0.5, False),
    # 0.5 s for 60 s at 300x leaves 0.3 s for everything that does not grow with duration
    "startup_s": ("whole process: render 1 s (start-up and fixed costs)", "s", 0.3, False),
    "rss_long_mib": ("peak memory of a long render (RSS, or summed PSS)", "MiB", 150.0, False),
    "parallel_speedup": ("one render on 2 jobs vs 1 (wall clock)", "x", 1.6, True),
    # the issue asks a batch to scale across cores as one render does: the same bar
    "batch_speedup": ("a batch of documents on 2 jobs vs 1 (wall clock)", "x", 1.6, True),
    "help_s": ("whole process: moodc --help", "s", 0.3, False),
}
#: Every example's marginal throughput has the same target as the slowest.
PER_EXAMPLE_TARGET_X: float = TARGETS["marginal_factor_min"][2]

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

#: From two jobs the render forks the synth's layer process, which shares the pages it had at
#: the fork with the render: adding the two RSS peaks would count those twice. So a thread
#: samples the summed PSS (shared pages split between their users) of the render and its
#: children every 50 ms; the figure is the larger of that peak and the render's own VmHWM.
_RSS_CHILD = _PEAK_KB + """
import os, threading, time
def pss_kb(pid):
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
def family():
    me, kids = os.getpid(), []
    try:
        for task in os.listdir("/proc/%d/task" % me):
            kids += open("/proc/%d/task/%s/children" % (me, task)).read().split()
    except OSError:
        pass
    return [me] + [int(k) for k in kids]
peak_pss = [0]
def sample():
    while True:
        peak_pss[0] = max(peak_pss[0], sum(pss_kb(pid) for pid in family()))
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
from moodc.cli import cli
try:
    cli(sys.argv[1:], prog_name="moodc", standalone_mode=False)
finally:
    sys.stderr.write("\\nMAXRSS_KB=%d\\n" % max(peak_kb(), peak_pss[0]))
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
    results: dict[str, Any] = {"load_avg_1min": load_average(), "cores": available_cores(),
                               "bytecode_cache": not sys.dont_write_bytecode}
    if only in ("all", "render"):
        configs = example_configs(examples_dir)
        if not configs:
            raise UsageError(f"no example configs in {examples_dir}",
                             hint="run from the repository root or pass --examples DIR")
        results["render"] = measure_render(
            configs, short_s=12.0 if quick else 60.0, long_s=120.0 if quick else 600.0,
            rss_s=120.0 if quick else 1200.0, parallel_s=120.0 if quick else 600.0,
            batch_s=12.0 if quick else 60.0, whole_s=60.0, runs=max(1, runs))
        results["render"]["load_avg_after"] = load_average()
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


def measure_render(configs: list[Path], *, short_s: float, long_s: float, rss_s: float,
                   parallel_s: float, batch_s: float, whole_s: float,
                   runs: int) -> dict[str, Any]:
    """Every figure of the render table, as plain numbers.

    Marginal throughput is ``(long_s - short_s)`` audio seconds over the extra time the longer
    render takes (fixed costs cancel), in-process with ``jobs=1`` (one core); reported from
    wall time and from the process's CPU time, medians over ``runs``. The batch renders
    every example for ``batch_s`` seconds in one ``moodc render FILES -o DIR`` process.
    """
    with tempfile.TemporaryDirectory(prefix="moodc-bench-") as tmp:
        folder = Path(tmp)
        _render_cost(configs[0], folder=folder, duration_s=1.0, jobs=1)  # warm the imports
        marginal = {p.stem: _marginal(p, folder=folder, short_s=short_s, long_s=long_s,
                                      runs=runs) for p in configs}
        slowest = min(configs, key=lambda p: marginal[p.stem]["wall_x"])
        parallel = _parallel(slowest, folder=folder, duration_s=parallel_s, runs=runs)
        return {
            "slowest_example": slowest.stem,
            "short_s": short_s,
            "long_s": long_s,
            "marginal": marginal,
            "marginal_factor_min": marginal[slowest.stem]["wall_x"],
            "marginal_cpu_factor_min": min(m["cpu_x"] for m in marginal.values()),
            "mastering_factor": _mastering_factor(slowest, folder=folder, duration_s=long_s),
            "render_60s_s": _median_process_s(
                ["render", str(slowest), "--duration", str(whole_s), "-o",
                 str(folder / "whole.flac"), "--force"], runs=runs),
            "render_60s_duration_s": whole_s,
            "startup_s": _median_process_s(
                ["render", str(slowest), "--duration", "1", "-o",
                 str(folder / "one.flac"), "--force"], runs=runs),
            "help_s": _median_process_s(["--help"], runs=max(runs, 5)),
            "rss_long_mib": _child_rss_mib(slowest, folder=folder, duration_s=rss_s),
            "rss_pipeline_mib": _child_rss_mib(slowest, folder=folder, duration_s=rss_s,
                                               pipeline_only=True),
            "rss_long_duration_s": rss_s,
            **parallel,
            **_batch(configs, folder=folder, duration_s=batch_s, runs=runs),
        }


def _render_cost(path: Path, *, folder: Path, duration_s: float, jobs: int | None,
                 stream_fn: Any = None) -> tuple[float, float]:
    """(wall s, CPU s: all threads of this process and the child processes it waited for,
    such as the synth's layer process from two jobs) of one in-process render to FLAC."""
    from moodc.render import render_file

    wall, cpu = time.perf_counter(), _cpu_with_children_s()
    render_file(path, out=folder / f"{path.stem}.flac", duration_s=duration_s, force=True,
                jobs=jobs, stream_fn=stream_fn)
    return time.perf_counter() - wall, _cpu_with_children_s() - cpu


def _cpu_with_children_s() -> float:
    """CPU seconds of this process and its ended, waited-for children (user + system)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _marginal(path: Path, *, folder: Path, short_s: float, long_s: float,
              runs: int) -> dict[str, float]:
    """Marginal audio seconds per wall (and per CPU) second on one thread."""
    short = [_render_cost(path, folder=folder, duration_s=short_s, jobs=1) for _ in range(runs)]
    long = [_render_cost(path, folder=folder, duration_s=long_s, jobs=1) for _ in range(runs)]
    extra_wall = statistics.median(w for w, _ in long) - statistics.median(w for w, _ in short)
    extra_cpu = statistics.median(c for _, c in long) - statistics.median(c for _, c in short)
    audio_s = long_s - short_s
    return {"wall_x": audio_s / max(extra_wall, 1e-9), "cpu_x": audio_s / max(extra_cpu, 1e-9)}


def _parallel(path: Path, *, folder: Path, duration_s: float, runs: int) -> dict[str, Any]:
    """Wall-clock speed-up of one render on two threads over one (None on one core)."""
    if available_cores() < 2:
        return {"parallel_speedup": None, "parallel_duration_s": duration_s}
    one = [_render_cost(path, folder=folder, duration_s=duration_s, jobs=1) for _ in range(runs)]
    two = [_render_cost(path, folder=folder, duration_s=duration_s, jobs=2) for _ in range(runs)]
    wall_1 = statistics.median(w for w, _ in one)
    wall_2 = statistics.median(w for w, _ in two)
    return {"parallel_speedup": wall_1 / wall_2, "parallel_duration_s": duration_s,
            "parallel_wall_s": {"1": wall_1, "2": wall_2},
            "parallel_cpu_s": {"1": statistics.median(c for _, c in one),
                               "2": statistics.median(c for _, c in two)}}


def _batch(configs: list[Path], *, folder: Path, duration_s: float,
           runs: int) -> dict[str, Any]:
    """Wall-clock speed-up of one ``moodc render FILES -o DIR --force`` process rendering
    every example on two worker processes over one (None on one core): what a user
    rendering a folder meets, the workers' start-up included."""
    figures: dict[str, Any] = {"batch_documents": len(configs), "batch_duration_s": duration_s}
    if available_cores() < 2:
        return {**figures, "batch_speedup": None}
    args = ["render", *map(str, configs), "-o", str(folder / "batch"), "--force",
            "--duration", f"{duration_s:g}"]
    wall = {jobs: _median_process_s([*args, "--jobs", str(jobs)], runs=runs)
            for jobs in ("1", "2")}
    return {**figures, "batch_speedup": wall["1"] / wall["2"], "batch_wall_s": wall}


def _mastering_factor(path: Path, *, folder: Path, duration_s: float) -> float:
    """One-thread throughput of everything but the synth: a stream that costs nothing."""
    import numpy as np

    rng = np.random.default_rng(0)
    noise = (rng.standard_normal((2**17, 2)) * 0.1).astype(np.float32)

    def free_stream(fields: Any, *, duration_s: float, sample_rate: int, seed: int,
                    block_s: float = 2.0) -> Any:
        remaining = int(round(duration_s * sample_rate))
        while remaining > 0:
            yield noise[: min(remaining, noise.shape[0])]
            remaining -= noise.shape[0]

    wall, _ = _render_cost(path, folder=folder, duration_s=duration_s, jobs=1,
                           stream_fn=free_stream)
    return duration_s / wall


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
