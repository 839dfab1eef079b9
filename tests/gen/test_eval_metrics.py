"""moodc eval's metric functions on hand-built cases, the random baseline and the reports."""

from __future__ import annotations

import json
import math

import pytest

from moodc.config.model import Config
from moodc.errors import UsageError
from moodc.gen import evaluate


def test_exact_match_counts_per_field_and_failed_rows_as_wrong() -> None:
    refs = [{"tempo": "fast", "root": "c"}, {"tempo": "slow", "root": "d"},
            {"tempo": "slow", "root": "e"}, {"tempo": "medium", "root": "f"}]
    preds = [{"tempo": "fast", "root": "d"}, {"tempo": "slow", "root": "d"},
             None, {"tempo": "fast", "root": "f"}]
    scores = evaluate.exact_match(preds, refs, keys=["tempo", "root"])
    assert scores == {"tempo": 0.5, "root": 0.5}


def test_exact_match_rejects_misaligned_lists() -> None:
    with pytest.raises(ValueError):
        evaluate.exact_match([{}], [{}, {}], keys=["tempo"])


def test_ordinal_distance_ranks_labels_and_integers_and_skips_nominal_fields() -> None:
    values = {"tempo": ("very_slow", "slow", "medium", "fast", "very_fast"),
              "density": (1, 2, 3, 4, 5, 6),
              "root": ("c", "d", "e")}
    refs = [{"tempo": "very_slow", "density": 1, "root": "c"},
            {"tempo": "medium", "density": 6, "root": "d"}]
    preds = [{"tempo": "very_fast", "density": 2, "root": "e"},
             {"tempo": "medium", "density": 3, "root": "d"}]
    distances = evaluate.ordinal_distance(preds, refs, values=values)
    assert distances == {"tempo": 2.0, "density": 2.0}  # (4 + 0) / 2 and (1 + 3) / 2
    assert "root" not in distances


def test_ordinal_distance_ignores_failed_rows_and_is_nan_without_any() -> None:
    values = {"tempo": ("very_slow", "slow", "medium", "fast", "very_fast")}
    refs = [{"tempo": "slow"}, {"tempo": "fast"}]
    assert evaluate.ordinal_distance([None, {"tempo": "very_fast"}], refs,
                                     values=values) == {"tempo": 1.0}
    assert math.isnan(evaluate.ordinal_distance([None, None], refs, values=values)["tempo"])


def test_is_ordinal_knows_scales_from_nominal_sets() -> None:
    assert evaluate.is_ordinal("composition.swing",
                               ("none", "light", "medium", "heavy", "shuffle"))
    assert evaluate.is_ordinal("composition.register_low", tuple(range(1, 8)))
    assert not evaluate.is_ordinal("mode", ("major", "minor"))
    assert not evaluate.is_ordinal("layers.rhythm", ("none", "minimal"))


def test_controllability_counts_constraints_and_a_failed_engine_meets_none() -> None:
    from moodc.data.expect import check_expectations

    fast_major = Config.model_validate({"version": 2, "tempo": "fast", "mode": "major"})
    slow_minor = Config.model_validate({"version": 2, "tempo": "slow", "mode": "minor"})
    expects = [{"tempo": ">=fast", "mode_family": "major"},   # 2 of 2
               {"tempo": ">=fast", "mode_family": "major"},   # 0 of 2
               {"tempo": "<=slow"},                             # failed engine: 0 of 1
               {}]                                              # no constraints: ignored
    satisfied, total = evaluate.controllability(
        [fast_major, slow_minor, None, slow_minor], expects, check=check_expectations)
    assert (satisfied, total) == (2, 5)


def test_controllability_counts_only_true_as_met() -> None:
    config = Config.model_validate({"version": 2})
    satisfied, total = evaluate.controllability(
        [config, config], [{"a": 1, "b": 2}, {"c": 3}],
        check=lambda config, expect: [True, False] if len(expect) == 2 else (True,))
    assert (satisfied, total) == (2, 3)


