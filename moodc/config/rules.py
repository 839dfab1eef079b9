"""Cross-field rules that JSON Schema cannot express, shared by the model and ``validate``.

Each rule reads a plain dict (the document as loaded, or a model dump) and returns
:class:`Problem` values with the path of the offending value, so ``validate`` can point at
the right line while the pydantic model raises the same message.
"""

from __future__ import annotations

import math
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


def nonfinite_problems(node: Any, *, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Every NaN or infinite number in a document: no field accepts one (JSON Schema's
    ``minimum``/``maximum`` let NaN through, since every comparison with NaN is false)."""
    if isinstance(node, float) and not math.isfinite(node):
        where = ".".join(str(step) for step in prefix) or "value"
        return [Problem(prefix, "not-finite", f"{where} is {node}, not a finite number",
                        "write a plain number such as 30 or 2.5")]
    if isinstance(node, dict):
        return [p for key, value in node.items()
                for p in nonfinite_problems(value, prefix=prefix + (str(key),))]
    if isinstance(node, list):
        return [p for index, value in enumerate(node)
                for p in nonfinite_problems(value, prefix=prefix + (index,))]
    return []


def config_problems(data: dict[str, Any], *, prefix: tuple[str | int, ...] = ()) -> list[Problem]:
    """Cross-field problems of a config (or an inline config at ``prefix``)."""
    problems: list[Problem] = nonfinite_problems(data) if not prefix else []
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
    """Timeline problems of a score: numbers are finite; fades and transitions (the default
    2 s crossfade where none is written) fit their sections and the timeline."""
    problems: list[Problem] = nonfinite_problems(data)
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
    if all(d is not None and math.isfinite(d) for d in durations):
        total_s = sum(durations)  # type: ignore[arg-type]
        fades_s = sum(_num(data.get(key, default)) or 0.0
                      for key, default in vocab.DEFAULT_SCORE.items())
        if fades_s > total_s:
            problems.append(Problem(
                ("fade_out",), "cross-field",
                f"fade_in + fade_out = {fades_s:g} s is longer than the score ({total_s:g} s)",
                "shorten the fades or lengthen the sections"))
    return problems


def _transition_of(section: Any) -> tuple[str, float | None]:
    """(kind, length in s) of a section's transition, the defaults filled in; length None
    when it is written but not a number (the schema reports that)."""
    transition = section.get("transition", vocab.DEFAULT_TRANSITION) \
        if isinstance(section, dict) else vocab.DEFAULT_TRANSITION
    if not isinstance(transition, dict):
        return vocab.DEFAULT_TRANSITION["kind"], None
    kind = transition.get("kind", vocab.DEFAULT_TRANSITION["kind"])
    return str(kind), _num(transition.get("length", vocab.DEFAULT_TRANSITION["length"]))


def _transition_problems(section: dict[str, Any], index: int,
                         durations: list[float | None]) -> list[Problem]:
    """A transition into section ``index`` (the default 2 s crossfade when none is written)
    must fit in both it and the section before; a cut has no length to fit."""
    if index == 0:
        return []
    kind, length_s = _transition_of(section)
    here, before = durations[index], durations[index - 1]
    if kind == "cut" or length_s is None or here is None or before is None:
        return []
    limit_s = min(here, before)
    if length_s > limit_s:
        written = isinstance(section.get("transition"), dict) and \
            "length" in section["transition"]
        what = "transition length" if written else "the default transition length"
        return [Problem(
            ("sections", index, "transition", "length") if written else ("sections", index),
            "cross-field",
            f"{what} {length_s:g} s is longer than the sections it joins "
            f"({before:g} s and {here:g} s)",
            f"write `transition: {{length: {limit_s:g}}}` (at most {limit_s:g} s) or "
            f"`transition: {{kind: cut}}`, or lengthen the sections")]
    return []
