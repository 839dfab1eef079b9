"""Issue #13 experiment: a nearest-neighbour engine over the training prompts' features.

Question: does proposing a config *by meaning* — the configs of the training prompts whose
SmolLM2 layer-10 features are closest (cosine) — beat the tuned softmax head on prompts the
concept library cannot spell?

Everything is chosen on the **valid split** (``moodc/data/train/valid.jsonl``), never on the
blind split. Train prompts are the neighbours; valid prompts are the queries. The head we
compare with is refitted here on *train only* (same recipe, same per-field L2 as the shipped
``head.json``), because the shipped head was refitted on train + valid and would be scored
on its own training rows.

Metrics (per valid prompt, then averaged), on three row sets: every valid row; the rows the
default engine sends to the model (library coverage ≤ ``LIBRARY_PROMPT_SHARE``); the scene
rows (hand-written prompts):

* ``exact``: mean exact match over all 34 decoded fields (what ``moodc eval --split valid``
  reports);
* ``key``: mean exact match over the fields the blind split's expectations mostly constrain
  (tempo, mode, brightness, space, lead, rhythm, texture);
* ``dist``: mean ordinal distance over tempo, brightness and space;
* ``fam``: mode family (major / minor third) agreement;
* ``med``: share of predictions at medium brightness (the reference's share is printed too).

Run (features of train + valid are read from the user's feature cache; the concept
library's evidence is computed once, ~4 min, and cached in ``/tmp/knn-study``)::

    PYTHONPATH=. python tools/knn_study.py
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from moodc.gen.artifact import DEFAULT_MODEL_DIR
from moodc.gen.fields import config_fields
from moodc.gen.head import FeatureRecipe, concept_features
from moodc.gen.train import (MODEL_FEATURE_L2_SCALE, class_indices, fit_softmaxes,
                             load_split, single_threaded_numpy_blas, standardiser)

WORK_DIR = Path("/tmp/knn-study")
KEY_FIELDS = ("tempo", "mode", "brightness", "space", "instruments.lead", "layers.rhythm",
              "layers.texture")
DIST_FIELDS = ("tempo", "brightness", "space")


# --------------------------------------------------------------------------------------
# Data (cached)
# --------------------------------------------------------------------------------------

def _model_features(prompts: list[str]) -> np.ndarray:
    """Rows of the feature cache ``moodc train`` wrote, by prompt hash (no model pass)."""
    from moodc.gen.convert import cache_root

    digest = FeatureRecipe().digest()
    paths = sorted((cache_root() / "features").glob(f"*-{digest}.npz"))
    if len(paths) != 1:
        sys.exit(f"need exactly one feature cache for recipe {digest}, found {paths}; "
                 "run `moodc train` first")
    with np.load(paths[0]) as saved:
        index = {k: i for i, k in enumerate(saved["keys"].tolist())}
        features = saved["features"]
        rows = [index[hashlib.sha256(p.encode("utf-8")).hexdigest()[:24]] for p in prompts]
        return features[rows].astype(np.float32)


def load_data() -> dict[str, Any]:
    """Features, concept evidence, labels (class indices) and row flags of train and valid."""
    from moodc.concepts import LIBRARY_PROMPT_SHARE, library_coverage

    WORK_DIR.mkdir(exist_ok=True)
    cached = WORK_DIR / "data.npz"
    if cached.is_file():
        with np.load(cached) as saved:
            return dict(saved)
    specs = config_fields()
    out: dict[str, Any] = {}
    for name in ("train", "valid"):
        split = load_split(name)
        prompts = list(split.prompts)
        out[f"x_{name}"] = _model_features(prompts)
        out[f"c_{name}"] = concept_features(prompts)
        out[f"y_{name}"] = np.stack([class_indices(split.labels, key=s.key, values=s.values)
                                     for s in specs], axis=1)
        out[f"scene_{name}"] = np.array([r["justification"].startswith("scene '")
                                         for r in split.rows])
        out[f"model_{name}"] = np.array([library_coverage(p) <= LIBRARY_PROMPT_SHARE
                                         for p in prompts])
    np.savez(cached, **out)
    return out


def concept_choice(c: np.ndarray) -> np.ndarray:
    """The concepts engine's value index per field, read back from its one-hot evidence."""
    sizes = [len(s.values) for s in config_fields()]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return np.stack([c[:, bounds[f]:bounds[f + 1]].argmax(axis=1) for f in range(len(sizes))],
                    axis=1)