@pytest.mark.parametrize("result", [
    [True, 1],            # truthy int
    [True, "ok"],         # truthy string
    [{"ok": True}],       # truthy dict
    [None],
    True,                 # a bare bool, not one per constraint
    {"tempo": True},      # a mapping, not a list
])
def test_controllability_rejects_a_checker_that_does_not_return_bools(result) -> None:
    config = Config.model_validate({"version": 2})
    with pytest.raises(TypeError, match="checker returned"):
        evaluate.controllability([config], [{"tempo": ">=fast"}],
                                 check=lambda config, expect: result)


def test_expectation_checker_is_the_datas_own() -> None:
    from moodc.data.expect import check_expectations

    assert evaluate.expectation_checker() is check_expectations


def test_random_baseline_is_valid_seeded_and_varied() -> None:
    configs = [evaluate.random_config(f"prompt {i}", 0) for i in range(40)]
    assert all(isinstance(c, Config) for c in configs)
    assert all(c.composition.register_low <= c.composition.register_high for c in configs)
    assert evaluate.random_config("rain", 3) == evaluate.random_config("rain", 3)
    assert len({c.mode for c in configs}) > 5


def test_evaluate_engine_scores_a_perfect_a_broken_and_a_raising_engine() -> None:
    from moodc.data.expect import check_expectations

    rows = [{"prompt": "fast one", "config": {"tempo": "fast", "mode": "major"},
             "expect": {"tempo": ">=fast"}},
            {"prompt": "slow one", "config": {"tempo": "slow"}, "expect": {"tempo": "<=slow"}}]

    def oracle(prompt: str, seed: int) -> Config:
        row = next(r for r in rows if r["prompt"] == prompt)
        return Config.model_validate({"version": 2, **row["config"]})

    def broken(prompt: str, seed: int) -> dict:
        return {"version": 2, "tempo": "fast"}  # not a Config: invalid

    def raising(prompt: str, seed: int) -> Config:
        raise RuntimeError("boom")

    perfect = evaluate.evaluate_engine("oracle", rows, engine=oracle, check=check_expectations)
    assert perfect.validity == 1.0 and perfect.controllability == 1.0
    assert perfect.mean_exact == 1.0 and perfect.mean_distance == 0.0
    for engine in (broken, raising):
        report = evaluate.evaluate_engine("bad", rows, engine=engine, check=check_expectations)
        assert report.validity == 0.0 and report.controllability == 0.0
        assert report.mean_exact == 0.0
    assert "boom" in evaluate.evaluate_engine("r", rows, engine=raising,
                                              check=check_expectations).errors[0]


def test_check_engines_names_the_bad_one() -> None:
    assert evaluate.check_engines(("tuned", "random")) == ["tuned", "random"]
    with pytest.raises(UsageError, match="^unknown engine 'gpt'$"):
        evaluate.check_engines(["tuned", "gpt"])
    with pytest.raises(UsageError, match="^no engine given$"):
        evaluate.check_engines([])


def test_eval_engines_are_the_gen_engine_table_plus_the_random_baseline() -> None:
    from moodc.gen.engines import ENGINES as GEN_ENGINES

    assert list(evaluate.ENGINES) == ["base", "tuned", "concepts", "random"]
    assert list(evaluate.ENGINES) == [*GEN_ENGINES, "random"]
    assert evaluate.ENGINES["random"] is evaluate.random_config


def test_eval_runs_a_gen_engine_the_way_moodc_gen_does() -> None:
    from moodc.gen.pipeline import generate

    config = evaluate.ENGINES["concepts"]("arabian nights", 1)
    assert config == generate("arabian nights", seed=1, engine="concepts")
    assert config.provenance["engine"] == "concepts"


