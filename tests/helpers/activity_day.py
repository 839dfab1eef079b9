"""A synthetic working day as moodc JSONL buckets, for the activity tests (no randomness)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from moodc.activity.bucket import Bucket, bucket_to_json

#: (local start "HH:MM", minutes, phase-shaped bucket template)
DAY_PLAN: list[tuple[str, int, dict]] = [
    ("09:00", 90, {"keys": 180, "corrections": 12, "clicks": 3, "scrolls": 4, "mouse_px": 900.0,
                   "active_s": 60.0, "app_switches": 0, "window_switches": 0,
                   "apps": {"Code": 55.0, "firefox": 5.0}}),
    ("10:30", 60, {"keys": 40, "corrections": 4, "clicks": 20, "scrolls": 10, "mouse_px": 9000.0,
                   "active_s": 60.0, "app_switches": 2, "window_switches": 3,
                   "apps": {"Slack": 25.0, "firefox": 20.0, "Code": 15.0}}),
    ("11:30", 60, {"keys": 30, "corrections": 2, "clicks": 4, "scrolls": 1, "mouse_px": 500.0,
                   "active_s": 60.0, "app_switches": 0, "window_switches": 0,
                   "apps": {"Slack": 50.0, "Thunderbird": 10.0}}),
    ("12:30", 60, {"keys": 0, "corrections": 0, "clicks": 0, "scrolls": 0, "mouse_px": 0.0,
                   "active_s": 0.0, "app_switches": 0, "window_switches": 0, "apps": {}}),
    ("13:30", 60, {"keys": 3, "corrections": 0, "clicks": 1, "scrolls": 12, "mouse_px": 300.0,
                   "active_s": 60.0, "app_switches": 0, "window_switches": 0,
                   "apps": {"Evince": 60.0}}),
    ("23:30", 30, {"keys": 60, "corrections": 8, "clicks": 2, "scrolls": 2, "mouse_px": 200.0,
                   "active_s": 60.0, "app_switches": 0, "window_switches": 0,
                   "apps": {"Code": 60.0}}),
]
EXPECTED_PHASES = ["deep_focus", "frantic", "communication", "away", "reading", "late_night"]
UTC_OFFSET_S = 3600.0


def synthetic_buckets(*, day: str = "2026-03-02") -> list[Bucket]:
    """Minute buckets following DAY_PLAN, in local time UTC+01:00."""
    buckets: list[Bucket] = []
    for clock, minutes, template in DAY_PLAN:
        local = datetime.fromisoformat(f"{day}T{clock}:00")
        start = (local - timedelta(seconds=UTC_OFFSET_S)).replace(tzinfo=timezone.utc)
        for minute in range(minutes):
            t0 = start + timedelta(minutes=minute)
            fields = dict(template, apps=dict(template["apps"]))
            fields["idle_s"] = 60.0 - fields["active_s"]
            buckets.append(Bucket(start=t0, end=t0 + timedelta(minutes=1), titles={},
                                  titles_mode="hashed", utc_offset_s=UTC_OFFSET_S, **fields))
    return buckets


def write_synthetic_log(path: Path) -> Path:
    """Write the synthetic day as a moodc JSONL log and return its path."""
    lines = [bucket_to_json(b, backend="replay") for b in synthetic_buckets()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def generated_buckets(*, n_minutes: int, run_minutes: list[int], start: str = "2026-03-02T08:00",
                      bucket_minutes: int = 1, utc_offset_s: float = UTC_OFFSET_S) -> list[Bucket]:
    """``n_minutes`` of buckets (``bucket_minutes`` long) cycling through DAY_PLAN's templates.

    ``run_minutes`` sets how long each template lasts before the next (cycled), so a property
    test can draw logs from one minute to a month with short or long phases.
    """
    buckets: list[Bucket] = []
    t0 = datetime.fromisoformat(start).replace(tzinfo=timezone.utc)
    step = timedelta(minutes=bucket_minutes)
    minute, run_index = 0, 0
    while minute < n_minutes:
        template = DAY_PLAN[run_index % len(DAY_PLAN)][2]
        run = max(1, run_minutes[run_index % len(run_minutes)])
        for _ in range(0, min(run, n_minutes - minute), bucket_minutes):
            fields = dict(template, apps=dict(template["apps"]))
            scale = bucket_minutes
            for key in ("keys", "corrections", "clicks", "scrolls", "app_switches",
                        "window_switches"):
                fields[key] = fields[key] * scale
            for key in ("mouse_px", "active_s"):
                fields[key] = fields[key] * scale
            fields["apps"] = {k: v * scale for k, v in fields["apps"].items()}
            fields["idle_s"] = 60.0 * scale - fields["active_s"]
            begin = t0 + timedelta(minutes=minute)
            buckets.append(Bucket(start=begin, end=begin + step, titles={}, titles_mode="hashed",
                                  utc_offset_s=utc_offset_s, **fields))
            minute += bucket_minutes
        run_index += 1
    return buckets


def write_buckets(path: Path, buckets: list[Bucket]) -> Path:
    """Write ``buckets`` as a moodc JSONL log and return its path."""
    path.write_text("".join(bucket_to_json(b, backend="replay") + "\n" for b in buckets),
                    encoding="utf-8")
    return path
