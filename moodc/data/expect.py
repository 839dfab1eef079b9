"""Directional expectations: the small constraint language of the held-out test split.

Each test example carries ``"expect"``: a dict of constraints a musician would insist on for
its prompt ("arabian nights" must use a Middle-Eastern scale and an oud or ney; a funeral must
be slow and dark). :func:`check_expectations` checks a generated config against them, one
boolean per constraint, so ``moodc eval`` can report the fraction satisfied (controllability)
rather than exact-field accuracy, which punishes harmless alternatives.

The language (also documented in ``moodc/data/README.md``):

* **ordinal fields** — any key of :data:`moodc.vocab.ORDINAL_LABELS` (``tempo``,
  ``brightness``, ``space``, ``echo``, ``motion``, ``stereo``, ``human`` and the composition
  ordinals such as ``swing``) and ``density``: ``"label"`` or ``"=label"`` (equal),
  ``">=label"``, ``"<=label"``, ``">label"``, ``"<label"``, ``"!=label"``; labels compare by
  their rank least → most (``"tempo": ">=fast"`` accepts fast and very_fast).
* ``mode_family``: ``"major"`` or ``"minor"`` — whether the scale has a major third (4
  semitones) or a minor third (3) above the root (:data:`MODE_FAMILY`).
* ``scale_family``: a key of :data:`SCALE_FAMILIES` (``"middle_eastern"``, ``"japanese"``,
  ``"pentatonic"``, ``"blues"``, ``"gamelan"``).
* ``mode_any``: a list of modes; ``meter``: a meter or a list of meters.
* ``instrument_any``: a list; true when the lead, pad or bass instrument is in it.
  ``lead_any`` checks the lead only.
* ``<layer>_any`` (``rhythm_any``, ``texture_any``, ``accent_any``, ``pad_any``,
  ``bass_any``, ``melody_any``): the layer's style is in the list **and** ``density`` lets that
  layer sound (:data:`moodc.vocab.DENSITY_LAYERS`), unless the list contains ``"none"``.
* ``harmony_any``, ``extensions_any``: lists of composition harmony styles / chord colours.
* ``silent``: a list of layers that must not sound (style ``none``, or gated off by
  ``density``), e.g. ``{"silent": ["rhythm"]}`` for "no drums".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from moodc import vocab
from moodc.errors import MoodcError

#: "major" when the scale holds a major third above the root, else "minor".
MODE_FAMILY: Final[dict[str, str]] = {
    mode: ("major" if 4 in steps and 3 not in steps else "minor")
    for mode, steps in vocab.MODE_INTERVALS.items()
}

#: Named families of scales a listener recognises as a style.
SCALE_FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "middle_eastern": ("phrygian_dominant", "double_harmonic"),
    "japanese": ("hirajoshi", "in_sen"),
    "pentatonic": ("major_pentatonic", "minor_pentatonic"),
    "blues": ("blues",),
    "gamelan": ("pelog", "slendro"),
}

_OPERATOR = re.compile(r"^(>=|<=|!=|>|<|=)?\s*([a-z_0-9]+)$")
_LAYER_KEYS: Final[dict[str, str]] = {f"{layer}_any": layer for layer in vocab.LAYERS}
_COMPOSITION_LISTS: Final[dict[str, str]] = {"harmony_any": "harmony",
                                             "extensions_any": "extensions"}


def _fields(config: Any) -> dict[str, Any]:
    """A plain config dict from a Config model or a mapping."""
    if hasattr(config, "model_dump"):
        return config.model_dump()
    if isinstance(config, Mapping):
        return dict(config)
    raise MoodcError(f"config={config!r} is not a config", hint="pass a Config or a dict")


def _value(fields: Mapping[str, Any], key: str) -> Any:
    """The value of a top-level or composition field, with the model's defaults."""
    if key in vocab.COMPOSITION_ORDINALS:
        return (fields.get("composition") or {}).get(key)
    return fields.get(key)


def _compare(rank: int, op: str, target: int) -> bool:
    """``rank op target`` for one of the six comparison operators."""
    return {"=": rank == target, ">=": rank >= target, "<=": rank <= target,
            ">": rank > target, "<": rank < target, "!=": rank != target}[op]


