"""Issue #13 experiment: the loss weight of rows whose concepts did not name a field.

Question: ``moodc train`` fits each field only on the rows whose label's concepts *named* it
(``moodc.gen.train.UNNAMED_WEIGHT = 0``). That cured the head's hedging on space but swung
brightness and rhythm past the mark (medium brightness on 6 % of the library-blind answers
where listeners accept it 41 %). Does a small weight for the unnamed rows — whose label is the
global default, "medium" — bring the middle back where it belongs without the hedge?

Everything is chosen on data other than the blind split: heads are fitted on **train only**
(the shipped head was refitted on train + valid and would be scored on its own rows) at the
shipped head's per-field L2 (chosen by ``moodc train`` at weight 0; one fit per weight
instead of a grid), then scored on

* the **valid** rows the default engine sends to the model (library coverage ≤
  ``LIBRARY_PROMPT_SHARE``): mean exact match over the 34 fields (every row, the labels'
  unnamed defaults included), exact match of the key fields (tempo, mode, brightness, space,
  lead, rhythm, texture) on the rows that *named* each, mean ordinal distance of tempo /
  brightness / space on the named rows, and the share of answers at medium brightness /
  medium space / minimal rhythm on all model-routed rows next to the labels' share on the
  named ones;
* the hand-written **probes** (``moodc/data/probe/probe.jsonl``) and the held-out **test**
  split: the share of their ``expect`` constraints met by the default engine's route (library
  for library prompts, the train-only head for the rest).

The fields do not interact (:func:`moodc.gen.train.fit_softmaxes`), so a per-group weight
(brightness and rhythm at one weight, the rest at another) is read off the uniform fits
without fitting again.

Run (the train + valid features come from the feature cache ``moodc train`` writes; the test
and probe prompts' features are added to it once, ~1 min; the concept library's evidence is
computed once, ~4 min, and everything is cached in ``/tmp/unnamed-study``)::

    PYTHONPATH=. python tools/unnamed_study.py --weights 0,0.05,0.1,0.2,0.3
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from moodc.errors import UsageError
from moodc.gen.artifact import DEFAULT_MODEL_DIR
from moodc.gen.fields import config_fields
from moodc.gen.head import FeatureRecipe, concept_features
from moodc.gen.train import (
    MODEL_FEATURE_L2_SCALE,
    cached_features,
    class_indices,
    field_weights,
    fit_softmaxes,
    load_split,
    read_jsonl,
    single_threaded_numpy_blas,
    standardiser,
)

WORK_DIR = Path("/tmp/unnamed-study")
PROBE_PATH = Path(__file__).resolve().parent.parent / "moodc" / "data" / "probe" / "probe.jsonl"
KEY_FIELDS = ("tempo", "mode", "brightness", "space", "instruments.lead", "layers.rhythm",
              "layers.texture")
DIST_FIELDS = ("tempo", "brightness", "space")
#: Field → the value whose share of answers is watched (a real answer the mask may lose).
MIDDLE_VALUES = {"brightness": "medium", "space": "medium", "layers.rhythm": "minimal"}


# --------------------------------------------------------------------------------------
# Data (cached)
# --------------------------------------------------------------------------------------

def _routed_to_model(prompts: list[str]) -> np.ndarray:
    from moodc.concepts import LIBRARY_PROMPT_SHARE, library_coverage

    return np.array([library_coverage(p) <= LIBRARY_PROMPT_SHARE for p in prompts])


def _library_answers(prompts: list[str], routed: np.ndarray) -> list[dict[str, Any] | None]:
    """The concepts engine's config (seed 0) for the library-routed prompts, None for the rest."""
    from moodc.concepts import concepts_engine

    return [None if model else concepts_engine(p, seed=0).model_dump(mode="json")
            for p, model in zip(prompts, routed)]


