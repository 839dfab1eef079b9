"""The model's answers weighed into the head's tempo and brightness (moodc.gen.fusion)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moodc.gen import artifact, fusion, head


def _toy(n: int = 400, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A head that knows nothing (uniform log-probs) and answers that name the class."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    answers = rng.normal(size=(n, 6))
    answers[np.arange(n), y] += 2.0
    return np.full((n, 3), np.log(1 / 3)), answers, y


def test_the_fusion_learns_what_the_answers_say_and_the_head_missed() -> None:
    offset, answers, y = _toy()
    fitted = fusion.fit_fusion({"tempo": offset[:300]}, answers[:300],
                               targets={"tempo": y[:300]}, weights={"tempo": np.ones(300)})
    adjusted = fitted.adjust({"tempo": offset[300:]}, answers[300:])["tempo"]
    assert np.mean(adjusted.argmax(axis=1) == y[300:]) > 0.8  # the head alone: chance
    np.testing.assert_allclose(np.exp(adjusted).sum(axis=1), 1.0, rtol=1e-9)


def test_unnamed_rows_teach_nothing() -> None:
    offset, answers, y = _toy()
    weights = {"tempo": (np.arange(400) < 200).astype(float)}
    with_noise = fusion.fit_fusion({"tempo": offset}, answers,
                                   targets={"tempo": np.where(weights["tempo"] > 0, y, 0)},
                                   weights=weights)
    alone = fusion.fit_fusion({"tempo": offset[:200]}, answers[:200],
                              targets={"tempo": y[:200]}, weights={"tempo": np.ones(200)})
    probe = answers[300:]
    a = with_noise.adjust({"tempo": offset[300:]}, probe)["tempo"].argmax(axis=1)
    b = alone.adjust({"tempo": offset[300:]}, probe)["tempo"].argmax(axis=1)
    assert np.mean(a == b) > 0.95  # only the standardiser differs (all rows' answers)


def test_fields_without_a_fusion_pass_through() -> None:
    offset, answers, y = _toy(n=50)
    fitted = fusion.fit_fusion({"tempo": offset}, answers, targets={"tempo": y},
                               weights={"tempo": np.ones(50)})
    other = np.log(np.full(4, 0.25))
    assert fitted.adjust({"tempo": offset[0], "mode": other}, answers[0])["mode"] is other


def test_a_head_with_a_fusion_round_trips_through_its_files(tmp_path: Path) -> None:
    offset, answers, y = _toy(n=60)
    fitted = fusion.rounded_fusion(fusion.fit_fusion(
        {"tempo": offset}, answers, targets={"tempo": y}, weights={"tempo": np.ones(60)}))
    shipped = head.load_head()
    saved = head.Head(shipped.recipe, shipped.mean, shipped.scale, shipped.fields,
                      {**shipped.meta, "fusion": {"fields": ["tempo"]}}, fitted)
    head.save_head(saved, tmp_path)
    loaded = head.load_head(tmp_path)
    assert loaded.fusion is not None
    for key, (weight, bias) in fitted.weights.items():
        np.testing.assert_array_equal(loaded.fusion.weights[key][0], weight)
        np.testing.assert_array_equal(loaded.fusion.weights[key][1], bias)


def test_the_shipped_head_weighs_the_model_answers_on_tempo_and_brightness() -> None:
    shipped = head.load_head(artifact.DEFAULT_MODEL_DIR)
    assert shipped.fusion is not None
    assert set(shipped.fusion.weights) == set(fusion.FUSED_FIELDS) == \
        set(shipped.meta["fusion"]["fields"])


@pytest.mark.model
def test_the_answers_move_tempo_where_the_model_knows_it() -> None:
    """A funeral's answers say slow; a carnival's say fast: the fused tempo follows."""
    from moodc.gen.cloze import cloze_features
    from moodc.gen.head import load_tuned
    from moodc.gen.fields import config_fields

    model = load_tuned()
    values = next(s.values for s in config_fields() if s.key == "tempo")
    answers = cloze_features(["a funeral for grandmother", "carnival parade with drums"],
                             encoder=model.encoder)
    flat = {k: np.zeros(len(values)) for k in fusion.FUSED_FIELDS}
    slow, fast = (model.head.fusion.adjust(flat, row)["tempo"] for row in answers)
    rank = np.arange(len(values))
    assert np.exp(slow) @ rank < np.exp(fast) @ rank