def test_reports_render_as_markdown_and_json() -> None:
    report = evaluate.EngineReport("random", 2, 2, {"tempo": 0.5}, {"tempo": 1.5}, 3, 4,
                                   0.2, 0.01)
    table = evaluate.markdown_table(evaluate.summary_rows([report]))
    assert table.splitlines()[0].startswith("| engine |")
    assert "| random | 2 | 100.0% | 75.0% (3/4) | 50.0% | 1.50 |" in table
    fields = evaluate.markdown_table(evaluate.field_rows([report]))
    assert "| tempo | 50.0% | 1.50 |" in fields
    data = json.loads(evaluate.report_json([report], split="test"))
    assert data["engines"][0]["controllability"] == 0.75


# --------------------------------------------------------------------------------------
# The library-blind split: metrics on hand-made configs
# --------------------------------------------------------------------------------------

def _config(**fields) -> Config:
    return Config.model_validate({"version": 2, **fields})


def test_fully_right_needs_every_constraint_and_skips_prompts_without_any() -> None:
    from moodc.data.expect import check_expectations

    fast_major, fast_minor = _config(tempo="fast", mode="major"), _config(tempo="fast")
    expect = {"tempo": ">=fast", "mode_family": "major"}
    right, total = evaluate.fully_right([fast_major, fast_minor, None, fast_major],
                                        [expect, expect, expect, {}], check=check_expectations)
    assert (right, total) == (1, 3)


def test_by_kind_splits_constraints_and_fully_right_per_kind_of_prompt() -> None:
    from moodc.data.expect import check_expectations

    rows = [{"kind": "metaphor", "expect": {"tempo": ">=fast", "mode_family": "major"}},
            {"kind": "activity", "expect": {"tempo": "<=slow"}},
            {"kind": "metaphor", "expect": {"tempo": ">=fast"}}]
    configs = [_config(tempo="fast"), None, _config(tempo="very_fast")]
    assert evaluate.by_kind(configs, rows, check=check_expectations) == {
        "metaphor": (2, 3, 1, 2), "activity": (0, 1, 0, 1)}


def test_by_key_counts_each_expectation_key_and_a_failed_engine_meets_none() -> None:
    from moodc.data.expect import check_expectations

    expects = [{"tempo": ">=fast", "mode_family": "major"}, {"tempo": "<=slow"},
               {"tempo": ">=fast", "brightness": ">=bright"}]
    configs = [_config(tempo="fast"), None, _config(tempo="very_fast", brightness="bright")]
    keys = evaluate.by_key(configs, expects, check=check_expectations)
    assert keys == {"tempo": (2, 3), "brightness": (1, 1), "mode_family": (0, 1)}
    assert list(keys) == ["tempo", "brightness", "mode_family"]  # commonest first, then a-z


def test_default_rates_set_the_engines_defaults_beside_what_the_expectations_want() -> None:
    # three prompts constrain tempo: one accepts medium (the default), two do not
    expects = [{"tempo": "<=medium"}, {"tempo": ">=fast"}, {"tempo": "<=slow"},
               {"mode_family": "major"}]
    configs = [_config(tempo="medium"), _config(tempo="medium"), _config(tempo="slow"),
               _config(tempo="medium", mode="major")]
    rates = {r.field: r for r in evaluate.default_rates(configs, expects)}
    tempo = rates["tempo"]
    assert tempo.default == "medium" and tempo.n_constrained == 3
    assert tempo.answered == pytest.approx(2 / 3)   # the engine said medium twice
    assert tempo.wanted == pytest.approx(1 / 3)     # only one prompt accepts medium
    assert tempo.answered_all == pytest.approx(3 / 4)
    mode = rates["mode"]
    assert (mode.default, mode.n_constrained, mode.answered, mode.wanted) == \
        ("minor", 1, 0.0, 0.0)
    assert math.isnan(rates["meter"].answered) and rates["meter"].n_constrained == 0


def test_default_rates_leave_failed_configs_out_of_answered_but_not_of_wanted() -> None:
    rates = {r.field: r for r in evaluate.default_rates(
        [None, _config(tempo="fast")], [{"tempo": "medium"}, {"tempo": ">=fast"}])}
    assert rates["tempo"].n_constrained == 2
    assert rates["tempo"].answered == 0.0 and rates["tempo"].wanted == 0.5


