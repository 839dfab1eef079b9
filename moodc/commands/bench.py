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
              help="Short version for CI smoke runs (10 s renders, 2-minute RSS render).")
@click.option("--runs", type=click.IntRange(min=1), default=3, show_default=True,
              help="Repetitions for whole-process timings (median reported).")
@click.option("--examples", "examples_dir", type=click.Path(path_type=Path),
              default=Path("examples"), show_default=True,
              help="Folder of example configs to time.")
@click.option("--only", "only", type=click.Choice(["all", "render", "gen", "live"]), default="all",
              show_default=True, help="Which figures to measure.")
@errors_to_exit
def command(fmt: str, quick: bool, runs: int, examples_dir: Path, only: str) -> None:
    """Measure render and gen speed, start-up time and memory here, next to the targets.

    Takes a few minutes (the 20-minute render dominates); --quick takes about one. The CPU
    load average is reported too: timings on a busy machine are slower than they should be.
    """
    from moodc.benchmark import measure

    results = measure(examples_dir=examples_dir, quick=quick, runs=runs, only=only)
    if fmt == "json":
        click.echo(json.dumps(results, indent=2, default=str))
        return
    if "render" in results:
        _print_table(results["render"], load_avg=results["load_avg_1min"])
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


def _print_table(results: dict[str, Any], *, load_avg: float | None) -> None:
    from rich.console import Console
    from rich.table import Table

    load = f", load average {load_avg:.1f}" if load_avg is not None else ""
    table = Table(title=f"moodc bench: render ({results['duration_s']:g} s renders{load})")
    for column in ("measure", "measured", "target", "ok"):
        table.add_column(column)
    from moodc.benchmark import TARGETS

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
