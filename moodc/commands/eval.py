"""``moodc eval``: score the generation engines on the held-out split."""

from __future__ import annotations

from pathlib import Path

import click

from moodc.commands._common import errors_to_exit
from moodc.gen import evaluate


@click.command("eval")
@click.option("--split", type=click.Choice(["test", "valid", "train"]), default="test",
              show_default=True, help="Which data split to score on.")
@click.option("--engines", default="tuned,concepts,random", show_default=True,
              metavar="E1,E2,...", help=f"Engines to compare: {', '.join(evaluate.ENGINES)}.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Score a seeded subset of this many rows (base takes ~2–4 s per prompt).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed given to the engines and to the --limit subset.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Directory of the splits (default: moodc/data/train).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True, help="Output format.")
@click.option("--fields/--no-fields", "show_fields", default=True, show_default=True,
              help="Also print the per-field table (table and markdown formats).")
@errors_to_exit
def command(split: str, engines: str, limit: int | None, seed: int, data_dir: Path | None,
            fmt: str, show_fields: bool) -> None:
    """Validity, per-field exact match, ordinal distance and controllability per engine.

    Controllability is the share of the split's directional constraints ("expect", e.g.
    tempo at least fast) that each engine's configs satisfy. The random engine is the
    chance baseline.

    \b
    Examples:
      moodc eval
      moodc eval --engines tuned,base,random --limit 40 --format markdown
    """
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from moodc.gen import train

    names = evaluate.check_engines([n.strip() for n in engines.split(",") if n.strip()])
    rows = train.load_split(split, data_dir=data_dir or train.DATA_DIR, limit=limit, seed=seed).rows
    check = evaluate.expectation_checker()
    console = Console(stderr=True)
    reports = []
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        for name in names:
            task = bar.add_task(name, total=len(rows))
            reports.append(evaluate.evaluate_engine(
                name, rows, engine=evaluate.ENGINES[name], seed=seed, check=check,
                progress=lambda done, task=task: bar.update(task, completed=done)))
    _print(reports, split=split, fmt=fmt, show_fields=show_fields)


def _print(reports: list, *, split: str, fmt: str, show_fields: bool) -> None:
    if fmt == "json":
        click.echo(evaluate.report_json(reports, split=split))
        return
    tables = [evaluate.summary_rows(reports)]
    if show_fields:
        tables.append(evaluate.field_rows(reports))
    if fmt == "markdown":
        click.echo("\n\n".join(evaluate.markdown_table(t) for t in tables))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for rows in tables:
        table = Table(*rows[0], title=f"moodc eval on {split}" if rows is tables[0] else None)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    for report in reports:
        for error in report.errors[:3]:
            console.print(f"[yellow]{report.engine}: {error}[/]")