# --------------------------------------------------------------------------------------
# The head, refitted on train only
# --------------------------------------------------------------------------------------

def head_probs(data: dict[str, Any]) -> list[np.ndarray]:
    """Per field, the train-only head's probabilities on valid, shape (n_valid, n_values)."""
    cached = WORK_DIR / "head_probs.npz"
    if cached.is_file():
        with np.load(cached) as saved:
            return [saved[str(f)] for f in range(len(saved.files))]
    specs = config_fields()
    meta = json.loads((DEFAULT_MODEL_DIR / "head.json").read_text())
    x_train = np.concatenate([data["x_train"], data["c_train"]], axis=1)
    x_valid = np.concatenate([data["x_valid"], data["c_valid"]], axis=1)
    mean, scale = standardiser(x_train)
    z_train, z_valid = (x_train - mean) / scale, (x_valid - mean) / scale
    l2_scale = np.ones(x_train.shape[1])
    l2_scale[:data["x_train"].shape[1]] = MODEL_FEATURE_L2_SCALE
    with single_threaded_numpy_blas():
        fits = fit_softmaxes(z_train, [data["y_train"][:, f] for f in range(len(specs))],
                             n_classes=[len(s.values) for s in specs],
                             l2=[meta["l2"][s.key] for s in specs], feature_l2_scale=l2_scale)
    probs = []
    for weight, bias in fits:
        logits = z_valid @ weight + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        probs.append(p / p.sum(axis=1, keepdims=True))
    np.savez(cached, **{str(f): p for f, p in enumerate(probs)})
    return probs


# --------------------------------------------------------------------------------------
# kNN
# --------------------------------------------------------------------------------------

def embed(x: np.ndarray, c: np.ndarray, *, mean: np.ndarray, std: np.ndarray, norm: str,
          concept_weight: float) -> np.ndarray:
    """Unit-norm search vectors: model features (raw / centred / standardised), optionally
    followed by the concept one-hot scaled to ``concept_weight`` of the total norm."""
    if norm == "raw":
        z = x.astype(np.float64)
    elif norm == "centred":
        z = x - mean
    else:
        z = (x - mean) / std
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    if concept_weight > 0:
        cn = c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)
        z = np.concatenate([z * (1 - concept_weight) ** 0.5, cn * concept_weight ** 0.5], axis=1)
    return z


