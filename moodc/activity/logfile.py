"""Reading and writing activity logs: moodc JSONL (and, via :mod:`aw_import`, ActivityWatch).

Writing is append-only, one JSON line per bucket, flushed and fsynced, in a file created
owner-only (0600), so a recorder killed at any moment keeps every finished bucket.
Reading tolerates a torn last line (a crash mid-write) but names any other bad line.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from moodc.activity.aw_import import buckets_from_aw
from moodc.activity.bucket import Bucket, bucket_from_json, bucket_to_json
from moodc.errors import MoodcError
from moodc.inputs import loads_json

log = logging.getLogger("moodc.activity")

#: Permission bits of a new log file: owner read/write only.
LOG_FILE_MODE: Final[int] = 0o600
LogFormat = Literal["moodc-jsonl", "activitywatch"]


class ActivityLogError(MoodcError):
    """An activity log that cannot be read: missing, empty, or with a corrupt line (exit 1)."""

    exit_code = 1


@dataclass
class LoadedLog:
    """Buckets read from a log (sorted by start), the format found and any warnings."""

    buckets: list[Bucket]
    log_format: LogFormat
    warnings: list[str] = field(default_factory=list)


class LogWriter:
    """Append buckets to ``path`` as JSON lines, each flushed and fsynced.

    The file is opened through :func:`moodc.output.open_append` (``O_APPEND | O_CREAT``,
    mode 0600, no symlinks, no FIFOs or devices), so a new log is private from the first
    byte (no chmod race) and an existing log is continued, not replaced.
    """

    def __init__(self, path: Path, *, backend: str) -> None:
        self.path = path
        self.backend = backend
        self.warning: str | None = None
        from moodc.output import open_append

        fd = open_append(path, mode=LOG_FILE_MODE, action="cannot open log")  # regular files only, never via a link
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & 0o077:
            self.warning = (f"{path} is readable by others (mode {mode:o}); "
                            f"run `chmod 600 {path}` to keep it private")
        self._handle = os.fdopen(fd, "a", encoding="utf-8")

    def write(self, bucket: Bucket) -> None:
        """Append one bucket line and force it to disk.

        Raises
        ------
        moodc.output.OutputError
            The disk is full or the file went away (earlier lines are on disk).
        """
        try:
            self._handle.write(bucket_to_json(bucket, backend=self.backend) + "\n")
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            from moodc.output import output_error

            raise output_error(exc, self.path) from None

    def close(self) -> None:
        """Close the file (buckets are already on disk)."""
        try:
            self._handle.close()
        except OSError:
            pass  # a failed flush was already reported by write()


def _read_text(path: Path) -> str:
    """The log's text: a regular file of at most ``MAX_LOG_BYTES`` (exit 2 otherwise)."""
    from moodc import vocab
    from moodc.inputs import read_text

    return read_text(path, max_bytes=vocab.MAX_LOG_BYTES, what="activity log")


def _as_activitywatch(text: str) -> Any:
    """The decoded export when ``text`` is one JSON object with ``buckets``, else None.

    A JSONL log fails to decode as a whole at its second line ("Extra data"), which is
    cheap; a one-line log decodes to a bucket without ``buckets``.
    """
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = loads_json(text)
    except json.JSONDecodeError:
        return None
    except ValueError as exc:  # a number too long, nesting too deep
        raise ActivityLogError(f"activity log: {exc}",
                               hint="this is not a log moodc or ActivityWatch wrote") from None
    return data if isinstance(data, dict) and "buckets" in data else None


def _parse_jsonl(path: Path, text: str) -> LoadedLog:
    lines = text.split("\n")
    numbered = [(i + 1, line) for i, line in enumerate(lines) if line.strip()]
    buckets: list[Bucket] = []
    warnings: list[str] = []
    for position, (lineno, line) in enumerate(numbered):
        try:
            record = loads_json(line)
        except ValueError as exc:
            if not isinstance(exc, json.JSONDecodeError):  # too long a number, too deep
                raise ActivityLogError(f"{path}:{lineno}: {exc}",
                                       hint="delete or fix that line; other lines are fine"
                                       ) from None
            if position == len(numbered) - 1:
                warnings.append(f"{path}:{lineno}: skipped a torn last line "
                                f"(the recorder was stopped mid-write)")
                continue
            raise ActivityLogError(f"{path}:{lineno}: corrupt line, not JSON ({exc.msg})",
                                   hint="delete or fix that line; other lines are fine") from None
        try:
            buckets.append(bucket_from_json(record))
        except ValueError as exc:
            raise ActivityLogError(f"{path}:{lineno}: not a moodc activity bucket: {exc}",
                                   hint="see docs/activity.md for the line format") from None
    return LoadedLog(buckets=buckets, log_format="moodc-jsonl", warnings=warnings)


def _loaded_from_aw(export: Any, *, source: str) -> LoadedLog:
    """A decoded ActivityWatch export as a :class:`LoadedLog` (errors name ``source``)."""
    warnings: list[str] = []
    try:
        buckets = buckets_from_aw(export, warnings=warnings)
    except ValueError as exc:
        raise ActivityLogError(f"{source}: not an ActivityWatch export: {exc}",
                               hint="export with ActivityWatch → Raw Data → Export all "
                                    "buckets as JSON") from None
    return LoadedLog(buckets=buckets, log_format="activitywatch",
                     warnings=[f"{source}: {w}" for w in warnings])


def load_log(path: Path) -> LoadedLog:
    """Load a moodc JSONL log or an ActivityWatch export into buckets.

    Warnings (a torn last line) are logged on the ``moodc.activity`` logger and returned.

    Raises
    ------
    ActivityLogError
        When the file is missing, unreadable, empty, or has a corrupt line (named with its
        line number).
    """
    text = _read_text(path)
    if not text.strip():
        raise ActivityLogError(f"activity log {path} is empty",
                               hint="record for at least one bucket (default 60 s) first")
    export = _as_activitywatch(text)
    if export is not None:
        loaded = _loaded_from_aw(export, source=str(path))
    else:
        loaded = _parse_jsonl(path, text)
    if not loaded.buckets:
        raise ActivityLogError(f"activity log {path} holds no activity buckets",
                               hint="record for at least one bucket (default 60 s) first")
    loaded.buckets.sort(key=lambda b: b.start)
    for message in loaded.warnings:
        log.warning("moodc: warning: %s", message)
    return loaded
