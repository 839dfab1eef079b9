"""How the default engine should combine the concept library and the head (issue #13).

Reads the head's log-probabilities and the library's config once per prompt, then scores
ways of combining them without re-running the model:

* ``threshold t``: the shipped hard route, the library when the prompt's library coverage
  (:func:`moodc.concepts.library_coverage`) exceeds ``t``, else the head's argmax;
* ``blend w``: for every field, the head's log-probability plus ``w`` on the library's value
  (``w`` = a constant, or ``beta * coverage``), then the head's own pair-aware argmax: a soft
  route, where a confident head can overrule the library and a hesitant one defers to it;
* the two combined: the library above the threshold, the blend below;
* ``per field``: the threshold for most fields, but on library-routed prompts some fields
  (tempo / mode / brightness) take the head's argmax when the head's probability of it is at
  least ``p`` (``head if p>=...``), or route on a threshold of their own (``field thr``).

Scored on the development paraphrase set (agreement on tempo / mode family / brightness,
and the groups' constraints), the held-out test split's and the probes' constraints, and
exact match on the valid split (mean over fields, and tempo / mode / brightness). Never on
the blind split. Run: ``PYTHONPATH=. python tools/route_study.py`` (~3 min CPU); with
``--diagnose``, pairwise and one-step agreement on the dev set only (~1 min). With
``--cache PATH`` (a ``.pkl`` outside the repository) the evidence is read once and kept there,
so re-scoring the variants takes seconds; ``--per-field`` scores only the per-field variants.
"""

from __future__ import annotations

import json
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moodc.concepts import LIBRARY_PROMPT_SHARE, concepts_engine, library_coverage
from moodc.config.paths import nest
from moodc.data.expect import check_expectations
from moodc.gen import evaluate
from moodc.gen.head import concept_features, extract_features, load_tuned
from moodc.gen.train import config_labels, load_split


def prompts_and_refs() -> dict[str, Any]:
    dev = evaluate.load_paraphrases(data_dir=evaluate.DEV_DIR)
    probes = [json.loads(l) for l in (ROOT / "moodc/data/probe/probe.jsonl").read_text().splitlines()]
    return {"dev": dev, "test": load_split("test").rows, "probe": probes,
            "valid": load_split("valid").rows}


def all_prompts(data: dict[str, Any]) -> list[str]:
    return ([p for g in data["dev"] for p in g["prompts"]] + [r["prompt"] for r in data["test"]]
            + [r["prompt"] for r in data["probe"]] + [r["prompt"] for r in data["valid"]])


def read_evidence(prompts: list[str]) -> dict[str, Any]:
    """Head log-probs, the library's one-hot and labels, and coverage, per prompt."""
    model = load_tuned()
    head = model.head
    feats = extract_features(prompts, encoder=model.encoder, recipe=head.recipe)
    onehot = concept_features(prompts, seed=0)
    log_probs = head.log_probs(np.concatenate([feats, onehot], axis=1))
    configs = [concepts_engine(p, seed=0).model_dump(exclude_none=True) for p in prompts]
    library = [config_labels(c) for c in configs]
    offsets = np.concatenate([[0], np.cumsum([len(f.values) for f in head.fields])])
    bonus = {f.key: onehot[:, offsets[i]:offsets[i + 1]] for i, f in enumerate(head.fields)}
    return {"head": head, "log_probs": log_probs, "bonus": bonus, "library": library,
            "modifiers": [c["provenance"]["modifiers"] for c in configs],
            "coverage": np.array([library_coverage(p) for p in prompts])}


def cached_evidence(prompts: list[str], *, path: Path | None) -> dict[str, Any]:
    """:func:`read_evidence`, kept in ``path`` (a pickle keyed by the prompts and the head's
    file) so the per-variant scoring can be re-run without the encoder."""
    from moodc.gen.artifact import DEFAULT_MODEL_DIR

    stamp = sorted((f.name, f.stat().st_mtime_ns) for f in DEFAULT_MODEL_DIR.iterdir())
    key = (prompts, stamp)
    if path is not None and path.exists():
        saved = pickle.loads(path.read_bytes())
        if saved["key"] == key:
            return saved["evidence"]
    evidence = read_evidence(prompts)
    if path is not None:
        path.write_bytes(pickle.dumps({"key": key, "evidence": evidence}))
    return evidence


