"""load_document's quick path: a config the strict model accepts skips the JSON Schema, and
gives the model the full path gives; anything else takes the full path and its findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from moodc.config.io import to_plain
from moodc.config.load import load_document, strictly_valid_config
from moodc.config.model import Config, Score
from moodc.config.validate import validate_document
from moodc.errors import DocumentError

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted(p for folder in ("examples", "tests/data/validate")
                   for p in (ROOT / folder).rglob("*") if p.suffix in (".yaml", ".yml", ".json"))

PLAIN = "version: 2\ntempo: fast\nmode: major\n"
#: Documents at the edge of what the strict model and the schema accept.
TRICKY = {
    "plain": PLAIN,
    "quoted-number": PLAIN + 'density: "6"\n',
    "float-version": "version: 2.0\ntempo: fast\n",
    "float-for-int": PLAIN + "density: 6.0\n",
    "bool-for-int": PLAIN + "density: true\n",
    "int-for-float": PLAIN + "duration: 30\n",
    "nan": PLAIN + "duration: .nan\n",
    "inf": PLAIN + "duration: .inf\n",
    "out-of-range": PLAIN + "density: 99\n",
    "tagged": PLAIN + "seed: !custom 5\n",
    "unknown-key": PLAIN + "tempoo: fast\n",
    "registers-swapped": PLAIN + "composition:\n  register_low: 80\n  register_high: 40\n",
    "bad-label": "version: 2\ntempo: ludicrous\n",
}


def _full_path(path: Path) -> Config | Score | list:
    """What load_document returned before the quick path: the model, or the findings."""
    parsed, diagnostics = validate_document(path)
    if diagnostics:
        return diagnostics
    return (Score if parsed.kind == "score" else Config).model_validate(to_plain(parsed.data))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_quick_path_accepts_only_what_validate_accepts(path: Path) -> None:
    quick = strictly_valid_config(path)
    if quick is not None:
        assert quick == _full_path(path)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_edge_documents_load_as_the_full_path_loads_them(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(TRICKY[name], encoding="utf-8")
    expected = _full_path(path)
    if isinstance(expected, list):
        with pytest.raises(DocumentError) as raised:
            load_document(path)
        assert raised.value.diagnostics == expected
    else:
        assert load_document(path) == expected


def test_the_examples_mostly_take_the_quick_path() -> None:
    configs = [p for p in (ROOT / "examples").rglob("*.yaml")
               if "sections:" not in p.read_text(encoding="utf-8")]
    assert configs and all(strictly_valid_config(p) is not None for p in configs)


def test_loading_a_plain_config_does_not_import_jsonschema() -> None:
    """The point of the quick path: ~0.07 s less start-up for every render of a config."""
    code = ("import sys; from pathlib import Path; from moodc.config.load import load_document;"
            f"load_document(Path({str(ROOT / 'examples/sunny-morning.yaml')!r}));"
            "print('jsonschema' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
