"""The current activity phase from a sliding window, with hysteresis so it never flaps.

Every evaluation sums the buckets of the last ``window_s`` seconds with
:func:`moodc.activity.phases.summarise` and names their phase with
:func:`~moodc.activity.phases.classify` (the same rules ``gen --from-log`` uses). The phase
only changes when a different one has been the classification continuously for
``dwell_s`` *and* the current one has lasted ``dwell_s``; a window without any bucket (the
recorder saw nothing) is no evidence and changes nothing. The first evidence ever seen sets
the phase at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final

from moodc.activity.bucket import Bucket
from moodc.activity.phases import WindowFeatures, classify, summarise
from moodc.errors import UsageError

#: Activity seconds summed for each classification (five one-minute buckets).
DEFAULT_WINDOW_S: Final[float] = 300.0
#: A new phase must hold this long, and the current one must have lasted this long.
DEFAULT_DWELL_S: Final[float] = 120.0


@dataclass(frozen=True)
class PhaseState:
    """What the tracker knows after an evaluation at activity time ``now_s`` (epoch s)."""

    now_s: float
    phase: str | None
    changed: bool
    candidate: str | None
    candidate_since_s: float | None
    phase_since_s: float | None
    features: WindowFeatures | None
    dwell_s: float

    def change_possible_in_s(self) -> float | None:
        """Activity seconds until the pending candidate may take over (None: none pending)."""
        if self.candidate is None or self.candidate_since_s is None:
            return None
        ready_s = max(self.candidate_since_s, self.phase_since_s or 0.0) + self.dwell_s
        return max(0.0, ready_s - self.now_s)


class PhaseTracker:
    """Hysteresis over per-window phase classifications (see the module docstring).

    Parameters
    ----------
    window_s : float > 0
        Seconds of activity summed per classification.
    dwell_s : float >= 0
        Minimum time a phase lasts and a new one must persist before it takes over.

    Raises
    ------
    UsageError
        When ``window_s`` or ``dwell_s`` is out of range.
    """

    def __init__(self, *, window_s: float = DEFAULT_WINDOW_S,
                 dwell_s: float = DEFAULT_DWELL_S) -> None:
        if not window_s > 0:
            raise UsageError(f"window {window_s!r} s must be positive", param="window_s")
        if not 0 <= dwell_s <= 24 * 3600:
            raise UsageError(f"dwell time {dwell_s!r} s is out of range",
                             hint="use 0 to 86400 seconds, e.g. 120", param="dwell_s")
        self.window_s = float(window_s)
        self.dwell_s = float(dwell_s)
        self.phase: str | None = None
        self._since_s: float | None = None
        self._candidate: str | None = None
        self._candidate_since_s: float | None = None
        self.features: WindowFeatures | None = None

    def update(self, buckets: list[Bucket], *, now_s: float, utc_offset_s: float) -> PhaseState:
        """Classify the buckets of the window ending at ``now_s`` and apply the hysteresis."""
        changed = False
        if buckets:
            start = datetime.fromtimestamp(now_s - self.window_s, timezone.utc)
            end = datetime.fromtimestamp(now_s, timezone.utc)
            self.features = summarise(buckets, start=start, end=end, utc_offset_s=utc_offset_s)
            changed = self._vote(classify(self.features), now_s=now_s)
        return PhaseState(now_s=now_s, phase=self.phase, changed=changed,
                          candidate=self._candidate, candidate_since_s=self._candidate_since_s,
                          phase_since_s=self._since_s, features=self.features,
                          dwell_s=self.dwell_s)

    def _vote(self, label: str, *, now_s: float) -> bool:
        """Count one classification; True when the phase changes."""
        if self.phase is None:
            self.phase, self._since_s = label, now_s
            return True
        if label == self.phase:
            self._candidate = self._candidate_since_s = None
            return False
        if label != self._candidate:
            self._candidate, self._candidate_since_s = label, now_s
        held_s = now_s - self._candidate_since_s
        if held_s >= self.dwell_s and now_s - self._since_s >= self.dwell_s:
            self.phase, self._since_s = label, now_s
            self._candidate = self._candidate_since_s = None
            return True
        return False
