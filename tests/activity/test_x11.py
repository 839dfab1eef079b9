"""`moodc record` against a real (virtual) X server: Xvfb + xterm windows + xdotool input.

Skipped only when Xvfb is not installed (CI installs it: apt-get install xvfb xdotool xterm).
The other tools and python-xlib are required once Xvfb exists, so a half-installed CI fails
loudly instead of silently skipping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

#: Slow lane: this module starts Xvfb and drives real windows.
pytestmark = pytest.mark.slow

TYPED = "zqjxmoodcsecretqz"  # distinctive, lower-case: one key press per character
EDITOR_TITLE = "Editor secret-title.txt"


def _require(tool: str) -> None:
    if not shutil.which(tool):
        pytest.fail(f"{tool} is not installed; run: apt-get install -y xvfb xdotool xterm")


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    """A private Xvfb on a free display (``-displayfd``); yields the DISPLAY string."""
    for tool in ("Xvfb", "xdotool", "xterm"):
        _require(tool)
    try:
        import Xlib  # noqa: F401
    except ImportError:
        pytest.fail("python-xlib is not installed; run: pip install python-xlib")
    from moodc.activity.bench import start_xvfb

    server, display = start_xvfb()
    yield display
    server.terminate()
    server.wait(10)


def _env(display: str, tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, DISPLAY=display, XDG_CONFIG_HOME=str(tmp_path / "config"))


def _xdotool(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["xdotool", *args], env=env, check=True, capture_output=True,
                          text=True, timeout=30).stdout


@pytest.fixture()
def two_xterms(xvfb: str, tmp_path: Path) -> Iterator[tuple[dict[str, str], str, str]]:
    """Two xterm windows with their own WM_CLASS; yields (env, editor id, browser id)."""
    env = _env(xvfb, tmp_path)
    terms = [subprocess.Popen(["xterm", "-class", cls, "-T", title, "-e", "sleep", "120"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for cls, title in (("MoodcEditor", EDITOR_TITLE), ("MoodcBrowser", "Browser page"))]
    try:
        ids = [_xdotool(env, "search", "--sync", "--class", cls).split()[0]
               for cls in ("MoodcEditor", "MoodcBrowser")]
        yield env, ids[0], ids[1]
    finally:
        for term in terms:
            term.terminate()
            term.wait(10)


def test_record_counts_real_x_input_and_stores_no_typed_text(two_xterms, tmp_path: Path) -> None:
    env, editor, browser = two_xterms
    log = tmp_path / "day.jsonl"
    recorder = subprocess.Popen([sys.executable, "-m", "moodc.cli", "record", "-o", str(log),
                                 "--interval", "2"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert "recording" in recorder.stderr.readline()
        _xdotool(env, "windowfocus", "--sync", editor)
        _xdotool(env, "type", "--delay", "15", TYPED)
        _xdotool(env, "key", "BackSpace", "BackSpace", "Delete")
        time.sleep(1.2)
        _xdotool(env, "windowfocus", "--sync", browser)
        time.sleep(0.6)
        _xdotool(env, "mousemove", "100", "100")
        time.sleep(1.0)  # the pointer is sampled (2 Hz at rest, 10 Hz while moving)
        _xdotool(env, "mousemove", "400", "500")  # 500 px
        time.sleep(0.8)
        _xdotool(env, "click", "1", "click", "3", "click", "4", "click", "5", "click", "5")
        time.sleep(1.2)
        _xdotool(env, "windowfocus", "--sync", editor)
        time.sleep(1.0)
    finally:
        recorder.send_signal(signal.SIGTERM)
        _, stderr = recorder.communicate(timeout=30)
    assert recorder.returncode == 0, stderr
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    total = lambda name: sum(line[name] for line in lines)  # noqa: E731
    assert total("keys") == len(TYPED) + 3
    assert total("corrections") == 3
    assert (total("clicks"), total("scrolls")) == (2, 3)
    assert 500 <= total("mouse_px") < 2000
    assert total("app_switches") == 2
    apps: dict[str, float] = {}
    for line in lines:
        for app, seconds in line["apps"].items():
            apps[app] = apps.get(app, 0.0) + seconds
    assert set(apps) == {"MoodcEditor", "MoodcBrowser"} and min(apps.values()) > 0
    assert all(line["unavailable"] == [] for line in lines)
    assert all(t.startswith("hmac:") for line in lines for t in line["titles"])
    # privacy: nothing typed and no title text anywhere under the test's directory
    for path in tmp_path.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert TYPED.encode() not in content and b"secret" not in content, path
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_check_under_x_reports_every_signal(xvfb: str, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "moodc.cli", "record", "--check"],
                            env=_env(xvfb, tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    signal_lines = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(signal_lines) == 9 and all(line.startswith("  ok") for line in signal_lines)
    assert "can record: yes" in result.stdout
    assert "no EWMH window manager" in result.stdout


def test_ewmh_active_window_is_preferred_over_focus(two_xterms, tmp_path: Path) -> None:
    """A stand-in window manager: set _NET_SUPPORTING_WM_CHECK and _NET_ACTIVE_WINDOW."""
    from Xlib import Xatom, display

    from moodc.activity.backends.x11 import X11Backend

    env, editor, browser = two_xterms
    _xdotool(env, "windowfocus", "--sync", editor)
    conn = display.Display(env["DISPLAY"])
    root = conn.screen().root
    root.change_property(conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), Xatom.WINDOW, 32,
                         [int(browser)])
    root.change_property(conn.intern_atom("_NET_ACTIVE_WINDOW"), Xatom.WINDOW, 32, [int(browser)])
    conn.sync()
    backend = X11Backend(display_name=env["DISPLAY"])
    backend.start()
    try:
        window = backend.active_window()
        assert window is not None and window.app == "MoodcBrowser"
        assert window.title == "Browser page"
        assert backend.idle_seconds() is not None
    finally:
        backend.stop()
        root.delete_property(conn.intern_atom("_NET_SUPPORTING_WM_CHECK"))
        root.delete_property(conn.intern_atom("_NET_ACTIVE_WINDOW"))
        conn.close()


def test_a_connection_reset_while_the_server_regenerates_is_retried(monkeypatch) -> None:
    """A bare X server regenerates when its last client leaves; ``probe`` then ``start`` can
    meet that moment ("Connection reset by peer"). The backend waits and connects again, and
    a server that keeps closing gives one clear error."""
    from Xlib import error

    from moodc.activity.backends import x11
    from moodc.activity.backends.base import BackendUnavailable

    attempts: list[str] = []

    def flaky(name: str) -> str:
        attempts.append(name)
        if len(attempts) < 3:
            raise error.ConnectionClosedError("server")
        return "connection"

    monkeypatch.setattr(x11.display, "Display", flaky)
    monkeypatch.setattr(x11.time, "sleep", lambda _s: None)
    assert x11.X11Backend(display_name=":7")._connect() == "connection"
    assert attempts == [":7"] * 3

    def closing(name: str) -> str:
        raise error.ConnectionClosedError("server")

    monkeypatch.setattr(x11.display, "Display", closing)
    with pytest.raises(BackendUnavailable, match="':7'.*kept closing"):
        x11.X11Backend(display_name=":7")._connect()
