"""``moodc live``: play the soundtrack of your day as it happens (or a mood, forever)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from moodc import vocab
from moodc.commands._common import errors_to_exit


@click.command("live")
@click.argument("source", required=False, metavar="[PROMPT | FILE]")
@click.option("--replay", type=click.Path(path_type=Path),
              help="Follow a moodc or ActivityWatch log instead of live capture.")
@click.option("--speed", type=float, default=1.0, show_default=True,
              help="Replay clock: log seconds per second of music.")
@click.option("-o", "--out", help="Also keep what plays: FILE.flac/.wav, or - for WAV on stdout.")
@click.option("--sink", type=click.Choice(["auto", "device", "null"]), default="auto",
              show_default=True, help="device = the sound card; null = play nothing.")
@click.option("--no-realtime", "no_realtime", is_flag=True,
              help="Render as fast as possible (offline, deterministic).")
@click.option("--duration", "duration_s", type=float,
              help="Stop after this many seconds (default: until Ctrl-C).")
@click.option("--seed", type=int, help="Seed (default: the document's; 0 for activity/prompts).")
@click.option("--loudness", "target_lufs", type=float, default=-14.0, show_default=True,
              help="Loudness target in LUFS (short-term, streamed).")
@click.option("--dwell", "dwell_s", type=float, default=120.0, show_default=True,
              help="Activity seconds a new phase must hold (and the current one must last).")
@click.option("--engine", default="default", show_default=True,
              help="Prompt → config engine (concepts is the cheap one).")
@click.option("--sample-rate", type=click.Choice([str(hz) for hz in vocab.SAMPLE_RATES_HZ]),
              default=str(vocab.DEFAULT_SAMPLE_RATE_HZ), show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--quiet", is_flag=True, help="Show nothing.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one JSON event per change on stdout.")
@errors_to_exit
def command(source: str | None, replay: Path | None, speed: float, out: str | None, sink: str,
            no_realtime: bool, duration_s: float | None, seed: int | None,
            target_lufs: float, dwell_s: float, engine: str, sample_rate: str, force: bool,
            quiet: bool, fmt: str) -> None:
    """Play the soundtrack of your day as it happens, or a PROMPT / FILE forever.

    With no argument it follows your activity (phases with a 2-minute dwell, morphing on
    bar lines); a prompt or config plays without end, re-phrased every 16 bars and drifting
    towards neighbouring concepts; a score plays through, then holds its last section.

    \b
    Examples:
      moodc live                                   # follow activity on the sound card
      moodc live "rainy night" --engine concepts
      moodc live examples/lofi-study.yaml -o - | ffplay -nodisp -loglevel quiet -
      moodc live --replay day.jsonl --speed 60 --no-realtime --duration 600 -o day.flac
    """
    started_s = time.perf_counter()
    from moodc.live.session import LiveRequest, build, event_json

    request = LiveRequest(source=source, replay=replay, speed=speed, out=out,
                          sink=sink, realtime=not no_realtime,  # type: ignore[arg-type]
                          duration_s=duration_s, seed=seed, fmt=fmt,  # type: ignore[arg-type]
                          quiet=quiet, target_lufs=target_lufs, sample_rate=int(sample_rate),
                          engine=engine, dwell_s=dwell_s, force=force)
    session = build(request)
    on_event, view = _outputs(request)
    if view is not None:
        with view:
            stats = session.run(started_s=started_s, on_event=on_event, on_tick=view.tick)
    else:
        stats = session.run(started_s=started_s, on_event=on_event)
    if fmt == "json":
        click.echo(event_json(stats.as_dict()))
    elif not quiet:
        click.echo(f"played {stats.played_s:,.1f} s ({stats.stopped_by}): {stats.n_morphs} "
                   f"morph(s), {stats.n_phrases} phrase(s), {stats.underruns} underrun(s), "
                   f"first sound after {stats.first_sound_s or 0:.2f} s, "
                   f"cpu {stats.cpu_percent:.1f} %" + (f"; kept in {out}" if out and out != "-"
                                                        else ""), err=True)


def _outputs(request: Any) -> tuple[Any, Any]:
    """(event callback, live view or None) for --format/--quiet and the terminal."""
    from moodc.live.session import event_json

    if request.fmt == "json":
        return (lambda event: click.echo(event_json(event))), None
    if request.quiet:
        return None, None
    if sys.stderr.isatty():
        from moodc.live.view import LiveView

        return None, LiveView()

    def say(event: dict[str, Any]) -> None:
        click.echo(f"{event['t']:8.1f} s  {event['label']}: {str(event['root']).upper()} "
                   f"{event['mode']}, {event['bpm']:g} bpm"
                   + (f" (morph {event['morph_s']:g} s)" if "morph_s" in event else ""),
                   err=True)
    return say, None
