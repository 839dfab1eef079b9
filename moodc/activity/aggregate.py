"""Turn backend samples into time buckets. Pure logic: no OS imports, no clock reads.

The recorder calls :meth:`Aggregator.tick` every poll with the wall time, the input
counts since the last tick, the focused window and the idle seconds; the aggregator
returns the buckets that closed. Time is passed in, so replay tests are exact.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from moodc.activity.backends.base import InputCounts, WindowInfo
from moodc.activity.bucket import Bucket, TitlesMode
from moodc.activity.privacy import TitleKeyer

#: A poll gap longer than this many poll intervals (and ≥ GAP_MIN_S) means the machine
#: slept or the process was stopped: the open bucket is closed at the last tick instead
#: of claiming the unobserved time.
GAP_POLLS: float = 5.0
GAP_MIN_S: float = 10.0
#: Counted fields of InputCounts, summed into the bucket.
_INPUT_FIELDS: tuple[str, ...] = ("keys", "corrections", "clicks", "scrolls", "mouse_px")


def _utc(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, tz=timezone.utc)


def active_part_s(*, dt_s: float, idle_s: float, idle_after_s: float) -> float:
    """Seconds of the last ``dt_s`` that were active, given the idle time at its end.

    A moment is active when the previous input was less than ``idle_after_s`` before it.
    The last input was ``idle_s`` ago, so the active part is the first
    ``dt_s - (idle_s - idle_after_s)`` seconds of the interval (clipped to [0, dt_s]).
    """
    return min(dt_s, max(0.0, dt_s - max(0.0, idle_s - idle_after_s)))


class Aggregator:
    """Accumulates ticks into buckets aligned to multiples of ``interval_s`` (epoch UTC).

    Parameters
    ----------
    interval_s : float > 0
        Bucket length in seconds; the first and last buckets of a run may be partial.
    unavailable : list of str
        Bucket fields the backend cannot observe; they are stored as None.
    title_keyer : callable
        Privacy filter title → stored key (None drops the title).
    titles_mode : {"off", "hashed", "plain"}
        Recorded in each bucket so readers know what ``titles`` holds.
    idle_after_s : float > 0
        Seconds without input after which time counts as idle (ActivityWatch uses 180).
    poll_s : float > 0
        Expected tick spacing, used to detect sleep gaps.
    utc_offset_s : float or None
        Local UTC offset written with each bucket, so "late night" can use local time.
    """

    def __init__(self, *, interval_s: float, unavailable: list[str], title_keyer: TitleKeyer,
                 titles_mode: TitlesMode, idle_after_s: float, poll_s: float,
                 utc_offset_s: float | None = None) -> None:
        self.interval_s = interval_s
        self.unavailable = sorted(set(unavailable))
        self.title_keyer = title_keyer
        self.titles_mode = titles_mode
        self.idle_after_s = idle_after_s
        self.gap_s = max(GAP_MIN_S, GAP_POLLS * poll_s)
        self.utc_offset_s = utc_offset_s
        self._bucket: Bucket | None = None
        self._bucket_end_s = 0.0
        self._last_s: float | None = None
        self._last_input_s: float | None = None
        self._last_app: str | None = None
        self._last_window: object = None

    # -- bucket lifecycle -------------------------------------------------------------
    def _open(self, start_s: float) -> None:
        self._bucket_end_s = (math.floor(start_s / self.interval_s) + 1) * self.interval_s
        bucket = Bucket(start=_utc(start_s), end=_utc(self._bucket_end_s),
                        titles_mode=self.titles_mode, utc_offset_s=self.utc_offset_s)
        bucket.unavailable = list(self.unavailable)
        if "titles" not in self.unavailable and self.titles_mode == "off":
            bucket.titles = {}
        for name in self.unavailable:
            setattr(bucket, name, None)
        self._bucket = bucket

    def _close(self, end_s: float) -> Bucket | None:
        bucket, self._bucket = self._bucket, None
        if bucket is None or end_s <= bucket.start.timestamp():
            return None
        bucket.end = _utc(end_s)
        return bucket

    # -- per-tick accounting ----------------------------------------------------------
    def _add(self, name: str, amount: float) -> None:
        bucket = self._bucket
        current = getattr(bucket, name)
        if current is not None:
            setattr(bucket, name, current + amount)

    def _add_time(self, name: str, key: str | None, seconds: float) -> None:
        table = getattr(self._bucket, name)
        if table is not None and key and seconds > 0:
            table[key] = table.get(key, 0.0) + seconds

    def _add_counts(self, counts: InputCounts) -> None:
        for name in _INPUT_FIELDS:
            value = getattr(counts, name)
            if value:
                self._add(name, value)

    def _add_window(self, window: WindowInfo | None, active_s: float) -> None:
        if window is None:
            return
        if window.app:
            if self._last_app is not None and window.app != self._last_app:
                self._add("app_switches", 1)
            self._last_app = window.app
        identity = window.window_id if window.window_id is not None else (window.app, window.title)
        if self._last_window is not None and identity != self._last_window:
            self._add("window_switches", 1)
        self._last_window = identity
        self._add_time("apps", window.app, active_s)
        if window.title:
            self._add_time("titles", self.title_keyer(window.title), active_s)

    def _active_s(self, *, now_s: float, dt_s: float, counts: InputCounts,
                  idle_s: float | None) -> float | None:
        """Active seconds of this tick, from the idle counter or, failing that, input times."""
        if counts.any_input:
            self._last_input_s = now_s
        if idle_s is None and self._last_input_s is not None:
            idle_s = now_s - self._last_input_s
        if idle_s is None:
            return None
        return active_part_s(dt_s=dt_s, idle_s=idle_s, idle_after_s=self.idle_after_s)

    def _account(self, *, dt_s: float, counts: InputCounts | None, window: WindowInfo | None,
                 active_s: float | None) -> None:
        if counts is not None:
            self._add_counts(counts)
        if active_s is not None:
            self._add("active_s", active_s)
            self._add("idle_s", dt_s - active_s)
        self._add_window(window, dt_s if active_s is None else active_s)

    def tick(self, *, now_s: float, counts: InputCounts, window: WindowInfo | None,
             idle_s: float | None) -> list[Bucket]:
        """Record the interval since the last tick; return the buckets that closed.

        The first tick only opens a bucket (its counts are kept). An interval that crosses
        a bucket boundary is split by time; its counts go to the part holding most of it.
        """
        closed: list[Bucket] = []
        if self._last_s is None or now_s - self._last_s > self.gap_s:
            if self._last_s is not None:
                closed += [b for b in [self._close(self._last_s)] if b]
            self._open(now_s)
            self._last_s = now_s
            self._active_s(now_s=now_s, dt_s=0.0, counts=counts, idle_s=idle_s)
            self._account(dt_s=0.0, counts=counts, window=window, active_s=None)
            return closed
        dt_s = max(0.0, now_s - self._last_s)
        active_s = self._active_s(now_s=now_s, dt_s=dt_s, counts=counts, idle_s=idle_s)
        start_s = self._last_s
        counts_left: InputCounts | None = counts
        while now_s >= self._bucket_end_s:
            part_s = self._bucket_end_s - start_s
            share = part_s / dt_s if dt_s else 1.0
            take = counts_left if (counts_left is not None and share >= 0.5) else None
            self._account(dt_s=part_s, counts=take, window=window,
                          active_s=None if active_s is None else active_s * share)
            counts_left = None if take is not None else counts_left
            end_s = self._bucket_end_s
            closed += [b for b in [self._close(end_s)] if b]
            self._open(end_s)
            start_s = end_s
        part_s = now_s - start_s
        share = part_s / dt_s if dt_s else 1.0
        self._account(dt_s=part_s, counts=counts_left, window=window,
                      active_s=None if active_s is None else active_s * share)
        self._last_s = now_s
        return closed

    def flush(self, *, now_s: float) -> Bucket | None:
        """Close the open (partial) bucket at ``now_s``; used on stop, Ctrl-C and SIGTERM."""
        if self._bucket is None:
            return None
        return self._close(max(now_s, self._last_s or now_s))
