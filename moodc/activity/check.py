"""``moodc record --check``: which signals work here and how to enable the rest."""

from __future__ import annotations

from typing import Final

from moodc.activity.backends.base import Capabilities

#: Signal → the bucket fields it feeds, as shown to the user.
SIGNAL_LABELS: Final[dict[str, str]] = {
    "keys": "key presses (counts only)",
    "corrections": "corrections (BackSpace/Delete counts)",
    "clicks": "mouse clicks",
    "scrolls": "wheel scrolls",
    "mouse": "mouse distance",
    "idle": "active vs idle time",
    "app": "active application",
    "window": "window switches",
    "title": "window titles",
}


def check_lines(capabilities: Capabilities) -> list[str]:
    """Human-readable lines: one per signal (ok/missing + detail), then notes and a verdict."""
    lines = [f"backend: {capabilities.backend}"]
    details = {s.detail for s in capabilities.signals.values()}
    if not capabilities.any_ok and len(details) == 1:
        return lines + [f"  --  nothing can be recorded: {details.pop()}", "can record: no"]
    width = max(len(label) for label in SIGNAL_LABELS.values())
    for name, label in SIGNAL_LABELS.items():
        signal = capabilities.signals.get(name)
        if signal is None:
            continue
        mark = "ok " if signal.ok else "-- "
        lines.append(f"  {mark} {label:<{width}}  {signal.detail}".rstrip())
    lines += [f"note: {note}" for note in capabilities.notes]
    lines.append("can record: yes" if capabilities.any_ok else "can record: no")
    return lines
