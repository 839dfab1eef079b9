"""The tuned head's fitting, choosing and storage, on synthetic features (no model needed)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from moodc.config.model import Config
from moodc.errors import MoodcError, UsageError
from moodc.gen import artifact
from moodc.gen import head as head_mod
from moodc.gen import train
from moodc.config.paths import nest
from moodc.gen.fields import config_fields


def _blobs(*, n_per_class: int, n_classes: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters, one per class, well apart."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_classes, dim)) * 3.0
    y = np.repeat(np.arange(n_classes), n_per_class)
    return centres[y] + rng.standard_normal((len(y), dim)), y


def test_lbfgs_finds_the_minimum_of_a_quadratic() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((20, 20))
    hessian = a @ a.T + np.eye(20)
    target = rng.standard_normal(20)

    def quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
        diff = x - target
        return 0.5 * float(diff @ hessian @ diff), hessian @ diff

    found = train.lbfgs(quadratic, np.zeros(20), max_iter=500, grad_tol=1e-9, loss_tol=0.0)
    np.testing.assert_allclose(found, target, atol=1e-5)


def test_joint_softmax_fits_learn_each_field_and_match_separate_fits() -> None:
    x, y_a = _blobs(n_per_class=30, n_classes=3, dim=8, seed=1)
    y_b = (y_a + 1) % 3  # a second field, a relabelling of the first
    z = (x - x.mean(0)) / x.std(0)
    joint = train.fit_softmaxes(z, [y_a, y_b], n_classes=[3, 4], l2=[1e-2, 1e-2])
    for (weight, bias), y in zip(joint, (y_a, y_b)):
        assert (np.argmax(z @ weight + bias, axis=1) == y).mean() == 1.0
    (alone_w, alone_b), = train.fit_softmaxes(z, [y_b], n_classes=[4], l2=[1e-2])
    np.testing.assert_allclose(joint[1][0], alone_w, atol=2e-3)
    assert joint[1][1][3] < joint[1][1][:3].min()  # a value never seen scores lowest


def _two_field_split(keys: tuple[str, str], *, seed: int
                     ) -> tuple[list[Any], np.ndarray, list[dict[str, Any]], np.ndarray,
                                np.ndarray]:
    """Two config fields labelled by the same five blobs (class k → each field's k-th
    value), standardised, split 70 / 30 at random: (specs, z, labels, train rows, valid
    rows)."""
    specs = [s for s in config_fields() if s.key in keys]
    x, y = _blobs(n_per_class=20, n_classes=5, dim=6, seed=seed)
    labels = [{spec.key: spec.values[k] for spec in specs} for k in y]
    z = (x - x.mean(0)) / x.std(0)
    order = np.random.default_rng(seed + 1).permutation(len(labels))
    return specs, z, labels, order[:70], order[70:]


def test_fit_fields_picks_l2_on_valid_and_is_deterministic() -> None:
    specs, z, labels, tr, va = _two_field_split(("tempo", "mode"), seed=2)
    kwargs = dict(z_train=z[tr], train_labels=[labels[i] for i in tr],
                  z_valid=z[va], valid_labels=[labels[i] for i in va], l2_grid=(1e-3, 1.0))
    fits = train.fit_fields(specs, **kwargs)
    again = train.fit_fields(specs, **kwargs)
    assert [f.key for f in fits] == ["tempo", "mode"]
    assert all(f.valid_accuracy > 0.9 and f.l2 in (1e-3, 1.0) for f in fits)
    for a, b in zip(fits, again):
        assert np.array_equal(a.head.weight, b.head.weight)


def test_a_row_that_did_not_name_a_field_does_not_move_that_fields_head() -> None:
    """Rows whose label left field A at a default nobody chose (weight 0 for A) but named
    field B: A's head is the one fitted without them, B's learns from them; the same rows
    at full weight drag A towards their default."""
    both, y_both = _blobs(n_per_class=60, n_classes=3, dim=6, seed=4)
    x, y, extra, y_extra = both[::2], y_both[::2], both[1::2], y_both[1::2]
    z_all = np.concatenate([x, extra])
    z_all = (z_all - z_all.mean(0)) / z_all.std(0)
    default = np.zeros(len(extra), dtype=np.int64)  # "medium": what an unnamed field says
    y_a, y_b = np.concatenate([y, default]), np.concatenate([y, y_extra])
    mask_a = np.concatenate([np.ones(len(y)), np.zeros(len(extra))])
    masked = train.fit_softmaxes(z_all, [y_a, y_b], n_classes=[3, 3], l2=[1e-2, 1e-2],
                                 sample_weights=[mask_a, np.ones(len(y_b))])
    (alone_w, alone_b), = train.fit_softmaxes(z_all[:len(y)], [y], n_classes=[3], l2=[1e-2])
    np.testing.assert_allclose(masked[0][0], alone_w, atol=2e-3)
    np.testing.assert_allclose(masked[0][1], alone_b, atol=2e-3)
    predict = lambda fit: np.argmax(z_all[len(y):] @ fit[0] + fit[1], axis=1)
    assert (predict(masked[0]) == y_extra).mean() > 0.9  # A reads the features, not 0
    assert (predict(masked[1]) == y_extra).mean() > 0.9  # B learnt from the extra rows
    unmasked = train.fit_softmaxes(z_all, [y_a, y_b], n_classes=[3, 3], l2=[1e-2, 1e-2])
    # at full weight the same rows teach the default: most of them now answer it
    assert (predict(unmasked[0]) == 0).mean() > (predict(masked[0]) == 0).mean() + 0.3


def test_field_weights_mask_only_fields_whose_default_is_a_guess() -> None:
    """Space is weighted by who named it, brightness too but its unnamed rows keep their
    small weight (medium is a real answer there); a texture (absence default) and a field
    almost nobody names (the root) are fitted on every row."""
    given = [frozenset({"tempo", "brightness", "space"}), frozenset({"tempo"})] * 10
    keys = ["tempo", "brightness", "space", "layers.texture", "root"]
    weights = dict(zip(keys, train.field_weights(keys, given=given)))
    assert weights["tempo"].tolist() == [1.0] * 20
    assert 0.0 < train.UNNAMED_WEIGHTS["brightness"] < 1.0
    assert weights["brightness"].tolist() == [1.0, train.UNNAMED_WEIGHTS["brightness"]] * 10
    assert weights["space"].tolist() == [1.0, 0.0] * 10
    assert weights["layers.texture"].tolist() == [1.0] * 20
    assert weights["root"].tolist() == [1.0] * 20
    valid = train.field_weights(keys, given=[frozenset({"tempo"}), None], train_given=given,
                                unnamed_weight=0.0)
    assert [w.tolist() for w in valid] == [[1, 1], [0, 1], [0, 1], [1, 1], [1, 1]]


def test_fit_fields_scores_a_field_only_on_the_rows_that_named_it() -> None:
    """Valid rows whose brightness nobody named (a wrong "label") do not count against it."""
    specs, z, labels, tr, va = _two_field_split(("tempo", "brightness"), seed=6)
    valid_labels = [dict(labels[i]) for i in va]
    valid_given = []
    for i, row in enumerate(valid_labels):
        named = i % 2 == 0
        if not named:
            row["brightness"] = "medium"  # the default an unnamed label carries
        valid_given.append(frozenset({"tempo", "brightness"} if named else {"tempo"}))
    train_given = [frozenset({"tempo", "brightness"})] * len(tr)
    fits = train.fit_fields(specs, z_train=z[tr], train_labels=[labels[i] for i in tr],
                            z_valid=z[va], valid_labels=valid_labels, l2_grid=(1e-3,),
                            train_given=train_given, valid_given=valid_given, refit=False)
    assert all(f.valid_accuracy > 0.9 for f in fits)
    # brightness trains its unnamed rows at a small weight, but is scored on the named
    # rows alone: its accuracy is exactly the share of named rows it gets right
    fit = next(f for f in fits if f.key == "brightness")
    named = [i for i, g in enumerate(valid_given) if "brightness" in g]
    answers = np.argmax(z[va][named] @ fit.train_only.weight + fit.train_only.bias, axis=1)
    truth = [fit.head.values.index(valid_labels[i]["brightness"]) for i in named]
    assert fit.valid_accuracy == pytest.approx(float(np.mean(answers == truth)))


def _random_head(*, dim: int = 4, seed: int = 0) -> head_mod.Head:
    """A head over every config field with random weights."""
    rng = np.random.default_rng(seed)
    fields = tuple(head_mod.FieldHead(s.key, s.values, rng.standard_normal((dim, len(s.values))),
                                      rng.standard_normal(len(s.values)))
                   for s in config_fields())
    return head_mod.Head(head_mod.FeatureRecipe(), np.zeros(dim), np.ones(dim), fields,
                         {"note": "test"})


def _choices(head: head_mod.Head, features: np.ndarray) -> list[dict]:
    """The head's greedy choice for every row of ``features``."""
    scores = head.log_probs(features)
    return [head.choose({key: rows[i] for key, rows in scores.items()})
            for i in range(features.shape[0])]


