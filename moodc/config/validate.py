"""``moodc validate``: JSON-Schema validation plus semantic rules, as diagnostics.

The pipeline per file: read and parse safely (:mod:`moodc.config.io`), validate against the
checked-in JSON Schema with ``jsonschema`` (no pydantic import, so it starts fast), turn each
schema error into a diagnostic that points at the offending key or value, then run the
cross-field rules (:mod:`moodc.config.rules`) and, for scores, check the files sections
point at. Every finding in a file is reported, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from moodc.config.diagnostics import Diagnostic, did_you_mean
from moodc.config.io import ParsedDocument, parse_document
from moodc.config.rules import Problem, config_problems, score_problems
from moodc.errors import UsageError
from moodc.inputs import describe_non_file, real_path

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
_validators: dict[str, Any] = {}


def _validator(kind: str) -> Any:
    """The cached jsonschema validator for ``kind`` (built once per process)."""
    if kind not in _validators:
        from jsonschema import Draft202012Validator

        from moodc.config.schema import load_schema

        _validators[kind] = Draft202012Validator(load_schema(kind))  # type: ignore[arg-type]
    return _validators[kind]


# --------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------

def position_of(root: Any, path: Sequence[str | int], *, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the value at ``path`` (or of its key when ``at_key``)."""
    node, line, column = root, 1, 1
    for depth, step in enumerate(path):
        lc = getattr(node, "lc", None)
        if lc is None:
            break
        last = depth == len(path) - 1
        try:
            if isinstance(node, dict):
                if step not in node:
                    break
                line, column = lc.key(step) if (last and at_key) else lc.value(step)
            elif isinstance(node, list):
                line, column = lc.item(step)
            else:
                break
        except (KeyError, IndexError, TypeError):
            break
        line, column = line + 1, column + 1
        node = node[step] if isinstance(node, (dict, list)) else None
    if not path:
        lc = getattr(root, "lc", None)
        if lc is not None and root:
            first = next(iter(root))
            k_line, k_col = lc.key(first)
            return k_line + 1, k_col + 1
    return line, column


def _key_position(root: Any, path: Sequence[str | int]) -> tuple[int, int]:
    return position_of(root, path, at_key=True)


def _where(path: Sequence[str | int]) -> str:
    """A readable dotted path: ``sections[1].config.tempo``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "document"


# --------------------------------------------------------------------------------------
# Schema errors → diagnostics
# --------------------------------------------------------------------------------------

def _leaf_errors(error: Any) -> Iterable[Any]:
    """Flatten ``anyOf``/``oneOf`` errors to the errors of the branch the value meant."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        yield error
        return
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.schema_path[0], []).append(sub)

    def mismatched_type(errs: list[Any]) -> bool:
        return any(e.validator == "type" and not e.relative_path for e in errs)

    meant = [errs for errs in branches.values() if not mismatched_type(errs)]
    if meant:
        for sub in meant[0]:
            yield from _leaf_errors(sub)
        return
    yield error


#: JSON Schema type names in the words a YAML author uses.
_YAML_TYPE_NAMES = {"object": "mapping", "array": "list"}


