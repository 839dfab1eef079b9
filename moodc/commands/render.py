"""``moodc render FILE``: a config or score → a mastered, deterministic WAV/FLAC/Ogg/MP3.

``moodc render FILE|DIR ... -o OUTDIR`` renders a batch (see :mod:`moodc.batch`): one progress
bar, errors collected per document, up-to-date outputs skipped, on local processes or a Dask
cluster.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from moodc import vocab
from moodc.commands._common import errors_to_exit

#: Renders expected to finish faster than this show no progress bar.
PROGRESS_AFTER_S = 0.5
#: Kept here (not imported from moodc.audio_io) so --help imports no numpy; a test checks
#: they match.
MP3_BITRATES = ("64k", "96k", "128k", "160k", "192k", "224k", "256k", "320k")


@click.command("render")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=str),
              help="Output file (default: renders/<file stem>.<format>); a folder (or a "
                   "path ending in /) gets that name inside it; - writes to standard output. "
                   "For several files or a folder: the output folder (default renders/).")
@click.option("--duration", "duration_s", type=float,
              help="Seconds (configs: default the document's duration, else 30; "
                   "scores: cut short at this length).")
@click.option("--seed", type=int, help="Render seed (default: the document's, else its hash).")
@click.option("--sample-rate", type=click.Choice([str(hz) for hz in vocab.SAMPLE_RATES_HZ]),
              default=str(vocab.DEFAULT_SAMPLE_RATE_HZ),
              show_default=True, help="Output sample rate in Hz.")
@click.option("--format", "fmt", type=click.Choice(["wav", "flac", "ogg", "mp3"]),
              help="Output format (default: from -o's suffix, else flac). ogg (Vorbis) and "
                   "mp3 are lossy: their samples are the codec's. mp3 needs ffmpeg.")
@click.option("--bitrate", type=click.Choice(MP3_BITRATES),
              help="MP3 constant bitrate (default 192k).")
@click.option("--bit-depth", type=click.Choice(["16", "24"]),
              help="PCM bit depth of wav and flac (default 16).")
@click.option("--loudness", "target_lufs", type=float, default=-14.0, show_default=True,
              help="Integrated loudness target in LUFS.")
@click.option("--force", is_flag=True,
              help="Overwrite an existing output file (a batch: render even up-to-date ones).")
@click.option("--jobs", "n_jobs", type=click.IntRange(min=1), default=None,
              help="One file: cores for this render, from 2 a process for the synth's layers "
                   "and threads for mastering (default: the available cores, at most 4, or 1 "
                   "when other work keeps them all busy; the output is identical for any "
                   "value). A batch: documents rendered at once, one core each "
                   "(default: one per core).")
@click.option("--executor", default="local", show_default=True,
              help="A batch: local (processes here), dask (a local Dask cluster) or "
                   "dask://SCHEDULER_ADDRESS.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@errors_to_exit
def command(files: tuple[Path, ...], out: str | None, duration_s: float | None,
            seed: int | None, sample_rate: str, fmt: str | None, bitrate: str | None,
            bit_depth: str | None, target_lufs: float, force: bool, n_jobs: int | None,
            executor: str,
            as_json: bool) -> None:
    """Render FILE (a config or a score) to a mastered WAV/FLAC/Ogg/MP3.

    Same file + seed gives the same samples on every run. Output is at -14 LUFS
    integrated (--loudness), true peak <= -1 dBTP, dithered 16- or 24-bit PCM
    (mp3: limited to -2 dBTP before encoding, so the decoded file stays <= -1 dBTP).

    Several files or a folder make a batch: outputs mirror the folders under -o, a bad
    document is reported and the rest still render (exit 1 if any failed), and an output
    whose own tags show it is up to date is skipped, so an interrupted batch resumes.

    \b
    Example:
      moodc render examples/calm-ambient.yaml --duration 20
      moodc render examples/podcast-intro.yaml -o intro.wav --seed 3
      moodc render examples/lofi-study.yaml -o study.mp3 --bitrate 256k
      moodc render examples/ -o renders/all --jobs 2
      moodc render corpus/ -o out/ --executor dask://scheduler:8786
    """
    if len(files) > 1 or files[0].is_dir():
        _render_batch(files, out=out, fmt=fmt, sample_rate=int(sample_rate),
                      bit_depth=int(bit_depth) if bit_depth else None,
                      duration_s=duration_s, seed=seed,
                      target_lufs=target_lufs, bitrate=bitrate, force=force, n_jobs=n_jobs,
                      executor=executor, as_json=as_json)
        return
    if executor != "local":
        from moodc.errors import UsageError

        raise UsageError(f"executor {executor!r} applies to a batch (several files or a "
                         "folder)", param="executor",
                         hint="render one file here, or give a folder to run on a cluster")
    _render_one(files[0], out=out, duration_s=duration_s, seed=seed, sample_rate=sample_rate,
                fmt=fmt, bitrate=bitrate, bit_depth=bit_depth, target_lufs=target_lufs,
                force=force, jobs=n_jobs, as_json=as_json)


def _render_one(file: Path, *, out: str | None, duration_s: float | None, seed: int | None,
                sample_rate: str, fmt: str | None, bitrate: str | None, bit_depth: str | None,
                target_lufs: float, force: bool, jobs: int | None, as_json: bool) -> None:
    """One document to one file (or stdout), with a progress bar for long renders."""
    from moodc.errors import DocumentError, MoodcError
    from moodc.render import render_file

    progress = _LazyProgress()
    try:
        result = render_file(file, out=out, duration_s=duration_s, seed=seed,
                             sample_rate=int(sample_rate), fmt=fmt,
                             bit_depth=int(bit_depth) if bit_depth else None,
                             target_lufs=target_lufs, bitrate=bitrate, force=force,
                             progress=progress.update, jobs=jobs)
    except DocumentError as exc:
        _print_diagnostics(exc)
        raise
    except (MoodcError, KeyboardInterrupt):
        raise
    except OSError as exc:
        if exc.filename is None:
            raise  # standard output went away: the CLI's main() ends quietly
        from moodc.output import output_error

        raise output_error(exc, exc.filename, action="cannot use") from exc
    except Exception as exc:  # a bug below us: still one line, never a traceback
        raise MoodcError(f"internal error while rendering {file}: "
                         f"{type(exc).__name__}: {exc}",
                         hint="nothing was written; please report this with the file") from exc
    finally:
        progress.stop()
    click.echo(json.dumps(result.as_dict()) if as_json else result.summary(),
               err=result.path is None)  # the audio itself went to stdout


def _render_batch(files: tuple[Path, ...], *, out: str | None, fmt: str | None,
                  sample_rate: int, bit_depth: int | None, duration_s: float | None,
                  seed: int | None, target_lufs: float, bitrate: str | None, force: bool,
                  n_jobs: int | None, executor: str, as_json: bool) -> None:
    """Many documents into a folder: one progress bar, a summary table, exit 1 on failures."""
    from moodc import batch
    from moodc.errors import UsageError

    if out == "-":
        raise UsageError("a batch cannot go to standard output", param="out",
                         hint="give an output folder, e.g. -o renders/batch")
    options = batch.RenderOptions(fmt=fmt or "flac", sample_rate=sample_rate,
                                  bit_depth=bit_depth, duration_s=duration_s, seed=seed,
                                  target_lufs=target_lufs, bitrate=bitrate)
    batch.parse_executor(executor)
    jobs = batch.plan_batch(list(files), out_dir=Path(out or "renders"), options=options)
    n_workers = n_jobs or batch.default_workers()
    with _BatchProgress(len(jobs), enabled=not as_json) as bar:
        outcomes = batch.run_batch(jobs, options, n_workers=n_workers, executor=executor,
                                   force=force, on_done=bar.advance)
    if as_json:
        click.echo(json.dumps({"summary": batch.summarise(outcomes),
                               "documents": [o.as_dict() for o in outcomes]}))
    else:
        _print_batch_table(outcomes)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


class _BatchProgress:
    """One rich bar over the documents of a batch (stderr, only on a terminal)."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "_BatchProgress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("render"), BarColumn(), MofNCompleteColumn(),
                                 TimeRemainingColumn(), console=Console(stderr=True),
                                 transient=True)
            self._bar.start()
            self._task = self._bar.add_task("render", total=self.total)
        return self

    def advance(self, outcome: Any) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()


