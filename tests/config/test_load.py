"""load_document's quick path: a config the strict model accepts skips the JSON Schema, and
gives the model the full path gives; anything else takes the full path and its findings.

load_render_document's plain path: a config the strict walk of the schema accepts is never
built as a pydantic model, and holds exactly the fields the model would dump."""

from __future__ import annotations

from pathlib import Path

import pytest

from moodc.config import plain
from moodc.config.io import to_plain
from moodc.config.load import (
    ValidConfig,
    ValidScore,
    load_document,
    load_render_document,
    quick_config_fields,
    strictly_valid_config,
)
from moodc.config.model import Config, Score
from moodc.config.validate import validate_document
from moodc.errors import DocumentError
from tests.helpers import ROOT, fresh_python

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
#: More edges for the plain walk: types the strict walk must not coerce, nested findings,
#: nulls, free-form provenance (a date is not a JSON value), not-a-config documents.
MORE_EDGES = {
    "bool-for-label": "version: 2\ntempo: true\n",
    "null-label": "version: 2\ntempo: null\n",
    "null-seed": PLAIN + "seed: null\n",
    "string-version": 'version: "2"\n',
    "no-version": "tempo: fast\n",
    "long-title": PLAIN + "title: " + "x" * 121 + "\n",
    "title-at-limit": PLAIN + "title: " + "x" * 120 + "\n",
    "title-number": PLAIN + "title: 5\n",
    "nested-unknown": PLAIN + "layers:\n  basss: none\n",
    "nested-null": PLAIN + "layers: null\n",
    "nested-float-for-int": PLAIN + "composition:\n  phrase_bars: 4.0\n",
    "nested-bad-enum-int": PLAIN + "composition:\n  phrase_bars: 3\n",
    "int-for-float-bpm": PLAIN + "bpm: 120\n",
    "bpm-too-slow": PLAIN + "bpm: 29.5\n",
    "seed-too-big": PLAIN + "seed: 9223372036854775808\n",
    "seed-negative": PLAIN + "seed: -1\n",
    "provenance-json": PLAIN + "provenance:\n  sources: [a, b]\n  weights: [0.5, 0.5]\n",
    "provenance-date": PLAIN + "provenance:\n  when: 2024-01-01\n",
    "provenance-int-key": PLAIN + "provenance:\n  1: a\n",
    "provenance-list": PLAIN + "provenance: [a]\n",
    "all-nested": PLAIN + "layers: {bass: none}\ninstruments: {lead: electric_piano}\n"
                  "composition: {register_low: 3, register_high: 6}\n",
    "empty": "",
    "a-list": "- version: 2\n",
    "a-score": "version: 2\nsections:\n  - duration: 4\n    config: {tempo: slow}\n",
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
    assert fresh_python(code) == "False"


def _full_fields(path: Path) -> dict | list | str:
    """The full path's verdict: the config's model dump, its findings, or "score"."""
    full = _full_path(path)
    if isinstance(full, list):
        return full
    return "score" if isinstance(full, Score) else full.model_dump(mode="json")


def _full_score(path: Path) -> tuple[dict, list[dict]]:
    """The full path's score: its model dump and its sections' configs as the models dump
    them (inline: the inline model with ``version: 2``; by path: the file's model)."""
    score = _full_path(path)
    assert isinstance(score, Score), path.name
    configs = []
    for section in score.sections:
        if isinstance(section.config, str):
            model = load_document(path.parent / section.config)
        else:
            model = Config.model_validate({**section.config.model_dump(), "version": 2})
        configs.append(model.model_dump(mode="json"))
    return score.model_dump(mode="json"), configs


def _edge_paths(tmp_path: Path) -> list[Path]:
    paths = []
    for name, text in {**TRICKY, **MORE_EDGES}.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def test_the_plain_walk_accepts_only_valid_configs_and_dumps_what_the_model_dumps(
        tmp_path: Path) -> None:
    """Everything the plain path accepts, validate accepts, with the same fields (same key
    order too: the synth reads them as given)."""
    accepted = 0
    for path in DOCUMENTS + _edge_paths(tmp_path):
        fields = quick_config_fields(path)
        if fields is None:
            continue
        accepted += 1
        expected = _full_fields(path)
        assert fields == expected, path.name
        assert list(fields) == list(expected), path.name
        assert [type(v) for v in fields.values()] == [type(v) for v in expected.values()]
    assert accepted >= 10


def test_render_loading_accepts_and_refuses_exactly_what_validate_does(tmp_path: Path) -> None:
    for path in DOCUMENTS + _edge_paths(tmp_path):
        expected = _full_fields(path)
        if isinstance(expected, list):
            with pytest.raises(DocumentError) as raised:
                load_render_document(path)
            assert raised.value.diagnostics == expected, path.name
            continue
        loaded = load_render_document(path)
        if expected == "score":
            if isinstance(loaded, ValidScore):
                assert (loaded.fields, list(loaded.configs)) == _full_score(path), path.name
            else:
                assert isinstance(loaded, Score), path.name
        elif isinstance(loaded, ValidConfig):
            assert loaded.fields == expected, path.name
        else:  # a config only the full path could decide on (a coercion, a date)
            assert loaded.model_dump(mode="json") == expected, path.name


@pytest.mark.parametrize("name", ["int-for-float", "int-for-float-bpm", "all-nested",
                                  "provenance-json", "null-seed", "title-at-limit"])
def test_plain_configs_take_the_plain_path(name: str, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text({**TRICKY, **MORE_EDGES}[name], encoding="utf-8")
    assert isinstance(load_render_document(path), ValidConfig)


@pytest.mark.parametrize("name", ["float-for-int", "nested-float-for-int", "provenance-date",
                                  "float-version"])
def test_coercions_are_left_to_the_model(name: str, tmp_path: Path) -> None:
    """Valid documents that need a coercion (6.0 → 6, a date → text) are the model's call."""
    path = tmp_path / f"{name}.yaml"
    path.write_text({**TRICKY, **MORE_EDGES}[name], encoding="utf-8")
    assert quick_config_fields(path) is None
    assert not isinstance(load_render_document(path), ValidConfig)


def test_every_example_config_takes_the_plain_path() -> None:
    configs = [p for p in (ROOT / "examples").rglob("*.yaml")
               if "sections:" not in p.read_text(encoding="utf-8")]
    assert configs and all(isinstance(load_render_document(p), ValidConfig) for p in configs)


def test_a_schema_keyword_the_walk_does_not_know_refuses_the_document(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A future schema constraint must never be skipped silently: the walk gives up."""
    schema = {"type": "object", "properties": {"version": {"const": 2, "type": "integer"},
                                               "title": {"type": "string", "pattern": "^a"}},
              "additionalProperties": False, "required": ["version"]}
    monkeypatch.setattr(plain, "_schema", lambda kind: schema)
    assert plain.strict_fields({"version": 2}, kind="config") is None
    schema["properties"]["title"].pop("pattern")
    assert plain.strict_fields({"version": 2, "title": "b"}, kind="config") == {
        "version": 2, "title": "b"}


def test_rendering_a_plain_config_does_not_import_pydantic() -> None:
    """The point of the plain path: ~0.2 s less start-up for every render of a config."""
    code = ("import sys; from pathlib import Path;"
            "from moodc.config.load import load_render_document;"
            "from moodc.render import build_timeline;"
            f"path = Path({str(ROOT / 'examples/sunny-morning.yaml')!r});"
            "build_timeline(load_render_document(path), base_dir=path.parent, duration_s=1,"
            " seed=None, sample_rate=44100, title='x');"
            "print('pydantic' in sys.modules, 'jsonschema' in sys.modules)")
    assert fresh_python(code) == "False False"
