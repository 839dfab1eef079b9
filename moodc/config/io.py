"""Reading and writing V2 documents: safe YAML/JSON parsing with positions, atomic writes.

Parsing keeps ruamel.yaml's round-trip nodes so every key and value knows its line and
column; ``validate`` uses them to point at the offending key or value. Inputs are checked at
the door: size, binary bytes, UTF-8, empty documents, YAML syntax, duplicate keys and alias
bombs each become one :class:`~moodc.config.diagnostics.Diagnostic`, never a traceback.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from moodc import vocab
from moodc.config.diagnostics import Diagnostic
from moodc.inputs import long_number_line, loads_json, read_bytes

#: Documents larger than this are refused before parsing (the limit lives in vocab).
MAX_DOCUMENT_BYTES = vocab.MAX_DOCUMENT_BYTES
#: Refuse documents whose alias-expanded tree would exceed this many nodes ("billion
#: laughs"). The expanded size is computed with memoisation, so the check itself is cheap.
MAX_EXPANDED_NODES = 200_000

DocumentKind = Literal["config", "score"]


@dataclass
class ParsedDocument:
    """A parsed document: its path as given, its kind, and its positioned data tree."""

    path: Path
    display: str
    data: Any
    kind: DocumentKind


def _diag(display: str, code: str, message: str, *, line: int = 1, column: int = 1,
          hint: str | None = None) -> Diagnostic:
    return Diagnostic(display, line, column, code, message, hint)


def read_document_bytes(path: Path, *, display: str) -> bytes:
    """Read at most MAX_DOCUMENT_BYTES + 1 bytes of a regular file.

    Raises
    ------
    UsageError
        Missing, unreadable, a folder, a FIFO or a device (exit 2); never blocks.
    """
    return read_bytes(path, max_bytes=MAX_DOCUMENT_BYTES, what="document", over_ok=True)


def decode_document(raw: bytes, *, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes → text, or a diagnostic for an oversized, binary, non-UTF-8 or empty file."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        return None, [_diag(display, "too-large",
                            f"file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB",
                            hint="configs and scores are small text files; check the path")]
    if b"\x00" in raw:
        return None, [_diag(display, "binary", "file is binary, not YAML or JSON text",
                            hint="pass a .yaml or .json document")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [_diag(display, "encoding",
                            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}", line=line,
                            column=column, hint="save the file as UTF-8")]
    if not text.strip() or all(
            not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [_diag(display, "empty", "document is empty",
                            hint="a config starts with `version: 2`; see `moodc schema`")]
    return text, []


def _yaml_loader() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


def _mark_position(exc: Any) -> tuple[int, int]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return 1, 1
    return mark.line + 1, mark.column + 1


def parse_text(text: str, *, display: str, json_syntax: bool) -> tuple[Any, list[Diagnostic]]:
    """Parse YAML (or JSON) text into a positioned tree, or return syntax diagnostics."""
    if json_syntax:
        import json

        try:
            loads_json(text)
        except json.JSONDecodeError as exc:
            return None, [_diag(display, "syntax", f"invalid JSON: {exc.msg}",
                                line=exc.lineno, column=exc.colno)]
        except ValueError as exc:
            return None, [_number_diag(text, display=display, reason=str(exc))]
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = _yaml_loader().load(io.StringIO(text))
    except DuplicateKeyError as exc:
        line, column = _mark_position(exc)
        key = str(exc.problem).split('"')[1] if '"' in str(exc.problem) else "a key"
        return None, [_diag(display, "duplicate-key", f"duplicate key {key!r}", line=line,
                            column=column, hint="each key may appear once; remove one")]
    except MarkedYAMLError as exc:
        line, column = _mark_position(exc)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        return None, [_diag(display, "syntax", f"YAML syntax error: {problem}", line=line,
                            column=column)]
    except ValueError as exc:
        if "digits" in str(exc):  # Python's guard against huge int literals
            return None, [_number_diag(text, display=display, reason="")]
        return None, [_diag(display, "syntax", f"YAML error: {str(exc).splitlines()[0]}")]
    except (YAMLError, RecursionError) as exc:
        return None, [_diag(display, "syntax", f"YAML error: {str(exc).splitlines()[0]}")]
    return data, []


def _number_diag(text: str, *, display: str, reason: str) -> Diagnostic:
    """A number too long to be a value (or a document nested too deeply), as a diagnostic."""
    if "nested" in reason:
        return _diag(display, "too-deep", "document is nested too deeply")
    line = long_number_line(text) or 1
    return _diag(display, "number-too-long",
                 f"a number has more than {vocab.MAX_INT_DIGITS} digits", line=line,
                 hint="no moodc value needs that many digits; check the file")


def expanded_size(node: Any, *, limit: int = MAX_EXPANDED_NODES) -> int:
    """Number of nodes with aliases expanded, memoised by identity (stops past ``limit``)."""
    memo: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if depth > 200:
            return limit + 1
        key = id(item)
        if key in memo:
            return memo[key]
        if isinstance(item, dict):
            total = 1 + sum(size(v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            total = 1 + sum(size(v, depth + 1) for v in item)
        else:
            total = 1
        memo[key] = min(total, limit + 1)
        return memo[key]

    return size(node, 0)


def detect_kind(data: dict) -> DocumentKind:
    """A document with ``sections`` is a score; anything else is a config."""
    return "score" if "sections" in data else "config"


def parse_document(path: Path, *, display: str | None = None
                   ) -> tuple[ParsedDocument | None, list[Diagnostic]]:
    """Read, decode and parse ``path``; returns the document or the diagnostics that stop it.

    Raises
    ------
    UsageError
        When the file does not exist or cannot be read (exit code 2).
    """
    shown = display or str(path)
    text, problems = decode_document(read_document_bytes(path, display=shown), display=shown)
    if text is None:
        return None, problems
    data, problems = parse_text(text, display=shown, json_syntax=path.suffix.lower() == ".json")
    if problems:
        return None, problems
    if expanded_size(data) > MAX_EXPANDED_NODES:
        return None, [_diag(shown, "alias-bomb",
                            "document expands to too many nodes through YAML aliases",
                            hint="remove the recursive &anchor/*alias references")]
    if data is None:
        return None, [_diag(shown, "empty", "document is empty")]
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} scalar"
        return None, [_diag(shown, "not-mapping", f"top level is {kind}, not a mapping",
                            hint="a document is a mapping that starts with `version: 2`")]
    return ParsedDocument(path, shown, data, detect_kind(data)), []


def to_plain(node: Any) -> Any:
    """ruamel round-trip nodes → plain dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def dump_yaml(data: dict[str, Any], *, comment: str | None = None) -> str:
    """YAML text of ``data`` in block style, key order kept, ``comment`` as leading ``#`` lines."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    def convert(node: Any) -> Any:
        if isinstance(node, dict):
            mapping = CommentedMap()
            for key, value in node.items():
                mapping[key] = convert(value)
            return mapping
        if isinstance(node, (list, tuple)):
            return [convert(v) for v in node]
        return node

    root = convert(data)
    if comment:
        root.yaml_set_start_comment(comment)
    yaml = YAML(typ="rt", pure=True)
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(root, stream)
    return stream.getvalue()


def write_text_atomic(path: Path, text: str, *, force: bool,
                      inputs: tuple[Path, ...] = ()) -> None:
    """Write ``text`` to ``path`` through :mod:`moodc.output` (temp + rename, checked target).

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is False (nothing is written).
    moodc.output.OutputError
        ``path`` is not a regular file, is an input, or cannot be written (exit 2).
    """
    from moodc.output import write_text

    write_text(Path(path), text, force=force, inputs=inputs)
