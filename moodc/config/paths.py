"""Dotted paths into nested config dicts (``"composition.swing"``), written once.

Tween, generation and the data tools address fields by dotted path; these three helpers are
the only place that walks them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at dotted ``path`` in a nested dict (KeyError when a part is missing)."""
    node: Any = data
    for key in path.split("."):
        node = node[key]
    return node


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at dotted ``path``, creating missing parent dicts."""
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{dotted path: value}`` → the nested dict a Config is built from (keys in order)."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        set_path(out, path, value)
    return out
