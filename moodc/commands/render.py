"""``moodc render FILE``: a config or score → a mastered, deterministic WAV/FLAC/Ogg/MP3."""

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
@click.argument("file", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path),
              help="Output file (default: renders/<file stem>.<format>).")
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
@click.option("--bit-depth", type=click.Choice(["16", "24"]), default="16", show_default=True)
@click.option("--loudness", "target_lufs", type=float, default=-14.0, show_default=True,
              help="Integrated loudness target in LUFS.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Threads for this render (default: the available cores, at most 4; "
                   "1: one thread). The output is identical for any value.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@errors_to_exit
def command(file: Path, out: Path | None, duration_s: float | None, seed: int | None,
            sample_rate: str, fmt: str | None, bitrate: str | None, bit_depth: str,
            target_lufs: float, force: bool, jobs: int | None, as_json: bool) -> None:
    """Render FILE (a config or a score) to a mastered WAV/FLAC/Ogg/MP3.

    Same file + seed gives the same samples on every run. Output is at -14 LUFS
    integrated (--loudness), true peak <= -1 dBTP, dithered 16- or 24-bit PCM
    (mp3: limited to -2 dBTP before encoding, so the decoded file stays <= -1 dBTP).

    \b
    Example:
      moodc render examples/calm-ambient.yaml --duration 20
      moodc render examples/podcast-intro.yaml -o intro.wav --seed 3
      moodc render examples/lofi-study.yaml -o study.mp3 --bitrate 256k
    """
    from moodc.errors import DocumentError, MoodcError
    from moodc.render import render_file

    progress = _LazyProgress()
    try:
        result = render_file(file, out=out, duration_s=duration_s, seed=seed,
                             sample_rate=int(sample_rate), fmt=fmt, bit_depth=int(bit_depth),
                             target_lufs=target_lufs, bitrate=bitrate, force=force,
                             progress=progress.update, jobs=jobs)
    except DocumentError as exc:
        _print_diagnostics(exc)
        raise
    except (MoodcError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug below us: still one line, never a traceback
        raise MoodcError(f"internal error while rendering {file}: "
                         f"{type(exc).__name__}: {exc}",
                         hint="nothing was written; please report this with the file") from exc
    finally:
        progress.stop()
    click.echo(json.dumps(result.as_dict()) if as_json else result.summary())


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
