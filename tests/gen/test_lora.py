"""LoRA adapters on SmolLM2's first blocks (moodc.gen.lora): they change the features only
when trained, merge into the weights without changing them, and a killed run resumes to
the result of an uninterrupted one. All load the real model (marked ``model``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from moodc.config.model import Config
from moodc.errors import MoodcError
from moodc.gen import artifact, head, lora

PROMPTS = ["a wedding in rajasthan", "rainy night in tokyo", "8-bit boss battle",
           "sangeet night before the shaadi", "a calm morning by the lake",
           "panic attack in a crowded subway", "epic fantasy battle", "lullaby"]


@pytest.fixture(scope="module")
def encoder() -> head.Encoder:
    return head.load_encoder()


def _trained_like(adapters: dict, *, seed: int) -> dict:
    """The adapters with random (non-zero) B matrices, as training would leave them."""
    from moodc.gen.blas import import_mlx_core

    mx = import_mlx_core()
    rng = np.random.default_rng(seed)
    return {k: (mx.array(rng.normal(0, 0.02, v.shape).astype(np.float32)) if k.endswith(".b")
                else v) for k, v in adapters.items()}


@pytest.mark.model
def test_an_untrained_adapter_leaves_the_features_exactly_as_they_were(encoder) -> None:
    recipe = head.FeatureRecipe()
    frozen = head.extract_features(PROMPTS, encoder=encoder, recipe=recipe)
    adapters = lora.init_adapters(encoder.llama, recipe=lora.LoraRecipe())
    merged = dataclasses.replace(encoder, llama=lora.merged_llama(
        encoder.llama, adapters, recipe=lora.LoraRecipe()))
    assert np.array_equal(head.extract_features(PROMPTS, encoder=merged, recipe=recipe), frozen)


@pytest.mark.model
def test_a_trained_adapter_changes_the_features_and_merging_keeps_them(encoder) -> None:
    recipe, feature_recipe = lora.LoraRecipe(), head.FeatureRecipe()
    adapters = _trained_like(lora.init_adapters(encoder.llama, recipe=recipe), seed=1)
    frozen = head.extract_features(PROMPTS, encoder=encoder, recipe=feature_recipe)
    merged = dataclasses.replace(encoder, llama=lora.merged_llama(encoder.llama, adapters,
                                                                  recipe=recipe))
    after = head.extract_features(PROMPTS, encoder=merged, recipe=feature_recipe)
    assert np.abs(after - frozen).max() > 0.05
    encoded = [head.encode_prompt(encoder.tokenizer, p, recipe=feature_recipe) for p in PROMPTS]
    unmerged = lora.pooled_features(encoder.llama, adapters, lora.pack_prompts(encoded),
                                    recipe=recipe)
    np.testing.assert_allclose(np.array(unmerged), after, atol=2e-3, rtol=1e-3)


def _tiny_run(encoder, checkpoint_dir: Path, *, stop_after: int | None, resume: bool
              ) -> lora.TrainState:
    recipe = lora.LoraRecipe(rank=2, n_layers=2, targets=("q", "v", "down"), steps=6, batch=3,
                             warmup_steps=2, checkpoint_every=2, seed=5)
    encoded = [head.encode_prompt(encoder.tokenizer, p, recipe=head.FeatureRecipe())
               for p in PROMPTS]
    rng = np.random.default_rng(0)
    hidden, n_concepts, bounds = encoder.llama.shape.hidden_size, 4, (0, 3, 5)
    concepts = np.eye(n_concepts, dtype=np.float32)[rng.integers(0, n_concepts, len(PROMPTS))]
    targets = np.stack([rng.integers(0, 3, len(PROMPTS)), rng.integers(0, 2, len(PROMPTS))], 1)
    d = hidden + n_concepts
    init = lora.HeadInit(mean=np.zeros(d, np.float32), scale=np.ones(d, np.float32),
                         weight=rng.normal(0, 0.01, (d, 5)).astype(np.float32),
                         bias=np.zeros(5, np.float32), bounds=bounds,
                         penalty=np.full((d, 5), 1e-2, np.float32), bias_l2=1e-3)
    return lora.train_adapters(llama=encoder.llama, encoded=encoded, concepts=concepts,
                               targets=targets, init=init, recipe=recipe,
                               checkpoint_dir=checkpoint_dir, resume=resume,
                               stop_after=stop_after)


@pytest.mark.model
def test_a_killed_run_resumes_to_the_uninterrupted_result(encoder, tmp_path: Path) -> None:
    whole = _tiny_run(encoder, tmp_path / "whole", stop_after=None, resume=False)
    killed = _tiny_run(encoder, tmp_path / "killed", stop_after=3, resume=False)
    assert killed.step == 3  # the last checkpoint is step 2: step 3 is lost and redone
    resumed = _tiny_run(encoder, tmp_path / "killed", stop_after=None, resume=True)
    assert resumed.step == whole.step == 6
    assert resumed.losses == whole.losses
    for key, value in whole.adapters.items():
        assert np.array_equal(np.array(resumed.adapters[key]), np.array(value)), key
    for key, value in whole.head.items():
        assert np.array_equal(np.array(resumed.head[key]), np.array(value)), key
    assert np.abs(np.array(whole.head["weight"])).sum() > 0
    assert any(np.abs(np.array(v)).max() > 0 for k, v in whole.adapters.items() if k.endswith(".b"))


@pytest.mark.model
def test_a_checkpoint_of_another_recipe_is_refused(encoder, tmp_path: Path) -> None:
    _tiny_run(encoder, tmp_path, stop_after=2, resume=False)
    other = lora.LoraRecipe(rank=4)
    with pytest.raises(MoodcError, match="another recipe"):
        lora.load_checkpoint(tmp_path, recipe=other, fingerprint="x")


@pytest.mark.model
@pytest.mark.slow
def test_a_lora_artifact_is_small_loads_merged_and_gives_valid_explained_configs(
        encoder, tmp_path: Path) -> None:
    """The full recipe on a seeded subset (2 steps): float16 adapters beside the head, merged
    at load, features moved, every config valid and explained."""
    from moodc.gen.train import train_lora_head

    recipe = lora.LoraRecipe(steps=2, warmup_steps=1, batch=8, lr=1e-2)
    train_lora_head(out_dir=tmp_path / "model", lora_recipe=recipe, limit=24, encoder=encoder,
                    checkpoint_dir=tmp_path / "checkpoint")
    path = tmp_path / "model" / artifact.LORA_WEIGHTS
    assert path.stat().st_size < 4 * 2**20
    with np.load(path) as saved:
        assert len(saved.files) == 2 * recipe.n_layers * len(recipe.targets)
        assert all(saved[k].dtype == np.float16 for k in saved.files)
    tuned = head.load_tuned(tmp_path / "model")
    assert tuned.head.meta["lora"]["recipe"] == recipe.to_json()
    frozen = head.extract_features(PROMPTS, encoder=encoder, recipe=tuned.head.recipe)
    adapted = head.extract_features(PROMPTS, encoder=tuned.encoder, recipe=tuned.head.recipe)
    assert np.abs(adapted - frozen).max() > 0.01
    for prompt in PROMPTS[:3]:
        config, provenance = tuned.document(prompt, explain=True)
        assert "LoRA" in provenance["model"]
        assert Config.model_validate(config).justification
