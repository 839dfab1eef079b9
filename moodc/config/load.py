"""Load a document file into its validated model: parse → validate → build.

This sits above :mod:`moodc.config.io` (parsing, writing) and :mod:`moodc.config.validate`
(diagnostics), so neither needs the other's caller and the imports run one way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moodc.config.io import to_plain
from moodc.config.validate import validate_document
from moodc.errors import DocumentError


def load_document(path: Path) -> Any:
    """Load, validate and build the model of a config or score file.

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

    parsed, diagnostics = validate_document(Path(path))
    if diagnostics:
        raise DocumentError(f"{path}: invalid document ({len(diagnostics)} finding"
                            f"{'s' if len(diagnostics) != 1 else ''})", diagnostics=diagnostics,
                            hint=f"run `moodc validate {path}` for details")
    assert parsed is not None  # no diagnostics means it parsed
    model = Score if parsed.kind == "score" else Config
    return model.model_validate(to_plain(parsed.data))
