"""``moodc bench``: parse the flags, run :mod:`moodc.benchmark`, print its figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from moodc.commands._common import errors_to_exit


@click.command("bench")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--quick", is_flag=True,
              help="Short version for CI smoke runs (12 s and 2-minute renders).")
@click.option("--runs", type=click.IntRange(min=1), default=3, show_default=True,
              help="Repetitions of every timing (medians reported).")
@click.option("--examples", "examples_dir", type=click.Path(path_type=Path),
              default=Path("examples"), show_default=True,
              help="Folder of example configs to time.")
@click.option("--only", "only", type=click.Choice(["all", "render", "gen", "live"]), default="all",
              show_default=True, help="Which figures to measure.")
@errors_to_exit
def command(fmt: str, quick: bool, runs: int, examples_dir: Path, only: str) -> None:
    """Measure render and gen speed, start-up time and memory here, next to the targets.

    Marginal throughput per example (a 600 s render minus a 60 s one, one core), whole
    processes (a 60 s and a 1 s render, --help), the peak memory of a 20-minute render, the
    speed-up of one 10-minute render on two threads and of a batch of the examples on two
    worker processes. Takes several minutes; --quick about two.
    The load average is reported too: timings on a busy machine are slower than they should
    be, and the speed-up needs a second core that is actually free.
    """
    from moodc.benchmark import measure

    results = measure(examples_dir=examples_dir, quick=quick, runs=runs, only=only)
    if fmt == "json":
        click.echo(json.dumps(results, indent=2, default=str))
        return
    if "render" in results:
        _print_table(results["render"], load_avg=results["load_avg_1min"],
                     cores=results.get("cores"), bytecode_cache=results["bytecode_cache"])
    if "gen" in results:
        _print_gen(results["gen"])
    if "live" in results:
        from moodc.live.bench import format_report

        click.echo(format_report(results["live"]))


def _print_gen(report: dict[str, Any]) -> None:
    if "error" in report:
        click.echo(f"gen: {report['error']}")
        return
    from moodc.gen.bench import format_report

    click.echo(format_report(report))


def _print_table(results: dict[str, Any], *, load_avg: float | None,
                 cores: int | None = None, bytecode_cache: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table

    from moodc.benchmark import PER_EXAMPLE_TARGET_X, TARGETS

    context = [f"{results['long_s']:g} s - {results['short_s']:g} s renders"]
    if cores is not None:
        context.append(f"{cores} cores")
    if load_avg is not None:
        after = results.get("load_avg_after")
        context.append(f"load average {load_avg:.1f}"
                       + (f" -> {after:.1f}" if after is not None else ""))
    table = Table(title=f"moodc bench: render ({', '.join(context)})")
    for column in ("measure", "measured", "target", "ok"):
        table.add_column(column)
    slowest = results.get("slowest_example", "?")

    def row(label: str, value: float | None, unit: str, target: float, higher: bool,
            fmt: str = ",.2f") -> None:
        sign = ">=" if higher else "<="
        if value is None:
            table.add_row(label, "n/a", f"{sign} {target:g} {unit}", "")
            return
        ok = value >= target if higher else value <= target
        table.add_row(label, f"{value:{fmt}} {unit}", f"{sign} {target:g} {unit}",
                      "[green]yes[/]" if ok else "[red]no[/]")

    for key, (label, unit, target, higher) in TARGETS.items():
        if key == "marginal_factor_min":
            label = f"{label}: {slowest}"
        elif key in ("render_60s_s", "startup_s"):
            label = f"{label} ({slowest}, default --jobs)"
            if key == "render_60s_s":
                label = label.replace("60 s", f"{results['render_60s_duration_s']:g} s")
        elif key == "rss_long_mib":
            label = (f"peak memory (RSS, or summed PSS with the layer process) of a "
                     f"{results['rss_long_duration_s'] / 60:g}-minute render ({slowest}, "
                     "default --jobs)")
        elif key == "parallel_speedup":
            label = (f"one {results['parallel_duration_s'] / 60:g}-minute render ({slowest}), "
                     "--jobs 2 vs --jobs 1, wall clock")
        elif key == "batch_speedup":
            label = (f"a batch: the {results.get('batch_documents', '?')} examples, "
                     f"{results.get('batch_duration_s', 0):g} s each, in one `moodc render "
                     "FILES -o DIR`, --jobs 2 vs --jobs 1, wall clock")
        row(label, results.get(key), unit, target, higher)
    for name, figures in results["marginal"].items():
        row(f"  {name}: marginal, one core (wall; CPU {figures['cpu_x']:,.0f} x)",
            figures["wall_x"], "x", PER_EXAMPLE_TARGET_X, True, ",.0f")
    if results.get("parallel_wall_s"):
        wall, cpu = results["parallel_wall_s"], results["parallel_cpu_s"]
        table.add_row("  the same render: wall s (CPU s), --jobs 1 | 2",
                      f"{wall['1']:.2f} ({cpu['1']:.2f}) | {wall['2']:.2f} ({cpu['2']:.2f})",
                      "", "")
    if results.get("batch_wall_s"):
        wall = results["batch_wall_s"]
        table.add_row("  the same batch: wall s, --jobs 1 | 2",
                      f"{wall['1']:.2f} | {wall['2']:.2f}", "", "")
    table.add_row("  mastering alone, one core (zero-cost stand-in synth)",
                  f"{results['mastering_factor']:,.0f} x", "", "")
    table.add_row("  peak RSS of the same long render, stand-in synth",
                  f"{results['rss_pipeline_mib']:,.2f} MiB", "", "")
    if not bytecode_cache:
        table.add_row("  note: bytecode caching is off (PYTHONDONTWRITEBYTECODE): whole-process"
                      " figures include compiling moodc's sources", "", "", "")
    Console().print(table)