def test_paraphrase_agreement_per_field_and_on_all_three() -> None:
    a = _config(tempo="slow", mode="minor", brightness="dark")
    b = _config(tempo="slow", mode="dorian", brightness="dark")    # same family as minor
    c = _config(tempo="fast", mode="major", brightness="dark")
    groups = [[a, b, a], [a, b, c], [a, a, None]]
    agreement = evaluate.paraphrase_agreement(groups)
    assert agreement["tempo"] == pytest.approx(1 / 3)
    assert agreement["mode_family"] == pytest.approx(1 / 3)
    assert agreement["brightness"] == pytest.approx(2 / 3)
    assert agreement["all"] == pytest.approx(1 / 3)
    assert math.isnan(evaluate.paraphrase_agreement([])["all"])


def test_evaluate_blind_scores_an_oracle_and_a_raising_engine() -> None:
    from moodc.data.expect import check_expectations

    rows = [{"prompt": "quick", "expect": {"tempo": ">=fast"}},
            {"prompt": "gloomy", "expect": {"brightness": "<=dark", "mode_family": "minor"}}]
    groups = [{"group": "g", "prompts": ["calm a", "calm b", "calm c"],
               "expect": {"tempo": "<=slow"}}]
    answers = {"quick": _config(tempo="fast"), "gloomy": _config(brightness="dark")}

    def oracle(prompt: str, seed: int) -> Config:
        return answers.get(prompt, _config(tempo="slow"))

    def raising(prompt: str, seed: int) -> Config:
        raise RuntimeError("boom")

    good = evaluate.evaluate_blind("oracle", rows, groups, engine=oracle,
                                   check=check_expectations)
    assert (good.validity, good.controllability, good.fully_right_rate) == (1.0, 1.0, 1.0)
    assert good.n_prompts_run == 5 and good.agreement["all"] == 1.0
    assert (good.para_satisfied, good.para_constraints) == (3, 3)
    assert good.n_groups_right == 1
    bad = evaluate.evaluate_blind("bad", rows, groups, engine=raising, check=check_expectations)
    assert (bad.validity, bad.controllability, bad.fully_right_rate) == (0.0, 0.0, 0.0)
    assert bad.agreement["all"] == 0.0 and "boom" in bad.errors[0]
    assert bad.n_groups_right == 0
    assert json.loads(evaluate.blind_report_json([good]))["engines"][0]["fully_right"] == 1.0


def test_blind_loaders_name_a_malformed_row(tmp_path) -> None:
    (tmp_path / "blind.jsonl").write_text('{"prompt": "x", "expect": {"tempo": "fast"}}\n'
                                          '{"prompt": "y"}\n')
    (tmp_path / "paraphrase.jsonl").write_text('{"group": "g", "prompts": ["a", "b"], '
                                               '"expect": {}}\n')
    with pytest.raises(UsageError, match="row 2 needs a 'prompt' string and an 'expect'"):
        evaluate.load_blind(data_dir=tmp_path)
    with pytest.raises(UsageError, match=r"group 1 \('g'\) needs 'prompts': 3 strings"):
        evaluate.load_paraphrases(data_dir=tmp_path)
    with pytest.raises(UsageError, match="no file"):
        evaluate.load_blind(data_dir=tmp_path / "missing")


def test_blind_subset_is_seeded() -> None:
    first = evaluate.load_blind(limit=20, seed=3)
    assert len(first) == 20 and first == evaluate.load_blind(limit=20, seed=3)
    assert first != evaluate.load_blind(limit=20, seed=4)


