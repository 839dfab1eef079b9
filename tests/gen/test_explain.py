"""``--explain``: the justification names the prompt's words and the values they led to.

The unit tests feed hand-built probability tables to the attribution and hand-written texts
to the checker; the library tests run the real concept engine; the ``model`` tests run the
shipped tuned head (SmolLM2 hidden states) end to end.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from moodc import vocab
from moodc.concepts import concepts_engine, normalise
from moodc.config.model import Config
from moodc.config.paths import get_path
from moodc.gen import explain
from moodc.gen.fields import config_fields

CHOSEN = {"tempo": "fast", "mode": "major", "instruments.lead": "shehnai",
          "layers.rhythm": "dhol", "brightness": "medium", "meter": "4/4"}
KEYS = ["instruments.lead", "layers.rhythm", "mode", "tempo"]


def _config(**fields) -> Config:
    from moodc.config.paths import nest

    return Config.model_validate({"version": 2, **nest(fields)})


def _value_side(text: str) -> str:
    return ", ".join(explain.said_values(text))


def _false_labels(text: str, fields: dict) -> list[str]:
    """Every value label of any field said on the value side that no field of the config holds.

    Independent of the phrase table: it scans for the vocabulary's own labels.
    """
    held = {str(get_path(fields, spec.key)).replace("_", " ") for spec in config_fields()}
    said = f" {_value_side(text).replace(',', ' ')} "
    labels = {str(v).replace("_", " ") for spec in config_fields() for v in spec.values
              if not isinstance(v, int)}
    return sorted(label for label in labels - held
                  if re.search(rf"(?<![\w/]){re.escape(label)}(?![\w/])", said)
                  and not any(label in other and label != other for other in held
                              if f" {other} " in said))


# ---------------------------------------------------------------------------------------
# The phrase table
# ---------------------------------------------------------------------------------------


def test_every_phrase_reads_back_to_one_field_and_value():
    index = explain.phrase_index()
    assert index, "the table says nothing"
    ambiguous = {phrase: pairs for phrase, pairs in index.items() if len(pairs) > 1}
    assert not ambiguous
    for key in explain.VALUE_PHRASES:
        assert any(spec.key == key for spec in config_fields()), f"{key} is no config field"


def test_values_not_worth_saying_are_not_said():
    assert explain.say_value(key="layers.texture", value="none") is None
    assert explain.say_value(key="layers.rhythm", value="none") == "no drums"
    assert explain.say_value(key="mode", value="phrygian_dominant") == "phrygian dominant scale"
    assert explain.say_value(key="composition.register_low", value=4) is None


# ---------------------------------------------------------------------------------------
# Attribution on hand-built probabilities
# ---------------------------------------------------------------------------------------


def test_a_word_leads_to_the_values_that_lose_probability_without_it():
    # rows: whole prompt, without "rajasthan", without "wedding"; columns: KEYS
    kept = np.array([[0.8, 0.6, 0.7, 0.9],
                     [0.1, 0.1, 0.7, 0.85],
                     [0.75, 0.55, 0.2, 0.3]])
    cues = explain.attribute(kept, words=["rajasthan", "wedding"], keys=KEYS)
    assert cues == [explain.Cue("rajasthan", ("instruments.lead", "layers.rhythm")),
                    explain.Cue("wedding", ("mode", "tempo"))]


def test_a_small_drop_leads_to_nothing_and_a_shared_one_names_both_words():
    kept = np.array([[0.8, 0.5], [0.7, 0.1], [0.75, 0.12]])
    cues = explain.attribute(kept, words=["a", "b"], keys=["tempo", "mode"])
    # tempo loses 12 % and 6 %: below MIN_DROP; mode loses 80 % and 76 %: both hold it up
    assert cues == [explain.Cue("a", ("mode",)), explain.Cue("b", ("mode",))]
    assert explain.attribute(np.array([[0.5], [0.6]]), words=["x"], keys=["tempo"]) == []


def test_default_values_are_named_after_the_chosen_styles():
    kept = np.array([[0.9, 0.5], [0.0, 0.3]])
    cues = explain.attribute(kept, words=["w"], keys=["meter", "instruments.lead"],
                             plain=[True, False])
    assert cues == [explain.Cue("w", ("instruments.lead", "meter"))]


def test_cues_and_values_per_cue_are_capped():
    n_words, n_keys = 8, len(explain.VALUE_PHRASES)
    kept = np.vstack([np.ones(n_keys), np.zeros((n_words, n_keys))])
    keys = list(explain.VALUE_PHRASES)
    cues = explain.attribute(kept, words=[f"w{i}" for i in range(n_words)], keys=keys)
    assert len(cues) == explain.MAX_CUES
    assert all(len(c.keys) == explain.MAX_VALUES_PER_CUE for c in cues)


# ---------------------------------------------------------------------------------------
# Words, ablation and text
# ---------------------------------------------------------------------------------------


def test_cue_words_are_the_prompts_content_words():
    words = explain.cue_words("A Wedding in Rajasthan, who has the music?")
    assert set(words) == {"wedding", "rajasthan"}
    assert len(explain.cue_words(" ".join(f"word{i}" for i in range(30)))) == \
        explain.MAX_ABLATED_WORDS
    assert explain.cue_phrases("tune evoking ravi shankar") == ["ravi shankar"]
    assert explain.cue_phrases("compose tam-tam") == ["tam tam"]


def test_ablation_removes_the_cue_and_nothing_else():
    assert explain.without_cue("A Wedding, in Rajasthan!", cue="rajasthan") == "A Wedding, in"
    assert explain.without_cue("music by ravi shankar now", cue="ravi shankar") == "music by now"
    assert explain.without_cue("rain", cue="rain") == "music"  # never an empty prompt


def test_render_reads_back_and_stays_within_the_limit():
    cues = [explain.Cue("rajasthan", ("instruments.lead", "layers.rhythm")),
            explain.Cue("wedding", ("tempo", "mode"))]
    text = explain.render(cues, chosen=CHOSEN)
    assert text == "Cues: rajasthan → shehnai lead, dhol rhythm; wedding → fast tempo, major key."
    assert explain.read_cues(text) == [("rajasthan", ["shehnai lead", "dhol rhythm"]),
                                       ("wedding", ["fast tempo", "major key"])]
    long = explain.render([explain.Cue("w" * 200, tuple(KEYS))] * 4, chosen=CHOSEN)
    assert len(long) <= vocab.MAX_JUSTIFICATION_CHARS and long.endswith(".")
    assert explain.read_cues(long)  # whole cues dropped, never cut mid-phrase


def test_a_value_the_music_does_not_play_is_not_said():
    chosen = {**CHOSEN, "layers.texture": "glitch", "density": 4}  # texture sounds from 5
    assert "layers.texture" not in explain.explained_keys(chosen)
    assert "layers.texture" in explain.explained_keys({**chosen, "density": 5})
    assert "instruments.lead" not in explain.explained_keys({**CHOSEN, "density": 2})


def test_no_cue_names_the_reading_of_the_whole_prompt():
    text = explain.render([], chosen=CHOSEN)
    assert text.startswith("No single word decided it")
    assert "shehnai lead" in text


# ---------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------


def test_the_checker_accepts_a_true_explanation():
    config = _config(tempo="fast", mode="major", instruments={"lead": "shehnai"})
    fields = config.model_dump()
    text = "Cues: rajasthan → shehnai lead; wedding → fast tempo, major key."
    check = explain.check_justification(text, prompt="A wedding in Rajasthan", fields=fields)
    assert check.explains


@pytest.mark.parametrize("text, broken", [
    ("Cues: rajasthan → sitar lead.", "no_false_value"),        # the lead is the shehnai
    ("Cues: rajasthan → shehnai lead, dark tone.", "no_false_value"),  # brightness is medium
    ("Cues: rajasthan → teleport drive.", "no_false_value"),    # not a phrase of any value
    ("Cues: india → shehnai lead.", "mentions_word"),           # not a word of the prompt
    ("Fast, E major, medium.", "mentions_word"),                # the old restatement
])
def test_the_checker_catches_what_is_not_an_explanation(text, broken):
    fields = _config(tempo="fast", instruments={"lead": "shehnai"}).model_dump()
    check = explain.check_justification(text, prompt="a wedding in rajasthan", fields=fields)
    assert getattr(check, broken) is False and not check.explains


def test_explanation_rates_count_failed_engines_as_not_explaining():
    from moodc.gen.evaluate import explanation_rates

    good = _config(tempo="fast").model_copy(
        update={"justification": "Cues: wedding → fast tempo."})
    rates = explanation_rates(["a wedding", "a wedding", "a wedding"],
                              [good, None, _config(tempo="fast")])
    assert rates["explains"] == pytest.approx(1 / 3)
    assert rates["names_value"] == pytest.approx(1 / 3)


# ---------------------------------------------------------------------------------------
# The concept library's own ablation (no neural model)
# ---------------------------------------------------------------------------------------


def _library_justification(prompt: str, *, seed: int = 0) -> tuple[str, dict]:
    config = concepts_engine(prompt, seed=seed)
    chosen = {spec.key: get_path(config.model_dump(), spec.key) for spec in config_fields()}
    text = explain.explain_by_ablation(prompt, chosen=chosen, kept_of=lambda prompts, keys:
                                       explain.library_kept(prompts, chosen=chosen, keys=keys,
                                                            seed=seed))
    return text, config.model_dump()


@pytest.mark.parametrize("prompt", ["arabian nights in the rain", "8-bit boss fight",
                                    "tune evoking ravi shankar", "a slow waltz in vienna",
                                    "sprint finish of a marathon"])
def test_library_explanations_name_prompt_words_and_only_chosen_values(prompt):
    text, fields = _library_justification(prompt)
    check = explain.check_justification(text, prompt=prompt, fields=fields)
    assert check.explains, text
    assert not _false_labels(text, fields), text
    for word, _ in explain.read_cues(text):
        assert f" {word} " in f" {normalise(prompt)} "


def test_the_oud_of_arabian_nights_is_put_down_to_arabian():
    text, fields = _library_justification("arabian nights in the rain")
    cues = dict(explain.read_cues(text))
    assert any("oud lead" in said for word, said in cues.items() if "arabian" in word), text
    texture = explain.say_value(key="layers.texture", value=fields["layers"]["texture"])
    assert any(texture in cues.get(word, []) for word in ("nights", "rain")), text


# ---------------------------------------------------------------------------------------
# The tuned engine end to end (the shipped head on SmolLM2's hidden states)
# ---------------------------------------------------------------------------------------


MODEL_PROMPTS = ["a wedding in rajasthan", "a robot learning to dance badly",
                 "a stern librarian who secretly loves punk"]


@pytest.mark.model
@pytest.mark.parametrize("prompt", MODEL_PROMPTS)
def test_tuned_explanations_name_prompt_words_and_only_chosen_values(prompt):
    from moodc.gen.pipeline import generate

    config = generate(prompt, explain=True, engine="tuned")
    assert config.provenance["route"] == "model"
    assert config.provenance["explained_by"] == "head ablation"
    fields = config.model_dump()
    check = explain.check_justification(config.justification, prompt=prompt, fields=fields)
    assert check.explains, config.justification
    assert not _false_labels(config.justification, fields), config.justification
    assert len(config.justification) <= vocab.MAX_JUSTIFICATION_CHARS


@pytest.mark.model
def test_explaining_does_not_change_the_config_and_is_deterministic():
    from moodc.gen.pipeline import generate

    prompt = MODEL_PROMPTS[0]
    for seed, temperature in ((0, 0.0), (3, 0.8)):
        plain = generate(prompt, seed=seed, temperature=temperature, engine="tuned")
        first = generate(prompt, seed=seed, temperature=temperature, explain=True,
                         engine="tuned")
        second = generate(prompt, seed=seed, temperature=temperature, explain=True,
                          engine="tuned")
        assert first.justification == second.justification
        strip = {"justification", "provenance"}
        assert first.model_dump(exclude=strip) == plain.model_dump(exclude=strip)


@pytest.mark.model
def test_the_indian_cue_of_a_rajasthani_wedding_is_put_down_to_rajasthan():
    """The wedding has an Indian voice (lead or rhythm family, as the blind split asks of
    Indian prompts) and the justification credits it to "rajasthan". Which voice is not
    pinned: the head's shehnai and strings leads are near a tie here (0.15 / 0.19)."""
    from moodc.gen.pipeline import generate

    config = generate("a wedding in rajasthan", explain=True, engine="tuned")
    cues = dict(explain.read_cues(config.justification))
    indian = ([f"{config.instruments.lead} lead"]
              if config.instruments.lead in ("sitar", "bansuri", "shehnai") else [])
    indian += ([f"{config.layers.rhythm} rhythm"]
               if config.layers.rhythm in ("teental", "dhol") else [])
    assert indian, config.model_dump(include={"instruments", "layers"})
    assert any(cue in cues.get("rajasthan", []) for cue in indian), config.justification


def test_the_concepts_engine_explains_only_when_asked():
    from moodc.gen.pipeline import generate

    asked = generate("rainy night in tokyo", explain=True, engine="concepts")
    plain = generate("rainy night in tokyo", engine="concepts")
    assert asked.provenance["explained_by"] == "library ablation"
    assert explain.check_justification(asked.justification, prompt="rainy night in tokyo",
                                       fields=asked.model_dump()).explains
    assert plain.justification.startswith("Concepts: ")  # the library's own note, unchanged
    strip = {"justification", "provenance"}
    assert asked.model_dump(exclude=strip) == plain.model_dump(exclude=strip)
