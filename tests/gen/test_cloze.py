"""The base model's answers to fixed questions (moodc.gen.cloze), and the culture it proposes.

The layout and the culture rules are checked without the model; the tests marked ``model``
ask the real SmolLM2 (see ``test_train_model.py`` for the runtime they need).
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc.concepts import find_concept, load_concepts
from moodc.config.model import Config
from moodc.data.expect import MODE_FAMILY, SCALE_FAMILIES
from moodc.gen import cloze
from moodc.gen.explain import check_justification
from moodc.gen.pipeline import generate


class _Words:
    """A stand-in tokenizer: one id per whitespace word (the layout's arithmetic only)."""

    class _Encoded:
        def __init__(self, ids: list[int]) -> None:
            self.ids = ids

    def encode(self, text: str) -> _Encoded:
        return self._Encoded([hash(w) % 1000 for w in text.split()])


def test_each_opening_continues_the_request_and_sees_only_it_and_itself() -> None:
    questions = cloze.CLOZE_QUESTIONS[:3]
    layout = cloze.cloze_tokens(_Words(), "a wedding in rajasthan", questions=questions)
    request = int(np.sum(layout.segment == 0))
    mask = cloze.cloze_mask(np.zeros(len(layout.ids), dtype=int), layout.segment)
    for k, last in enumerate(layout.last, start=1):
        assert layout.segment[last] == k
        opening = np.flatnonzero(layout.segment == k)
        assert layout.positions[opening[0]] == request  # positions continue the request
        seen = np.flatnonzero(mask[last])
        assert set(seen) == set(range(request)) | set(opening[opening <= last])


def test_two_packed_prompts_never_see_each_other() -> None:
    group = np.array([0, 0, 1, 1])
    mask = cloze.cloze_mask(group, np.zeros(4, dtype=int))
    assert not mask[2, :2].any() and not mask[1, 2:].any()


def test_a_prompt_cannot_close_the_request() -> None:
    layout = cloze.cloze_tokens(_Words(), "x<|im_end|> y", questions=cloze.CLOZE_QUESTIONS[:1])
    assert cloze._plain("x<|im_end|> y") == "x< |im_end|> y"
    assert len(layout.ids) > 0


def test_every_country_maps_to_a_culture_of_the_library() -> None:
    answers = set(cloze.CLOZE_QUESTIONS[0].answers)
    for country, culture in cloze.COUNTRY_CULTURE.items():
        assert country in answers
        assert find_concept(culture).category == "culture"


def test_the_proposal_needs_a_mapped_answer_and_enough_probability() -> None:
    answers = cloze.COUNTRY_QUESTIONS[0].answers
    row = np.full(len(answers), np.log(1e-4))
    row[answers.index("India")] = np.log(0.8)
    assert cloze.proposed_culture(row) == ("India", "indian", pytest.approx(0.8, abs=1e-3))
    assert cloze.proposed_culture(row, min_probability=0.9) is None
    row[answers.index("India")], row[answers.index("England")] = np.log(0.1), np.log(0.8)
    assert cloze.proposed_culture(row) is None  # no music of its own in the vocabulary


def test_a_culture_sums_the_countries_that_share_its_music() -> None:
    answers = cloze.COUNTRY_QUESTIONS[0].answers
    row = np.full(len(answers), np.log(1e-4))
    for country in ("Nigeria", "Ghana", "Mali"):
        row[answers.index(country)] = np.log(0.3)
    row[answers.index("Ghana")] = np.log(0.35)
    assert cloze.proposed_culture(row)[:2] == ("Ghana", "west african")


def _plain_config(**fields: object) -> dict:
    config = Config.model_validate({"version": 2}).model_dump(exclude_none=True)
    config.update(fields)
    return config


def test_the_culture_brings_its_signature_and_leaves_the_rest() -> None:
    config = _plain_config(tempo="very_fast", brightness="bright", mode="major")
    config["layers"]["rhythm"] = "soft_four"
    out, changed = cloze.with_culture(config, find_concept("indian"))
    assert (out["instruments"]["lead"], out["layers"]["rhythm"], out["layers"]["pad"]) == \
        ("sitar", "teental", "tanpura")
    assert out["mode"] in SCALE_FAMILIES["middle_eastern"]
    assert set(changed) == {"mode", "instruments.lead", "layers.rhythm", "layers.pad"}
    assert (out["tempo"], out["brightness"]) == ("very_fast", "bright")
    Config.model_validate(out)


def test_a_prompt_without_drums_keeps_none_and_a_generic_lead_is_not_a_signature() -> None:
    config = _plain_config(mode="minor")
    config["layers"]["rhythm"] = "none"
    out, changed = cloze.with_culture(config, find_concept("italian"))  # pluck, soft_four
    assert changed == [] and out == config
    out, _ = cloze.with_culture(config, find_concept("indian"))
    assert out["layers"]["rhythm"] == "none"


def test_a_style_the_prompt_already_has_is_kept() -> None:
    config = _plain_config(mode="in_sen")
    config["instruments"]["lead"], config["layers"]["rhythm"] = "shehnai", "dhol"
    out, changed = cloze.with_culture(config, find_concept("indian"))
    assert (out["mode"], out["instruments"]["lead"], out["layers"]["rhythm"]) == \
        ("in_sen", "shehnai", "dhol")
    assert changed == ["layers.pad"]


def test_a_sad_prompt_keeps_its_minor_third_in_a_pentatonic_culture() -> None:
    out, _ = cloze.with_culture(_plain_config(mode="minor"), find_concept("chinese"))
    assert out["mode"] == "minor_pentatonic" and MODE_FAMILY[out["mode"]] == "minor"
    out, _ = cloze.with_culture(_plain_config(mode="major"), find_concept("chinese"))
    assert out["mode"] == "major_pentatonic"


def test_every_culture_the_model_can_propose_gives_a_valid_config() -> None:
    base = _plain_config()
    for culture in set(cloze.COUNTRY_CULTURE.values()):
        Config.model_validate(cloze.with_culture(base, find_concept(culture))[0])


def test_a_prompt_that_spells_a_culture_keeps_it() -> None:
    assert cloze.spells_culture("arabian nights in the rain")
    assert cloze.spells_culture("bhangra beat at a wedding")
    assert not cloze.spells_culture("a wedding in rajasthan")
    assert any(c.category == "culture" for c in load_concepts())


def test_a_word_inside_a_cultures_alias_does_not_spell_it() -> None:
    """"thousand" lies inside "a thousand and one nights" and "beat" inside "bhangra beat":
    the library's weak bag share, not the prompt naming a culture, so the model's own
    reading of the prompt's place is not silenced by them."""
    from moodc.concepts import match_prompt

    weak = {m.concept.name: m for m in match_prompt("the same four walls for the thousandth morning")}
    assert "arabian nights" in weak and not weak["arabian nights"].named
    assert weak["morning"].named
    assert not cloze.spells_culture("the same four walls for the thousandth morning")
    assert not cloze.spells_culture("cherry petals on the water, a beat of silence")


@pytest.mark.model
def test_the_model_knows_where_named_places_and_feasts_are() -> None:
    from moodc.gen.head import load_tuned

    encoder = load_tuned().encoder
    prompts = {"a wedding in rajasthan": "India", "carnival in rio": "Brazil",
               "a quiet morning in kyoto": "Japan", "a souk in marrakech at dusk": "Morocco"}
    rows = cloze.cloze_features(list(prompts), encoder=encoder)
    alone = np.concatenate([cloze.cloze_features([p], encoder=encoder) for p in prompts])
    np.testing.assert_allclose(rows, alone, atol=1e-3)  # packing changes nothing
    for row, country in zip(rows, prompts.values()):
        assert cloze.top_answers(row)["country"][0] == country


@pytest.mark.model
def test_gen_gives_a_place_it_cannot_spell_its_music_and_says_why() -> None:
    config = generate("a wedding in rajasthan", seed=0, engine="tuned", explain=True)
    assert config.instruments.lead in {"sitar", "shehnai", "bansuri"}
    assert config.provenance["culture"]["concept"] == "indian"
    text = config.justification or ""
    assert text.startswith("Cues: rajasthan (India, the model's reading) → ")
    assert text.count("rajasthan") == 1  # the word's other cues joined the model's reading
    assert check_justification(text, prompt="a wedding in rajasthan",
                               fields=config.model_dump()).explains
    for path in config.provenance["culture"]["fields"]:
        value = config.model_dump()
        for part in path.split("."):
            value = value[part]
        assert str(value).replace("_", " ") in text


@pytest.mark.model
def test_gen_leaves_a_prompt_that_names_its_culture_to_the_library() -> None:
    config = generate("arabian nights", seed=0, engine="tuned")
    assert "culture" not in config.provenance
    assert config.instruments.lead in {"oud", "ney"}


def test_the_model_reading_leads_the_cues_and_is_read_back_as_a_word() -> None:
    from moodc.gen.explain import read_cues, with_first_cue

    text = "Cues: night → slow tempo, sitar lead; wedding → bright tone."
    out = with_first_cue(text, word="jaipur", reading="India, the model's reading",
                         phrases=["sitar lead", "tanpura pad"])
    assert out == ("Cues: jaipur (India, the model's reading) → sitar lead, tanpura pad; "
                   "night → slow tempo; wedding → bright tone.")
    assert read_cues(out)[0] == ("jaipur", ["sitar lead", "tanpura pad"])
    whole = with_first_cue("No single word decided it; read as a whole: slow tempo.",
                           word="jaipur", reading="India", phrases=["sitar lead"])
    assert whole == "Cues: jaipur (India) → sitar lead."
