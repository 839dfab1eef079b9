"""Windows backend (ctypes only) — written from the Win32 docs, NOT tested on Windows yet.

- input counts: low-level hooks (``WH_KEYBOARD_LL``, ``WH_MOUSE_LL``) on a thread with its
  own message loop. The hook procedures only count and return at once: Windows silently
  removes hooks that are slow (``LowLevelHooksTimeout``). A key's virtual-key code is
  compared with VK_BACK/VK_DELETE and dropped; held keys are tracked to skip auto-repeat.
- idle: ``GetLastInputInfo`` against ``GetTickCount`` (both 32-bit milliseconds, wrapping);
- window: ``GetForegroundWindow`` → ``GetWindowTextW`` and the process image name.

Input to elevated windows is not seen by a non-elevated hook (UIPI), as reported by others.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
from ctypes import wintypes
from typing import Any

from moodc.activity.backends.base import (
    BackendUnavailable, Capabilities, InputCounts, Signal, WindowInfo,
)

WH_KEYBOARD_LL, WH_MOUSE_LL, WM_QUIT = 13, 14, 0x0012
KEY_DOWN = frozenset({0x0100, 0x0104})  # WM_KEYDOWN, WM_SYSKEYDOWN
KEY_UP = frozenset({0x0101, 0x0105})  # WM_KEYUP, WM_SYSKEYUP
CLICKS = frozenset({0x0201, 0x0204, 0x0207, 0x020B})  # L/R/M/X button down
WHEELS = frozenset({0x020A, 0x020E})  # WM_MOUSEWHEEL, WM_MOUSEHWHEEL
WM_MOUSEMOVE = 0x0200
#: VK_BACK and VK_DELETE: key presses counted as corrections.
CORRECTION_VKS = frozenset({0x08, 0x2E})
#: One wheel notch (WHEEL_DELTA); high-resolution wheels send fractions of it.
WHEEL_DELTA = 120
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000


class _KBDLLHOOKSTRUCT(ctypes.Structure):
    _fields_ = [("vkCode", wintypes.DWORD), ("scanCode", wintypes.DWORD),
                ("flags", wintypes.DWORD), ("time", wintypes.DWORD),
                ("dwExtraInfo", ctypes.c_size_t)]


class _MSLLHOOKSTRUCT(ctypes.Structure):
    _fields_ = [("pt", wintypes.POINT), ("mouseData", wintypes.DWORD),
                ("flags", wintypes.DWORD), ("time", wintypes.DWORD),
                ("dwExtraInfo", ctypes.c_size_t)]


class _LASTINPUTINFO(ctypes.Structure):
    _fields_ = [("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD)]


def _dlls() -> tuple[Any, Any]:
    if sys.platform != "win32":
        raise BackendUnavailable("the windows backend runs only on Windows")
    user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    user32.CallNextHookEx.argtypes = (wintypes.HHOOK, ctypes.c_int, wintypes.WPARAM,
                                      wintypes.LPARAM)
    user32.CallNextHookEx.restype = ctypes.c_ssize_t
    user32.SetWindowsHookExW.restype = wintypes.HHOOK
    return user32, kernel32


class WindowsBackend:
    """Counts via low-level hooks, idle via GetLastInputInfo, the foreground window."""

    name = "windows"

    def __init__(self) -> None:
        self._user32: Any = None
        self._kernel32: Any = None
        self._lock = threading.Lock()
        self._counts = InputCounts()
        self._held: set[int] = set()
        self._last_xy: tuple[int, int] | None = None
        self._wheel = 0
        self._thread: threading.Thread | None = None
        self._thread_id = 0
        self._procs: list[Any] = []  # keep the ctypes callbacks alive

    def probe(self) -> Capabilities:
        try:
            _dlls()
        except BackendUnavailable as exc:
            reason = Signal(False, str(exc))
        else:
            reason = Signal(True, "Win32 API (no permission needed)")
        names = ("keys", "corrections", "clicks", "scrolls", "mouse", "idle", "app", "window",
                 "title")
        return Capabilities(backend=self.name, signals={n: reason for n in names})

    # -- hooks (their own thread and message loop) ------------------------------------
    def _on_key(self, code: int, wparam: int, lparam: int) -> int:
        if code == 0:
            vk = ctypes.cast(lparam, ctypes.POINTER(_KBDLLHOOKSTRUCT)).contents.vkCode
            with self._lock:
                if wparam in KEY_DOWN and vk not in self._held:
                    self._held.add(vk)
                    self._counts.keys += 1
                    self._counts.corrections += vk in CORRECTION_VKS
                elif wparam in KEY_UP:
                    self._held.discard(vk)
        return self._user32.CallNextHookEx(None, code, wparam, lparam)

    def _on_mouse(self, code: int, wparam: int, lparam: int) -> int:
        if code == 0:
            info = ctypes.cast(lparam, ctypes.POINTER(_MSLLHOOKSTRUCT)).contents
            with self._lock:
                if wparam in CLICKS:
                    self._counts.clicks += 1
                elif wparam in WHEELS:
                    delta = ctypes.c_short(info.mouseData >> 16).value
                    self._wheel += abs(delta)
                    self._counts.scrolls += self._wheel // WHEEL_DELTA
                    self._wheel %= WHEEL_DELTA
                elif wparam == WM_MOUSEMOVE:
                    point = (info.pt.x, info.pt.y)
                    if self._last_xy is not None:
                        self._counts.mouse_px += math.dist(point, self._last_xy)
                    self._last_xy = point
        return self._user32.CallNextHookEx(None, code, wparam, lparam)

    def _run_hooks(self) -> None:
        hookproc = ctypes.WINFUNCTYPE(ctypes.c_ssize_t, ctypes.c_int, wintypes.WPARAM,  # type: ignore[attr-defined]
                                      wintypes.LPARAM)
        self._procs = [hookproc(self._on_key), hookproc(self._on_mouse)]
        self._thread_id = self._kernel32.GetCurrentThreadId()
        hooks = [self._user32.SetWindowsHookExW(kind, proc, None, 0)
                 for kind, proc in zip((WH_KEYBOARD_LL, WH_MOUSE_LL), self._procs)]
        message = wintypes.MSG()
        while self._user32.GetMessageW(ctypes.byref(message), None, 0, 0) > 0:
            self._user32.TranslateMessage(ctypes.byref(message))
            self._user32.DispatchMessageW(ctypes.byref(message))
        for hook in hooks:
            if hook:
                self._user32.UnhookWindowsHookEx(hook)

    def start(self) -> None:
        self._user32, self._kernel32 = _dlls()
        self._thread = threading.Thread(target=self._run_hooks, name="moodc-win-hooks",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None and self._thread_id:
            self._user32.PostThreadMessageW(self._thread_id, WM_QUIT, 0, 0)
            self._thread.join(timeout=2.0)
        self._thread = None

    def drain_input(self) -> InputCounts:
        with self._lock:
            counts, self._counts = self._counts, InputCounts()
        return counts

    # -- window and idle --------------------------------------------------------------
    def active_window(self) -> WindowInfo | None:
        hwnd = self._user32.GetForegroundWindow()
        if not hwnd:
            return None
        length = self._user32.GetWindowTextLengthW(hwnd)
        buffer = ctypes.create_unicode_buffer(length + 1)
        self._user32.GetWindowTextW(hwnd, buffer, length + 1)
        pid = wintypes.DWORD()
        self._user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        return WindowInfo(app=self._exe_name(pid.value), title=buffer.value or None,
                          window_id=int(hwnd))

    def _exe_name(self, pid: int) -> str | None:
        handle = self._kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return None
        try:
            size = wintypes.DWORD(1024)
            buffer = ctypes.create_unicode_buffer(size.value)
            if not self._kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                return None
            return os.path.splitext(os.path.basename(buffer.value))[0]
        finally:
            self._kernel32.CloseHandle(handle)

    def idle_seconds(self) -> float | None:
        info = _LASTINPUTINFO(cbSize=ctypes.sizeof(_LASTINPUTINFO))
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            return None
        now_ms = self._kernel32.GetTickCount() & 0xFFFFFFFF
        return ((now_ms - info.dwTime) & 0xFFFFFFFF) / 1000.0


def create(**_: object) -> WindowsBackend:
    """Build the Windows backend (hooks install on :meth:`WindowsBackend.start`)."""
    return WindowsBackend()


if __name__ == "__main__":  # smoke loop for a real Windows machine
    from moodc.activity.backends.base import smoke_loop

    smoke_loop(create())
