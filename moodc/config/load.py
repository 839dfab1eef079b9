"""Load a document file into its validated model: parse → validate → build.

This sits above :mod:`moodc.config.io` (parsing, writing) and :mod:`moodc.config.validate`
(diagnostics), so neither needs the other's caller and the imports run one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moodc.config.io import parse_document, to_plain
from moodc.config.plain import strict_config_fields
from moodc.config.validate import rule_diagnostics, tag_diagnostics, validate_document
from moodc.errors import DocumentError


@dataclass(frozen=True)
class ValidConfig:
    """A config that passed every check ``moodc validate`` makes, as the plain dict the model
    would dump (``Config.model_dump(mode="json")``): what a render needs, without pydantic."""

    fields: dict[str, Any]


def load_render_document(path: Path) -> Any:
    """What a render of ``path`` needs: a :class:`ValidConfig` when the strict walk of the
    schema accepts the config, else the model :func:`load_document` builds (a score, or a
    config only the full path can decide on).

    Not building the pydantic model saves importing pydantic and building the model classes,
    ~0.2 s of CPU, a quarter of a one-second render's process.

    Raises
    ------
    UsageError
        Missing or unreadable file (exit 2).
    DocumentError
        The document has findings; ``.diagnostics`` holds them all (exit 1).
    """
    fields = quick_config_fields(Path(path))
    return ValidConfig(fields) if fields is not None else load_document(path)


def _clean_config_data(path: Path) -> dict[str, Any] | None:
    """The plain data of the config at ``path`` when it parses without problems and has no
    YAML tag or rule finding (what both fast paths require before their own check); else
    None (a score, or anything ``validate`` would report on)."""
    doc, problems = parse_document(path)
    if problems or doc is None or doc.kind != "config":
        return None
    if tag_diagnostics(doc) or rule_diagnostics(doc):
        return None
    return to_plain(doc.data)


def quick_config_fields(path: Path) -> dict[str, Any] | None:
    """The model dump of the config at ``path`` when it is valid by checks cheaper than the
    JSON Schema and the model; else None (score, parse problem, YAML tag, rule finding, or
    anything the strict walk of :mod:`moodc.config.plain` refuses).

    Sound because the walk accepts only what the schema accepts with no coercion (so the
    model, built from the same schema's source, accepts it too and dumps the same values),
    and the rules and tags are checked here as ``validate`` checks them: on the document as
    written and, as the model's validator does, on the dump with its defaults.

    Raises
    ------
    UsageError
        Missing or unreadable file (exit 2), as the full path would.
    """
    from moodc.config.rules import config_problems

    data = _clean_config_data(path)
    if data is None:
        return None
    fields = strict_config_fields(data)
    if fields is None or config_problems(fields):
        return None
    return fields


def load_document(path: Path) -> Any:
    """Load, validate and build the model of a config or score file.

    A config that the model accepts in strict mode (no coercion: ``"5"`` is not 5), with no
    YAML tag and no rule finding, is built straight away: the JSON Schema is generated from
    the same model, so it has nothing to add, and skipping it saves importing jsonschema
    (~0.07 s of every ``moodc render``). Anything else takes the full path, whose
    diagnostics point at each finding.

    Returns
    -------
    Config | Score
        The validated pydantic model.

    Raises
    ------
    UsageError
        Missing or unreadable file (exit 2).
    DocumentError
        The document has findings; ``.diagnostics`` holds them all (exit 1).
    """
    from moodc.config.model import Config, Score  # pydantic: only when a model is built

    quick = strictly_valid_config(Path(path))
    if quick is not None:
        return quick
    parsed, diagnostics = validate_document(Path(path))
    if diagnostics:
        raise DocumentError(f"{path}: invalid document ({len(diagnostics)} finding"
                            f"{'s' if len(diagnostics) != 1 else ''})", diagnostics=diagnostics,
                            hint=f"run `moodc validate {path}` for details")
    assert parsed is not None  # no diagnostics means it parsed
    model = Score if parsed.kind == "score" else Config
    return model.model_validate(to_plain(parsed.data))


def strictly_valid_config(path: Path) -> Any:
    """The :class:`~moodc.config.model.Config` of ``path`` when it is a config that needs no
    diagnostics by a check cheaper than the JSON Schema; else None (score, parse problem,
    YAML tag, rule finding, or anything the strict model refuses).

    Sound because every config the strict model accepts, the schema (generated from the
    model) accepts too: strict mode only refuses more (no str → number, float → int or
    2.0 → 2), and the rules and tags are checked here as ``validate`` checks them.

    Raises
    ------
    UsageError
        Missing or unreadable file (exit 2), as the full path would.
    """
    from pydantic import ValidationError

    from moodc.config.model import Config

    data = _clean_config_data(path)
    if data is None:
        return None
    try:
        return Config.model_validate(data, strict=True)
    except ValidationError:
        return None
