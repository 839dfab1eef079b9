"""macOS backend (pyobjc) — written from Apple's documented APIs, NOT tested on a Mac yet.

Tiers (see /work/shared/research/activity-capture.md §7):

- **no permission**: key/click/scroll *counts* from ``CGEventSourceCounterForEventType``
  deltas, idle from ``CGEventSourceSecondsSinceLastEventType``, the front app from
  ``NSWorkspace``, mouse path by sampling ``NSEvent.mouseLocation()`` at 10 Hz;
- **Screen Recording** permission: window titles from ``CGWindowListCopyWindowInfo``;
- corrections (BackSpace counts) would need Input Monitoring and a listen-only event tap;
  not implemented, so they are recorded as unavailable.

Every OS import happens inside a method, so this module imports anywhere and ``--check``
explains what is missing instead of crashing.
"""

from __future__ import annotations

import math
import sys
import threading
from typing import Any

from moodc.activity.backends.base import (
    BackendUnavailable, Capabilities, InputCounts, Signal, WindowInfo,
)

#: Seconds between mouse-position samples: 10 Hz follows a hand's path closely enough for
#: a distance estimate at negligible cost.
MOUSE_SAMPLE_S: float = 0.1
SCREEN_RECORDING_PANE = "x-apple.systempreferences:com.apple.preference.security?Privacy_ScreenCapture"
INPUT_MONITORING_PANE = "x-apple.systempreferences:com.apple.preference.security?Privacy_ListenEvent"
INSTALL = "pip install pyobjc-framework-Quartz pyobjc-framework-Cocoa"


def _frameworks() -> tuple[Any, Any]:
    if sys.platform != "darwin":
        raise BackendUnavailable("the macos backend runs only on macOS")
    try:
        import AppKit
        import Quartz
    except ImportError:
        raise BackendUnavailable(f"pyobjc is not installed: {INSTALL}") from None
    return Quartz, AppKit


class MacOSBackend:
    """Counts, idle and front app without permissions; titles with Screen Recording."""

    name = "macos"

    def __init__(self) -> None:
        self._q: Any = None
        self._appkit: Any = None
        self._last: dict[str, int] = {}
        self._mouse_px = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._titles_ok = False

    def probe(self) -> Capabilities:
        try:
            quartz, _ = _frameworks()
        except BackendUnavailable as exc:
            names = ("keys", "corrections", "clicks", "scrolls", "mouse", "idle", "app",
                     "window", "title")
            return Capabilities(backend=self.name, signals={n: Signal(False, str(exc)) for n in names})
        titles_ok = bool(getattr(quartz, "CGPreflightScreenCaptureAccess", lambda: True)())
        counter = Signal(True, "CGEventSourceCounterForEventType (no permission needed)")
        return Capabilities(backend=self.name, signals={
            "keys": counter, "clicks": counter, "scrolls": counter,
            "corrections": Signal(False, "needs Input Monitoring and an event tap (not "
                                         f"implemented yet); pane: {INPUT_MONITORING_PANE}"),
            "mouse": Signal(True, "NSEvent.mouseLocation sampled at 10 Hz"),
            "idle": Signal(True, "CGEventSourceSecondsSinceLastEventType"),
            "app": Signal(True, "NSWorkspace frontmost application"),
            "window": Signal(True, "front application changes"),
            "title": Signal(titles_ok, "CGWindowList window names" if titles_ok else
                            "grant Screen Recording to your terminal (System Settings → "
                            f"Privacy & Security → Screen Recording): {SCREEN_RECORDING_PANE}"),
        })

    def _counter(self, event_type: int) -> int:
        q = self._q
        return int(q.CGEventSourceCounterForEventType(q.kCGEventSourceStateHIDSystemState,
                                                      event_type))

    def _counter_types(self) -> dict[str, tuple[int, ...]]:
        q = self._q
        return {"keys": (q.kCGEventKeyDown,),
                "clicks": (q.kCGEventLeftMouseDown, q.kCGEventRightMouseDown,
                           q.kCGEventOtherMouseDown),
                "scrolls": (q.kCGEventScrollWheel,)}

    def start(self) -> None:
        self._q, self._appkit = _frameworks()
        self._titles_ok = bool(getattr(self._q, "CGPreflightScreenCaptureAccess", lambda: True)())
        self._last = {name: sum(self._counter(t) for t in types)
                      for name, types in self._counter_types().items()}
        self._thread = threading.Thread(target=self._sample_mouse, name="moodc-macos-mouse",
                                        daemon=True)
        self._thread.start()

    def _sample_mouse(self) -> None:
        last = None
        while not self._stop.wait(MOUSE_SAMPLE_S):
            point = self._appkit.NSEvent.mouseLocation()
            current = (float(point.x), float(point.y))
            if last is not None:
                with self._lock:
                    self._mouse_px += math.dist(current, last)
            last = current

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    def drain_input(self) -> InputCounts:
        counts = InputCounts(corrections=None)
        for name, types in self._counter_types().items():
            total = sum(self._counter(t) for t in types)
            setattr(counts, name, max(0, total - self._last[name]))
            self._last[name] = total
        with self._lock:
            counts.mouse_px, self._mouse_px = self._mouse_px, 0.0
        return counts

    def active_window(self) -> WindowInfo | None:
        app = self._appkit.NSWorkspace.sharedWorkspace().frontmostApplication()
        if app is None:
            return None
        pid = int(app.processIdentifier())
        return WindowInfo(app=str(app.localizedName()), title=self._title_of(pid), window_id=pid)

    def _title_of(self, pid: int) -> str | None:
        if not self._titles_ok:
            return None
        q = self._q
        windows = q.CGWindowListCopyWindowInfo(
            q.kCGWindowListOptionOnScreenOnly | q.kCGWindowListExcludeDesktopElements,
            q.kCGNullWindowID) or []
        for info in windows:
            if int(info.get("kCGWindowOwnerPID", -1)) == pid and info.get("kCGWindowLayer") == 0:
                name = info.get("kCGWindowName")
                return str(name) if name else None
        return None

    def idle_seconds(self) -> float | None:
        q = self._q
        return float(q.CGEventSourceSecondsSinceLastEventType(
            q.kCGEventSourceStateHIDSystemState, q.kCGAnyInputEventType))


def create(**_: object) -> MacOSBackend:
    """Build the macOS backend (frameworks load on :meth:`MacOSBackend.start`)."""
    return MacOSBackend()


if __name__ == "__main__":  # smoke loop for a real Mac
    from moodc.activity.backends.base import smoke_loop

    smoke_loop(create())