def neighbours(q: np.ndarray, t: np.ndarray, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosine similarities of the ``k`` nearest rows of ``t``, best first."""
    sims = q @ t.T
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(sims, idx, axis=1)
    order = np.argsort(-top, axis=1, kind="stable")
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(top, order, axis=1)


def knn_probs(idx: np.ndarray, sims: np.ndarray, y_train: np.ndarray, *, k: int,
              temperature: float) -> list[np.ndarray]:
    """Per field, the similarity-weighted vote share of each value among the first ``k``
    neighbours: weight ``exp((s - s_best) / temperature)`` (0 = uniform)."""
    idx, sims = idx[:, :k], sims[:, :k]
    if temperature > 0:
        w = np.exp((sims - sims[:, :1]) / temperature)
    else:
        w = np.ones_like(sims)
    w = w / w.sum(axis=1, keepdims=True)
    out = []
    for f, spec in enumerate(config_fields()):
        labels = y_train[idx, f]  # (n, k)
        p = np.zeros((len(idx), len(spec.values)))
        for j in range(k):
            p[np.arange(len(idx)), labels[:, j]] += w[:, j]
        out.append(p)
    return out


def decide(probs: list[np.ndarray], *, ordinal_mean: bool) -> np.ndarray:
    """Value index per field: the most probable value, or (``ordinal_mean``) the nearest
    rank to the probability-weighted mean rank on ordinal fields (a deterministic merge)."""
    from moodc.gen.evaluate import is_ordinal

    cols = []
    for p, spec in zip(probs, config_fields()):
        if ordinal_mean and is_ordinal(spec.key, spec.values):
            cols.append(np.rint(p @ np.arange(p.shape[1]) / p.sum(axis=1)).astype(int))
        else:
            cols.append(p.argmax(axis=1))
    return np.stack(cols, axis=1)


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------

def scores(pred: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    """exact / key / dist / fam / med of predictions against references (class indices)."""
    from moodc.data.expect import MODE_FAMILY

    specs = config_fields()
    col = {s.key: f for f, s in enumerate(specs)}
    modes = specs[col["mode"]].values
    family = np.array([MODE_FAMILY.get(m, "?") for m in modes])
    bright = col["brightness"]
    medium = specs[bright].values.index("medium")
    return {
        "exact": float((pred == ref).mean()),
        "key": float(np.mean([(pred[:, col[k]] == ref[:, col[k]]).mean() for k in KEY_FIELDS])),
        "dist": float(np.mean([np.abs(pred[:, col[k]] - ref[:, col[k]]).mean()
                               for k in DIST_FIELDS])),
        "fam": float((family[pred[:, col["mode"]]] == family[ref[:, col["mode"]]]).mean()),
        "med": float((pred[:, bright] == medium).mean()),
    }


def report(name: str, pred: np.ndarray, data: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Scores on all valid rows, the model-routed rows and the scene rows; printed as one line."""
    ref = data["y_valid"]
    sets = {"all": np.ones(len(ref), bool), "model": data["model_valid"],
            "scene": data["scene_valid"]}
    out = {s: scores(pred[m], ref[m]) for s, m in sets.items()}
    line = "  ".join(f"{s}: ex {v['exact']:.3f} key {v['key']:.3f} dist {v['dist']:.3f} "
                     f"fam {v['fam']:.3f} med {v['med']:.2f}" for s, v in out.items())
    print(f"{name:<46} {line}", flush=True)
    return out


def routed(pred: np.ndarray, data: dict[str, Any]) -> np.ndarray:
    """The default engine's routing: library prompts get the concepts engine's values."""
    lib = concept_choice(data["c_valid"])
    return np.where(data["model_valid"][:, None], pred, lib)


def pca_basis(z: np.ndarray, *, dims: int) -> np.ndarray:
    """The top ``dims`` principal directions of the rows of ``z`` (centred), shape (d, dims)."""
    centred = z - z.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:dims].T


def knn_variant(data: dict[str, Any], *, mean: np.ndarray, std: np.ndarray, k: int,
                temperature: float, concept_weight: float, pca_dims: int | None = None,
                float16: bool = False) -> list[np.ndarray]:
    """Vote shares of one kNN variant (standardised features, all training examples)."""
    x_train, x_valid = (data["x_train"] - mean) / std, (data["x_valid"] - mean) / std
    if pca_dims:
        basis = pca_basis(x_train, dims=pca_dims)
        x_train, x_valid = x_train @ basis, x_valid @ basis
    if float16:
        x_train = x_train.astype(np.float16).astype(np.float64)
    zero, one = np.zeros(x_train.shape[1]), np.ones(x_train.shape[1])
    t = embed(x_train, data["c_train"], mean=zero, std=one, norm="raw",
              concept_weight=concept_weight)
    q = embed(x_valid, data["c_valid"], mean=zero, std=one, norm="raw",
              concept_weight=concept_weight)
    idx, sims = neighbours(q, t, k=k)
    return knn_probs(idx, sims, data["y_train"], k=k, temperature=temperature)


def gated(head: list[np.ndarray], knn: list[np.ndarray], *, threshold: float) -> np.ndarray:
    """Head's values, except tempo/brightness/space/mode where the head's best value has
    probability below ``threshold``: there the kNN vote decides."""
    pred = decide(head, ordinal_mean=False)
    keys = [s.key for s in config_fields()]
    for key in ("tempo", "brightness", "space", "mode"):
        f = keys.index(key)
        unsure = head[f].max(axis=1) < threshold
        pred[unsure, f] = knn[f][unsure].argmax(axis=1)
    return pred


