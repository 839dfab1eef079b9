"""The recording loop: poll a backend, aggregate into buckets, append each one to the log.

Time and waiting are arguments (``clock``, ``wait``), so tests drive the loop with a fake
clock and the replay backend; the CLI passes ``time.time`` and a stop event's ``wait``,
which a SIGINT/SIGTERM handler sets so the partial bucket is written before exiting 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from moodc.activity.aggregate import Aggregator
from moodc.activity.backends.base import Backend, BackendLost
from moodc.activity.bucket import Bucket
from moodc.activity.logfile import LogWriter

#: Default seconds between polls of the focused window and idle time. At 1 Hz the
#: prototype stayed under 1 % of one core; window switches shorter than this may be missed.
DEFAULT_POLL_S: float = 1.0


def poll_interval_s(*, interval_s: float) -> float:
    """Poll every second, or faster for buckets shorter than 4 s (tests, demos)."""
    return min(DEFAULT_POLL_S, interval_s / 4.0)


@dataclass
class RecordSummary:
    """What a recording run did: buckets written, wall and CPU seconds, why it stopped."""

    n_buckets: int
    wall_s: float
    cpu_s: float
    stopped_by: str
    error: str | None = None

    @property
    def cpu_percent(self) -> float:
        """CPU time as a percentage of one core over the run."""
        return 100.0 * self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0


def _sample(backend: Backend, aggregator: Aggregator, *, now_s: float) -> list[Bucket]:
    return aggregator.tick(now_s=now_s, counts=backend.drain_input(),
                           window=backend.active_window(), idle_s=backend.idle_seconds())


def run_recorder(backend: Backend, aggregator: Aggregator, writer: LogWriter, *,
                 duration_s: float | None, poll_s: float,
                 wait: Callable[[float], bool], clock: Callable[[], float] = time.time,
                 on_bucket: Callable[[Bucket], None] | None = None) -> RecordSummary:
    """Record until ``duration_s`` passes or ``wait`` returns True (a stop request).

    Parameters
    ----------
    backend : Backend
        Already started; stopped here on every exit path.
    wait : callable
        ``wait(seconds) -> stop_requested``; sleeps up to ``seconds``.
    duration_s : float or None
        Stop after this many seconds (None: until stopped).

    Each closed bucket is written (flushed and fsynced) as soon as it closes; the partial
    bucket is written on stop, including when the backend is lost mid-run.
    """
    cpu_start_s, start_s = time.process_time(), clock()
    written, stopped_by, lost = 0, "duration", None

    def emit(buckets: list[Bucket]) -> None:
        nonlocal written
        for bucket in buckets:
            writer.write(bucket)
            written += 1
            if on_bucket is not None:
                on_bucket(bucket)

    try:
        emit(_sample(backend, aggregator, now_s=start_s))
        while True:
            now_s = clock()
            remaining_s = None if duration_s is None else start_s + duration_s - now_s
            if remaining_s is not None and remaining_s <= 0:
                break
            if wait(poll_s if remaining_s is None else min(poll_s, remaining_s)):
                stopped_by = "signal"
                break
            emit(_sample(backend, aggregator, now_s=clock()))
        emit(_sample(backend, aggregator, now_s=clock()))
    except BackendLost as exc:
        stopped_by, lost = "backend lost", str(exc)
    finally:
        end_s = clock()
        partial = aggregator.flush(now_s=end_s)
        emit([partial] if partial is not None else [])
        backend.stop()
    return RecordSummary(n_buckets=written, wall_s=end_s - start_s,
                         cpu_s=time.process_time() - cpu_start_s, stopped_by=stopped_by,
                         error=lost)