def load_data() -> dict[str, Any]:
    """Features, concept evidence, labels, named masks and routes of train and valid; features,
    routes, expectations and library answers of test and the probes."""
    from moodc.gen.head import load_encoder

    WORK_DIR.mkdir(exist_ok=True)
    arrays_path, json_path = WORK_DIR / "data.npz", WORK_DIR / "data.json"
    if arrays_path.is_file() and json_path.is_file():
        with np.load(arrays_path) as saved:
            return {**dict(saved), **json.loads(json_path.read_text())}
    specs, keys = config_fields(), [s.key for s in config_fields()]
    encoder, recipe = load_encoder(), FeatureRecipe()
    arrays: dict[str, np.ndarray] = {}
    extra: dict[str, Any] = {}
    splits = {name: load_split(name) for name in ("train", "valid", "test")}
    given_train = splits["train"].given
    for name, split in splits.items():
        prompts = list(split.prompts)
        arrays[f"x_{name}"] = cached_features(prompts, encoder=encoder, recipe=recipe)
        arrays[f"c_{name}"] = concept_features(prompts)
        arrays[f"model_{name}"] = _routed_to_model(prompts)
        if name in ("train", "valid"):
            arrays[f"y_{name}"] = np.stack([class_indices(split.labels, key=s.key,
                                                          values=s.values) for s in specs], 1)
            arrays[f"named_{name}"] = np.stack(field_weights(
                keys, given=split.given, train_given=given_train, unnamed_weight=0.0), 1)
        else:
            extra[f"expect_{name}"] = [r["expect"] for r in split.rows]
            extra[f"library_{name}"] = _library_answers(prompts, arrays[f"model_{name}"])
    probes = read_jsonl(PROBE_PATH, missing=UsageError(f"no probes at {PROBE_PATH}"),
                        bad_line_hint="fix the probe file")
    prompts = [r["prompt"] for r in probes]
    arrays["x_probe"] = cached_features(prompts, encoder=encoder, recipe=recipe)
    arrays["c_probe"] = concept_features(prompts)
    arrays["model_probe"] = _routed_to_model(prompts)
    extra["expect_probe"] = [r["expect"] for r in probes]
    extra["library_probe"] = _library_answers(prompts, arrays["model_probe"])
    np.savez(arrays_path, **arrays)
    json_path.write_text(json.dumps(extra))
    return {**arrays, **extra}


# --------------------------------------------------------------------------------------
# Train-only fits, one per weight (cached)
# --------------------------------------------------------------------------------------

def standardised(data: dict[str, Any], name: str) -> np.ndarray:
    """Model features + concept evidence of split ``name``, standardised on train."""
    x_train = np.concatenate([data["x_train"], data["c_train"]], axis=1)
    mean, scale = standardiser(x_train)
    return (np.concatenate([data[f"x_{name}"], data[f"c_{name}"]], axis=1) - mean) / scale


