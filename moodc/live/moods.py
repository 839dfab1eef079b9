"""Where the live mood comes from: activity (captured or replayed) or a fixed config.

A mood source answers :meth:`target_at` (music seconds since playback began) with a
:class:`MoodTarget`; the conductor morphs whenever the target's ``key`` changes.

- :class:`ActivityMood` follows activity through a :class:`~moodc.live.phase_tracker.
  PhaseTracker`; each phase's config comes from
  :data:`moodc.activity.to_score.PHASE_CONFIG` (the table ``gen --from-log`` uses).
- :class:`FixedMood` plays one config forever, drifting now and then a small step
  (:data:`DRIFT_T`) towards one of its neighbouring concepts and back, so an hour of
  "rainy night" is not one block on repeat.

Activity comes from a feed: :class:`ReplayFeed` (a moodc JSONL log or an ActivityWatch
export, its clock running ``speed`` times music time) or :class:`CaptureFeed` (a recorder
backend polled at 1 Hz into 10 s buckets, titles off: counts and app names only).
"""

from __future__ import annotations

import bisect
import math
import time
import zlib
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from moodc.activity.bucket import Bucket
from moodc.live.phase_tracker import PhaseState, PhaseTracker

#: Activity seconds between two classifications (a replay faster than this per block
#: classifies once per block).
EVAL_EVERY_S: Final[float] = 5.0
#: Live capture: bucket length and backend poll period (seconds).
CAPTURE_BUCKET_S: Final[float] = 10.0
CAPTURE_POLL_S: Final[float] = 1.0
#: Phase played before the first activity evidence arrives.
WAITING_PHASE: Final[str] = "steady"
#: A fixed mood drifts every this many music seconds: base, neighbour, base, neighbour...
DRIFT_PERIOD_S: Final[float] = 90.0
#: How far a drift goes towards a neighbouring concept (a small tween, never a new mood).
DRIFT_T: Final[float] = 0.2
#: Neighbouring concepts considered for drifts (the closest by shared field values).
N_NEIGHBOURS: Final[int] = 4


@dataclass(frozen=True)
class MoodTarget:
    """A mood to play: its identity, config fields and why it was chosen."""

    key: str
    fields: dict[str, Any]
    label: str
    evidence: str = ""
    phase: str | None = None
    #: how far this mood lies from the one before it, as a tween fraction (1: a new mood;
    #: a fixed mood's drift and its return: DRIFT_T); a morph's intermediate steps scale
    #: with it, so a small drift is one step, not the four of a change of phase
    reach: float = 1.0


class MoodSource(Protocol):
    def target_at(self, music_s: float) -> MoodTarget: ...


# --------------------------------------------------------------------------------------
# Activity feeds
# --------------------------------------------------------------------------------------
class ReplayFeed:
    """A loaded log replayed with its clock at ``first bucket start + speed × music time``."""

    def __init__(self, buckets: list[Bucket], *, speed: float, utc_offset_s: float) -> None:
        self.buckets = sorted(buckets, key=lambda b: b.start)
        self._starts = [b.start.timestamp() for b in self.buckets]
        self.origin_s = self._starts[0]
        self.speed = speed
        self.utc_offset_s = utc_offset_s

    def now_s(self, music_s: float) -> float:
        return self.origin_s + self.speed * music_s

    def window(self, *, now_s: float, window_s: float) -> list[Bucket]:
        """Buckets that started by ``now_s`` and end after ``now_s - window_s``."""
        hi = bisect.bisect_right(self._starts, now_s)
        lo = bisect.bisect_left(self._starts, now_s - window_s - 3600.0)  # buckets ≤ 1 h
        return [b for b in self.buckets[lo:hi] if b.end.timestamp() > now_s - window_s]

    def close(self) -> None:
        return None


