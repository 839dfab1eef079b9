"""The in-memory form of one activity time bucket, and its JSON line.

Both moodc's own JSONL log and an ActivityWatch export load into a list of
:class:`Bucket`; everything downstream (phases, the score) reads only this form.

A signal the backend could not see is ``None`` and is named in ``unavailable`` — never 0,
so that "the user did not type" and "typing could not be observed" stay different.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final, Literal

from moodc import vocab

#: Version of one moodc activity JSON line (not the V2 config version).
LOG_VERSION: Final[int] = 1

#: Every measured signal of a bucket, in the order they are written. ``apps`` and
#: ``titles`` are maps; the rest are numbers (counts, pixels or seconds).
SIGNALS: Final[tuple[str, ...]] = (
    "keys", "corrections", "clicks", "scrolls", "mouse_px",
    "active_s", "idle_s", "app_switches", "window_switches", "apps", "titles",
)
#: Signals that are integer counts (the others are float seconds or pixels, or maps).
COUNT_SIGNALS: Final[tuple[str, ...]] = (
    "keys", "corrections", "clicks", "scrolls", "app_switches", "window_switches",
)
TitlesMode = Literal["off", "hashed", "plain"]
TITLES_MODES: Final[tuple[str, ...]] = ("off", "hashed", "plain")


@dataclass
class Bucket:
    """Activity in one time span ``[start, end)`` (UTC).

    Attributes
    ----------
    start, end : datetime
        Timezone-aware UTC bounds of the bucket.
    keys, corrections, clicks, scrolls : int or None
        Key presses (auto-repeat not counted), BackSpace/Delete presses, mouse button
        presses (wheel excluded) and wheel steps.
    mouse_px : float or None
        Pointer path length in screen pixels.
    active_s, idle_s : float or None
        Seconds with recent input vs seconds idle (their sum is the observed time).
    app_switches, window_switches : int or None
        Changes of the focused application / of the focused window.
    apps : dict or None
        Application name → active seconds in it.
    titles : dict or None
        Window title (plain text or ``hmac:<hex>``) → active seconds; ``{}`` when titles
        are switched off.
    unavailable : list of str
        Signals the source could not observe (those fields are None).
    """

    start: datetime
    end: datetime
    keys: int | None = 0
    corrections: int | None = 0
    clicks: int | None = 0
    scrolls: int | None = 0
    mouse_px: float | None = 0.0
    active_s: float | None = 0.0
    idle_s: float | None = 0.0
    app_switches: int | None = 0
    window_switches: int | None = 0
    apps: dict[str, float] | None = field(default_factory=dict)
    titles: dict[str, float] | None = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)
    titles_mode: TitlesMode = "off"
    source: str = "moodc"
    utc_offset_s: float | None = None

    @property
    def duration_s(self) -> float:
        """Length of the bucket in seconds."""
        return (self.end - self.start).total_seconds()


def format_utc(moment: datetime) -> str:
    """ISO-8601 UTC with a ``Z`` suffix and millisecond precision."""
    text = moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def parse_utc(text: str, *, name: str = "time") -> datetime:
    """Parse an ISO-8601 time; a time without an offset is taken as UTC (as ActivityWatch does)."""
    if not isinstance(text, str):
        raise ValueError(f"{name}={text!r} is not an ISO-8601 string")
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _round_map(values: dict[str, float] | None) -> dict[str, float] | None:
    if values is None:
        return None
    return {name: round(seconds, 1) for name, seconds in sorted(values.items(), key=lambda kv: -kv[1])}


def bucket_to_json(bucket: Bucket, *, backend: str) -> str:
    """One JSON line (no newline) for ``bucket``; see docs/activity.md for the schema."""
    record: dict[str, Any] = {
        "version": LOG_VERSION,
        "start": format_utc(bucket.start),
        "end": format_utc(bucket.end),
    }
    for name in SIGNALS:
        value = getattr(bucket, name)
        if name in ("apps", "titles"):
            value = _round_map(value)
        elif isinstance(value, float):
            value = round(value, 1)
        record[name] = value
    record["unavailable"] = sorted(bucket.unavailable)
    record["titles_mode"] = bucket.titles_mode
    record["backend"] = backend
    if bucket.utc_offset_s is not None:
        record["utc_offset_s"] = bucket.utc_offset_s
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _number(record: dict[str, Any], name: str, *, integer: bool) -> int | float | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name}={_shown(value)} must be a finite non-negative number or null")
    return int(value) if integer else float(value)


def _shown(value: Any) -> str:
    """A value for a message, cut short (a log line may hold anything)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _seconds_map(record: dict[str, Any], name: str) -> dict[str, float] | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"{name} must be an object of name -> seconds, not {type(value).__name__}")
    seconds: dict[str, float] = {}
    for key, amount in value.items():
        if isinstance(amount, bool) or not isinstance(amount, (int, float)) \
                or not math.isfinite(amount) or amount < 0:
            raise ValueError(f"{name}[{_shown(key)}]={_shown(amount)} must be a finite "
                             f"non-negative number of seconds")
        seconds[str(key)] = float(amount)
    return seconds


def bucket_from_json(record: Any) -> Bucket:
    """Parse one decoded JSON line into a :class:`Bucket`.

    Raises
    ------
    ValueError
        When the record is not a version-1 moodc bucket; the message names the bad field.
    """
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if record.get("version") != LOG_VERSION:
        raise ValueError(f"version={record.get('version')!r} is not a moodc activity line "
                         f"(expected version {LOG_VERSION})")
    start = parse_utc(record.get("start"), name="start")
    end = parse_utc(record.get("end"), name="end")
    if end <= start:
        raise ValueError(f"end={record.get('end')} is not after start={record.get('start')}")
    if (end - start).total_seconds() > vocab.MAX_EVENT_DURATION_S:
        raise ValueError(f"the bucket lasts {(end - start).total_seconds():.0f} s, more than "
                         f"a day ({vocab.MAX_EVENT_DURATION_S:.0f} s)")
    bucket = Bucket(start=start, end=end)
    for name in SIGNALS:
        if name in ("apps", "titles"):
            setattr(bucket, name, _seconds_map(record, name))
        else:
            setattr(bucket, name, _number(record, name, integer=name in COUNT_SIGNALS))
    unavailable = record.get("unavailable", [])
    bucket.unavailable = [str(s) for s in unavailable] if isinstance(unavailable, list) else []
    mode = record.get("titles_mode", "off")
    bucket.titles_mode = mode if mode in TITLES_MODES else "off"
    bucket.source = "moodc"
    offset = record.get("utc_offset_s")
    if offset is not None and (isinstance(offset, bool) or not isinstance(offset, (int, float))
                               or not math.isfinite(offset)
                               or abs(offset) > vocab.MAX_UTC_OFFSET_S):
        raise ValueError(f"utc_offset_s={_shown(offset)} is not a UTC offset (at most "
                         f"±{vocab.MAX_UTC_OFFSET_S:.0f} s)")
    bucket.utc_offset_s = float(offset) if offset is not None else None
    return bucket
