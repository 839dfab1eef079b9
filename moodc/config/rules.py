"""Cross-field rules that JSON Schema cannot express, shared by the model and ``validate``.

Each rule reads a plain dict (the document as loaded, or a model dump) and returns
:class:`Problem` values with the path of the offending value, so ``validate`` can point at
the right line while the pydantic model raises the same message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moodc import vocab


@dataclass(frozen=True)
class Problem:
    """One rule violation: where (a path of keys/indices), a code, a message and a hint."""

    path: tuple[str | int, ...]
    code: str
    message: str
    hint: str | None = None


def _num(value: Any) -> float | None:
    """``value`` as a number, or None when it is missing or not numeric (schema reports it)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def config_problems(data: dict[str, Any], *, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Cross-field problems of a config (or an inline config at ``prefix``)."""
    problems: list[Problem] = []
    comp = data.get("composition")
    if isinstance(comp, dict):
        defaults = vocab.DEFAULT_FIELDS["composition"]
        low = _num(comp.get("register_low", defaults["register_low"]))
        high = _num(comp.get("register_high", defaults["register_high"]))
        if low is not None and high is not None and low > high:
            problems.append(Problem(
                prefix + ("composition", "register_low"), "cross-field",
                f"register_low={low:g} is above register_high={high:g}",
                "register_low must be ≤ register_high; swap them or widen the range"))
    return problems


def score_problems(data: dict[str, Any]) -> list[Problem]:
    """Timeline problems of a score: fades and transitions must fit their sections."""
    problems: list[Problem] = []
    sections = data.get("sections")
    if not isinstance(sections, list):
        return problems
    durations = [_num(s.get("duration")) if isinstance(s, dict) else None for s in sections]
    for index, section in enumerate(sections):
        if not isinstance(section, dict):
            continue
        inline = section.get("config")
        if isinstance(inline, dict):
            problems += config_problems(inline, prefix=("sections", index, "config"))
        problems += _transition_problems(section, index, durations)
    if all(d is not None for d in durations):
        total_s = sum(durations)  # type: ignore[arg-type]
        fades_s = sum(_num(data.get(key, default)) or 0.0
                      for key, default in vocab.DEFAULT_SCORE.items())
        if fades_s > total_s:
            problems.append(Problem(
                ("fade_out",), "cross-field",
                f"fade_in + fade_out = {fades_s:g} s is longer than the score ({total_s:g} s)",
                "shorten the fades or lengthen the sections"))
    return problems


def _transition_problems(section: dict[str, Any], index: int,
                         durations: list[float | None]) -> list[Problem]:
    """A transition into section ``index`` must fit in both it and the section before."""
    transition = section.get("transition")
    if index == 0 or not isinstance(transition, dict):
        return []
    length_s = _num(transition.get("length"))
    here, before = durations[index], durations[index - 1]
    if length_s is None or here is None or before is None:
        return []
    limit_s = min(here, before)
    if length_s > limit_s:
        return [Problem(
            ("sections", index, "transition", "length"), "cross-field",
            f"transition length {length_s:g} s is longer than the sections it joins "
            f"({before:g} s and {here:g} s)",
            f"use a length of at most {limit_s:g} s")]
    return []