class CaptureFeed:
    """A started recorder backend, polled at most once per :data:`CAPTURE_POLL_S` (wall)."""

    def __init__(self, backend: Any, *, unavailable: list[str], utc_offset_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        from moodc.activity.aggregate import Aggregator
        from moodc.activity.privacy import make_title_keyer

        self.backend = backend
        self.clock = clock
        self.utc_offset_s = utc_offset_s
        self.aggregator = Aggregator(interval_s=CAPTURE_BUCKET_S, unavailable=unavailable,
                                     title_keyer=make_title_keyer("off"), titles_mode="off",
                                     idle_after_s=180.0, poll_s=CAPTURE_POLL_S,
                                     utc_offset_s=utc_offset_s)
        self.buckets: deque[Bucket] = deque()
        self._last_poll_s = -math.inf

    def now_s(self, music_s: float) -> float:
        now = self.clock()
        if now - self._last_poll_s >= CAPTURE_POLL_S:
            self._last_poll_s = now
            self.buckets.extend(self.aggregator.tick(
                now_s=now, counts=self.backend.drain_input(),
                window=self.backend.active_window(), idle_s=self.backend.idle_seconds()))
        return now

    def window(self, *, now_s: float, window_s: float) -> list[Bucket]:
        while self.buckets and self.buckets[0].end.timestamp() <= now_s - window_s:
            self.buckets.popleft()
        return list(self.buckets)

    def close(self) -> None:
        self.backend.stop()


class ActivityFeed(Protocol):
    utc_offset_s: float

    def now_s(self, music_s: float) -> float: ...

    def window(self, *, now_s: float, window_s: float) -> list[Bucket]: ...

    def close(self) -> None: ...


# --------------------------------------------------------------------------------------
# Mood sources
# --------------------------------------------------------------------------------------
def phase_fields(phase: str) -> dict[str, Any]:
    """The config of a phase, from :data:`moodc.activity.to_score.PHASE_CONFIG`."""
    from moodc.activity.to_score import _phase_config

    return _phase_config(phase).model_dump(mode="json")


def phase_evidence(phase: str, state: PhaseState | None, *, utc_offset_s: float) -> str:
    """The evidence line of ``gen --from-log`` for the current window."""
    if state is None or state.features is None:
        return "no activity seen yet"
    from moodc.activity.phases import Window
    from moodc.activity.to_score import PhaseRun, evidence

    return evidence(PhaseRun(phase, [Window(state.features, phase)]), offset_s=utc_offset_s)


@dataclass
class ActivityMood:
    """The phase of the activity in ``feed``, through ``tracker``."""

    feed: ActivityFeed
    tracker: PhaseTracker
    state: PhaseState | None = None
    _last_eval_s: float = -math.inf
    _fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def target_at(self, music_s: float) -> MoodTarget:
        now_s = self.feed.now_s(music_s)
        if now_s - self._last_eval_s >= EVAL_EVERY_S or self.state is None:
            self._last_eval_s = now_s
            buckets = self.feed.window(now_s=now_s, window_s=self.tracker.window_s)
            self.state = self.tracker.update(buckets, now_s=now_s,
                                             utc_offset_s=self.feed.utc_offset_s)
        phase = self.state.phase or WAITING_PHASE
        if phase not in self._fields:
            self._fields[phase] = phase_fields(phase)
        return MoodTarget(key=phase, fields=self._fields[phase], label=phase.replace("_", " "),
                          evidence=phase_evidence(phase, self.state,
                                                  utc_offset_s=self.feed.utc_offset_s),
                          phase=phase)


def _leaves(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        # configs are plain dicts (JSON, model_dump): the exact type check is ~10x cheaper
        # than an ABC check, and this runs over the whole library once per session
        if isinstance(value, dict):
            out.update(_leaves(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def neighbour_concepts(fields: Mapping[str, Any], *, n: int = N_NEIGHBOURS) -> list[Any]:
    """The ``n`` library concepts sharing most field values with ``fields`` (not equal)."""
    from moodc.concepts import load_concepts
    from moodc.tween import musical_paths

    paths = [p for p in musical_paths() if p not in ("bpm", "duration")]
    own = _leaves(fields)
    scored = []
    for concept in load_concepts():
        theirs = _leaves(concept.config)
        same = sum(1 for p in paths if p in theirs and theirs[p] == own.get(p))
        if same < len(paths):
            scored.append((-same, concept.name, concept))
    return [c for _, _, c in sorted(scored, key=lambda s: (s[0], s[1]))[:n]]


class FixedMood:
    """One config forever, drifting by :data:`DRIFT_T` towards a neighbour every other
    :data:`DRIFT_PERIOD_S` (``drift=False``: the config alone, phrases re-seeded)."""

    def __init__(self, fields: dict[str, Any], *, label: str, seed: int,
                 drift: bool = True) -> None:
        self.base = fields
        self.label = label
        self.seed = seed
        self.drift = drift
        self._neighbours: list[Any] | None = None
        self._cached: tuple[int, MoodTarget] | None = None

    def target_at(self, music_s: float) -> MoodTarget:
        period = int(music_s // DRIFT_PERIOD_S) if self.drift else 0
        if self._cached is not None and self._cached[0] == period:
            return self._cached[1]
        target = self._target(period)
        self._cached = (period, target)
        return target

    def _target(self, period: int) -> MoodTarget:
        if period % 2 == 0:
            return MoodTarget(key="base", fields=self.base, label=self.label, reach=DRIFT_T)
        if self._neighbours is None:
            self._neighbours = neighbour_concepts(self.base)
        if not self._neighbours:
            return MoodTarget(key="base", fields=self.base, label=self.label, reach=DRIFT_T)
        from moodc.tween import morph_at

        pick = zlib.crc32(f"{self.seed}/{period}".encode()) % len(self._neighbours)
        concept = self._neighbours[pick]
        drifted = morph_at(self.base, dict(concept.config), t=DRIFT_T,
                           seed=(self.seed + period) % 2**63)
        return MoodTarget(key=f"drift {period}", fields=drifted.model_dump(mode="json"),
                          reach=DRIFT_T, label=f"{self.label} (a touch of {concept.name})",
                          evidence=f"drifting {DRIFT_T:.0%} towards the neighbouring concept "
                                   f"'{concept.name}'")
