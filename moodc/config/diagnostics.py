"""Diagnostics: what ``validate`` found, as plain values, and the renderers that print them.

Validators return lists of :class:`Diagnostic` and print nothing; renderers (text, json) are
separate functions chosen from :data:`RENDERERS`. Lines and columns start at 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    code: str
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


def render_text(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    """Compiler-style lines: ``file:line:col: error[code]: message`` then ``  = hint: ...``."""
    lines: list[str] = []
    for diag in diagnostics:
        label = f"{diag.severity}[{diag.code}]"
        if color:
            import click

            label = click.style(label, fg="red" if diag.severity == "error" else "yellow",
                                bold=True)
        lines.append(f"{diag.file}:{diag.line}:{diag.column}: {label}: {diag.message}")
        if diag.hint:
            lines.append(f"  = hint: {diag.hint}")
    return "\n".join(lines)


def render_json(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> str:
    """A JSON list of diagnostics (file, line, column, code, severity, message, hint)."""
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[..., str]] = {"text": render_text, "json": render_json}


def did_you_mean(value: object, choices: Sequence[object]) -> str | None:
    """The closest allowed value to ``value`` (case-insensitive first, then difflib), if any."""
    import difflib

    text = str(value)
    by_lower = {str(c).lower(): c for c in choices}
    if text.lower() in by_lower:
        return str(by_lower[text.lower()])
    normalised = text.lower().replace("-", "_").replace(" ", "_")
    if normalised in by_lower:
        return str(by_lower[normalised])
    close = difflib.get_close_matches(text.lower(), list(by_lower), n=1, cutoff=0.6)
    return str(by_lower[close[0]]) if close else None
