"""``moodc bench``: render and gen speed and memory on this machine, next to the targets.

Every figure is measured the way a user meets it: whole processes where start-up counts
(``moodc --help``, a 60 s render), in-process render time where it does not (realtime factor),
and a separate process's own peak RSS for the long render.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

from moodc.commands._common import errors_to_exit

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


@click.command("bench")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--quick", is_flag=True,
              help="Short version for CI smoke runs (10 s renders, 2-minute RSS render).")
@click.option("--runs", type=int, default=3, show_default=True,
              help="Repetitions for whole-process timings (median reported).")
@click.option("--examples", "examples_dir", type=click.Path(path_type=Path),
              default=Path("examples"), show_default=True,
              help="Folder of example configs to time.")
@click.option("--only", "only", type=click.Choice(["all", "render", "gen"]), default="all",
              show_default=True, help="Which figures to measure.")
@errors_to_exit
def command(fmt: str, quick: bool, runs: int, examples_dir: Path, only: str) -> None:
    """Measure render and gen speed, start-up time and memory here, next to the targets.

    Takes a few minutes (the 20-minute render dominates); --quick takes about one. The CPU
    load average is reported too: timings on a busy machine are slower than they should be.
    """
    from moodc.errors import UsageError

    results: dict[str, Any] = {"load_avg_1min": _load_average()}
    if only in ("all", "render"):
        configs = _example_configs(examples_dir)
        if not configs:
            raise UsageError(f"no example configs in {examples_dir}",
                             hint="run from the repository root or pass --examples DIR")
        results["render"] = _measure(configs, duration_s=10.0 if quick else 60.0,
                                     long_s=120.0 if quick else 1200.0, runs=max(1, runs))
    if only in ("all", "gen"):
        results["gen"] = _measure_gen(quick=quick)
    if fmt == "json":
        click.echo(json.dumps(results, indent=2, default=str))
        return
    if "render" in results:
        _print_table(results["render"], load_avg=results["load_avg_1min"])
    if "gen" in results:
        _print_gen(results["gen"])


def _load_average() -> float | None:
    import os

    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _measure_gen(*, quick: bool) -> dict[str, Any]:
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


def _print_gen(report: dict[str, Any]) -> None:
    if "error" in report:
        click.echo(f"gen: {report['error']}")
        return
    from moodc.gen.bench import format_report

    click.echo(format_report(report))


def _example_configs(folder: Path) -> list[Path]:
    """The example files that are configs (not scores)."""
    from moodc.config.io import detect_kind, parse_document

    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        parsed, _ = parse_document(path)
        if parsed is not None and detect_kind(parsed.data) == "config":
            found.append(path)
    return found


def _measure(configs: list[Path], *, duration_s: float, long_s: float,
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
        from moodc.errors import MoodcError

        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MoodcError(f"the long-render child process failed: {last}")
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("MAXRSS_KB=")]
    return int(marker[-1].split("=")[1]) / 1024.0


def _print_table(results: dict[str, Any], *, load_avg: float | None) -> None:
    from rich.console import Console
    from rich.table import Table

    load = f", load average {load_avg:.1f}" if load_avg is not None else ""
    table = Table(title=f"moodc bench: render ({results['duration_s']:g} s renders{load})")
    for column in ("measure", "measured", "target", "ok"):
        table.add_column(column)
    for key, (label, unit, target, higher) in TARGETS.items():
        value = results[key]
        typical = results.get("typical_example", "?")
        if key == "render_60s_s":
            label = f"whole process: render {results['render_60s_duration_s']:g} s ({typical})"
        if key == "rss_long_mib":
            label = (f"peak RSS of a {results['rss_long_duration_s'] / 60:g}-minute render "
                     f"({typical})")
        ok = value >= target if higher else value <= target
        sign = ">=" if higher else "<="
        table.add_row(label, f"{value:,.2f} {unit}", f"{sign} {target:g} {unit}",
                      "[green]yes[/]" if ok else "[red]no[/]")
    table.add_row("  mastering alone (zero-cost stand-in synth)",
                  f"{results['mastering_factor']:,.0f} x", "", "")
    table.add_row("  peak RSS of the same long render, stand-in synth",
                  f"{results['rss_pipeline_mib']:,.2f} MiB", "", "")
    for name, factor in results["per_example_factor"].items():
        table.add_row(f"  {name}", f"{factor:,.1f} x", "", "")
    Console().print(table)
