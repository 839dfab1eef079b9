"""X11 backend (python-xlib): RECORD for input counts, EWMH or focus for the window, idle.

Mouse distance comes from sampling the pointer position (10 Hz while it moves), not from
motion events, which would cost ~0.15 ms of Python each at up to 1000 events/s.

Measured under Xvfb (see /work/shared/research/activity-capture.md): RECORD sees XTEST and
xdotool input exactly; ``_NET_ACTIVE_WINDOW`` needs an EWMH window manager, so without one
the focused window is climbed to its top-level; MIT-SCREEN-SAVER gives idle in 0.1 ms.

Privacy: the RECORD callback compares a key's keycode against the BackSpace/Delete keycodes
and drops it; only counts leave the callback. The set of currently held keycodes (to skip
auto-repeat) lives in memory for the length of a key press and is never written.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from typing import Any

from Xlib import X, XK, display, error  # noqa: F401 - imported only when x11 is selected
from Xlib.ext import record
from Xlib.protocol import rq

from moodc.activity.backends.base import (
    BackendLost, BackendUnavailable, Capabilities, InputCounts, Signal, WindowInfo,
)

#: Keysyms whose key presses count as corrections (their keycodes, never the key).
CORRECTION_KEYSYMS: tuple[str, ...] = ("BackSpace", "Delete", "KP_Delete")
#: Pointer sampling period while the pointer moves, and while it rests. Sampling the
#: position instead of receiving every MotionNotify through RECORD cut the recorder's CPU
#: from ~4 % to well under 1 % of a core at 250 motion events/s (python-xlib parses each
#: RECORD event in ~0.15 ms); 10 Hz still follows a hand's path closely.
POINTER_MOVING_S: float = 0.1
POINTER_RESTING_S: float = 0.5
#: Mouse buttons 4–7 are wheel steps (vertical and horizontal), not clicks.
WHEEL_BUTTONS: frozenset[int] = frozenset({4, 5, 6, 7})
#: Waits before retrying a connection the server closed at once. An X server with no
#: clients left regenerates (Xvfb without ``-noreset``, a bare kiosk server), and a
#: client connecting during that moment is reset; ``probe`` then ``start`` is exactly that.
RECONNECT_DELAYS_S: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4)
NO_DISPLAY = "no X display: set DISPLAY or run under X11"
_COMPOUND_UTF8 = re.compile(rb"\x1b%G|\x1b%@")


def decode_text_property(prop: Any, *, atom_name: str) -> str:
    """Decode a WM_NAME/_NET_WM_NAME value whatever its type (UTF8, STRING, COMPOUND_TEXT).

    xterm writes COMPOUND_TEXT with ``ESC%G … ESC%@`` UTF-8 segments; python-xlib hands
    that back as bytes, which is decoded here segment by segment (Latin-1 elsewhere).
    """
    raw = prop.value
    if isinstance(raw, str):
        return raw
    if atom_name == "COMPOUND_TEXT":
        parts = _COMPOUND_UTF8.split(raw)
        return "".join(p.decode("utf-8", "replace") if i % 2 else p.decode("latin-1")
                       for i, p in enumerate(parts))
    return raw.decode("utf-8" if atom_name == "UTF8_STRING" else "latin-1", "replace")


class X11Backend:
    """Input counts, focused window and idle time from an X server."""

    name = "x11"

    def __init__(self, *, display_name: str | None = None) -> None:
        self.display_name = display_name
        self._ctl: Any = None
        self._rec: Any = None
        self._ctx: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._counts = InputCounts()
        self._held: set[int] = set()
        self._correction_codes: frozenset[int] = frozenset()
        self._last_xy: tuple[int, int] | None = None
        self._lost: str | None = None
        self._has_idle = False
        self._ptr: Any = None
        self._ptr_thread: threading.Thread | None = None
        self._ptr_stop = threading.Event()

    # -- probing ----------------------------------------------------------------------
    def _connect(self) -> Any:
        name = self.display_name or os.environ.get("DISPLAY")
        if not name:
            wayland = " (this is a Wayland session: run under XWayland or an X11 session)" \
                if os.environ.get("WAYLAND_DISPLAY") else ""
            raise BackendUnavailable(NO_DISPLAY + wayland)
        for delay_s in (*RECONNECT_DELAYS_S, None):
            try:
                return display.Display(name)
            except error.ConnectionClosedError as exc:  # the server is regenerating
                if delay_s is None:
                    raise BackendUnavailable(f"cannot open X display {name!r} ({exc}); "
                                             f"the server kept closing the connection") from None
                time.sleep(delay_s)
            except (error.DisplayError, OSError, Exception) as exc:  # DisplayConnectionError
                raise BackendUnavailable(f"cannot open X display {name!r} ({exc}); "
                                         f"is the X server running?") from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def probe(self) -> Capabilities:
        try:
            conn = self._connect()
        except BackendUnavailable as exc:
            return _all_failed(str(exc))
        try:
            return _probe_connection(conn)
        finally:
            conn.close()

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        self._ctl, self._rec = self._connect(), self._connect()
        self._has_idle = self._ctl.has_extension("MIT-SCREEN-SAVER")
        codes: set[int] = set()
        for name in CORRECTION_KEYSYMS:
            keysym = XK.string_to_keysym(name)
            codes.update(code for code, _ in self._ctl.keysym_to_keycodes(keysym))
        self._correction_codes = frozenset(codes)
        if self._rec.has_extension("RECORD"):
            self._ctx = self._rec.record_create_context(0, [record.AllClients], [{
                "core_requests": (0, 0), "core_replies": (0, 0),
                "ext_requests": (0, 0, 0, 0), "ext_replies": (0, 0, 0, 0),
                "delivered_events": (0, 0),
                "device_events": (X.KeyPress, X.ButtonRelease),  # keys and buttons only
                "errors": (0, 0), "client_started": False, "client_died": False}])
            self._thread = threading.Thread(target=self._run_record, name="moodc-x11-record",
                                            daemon=True)
            self._thread.start()
        self._ptr = self._connect()  # python-xlib connections are not thread-safe
        self._ptr_thread = threading.Thread(target=self._run_pointer, name="moodc-x11-pointer",
                                            daemon=True)
        self._ptr_thread.start()

    def _run_pointer(self) -> None:
        """Sum the pointer's path by sampling its position (fast while it moves)."""
        delay_s = POINTER_RESTING_S
        try:
            root = self._ptr.screen().root
            while not self._ptr_stop.wait(delay_s):
                reply = root.query_pointer()
                point = (reply.root_x, reply.root_y)
                moved = self._last_xy is not None and point != self._last_xy
                with self._lock:
                    if moved:
                        self._counts.mouse_px += math.dist(point, self._last_xy)
                self._last_xy = point
                delay_s = POINTER_MOVING_S if moved else POINTER_RESTING_S
        except Exception as exc:  # the server went away; reported on the next drain
            self._lost = f"lost the X display: {exc}"

    def _run_record(self) -> None:
        try:
            self._rec.record_enable_context(self._ctx, self._on_record)
        except Exception as exc:  # the server went away; reported on the next drain
            self._lost = f"lost the X display: {exc}"

    def stop(self) -> None:
        if self._ctl is None:
            return
        self._ptr_stop.set()
        if self._ptr_thread is not None:
            self._ptr_thread.join(timeout=2.0)
        try:
            self._ptr.close()
        except Exception:  # already disconnected
            pass
        try:
            if self._ctx is not None:
                self._ctl.record_disable_context(self._ctx)
                self._ctl.flush()
                if self._thread is not None:
                    self._thread.join(timeout=2.0)
                self._rec.record_free_context(self._ctx)
            self._rec.close()
            self._ctl.close()
        except Exception:  # already disconnected: nothing left to release
            pass
        self._ctl = self._rec = self._ctx = None

    # -- input (RECORD thread) --------------------------------------------------------
    def _on_record(self, reply: Any) -> None:
        if reply.category != record.FromServer or reply.client_swapped or not reply.data:
            return
        data = reply.data
        while len(data):
            event, data = rq.EventField(None).parse_binary_value(data, self._rec.display, None, None)
            self._count(event)

    def _count(self, event: Any) -> None:
        with self._lock:
            counts = self._counts
            if event.type == X.KeyPress:
                if event.detail in self._held:  # auto-repeat of a held key
                    return
                self._held.add(event.detail)
                counts.keys += 1
                counts.corrections += event.detail in self._correction_codes
            elif event.type == X.KeyRelease:
                self._held.discard(event.detail)
            elif event.type == X.ButtonPress:
                if event.detail in WHEEL_BUTTONS:
                    counts.scrolls += 1
                else:
                    counts.clicks += 1

    def drain_input(self) -> InputCounts:
        if self._lost:
            raise BackendLost(self._lost)
        with self._lock:
            counts, self._counts = self._counts, InputCounts()
        if self._ctx is None:  # no RECORD: only the sampled pointer path is known
            return InputCounts(None, None, None, None, counts.mouse_px)
        return counts

    # -- window and idle (main thread) ------------------------------------------------
    def active_window(self) -> WindowInfo | None:
        try:
            window = _focused_window(self._ctl)
            return _describe(self._ctl, window) if window is not None else None
        except error.ConnectionClosedError as exc:
            raise BackendLost(f"lost the X display: {exc}") from None
        except error.XError:  # the window vanished between two requests
            return None

    def idle_seconds(self) -> float | None:
        if not self._has_idle:
            return None
        try:
            return self._ctl.screen().root.screensaver_query_info().idle / 1000.0
        except error.ConnectionClosedError as exc:
            raise BackendLost(f"lost the X display: {exc}") from None


