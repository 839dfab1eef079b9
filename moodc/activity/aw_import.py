"""Import an ActivityWatch export into moodc's in-memory buckets.

Reads the three watcher types moodc can use, keyed on the bucket ``type`` (not its id):

======================  =====================  ===================================================
type                    watcher                data used
======================  =====================  ===================================================
``currentwindow``       aw-watcher-window      ``app``, ``title`` → apps, titles, switches
``afkstatus``           aw-watcher-afk         ``status`` afk/not-afk → active_s, idle_s
``os.hid.input``        aw-watcher-input       presses, clicks, deltaX/Y, scrollX/Y → counts
======================  =====================  ===================================================

The export's ``buckets`` may be a dict keyed by bucket id (what aw-server and
aw-server-rust emit) or a list (what aw-core's export schema says). Timestamps without an
offset are UTC, as in ActivityWatch. Events are cut into fixed ``BUCKET_S`` buckets;
minutes that no event covers are gaps and produce no bucket. Signals ActivityWatch never
records (corrections) and watchers missing from the export are marked unavailable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Final

from moodc import vocab
from moodc.activity.bucket import Bucket, parse_utc

#: Bucket length of imported data, matching `moodc record`'s default interval.
BUCKET_S: Final[float] = 60.0
#: aw-watcher-input stores Σ|dx| and Σ|dy|; the Euclidean path of a randomly oriented step
#: is π/4 of |dx| + |dy| on average (E|cos| + E|sin| = 4/π), so this converts to pixels.
L1_TO_PATH: Final[float] = math.pi / 4
#: ActivityWatch bucket type → role in the import.
AW_TYPES: Final[dict[str, str]] = {
    "currentwindow": "window",
    "afkstatus": "afk",
    "os.hid.input": "input",
}
_INPUT_UNAVAILABLE: Final[tuple[str, ...]] = ("keys", "clicks", "scrolls", "mouse_px")
_WINDOW_UNAVAILABLE: Final[tuple[str, ...]] = ("apps", "titles", "app_switches", "window_switches")
_AFK_UNAVAILABLE: Final[tuple[str, ...]] = ("active_s", "idle_s")


@dataclass(frozen=True)
class _Event:
    start_s: float
    end_s: float
    data: dict[str, Any]


def _events(bucket: dict[str, Any], *, where: str, warnings: list[str]) -> list[_Event]:
    """The bucket's events; a duration over a day is clipped to a day (with a warning)."""
    events: list[_Event] = []
    raw = bucket.get("events") or []
    if not isinstance(raw, list):
        raise ValueError(f"{where}: events must be a list, not {type(raw).__name__}")
    n_clipped = 0
    for index, event in enumerate(raw):
        try:
            start_s = parse_utc(event["timestamp"]).timestamp()
            duration_s = _event_duration_s(event.get("duration"))
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise ValueError(f"{where} event {index}: bad timestamp/duration ({exc})") from None
        if duration_s > vocab.MAX_EVENT_DURATION_S:
            duration_s, n_clipped = vocab.MAX_EVENT_DURATION_S, n_clipped + 1
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        events.append(_Event(start_s, start_s + duration_s, data))
    if n_clipped:
        warnings.append(f"{where}: {n_clipped} event(s) lasting more than a day were clipped "
                        f"to {vocab.MAX_EVENT_DURATION_S:.0f} s")
    return sorted(events, key=lambda e: e.start_s)


def _event_duration_s(value: Any) -> float:
    """An event's duration in seconds: a finite non-negative number (null or absent: 0)."""
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise ValueError(f"duration {value!r} is not a finite non-negative number")
    return float(value)


def _bucket_list(export: Any) -> list[dict[str, Any]]:
    if not isinstance(export, dict) or "buckets" not in export:
        raise ValueError('expected an object with a "buckets" key')
    raw = export["buckets"]
    if isinstance(raw, dict):
        return [dict(b, id=b.get("id", key)) for key, b in raw.items() if isinstance(b, dict)]
    if isinstance(raw, list):
        return [b for b in raw if isinstance(b, dict)]
    raise ValueError(f'"buckets" must be an object or a list, not {type(raw).__name__}')


def _union(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for start_s, end_s in sorted(intervals):
        if merged and start_s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end_s))
        elif end_s > start_s:
            merged.append((start_s, end_s))
    return merged


def _intersect(events: list[_Event], periods: list[tuple[float, float]]) -> list[_Event]:
    """Parts of ``events`` inside ``periods`` (a sorted union); a sweep, O(n + m)."""
    out: list[_Event] = []
    j = 0
    for event in events:
        while j < len(periods) and periods[j][1] <= event.start_s:
            j += 1
        k = j
        while k < len(periods) and periods[k][0] < event.end_s:
            start_s, end_s = max(event.start_s, periods[k][0]), min(event.end_s, periods[k][1])
            if end_s > start_s:
                out.append(_Event(start_s, end_s, event.data))
            k += 1
    return out


