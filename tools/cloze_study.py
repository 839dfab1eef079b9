"""Study: does the base model's country answer, applied as the library's culture, help?

For each split (valid: labels; dev paraphrases, test and probes: expectations), the default
engine's configs are computed once, the model's country answers once (both cached under
``--cache``), and the culture hint of :mod:`moodc.gen.cloze` is applied afterwards at each
threshold, with and without the rule that a prompt spelling a culture keeps its own.
Never run on the blind split: that split is scored once per shipped change by ``moodc eval``.

    PYTHONPATH=. .venv/bin/python tools/cloze_study.py --cache /tmp/cloze-study
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from moodc.concepts import load_concepts
from moodc.data.expect import MODE_FAMILY, check_expectations
from moodc.gen.cloze import (COUNTRY_QUESTIONS, CULTURE_SIGNATURES, cloze_features,
                             proposed_culture, spells_culture, with_culture)
from moodc.gen.head import load_encoder
from moodc.gen.pipeline import generate
from moodc.gen.train import DATA_DIR, load_split
from moodc.tween import given_from_mask

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
ROOT = Path(__file__).resolve().parents[1] / "moodc" / "data"


def split_rows(name: str) -> tuple[list[str], list[Any]]:
    """Prompts and, per prompt, a label config (valid) or an expectation dict."""
    if name == "valid":
        split = load_split("valid", data_dir=DATA_DIR)
        labels = [json.loads(line) for line in (DATA_DIR / "valid.jsonl").open()]
        return split.prompts, [("label", r["config"], r.get("given")) for r in labels]
    if name == "test":
        rows = [json.loads(line) for line in (DATA_DIR / "test.jsonl").open()]
        return [r["prompt"] for r in rows], [("expect", r["expect"]) for r in rows]
    if name == "probe":
        rows = [json.loads(line) for line in (ROOT / "probe" / "probe.jsonl").open()]
        return [r["prompt"] for r in rows], [("expect", r["expect"]) for r in rows]
    rows = [json.loads(line) for line in (ROOT / "dev" / "paraphrase.jsonl").open()]
    return ([p for r in rows for p in r["prompts"]],
            [("expect", r["expect"]) for r in rows for _ in r["prompts"]])


def cached(path: Path, make: Any) -> Any:
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    path.write_bytes(pickle.dumps(value))
    return value


def score(configs: list[dict], refs: list[Any]) -> tuple[int, int]:
    """(hits, total): constraints met, or the signature fields and mode family a label names
    (its ``given``) matching it."""
    from moodc.config.paths import get_path

    hits = total = 0
    for config, ref in zip(configs, refs):
        if ref[0] == "expect":
            flags = check_expectations(config, ref[1])
            hits, total = hits + sum(flags), total + len(flags)
            continue
        label, named = ref[1], given_from_mask(ref[2]) if ref[2] else None
        for path in CULTURE_SIGNATURES:
            if named is None or path in named:
                hits += get_path(config, path) == get_path(label, path)
                total += 1
        if named is None or "mode" in named:
            hits += MODE_FAMILY[config["mode"]] == MODE_FAMILY[label["mode"]]
            total += 1
    return hits, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--splits", default="valid,dev,test,probe")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    encoder = None
    library = {c.name: c for c in load_concepts()}
    for name in args.splits.split(","):
        prompts, refs = split_rows(name)
        base = cached(args.cache / f"{name}-tuned.pkl", lambda: [
            generate(p, seed=0, engine="tuned").model_dump(exclude_none=True) for p in prompts])
        if encoder is None and not (args.cache / f"{name}-country.pkl").exists():
            encoder = load_encoder()
        rows = cached(args.cache / f"{name}-country.pkl", lambda: cloze_features(
            prompts, encoder=encoder, questions=COUNTRY_QUESTIONS))
        spelled = cached(args.cache / f"{name}-spelled.pkl",
                         lambda: [spells_culture(p) for p in prompts])
        h0, t0 = score(base, refs)
        print(f"\n{name}: {len(prompts)} prompts; tuned {h0}/{t0} ({h0 / t0:.1%})")
        for keep_spelled in (True, False):
            for threshold in THRESHOLDS:
                configs, n_hint, cultures = [], 0, Counter()
                for prompt, config, row, own in zip(prompts, base, rows, spelled):
                    hint = proposed_culture(row, min_probability=threshold)
                    if hint is None or (keep_spelled and own):
                        configs.append(config)
                        continue
                    out, changed = with_culture(config, library[hint[1]])
                    n_hint += bool(changed)
                    cultures[hint[1]] += bool(changed)
                    configs.append(out)
                h, t = score(configs, refs)
                print(f"  keep_spelled={keep_spelled!s:5} p>={threshold:.2f}: {h}/{t} "
                      f"({h / t:.1%}, {h - h0:+d}); changed {n_hint} "
                      f"{dict(cultures.most_common(6))}")


if __name__ == "__main__":
    main()
