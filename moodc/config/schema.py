"""JSON Schema export: generated from the pydantic models, stored in ``moodc/schemas/``.

The files are checked into git (a test fails when they drift from the models) and are what
``moodc validate`` reads, so validation never needs to import pydantic.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

SchemaKind = Literal["config", "score"]
SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMA_ID_BASE = "https://moodc.dev/schemas/v2"


def schema_path(kind: SchemaKind) -> Path:
    """Where the checked-in schema of ``kind`` lives."""
    return SCHEMA_DIR / f"{kind}.schema.json"


def generate_schema(kind: SchemaKind) -> dict:
    """Build the JSON Schema of ``kind`` from the pydantic model (imports pydantic)."""
    from moodc.config.model import Config, Score

    model = {"config": Config, "score": Score}[kind]
    schema = model.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID_BASE}/{kind}.schema.json",
        **schema,
    }


def schema_text(schema: dict) -> str:
    """Canonical text form: sorted keys would reorder fields, so keep model order, indent 2."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_schema(kind: SchemaKind) -> dict:
    """The checked-in schema of ``kind`` (no pydantic import)."""
    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


def write_schemas() -> list[Path]:
    """Regenerate every schema file from the models; returns the paths written."""
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in ("config", "score"):
        path = schema_path(kind)  # type: ignore[arg-type]
        path.write_text(schema_text(generate_schema(kind)), encoding="utf-8")  # type: ignore[arg-type]
        written.append(path)
    return written