def _all_failed(reason: str) -> Capabilities:
    names = ("keys", "corrections", "clicks", "scrolls", "mouse", "idle", "app", "window", "title")
    return Capabilities(backend="x11", signals={n: Signal(False, reason) for n in names})


def _probe_connection(conn: Any) -> Capabilities:
    has_record = conn.has_extension("RECORD")
    no_record = ("the X server has no RECORD extension; enable it (xorg.conf: "
                 'Section "Module" Load "record") ')
    input_signal = Signal(True, "RECORD extension") if has_record else Signal(False, no_record)
    mouse = Signal(True, "pointer position sampled at 10 Hz while moving")
    has_ss = conn.has_extension("MIT-SCREEN-SAVER")
    idle = (Signal(True, "MIT-SCREEN-SAVER") if has_ss else
            Signal(has_record, "estimated from input (no MIT-SCREEN-SAVER extension)"))
    ewmh = conn.screen().root.get_full_property(
        conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType) is not None
    how = "EWMH _NET_ACTIVE_WINDOW" if ewmh else \
        "no EWMH window manager: using the X input focus for the active window"
    notes = ("WAYLAND_DISPLAY is set: under XWayland only input to X11 windows is counted",) \
        if os.environ.get("WAYLAND_DISPLAY") else ()
    return Capabilities(backend="x11", notes=notes, signals={
        "keys": input_signal, "corrections": input_signal, "clicks": input_signal,
        "scrolls": input_signal, "mouse": mouse, "idle": idle,
        "app": Signal(True, how + " + WM_CLASS"), "window": Signal(True, how),
        "title": Signal(True, "_NET_WM_NAME / WM_NAME (stored per --titles)")})


