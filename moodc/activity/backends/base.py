"""The typed interface every recorder backend satisfies, and the values it returns.

Nothing here imports anything OS-specific. A backend reports *counts since the last call*
(:meth:`Backend.drain_input`), the focused window and the idle time; the aggregator turns
those into buckets, so all bucket logic is shared and testable without a display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

#: The signals a backend may provide, and what each one feeds in a bucket.
CAPABILITY_SIGNALS: Final[dict[str, tuple[str, ...]]] = {
    "keys": ("keys",),
    "corrections": ("corrections",),
    "clicks": ("clicks",),
    "scrolls": ("scrolls",),
    "mouse": ("mouse_px",),
    "idle": ("active_s", "idle_s"),
    "app": ("apps", "app_switches"),
    "window": ("window_switches",),
    "title": ("titles",),
}


@dataclass(frozen=True)
class Signal:
    """Whether one signal works here, and if not, how to enable it."""

    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Capabilities:
    """What a backend can observe on this machine (``signals`` keyed as CAPABILITY_SIGNALS)."""

    backend: str
    signals: dict[str, Signal]
    notes: tuple[str, ...] = ()

    @property
    def any_ok(self) -> bool:
        """True when at least one signal can be recorded."""
        return any(s.ok for s in self.signals.values())

    def bucket_fields_unavailable(self) -> list[str]:
        """Bucket field names that this backend cannot fill (they are written as null)."""
        missing: list[str] = []
        for signal, fields in CAPABILITY_SIGNALS.items():
            if not self.signals.get(signal, Signal(False)).ok:
                missing.extend(fields)
        return missing


@dataclass
class InputCounts:
    """Input seen since the previous drain. A field is None when it cannot be observed."""

    keys: int | None = 0
    corrections: int | None = 0
    clicks: int | None = 0
    scrolls: int | None = 0
    mouse_px: float | None = 0.0

    @property
    def any_input(self) -> bool:
        """True when any input event was seen (used to estimate idle without an idle counter)."""
        return any((v or 0) > 0 for v in (self.keys, self.clicks, self.scrolls, self.mouse_px))


@dataclass(frozen=True)
class WindowInfo:
    """The focused window: application name (WM_CLASS class, bundle name, exe) and title."""

    app: str | None
    title: str | None
    window_id: int | str | None = None


class BackendUnavailable(Exception):
    """The backend cannot start here (no display, missing library, no permission)."""


class BackendLost(Exception):
    """The backend stopped working mid-recording (e.g. the X server went away)."""


@runtime_checkable
class Backend(Protocol):
    """A source of activity signals on one platform.

    Lifecycle: :meth:`probe` (cheap, safe to call without starting), :meth:`start`, then
    repeated :meth:`drain_input` / :meth:`active_window` / :meth:`idle_seconds` from one
    thread, then :meth:`stop`. Implementations never keep key identities: a key event only
    increments ``keys`` and, when its keysym class is BackSpace/Delete, ``corrections``.
    """

    name: str

    def probe(self) -> Capabilities:
        """Which signals work here, with a fix for each one that does not."""
        ...

    def start(self) -> None:
        """Begin capturing; raises :class:`BackendUnavailable` when it cannot."""
        ...

    def stop(self) -> None:
        """Stop capturing and release OS resources; safe to call twice."""
        ...

    def drain_input(self) -> InputCounts:
        """Counts since the previous call (then reset to zero)."""
        ...

    def active_window(self) -> WindowInfo | None:
        """The focused window now, or None when nothing is focused or it cannot be seen."""
        ...

    def idle_seconds(self) -> float | None:
        """Seconds since the last user input, or None when the platform cannot tell."""
        ...


def smoke_loop(backend: Backend, *, n_seconds: int = 10) -> None:
    """Print a backend's probe, then its counts, window and idle time once a second.

    Each backend module runs this under ``if __name__ == "__main__":`` so it can be tried by
    hand on its own OS (``python -m moodc.activity.backends.x11``).
    """
    import time

    print(backend.probe())
    backend.start()
    try:
        for _ in range(n_seconds):
            time.sleep(1.0)
            print(backend.drain_input(), backend.active_window(), backend.idle_seconds())
    finally:
        backend.stop()