def fit_at(data: dict[str, Any], *, unnamed_weight: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per field, (weight, bias) fitted on train with unnamed rows at ``unnamed_weight``
    (fields fitted on every row stay so) and the shipped head's L2."""
    cached = WORK_DIR / f"fit_{unnamed_weight:g}.npz"
    if cached.is_file():
        with np.load(cached) as saved:
            return [(saved[f"w{f}"], saved[f"b{f}"]) for f in range(len(saved.files) // 2)]
    specs = config_fields()
    meta = json.loads((DEFAULT_MODEL_DIR / "head.json").read_text())
    named = data["named_train"] > 0
    # field_weights leaves always-fitted fields at 1; every other field's unnamed rows get w.
    always = named.all(axis=0)
    weights = [np.ones(len(named)) if always[f] else np.where(named[:, f], 1.0, unnamed_weight)
               for f in range(len(specs))]
    l2_scale = np.ones(data["x_train"].shape[1] + data["c_train"].shape[1])
    l2_scale[:data["x_train"].shape[1]] = MODEL_FEATURE_L2_SCALE
    start = time.process_time()
    with single_threaded_numpy_blas():
        fits = fit_softmaxes(standardised(data, "train"),
                             [data["y_train"][:, f] for f in range(len(specs))],
                             n_classes=[len(s.values) for s in specs],
                             l2=[meta["l2"][s.key] for s in specs], feature_l2_scale=l2_scale,
                             sample_weights=weights)
    print(f"  fit at weight {unnamed_weight:g}: {time.process_time() - start:.0f} s CPU",
          flush=True)
    np.savez(cached, **{f"w{f}": w for f, (w, _) in enumerate(fits)},
             **{f"b{f}": b for f, (_, b) in enumerate(fits)})
    return fits


def mixed(fits_by_weight: dict[float, list[tuple[np.ndarray, np.ndarray]]], *,
          group: frozenset[str], group_weight: float, rest_weight: float
          ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The fields of ``group`` from the fit at ``group_weight``, the rest at ``rest_weight``
    (exact: the fields of one joint fit do not interact)."""
    return [fits_by_weight[group_weight if s.key in group else rest_weight][f]
            for f, s in enumerate(config_fields())]


# --------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------

def log_probs(z: np.ndarray, fits: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    out = []
    for weight, bias in fits:
        logits = z @ weight + bias
        logits -= logits.max(axis=1, keepdims=True)
        out.append(logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)))
    return out


def chosen_indices(lp: list[np.ndarray]) -> np.ndarray:
    """(n, n_fields) value indices as the engine chooses them (pair rules included)."""
    from moodc.gen.head import FieldHead, Head

    specs = config_fields()
    head = Head(FeatureRecipe(), np.zeros(1), np.ones(1),
                tuple(FieldHead(s.key, s.values, np.zeros((1, 1)), np.zeros(1)) for s in specs))
    rows = []
    for i in range(len(lp[0])):
        chosen = head.choose({s.key: lp[f][i] for f, s in enumerate(specs)})
        rows.append([s.values.index(chosen[s.key]) for s in specs])
    return np.array(rows)


def valid_scores(data: dict[str, Any], fits: list[tuple[np.ndarray, np.ndarray]]
                 ) -> dict[str, float]:
    """The valid metrics of the module docstring, on the model-routed rows."""
    specs = config_fields()
    index = {s.key: f for f, s in enumerate(specs)}
    routed = data["model_valid"]
    pred = chosen_indices(log_probs(standardised(data, "valid")[routed], fits))
    y, named = data["y_valid"][routed], data["named_valid"][routed] > 0
    out = {"exact": float((pred == y).mean())}
    key_hits = []
    for key in KEY_FIELDS:
        f = index[key]
        hits = (pred[named[:, f], f] == y[named[:, f], f])
        out[key] = float(hits.mean())
        key_hits.append(out[key])
    out["key"] = float(np.mean(key_hits))
    out["dist"] = float(np.mean([np.abs(pred[named[:, index[k]], index[k]]
                                        - y[named[:, index[k]], index[k]]).mean()
                                 for k in DIST_FIELDS]))
    for key, value in MIDDLE_VALUES.items():
        f, v = index[key], specs[index[key]].values.index(value)
        out[f"at_{key}"] = float((pred[:, f] == v).mean())
        out[f"label_{key}"] = float((y[named[:, f], f] == v).mean())
    return out


def constraint_scores(data: dict[str, Any], fits: list[tuple[np.ndarray, np.ndarray]], *,
                      name: str, head_alone: bool = False) -> dict[str, Any]:
    """Share of ``name``'s (test / probe) constraints met through the default engine's route
    (``head_alone``: every prompt through the head, a larger sample of the head's answers),
    prompts fully right, and the answers at medium brightness / space on the model route."""
    from moodc.config.model import Config
    from moodc.config.paths import nest
    from moodc.data.expect import check_expectations

    specs = config_fields()
    routed = np.ones(len(data[f"model_{name}"]), bool) if head_alone else data[f"model_{name}"]
    pred = chosen_indices(log_probs(standardised(data, name), fits))
    met = total = right = 0
    at_medium = {"brightness": 0, "space": 0}
    by_key: dict[str, list[int]] = {}
    for i, expect in enumerate(data[f"expect_{name}"]):
        if routed[i]:
            chosen = {s.key: s.values[pred[i, f]] for f, s in enumerate(specs)}
            config: Any = Config.model_validate({"version": 2, **nest(chosen)})
            for key in at_medium:
                at_medium[key] += chosen[key] == "medium"
        else:
            config = data[f"library_{name}"][i]
        checks = check_expectations(config, expect)
        met, total, right = met + sum(checks), total + len(checks), right + all(checks)
        for key, ok in zip(expect, checks):
            by_key.setdefault(key, [0, 0])
            by_key[key][0] += ok
            by_key[key][1] += 1
    n_model = max(int(routed.sum()), 1)
    return {"met": met, "total": total, "share": met / total, "right": right,
            "n": len(routed), "n_model": int(routed.sum()), "by_key": by_key,
            **{f"medium_{k}": v / n_model for k, v in at_medium.items()}}


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def _row(label: str, v: dict[str, float]) -> str:
    pct = lambda x: f"{100 * x:.1f}"
    return (f"| {label} | {pct(v['exact'])} | {pct(v['key'])} | "
            + " / ".join(pct(v[k]) for k in KEY_FIELDS) + f" | {v['dist']:.3f} | "
            + " / ".join(pct(v[f'at_{k}']) for k in MIDDLE_VALUES) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", default="0,0.05,0.1,0.2,0.3",
                        help="unnamed-row weights to fit (0 is always added)")
    parser.add_argument("--group", default="brightness,layers.rhythm",
                        help="fields given their own weight in the per-group rows")
    args = parser.parse_args()
    # weight 0 is the per-group rows' "rest" (and the baseline): always fitted, and first,
    # so a run without it does not end in a KeyError after its fits
    weights = sorted({0.0, *(float(w) for w in args.weights.split(","))})
    data = load_data()
    print(f"valid model-routed rows: {int(data['model_valid'].sum())} of "
          f"{len(data['model_valid'])}; test {int(data['model_test'].sum())} of "
          f"{len(data['model_test'])}; probes {int(data['model_probe'].sum())} of "
          f"{len(data['model_probe'])}", flush=True)
    fits = {w: fit_at(data, unnamed_weight=w) for w in weights}
    group = frozenset(args.group.split(","))
    variants = {f"all {w:g}": fits[w] for w in weights}
    variants.update({f"{'+'.join(sorted(group))} {w:g}, rest 0":
                     mixed(fits, group=group, group_weight=w, rest_weight=0.0)
                     for w in weights if w > 0})
    results: dict[str, Any] = {}
    print("| weight | exact | key | " + " / ".join(KEY_FIELDS) + " | dist | at "
          + " / ".join(f"{k} {v}" for k, v in MIDDLE_VALUES.items()) + " |")
    for label, variant in variants.items():
        v = valid_scores(data, variant)
        t = constraint_scores(data, variant, name="test")
        p = constraint_scores(data, variant, name="probe")
        ta = constraint_scores(data, variant, name="test", head_alone=True)
        pa = constraint_scores(data, variant, name="probe", head_alone=True)
        results[label] = {"valid": v, "test": t, "probe": p, "test_head": ta, "probe_head": pa}
        print(_row(label, v) + f" test {t['met']}/{t['total']} ({t['right']}/{t['n']} right)"
              f"; probes {p['met']}/{p['total']} ({p['right']}/{p['n']} right); head alone: "
              f"test {ta['met']}/{ta['total']} ({ta['right']}/{ta['n']} right, medium b/s "
              f"{100 * ta['medium_brightness']:.1f} / {100 * ta['medium_space']:.1f} %), probes "
              f"{pa['met']}/{pa['total']} ({pa['right']}/{pa['n']} right, medium b/s "
              f"{100 * pa['medium_brightness']:.1f} / {100 * pa['medium_space']:.1f} %)",
              flush=True)
    print("head alone on test, constraints met by key:")
    for label, r in results.items():
        print(f"  {label}: " + ", ".join(f"{k} {m}/{n}" for k, (m, n) in
                                         sorted(r["test_head"]["by_key"].items()) if n >= 10))
    first = results[next(iter(results))]["valid"]
    print("labels at the middle value, named model-routed valid rows: "
          + ", ".join(f"{k} {100 * first[f'label_{k}']:.1f} %" for k in MIDDLE_VALUES))
    (WORK_DIR / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
