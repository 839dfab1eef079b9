"""A score's fast path: a valid score renders from the strict walk's plain fields (no
pydantic, no jsonschema, no model module) to the same samples as the model path, and every
score the walk refuses or cannot give a config for goes the full path, with today's error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moodc.config.load import ValidScore, load_document, load_render_document
from moodc.config.model import Score
from moodc.config.validate import validate_document
from moodc.errors import DocumentError
from moodc.render import build_timeline, render_pcm
from tests.helpers import ROOT, fresh_python

EXAMPLE_SCORES = sorted(p for p in (ROOT / "examples").glob("*.yaml")
                        if "sections:" in p.read_text(encoding="utf-8"))

HEAD = "version: 2\nsections:\n"
#: One section: an inline config.
INLINE = "  - duration: 4\n    config: {tempo: slow}\n"
#: Section files next to the scores below.
SECTION_FILES = {
    "ok.yaml": "version: 2\ntempo: fast\nmode: major\n",
    "coerced.yaml": "version: 2\ndensity: 6.0\n",
    "broken.yaml": "version: 2\ntempoo: fast\n",
    "inner-score.yaml": HEAD + INLINE,
}
#: Scores the fast path must give the model path's fields for, or leave to the full path.
SCORES = {
    "inline": HEAD + INLINE,
    "by-path": HEAD + "  - duration: 4\n    config: ok.yaml\n",
    "int-for-float": HEAD + "  - duration: 4\n    config: ok.yaml\n" + "fade_in: 1\n",
    "two-with-morph": HEAD + INLINE + "  - duration: 3\n    config: ok.yaml\n"
                      "    transition: {kind: morph, length: 2}\n",
    "cut": HEAD + INLINE + "  - duration: 3\n    config: ok.yaml\n    transition: {kind: cut}\n",
    "inline-version": HEAD + "  - duration: 4\n    config: {version: 2, root: d}\n",
    "named-null": HEAD + "  - duration: 4\n    name: null\n    config: {tempo: slow}\n",
    "provenance-json": HEAD + INLINE + "provenance: {tool: gen, sources: [a, b]}\n",
    # the full path decides these
    "coerced-section-file": HEAD + "  - duration: 4\n    config: coerced.yaml\n",
    "inline-float-for-int": HEAD + "  - duration: 4\n    config: {density: 6.0}\n",
    "provenance-date": HEAD + INLINE + "provenance: {when: 2024-01-01}\n",
    # broken: today's findings
    "unknown-key": HEAD + INLINE + "fade_inn: 1\n",
    "unknown-section-key": HEAD + "  - duration: 4\n    durration: 4\n    config: {}\n",
    "unknown-inline-key": HEAD + "  - duration: 4\n    config: {tempoo: slow}\n",
    "wrong-type": HEAD + '  - duration: "4"\n    config: {tempo: slow}\n',
    "bool-for-float": HEAD + "  - duration: true\n    config: {tempo: slow}\n",
    "no-sections": "version: 2\nsections: []\n",
    "no-version": "sections:\n" + INLINE,
    "inline-version-3": HEAD + "  - duration: 4\n    config: {version: 3}\n",
    "missing-file": HEAD + "  - duration: 4\n    config: nowhere.yaml\n",
    "section-file-is-a-score": HEAD + "  - duration: 4\n    config: inner-score.yaml\n",
    "section-file-broken": HEAD + "  - duration: 4\n    config: broken.yaml\n",
    "self-reference": HEAD + "  - duration: 4\n    config: self-reference.yaml\n",
    "a-folder": HEAD + "  - duration: 4\n    config: folder.yaml\n",
    "transition-too-long": HEAD + INLINE + "  - duration: 2\n    config: ok.yaml\n"
                           "    transition: {kind: crossfade, length: 3}\n",
    "default-transition-too-long": HEAD + INLINE + "  - duration: 1\n    config: ok.yaml\n",
    "fades-too-long": HEAD + INLINE + "fade_in: 3\nfade_out: 3\n",
    "bad-transition-kind": HEAD + INLINE + "  - duration: 3\n    config: ok.yaml\n"
                           "    transition: {kind: wipe}\n",
    "inline-rule": HEAD + "  - duration: 4\n    config:\n      composition:"
                   " {register_low: 80, register_high: 40}\n",
    "nan-duration": HEAD + "  - duration: .nan\n    config: {tempo: slow}\n",
    "tagged": HEAD + "  - duration: !custom 4\n    config: {tempo: slow}\n",
    "short-section": HEAD + "  - duration: 0.1\n    config: {tempo: slow}\n",
}
#: The scores above that the fast path takes.
FAST = ("inline", "by-path", "int-for-float", "two-with-morph", "cut", "inline-version",
        "named-null", "provenance-json")


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    for name, text in {**SECTION_FILES, **{f"{k}.yaml": v for k, v in SCORES.items()}}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "folder.yaml").mkdir()
    return tmp_path


def _timeline_record(doc: object, *, path: Path, duration_s: float | None) -> tuple:
    """Everything a timeline holds, as plain values (the voices' fields included)."""
    timeline = build_timeline(doc, base_dir=path.parent, duration_s=duration_s, seed=None,
                              sample_rate=44100, title=path.stem)
    voices = [(v.label, v.fields, v.seed, v.start_n, v.n_samples, v.preroll_n, v.fade_in,
               v.fade_out) for v in timeline.voices]
    return (voices, timeline.n_samples, timeline.fade_in_n, timeline.fade_out_n, timeline.seed,
            timeline.title, timeline.document, timeline.document_sha256)


@pytest.mark.parametrize("name", sorted(SCORES))
def test_a_score_loads_for_a_render_as_the_full_path_decides(name: str, folder: Path) -> None:
    """Valid: the same timeline either way. Broken: exactly today's error (message, hint and
    every finding)."""
    path = folder / f"{name}.yaml"
    parsed, diagnostics = validate_document(path)
    if diagnostics:
        with pytest.raises(DocumentError) as today:
            load_document(path)
        with pytest.raises(DocumentError) as now:
            load_render_document(path)
        assert (now.value.message, now.value.hint, now.value.diagnostics) == \
            (today.value.message, today.value.hint, today.value.diagnostics)
        assert name not in FAST
        return
    loaded = load_render_document(path)
    assert isinstance(loaded, ValidScore) == (name in FAST)
    model = load_document(path)
    assert isinstance(model, Score)
    assert _timeline_record(loaded, path=path, duration_s=None) == \
        _timeline_record(model, path=path, duration_s=None)


@pytest.mark.parametrize("path", EXAMPLE_SCORES, ids=lambda p: p.name)
def test_every_example_score_takes_the_fast_path_to_the_same_timeline(path: Path) -> None:
    fast = load_render_document(path)
    assert isinstance(fast, ValidScore)
    model = load_document(path)
    for duration_s in (None, 1.0):
        assert _timeline_record(fast, path=path, duration_s=duration_s) == \
            _timeline_record(model, path=path, duration_s=duration_s)


@pytest.mark.parametrize("path", EXAMPLE_SCORES, ids=lambda p: p.name)
def test_every_example_score_renders_the_same_samples_either_way(path: Path) -> None:
    fast, *_ = render_pcm(load_render_document(path), base_dir=path.parent, duration_s=1.5)
    full, *_ = render_pcm(load_document(path), base_dir=path.parent, duration_s=1.5)
    assert fast.shape == full.shape and np.array_equal(fast, full)


def test_a_morph_and_a_section_file_render_the_same_samples_either_way(folder: Path) -> None:
    """Through a morph's bridges (whose configs tween builds from the plain fields)."""
    path = folder / "two-with-morph.yaml"
    fast_doc = load_render_document(path)
    assert isinstance(fast_doc, ValidScore)
    fast, timeline, _ = render_pcm(fast_doc, base_dir=folder)
    full, *_ = render_pcm(load_document(path), base_dir=folder)
    assert any(v.label.startswith("morph") for v in timeline.voices)
    assert np.array_equal(fast, full)


def test_a_short_render_of_a_morphing_score_computes_no_bridge_it_cuts_away() -> None:
    """workday morphs at 32 s: a 1 s render never needs the bridges' configs."""
    path = ROOT / "examples/workday.yaml"
    short = build_timeline(load_render_document(path), base_dir=path.parent, duration_s=1.0,
                           seed=None, sample_rate=44100, title="w")
    whole = build_timeline(load_render_document(path), base_dir=path.parent, duration_s=None,
                           seed=None, sample_rate=44100, title="w")
    assert [v.label for v in short.voices] == ["morning focus"]
    assert sum(v.label.startswith("morph") for v in whole.voices) == 8


def test_rendering_a_score_does_not_import_pydantic_jsonschema_or_the_models() -> None:
    """The point of the fast path: ~0.3 s less start-up for a short render of a score."""
    code = ("import sys; from pathlib import Path;"
            "from moodc.config.load import load_render_document;"
            "from moodc.render import render_pcm;"
            f"path = Path({str(ROOT / 'examples/workday.yaml')!r});"
            "render_pcm(load_render_document(path), base_dir=path.parent, duration_s=1);"
            "print(sorted(m for m in ('pydantic', 'jsonschema', 'moodc.config.model')"
            " if m in sys.modules))")
    assert fresh_python(code) == "[]"


def test_an_array_keyword_the_walk_does_not_know_refuses_the_score(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A future constraint on the sections (here ``uniqueItems``) is never skipped silently:
    the walk gives up and the full path decides."""
    from moodc.config import plain

    schema = {"type": "object", "additionalProperties": False, "required": ["sections"],
              "properties": {"sections": {"type": "array", "items": {"type": "integer"},
                                          "maxItems": 2, "uniqueItems": True}}}
    monkeypatch.setattr(plain, "_schema", lambda kind: schema)
    assert plain.strict_fields({"sections": [1, 1]}, kind="score") is None
    schema["properties"]["sections"].pop("uniqueItems")
    assert plain.strict_fields({"sections": [1, 1]}, kind="score") == {"sections": [1, 1]}
    assert plain.strict_fields({"sections": [1, 2, 3]}, kind="score") is None
    assert plain.strict_fields({"sections": [1, 2.0]}, kind="score") is None