def _check_ordinal(fields: Mapping[str, Any], key: str, spec: Any) -> bool:
    """One ordinal (or density) constraint such as ``">=fast"``."""
    match = _OPERATOR.match(str(spec).strip())
    if match is None:
        raise MoodcError(f"expect {key}={spec!r} is not a comparison",
                         hint='write e.g. ">=fast", "<=dark" or "medium"')
    op, label = match.group(1) or "=", match.group(2)
    if key == "density":
        return _compare(int(fields.get("density", 4)), op, int(label))
    labels = vocab.ORDINAL_LABELS[key]
    if label not in labels:
        raise MoodcError(f"expect {key}={spec!r}: unknown label {label!r}",
                         hint=f"use one of {', '.join(labels)}")
    value = _value(fields, key)
    return value in labels and _compare(labels.index(value), op, labels.index(label))


def _layer_sounds(fields: Mapping[str, Any], layer: str) -> bool:
    """Whether ``density`` lets ``layer`` sound at all."""
    density = int(fields.get("density", 4))
    return layer in vocab.DENSITY_LAYERS.get(density, ())


def _as_list(spec: Any) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def check_one(fields: Mapping[str, Any], key: str, spec: Any) -> bool:
    """Whether the config dict ``fields`` satisfies the single constraint ``key: spec``.

    Raises
    ------
    MoodcError
        An unknown key, label or family (so a typo in an eval set is never silently false).
    """
    layers = fields.get("layers") or {}
    instruments = fields.get("instruments") or {}
    composition = fields.get("composition") or {}
    if key in vocab.ORDINAL_LABELS or key == "density":
        return _check_ordinal(fields, key, spec)
    if key == "mode_family":
        if spec not in ("major", "minor"):
            raise MoodcError(f"expect mode_family={spec!r}", hint='use "major" or "minor"')
        return MODE_FAMILY.get(fields.get("mode"), "") == spec
    if key == "scale_family":
        if spec not in SCALE_FAMILIES:
            raise MoodcError(f"expect scale_family={spec!r} is unknown",
                             hint=f"use one of {', '.join(SCALE_FAMILIES)}")
        return fields.get("mode") in SCALE_FAMILIES[spec]
    if key == "mode_any":
        return fields.get("mode") in _as_list(spec)
    if key == "meter":
        return fields.get("meter") in _as_list(spec)
    if key == "instrument_any":
        return any(instruments.get(part) in _as_list(spec) for part in ("lead", "pad", "bass"))
    if key == "lead_any":
        return instruments.get("lead") in _as_list(spec)
    if key in _LAYER_KEYS:
        layer, allowed = _LAYER_KEYS[key], _as_list(spec)
        style = layers.get(layer)
        return style in allowed and (style == "none" or _layer_sounds(fields, layer))
    if key in _COMPOSITION_LISTS:
        return composition.get(_COMPOSITION_LISTS[key]) in _as_list(spec)
    if key == "silent":
        unknown = [layer for layer in _as_list(spec) if layer not in vocab.LAYERS]
        if unknown:
            raise MoodcError(f"expect silent={spec!r}: unknown layer {unknown[0]!r}",
                             hint=f"use layers of {', '.join(vocab.LAYERS)}")
        return all(layers.get(layer, "none") == "none" or not _layer_sounds(fields, layer)
                   for layer in _as_list(spec))
    raise MoodcError(f"expect key {key!r} is unknown",
                     hint="see moodc/data/README.md for the expectation language")


def check_expectations(config: Any, expect: Mapping[str, Any]) -> list[bool]:
    """One boolean per constraint of ``expect`` (in its order): is it satisfied by ``config``?

    Parameters
    ----------
    config : Config or mapping
        A V2 config (model or ``model_dump()`` dict).
    expect : mapping
        Constraints in the language of this module's docstring, e.g.
        ``{"tempo": ">=fast", "scale_family": "middle_eastern", "instrument_any": ["oud"]}``.

    Returns
    -------
    list of bool
        ``len(expect)`` values; their mean is the controllability score.

    Examples
    --------
    >>> check_expectations({"tempo": "fast", "mode": "minor"}, {"tempo": ">=fast",
    ...                     "mode_family": "major"})
    [True, False]
    """
    fields = _fields(config)
    return [check_one(fields, key, spec) for key, spec in expect.items()]


# --------------------------------------------------------------------------------------
# Enforcing: the smallest edit that makes a config satisfy constraints
# --------------------------------------------------------------------------------------

