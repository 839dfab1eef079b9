"""JSON Schema export: generated from the pydantic models, the single source of truth.

The generated text lives in two places, byte for byte the same (a test fails when either
drifts from the models):

* ``schemas/`` at the repository root, for editors: every example starts with a
  ``# yaml-language-server: $schema=../schemas/config.schema.json`` line, and a YAML language
  server (VS Code's Red Hat YAML extension, Neovim's yamlls) validates and completes against
  it. This folder is not part of the installed package.
* ``moodc/schemas/``, package data, which ``moodc validate`` reads so that validation never
  imports pydantic (it starts in ~0.15 s instead of ~0.45 s).

``moodc schema`` generates from the model at run time, so it works the same from a checkout
and from an installed wheel. Regenerate both copies after changing the model with
``python -m moodc.config.schema``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from moodc.errors import UsageError

SchemaKind = Literal["config", "score"]
SCHEMA_KINDS: Final[tuple[SchemaKind, ...]] = ("config", "score")
#: Runtime copy (package data): what :func:`load_schema` reads.
PACKAGE_SCHEMA_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "schemas"
#: The repository checkout this module sits in (meaningless in an installed package).
REPO_ROOT: Final[Path] = Path(__file__).resolve().parents[2]
#: Editor copy at the repository root, referenced by the examples' header line.
REPO_SCHEMA_DIR: Final[Path] = REPO_ROOT / "schemas"
#: Stable ``$id`` base. The ``v2`` is the document format (``version: 2``): a future format
#: gets a new id instead of silently changing what this one means. Nothing is fetched from
#: it; editors resolve the schema by the relative path in the header line.
SCHEMA_ID_BASE: Final[str] = "https://moodc.dev/schemas/v2"
#: Human titles shown by editors ("Config"/"Score" are pydantic's class-name titles, kept
#: as the ``title`` key so existing consumers read the same value).
SCHEMA_TITLES: Final[dict[str, str]] = {"config": "Config", "score": "Score"}


def schema_file_name(kind: SchemaKind) -> str:
    """``config.schema.json`` or ``score.schema.json``."""
    return f"{kind}.schema.json"


def schema_path(kind: SchemaKind) -> Path:
    """The packaged (runtime) schema of ``kind``."""
    return PACKAGE_SCHEMA_DIR / schema_file_name(kind)


def repo_schema_path(kind: SchemaKind) -> Path:
    """The editor copy of ``kind`` at the repository root (``schemas/``)."""
    return REPO_SCHEMA_DIR / schema_file_name(kind)


def schema_id(kind: SchemaKind) -> str:
    """The stable ``$id`` of ``kind``, e.g. ``https://moodc.dev/schemas/v2/config.schema.json``."""
    return f"{SCHEMA_ID_BASE}/{schema_file_name(kind)}"


def generate_schema(kind: SchemaKind) -> dict:
    """Build the JSON Schema of ``kind`` from the pydantic model (imports pydantic).

    Raises
    ------
    UsageError
        ``kind`` is not ``config`` or ``score``.
    """
    from moodc.config.model import Config, Score

    models = {"config": Config, "score": Score}
    if kind not in models:
        raise UsageError(f"schema kind={kind!r} is unknown", hint="use config or score")
    schema = models[kind].model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id(kind),
            **schema, "title": SCHEMA_TITLES[kind]}


def schema_text(schema: dict) -> str:
    """Canonical text form: sorted keys would reorder fields, so keep model order, indent 2."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def load_schema(kind: SchemaKind) -> dict:
    """The packaged schema of ``kind`` (no pydantic import)."""
    return json.loads(schema_path(kind).read_text(encoding="utf-8"))


def write_schemas(*, repo_root: Path = REPO_ROOT) -> list[Path]:
    """Regenerate both copies of every schema from the models; returns the paths written.

    Raises
    ------
    UsageError
        ``repo_root`` is not a moodc checkout (no ``pyproject.toml``): an installed package
        has no ``schemas/`` folder to write.
    """
    if not (repo_root / "pyproject.toml").is_file():
        raise UsageError(f"{repo_root} is not a moodc checkout (no pyproject.toml)",
                         hint="run this from a git clone of moodc")
    written = []
    for kind in SCHEMA_KINDS:
        text = schema_text(generate_schema(kind))
        for folder in (repo_root / "moodc" / "schemas", repo_root / "schemas"):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / schema_file_name(kind)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_schemas():
        print(f"wrote {written_path}")
