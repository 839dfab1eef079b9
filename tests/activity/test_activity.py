"""Activity capture without a display: buckets, aggregation (replay), privacy, logs, AW import."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moodc.activity.aggregate import Aggregator, active_part_s
from moodc.activity.backends import BACKENDS, load_backend
from moodc.activity.backends.base import Backend, BackendLost, InputCounts, WindowInfo
from moodc.activity.backends.replay import ReplayBackend
from moodc.activity.bucket import Bucket, bucket_from_json, bucket_to_json
from moodc.activity.logfile import ActivityLogError, LogWriter, load_log
from moodc.activity.privacy import hash_title, load_or_create_key, make_title_keyer
from moodc.activity.recorder import run_recorder
from moodc.errors import MoodcError

from tests.helpers import DATA as _DATA

DATA = _DATA / "activity"
T0 = 1_767_000_000.0  # an epoch second that is a multiple of 60


class FakeClock:
    """A clock that moves only when the recorder waits."""

    def __init__(self, start_s: float) -> None:
        self.now_s = start_s

    def __call__(self) -> float:
        return self.now_s

    def wait(self, seconds: float) -> bool:
        self.now_s += seconds
        return False


def _aggregator(**overrides) -> Aggregator:
    options = dict(interval_s=60.0, unavailable=[], title_keyer=make_title_keyer("plain"),
                   titles_mode="plain", idle_after_s=180.0, poll_s=1.0, utc_offset_s=0.0)
    options.update(overrides)
    return Aggregator(**options)


def _replay(script: dict, tmp_path: Path, *, duration_s: float, interval_s: float = 60.0,
            titles: str = "plain", key: bytes | None = None,
            start_s: float = T0) -> list[dict]:
    clock = FakeClock(start_s)
    backend = ReplayBackend(script, clock=clock)
    caps = backend.probe()
    aggregator = _aggregator(interval_s=interval_s, unavailable=caps.bucket_fields_unavailable(),
                             title_keyer=make_title_keyer(titles, key=key), titles_mode=titles)
    log_path = tmp_path / "log.jsonl"
    writer = LogWriter(log_path, backend="replay")
    backend.start()
    run_recorder(backend, aggregator, writer, duration_s=duration_s, poll_s=1.0,
                 wait=clock.wait, clock=clock)
    writer.close()
    return [json.loads(line) for line in log_path.read_text().splitlines()]


TYPING_SCRIPT = {"steps": [
    {"t": 0.5, "app": "Code", "title": "main.py", "window": 1},
    *({"t": 1.0 + i, "keys": 5, "corrections": 1, "mouse_px": 10.0} for i in range(30)),
    {"t": 31.5, "app": "firefox", "title": "Docs", "window": 2, "clicks": 2, "scrolls": 3},
    {"t": 70.5, "app": "Code", "title": "main.py", "window": 1, "keys": 1},
]}


# --------------------------------------------------------------------------------------
# Aggregation through the replay backend (exact, fake clock)
# --------------------------------------------------------------------------------------
def test_replay_counts_are_exact_and_split_into_aligned_buckets(tmp_path: Path) -> None:
    lines = _replay(TYPING_SCRIPT, tmp_path, duration_s=90.0)
    assert [line["start"] for line in lines] == ["2025-12-29T09:20:00.000Z", "2025-12-29T09:21:00.000Z"]
    assert lines[0]["end"] == lines[1]["start"]
    assert sum(l["keys"] for l in lines) == 151
    assert sum(l["corrections"] for l in lines) == 30
    assert sum(l["clicks"] for l in lines) == 2 and sum(l["scrolls"] for l in lines) == 3
    assert sum(l["mouse_px"] for l in lines) == pytest.approx(300.0)
    assert lines[0]["app_switches"] == 1 and lines[1]["app_switches"] == 1
    assert lines[0]["apps"]["Code"] == pytest.approx(31.0, abs=1.01)
    assert lines[0]["apps"]["firefox"] == pytest.approx(29.0, abs=1.01)
    assert all(l["unavailable"] == [] for l in lines)


def test_idle_time_is_split_from_active_time() -> None:
    aggregator = _aggregator(idle_after_s=10.0)
    aggregator.tick(now_s=T0, counts=InputCounts(keys=1), window=None, idle_s=0.0)
    for second in range(1, 60):
        aggregator.tick(now_s=T0 + second, counts=InputCounts(), window=None, idle_s=float(second))
    bucket = aggregator.tick(now_s=T0 + 60, counts=InputCounts(), window=None, idle_s=60.0)[0]
    assert bucket.active_s == pytest.approx(10.0)
    assert bucket.idle_s == pytest.approx(50.0)


@pytest.mark.parametrize(("dt_s", "idle_s", "expected_s"), [
    (1.0, 0.5, 1.0), (1.0, 180.5, 0.5), (1.0, 200.0, 0.0), (5.0, 182.0, 3.0)])
def test_active_part_of_an_interval(dt_s: float, idle_s: float, expected_s: float) -> None:
    assert active_part_s(dt_s=dt_s, idle_s=idle_s, idle_after_s=180.0) == expected_s


def test_unavailable_signals_are_null_not_zero(tmp_path: Path) -> None:
    script = dict(TYPING_SCRIPT, signals={"corrections": False, "keys": False, "title": False})
    lines = _replay(script, tmp_path, duration_s=30.0)
    for line in lines:
        assert line["keys"] is None and line["corrections"] is None and line["titles"] is None
        assert {"keys", "corrections", "titles"} <= set(line["unavailable"])
        assert line["mouse_px"] is not None


def test_sleep_gap_closes_the_bucket_at_the_last_tick() -> None:
    aggregator = _aggregator()
    aggregator.tick(now_s=T0 + 1, counts=InputCounts(keys=3), window=None, idle_s=0.0)
    aggregator.tick(now_s=T0 + 2, counts=InputCounts(keys=2), window=None, idle_s=0.0)
    closed = aggregator.tick(now_s=T0 + 3600, counts=InputCounts(), window=None, idle_s=0.0)
    assert len(closed) == 1 and closed[0].keys == 5
    assert closed[0].end == datetime.fromtimestamp(T0 + 2, timezone.utc)


def test_switches_count_app_and_window_changes() -> None:
    aggregator = _aggregator()
    windows = [WindowInfo("XTerm", "a", 1), WindowInfo("XTerm", "b", 2), WindowInfo("Code", "c", 3),
               WindowInfo("Code", "c", 3)]
    for second, window in enumerate(windows):
        aggregator.tick(now_s=T0 + second, counts=InputCounts(keys=1), window=window, idle_s=0.0)
    bucket = aggregator.flush(now_s=T0 + len(windows) - 1)
    assert bucket.app_switches == 1 and bucket.window_switches == 2


# --------------------------------------------------------------------------------------
# Privacy: titles and the key
# --------------------------------------------------------------------------------------
def test_titles_are_hashed_with_a_private_key_by_default(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "cfg" / "moodc" / "activity-title-key")
    assert stat.S_IMODE((tmp_path / "cfg" / "moodc" / "activity-title-key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "cfg" / "moodc").stat().st_mode) == 0o700
    assert load_or_create_key(tmp_path / "cfg" / "moodc" / "activity-title-key") == key
    lines = _replay(TYPING_SCRIPT, tmp_path, duration_s=40.0, titles="hashed", key=key)
    text = (tmp_path / "log.jsonl").read_text()
    assert "main.py" not in text and "Docs" not in text
    assert hash_title("main.py", key=key) in lines[0]["titles"]
    assert hash_title("main.py", key=b"other key") != hash_title("main.py", key=key)


def test_titles_off_stores_no_titles_but_keeps_apps(tmp_path: Path) -> None:
    lines = _replay(TYPING_SCRIPT, tmp_path, duration_s=40.0, titles="off")
    assert all(line["titles"] == {} and line["titles_mode"] == "off" for line in lines)
    assert "main.py" not in (tmp_path / "log.jsonl").read_text()
    assert lines[0]["apps"]


def test_log_file_is_created_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0)  # even with a permissive umask
    try:
        writer = LogWriter(tmp_path / "new.jsonl", backend="replay")
    finally:
        os.umask(old_umask)
    writer.close()
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o600


def test_existing_world_readable_log_gets_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "open.jsonl"
    path.write_text("")
    path.chmod(0o644)
    writer = LogWriter(path, backend="replay")
    writer.close()
    assert writer.warning and "chmod 600" in writer.warning


# --------------------------------------------------------------------------------------
# Log reading: round trip, torn and corrupt lines, empty logs
# --------------------------------------------------------------------------------------
def _bucket(minute: int, **fields) -> Bucket:
    start = datetime.fromtimestamp(T0 + 60 * minute, timezone.utc)
    end = datetime.fromtimestamp(T0 + 60 * (minute + 1), timezone.utc)
    return Bucket(start=start, end=end, **fields)


def test_bucket_json_round_trip_keeps_nulls() -> None:
    bucket = _bucket(0, keys=12, corrections=None, apps={"Code": 30.5}, titles=None,
                     unavailable=["corrections", "titles"], titles_mode="hashed")
    line = bucket_to_json(bucket, backend="replay")
    record = json.loads(line)
    assert record["version"] == 1 and record["start"].endswith("Z")
    assert record["corrections"] is None and record["titles"] is None
    again = bucket_from_json(record)
    assert again.keys == 12 and again.corrections is None and again.apps == {"Code": 30.5}
    assert again.start == bucket.start and again.unavailable == ["corrections", "titles"]


def _write_log(path: Path, n_buckets: int, *, tail: str = "") -> Path:
    lines = [bucket_to_json(_bucket(m, keys=m), backend="replay") for m in range(n_buckets)]
    path.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")
    return path


def test_torn_last_line_is_skipped_with_a_warning(tmp_path: Path, caplog) -> None:
    path = _write_log(tmp_path / "torn.jsonl", 3, tail='{"version":1,"start":"2026-0')
    loaded = load_log(path)
    assert len(loaded.buckets) == 3
    assert loaded.warnings and "torn.jsonl:4" in loaded.warnings[0]
    assert "torn last line" in caplog.text


def test_corrupt_middle_line_names_the_line(tmp_path: Path) -> None:
    path = _write_log(tmp_path / "bad.jsonl", 3)
    lines = path.read_text().splitlines()
    lines[1] = lines[1][:20]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ActivityLogError, match=r"bad\.jsonl:2: corrupt line"):
        load_log(path)


def test_wrong_version_line_names_the_line(tmp_path: Path) -> None:
    path = _write_log(tmp_path / "v.jsonl", 2, tail='{"version": 7}\n')
    with pytest.raises(ActivityLogError, match=r"v\.jsonl:3: .*version=7"):
        load_log(path)


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_log_is_a_one_line_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text(content)
    with pytest.raises(MoodcError, match="is empty"):
        load_log(path)


def test_missing_log_is_an_error(tmp_path: Path) -> None:
    # worded as every other missing input, and a usage error (exit 2) like them
    with pytest.raises(MoodcError, match="no such file") as caught:
        load_log(tmp_path / "nope.jsonl")
    assert caught.value.exit_code == 2


# --------------------------------------------------------------------------------------
# ActivityWatch import
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["aw-export-dict.json", "aw-export-list.json"])
def test_activitywatch_export_loads_into_buckets(name: str) -> None:
    loaded = load_log(DATA / name)
    buckets = loaded.buckets
    assert loaded.log_format == "activitywatch" and len(buckets) == 10
    assert sum(b.keys for b in buckets) == 160  # 8 input events × 20 presses
    assert sum(b.clicks for b in buckets) == 8 and sum(b.scrolls for b in buckets) == 16
    assert sum(b.mouse_px for b in buckets) == pytest.approx(8 * 40 * 3.14159265 / 4)
    assert sum(b.active_s for b in buckets) == 480 and sum(b.idle_s for b in buckets) == 120
    apps: dict[str, float] = {}
    for bucket in buckets:
        for app, seconds in bucket.apps.items():
            apps[app] = apps.get(app, 0.0) + seconds
    assert apps == {"code": 360.0, "firefox": 60.0, "Slack": 60.0}  # Slack afk after 1 min
    assert sum(b.app_switches for b in buckets) == 3
    assert all(b.corrections is None and "corrections" in b.unavailable for b in buckets)


def test_activitywatch_export_without_input_marks_counts_unavailable(tmp_path: Path) -> None:
    export = json.loads((DATA / "aw-export-dict.json").read_text())
    export["buckets"] = {k: v for k, v in export["buckets"].items() if v["type"] != "os.hid.input"}
    path = tmp_path / "aw.json"
    path.write_text(json.dumps(export))
    buckets = load_log(path).buckets
    assert all(b.keys is None and {"keys", "clicks", "mouse_px"} <= set(b.unavailable)
               for b in buckets)


def test_activitywatch_bad_timestamp_is_an_error(tmp_path: Path) -> None:
    export = json.loads((DATA / "aw-export-list.json").read_text())
    export["buckets"][0]["events"][1]["timestamp"] = "yesterday"
    path = tmp_path / "aw.json"
    path.write_text(json.dumps(export))
    with pytest.raises(ActivityLogError, match="not an ActivityWatch export: .*event 1"):
        load_log(path)


# --------------------------------------------------------------------------------------
# Backends: the protocol and lazy imports
# --------------------------------------------------------------------------------------
def test_replay_backend_satisfies_the_protocol() -> None:
    assert isinstance(load_backend("replay", script={"steps": []}), Backend)
    assert set(BACKENDS) == {"x11", "macos", "windows", "replay"}


@pytest.mark.parametrize(("name", "reason"), [("macos", "only on macOS"),
                                              ("windows", "only on Windows")])
def test_other_os_backends_load_anywhere_and_explain_themselves(name: str, reason: str) -> None:
    if sys.platform in ("darwin", "win32"):
        pytest.skip("this test checks the message shown on other platforms")
    backend = load_backend(name)
    assert isinstance(backend, Backend)
    capabilities = backend.probe()
    assert not capabilities.any_ok
    assert all(reason in s.detail for s in capabilities.signals.values())


def test_lost_backend_still_writes_the_partial_bucket(tmp_path: Path) -> None:
    clock = FakeClock(T0)

    class Dying(ReplayBackend):
        def drain_input(self) -> InputCounts:
            if clock() - T0 > 5:
                raise BackendLost("lost the X display")
            return super().drain_input()

    backend = Dying(TYPING_SCRIPT, clock=clock)
    backend.start()
    writer = LogWriter(tmp_path / "l.jsonl", backend="replay")
    summary = run_recorder(backend, _aggregator(), writer, duration_s=60, poll_s=1.0,
                           wait=clock.wait, clock=clock)
    writer.close()
    assert summary.error == "lost the X display"
    assert json.loads((tmp_path / "l.jsonl").read_text())["keys"] == 25  # steps t=1..5


def test_importing_the_package_and_command_loads_no_os_library() -> None:
    code = ("import sys, moodc.activity, moodc.commands.record, moodc.activity.record_run; "
            "bad = [m for m in ('Xlib', 'numpy', 'objc', 'Quartz') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------------------
# Property: nothing is lost or double-counted, whatever the tick timing
# --------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.tuples(st.floats(0.05, 3.0), st.integers(0, 20), st.booleans(),
                                st.floats(0.0, 400.0)), min_size=1, max_size=80),
       interval_s=st.sampled_from([1.0, 5.0, 60.0]))
def test_aggregation_conserves_counts_and_time(steps, interval_s: float) -> None:
    aggregator = _aggregator(interval_s=interval_s, idle_after_s=30.0)
    now_s, buckets, sent_keys = T0 + 0.5, [], 0
    buckets += aggregator.tick(now_s=now_s, counts=InputCounts(), window=None, idle_s=0.0)
    for dt_s, keys, app_b, idle_s in steps:
        now_s += dt_s
        window = WindowInfo("B" if app_b else "A", None, None)
        buckets += aggregator.tick(now_s=now_s, counts=InputCounts(keys=keys), window=window,
                                   idle_s=idle_s)
        sent_keys += keys
    final = aggregator.flush(now_s=now_s)
    buckets += [final] if final else []
    assert sum(b.keys for b in buckets) == sent_keys
    for before, after in zip(buckets, buckets[1:]):
        assert before.end == after.start  # contiguous, no overlap
    for bucket in buckets:
        assert bucket.active_s + bucket.idle_s == pytest.approx(bucket.duration_s, abs=1e-6)
        assert sum(bucket.apps.values()) <= bucket.active_s + 1e-6