def hybrid_study(data: dict[str, Any], hp: list[np.ndarray], *, mean: np.ndarray,
                 std: np.ndarray) -> dict[str, Any]:
    """Larger k, PCA / float16 storage, and the head + kNN hybrids, on valid."""
    results = {}
    variants = {}
    for k, temp, cw in itertools.product((64, 128, 256), (0.03, 0.05, 0.1), (0.5, 0.75)):
        variants[f"knn std cw={cw} all k={k} T={temp}"] = dict(k=k, temperature=temp,
                                                               concept_weight=cw)
    for dims in (64, 128, 256):
        variants[f"knn std cw=0.5 all k=64 T=0.05 pca{dims} f16"] = dict(
            k=64, temperature=0.05, concept_weight=0.5, pca_dims=dims, float16=True)
    probs = {}
    for name, kw in variants.items():
        probs[name] = knn_variant(data, mean=mean, std=std, **kw)
        results[name] = report(name, routed(decide(probs[name], ordinal_mean=False), data), data)
    for name in list(probs):
        for alpha in (0.3, 0.5, 0.7):
            mixed = [(1 - alpha) * h + alpha * p for h, p in zip(hp, probs[name])]
            label = f"hybrid a={alpha} head + {name}"
            results[label] = report(label, routed(decide(mixed, ordinal_mean=False), data), data)
    base = "knn std cw=0.5 all k=64 T=0.05"
    for threshold in (0.4, 0.5, 0.6, 0.7):
        label = f"gated p<{threshold} head / {base}"
        results[label] = report(label, routed(gated(hp, probs[base], threshold=threshold), data),
                                data)
    return results


def main() -> None:
    data = load_data()
    y_train, y_valid = data["y_train"], data["y_valid"]
    print(f"train {len(y_train)} (scenes {data['scene_train'].sum()}), valid {len(y_valid)} "
          f"(scenes {data['scene_valid'].sum()}, model-routed {data['model_valid'].sum()})")
    specs = config_fields()
    bright = [s.key for s in specs].index("brightness")
    medium = specs[bright].values.index("medium")
    print(f"reference share at medium brightness: all {np.mean(y_valid[:, bright] == medium):.2f}"
          f" model {np.mean(y_valid[data['model_valid'], bright] == medium):.2f}")
    results: dict[str, Any] = {}
    results["concepts"] = report("concepts", concept_choice(data["c_valid"]), data)
    hp = head_probs(data)
    head_pred = decide(hp, ordinal_mean=False)
    results["head"] = report("head (train-only)", head_pred, data)
    results["tuned (routed)"] = report("tuned = head, routed", routed(head_pred, data), data)

    mean = data["x_train"].mean(axis=0)
    std = np.maximum(data["x_train"].std(axis=0), 1e-6)
    k_max = 64
    grid = {}
    for norm, cw, pool in itertools.product(("raw", "centred", "std"), (0.0, 0.25, 0.5),
                                            ("all", "scenes")):
        keep = np.ones(len(y_train), bool) if pool == "all" else data["scene_train"]
        t = embed(data["x_train"][keep], data["c_train"][keep], mean=mean, std=std, norm=norm,
                  concept_weight=cw)
        q = embed(data["x_valid"], data["c_valid"], mean=mean, std=std, norm=norm,
                  concept_weight=cw)
        idx, sims = neighbours(q, t, k=k_max)
        for k, temp in itertools.product((1, 4, 8, 16, 32, 64), (0.0, 0.02, 0.05)):
            if k == 1 and temp > 0:
                continue
            probs = knn_probs(idx, sims, y_train[keep], k=k, temperature=temp)
            for ordinal_mean in (False, True):
                name = f"knn {norm} cw={cw} {pool} k={k} T={temp} {'mean' if ordinal_mean else 'vote'}"
                grid[name] = (norm, cw, pool, k, temp, ordinal_mean)
                results[name] = report(name, routed(decide(probs, ordinal_mean=ordinal_mean),
                                                    data), data)
    results.update(hybrid_study(data, hp, mean=mean, std=std))
    (WORK_DIR / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