def test_head_choices_always_validate_even_when_registers_disagree() -> None:
    head = _random_head()
    low = next(f for f in head.fields if f.key == "composition.register_low")
    high = next(f for f in head.fields if f.key == "composition.register_high")
    # make the unconstrained argmax invalid: low prefers 7, high prefers 1
    low.bias[:] = [0, 0, 0, 0, 0, 0, 9]
    high.bias[:] = [9, 0, 0, 0, 0, 0, 0]
    rng = np.random.default_rng(5)
    for row in rng.standard_normal((30, 4)) * 0.01:
        chosen = head.choose(head.log_probs(row))
        Config.model_validate({"version": 2, **nest(chosen)})
        assert chosen["composition.register_low"] <= chosen["composition.register_high"]
    sampled = [head.choose(head.log_probs(rng.standard_normal(4)), temperature=1.0, rng=rng)
               for _ in range(30)]
    for chosen in sampled:
        Config.model_validate({"version": 2, **nest(chosen)})
    assert len({c["mode"] for c in sampled}) > 1  # sampling varies


def test_save_then_load_round_trips_the_rounded_head(tmp_path: Path) -> None:
    head = head_mod.rounded(_random_head())
    head_mod.save_head(head, tmp_path)
    loaded = head_mod.load_head(tmp_path)
    assert loaded.recipe == head.recipe and loaded.meta == {"note": "test"}
    features = np.random.default_rng(1).standard_normal((5, 4))
    assert _choices(loaded, features) == _choices(head, features)
    for a, b in zip(loaded.fields, head.fields):
        assert a.key == b.key and a.values == b.values
        np.testing.assert_array_equal(a.weight, b.weight)