def _describe(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "null" if value is None else type(value).__name__


def _unknown_key_diags(error: Any, doc: ParsedDocument) -> list[Diagnostic]:
    allowed = list(error.schema.get("properties", {}))
    path = list(error.absolute_path)
    extras = [k for k in error.instance if k not in allowed]
    diags = []
    for key in extras:
        line, column = _key_position(doc.data, path + [key])
        guess = did_you_mean(key, allowed)
        where = f" in {_where(path)}" if path else ""
        hint = f"did you mean `{guess}`?" if guess else f"allowed keys: {', '.join(allowed)}"
        diags.append(Diagnostic(doc.display, line, column, "unknown-key",
                                f"unknown key {key!r}{where}", hint))
    return diags


def _schema_diag(error: Any, doc: ParsedDocument) -> list[Diagnostic]:
    """One jsonschema error → diagnostics pointing at the offending key or value."""
    path = list(error.absolute_path)
    value = error.instance
    where = _where(path)
    kind = error.validator
    if kind == "additionalProperties":
        return _unknown_key_diags(error, doc)
    line, column = position_of(doc.data, path)
    if kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        code = "version" if "version" in missing else "missing-key"
        hint = ("add `version: 2` as the first line" if code == "version"
                else f"add `{missing[0]}:` to {where}")
        line, column = _key_position(doc.data, path) if path else (1, 1)
        return [Diagnostic(doc.display, line, column, code,
                           f"missing required key {missing[0]!r}"
                           + (f" in {where}" if path else ""), hint)]
    if kind == "const" and path and path[-1] == "version":
        if isinstance(value, str) and value.strip() == str(error.validator_value):
            return [Diagnostic(doc.display, line, column, "version",
                               f"version is the string {_describe(value)}, not the number "
                               f"{error.validator_value}",
                               f"remove the quotes: `version: {error.validator_value}`")]
        return [Diagnostic(doc.display, line, column, "version",
                           f"unsupported version {_describe(value)}",
                           "this moodc reads version 2 documents; set `version: 2`")]
    if kind == "type" and path and path[-1] == "version":
        return []  # the const finding above says it, with the fix
    if kind == "enum":
        choices = list(error.validator_value)
        guess = did_you_mean(value, choices)
        hint = (f"did you mean `{guess}`?" if guess
                else "allowed: " + ", ".join(str(c) for c in choices))
        return [Diagnostic(doc.display, line, column, "invalid-value",
                           f"{where}: {_describe(value)} is not an allowed value", hint)]
    if kind == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        expected = " or ".join(_YAML_TYPE_NAMES.get(n, n) for n in names)
        return [Diagnostic(doc.display, line, column, "type",
                           f"{where}: expected {expected}, got {_json_type(value)} "
                           f"{_describe(value)}")]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = _range_of(error.schema)
        return [Diagnostic(doc.display, line, column, "out-of-range",
                           f"{where}={_describe(value)} is out of range",
                           f"use a value from {low} to {high}")]
    if kind in ("maxLength", "minLength", "maxItems", "minItems"):
        return [Diagnostic(doc.display, line, column, "length", _length_message(
            where, kind=kind, limit=error.validator_value, size=len(value)))]
    return [Diagnostic(doc.display, line, column, "schema", f"{where}: {error.message}")]


def _length_message(where: str, *, kind: str, limit: int, size: int) -> str:
    """``sections: 600 items, at most 500`` (never the value itself: it may be huge)."""
    unit = "characters" if kind.endswith("Length") else "items"
    bound = "at most" if kind.startswith("max") else "at least"
    return f"{where}: {size} {unit}, {bound} {limit}"


def _range_of(schema: dict) -> tuple[str, str]:
    low = schema.get("minimum", schema.get("exclusiveMinimum", "-inf"))
    high = schema.get("maximum", schema.get("exclusiveMaximum", "inf"))
    return str(low), str(high)


def schema_diagnostics(doc: ParsedDocument) -> list[Diagnostic]:
    """Every JSON-Schema finding of ``doc``, each pointing at its key or value."""
    diags: list[Diagnostic] = []
    for error in _validator(doc.kind).iter_errors(doc.data):
        for leaf in _leaf_errors(error):
            diags.extend(_schema_diag(leaf, doc))
    return diags


# --------------------------------------------------------------------------------------
# Semantic rules and score references
# --------------------------------------------------------------------------------------

def _problem_diag(problem: Problem, doc: ParsedDocument) -> Diagnostic:
    line, column = position_of(doc.data, problem.path)
    return Diagnostic(doc.display, line, column, problem.code, problem.message, problem.hint)


def _tagged(node: Any, path: tuple[str | int, ...] = ()) -> Iterable[tuple[tuple, str]]:
    """(path, tag) of every value carrying an explicit YAML tag such as ``!custom``."""
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag:
        yield path, str(tag)
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _tagged(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _tagged(value, path + (index,))


def tag_diagnostics(doc: ParsedDocument) -> list[Diagnostic]:
    """YAML tags (``!custom``, ``!!python/...``) are not part of a moodc document."""
    diags = []
    for path, tag in _tagged(doc.data):
        line, column = position_of(doc.data, list(path))
        diags.append(Diagnostic(doc.display, line, column, "yaml-tag",
                                f"{_where(list(path))}: the YAML tag {tag} is not supported",
                                "remove the tag and write the plain value"))
    return diags


def rule_diagnostics(doc: ParsedDocument) -> list[Diagnostic]:
    """Cross-field rule findings (the same rules the pydantic model enforces)."""
    problems = score_problems(doc.data) if doc.kind == "score" else config_problems(doc.data)
    return [_problem_diag(p, doc) for p in problems]


def _reference_diagnostics(doc: ParsedDocument, session: "_Session") -> list[Diagnostic]:
    """Check each section's config path: exists, is not the score itself, is a valid config."""
    diags: list[Diagnostic] = []
    sections = doc.data.get("sections")
    if not isinstance(sections, list):
        return diags
    for index, section in enumerate(sections):
        ref = section.get("config") if isinstance(section, dict) else None
        if not isinstance(ref, str):
            continue
        path = ["sections", index, "config"]
        line, column = position_of(doc.data, path)
        target = (doc.path.parent / ref)
        if real_path(target) == real_path(doc.path):
            diags.append(Diagnostic(doc.display, line, column, "self-reference",
                                    f"section {index} points at this score itself",
                                    "point `config:` at a config file, or write it inline"))
        elif (problem := describe_non_file(target)) is not None:
            code = "missing-file" if problem == "does not exist" else "not-a-file"
            diags.append(Diagnostic(doc.display, line, column, code,
                                    f"section {index} config file {ref!r} {problem}",
                                    f"paths are relative to the score's folder ({doc.path.parent}/)"))
        else:
            diags.extend(session.check_referenced(target, doc, line=line, column=column))
    return diags


class _Session:
    """One validate run: remembers files already checked so each is reported once."""

    def __init__(self) -> None:
        self.seen: set[Path] = set()

    def check_file(self, path: Path, *, display: str | None = None
                   ) -> tuple[ParsedDocument | None, list[Diagnostic]]:
        """Parse ``path`` once and check it; returns the document (if parsed) and findings."""
        self.seen.add(real_path(path))
        doc, diags = parse_document(path, display=display)
        return doc, self._check_parsed(doc, diags)

    def _check_parsed(self, doc: ParsedDocument | None,
                      diags: list[Diagnostic]) -> list[Diagnostic]:
        if doc is None:
            return diags
        tags = tag_diagnostics(doc)
        if tags:  # a tagged value is not the value it looks like: report only the tags
            return tags
        diags = schema_diagnostics(doc) + rule_diagnostics(doc)
        if doc.kind == "score":
            diags += _reference_diagnostics(doc, self)
        return sorted(diags, key=Diagnostic.sort_key)

    def check_referenced(self, target: Path, score: ParsedDocument, *, line: int,
                         column: int) -> list[Diagnostic]:
        if real_path(target) in self.seen:
            return []
        shown = str(target) if not target.is_absolute() else target.name
        doc, diags = parse_document(target, display=shown)
        if doc is not None and doc.kind == "score":
            return [Diagnostic(score.display, line, column, "not-a-config",
                               f"{shown} is a score; a section needs a config",
                               "nest timelines by copying their sections")]
        self.seen.add(real_path(target))
        return self._check_parsed(doc, diags)


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories expand to their .yaml/.yml/.json files (recursively).

    Raises
    ------
    UsageError
        A directory holds no document (checking nothing must not look like success).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in DOCUMENT_SUFFIXES)
            if not found:
                raise UsageError(f"{path}: no .yaml, .yml or .json documents in this folder")
            files.extend(found)
        else:
            files.append(path)
    return files


def validate_paths(paths: Sequence[Path]) -> list[Diagnostic]:
    """Validate every file (directories expanded); returns all diagnostics, sorted per file.

    Raises
    ------
    UsageError
        A path does not exist or cannot be read (exit code 2).
    """
    session = _Session()
    diags: list[Diagnostic] = []
    for path in expand_paths(paths):
        if real_path(path) in session.seen:
            continue
        diags.extend(session.check_file(path)[1])
    return diags


def validate_document(path: Path) -> tuple[ParsedDocument | None, list[Diagnostic]]:
    """Parse and validate one file (and the configs a score points at), parsing it once.

    Raises
    ------
    UsageError
        The path does not exist or cannot be read (exit code 2).
    """
    return _Session().check_file(path)
