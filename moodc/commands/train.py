"""``moodc train``: rebuild the tuned model artifact (``moodc/data/model/``) from committed data."""

from __future__ import annotations

from pathlib import Path

import click

from moodc.commands._common import errors_to_exit


@click.command("train")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Directory for head.npz + head.json (default: the shipped moodc/data/model).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Directory holding train.jsonl and valid.jsonl "
              "(default: the shipped moodc/data/train).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed of the subset drawn with --limit (the fit itself has no randomness).")
@click.option("--limit", type=click.IntRange(min=2), default=None,
              help="Train on a seeded subset of this many rows per split (a quick check).")
@errors_to_exit
def command(out_dir: Path | None, data_dir: Path | None, seed: int, limit: int | None) -> None:
    """Fit the tuned head on SmolLM2's hidden states and write it.

    Computes the base model's features of every train/valid prompt (once; cached in the user
    cache directory, about 5–10 minutes on 2 CPU cores the first time), fits one softmax per
    config field (seconds), and writes head.npz + head.json. Same data and seed give the
    same files.

    \b
    Examples:
      moodc train                      # rebuild the shipped artifact
      moodc train --out /tmp/model --limit 64
    """
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from moodc.gen import train as training

    import time

    console = Console(stderr=True)
    started: dict[str, float] = {}  # stage -> start time
    printed: dict[str, int] = {}  # stage -> last tenth reported (non-terminal output)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
                started[stage] = time.perf_counter()
            bar.update(tasks[stage], completed=done)
            if not console.is_terminal:  # logs (CI): a plain line every ~10%
                bucket = 10 * done // max(total, 1)
                if bucket != printed.get(stage):
                    printed[stage] = bucket
                    elapsed_s = time.perf_counter() - started[stage]
                    eta_s = elapsed_s / max(done, 1) * (total - done)
                    console.print(f"{stage}: {done}/{total}, {elapsed_s:.0f} s, eta {eta_s:.0f} s")

        console.print("reading the data and loading the base model …")
        result = training.train_head(
            data_dir=data_dir or training.DATA_DIR,
            out_dir=out_dir or training.DEFAULT_MODEL_DIR,
            seed=seed, limit=limit, progress=progress)
    meta = result.head.meta
    accuracy = meta["valid_accuracy"]
    console.print(f"trained on {result.n_train} + {result.n_valid} prompts: features "
                  f"{result.features_s:.1f} s, fit {result.fit_s:.1f} s; mean valid accuracy "
                  f"{sum(accuracy.values()) / len(accuracy):.1%} over {len(accuracy)} fields")
    fusion = meta.get("fusion")
    if fusion:
        console.print("the model's answers weigh in on " + ", ".join(
            f"{key} (valid, in-sample: {figures['head']:.1%} -> {figures['fused_in_sample']:.1%})"
            for key, figures in fusion["valid_accuracy"].items()))
    for path in result.files:
        console.print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")
