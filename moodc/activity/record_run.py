"""Glue between ``moodc record`` and the recorder: build the parts, handle signals, report.

Kept out of the command module so the command stays a thin flag parser, and so tests can
call :func:`record` directly.
"""

from __future__ import annotations

import math
import select
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from moodc.activity.aggregate import Aggregator
from moodc.activity.backends import default_backend_name, load_backend
from moodc.activity.backends.base import Backend, BackendUnavailable
from moodc.activity.bucket import TitlesMode
from moodc.activity.check import SIGNAL_LABELS, check_lines
from moodc.activity.logfile import LogWriter
from moodc.activity.privacy import default_key_path, load_or_create_key, make_title_keyer
from moodc.activity.recorder import RecordSummary, poll_interval_s, run_recorder
from moodc.errors import MoodcError, UsageError


@dataclass(frozen=True)
class RecordRequest:
    """The parsed flags of ``moodc record``."""

    log_path: Path
    interval_s: float = 60.0
    duration_s: float | None = None
    titles: TitlesMode = "hashed"
    idle_after_s: float = 180.0
    backend: str | None = None
    replay_script: Path | None = None


#: Signals that end a recording cleanly (the partial bucket is kept).
STOP_SIGNALS: tuple[int, ...] = tuple(getattr(signal, name) for name in
                                      ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class SignalStop:
    """SIGINT/SIGTERM/SIGHUP → a stop flag, with a ``wait`` that wakes as soon as one arrives.

    SIGHUP (the terminal closed) stops the recording like Ctrl-C: the partial bucket is
    written before the process ends.

    The handler only sets a flag; ``signal.set_wakeup_fd`` makes ``select`` return at once,
    so no exception is ever raised in the middle of writing a line.
    """

    def __init__(self) -> None:
        self.requested = False
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._old: dict[int, Any] = {}
        self._old_fd = -1

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True

    def __enter__(self) -> "SignalStop":
        self._old_fd = signal.set_wakeup_fd(self._write.fileno())
        for signum in STOP_SIGNALS:
            self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s``; True when a stop signal has arrived."""
        if not self.requested:
            select.select([self._read], [], [], max(0.0, timeout_s))
            try:
                while self._read.recv(64):
                    pass
            except BlockingIOError:
                pass
        return self.requested


def _make_backend(name: str | None, replay_script: Path | None) -> Backend:
    name = name or default_backend_name()
    if name == "replay" and replay_script is None:
        raise UsageError("the replay backend needs a replay script (a JSON file of events)",
                         hint="pass --replay SCRIPT.json", param="backend")
    options: dict[str, Any] = {"script": replay_script} if name == "replay" else {}
    return load_backend(name, **options)


def check_backend(name: str | None, *, replay_script: Path | None = None) -> tuple[list[str], bool]:
    """Lines for ``--check`` and whether anything can be recorded."""
    try:
        backend = _make_backend(name, replay_script)
    except BackendUnavailable as exc:
        return [f"backend: {name or default_backend_name()}", f"  -- {exc}", "can record: no"], False
    capabilities = backend.probe()
    return check_lines(capabilities), capabilities.any_ok


def _title_keyer(titles: TitlesMode) -> Callable[[str], str | None]:
    if titles != "hashed":
        return make_title_keyer(titles)
    path = default_key_path()
    try:
        key = load_or_create_key(path)
    except MoodcError as exc:
        raise MoodcError(f"cannot create the title key: {exc.message}",
                         hint="fix the folder's permissions, or use --titles off") from None
    except OSError as exc:
        raise MoodcError(f"cannot read the title key {path}: {exc.strerror}",
                         hint="fix its permissions, or use --titles off") from None
    except ValueError:
        raise MoodcError(f"the title key {path} is corrupt",
                         hint="delete it to create a new one (old title hashes will then "
                              "no longer match new ones)") from None
    return make_title_keyer(titles, key=key)


def _open_log(path: Path, *, backend: str) -> LogWriter:
    """The log writer (:func:`moodc.output.open_append` refuses links, FIFOs, devices)."""
    return LogWriter(path, backend=backend)


def _utc_offset_s() -> float:
    offset = datetime.now().astimezone().utcoffset()
    return offset.total_seconds() if offset is not None else 0.0


def record(request: RecordRequest, *, say: Callable[[str], None]) -> RecordSummary:
    """Run a recording as the CLI does: probe, start, loop until duration or a signal.

    Raises
    ------
    MoodcError
        When the backend can record nothing here (the message says how to fix it), or when
        it is lost mid-run (everything up to then is already on disk).
    """
    from moodc.output import check_append_target

    if request.duration_s is not None and not math.isfinite(request.duration_s):
        raise UsageError(f"duration {request.duration_s} is not a finite number of seconds",
                         hint="leave --duration out to record until Ctrl-C or SIGTERM",
                         param="duration_s")
    check_append_target(request.log_path)  # before probing: a FIFO or a link fails at once
    backend = _make_backend(request.backend, request.replay_script)
    capabilities = backend.probe()
    if not capabilities.any_ok:
        reasons = sorted({s.detail for s in capabilities.signals.values() if s.detail})
        raise MoodcError(f"nothing can be recorded here: {'; '.join(reasons)}",
                         hint="run `moodc record --check` for details")
    unavailable = capabilities.bucket_fields_unavailable()
    if request.titles == "off" and "titles" in unavailable:
        unavailable.remove("titles")
    poll_s = poll_interval_s(interval_s=request.interval_s)
    aggregator = Aggregator(interval_s=request.interval_s, unavailable=unavailable,
                            title_keyer=_title_keyer(request.titles), titles_mode=request.titles,
                            idle_after_s=request.idle_after_s, poll_s=poll_s,
                            utc_offset_s=_utc_offset_s())
    writer = _open_log(request.log_path, backend=backend.name)
    if writer.warning:
        say(f"warning: {writer.warning}")
    try:
        with SignalStop() as stop:
            try:
                backend.start()
            except BackendUnavailable as exc:
                raise MoodcError(str(exc), hint="run `moodc record --check`") from None
            seen = [SIGNAL_LABELS[n] for n, s in capabilities.signals.items() if s.ok]
            say(f"recording {', '.join(seen)} to {request.log_path} every "
                f"{request.interval_s:g} s (titles: {request.titles}); Ctrl-C to stop")
            summary = run_recorder(backend, aggregator, writer, duration_s=request.duration_s,
                                   poll_s=poll_s, wait=stop.wait, clock=time.time)
    finally:
        writer.close()
    say(f"wrote {summary.n_buckets} bucket(s) to {request.log_path}; cpu {summary.cpu_s:.2f} s "
        f"over {summary.wall_s:.1f} s = {summary.cpu_percent:.2f} % of one core")
    if summary.error:
        raise MoodcError(summary.error, hint="buckets up to now are saved; restart "
                                             "`moodc record` to continue the same log")
    return summary