def _spread(start_s: float, end_s: float) -> Iterable[tuple[int, float]]:
    """(bucket index, seconds) for each fixed bucket the interval overlaps."""
    index = math.floor(start_s / BUCKET_S)
    while index * BUCKET_S < end_s:
        overlap_s = min(end_s, (index + 1) * BUCKET_S) - max(start_s, index * BUCKET_S)
        if overlap_s > 0:
            yield index, overlap_s
        index += 1


class _Grid:
    """Buckets keyed by index (epoch seconds // BUCKET_S), created on first touch."""

    def __init__(self, unavailable: list[str]) -> None:
        self.unavailable = sorted(unavailable)
        self.cells: dict[int, Bucket] = {}

    def cell(self, index: int) -> Bucket:
        if index not in self.cells:
            start = datetime.fromtimestamp(index * BUCKET_S, tz=timezone.utc)
            end = datetime.fromtimestamp((index + 1) * BUCKET_S, tz=timezone.utc)
            bucket = Bucket(start=start, end=end, titles_mode="plain", source="activitywatch",
                            unavailable=list(self.unavailable), corrections=None)
            for name in self.unavailable:
                setattr(bucket, name, None)
            self.cells[index] = bucket
        return self.cells[index]


def _add(bucket: Bucket, name: str, amount: float) -> None:
    value = getattr(bucket, name)
    if value is not None:
        setattr(bucket, name, value + amount)


def _add_afk(grid: _Grid, afk: list[_Event]) -> None:
    for event in afk:
        name = "active_s" if event.data.get("status") == "not-afk" else "idle_s"
        for index, seconds in _spread(event.start_s, event.end_s):
            _add(grid.cell(index), name, seconds)


def _add_windows(grid: _Grid, windows: list[_Event], active: list[_Event]) -> None:
    previous: tuple[Any, Any] | None = None
    for event in windows:
        current = (event.data.get("app"), event.data.get("title"))
        cell = grid.cell(math.floor(event.start_s / BUCKET_S))
        if previous is not None and current[0] != previous[0]:
            _add(cell, "app_switches", 1)
        if previous is not None and current != previous:
            _add(cell, "window_switches", 1)
        previous = current
    for event in active:
        app, title = event.data.get("app"), event.data.get("title")
        for index, seconds in _spread(event.start_s, event.end_s):
            bucket = grid.cell(index)
            if app:
                bucket.apps[str(app)] = bucket.apps.get(str(app), 0.0) + seconds
            if title:
                bucket.titles[str(title)] = bucket.titles.get(str(title), 0.0) + seconds


def _add_input(grid: _Grid, inputs: list[_Event]) -> None:
    for event in inputs:
        data = event.data
        bucket = grid.cell(math.floor(event.start_s / BUCKET_S))
        number = lambda key: _input_number(data, key)  # noqa: E731 - tiny local accessor
        _add(bucket, "keys", int(number("presses")))
        _add(bucket, "clicks", int(number("clicks")))
        _add(bucket, "scrolls", int(round(number("scrollX") + number("scrollY"))))
        _add(bucket, "mouse_px", L1_TO_PATH * (number("deltaX") + number("deltaY")))


def _input_number(data: dict[str, Any], key: str) -> float:
    """A count of an aw-watcher-input event (absent or null: 0)."""
    value = data.get(key)
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise ValueError(f"input event {key}={str(value)[:40]} is not a finite non-negative "
                         f"number")
    return float(value)


def buckets_from_aw(export: Any, *, warnings: list[str] | None = None) -> list[Bucket]:
    """Cut an ActivityWatch export (already decoded JSON) into moodc buckets.

    ``warnings`` (when given) collects what was repaired, e.g. clipped durations.

    Raises
    ------
    ValueError
        When the export has no ``buckets`` or an event has a bad timestamp.
    """
    roles: dict[str, list[_Event]] = {"window": [], "afk": [], "input": []}
    for bucket in _bucket_list(export):
        role = AW_TYPES.get(str(bucket.get("type")))
        if role:
            roles[role] += _events(bucket, where=f"bucket {str(bucket.get('id', '?'))[:60]!r}",
                                   warnings=warnings if warnings is not None else [])
    unavailable = ["corrections"]
    for role, names in (("input", _INPUT_UNAVAILABLE), ("window", _WINDOW_UNAVAILABLE),
                        ("afk", _AFK_UNAVAILABLE)):
        if not roles[role]:
            unavailable += names
    grid = _Grid(unavailable)
    roles["window"].sort(key=lambda e: e.start_s)
    active_windows = roles["window"]
    if roles["afk"]:
        _add_afk(grid, roles["afk"])
        not_afk = _union((e.start_s, e.end_s) for e in roles["afk"]
                         if e.data.get("status") == "not-afk")
        active_windows = _intersect(roles["window"], not_afk)
    if roles["window"]:
        _add_windows(grid, roles["window"], active_windows)
    if roles["input"]:
        _add_input(grid, roles["input"])
    return [grid.cells[i] for i in sorted(grid.cells)]