def test_moodc_eval_scores_the_blind_split() -> None:
    from click.testing import CliRunner

    from moodc.cli import cli

    result = CliRunner().invoke(cli, ["eval", "--split", "blind", "--engines",
                                       "concepts,random", "--limit", "12", "--format",
                                       "markdown"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "| engine | prompts | valid (≥ 100%) | constraints met (≥ 90%) | " \
           "fully right (≥ 80%) | s/prompt |" in out
    assert "| concepts | 12 | 100.0% |" in out and "| random | 12 | 100.0% |" in out
    assert "| engine | groups | agree on all (≥ 85%) | tempo | mode_family | brightness |" in out
    assert "| tempo (medium) |" in out and "| instruments.lead (triangle) |" in out
    assert "| kind | prompts | concepts | random |" in out
    assert "| expectation | constraints | concepts | random |" in out
    data = json.loads(CliRunner().invoke(cli, ["eval", "--split", "blind", "--engines",
                                                "random", "--limit", "6", "--format",
                                                "json"]).output)
    assert data["split"] == "blind" and data["engines"][0]["n_groups"] == 2
    keys = data["engines"][0]["keys"]
    assert sum(k["n_constraints"] for k in keys.values()) == data["engines"][0]["n_constraints"]


def test_evaluate_engine_with_explain_scores_the_justifications() -> None:
    rows = [{"prompt": "a fast wedding", "config": {"tempo": "fast"}},
            {"prompt": "a slow funeral", "config": {"tempo": "slow"}}]

    def explaining(prompt: str, seed: int) -> Config:
        tempo = "fast" if "fast" in prompt else "slow"
        said = "wedding → fast tempo" if tempo == "fast" else "funeral → fast tempo"  # a lie
        return Config.model_validate({"version": 2, "tempo": tempo,
                                      "justification": f"Cues: {said}."})

    report = evaluate.evaluate_engine("e", rows, engine=explaining, explain=True)
    assert report.explanation == {"mentions_word": 1.0, "names_value": 0.5,
                                  "no_false_value": 0.5, "explains": 0.5}
    assert report.to_json()["explanation"]["explains"] == 0.5
    assert evaluate.evaluate_engine("e", rows, engine=explaining).explanation is None


def test_moodc_eval_explain_prints_the_explanation_table() -> None:
    from click.testing import CliRunner

    from moodc.cli import cli

    result = CliRunner().invoke(cli, ["eval", "--engines", "concepts,random", "--limit", "4",
                                       "--explain", "--no-fields", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| engine | explains (≥ 90%) | names a prompt word | names a chosen value | " \
           "no false value |" in result.output
    # the library explains by the same ablation; the random baseline writes no justification
    assert "| concepts | 100.0% | 100.0% | 100.0% | 100.0% |" in result.output
    assert "| random | 0.0% | 0.0% | 0.0% | 0.0% |" in result.output


def _routed(route: str, **fields) -> Config:
    return _config(**fields, provenance={"engine": "tuned", "route": route})


def test_agreement_by_route_separates_same_route_from_mixed_groups() -> None:
    fast, slow = _routed("library", tempo="fast"), _routed("library", tempo="slow")
    model_fast = _routed("model", tempo="fast")
    groups = [[fast, fast, fast], [fast, slow, fast], [fast, model_fast, fast],
              [slow, model_fast, None]]
    by_route = evaluate.agreement_by_route(groups)
    assert by_route["same"][0] == 2 and by_route["same"][1]["tempo"] == 0.5
    assert by_route["mixed"][0] == 2 and by_route["mixed"][1]["tempo"] == 0.5
    assert evaluate.route_of(None) == "failed" and evaluate.route_of(_config()) == "?"


def test_disagreements_name_the_values_split_between_in_rank_order() -> None:
    groups = [[_config(tempo="fast"), _config(tempo="medium"), _config(tempo="fast")],
              [_config(tempo="medium"), _config(tempo="fast"), _config(tempo="medium")],
              [_config(tempo="slow", mode="major"), _config(tempo="fast"), _config()],
              [_config(), _config(), _config()], [_config(tempo="fast"), None, _config()]]
    split = evaluate.disagreements(groups)
    assert split["tempo"] == {"medium / fast": 2, "slow / medium / fast": 1}
    assert split["mode_family"] == {"major / minor": 1}
    assert split["brightness"] == {}
