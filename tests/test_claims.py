"""Words and fields agree (issue 14): a justification or note that claims a quality (dark,
fast, sparse, rain...) comes with the field that makes it true, over every day-score phase,
every concept of the library and every example."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from moodc import vocab
from moodc.activity import log_to_score
from moodc.activity.to_score import PHASE_CONFIG, blend_phase, phase_justification
from moodc.config.load import load_document
from moodc.config.model import Config, Score
from moodc.data.claims import CLAIMS, broken_claims, claims_of, keep_claims
from moodc.data.expect import check_one
from tests.helpers import EXAMPLES, ROOT
from tests.helpers.activity_day import write_synthetic_log

LIBRARY = ROOT / "moodc" / "data" / "concepts" / "concepts.jsonl"


def test_claims_read_phrases_longest_first_and_skip_negations() -> None:
    assert claims_of("late and hazy: dark jazz chords") == {
        "dark": {"brightness": "<=dark"}, "jazz chords": {"harmony_any": ["jazz"]}}
    assert claims_of("slow modulation") == {"slow modulation": {"motion": "<=medium"}}
    assert claims_of("a dark strings pad") == {"dark strings pad": {"pad_any": ["dark"]}}
    assert claims_of("no drums, not dark") == {"no drums": {"silent": ["rhythm"]}}
    assert claims_of("breakfast in the darkroom") == {}


def test_every_claim_is_in_the_constraint_language() -> None:
    fields = vocab.with_defaults({})
    for phrase, constraints in CLAIMS.items():
        for key, spec in constraints.items():
            check_one(fields, key, spec)  # raises on an unknown key, label or layer


def test_a_config_that_breaks_its_words_is_caught_and_can_be_kept() -> None:
    fields = vocab.with_defaults({"brightness": "medium", "density": 3,
                                  "layers": {"texture": "rain"}})
    words = "late and hazy: dark jazz chords, rain"
    assert sorted(broken_claims(fields, words)) == ['"dark": brightness <=dark',
                                            '"jazz chords": harmony_any [\'jazz\']',
                                            '"rain": texture_any [\'rain\']']
    kept = keep_claims(fields, words)
    assert broken_claims(kept, words) == []
    assert kept["brightness"] == "dark" and kept["density"] >= 5


@pytest.mark.parametrize("phase", sorted(PHASE_CONFIG))
def test_every_phase_keeps_its_words_whatever_its_neighbours(phase: str) -> None:
    words = phase_justification(phase)
    assert claims_of(words), f"{phase}: its mood claims nothing the checker reads"
    for left, right in itertools.product(sorted(PHASE_CONFIG), repeat=2):
        for seed in range(2):
            fields = vocab.with_defaults(blend_phase(phase, [left, right], seed=seed))
            assert broken_claims(fields, words) == [], (phase, left, right, seed)


def test_a_day_score_keeps_the_words_of_every_section(tmp_path: Path) -> None:
    score = log_to_score(write_synthetic_log(tmp_path / "day.jsonl"))
    for section in score["sections"]:
        fields = vocab.with_defaults(section["config"])
        mood = section["note"].split("Mood: ", 1)[1].split(". Evidence:", 1)[0]
        assert broken_claims(fields, section["config"]["justification"], mood) == [], \
            section["name"]


def test_every_concept_in_the_library_keeps_its_words() -> None:
    broken = {}
    for line in LIBRARY.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        problems = broken_claims(row["config"], row["justification"])
        if problems:
            broken[row["name"]] = problems
    assert broken == {}


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml"))
                         + sorted((EXAMPLES / "palettes").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_example_keeps_its_words(path: Path) -> None:
    doc = load_document(path)
    configs = [doc] if isinstance(doc, Config) else [
        s.config for s in doc.sections if not isinstance(s.config, str)]
    assert isinstance(doc, (Config, Score))
    for config in configs:
        fields = vocab.with_defaults(config.model_dump())
        assert broken_claims(fields, config.justification or "") == [], path.name
