"""``moodc record``: capture a day's activity as private per-bucket counts (JSONL).

Thin: parse flags, build the backend/aggregator/writer, run the loop, report. No OS
library is imported here; the chosen backend module is loaded on demand.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from moodc.commands._common import errors_to_exit

_BACKEND_NAMES = ("x11", "macos", "windows", "replay")


def _default_log_path() -> Path:
    return Path(f"activity-{datetime.now().strftime('%Y-%m-%d')}.jsonl")


@click.command("record")
@click.option("-o", "--output", "log_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Log file to append to [default: ./activity-YYYY-MM-DD.jsonl].")
@click.option("--interval", "interval_s", type=click.FloatRange(min=0.5), default=60.0,
              show_default=True, help="Bucket length in seconds.")
@click.option("--duration", "duration_s", type=click.FloatRange(min=0.0), default=None,
              help="Stop after this many seconds [default: until Ctrl-C or SIGTERM].")
@click.option("--titles", type=click.Choice(["off", "hashed", "plain"]), default="hashed",
              show_default=True, help="Window titles: dropped, HMAC-hashed with a private "
                                      "per-user key, or stored as text.")
@click.option("--idle-after", "idle_after_s", type=click.FloatRange(min=1.0), default=180.0,
              show_default=True, help="Seconds without input after which time counts as idle.")
@click.option("--backend", type=click.Choice(_BACKEND_NAMES), default=None,
              help="Capture backend [default: by OS: x11, macos or windows].")
@click.option("--replay", "replay_script", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None,
              help="Replay SCRIPT.json instead of capturing (tests and demos; implies "
                   "--backend replay).")
@click.option("--check", is_flag=True, help="Print which signals work here and exit "
                                            "(0 when anything can be recorded, else 1).")
@errors_to_exit
def command(log_path: Path | None, interval_s: float, duration_s: float | None, titles: str,
            idle_after_s: float, backend: str | None, replay_script: Path | None,
            check: bool) -> None:
    """Record activity counts per time bucket — never key identities or typed text.

    Each bucket (default 60 s) holds key presses, corrections, clicks, scrolls, mouse
    distance, active/idle seconds, app switches and seconds per app (and per window title
    when --titles allows), appended as one JSON line and flushed to disk. Ctrl-C, SIGTERM or
    SIGHUP writes the partial bucket and exits 0. The log is created readable by you only (0600).
    """
    from moodc.activity.record_run import RecordRequest, check_backend, record

    name = backend or ("replay" if replay_script else None)
    if check:
        lines, ok = check_backend(name, replay_script=replay_script)
        click.echo("\n".join(lines))
        sys.exit(0 if ok else 1)
    request = RecordRequest(log_path=log_path or _default_log_path(), interval_s=interval_s,
                            duration_s=duration_s, titles=titles,  # type: ignore[arg-type]
                            idle_after_s=idle_after_s, backend=name, replay_script=replay_script)
    record(request, say=lambda text: click.echo(f"moodc record: {text}", err=True))