def by_family(scores: np.ndarray, modes: tuple[str, ...]) -> np.ndarray:
    """``scores`` of the modes with every mode outside the likelier family (major or minor,
    by summed probability) masked: the family is decided on its total, not by one mode."""
    from moodc.data.expect import MODE_FAMILY

    family = np.array([MODE_FAMILY[m] == "major" for m in modes])
    p = np.exp(scores - scores.max())
    major = p[family].sum() >= p[~family].sum()
    return np.where(family == major, scores, -np.inf)


def answers(ev: dict[str, Any], *, threshold: float, weight: float, beta: float,
            family: bool = False) -> list[dict]:
    """Chosen labels per prompt for one variant (see the module docstring); ``family``: the
    mode's family by its summed probability first (:func:`by_family`)."""
    head = ev["head"]
    modes = next(f.values for f in head.fields if f.key == "mode")
    out = []
    for row, coverage in enumerate(ev["coverage"]):
        if coverage > threshold:
            out.append(ev["library"][row])
            continue
        w = weight + beta * coverage
        scores = {key: lp[row] + w * ev["bonus"][key][row] for key, lp in ev["log_probs"].items()}
        if family:
            scores["mode"] = by_family(scores["mode"], modes)
        out.append(head.choose(scores))
    return out


TRUSTED_FIELDS = ("tempo", "mode", "brightness")


def per_field(ev: dict[str, Any], *, threshold: float, fields: tuple[str, ...],
              min_prob: float = 2.0, field_threshold: float | None = None,
              modifiers: bool = False) -> list[dict]:
    """The threshold route, except that on a library-routed prompt each of ``fields`` takes
    the head's argmax when its probability is at least ``min_prob``, or when the prompt's
    coverage is at most ``field_threshold`` (the field's own route); with ``modifiers``, the
    prompt's tempo words are enforced again after (the shipped engine's
    :func:`moodc.gen.engines._with_tempo`, for ``fields == ("tempo",)``)."""
    from moodc.gen.engines import _with_tempo

    head = ev["head"]
    base = answers(ev, threshold=threshold, weight=0.0, beta=0.0)
    values = {f.key: f.values for f in head.fields}
    out = []
    for row, (labels, coverage) in enumerate(zip(base, ev["coverage"])):
        labels = dict(labels)
        if coverage > threshold:
            for key in fields:
                lp = ev["log_probs"][key][row]
                own = field_threshold is not None and coverage <= field_threshold
                if own or float(np.exp(lp.max())) >= min_prob:
                    labels[key] = values[key][int(np.argmax(lp))]
            if modifiers and "tempo" in fields:
                labels = _with_tempo(labels, tempo=labels["tempo"], modifiers=ev["modifiers"][row])
        out.append(labels)
    return out


#: (name, fields, min_prob, field_threshold, re-apply the tempo modifiers); the last rows
#: are the shipped engine (:data:`moodc.gen.engines.HEAD_TEMPO_SHARE`) and its neighbours.
PER_FIELD = ([("head if p>=", fs, p, None, False) for fs in (("tempo",), ("mode",), ("brightness",),
                                                       TRUSTED_FIELDS)
              for p in (0.5, 0.6, 0.7, 0.8, 0.9)]
             + [("field thr", fs, 2.0, t, False) for fs in (("tempo",), ("mode",), ("brightness",),
                                                     TRUSTED_FIELDS)
                for t in (0.6, 0.7, 0.8, 1.1)]
             + [("field thr + tempo words", ("tempo",), 2.0, t, True)
                for t in (0.7, 0.75, 0.8, 0.85, 0.9)])


def config_of(labels: dict[str, Any]) -> dict[str, Any]:
    return {"version": 2, **nest(labels)}


def score(variant: list[dict], data: dict[str, Any]) -> dict[str, float]:
    configs = [config_of(a) for a in variant]
    n_dev = 3 * len(data["dev"])
    dev, rest = configs[:n_dev], configs[n_dev:]
    test, rest = rest[:len(data["test"])], rest[len(data["test"]):]
    probe, valid = rest[:len(data["probe"])], variant[n_dev + len(data["test"]) + len(data["probe"]):]
    groups = [dev[3 * i:3 * i + 3] for i in range(len(data["dev"]))]
    agree = evaluate.paraphrase_agreement(groups)
    met = lambda cs, es: evaluate.controllability(cs, es, check=check_expectations)
    d_met, d_n = met(dev, [g["expect"] for g in data["dev"] for _ in range(3)])
    t_met, t_n = met(test, [r["expect"] for r in data["test"]])
    p_met, p_n = met(probe, [r["expect"] for r in data["probe"]])
    refs = [config_labels(r["config"]) for r in data["valid"]]
    keys = list(refs[0])
    exact = {k: np.mean([a[k] == r[k] for a, r in zip(valid, refs)]) for k in keys}
    return {"agree": agree["all"], "tempo": agree["tempo"], "mode": agree["mode_family"],
            "bright": agree["brightness"], "dev_met": d_met / d_n, "test": f"{t_met}/{t_n}",
            "probe": f"{p_met}/{p_n}", "valid_exact": float(np.mean(list(exact.values()))),
            "valid_tmb": float(np.mean([exact["tempo"], exact["mode"], exact["brightness"]]))}