#: The parallel scale in the other family, for ``mode_family`` edits (keeps the flavour:
#: dorian ↔ mixolydian, phrygian dominant → phrygian, hirajoshi → major pentatonic).
PARALLEL_MODE: Final[dict[str, str]] = {
    "major": "minor", "minor": "major", "lydian": "dorian", "dorian": "mixolydian",
    "mixolydian": "dorian", "phrygian": "phrygian_dominant", "locrian": "phrygian_dominant",
    "harmonic_minor": "major", "melodic_minor": "major", "phrygian_dominant": "phrygian",
    "double_harmonic": "harmonic_minor", "major_pentatonic": "minor_pentatonic",
    "minor_pentatonic": "major_pentatonic", "blues": "mixolydian",
    "hirajoshi": "major_pentatonic", "in_sen": "major_pentatonic", "whole_tone": "minor",
    "pelog": "slendro", "slendro": "pelog",
    # the Spanish and klezmer minor colours turn to their major-third cousin, freygish
    "spanish_phrygian": "phrygian_dominant", "ukrainian_dorian": "phrygian_dominant",
}

#: Lowest density at which each layer sounds (from :data:`moodc.vocab.DENSITY_LAYERS`).
LAYER_MIN_DENSITY: Final[dict[str, int]] = {
    layer: min(d for d, layers in vocab.DENSITY_LAYERS.items() if layer in layers)
    for layer in vocab.LAYERS
}


def _enforce_ordinal(out: dict[str, Any], key: str, spec: Any) -> None:
    op, label = _OPERATOR.match(str(spec).strip()).groups()  # type: ignore[union-attr]
    op = op or "="
    if key == "density":
        current, target = int(out.get("density", 4)), int(label)
        value = {"=": target, ">=": max(current, target), "<=": min(current, target),
                 ">": max(current, target + 1), "<": min(current, target - 1)}.get(op, current)
        out["density"] = min(max(value, 1), 6)
        return
    labels = vocab.ORDINAL_LABELS[key]
    holder = out.setdefault("composition", {}) if key in vocab.COMPOSITION_ORDINALS else out
    current, target = labels.index(holder.get(key, labels[2])), labels.index(label)
    rank = {"=": target, ">=": max(current, target), "<=": min(current, target),
            ">": max(current, target + 1), "<": min(current, target - 1)}.get(op, current)
    holder[key] = labels[min(max(rank, 0), len(labels) - 1)]


def enforce_expectations(config: Any, expect: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` changed as little as possible so that ``expect`` holds.

    Ordinals move to the nearest allowed label (``">=fast"`` lifts medium to fast, leaves
    very_fast alone); ``mode_family`` swaps to :data:`PARALLEL_MODE`; ``scale_family`` and
    list constraints take the first listed value when the current one is not allowed; a
    layer constraint also lifts ``density`` so the layer sounds. This is how a modifier such
    as "slow" or "with rain sounds" is applied to a concept's config.
    """
    import copy

    out = copy.deepcopy(_fields(config))
    for key, spec in expect.items():
        if check_one(out, key, spec):
            continue
        if key in vocab.ORDINAL_LABELS or key == "density":
            _enforce_ordinal(out, key, spec)
        elif key == "mode_family":
            out["mode"] = PARALLEL_MODE[out.get("mode", "minor")]
            if MODE_FAMILY[out["mode"]] != spec:
                out["mode"] = "major" if spec == "major" else "minor"
        elif key == "scale_family":
            out["mode"] = SCALE_FAMILIES[spec][0]
        elif key in ("mode_any", "meter"):
            out["mode" if key == "mode_any" else "meter"] = _as_list(spec)[0]
        elif key in ("instrument_any", "lead_any"):
            out.setdefault("instruments", {})["lead"] = _as_list(spec)[0]
        elif key in _LAYER_KEYS:
            layer = _LAYER_KEYS[key]
            out.setdefault("layers", {})[layer] = _as_list(spec)[0]
            if _as_list(spec)[0] != "none":
                out["density"] = max(int(out.get("density", 4)), LAYER_MIN_DENSITY[layer])
        elif key in _COMPOSITION_LISTS:
            out.setdefault("composition", {})[_COMPOSITION_LISTS[key]] = _as_list(spec)[0]
        elif key == "silent":
            for layer in _as_list(spec):
                out.setdefault("layers", {})[layer] = "none"
    return out
