"""The phase tracker's hysteresis: first evidence sets the phase, changes wait the dwell."""

from __future__ import annotations

from datetime import timedelta

import pytest

from moodc.errors import UsageError
from moodc.live.phase_tracker import PhaseTracker
from tests.helpers.activity_day import UTC_OFFSET_S, synthetic_buckets


def _window(buckets, now_s: float, window_s: float):
    return [b for b in buckets
            if b.start.timestamp() <= now_s and b.end.timestamp() > now_s - window_s]


def test_the_phase_changes_once_per_log_change_after_the_dwell() -> None:
    buckets = synthetic_buckets()[:150]  # 90 min deep focus, 60 min frantic
    tracker = PhaseTracker(window_s=300.0, dwell_s=120.0)
    start = buckets[0].start.timestamp()
    changes = []
    for step in range(0, 150 * 60, 10):
        now = start + step
        state = tracker.update(_window(buckets, now, 300.0), now_s=now, utc_offset_s=UTC_OFFSET_S)
        if state.changed:
            changes.append((step, state.phase))
    assert [p for _, p in changes] == ["deep_focus", "frantic"]
    change_s = changes[1][0]
    assert 90 * 60 + 120 <= change_s <= 90 * 60 + 300 + 120


def test_it_never_flaps_on_a_short_burst() -> None:
    buckets = synthetic_buckets()
    focus, frantic = buckets[:60], buckets[90:91]  # one minute of switching
    shifted = []
    for i, b in enumerate(frantic):  # put the burst inside the focus hour
        delta = focus[30 + i].start - b.start
        b.start, b.end = b.start + delta, b.end + delta
        shifted.append(b)
    mixed = focus[:30] + shifted + focus[31:]
    tracker = PhaseTracker(window_s=60.0, dwell_s=120.0)
    start = mixed[0].start.timestamp()
    phases = set()
    for step in range(0, 60 * 60, 10):
        now = start + step
        phases.add(tracker.update(_window(mixed, now, 60.0), now_s=now,
                                  utc_offset_s=UTC_OFFSET_S).phase)
    assert phases == {"deep_focus"}


def test_no_evidence_changes_nothing() -> None:
    tracker = PhaseTracker()
    state = tracker.update([], now_s=0.0, utc_offset_s=0.0)
    assert state.phase is None and not state.changed


@pytest.mark.parametrize("kwargs", [{"window_s": 0.0}, {"dwell_s": -1.0}])
def test_bad_settings_are_usage_errors(kwargs) -> None:
    with pytest.raises(UsageError):
        PhaseTracker(**kwargs)


def test_timedelta_sanity() -> None:
    b = synthetic_buckets()[0]
    assert b.end - b.start == timedelta(minutes=1)