def _print_batch_table(outcomes: list[Any]) -> None:
    """The summary: every failure with its reason, then the counts per status."""
    from rich.console import Console
    from rich.table import Table

    from moodc import batch

    console = Console()
    failed = [o for o in outcomes if o.status == "failed"]
    for outcome in failed:  # one greppable line each, like validate's findings
        click.echo(f"moodc: error: {outcome.source}: {outcome.message}", err=True)
    if failed and console.is_terminal:
        table = Table(title="failed documents", title_justify="left")
        table.add_column("document", overflow="fold")
        table.add_column("why", overflow="fold")
        for outcome in failed:
            table.add_row(str(outcome.source), outcome.message)
        console.print(table)
    counts = batch.summarise(outcomes)
    console.print(f"{counts['rendered']} rendered, {counts['up-to-date']} up to date, "
                  f"{counts['failed']} failed")


def _print_diagnostics(exc: Any) -> None:
    """Print a DocumentError's findings the way ``moodc validate`` does."""
    if not exc.diagnostics:
        return
    from moodc.config.diagnostics import RENDERERS

    click.echo(RENDERERS["text"](exc.diagnostics, color=sys.stderr.isatty()), err=True)


class _LazyProgress:
    """A rich progress bar on stderr that appears only once a render has run a moment."""

    def __init__(self) -> None:
        self._started = time.perf_counter()
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._enabled = sys.stderr.isatty()  # no bar (and no stray newline) in pipes and logs

    def update(self, stage: str, done_n: int, total_n: int) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            if time.perf_counter() - self._started < PROGRESS_AFTER_S:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(TextColumn("{task.description:>7}"), BarColumn(),
                                 TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total_n)
        self._bar.update(self._tasks[stage], completed=done_n)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
