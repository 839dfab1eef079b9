"""A document checked against its checked-in JSON Schema in strict mode, with neither
pydantic nor jsonschema: what a render of a valid config or score needs, for ~0.2–0.3 s less
start-up.

:func:`strict_fields` walks ``moodc/schemas/config.schema.json`` or ``score.schema.json``
(generated from the pydantic models, so they are the models' own contract) and returns the
fields exactly as ``Config.model_validate(data).model_dump(mode="json")`` (or ``Score``'s)
would: every default filled in, numbers declared ``number`` as floats, keys in the model's
order. It understands only the few keywords those schemas use and refuses anything it does
not understand (returns None).

It is *stricter* than ``moodc validate``, never looser: no coercion of any kind (``6.0`` is
not an integer, ``true`` is not 1, ``"5"`` is not 5), and a free-form mapping
(``provenance``) may hold only JSON values. A document it refuses is not necessarily
invalid: the caller then takes the full path (schema diagnostics, then the model), which
decides. The cross-field rules, YAML tags and a score's section files are the caller's to
check, as ``validate`` checks them (:mod:`moodc.config.load`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any, Final, Literal

#: The kinds of document with a schema (``moodc/schemas/<kind>.schema.json``).
DocumentKind = Literal["config", "score"]

#: Keywords that describe a value without constraining it.
_ANNOTATIONS: Final[frozenset[str]] = frozenset(
    {"title", "description", "default", "$id", "$schema", "$defs"})
#: Keywords this walker enforces; a schema using any other is refused (never half-checked).
_CONSTRAINTS: Final[frozenset[str]] = frozenset(
    {"type", "enum", "const", "minimum", "maximum", "maxLength", "properties",
     "additionalProperties", "required", "anyOf", "$ref", "items", "minItems", "maxItems"})


class _Refused(Exception):
    """The value is not one the strict walk accepts (the full path will say why, if at all)."""


@functools.cache
def _schema(kind: DocumentKind) -> Mapping[str, Any]:
    """The packaged schema of ``kind``, read once per process."""
    from moodc.config.schema import schema_path

    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


def strict_fields(data: Any, *, kind: DocumentKind) -> dict[str, Any] | None:
    """The model dump of ``data`` (plain dicts, lists, scalars) as a document of ``kind``, or
    None when the strict walk refuses it.

    Returns
    -------
    dict or None
        ``Config.model_validate(data).model_dump(mode="json")`` (``Score`` for a score) for
        every document returned (tested on the examples, the validation fixtures and edge
        documents); None for anything outside the schema or needing a coercion.
    """
    schema = _schema(kind)
    try:
        return _walk(data, schema, root=schema)
    except _Refused:
        return None


def _walk(value: Any, schema: Mapping[str, Any], *, root: Mapping[str, Any]) -> Any:
    """``value`` checked against ``schema``, as the model would dump it; raises _Refused."""
    unknown = set(schema) - _ANNOTATIONS - _CONSTRAINTS
    if unknown:
        raise _Refused(f"keywords {sorted(unknown)}")
    if "$ref" in schema:
        return _walk(value, _resolve(schema["$ref"], root=root), root=root)
    if "anyOf" in schema:
        return _any_of(value, schema["anyOf"], root=root)
    value = _typed(value, schema.get("type"))
    if "const" in schema and not _same(value, schema["const"]):
        raise _Refused("const")
    if "enum" in schema and not any(_same(value, choice) for choice in schema["enum"]):
        raise _Refused("enum")
    _check_bounds(value, schema)
    if isinstance(value, dict):
        return _object(value, schema, root=root)
    if isinstance(value, list):
        return _array(value, schema, root=root)
    if "items" in schema or "minItems" in schema or "maxItems" in schema:
        raise _Refused("array keywords on a non-array")
    return value


def _resolve(ref: str, *, root: Mapping[str, Any]) -> Mapping[str, Any]:
    """A local ``#/$defs/Name`` reference; any other kind is refused."""
    prefix = "#/$defs/"
    if not ref.startswith(prefix) or ref[len(prefix):] not in root.get("$defs", {}):
        raise _Refused(f"$ref {ref}")
    return root["$defs"][ref[len(prefix):]]


def _any_of(value: Any, branches: list[Mapping[str, Any]], *, root: Mapping[str, Any]) -> Any:
    """The first branch that accepts ``value`` (the schema's branches are a type and null)."""
    for branch in branches:
        try:
            return _walk(value, branch, root=root)
        except _Refused:
            continue
    raise _Refused("anyOf")


def _typed(value: Any, kind: Any) -> Any:
    """``value`` if it is exactly of JSON type ``kind`` (a ``number`` dumps as a float)."""
    if kind is None:
        return value
    exact = {"string": str, "boolean": bool, "object": dict, "array": list}
    if kind in exact and type(value) is exact[kind]:
        return value
    if kind == "integer" and type(value) is int:
        return value
    if kind == "number" and type(value) in (int, float):
        return float(value)
    if kind == "null" and value is None:
        return None
    raise _Refused(f"type {kind}")


def _same(value: Any, expected: Any) -> bool:
    """Equal and of the same type (``True == 1`` and ``2.0 == 2`` do not count)."""
    return type(value) is type(expected) and value == expected


def _check_bounds(value: Any, schema: Mapping[str, Any]) -> None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and not value >= schema["minimum"]:
            raise _Refused("minimum")
        if "maximum" in schema and not value <= schema["maximum"]:
            raise _Refused("maximum")
    elif "minimum" in schema or "maximum" in schema:
        raise _Refused("bounds on a non-number")
    if "maxLength" in schema and not (isinstance(value, str)
                                      and len(value) <= schema["maxLength"]):
        raise _Refused("maxLength")


def _object(value: dict[str, Any], schema: Mapping[str, Any], *,
            root: Mapping[str, Any]) -> dict[str, Any]:
    """A mapping with its declared properties (defaults filled in, the schema's order) or,
    when it declares none, a free-form mapping of JSON values."""
    properties = schema.get("properties")
    if properties is None:
        if schema.get("additionalProperties", True) is not True:
            raise _Refused("additionalProperties")
        return _plain_json(value)
    if schema.get("additionalProperties", True) is not False or set(value) - set(properties):
        raise _Refused("additionalProperties")
    if any(key not in value for key in schema.get("required", ())):
        raise _Refused("required")
    return {key: (_walk(value[key], sub, root=root) if key in value
                  else _default(sub, root=root))
            for key, sub in properties.items()}


def _array(value: list[Any], schema: Mapping[str, Any], *,
           root: Mapping[str, Any]) -> list[Any]:
    """A list within its length bounds, each item walked (a list without ``items`` may hold
    only JSON values)."""
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
        raise _Refused("minItems/maxItems")
    if "items" not in schema:
        return _plain_json(value)
    return [_walk(item, schema["items"], root=root) for item in value]


def _default(schema: Mapping[str, Any], *, root: Mapping[str, Any]) -> Any:
    """A missing property's value: its default, or the defaults of a referenced object."""
    if "default" in schema:
        return _plain_json(schema["default"])
    if "$ref" in schema:
        return _walk({}, _resolve(schema["$ref"], root=root), root=root)
    raise _Refused("no default")


def _plain_json(value: Any) -> Any:
    """A deep copy of a JSON value (str keys; str, int, float, bool, None, lists, dicts)."""
    if isinstance(value, dict):
        if not all(type(key) is str for key in value):
            raise _Refused("a non-string key")
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise _Refused(f"a {type(value).__name__} value")
