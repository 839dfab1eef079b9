"""``moodc bench --only live``: live CPU %, first-sound latency, underruns and memory.

Each figure comes from a separate ``moodc live`` process, measured the way a user meets it:
first sound is the time from starting the process to its first event (emitted when the first
block is handed to the sink); CPU % and underruns are that process's own report of a
real-time run with the null sink (two minutes: the first phrase's tones are synthesized
cold, a cost a session pays once, not per minute); memory is the peak RSS of a 1-minute and
a 1-hour ``--no-realtime`` run of a replayed busy day whose phase changes every 24 s of music
(see :data:`MEMORY_REPLAY_SPEED`): both hold the peak of a morph, so the long one can only be
higher by what accumulates (flat memory: within 10 % of the short).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Final

#: (label, unit, target, True when higher is better), from the issue.
LIVE_TARGETS: Final[dict[str, tuple[str, str, float, bool]]] = {
    "cpu_percent": ("CPU while playing (real time, null sink)", "%", 2.0, False),
    "first_sound_s": ("whole process: first sound", "s", 1.5, False),
    "underruns": ("underruns", "", 0.0, False),
    "rss_growth_percent": ("peak RSS growth, long vs 1-minute no-realtime run", "%", 10.0,
                           False),
}

_RSS_CHILD: Final[str] = """
import sys
from moodc.cli import cli
try:
    cli(sys.argv[1:], prog_name="moodc", standalone_mode=False)
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("\\nMAXRSS_KB=%s\\n" % line.split()[1])
"""


def _realtime_run(config: Path, *, duration_s: float) -> dict[str, Any]:
    """Start a real-time null-sink run; its first-event time and its stop report."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "moodc.cli", "live", str(config),
                                "--sink", "null", "--duration", str(duration_s), "--format",
                                "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    first = process.stdout.readline()
    first_s = time.perf_counter() - started
    rest, errors = process.communicate(timeout=duration_s + 60)
    if process.returncode != 0 or not first:
        raise RuntimeError((errors.strip().splitlines() or ["no output"])[-1])
    stop = json.loads(rest.strip().splitlines()[-1])
    return {"first_sound_s": first_s, "cpu_percent": stop["cpu_percent"],
            "underruns": stop["underruns"]}


def _rss_mib(log: Path, *, duration_s: float) -> float:
    done = subprocess.run([sys.executable, "-c", _RSS_CHILD, "live", "--replay", str(log),
                           "--speed", str(MEMORY_REPLAY_SPEED), "--no-realtime", "--sink", "null", "--quiet",
                           "--duration", str(duration_s)], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("MAXRSS_KB=")]
    if done.returncode != 0 or not marker:
        raise RuntimeError((done.stderr.strip().splitlines() or ["no output"])[-1])
    return int(marker[-1].split("=")[1]) / 1024.0


def measure_live(*, examples_dir: Path, quick: bool) -> dict[str, Any]:
    """The live figures (``quick``: 10 s real time, 5-minute long run; else 120 s and 1 h)."""
    from moodc.activity.bucket import bucket_to_json

    try:
        run = _realtime_run(Path(examples_dir) / "calm-ambient.yaml",
                            duration_s=10.0 if quick else 120.0)
        long_s = 300.0 if quick else 3600.0
        with tempfile.TemporaryDirectory() as folder:
            log = Path(folder) / "day.jsonl"
            log.write_text("\n".join(bucket_to_json(b, backend="replay")
                                     for b in _day_buckets()) + "\n", encoding="utf-8")
            short_mib = _rss_mib(log, duration_s=60.0)
            long_mib = _rss_mib(log, duration_s=long_s)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"live benchmark failed: {exc}"}
    return {**run, "rss_short_mib": short_mib, "rss_long_mib": long_mib,
            "rss_long_duration_s": long_s,
            "rss_growth_percent": 100.0 * (long_mib - short_mib) / short_mib}


#: Replay speed of the memory runs, and the minutes of log each phase lasts: a change of
#: phase (so a morph) every 24 s of music, the first within the 1-minute run, and about 150
#: in the hour. Memory that grows with every morph, phrase or voice shows as growth here;
#: the short run already holds the peak of a morph, so the comparison is like with like.
MEMORY_REPLAY_SPEED: Final[float] = 20.0
MEMORY_PHASE_MIN: Final[int] = 8


def _day_buckets(*, hours: float = 20.0, phase_min: int = MEMORY_PHASE_MIN) -> list[Any]:
    """One-minute buckets cycling through focus, switching, chat, away and reading, each
    ``phase_min`` minutes, for ``hours``: a busy day to replay."""
    from datetime import datetime, timedelta, timezone

    from moodc.activity.bucket import Bucket

    plan = [({"Code": 60.0}, 200, 0, 60.0), ({"Code": 20.0, "Slack": 20.0, "firefox": 20.0},
                                              40, 3, 60.0),
            ({"Slack": 60.0}, 30, 0, 60.0), ({}, 0, 0, 0.0), ({"Evince": 60.0}, 3, 0, 60.0)]
    start = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
    buckets = []
    for minute in range(int(hours * 60)):
        apps, keys, switches, active_s = plan[(minute // phase_min) % len(plan)]
        t0 = start + timedelta(minutes=minute)
        buckets.append(Bucket(start=t0, end=t0 + timedelta(minutes=1), keys=keys, clicks=2,
                              scrolls=4 if apps.get("Evince") else 0, mouse_px=100.0,
                              active_s=active_s, idle_s=60.0 - active_s,
                              app_switches=switches, window_switches=switches,
                              apps=dict(apps), titles={}, utc_offset_s=0.0))
    return buckets


def format_report(report: dict[str, Any]) -> str:
    """The live figures next to their targets, one per line."""
    if "error" in report:
        return f"live: {report['error']}"
    lines = ["moodc bench: live"]
    for key, (label, unit, target, higher) in LIVE_TARGETS.items():
        value = report[key]
        ok = value >= target if higher else value <= target
        lines.append(f"  {label:<55} {value:8.2f} {unit:<2} (target <= {target:g} {unit}) "
                     f"{'ok' if ok else 'MISSED'}")
    lines.append(f"  peak RSS: {report['rss_short_mib']:.1f} MiB (1 min) vs "
                 f"{report['rss_long_mib']:.1f} MiB ({report['rss_long_duration_s'] / 60:g} min)")
    return "\n".join(lines)
