"""The concept engine, search and the ``moodc concepts`` command."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from moodc.concepts import (FALLBACK_CONCEPT, concepts_engine, find_concept,
                            load_concepts, match_prompt, search, stem)
from moodc.config.model import Config
from moodc.data.expect import SCALE_FAMILIES, check_expectations
from moodc.errors import MoodcError, UsageError

from tests.helpers import ROOT


def _dump(prompt: str, *, seed: int = 0) -> dict:
    return concepts_engine(prompt, seed=seed).model_dump()


# --------------------------------------------------------------------------------------
# Engine: recognisable results
# --------------------------------------------------------------------------------------

def test_arabian_nights_gets_a_middle_eastern_scale_and_oud_or_ney() -> None:
    config = _dump("arabian nights")
    assert config["mode"] in SCALE_FAMILIES["middle_eastern"]
    assert config["instruments"]["lead"] in ("oud", "ney")
    assert config["layers"]["rhythm"] in ("maqsum", "baladi", "saidi")


def test_8_bit_adventure_is_chiptune() -> None:
    for prompt in ("8-bit adventure", "8bit adventure", "an 8 bit boss fight"):
        config = _dump(prompt)
        assert "square_8bit" in config["instruments"].values(), prompt


def test_a_named_brightness_is_not_diluted_by_concepts_that_said_nothing() -> None:
    """"haunted victorian mansion": only the ghost names a brightness (dark); the victorian
    era and the mansion leave it at the default medium. Merged by what each concept named,
    it is dark, though the ghost has the least weight (it used to land on medium)."""
    config = concepts_engine("haunted victorian mansion")
    concepts = config.provenance["concepts"]
    named = [c for c in concepts if "brightness" in find_concept(c).given]
    assert named == ["ghost"] and concepts[0] != "ghost"
    assert find_concept("ghost").config["brightness"] in ("dark", "very_dark")
    assert config.brightness in ("dark", "very_dark")


def test_rainy_night_in_tokyo_has_rain_or_a_japanese_scale() -> None:
    config = _dump("rainy night in tokyo")
    assert config["layers"]["texture"] == "rain" or config["mode"] in SCALE_FAMILIES["japanese"]
    assert "tokyo" in config["provenance"]["concepts"]
    assert "rain" in config["provenance"]["concepts"]


@pytest.mark.parametrize(("prompt", "expect"), [
    ("funeral", {"tempo": "<=slow", "mode_family": "minor", "brightness": "<=dark"}),
    ("christmas morning", {"mode_family": "major", "instrument_any": ["celesta"]}),
    ("a waltz in vienna", {"meter": "3/4", "rhythm_any": ["waltz"]}),
    ("bossa nova on the beach", {"rhythm_any": ["bossa"], "harmony_any": ["jazz"]}),
    ("indian wedding", {"instrument_any": ["sitar", "bansuri", "shehnai"],
                        "rhythm_any": ["teental", "dhol"]}),
    ("japanese temple", {"scale_family": "japanese"}),
    ("workout at the gym", {"tempo": ">=fast"}),
    ("deep sleep", {"tempo": "<=slow", "brightness": "<=dark"}),
    ("lofi beats to study to", {"texture_any": ["vinyl"], "tempo": "<=slow"}),
    # a scene word must not take the style's cues (scale, cadence, rhythm, lead) away
    ("flamenco at a sunny beach festival", {"rhythm_any": ["flamenco"], "meter": "12/8",
                                            "harmony_any": ["andalusian"],
                                            "mode_any": ["spanish_phrygian"]}),
    ("tango on a stormy night", {"rhythm_any": ["tango"], "instrument_any": ["bandoneon"]}),
    ("a klezmer band in a snowy village", {"rhythm_any": ["bulgar"],
                                           "instrument_any": ["clarinet"]}),
    ("reggae by the ocean at sunset", {"rhythm_any": ["one_drop"]}),
])
def test_engine_meets_a_musicians_expectations(prompt: str, expect: dict) -> None:
    config = concepts_engine(prompt, seed=0)
    assert all(check_expectations(config, expect)), (prompt, config.provenance)


def test_typos_still_match() -> None:
    assert match_prompt("thundrstorm")[0].concept.name == "thunderstorm"
    assert match_prompt("melancholly piano")[0].concept.name in ("melancholy", "piano")


def test_longest_phrase_wins_over_its_words() -> None:
    names = [m.concept.name for m in match_prompt("a walk in new york")]
    assert "new york" in names


def test_negation_drops_a_match() -> None:
    assert "sad" not in [m.concept.name for m in match_prompt("not sad")]


def test_stemming_maps_inflections_together() -> None:
    assert stem("nights") == stem("night")
    assert stem("rainy") == stem("rain")
    assert stem("running") == stem("run")


# --------------------------------------------------------------------------------------
# Engine: contract
# --------------------------------------------------------------------------------------

def test_engine_is_deterministic_per_seed_and_records_provenance() -> None:
    prompt = "calm battle at sunset in the desert"
    a, b = concepts_engine(prompt, seed=7), concepts_engine(prompt, seed=7)
    assert a.model_dump() == b.model_dump()
    provenance = a.provenance
    assert provenance["engine"] == "concepts" and provenance["seed"] == 7
    assert provenance["prompt"] == prompt
    assert 2 <= len(provenance["concepts"]) <= 4
    assert len(provenance["weights"]) == len(provenance["concepts"])
    assert abs(sum(provenance["weights"]) - 1.0) < 1e-3
    assert provenance["weights"] == sorted(provenance["weights"], reverse=True)
    assert a.justification and len(a.justification) <= 600


def test_seed_changes_a_merged_config_somewhere() -> None:
    prompt = "happy funeral in the rain with bells"
    dumps = {json.dumps(_dump(prompt, seed=s), sort_keys=True) for s in range(6)}
    assert len(dumps) > 1


def test_top_k_limits_the_concepts() -> None:
    config = concepts_engine("rain night tokyo jazz cafe autumn", seed=0, top_k=2)
    assert len(config.provenance["concepts"]) == 2
    with pytest.raises(UsageError):
        concepts_engine("rain", top_k=0)


@pytest.mark.parametrize("prompt", ["xyzzy plugh", "qwrtzp", "???", "the of and"])
def test_unknown_words_fall_back_to_neutral(prompt: str) -> None:
    config = concepts_engine(prompt, seed=0)
    assert isinstance(config, Config)
    if config.provenance["fallback"]:
        assert config.provenance["concepts"] == [FALLBACK_CONCEPT]


def test_punctuation_only_is_a_fallback_not_an_error() -> None:
    assert concepts_engine("?!", seed=0).provenance["fallback"] is True


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_prompt_is_an_error(prompt: str) -> None:
    with pytest.raises(MoodcError, match="empty"):
        concepts_engine(prompt, seed=0)


def test_every_concept_name_finds_itself() -> None:
    misses = [c.name for c in load_concepts()
              if not match_prompt(c.name) or match_prompt(c.name)[0].concept.name != c.name]
    assert len(misses) <= 10, misses


@pytest.mark.slow
def test_controllability_on_the_test_split() -> None:
    """The engine satisfies most directional constraints of the held-out split."""
    rows = [json.loads(line) for line in
            (ROOT / "moodc" / "data" / "train" / "test.jsonl").read_text().splitlines()]
    results = [ok for row in rows
               for ok in check_expectations(concepts_engine(row["prompt"], seed=0),
                                            row["expect"])]
    assert sum(results) / len(results) >= 0.85


# --------------------------------------------------------------------------------------
# Search and lookup
# --------------------------------------------------------------------------------------

def test_search_rain_finds_rain_concepts_only() -> None:
    names = [c.name for c in search("rain")]
    assert names[0] == "rain"
    for wanted in ("drizzle", "monsoon", "rainforest", "thunderstorm"):
        assert wanted in names
    assert "brainstorming" not in names and "grainy" not in names


def test_empty_search_lists_everything_and_category_filters() -> None:
    assert len(search("")) == len(load_concepts())
    weather = search("", category="weather")
    assert weather and all(c.category == "weather" for c in weather)
    with pytest.raises(UsageError, match="weathr"):
        search("", category="weathr")


def test_find_concept_by_alias_and_did_you_mean() -> None:
    assert find_concept("8-bit").name == "chiptune"
    with pytest.raises(UsageError) as info:
        find_concept("arabain")
    assert "arabian" in (info.value.hint or "")


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

def _run(*args: str):
    from moodc.cli import cli

    return CliRunner().invoke(cli, ["concepts", *args], catch_exceptions=False)


def test_cli_search_lists_rain_concepts() -> None:
    result = _run("rain", "--format", "json")
    assert result.exit_code == 0
    names = [row["name"] for row in json.loads(result.output)]
    assert "rain" in names and "drizzle" in names
    table = _run("rain")
    assert table.exit_code == 0 and "drizzle" in table.output


def test_cli_lists_all_without_search() -> None:
    result = _run("--format", "json")
    assert len(json.loads(result.output)) == len(load_concepts())


def test_cli_show_prints_a_valid_config() -> None:
    result = _run("--show", "arabian", "--format", "json")
    assert result.exit_code == 0
    document = json.loads(result.output)  # the config itself: render takes it as it is
    assert Config.model_validate(document).provenance["concept"] == "arabian"
    yaml_result = _run("--show", "arabian")
    assert yaml_result.exit_code == 0 and "phrygian_dominant" in yaml_result.output


def test_cli_unknown_show_name_exits_2_with_did_you_mean() -> None:
    result = _run("--show", "arabain")
    assert result.exit_code == 2
    assert "did you mean" in result.output and "arabian" in result.output
    assert "Traceback" not in result.output


def test_cli_bad_category_exits_2() -> None:
    result = _run("--category", "nope")
    assert result.exit_code == 2 and "no category" in result.output


def test_command_module_does_not_import_numpy() -> None:
    code = ("import sys, moodc.commands.concepts, moodc.concepts; "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


# --------------------------------------------------------------------------------------
# Modifiers
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("prompt", "expect"), [
    ("slow arcade", {"tempo": "<=slow", "instrument_any": ["square_8bit"]}),
    ("fast funeral", {"tempo": ">=fast", "instrument_any": ["organ"]}),
    ("forest with rain sounds", {"texture_any": ["rain"]}),
    ("tokyo without drums", {"rhythm_any": ["none"], "scale_family": "japanese"}),
    ("christmas in 3/4", {"meter": "3/4", "rhythm_any": ["waltz"]}),
    ("a darker beach in a minor key", {"brightness": "<=dark", "mode_family": "minor"}),
    ("ominous with lots of echo", {"echo": ">=heavy"}),
])
def test_modifiers_edit_the_concepts(prompt: str, expect: dict) -> None:
    config = concepts_engine(prompt, seed=0)
    assert all(check_expectations(config, expect)), (prompt, config.provenance)
    assert config.provenance["modifiers"]


@pytest.mark.parametrize("meter", ["2/4", "3/4", "5/4", "6/8", "7/8", "12/8"])
def test_a_meter_written_or_spoken_sets_it(meter: str) -> None:
    """ "in 7/8", "7/8 time" and "seven-eight" all ask for that meter, whatever the scene;
    spelled out ("three-four") as musicians say it, not only in digits."""
    spoken = {"2/4": "two-four", "3/4": "three-four", "5/4": "five-four",
              "6/8": "six-eight", "7/8": "seven-eight", "12/8": "twelve-eight"}[meter]
    for wording in (f"a village dance in {meter}", f"a sad song in {meter} time",
                    f"couples turning in {spoken} at a palace ball"):
        config = concepts_engine(wording, seed=0)
        assert config.meter == meter, (wording, config.provenance)


def test_modifier_words_do_not_become_concepts_when_others_match() -> None:
    config = concepts_engine("ominous in a minor key with lots of echo", seed=0)
    assert "piano" not in config.provenance["concepts"]  # "key" is not the keyboard here
    assert "echoing" not in config.provenance["concepts"]
    assert concepts_engine("dark", seed=0).provenance["concepts"] == ["dark"]


def test_negated_modifier_is_ignored() -> None:
    assert concepts_engine("not fast jazz", seed=0).provenance["modifiers"] == []
    drumless = concepts_engine("jazz without drums", seed=0)
    assert drumless.provenance["modifiers"] == ["without drums"]
    assert drumless.layers.rhythm == "none"


def test_controllability_on_handwritten_probes() -> None:
    """80 natural prompts written by hand (not generated from the library), with expectations."""
    rows = [json.loads(line) for line in
            (ROOT / "moodc" / "data" / "probe" / "probe.jsonl").read_text().splitlines()]
    assert len(rows) >= 60
    results = [ok for row in rows
               for ok in check_expectations(concepts_engine(row["prompt"], seed=0),
                                            row["expect"])]
    assert sum(results) / len(results) >= 0.9


@pytest.mark.slow
def test_engine_is_deterministic_across_processes() -> None:
    code = ("import json, moodc.concepts as c; "
            "print(json.dumps(c.concepts_engine('rainy night in tokyo with a sitar', seed=3)"
            ".model_dump(), sort_keys=True))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**__import__("os").environ,
                                            "PYTHONHASHSEED": str(h)}).stdout
            for h in (1, 2)}
    assert len(outs) == 1


def test_accents_and_case_are_folded() -> None:
    names = [m.concept.name for m in match_prompt("CAFÉ in Paris, Día de los Muertos")]
    assert {"cafe", "paris", "day of the dead"} <= set(names)


def test_exact_name_beats_a_stem_twin() -> None:
    assert [m.concept.name for m in match_prompt("garden")] == ["garden"]
    assert match_prompt("gardening")[0].concept.name == "gardening"


def test_a_description_names_each_voice_once() -> None:
    from moodc.concepts import describe_config

    upright = describe_config({"density": 4, "layers": {"bass": "walking"},
                               "instruments": {"bass": "double_bass"}})
    assert "walking double bass;" in upright and "bass bass" not in upright
    assert "walking sine bass;" in describe_config({"density": 4,
                                                     "layers": {"bass": "walking"}})


# ------------------------------------------------------------------ who sets the pace


@pytest.mark.parametrize(("prompt", "pace_setter", "colour"), [
    ("underground rave", "rave", "cave"),  # an activity in a place
    ("a sad clown", "sad", "clown"),  # an emotion of a character
    ("70s disco night", "disco", "night"),  # a genre at a time of day
])
def test_what_people_do_or_feel_sets_the_tempo_not_where_or_when(
        prompt: str, pace_setter: str, colour: str) -> None:
    config = concepts_engine(prompt, seed=0)
    assert {pace_setter, colour} <= set(config.provenance["concepts"])
    assert find_concept(pace_setter).config["tempo"] != find_concept(colour).config["tempo"]
    assert config.tempo == find_concept(pace_setter).config["tempo"]


def test_a_weak_pace_setting_match_does_not_decide_the_tempo() -> None:
    from moodc.concepts import PACE_FIELDS, PACE_SHARE, Match, pace_given

    place, activity = find_concept("cave"), find_concept("rave")
    matches = [Match(place, 1.0, ("cave",)), Match(activity, 0.4, ("rave",))]
    weak = [1.0 - PACE_SHARE + 0.05, PACE_SHARE - 0.05]
    assert pace_given(matches, weak) == [place.given, activity.given]  # all vote
    strong = [1.0 - PACE_SHARE, PACE_SHARE]
    given = pace_given(matches, strong)
    assert given[1] == activity.given and not given[0] & PACE_FIELDS
    assert given[0] == (place.given or given[0]) - PACE_FIELDS  # only the tempo leaves
