"""Issue #13 experiment: fine-tune SmolLM2's first 10 blocks (LoRA) jointly with the heads.

Question: the tuned head reads *frozen* layer-10 features, and they carry too little for
prompts the library cannot spell. Does adapting blocks 1-10 for the head's own loss (LoRA
on q/k/v/o and the MLP, heads trained with them, the concept one-hot kept) beat the head
refitted on train only, on the **valid** split's model-routed rows?

Same protocol and metrics as ``tools/knn_study.py`` (whose cached train/valid features,
concept evidence and labels this reuses): the heads start from the head fitted on train
only (same standardiser, same per-field L2 as ``head.json``), are trained with the adapters
on the train split, and both are scored on valid.

Run (``--steps`` and ``--batch`` size the run; a killed run continues with ``--resume``)::

    PYTHONPATH=. nice -n 5 python tools/lora_study.py --time-steps 3     # step time only
    PYTHONPATH=. nice -n 5 python tools/lora_study.py --steps 400 --resume
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knn_study import WORK_DIR as KNN_DIR  # noqa: E402
from knn_study import load_data, report, routed  # noqa: E402

from moodc.gen.artifact import DEFAULT_MODEL_DIR  # noqa: E402
from moodc.gen.fields import config_fields  # noqa: E402
from moodc.gen.head import FeatureRecipe, encode_prompt, extract_features  # noqa: E402
from moodc.gen.lora import (HeadInit, LoraRecipe, merged_llama,  # noqa: E402
                            train_adapters)
from moodc.gen.train import (BIAS_L2, MODEL_FEATURE_L2_SCALE, fit_softmaxes,  # noqa: E402
                             load_split, single_threaded_numpy_blas, standardiser)

WORK_DIR = Path("/tmp/lora-study")


def train_only_head(data: dict[str, Any]) -> HeadInit:
    """The head fitted on train only (the knn study's baseline), as one block matrix; cached."""
    specs = config_fields()
    meta = json.loads((DEFAULT_MODEL_DIR / "head.json").read_text())
    x_train = np.concatenate([data["x_train"], data["c_train"]], axis=1)
    mean, scale = standardiser(x_train)
    sizes = [len(s.values) for s in specs]
    bounds = tuple(int(b) for b in np.concatenate([[0], np.cumsum(sizes)]))
    feature_scale = np.ones(x_train.shape[1])
    feature_scale[:data["x_train"].shape[1]] = MODEL_FEATURE_L2_SCALE
    l2 = np.concatenate([[meta["l2"][s.key]] * n for s, n in zip(specs, sizes)])
    penalty = (feature_scale[:, None] * l2[None, :]).astype(np.float32)
    cached = WORK_DIR / "head_train.npz"
    if cached.is_file():
        with np.load(cached) as saved:
            weight, bias = saved["weight"], saved["bias"]
    else:
        z_train = (x_train - mean) / scale
        with single_threaded_numpy_blas():
            fits = fit_softmaxes(z_train, [data["y_train"][:, f] for f in range(len(specs))],
                                 n_classes=sizes, l2=[meta["l2"][s.key] for s in specs],
                                 feature_l2_scale=feature_scale)
        weight = np.concatenate([w for w, _ in fits], axis=1)
        bias = np.concatenate([b for _, b in fits])
        np.savez(cached, weight=weight, bias=bias)
    return HeadInit(mean.astype(np.float32), scale.astype(np.float32), weight.astype(np.float32),
                    bias.astype(np.float32), bounds, penalty, BIAS_L2)


def predict(x: np.ndarray, c: np.ndarray, *, init: HeadInit, weight: np.ndarray,
            bias: np.ndarray) -> np.ndarray:
    """Per field, the argmax value index of the heads on features ``x`` + evidence ``c``."""
    z = (np.concatenate([x, c], axis=1) - init.mean) / init.scale
    logits = z @ weight + bias
    return np.stack([logits[:, init.bounds[f]:init.bounds[f + 1]].argmax(axis=1)
                     for f in range(len(init.bounds) - 1)], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rank", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--head-lr", type=float, default=5e-5)
    parser.add_argument("--targets", default="q,k,v,o,gate,up,down")
    parser.add_argument("--time-steps", type=int, default=0,
                        help="only time this many steps (no checkpoint) and stop")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--name", default="run")
    args = parser.parse_args()
    WORK_DIR.mkdir(exist_ok=True)
    from moodc.gen.head import load_encoder

    data = load_data()
    print(f"knn-study cache {KNN_DIR}: train {len(data['y_train'])}, valid {len(data['y_valid'])}"
          f" (model-routed {int(data['model_valid'].sum())})", flush=True)
    init = train_only_head(data)
    encoder = load_encoder()
    feature_recipe = FeatureRecipe()
    train, valid = load_split("train"), load_split("valid")
    encoded = [encode_prompt(encoder.tokenizer, p, recipe=feature_recipe) for p in train.prompts]
    print(f"train tokens: mean {np.mean([len(e[0]) for e in encoded]):.1f} per prompt", flush=True)
    recipe = LoraRecipe(rank=args.rank, alpha=2.0 * args.rank, lr=args.lr, head_lr=args.head_lr,
                        steps=args.steps, batch=args.batch,
                        targets=tuple(args.targets.split(",")))
    base_pred = predict(data["x_valid"], data["c_valid"], init=init, weight=init.weight,
                        bias=init.bias)
    report("head, train only (start)", routed(base_pred, data), data)

    def progress(step: int, steps: int, loss: float, seconds: float) -> None:
        if step % 5 == 0 or step <= 3:
            print(f"step {step}/{steps} loss {loss:.4f} {seconds:.2f} s "
                  f"(cpu {time.process_time():.0f} s)", flush=True)

    checkpoint_dir = WORK_DIR / args.name
    start_cpu, start = time.process_time(), time.perf_counter()
    state = train_adapters(llama=encoder.llama, encoded=encoded, concepts=data["c_train"],
                           targets=data["y_train"], init=init, recipe=recipe,
                           checkpoint_dir=None if args.time_steps else checkpoint_dir,
                           resume=args.resume, stop_after=args.time_steps or None,
                           progress=progress)
    print(f"trained to step {state.step}: {time.perf_counter() - start:.0f} s wall, "
          f"{time.process_time() - start_cpu:.0f} s cpu", flush=True)
    if args.time_steps:
        return
    merged = merged_llama(encoder.llama, state.adapters, recipe=recipe)
    tuned = type(encoder)(merged, encoder.tokenizer, encoder.model_sha256)
    x_valid = extract_features(list(valid.prompts), encoder=tuned, recipe=feature_recipe)
    pred = predict(x_valid, data["c_valid"], init=init, weight=np.array(state.head["weight"]),
                   bias=np.array(state.head["bias"]))
    results = {"head": report("head, train only", routed(base_pred, data), data),
               "lora": report(f"lora {args.name}", routed(pred, data), data)}
    specs = config_fields()
    model = data["model_valid"]
    per_field = {s.key: (float((base_pred[model, f] == data["y_valid"][model, f]).mean()),
                         float((pred[model, f] == data["y_valid"][model, f]).mean()))
                 for f, s in enumerate(specs)}
    for key in ("tempo", "mode", "brightness", "space", "instruments.lead", "layers.rhythm",
                "layers.texture"):
        print(f"  {key:<20} head {per_field[key][0]:.3f} -> lora {per_field[key][1]:.3f}")
    (WORK_DIR / f"{args.name}-results.json").write_text(json.dumps(
        {"recipe": recipe.to_json(), "results": results, "per_field": per_field,
         "losses": state.losses}, indent=1))


if __name__ == "__main__":
    main()