def test_load_head_errors_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(MoodcError, match="moodc train|no tuned model"):
        head_mod.load_head(tmp_path)
    head_mod.save_head(_random_head(), tmp_path)
    meta = tmp_path / artifact.HEAD_META
    meta.write_text(meta.read_text().replace('"format": 1', '"format": 99'))
    with pytest.raises(MoodcError, match="format"):
        head_mod.load_head(tmp_path)


def test_a_head_trained_for_another_vocabulary_is_refused(tmp_path: Path) -> None:
    # a value added to the vocabulary (a new instrument) since the head was trained
    head = _random_head()
    bass = next(i for i, f in enumerate(head.fields) if f.key == "instruments.bass")
    old = head.fields[bass]
    fields = list(head.fields)
    fields[bass] = head_mod.FieldHead(old.key, old.values[:-1], old.weight[:, :-1],
                                      old.bias[:-1])
    head_mod.save_head(head_mod.Head(head.recipe, head.mean, head.scale, tuple(fields),
                                     head.meta), tmp_path)
    n = len(old.values)
    with pytest.raises(MoodcError, match=rf"{n - 1} values of instruments\.bass.* allows {n}"
                       ) as info:
        head_mod.load_head(tmp_path)
    assert "moodc train" in info.value.hint


def test_load_split_reports_bad_rows(tmp_path: Path) -> None:
    (tmp_path / "train.jsonl").write_text('{"prompt": "x", "config": {"tempo": "warp"}}\n')
    with pytest.raises(UsageError, match="row 1"):
        train.load_split("train", data_dir=tmp_path)
    with pytest.raises(UsageError, match="no data split"):
        train.load_split("valid", data_dir=tmp_path)


def test_load_split_limit_is_a_seeded_subset() -> None:
    a = train.load_split("valid", limit=10, seed=1)
    b = train.load_split("valid", limit=10, seed=1)
    c = train.load_split("valid", limit=10, seed=2)
    assert a.prompts == b.prompts and len(a.prompts) == 10 and a.prompts != c.prompts


def test_config_labels_fill_every_field_with_defaults() -> None:
    labels = train.config_labels({"tempo": "fast"})
    assert labels["tempo"] == "fast" and labels["layers.bass"] == "sustained"
    assert set(labels) == {s.key for s in config_fields()}


@pytest.mark.slow
def test_train_head_on_fake_features_is_deterministic(tmp_path: Path) -> None:
    """The whole train_head path with an encoder stand-in whose features are a prompt hash."""

    def fake_extract(prompts, *, encoder, recipe, progress=None, **_):
        import hashlib

        rows = [np.frombuffer(hashlib.sha256(p.encode()).digest()[:8], dtype=np.uint8)
                for p in prompts]
        return np.array(rows, dtype=np.float32)

    original = train.extract_features
    train.extract_features = fake_extract
    try:
        outs = []
        for name in ("a", "b"):
            # no fusion: the model's answers need the real model (test_train_model has it)
            result = train.train_head(out_dir=tmp_path / name, limit=12, seed=4, fuse=False,
                                      encoder=dataclasses.make_dataclass("E", ["model_sha256"])("x"),
                                      cache_path=tmp_path / f"cache-{name}.npz")
            outs.append(result)
    finally:
        train.extract_features = original
    a, b = ((tmp_path / n / artifact.HEAD_WEIGHTS).read_bytes() for n in ("a", "b"))
    assert a == b
    assert outs[0].n_train == 12 and outs[0].head.meta["limit"] == 12
    loaded = head_mod.load_head(tmp_path / "a")
    chosen = loaded.choose(loaded.log_probs(np.zeros(loaded.mean.shape)))
    Config.model_validate({"version": 2, **nest(chosen)})
