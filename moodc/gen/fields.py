"""The fields a generated config fills, and their allowed values, derived from the model.

Nothing here is a hand copy of the vocabulary: :func:`config_fields` walks
:class:`moodc.config.model.Config` — every ``Literal`` field gives its labels (which come from
:mod:`moodc.vocab`), every bounded ``int`` field its range, and nested models (``layers``,
``instruments``, ``composition``) recurse — so a label added to the vocabulary is generated
as soon as the model accepts it. Optional free fields (``title``, ``seed``, ``bpm``,
``duration``, ``justification``, ``provenance``) and the fixed ``version`` are not decoded.

Cross-field rules are expressed as *value filters*: :data:`VALUE_FILTERS` restricts a field's
candidates given the values already chosen (``register_high`` ≥ ``register_low``), so the
decoder can only produce configs the rules accept.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from moodc import vocab
from moodc.config.model import Config

#: Fields of Config that are never decoded: identity, free text or optional overrides.
SKIPPED_FIELDS: frozenset[str] = frozenset(
    {"version", "title", "seed", "justification", "duration", "bpm", "provenance"})

#: Display prefix for the fields of a nested group in the prompt ("" = the bare name).
GROUP_DISPLAY: dict[str, str] = {"layers": "layer", "instruments": "instrument",
                                 "composition": ""}


@dataclass(frozen=True)
class FieldSpec:
    """One decoded field: its path in the config, its prompt name and its allowed values."""

    path: tuple[str, ...]
    display: str  # the name written in the prompt, e.g. "layer bass"
    values: tuple[Any, ...]  # allowed values, in model order

    @property
    def key(self) -> str:
        """Dotted path, e.g. ``composition.register_low``."""
        return ".".join(self.path)


def value_to_text(value: Any) -> str:
    """How a value is written in the prompt: ``very_slow`` → ``very slow``, 4 → ``4``."""
    return str(value).replace("_", " ")


def _int_range(info: Any) -> tuple[int, ...] | None:
    """All integers allowed by a pydantic field's ge/le constraints, or None."""
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", low) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", high) if getattr(meta, "le", None) is not None else high
    if low is None or high is None:
        return None
    return tuple(range(int(low), int(high) + 1))


def _allowed_values(annotation: Any, info: Any) -> tuple[Any, ...] | None:
    """The closed set of values of a field annotation, or None when it is not closed."""
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(typing.get_args(annotation))
    if annotation is int:
        return _int_range(info)
    return None


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> list[FieldSpec]:
    specs: list[FieldSpec] = []
    for name, info in model.model_fields.items():
        if not prefix and name in SKIPPED_FIELDS:
            continue
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            specs += _walk(annotation, prefix + (name,))
            continue
        if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            raise TypeError(f"field {'.'.join(prefix + (name,))} is optional; add it to "
                            "SKIPPED_FIELDS or give it a closed type")
        values = _allowed_values(annotation, info)
        if values is None:
            raise TypeError(f"field {'.'.join(prefix + (name,))} has no closed set of values")
        group = GROUP_DISPLAY.get(prefix[0], prefix[0]) if prefix else ""
        display = f"{group} {name}".strip().replace("_", " ")
        specs.append(FieldSpec(prefix + (name,), display, values))
    return specs


def config_fields(model: type[BaseModel] = Config) -> tuple[FieldSpec, ...]:
    """Every decoded field of ``model``, in model order (top level, then nested groups)."""
    return tuple(_walk(model, ()))


# --------------------------------------------------------------------------------------
# Cross-field rules as value filters
# --------------------------------------------------------------------------------------

ValueFilter = Callable[[Any, Mapping[str, Any]], bool]

#: Field key → predicate(value, chosen-so-far by key) that a candidate must satisfy.
#: Mirrors :func:`moodc.config.rules.config_problems`; a test checks every filtered config
#: validates, and :func:`fields_in_rule_order` puts a filter's inputs before its field.
VALUE_FILTERS: dict[str, tuple[tuple[str, ...], ValueFilter]] = {
    "composition.register_high": (
        ("composition.register_low",),
        lambda value, chosen: value >= chosen["composition.register_low"]),
}


def allowed_values(spec: FieldSpec, chosen: Mapping[str, Any]) -> tuple[Any, ...]:
    """``spec.values`` restricted by its cross-field filter, given the values chosen so far."""
    rule = VALUE_FILTERS.get(spec.key)
    if rule is None:
        return spec.values
    needs, predicate = rule
    missing = [key for key in needs if key not in chosen]
    if missing:
        raise ValueError(f"{spec.key} is decoded before {missing}; reorder the fields")
    return tuple(v for v in spec.values if predicate(v, chosen))


__all__ = ["FieldSpec", "config_fields", "allowed_values", "value_to_text",
           "VALUE_FILTERS", "vocab"]
