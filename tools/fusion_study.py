"""Study: how far do the model's answers (moodc.gen.cloze) sharpen the head's tempo,
brightness and mode? Never run on the blind split.

A train-only head is fitted for the three fields (the shipped head has seen valid), the
validation prompts' answers are read from ``moodc train``'s cache (computed if missing), and
the fusion of :mod:`moodc.gen.fusion` is scored with 5 folds, either random or grouped by
the label's config (so a group's other wordings never train the fold that scores it)::

    PYTHONPATH=. .venv/bin/python tools/fusion_study.py --folds config
"""

from __future__ import annotations

import argparse
import hashlib
import json

import numpy as np

from moodc.concepts import LIBRARY_PROMPT_SHARE, library_coverage
from moodc.gen.fields import config_fields
from moodc.gen.fusion import fit_offset_softmax
from moodc.gen.head import FeatureRecipe, concept_features, load_encoder, load_head, log_softmax
from moodc.gen.train import (MODEL_FEATURE_L2_SCALE, cached_answers, cached_features,
                             class_indices, field_weights, fit_softmaxes, load_split,
                             standardiser)

FIELDS = ("tempo", "brightness", "mode")
L2_GRID = (3.0, 1.0, 0.3, 0.1, 0.01)


def train_only_log_probs(encoder: object) -> tuple[dict, dict, dict, object]:
    """Valid log-probs of a train-only head (the shipped head's L2), targets, named weights."""
    specs = [s for s in config_fields() if s.key in FIELDS]
    train, valid = load_split("train"), load_split("valid")
    prompts = train.prompts + valid.prompts
    x = cached_features(prompts, encoder=encoder, recipe=FeatureRecipe())
    n_model, n = x.shape[1], len(train.prompts)
    x = np.concatenate([x, concept_features(prompts)], axis=1)
    mean, scale = standardiser(x[:n])
    z = (x - mean) / scale
    l2 = load_head().meta["l2"]
    feature_l2 = np.ones(z.shape[1])
    feature_l2[:n_model] = MODEL_FEATURE_L2_SCALE
    keys = [s.key for s in specs]
    fits = fit_softmaxes(z[:n], [class_indices(train.labels, key=s.key, values=s.values)
                                 for s in specs], n_classes=[len(s.values) for s in specs],
                         l2=[l2[k] for k in keys], feature_l2_scale=feature_l2,
                         sample_weights=field_weights(keys, given=train.given))
    log_probs = {k: log_softmax(z[n:] @ w + b) for k, (w, b) in zip(keys, fits)}
    targets = {s.key: class_indices(valid.labels, key=s.key, values=s.values) for s in specs}
    named = dict(zip(keys, field_weights(keys, given=valid.given, train_given=train.given,
                                         unnamed_weight=0.0)))
    return log_probs, targets, named, valid


def folds_of(valid: object, *, by: str) -> np.ndarray:
    if by == "random":
        return np.random.default_rng(0).integers(0, 5, len(valid.prompts))
    return np.array([int(hashlib.sha256(json.dumps(label, sort_keys=True).encode())
                         .hexdigest(), 16) % 5 for label in valid.labels])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", choices=("config", "random"), default="config")
    args = parser.parse_args()
    encoder = load_encoder()
    log_probs, targets, named, valid = train_only_log_probs(encoder)
    answers = cached_answers(valid.prompts, encoder=encoder)
    z = (answers - answers.mean(0)) / np.maximum(answers.std(0), 1e-6)
    routed = np.array([library_coverage(p) <= LIBRARY_PROMPT_SHARE for p in valid.prompts])
    folds = folds_of(valid, by=args.folds)
    for key in FIELDS:
        lp, y, w = log_probs[key], targets[key], named[key]
        rows = w > 0
        alone = lp.argmax(1) == y
        print(f"{key}: head alone {alone[rows].mean():.1%} / model-routed "
              f"{alone[rows & routed].mean():.1%} ({rows.sum()} named rows)")
        for l2 in L2_GRID:
            pred = np.zeros(len(y), dtype=int)
            for fold in range(5):
                fit = (folds != fold) & rows
                weight, bias = fit_offset_softmax(lp[fit], z[fit], y[fit], w[fit], l2=l2)
                held = folds == fold
                pred[held] = (lp[held] + z[held] @ weight + bias).argmax(1)
            hits = pred == y
            print(f"  l2 {l2}: fused {hits[rows].mean():.1%} / model-routed "
                  f"{hits[rows & routed].mean():.1%}")


if __name__ == "__main__":
    main()