VARIANTS = ([("threshold", t, 0.0, 0.0) for t in (-1.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.1)]
            + [("blend", 1.1, w, 0.0) for w in (0.5, 1.0, 2.0, 3.0, 5.0)]
            + [("blend*cov", 1.1, 0.0, b) for b in (1.0, 2.0, 4.0, 8.0)]
            + [("thr 0.5 + blend", 0.5, w, 0.0) for w in (1.0, 2.0, 3.0)]
            + [("family", t, 0.0, 0.0) for t in (0.5, 1.1)])


WORDINGS = ("short", "long", "oblique")
ORDER = {"tempo": ("very_slow", "slow", "medium", "fast", "very_fast"),
         "brightness": ("very_dark", "dark", "medium", "bright", "very_bright")}


def diagnose(variant: list[dict], data: dict[str, Any]) -> dict[str, Any]:
    """On the dev groups: agreement of each pair of wordings per field, agreement within one
    step for the ordinals, and the share of groups whose three wordings all meet the group's
    constraints (agreement on what a listener insists on, rather than on exact labels)."""
    configs = [config_of(a) for a in variant[:3 * len(data["dev"])]]
    groups = [configs[3 * i:3 * i + 3] for i in range(len(data["dev"]))]
    out: dict[str, Any] = {}
    for i, j in ((0, 1), (0, 2), (1, 2)):
        pair = evaluate.paraphrase_agreement([[g[i], g[j]] for g in groups])
        out[f"{WORDINGS[i]}~{WORDINGS[j]}"] = {k: round(v, 3) for k, v in pair.items()}
    for key, order in ORDER.items():
        spans = [max(order.index(c[key]) for c in g) - min(order.index(c[key]) for c in g)
                 for g in groups]
        out[f"{key} within one step"] = round(float(np.mean([s <= 1 for s in spans])), 3)
    met = [all(all(check_expectations(c, group["expect"])) for c in g)
           for g, group in zip(groups, data["dev"])]
    out["all three meet the constraints"] = round(float(np.mean(met)), 3)
    return out


def main() -> None:
    start = time.process_time()
    data = prompts_and_refs()
    if "--diagnose" in sys.argv:  # the dev set only: three variants
        ev = read_evidence([p for g in data["dev"] for p in g["prompts"]])
        for name, threshold in (("tuned (threshold 0.5)", 0.5), ("library only", -1.0),
                                ("head only", 1.1)):
            print(name, json.dumps(diagnose(answers(ev, threshold=threshold, weight=0.0,
                                                    beta=0.0), data)), flush=True)
        return
    cache = Path(sys.argv[sys.argv.index("--cache") + 1]) if "--cache" in sys.argv else None
    ev = cached_evidence(all_prompts(data), path=cache)
    print(f"evidence read: {time.process_time() - start:.0f} s CPU", flush=True)
    for name, fields, min_prob, field_threshold, modifiers in PER_FIELD:
        result = score(per_field(ev, threshold=LIBRARY_PROMPT_SHARE, fields=fields,
                                 min_prob=min_prob, field_threshold=field_threshold,
                                 modifiers=modifiers), data)
        print(json.dumps({"variant": f"thr {LIBRARY_PROMPT_SHARE} + {name}",
                          "fields": "/".join(fields), "p": min_prob, "field_thr": field_threshold,
                          **{k: round(v, 4) if isinstance(v, float) else v
                             for k, v in result.items()}}), flush=True)
    if "--per-field" in sys.argv:
        return
    for name, threshold, weight, beta in VARIANTS:
        result = score(answers(ev, threshold=threshold, weight=weight, beta=beta,
                               family=name == "family"), data)
        print(json.dumps({"variant": name, "threshold": threshold, "w": weight, "beta": beta,
                          **{k: round(v, 4) if isinstance(v, float) else v
                             for k, v in result.items()}}), flush=True)


if __name__ == "__main__":
    main()
