"""Load a document file into its validated model: parse → validate → build.

This sits above :mod:`moodc.config.io` (parsing, writing) and :mod:`moodc.config.validate`
(diagnostics), so neither needs the other's caller and the imports run one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moodc.config.io import parse_document, to_plain
from moodc.config.plain import strict_fields
from moodc.config.validate import rule_diagnostics, tag_diagnostics, validate_document
from moodc.errors import DocumentError, MoodcError


@dataclass(frozen=True)
class ValidConfig:
    """A config that passed every check ``moodc validate`` makes, as the plain dict the model
    would dump (``Config.model_dump(mode="json")``): what a render needs, without pydantic."""

    fields: dict[str, Any]


@dataclass(frozen=True)
class ValidScore:
    """A score that passed every check ``moodc validate`` makes, its section files included:
    the score as the model would dump it (``Score.model_dump(mode="json")``) and each
    section's config as ``Config.model_dump(mode="json")``, in section order. What a render
    needs, without pydantic."""

    fields: dict[str, Any]
    configs: tuple[dict[str, Any], ...]


def load_render_document(path: Path) -> Any:
    """What a render of ``path`` needs: a :class:`ValidConfig` or :class:`ValidScore` when the
    strict walk of the schema accepts the document (and, for a score, every section's
    config), else the model :func:`load_document` builds (a document only the full path can
    decide on, or report).

    Not building the pydantic models saves importing pydantic, jsonschema and building the
    model classes, ~0.2–0.3 s of CPU, a third of a one-second render's process.

    Raises
    ------
    UsageError
        Missing or unreadable file (exit 2).
    DocumentError
        The document has findings; ``.diagnostics`` holds them all (exit 1).
    """
    clean = _clean_data(Path(path))
    quick: ValidConfig | ValidScore | None = None
    if clean is not None:
        kind, data = clean
        quick = (_valid_score(data, base_dir=Path(path).parent) if kind == "score"
                 else _valid_config(data))
    return quick if quick is not None else load_document(path)


def _clean_data(path: Path) -> tuple[str, dict[str, Any]] | None:
    """The kind and plain data of the document at ``path`` when it parses without problems and
    has no YAML tag or rule finding (what every fast path requires before its own check);
    else None (anything ``validate`` would report on)."""
    doc, problems = parse_document(path)
    if problems or doc is None:
        return None
    if tag_diagnostics(doc) or rule_diagnostics(doc):
        return None
    return doc.kind, to_plain(doc.data)


def _clean_config_data(path: Path) -> dict[str, Any] | None:
    """The plain data of :func:`_clean_data` when the document is a config; else None."""
    clean = _clean_data(path)
    return clean[1] if clean is not None and clean[0] == "config" else None


def _valid_config(data: dict[str, Any]) -> ValidConfig | None:
    """Clean config data as the model would dump it, when the strict walk accepts it and the
    rules hold on the dump with its defaults (as the model's validator checks them)."""
    from moodc.config.rules import config_problems

    fields = strict_fields(data, kind="config")
    if fields is None or config_problems(fields):
        return None
    return ValidConfig(fields)


def _valid_score(data: dict[str, Any], *, base_dir: Path) -> ValidScore | None:
    """Clean score data as the model would dump it, with its sections' configs, when the
    strict walk accepts it, the rules hold on the dump, and every section's config is inline
    or a file the config fast path accepts; else None (the full path decides and reports).

    Sound as :func:`quick_config_fields` is, plus what ``validate`` checks of a score's
    section files: a missing file, a directory, the score itself or another score all fail
    to give a config here (:func:`moodc.score.section_configs` raises), so they go the full
    path, whose findings name them.
    """
    from moodc.config.rules import score_problems
    from moodc.score import section_configs

    fields = strict_fields(data, kind="score")
    if fields is None or score_problems(fields):
        return None
    try:
        configs = section_configs(fields, base_dir=base_dir, loader=quick_config_fields)
    except MoodcError:
        return None
    return ValidScore(fields, tuple(configs))


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
    data = _clean_config_data(path)
    valid = _valid_config(data) if data is not None else None
    return valid.fields if valid is not None else None


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