def _focused_window(conn: Any) -> Any:
    """``_NET_ACTIVE_WINDOW`` under an EWMH WM, else the input focus (None if nothing)."""
    root = conn.screen().root
    if root.get_full_property(conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType):
        prop = root.get_full_property(conn.intern_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
        if prop is not None and len(prop.value) and prop.value[0]:
            return conn.create_resource_object("window", prop.value[0])
    focus = conn.get_input_focus().focus
    if isinstance(focus, int) or focus.id == root.id:  # None or PointerRoot
        return None
    return _client_of(focus, root)


def _client_of(window: Any, root: Any) -> Any:
    """Climb from ``window`` to the nearest ancestor with WM_CLASS (else its top-level)."""
    current = window
    while True:
        if current.get_wm_class() is not None:
            return current
        parent = current.query_tree().parent
        if not parent or parent.id == root.id:
            return current
        current = parent


def _describe(conn: Any, window: Any) -> WindowInfo:
    prop = (window.get_full_property(conn.intern_atom("_NET_WM_NAME"), X.AnyPropertyType)
            or window.get_full_property(conn.intern_atom("WM_NAME"), X.AnyPropertyType))
    title = decode_text_property(prop, atom_name=conn.get_atom_name(prop.property_type)) \
        if prop is not None else None
    wm_class = window.get_wm_class()
    app = wm_class[1] if wm_class else None
    return WindowInfo(app=app, title=title, window_id=window.id)


def create(*, display_name: str | None = None, **_: object) -> X11Backend:
    """Build the X11 backend (connects on :meth:`X11Backend.start`)."""
    return X11Backend(display_name=display_name)


if __name__ == "__main__":  # smoke loop: print counts, window and idle every second
    from moodc.activity.backends.base import smoke_loop

    smoke_loop(create())
