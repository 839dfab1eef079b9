"""Measure `moodc record`'s CPU cost under Xvfb with synthetic input (Linux only).

    python -m moodc.activity.bench --seconds 90 [--keys-per-s 10] [--motions-per-s 250]

Starts a private Xvfb and two xterm windows, runs ``moodc record --interval 60`` in a
subprocess, injects input through XTEST (key taps, pointer motion, a click every 5 s, a
window switch every 10 s) and reads the recorder's CPU time from ``/proc/<pid>/stat``
(user + system, all threads, including interpreter start-up) just before stopping it with
SIGTERM. The default load is the "realistic heavy" rate of the research notes (10 keys/s
and 250 motion events/s); ``--keys-per-s 0 --motions-per-s 0`` measures the idle cost.
Needs: Xvfb, xterm, xdotool (for window ids) and python-xlib.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """Start a private Xvfb on a free display (``-displayfd``); returns (server, DISPLAY).

    Shared by this benchmark and the headless X11 test. ``-noreset`` keeps the server up
    when its last client disconnects: by default Xvfb then regenerates, and a client that
    connects during the regeneration (``moodc live`` probes, closes, then connects again)
    has its connection reset.

    Raises
    ------
    RuntimeError
        Xvfb exited before reporting its display number.
    """
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                               "1280x800x24", "-nolisten", "tcp", "-noreset"], pass_fds=(write_fd,),
                              stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 16)
        if not chunk:
            os.close(read_fd)
            raise RuntimeError("Xvfb exited before reporting its display")
        number += chunk
    os.close(read_fd)
    return server, ":" + number.decode().strip()


def _cpu_s(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (fields 14 and 15 of /proc/pid/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _inject(display_name: str, window_ids: list[int], *, seconds: float, keys_per_s: float,
            motions_per_s: float) -> dict[str, int]:
    from Xlib import X, XK, display
    from Xlib.ext import xtest

    conn = display.Display(display_name)
    keycode = conn.keysym_to_keycode(XK.string_to_keysym("a"))
    sent = {"keys": 0, "motions": 0, "clicks": 0, "switches": 0}
    tick_s = 1.0 / 250.0
    start = time.monotonic()
    next_key = next_click = next_switch = start
    step = 0
    while (now := time.monotonic()) - start < seconds:
        if keys_per_s and now >= next_key:
            xtest.fake_input(conn, X.KeyPress, keycode)
            xtest.fake_input(conn, X.KeyRelease, keycode)
            sent["keys"] += 1
            next_key += 1.0 / keys_per_s
        if motions_per_s and (step % max(1, round(250 / motions_per_s)) == 0):
            xtest.fake_input(conn, X.MotionNotify, x=200 + step % 400, y=300 + (step // 7) % 200)
            sent["motions"] += 1
        if (keys_per_s or motions_per_s) and now >= next_click:
            xtest.fake_input(conn, X.ButtonPress, 1)
            xtest.fake_input(conn, X.ButtonRelease, 1)
            sent["clicks"] += 1
            next_click += 5.0
        if window_ids and now >= next_switch:
            window = conn.create_resource_object("window", window_ids[sent["switches"] % 2])
            window.set_input_focus(X.RevertToParent, X.CurrentTime)
            sent["switches"] += 1
            next_switch += 10.0
        conn.sync()
        step += 1
        time.sleep(max(0.0, start + step * tick_s - time.monotonic()))
    conn.close()
    return sent


def run_bench(*, seconds: float, keys_per_s: float, motions_per_s: float) -> dict[str, float]:
    """Run one measurement; returns CPU seconds, percent of one core and event totals."""
    server, display_name = start_xvfb()
    env = dict(os.environ, DISPLAY=display_name)
    work = Path(tempfile.mkdtemp(prefix="moodc-bench-"))
    env["XDG_CONFIG_HOME"] = str(work / "config")
    terms = [subprocess.Popen(["xterm", "-class", f"Bench{i}", "-e", "sleep", str(seconds + 60)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for i in range(2)]
    try:
        ids = [int(subprocess.run(["xdotool", "search", "--sync", "--class", f"Bench{i}"],
                                  env=env, capture_output=True, text=True, check=True,
                                  timeout=30).stdout.split()[0]) for i in range(2)]
        log = work / "bench.jsonl"
        recorder = subprocess.Popen([sys.executable, "-m", "moodc.cli", "record", "-o", str(log),
                                     "--interval", "60"], env=env, stderr=subprocess.PIPE,
                                    text=True)
        recorder.stderr.readline()  # the "recording ..." line: the backend is running
        cpu_start_s, wall_start_s = _cpu_s(recorder.pid), time.monotonic()
        sent = _inject(display_name, ids, seconds=seconds, keys_per_s=keys_per_s,
                       motions_per_s=motions_per_s)
        cpu_s, wall_s = _cpu_s(recorder.pid) - cpu_start_s, time.monotonic() - wall_start_s
        total_cpu_s = _cpu_s(recorder.pid)
        recorder.send_signal(signal.SIGTERM)
        _, stderr = recorder.communicate(timeout=30)
        lines = [json.loads(line) for line in log.read_text().splitlines()]
        seen = {name: sum(line[name] or 0 for line in lines)
                for name in ("keys", "clicks", "app_switches")}
        return {"seconds": round(wall_s, 1), "cpu_s": round(cpu_s, 3),
                "cpu_percent_of_one_core": round(100 * cpu_s / wall_s, 3),
                "cpu_s_including_startup": round(total_cpu_s, 3),
                "sent": sent, "recorded": seen, "recorder_says": stderr.strip().splitlines()[-1]}
    finally:
        for proc in terms + [server]:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--keys-per-s", type=float, default=10.0)
    parser.add_argument("--motions-per-s", type=float, default=250.0)
    args = parser.parse_args()
    print(json.dumps(run_bench(seconds=args.seconds, keys_per_s=args.keys_per_s,
                               motions_per_s=args.motions_per_s), indent=1))


if __name__ == "__main__":
    main()
