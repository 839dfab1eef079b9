"""A scripted backend for tests and demos: replays input, windows and idle from a script.

Script (a dict, or a JSON file)::

    {"signals": {"corrections": false},          # optional: signals to mark unavailable
     "steps": [{"t": 0.5, "keys": 3, "corrections": 1, "clicks": 0, "scrolls": 0,
                "mouse_px": 12.5, "app": "Code", "title": "main.py"}, ...]}

``t`` is seconds after :meth:`ReplayBackend.start`. Input counts of every step whose time
has passed are returned by the next drain; the window is that of the latest step that named
one. Idle time is the time since the last step with input (or None when ``idle`` is off).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from moodc.activity.backends.base import (
    CAPABILITY_SIGNALS, Capabilities, InputCounts, Signal, WindowInfo,
)

_COUNTS: dict[str, str] = {"keys": "keys", "corrections": "corrections", "clicks": "clicks",
                           "scrolls": "scrolls", "mouse_px": "mouse"}


class ReplayBackend:
    """Replays ``script`` against ``clock`` (epoch seconds; real time by default)."""

    name = "replay"

    def __init__(self, script: dict[str, Any], *, clock: Callable[[], float] = time.time) -> None:
        self.steps = sorted(script.get("steps", []), key=lambda s: float(s.get("t", 0.0)))
        disabled = {k for k, on in (script.get("signals") or {}).items() if not on}
        self.signals = {s: Signal(s not in disabled, "" if s not in disabled else "off in script")
                        for s in CAPABILITY_SIGNALS}
        self.clock = clock
        self._start_s: float | None = None
        self._next = 0
        self._window: WindowInfo | None = None
        self._last_input_s: float | None = None

    def probe(self) -> Capabilities:
        return Capabilities(backend=self.name, signals=dict(self.signals))

    def start(self) -> None:
        self._start_s = self.clock()
        self._last_input_s = self._start_s

    def stop(self) -> None:
        self._start_s = None

    def _advance(self) -> InputCounts:
        counts = InputCounts()
        now_s = self.clock()
        while self._next < len(self.steps) and \
                self._start_s + float(self.steps[self._next].get("t", 0.0)) <= now_s:
            step = self.steps[self._next]
            for field, signal in _COUNTS.items():
                if field in step and self.signals[signal].ok:
                    setattr(counts, field, getattr(counts, field) + step[field])
            if any(step.get(f) for f in _COUNTS):
                self._last_input_s = self._start_s + float(step.get("t", 0.0))
            if "app" in step or "title" in step:
                self._window = WindowInfo(step.get("app"), step.get("title"), step.get("window"))
            self._next += 1
        for field, signal in _COUNTS.items():
            if not self.signals[signal].ok:
                setattr(counts, field, None)
        return counts

    def drain_input(self) -> InputCounts:
        return self._advance()

    def active_window(self) -> WindowInfo | None:
        if not self.signals["app"].ok:
            return None
        return self._window

    def idle_seconds(self) -> float | None:
        if not self.signals["idle"].ok or self._last_input_s is None:
            return None
        return max(0.0, self.clock() - self._last_input_s)


def create(*, script: dict[str, Any] | str | Path | None = None,
           clock: Callable[[], float] = time.time, **_: object) -> ReplayBackend:
    """Build a replay backend from a script dict or the path of a JSON script."""
    if script is None:
        script = {"steps": []}
    if not isinstance(script, dict):
        script = json.loads(Path(script).read_text(encoding="utf-8"))
    return ReplayBackend(script, clock=clock)


if __name__ == "__main__":  # smoke loop: replay a tiny script in real time
    backend = create(script={"steps": [{"t": 0.2, "keys": 5, "app": "demo", "title": "x"}]})
    backend.start()
    time.sleep(0.3)
    print(backend.drain_input(), backend.active_window(), backend.idle_seconds())
