"""Issue #13 experiment: fine-tune SmolLM2's first 10 blocks (LoRA) jointly with the heads.

Question: the tuned head reads *frozen* layer-10 features, and they carry too little for
prompts the library cannot spell. Does adapting blocks 1-10 for the head's own loss (LoRA
on q/k/v/o and the MLP, heads trained with them, the concept one-hot kept) beat the head
refitted on train only, on the **valid** split's model-routed rows?

Same protocol and metrics as ``tools/knn_study.py`` (whose cached train/valid features,
concept evidence and labels this reuses). ``--train DIR`` runs the full recipe,
:func:`moodc.gen.train.train_lora_head` (train split only, so its valid score is held out;
~30 min, checkpointed, ``--resume`` continues it); ``--artifact DIR`` scores it beside the
knn study's train-only head; ``--quick NAME`` trains from that cached head with another
``--lr`` / ``--steps``; ``--time-steps`` times a step.

Run::

    PYTHONPATH=. nice -n 5 python tools/lora_study.py --train /tmp/lora-study/artifact [--resume]
    PYTHONPATH=. python tools/lora_study.py --artifact /tmp/lora-study/artifact
    PYTHONPATH=. nice -n 5 python tools/lora_study.py --time-steps 4 --batch 32
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knn_study import (
    KEY_FIELDS,
    concept_choice,
    decide,
    head_probs,
    load_data,
    report,
    routed,
)

from moodc.gen.fields import config_fields
from moodc.gen.head import (
    encode_prompt,
    extract_features,
    load_encoder,
    load_head,
    load_tuned,
)
from moodc.gen.lora import HeadInit, LoraRecipe, train_adapters
from moodc.gen.train import load_split

WORK_DIR = Path("/tmp/lora-study")


def time_steps(data: dict[str, Any], *, steps: int, batch: int) -> None:
    """Seconds (wall and CPU) of ``steps`` training steps of the default recipe at ``batch``."""
    encoder = load_encoder()
    recipe = dataclasses.replace(LoraRecipe(), batch=batch)
    d = data["x_train"].shape[1] + data["c_train"].shape[1]
    sizes = [len(s.values) for s in config_fields()]
    bounds = tuple(int(b) for b in np.concatenate([[0], np.cumsum(sizes)]))
    init = HeadInit(np.zeros(d, np.float32), np.ones(d, np.float32),
                    np.zeros((d, bounds[-1]), np.float32), np.zeros(bounds[-1], np.float32),
                    bounds, np.zeros((d, bounds[-1]), np.float32), 1e-3)
    feature_recipe = load_head().recipe
    encoded = [encode_prompt(encoder.tokenizer, p, recipe=feature_recipe)
               for p in load_split("train").prompts]

    def progress(step: int, _steps: int, loss: float, seconds: float) -> None:
        print(f"step {step}: {seconds:.2f} s wall, loss {loss:.3f}", flush=True)

    start = time.process_time()
    train_adapters(llama=encoder.llama, encoded=encoded, concepts=data["c_train"],
                   targets=data["y_train"], init=init, recipe=recipe, stop_after=steps,
                   progress=progress)
    print(f"{(time.process_time() - start) / steps:.2f} s CPU per step at batch {batch}")


def train_only_init(data: dict[str, Any]) -> HeadInit:
    """The knn study's train-only head (per-field L2 of ``head.json``) as a block matrix; its
    weights are fitted once (~4 min) and cached in ``/tmp/lora-study/head_train.npz``."""
    from moodc.gen.artifact import DEFAULT_MODEL_DIR
    from moodc.gen.train import (BIAS_L2, MODEL_FEATURE_L2_SCALE, fit_softmaxes,
                                 single_threaded_numpy_blas, standardiser)

    specs = config_fields()
    meta = json.loads((DEFAULT_MODEL_DIR / "head.json").read_text())
    x_train = np.concatenate([data["x_train"], data["c_train"]], axis=1)
    mean, scale = standardiser(x_train)
    sizes = [len(s.values) for s in specs]
    bounds = tuple(int(b) for b in np.concatenate([[0], np.cumsum(sizes)]))
    feature_scale = np.ones(x_train.shape[1])
    feature_scale[:data["x_train"].shape[1]] = MODEL_FEATURE_L2_SCALE
    l2 = np.concatenate([[meta["l2"][s.key]] * n for s, n in zip(specs, sizes)])
    cached = WORK_DIR / "head_train.npz"
    if not cached.is_file():
        WORK_DIR.mkdir(exist_ok=True)
        with single_threaded_numpy_blas():
            fits = fit_softmaxes((x_train - mean) / scale,
                                 [data["y_train"][:, f] for f in range(len(specs))],
                                 n_classes=sizes, l2=[meta["l2"][s.key] for s in specs],
                                 feature_l2_scale=feature_scale)
        np.savez(cached, weight=np.concatenate([w for w, _ in fits], axis=1),
                 bias=np.concatenate([b for _, b in fits]))
    with np.load(cached) as saved:
        weight, bias = saved["weight"], saved["bias"]
    return HeadInit(mean.astype(np.float32), scale.astype(np.float32), weight.astype(np.float32),
                    bias.astype(np.float32), bounds,
                    (feature_scale[:, None] * l2[None, :]).astype(np.float32), BIAS_L2)


def quick_run(data: dict[str, Any], *, recipe: LoraRecipe, name: str) -> None:
    """Train adapters + heads from the cached train-only head (no ``moodc train`` fits) and
    score the merged model on valid, beside the train-only head."""
    from moodc.gen.lora import merged_llama

    encoder = load_encoder()
    feature_recipe = load_head().recipe
    init = train_only_init(data)
    encoded = [encode_prompt(encoder.tokenizer, p, recipe=feature_recipe)
               for p in load_split("train").prompts]
    state = train_adapters(llama=encoder.llama, encoded=encoded, concepts=data["c_train"],
                           targets=data["y_train"], init=init, recipe=recipe,
                           checkpoint_dir=WORK_DIR / name, resume=True)
    losses = state.losses
    print("train loss by 25 steps:", [round(float(np.mean(losses[i:i + 25])), 2)
                                      for i in range(0, len(losses), 25)])
    tuned = dataclasses.replace(encoder, llama=merged_llama(encoder.llama, state.adapters,
                                                            recipe=recipe))
    x = extract_features(list(load_split("valid").prompts), encoder=tuned, recipe=feature_recipe)
    z = (np.concatenate([x, data["c_valid"]], axis=1) - init.mean) / init.scale
    logits = z @ np.array(state.head["weight"]) + np.array(state.head["bias"])
    pred = np.stack([logits[:, a:b].argmax(axis=1)
                     for a, b in zip(init.bounds[:-1], init.bounds[1:])], axis=1)
    report("head, train only (= tuned)", routed(decide(head_probs(data), ordinal_mean=False),
                                                data), data)
    report(f"lora {name}", routed(pred, data), data)


def score_artifact(data: dict[str, Any], artifact: Path) -> dict[str, Any]:
    """The artifact's and the train-only head's scores on valid (all / model-routed / scenes)."""
    model = load_tuned(artifact)
    valid = load_split("valid")
    x = extract_features(list(valid.prompts), encoder=model.encoder, recipe=model.head.recipe)
    log_probs = model.head.log_probs(np.concatenate([x, data["c_valid"]], axis=1))
    pred = np.stack([log_probs[f.key].argmax(axis=1) for f in model.head.fields], axis=1)
    base = decide(head_probs(data), ordinal_mean=False)
    results = {
        "concepts": report("concepts", concept_choice(data["c_valid"]), data),
        "head": report("head, train only (= tuned)", routed(base, data), data),
        "lora": report(f"lora {artifact.name}", routed(pred, data), data)}
    routed_rows, y = data["model_valid"], data["y_valid"]
    keys = [s.key for s in config_fields()]
    per_field = {}
    for key in KEY_FIELDS:
        f = keys.index(key)
        per_field[key] = [float((base[routed_rows, f] == y[routed_rows, f]).mean()),
                          float((pred[routed_rows, f] == y[routed_rows, f]).mean())]
        print(f"  {key:<20} head {per_field[key][0]:.3f} -> lora {per_field[key][1]:.3f}")
    return {"results": results, "per_field": per_field, "lora": model.head.meta.get("lora")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=Path, metavar="OUT",
                        help="train the full recipe (moodc.gen.train.train_lora_head) into OUT")
    parser.add_argument("--resume", action="store_true", help="with --train: continue the "
                        "run checkpointed in the user cache")
    parser.add_argument("--artifact", type=Path, help="score a --train folder on valid")
    parser.add_argument("--time-steps", type=int, default=0, help="time this many steps")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--quick", metavar="NAME", help="train from the cached train-only head "
                        "with --lr / --steps (checkpointed in /tmp/lora-study/NAME) and score")
    parser.add_argument("--lr", type=float, default=LoraRecipe().lr)
    parser.add_argument("--steps", type=int, default=LoraRecipe().steps)
    args = parser.parse_args()
    data = load_data()
    if args.quick:
        quick_run(data, recipe=dataclasses.replace(LoraRecipe(), lr=args.lr, steps=args.steps,
                                                   batch=args.batch), name=args.quick)
    if args.time_steps:
        time_steps(data, steps=args.time_steps, batch=args.batch)
    if args.train:
        from moodc.gen.train import train_lora_head

        result = train_lora_head(
            out_dir=args.train, resume=args.resume,
            lora_recipe=dataclasses.replace(LoraRecipe(), lr=args.lr, steps=args.steps,
                                            batch=args.batch),
            progress=lambda stage, done, total: print(f"{stage} {done}/{total}", flush=True),
            step_progress=lambda done, total, loss, s: print(
                f"step {done}/{total} loss {loss:.3f} {s:.2f} s", flush=True))
        print(f"features {result.features_s:.0f} s, fits + training {result.fit_s:.0f} s; "
              f"wrote {[str(f) for f in result.files]}")
    if args.artifact:
        out = score_artifact(data, args.artifact)
        (args.artifact / "study.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
