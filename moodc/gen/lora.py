"""LoRA adapters on SmolLM2's first blocks, trained jointly with the tuned engine's heads.

Why: the tuned head reads frozen layer-10 hidden states, and on prompts the concept library
cannot spell those features carry too little (issue #13; a kNN over them gained nothing).
A generative LoRA costs ~9.6 s a step here. The head's features only need blocks 1-10 of
30, and prompts are short, so adapting just those blocks *for the head's loss* costs a third
of a forward and backward pass over ~25 tokens a prompt.

Pieces, each one job:

* :func:`init_adapters` — seeded ``A`` (small uniform) and ``B`` (zero) per adapted matrix,
  so an untrained adapter leaves the model exactly as it was;
* :func:`adapted_hidden` — the forward pass of :func:`moodc.gen.model.forward` with
  ``h @ W.T + scale * (h @ A.T) @ B.T`` in place of each adapted projection;
* :func:`pooled_features` — packed prompts through it, mean-pooled over each prompt's own
  tokens (the head's recipe), differentiable;
* :func:`merged_llama` — ``W + scale * B @ A`` once, for inference through the unchanged
  :func:`moodc.gen.head.extract_features`;
* :func:`train_adapters` — Adam on adapters and heads, seeded batch order, a checkpoint every
  ``checkpoint_every`` steps that a killed run resumes from with the same result.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moodc.errors import MoodcError
from moodc.gen.blas import import_mlx_core

#: Projections of a block that can carry an adapter (names of :class:`moodc.gen.model.Llama`).
ADAPTABLE: tuple[str, ...] = ("q", "k", "v", "o", "gate", "up", "down")
#: The checkpoint's file names inside its directory.
CHECKPOINT_ARRAYS = "checkpoint.npz"
CHECKPOINT_META = "checkpoint.json"


@dataclass(frozen=True)
class LoraRecipe:
    """How the adapters are shaped and trained; stored in ``head.json`` with the weights.

    Attributes
    ----------
    rank, alpha : int, float
        Adapter rank and scale numerator: the update is ``alpha / rank * B @ A``.
    targets : tuple of str
        Which projections of each adapted block carry an adapter (:data:`ADAPTABLE`).
    n_layers : int
        Blocks adapted and run: the first ``n_layers`` (the head reads layer 10).
    lr, head_lr : float
        Peak Adam learning rates of the adapters and of the heads (the heads start at their
        fitted optimum, so they move slower); linear warm-up, then cosine decay to 10 %.
    warmup_steps, steps, batch : int
        Optimiser steps of warm-up and in all; prompts per step.
    checkpoint_every : int
        Steps between checkpoints.
    seed : int
        Root of the adapter initialisation and the batch order.
    """

    rank: int = 8
    alpha: float = 16.0
    targets: tuple[str, ...] = ADAPTABLE
    n_layers: int = 10
    lr: float = 2e-4
    head_lr: float = 5e-5
    warmup_steps: int = 20
    steps: int = 450
    batch: int = 16
    checkpoint_every: int = 25
    seed: int = 0

    @property
    def scale(self) -> float:
        return self.alpha / self.rank

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["targets"] = list(self.targets)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LoraRecipe:
        fields = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in fields}
        kwargs["targets"] = tuple(kwargs.get("targets", ADAPTABLE))
        return cls(**kwargs)


def adapter_name(layer: int, target: str, part: str) -> str:
    """Flat name of one adapter matrix, e.g. ``layers.3.q.a``."""
    return f"layers.{layer}.{target}.{part}"


def init_adapters(llama: Any, *, recipe: LoraRecipe) -> dict[str, Any]:
    """Seeded adapters for the first ``recipe.n_layers`` blocks: ``A`` (rank, in) uniform in
    ±1/sqrt(in) (the usual LoRA draw), ``B`` (out, rank) zero — a no-op until trained."""
    mx = import_mlx_core()
    unknown = sorted(set(recipe.targets) - set(ADAPTABLE))
    if unknown:
        raise MoodcError(f"unknown LoRA targets {unknown}", hint=f"choose from {ADAPTABLE}")
    rng = np.random.default_rng(np.random.SeedSequence([recipe.seed, 1]))
    adapters = {}
    for layer in range(recipe.n_layers):
        for target in recipe.targets:
            out_dim, in_dim = llama.layers[layer][target].shape
            bound = 1.0 / np.sqrt(in_dim)
            a = rng.uniform(-bound, bound, size=(recipe.rank, in_dim)).astype(np.float32)
            adapters[adapter_name(layer, target, "a")] = mx.array(a)
            adapters[adapter_name(layer, target, "b")] = mx.zeros((out_dim, recipe.rank))
    return adapters


def adapted_hidden(llama: Any, adapters: Mapping[str, Any], tokens: Any, *, positions: Any,
                   mask: Any, recipe: LoraRecipe) -> Any:
    """Hidden states after the first ``recipe.n_layers`` blocks, final-normed: (n, hidden).

    The same arithmetic as :func:`moodc.gen.model.forward` (no cache), with each adapted
    projection ``h @ W.T`` plus ``scale * (h @ A.T) @ B.T``: with ``B = 0`` the result is
    bit for bit the frozen model's.
    """
    mx = import_mlx_core()
    s = llama.shape
    n = tokens.shape[0]
    angles = positions.astype(mx.float32)[:, None] * llama.inv_freq[None, :]
    cos, sin = mx.cos(angles), mx.sin(angles)

    def project(h: Any, index: int, layer: Mapping[str, Any], target: str) -> Any:
        out = h @ layer[target].T
        if target in recipe.targets:
            a = adapters[adapter_name(index, target, "a")]
            b = adapters[adapter_name(index, target, "b")]
            out = out + recipe.scale * ((h @ a.T) @ b.T)
        return out

    def rope(x: Any) -> Any:
        half = x.shape[-1] // 2
        x1, x2 = x[..., :half], x[..., half:]
        return mx.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], axis=-1)

    x = llama.embed[tokens]
    for index, layer in enumerate(llama.layers[:recipe.n_layers]):
        h = mx.fast.rms_norm(x, layer["attn_norm"], s.rms_norm_eps)
        q = project(h, index, layer, "q").reshape(n, s.n_heads, s.head_dim).transpose(1, 0, 2)
        k = project(h, index, layer, "k").reshape(n, s.n_kv_heads, s.head_dim).transpose(1, 0, 2)
        v = project(h, index, layer, "v").reshape(n, s.n_kv_heads, s.head_dim).transpose(1, 0, 2)
        q, k = rope(q[None]), rope(k[None])
        att = mx.fast.scaled_dot_product_attention(q, k, v[None], scale=s.head_dim ** -0.5,
                                                   mask=mask)
        x = x + project(att[0].transpose(1, 0, 2).reshape(n, s.n_heads * s.head_dim),
                        index, layer, "o")
        h = mx.fast.rms_norm(x, layer["mlp_norm"], s.rms_norm_eps)
        gate, up = project(h, index, layer, "gate"), project(h, index, layer, "up")
        x = x + project(mx.sigmoid(gate) * gate * up, index, layer, "down")
    return mx.fast.rms_norm(x, llama.norm, s.rms_norm_eps)


@dataclass(frozen=True)
class PackedBatch:
    """Prompts packed into one pass: tokens, per-token positions, the block-diagonal causal
    mask, and the (n_prompts, n_tokens) matrix that mean-pools each prompt's own tokens."""

    tokens: Any
    positions: Any
    mask: Any
    pool: Any


def pack_prompts(encoded: Sequence[tuple[list[int], int, int]]) -> PackedBatch:
    """Pack already-encoded prompts (:func:`moodc.gen.head.encode_prompt`) for one pass."""
    mx = import_mlx_core()
    segment = np.concatenate([np.full(len(ids), k) for k, (ids, _, _) in enumerate(encoded)])
    index = np.arange(len(segment))
    mask = (segment[:, None] == segment[None, :]) & (index[None, :] <= index[:, None])
    pool = np.zeros((len(encoded), len(segment)), dtype=np.float32)
    offset = 0
    for k, (ids, start, stop) in enumerate(encoded):
        pool[k, offset + start:offset + stop] = 1.0 / (stop - start)
        offset += len(ids)
    tokens = np.concatenate([ids for ids, _, _ in encoded]).astype(np.int32)
    positions = np.concatenate([np.arange(len(ids)) for ids, _, _ in encoded])
    return PackedBatch(mx.array(tokens), mx.array(positions), mx.array(mask), mx.array(pool))


def pooled_features(llama: Any, adapters: Mapping[str, Any], batch: PackedBatch, *,
                    recipe: LoraRecipe) -> Any:
    """The head's model features of a packed batch through the adapted blocks: (n, hidden)."""
    hidden = adapted_hidden(llama, adapters, batch.tokens, positions=batch.positions,
                            mask=batch.mask, recipe=recipe)
    return batch.pool @ hidden


def merged_llama(llama: Any, adapters: Mapping[str, Any], *, recipe: LoraRecipe) -> Any:
    """``llama`` with ``W + scale * B @ A`` in every adapted projection (done once at load, so
    inference runs the unchanged forward pass at the frozen model's speed)."""
    mx = import_mlx_core()
    layers = [dict(layer) for layer in llama.layers]
    for index in range(recipe.n_layers):
        for target in recipe.targets:
            a = adapters[adapter_name(index, target, "a")].astype(mx.float32)
            b = adapters[adapter_name(index, target, "b")].astype(mx.float32)
            layers[index][target] = layers[index][target] + recipe.scale * (b @ a)
    mx.eval(layers)
    return dataclasses.replace(llama, layers=layers)


# --------------------------------------------------------------------------------------
# Joint training
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeadInit:
    """The fitted heads the joint training starts from, as one block matrix.

    ``weight`` (n_features, total values) and ``bias`` (total values,) hold every field's
    softmax side by side; ``bounds`` are the fields' column ranges; ``penalty`` the L2
    weight of each weight entry (the fit's per-field L2 times its feature scale), so the
    joint loss keeps the regularisation the heads were fitted with.
    """

    mean: np.ndarray
    scale: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    bounds: tuple[int, ...]
    penalty: np.ndarray
    bias_l2: float


@dataclass
class TrainState:
    """Everything a run carries from one step to the next (and a checkpoint stores)."""

    step: int
    adapters: dict[str, Any]
    head: dict[str, Any]  # "weight", "bias"
    adapter_optimizer: Any
    head_optimizer: Any
    losses: list[float]


def learning_rate(step: int, *, peak: float, recipe: LoraRecipe) -> float:
    """Linear warm-up over ``warmup_steps``, then cosine decay to 10 % of ``peak``."""
    if step < recipe.warmup_steps:
        return peak * (step + 1) / recipe.warmup_steps
    span = max(recipe.steps - recipe.warmup_steps, 1)
    progress = min((step - recipe.warmup_steps) / span, 1.0)
    return peak * (0.1 + 0.9 * 0.5 * (1.0 + np.cos(np.pi * progress)))


def batch_rows(step: int, *, n_rows: int, recipe: LoraRecipe) -> np.ndarray:
    """Row indices of step ``step``: epoch ``e`` visits a permutation drawn from
    ``SeedSequence([seed, 2, e])``, so any step's batch is known without replaying the run
    (the batch order's whole random state is (seed, epoch))."""
    per_epoch = max(n_rows // recipe.batch, 1)
    epoch, within = divmod(step, per_epoch)
    order = np.random.default_rng(np.random.SeedSequence([recipe.seed, 2, epoch])).permutation(n_rows)
    return np.sort(order[within * recipe.batch:(within + 1) * recipe.batch])


def joint_loss(params: Mapping[str, Any], llama: Any, batch: PackedBatch, concepts: Any,
               targets: Any, *, init: HeadInit, recipe: LoraRecipe) -> Any:
    """Mean over the batch of the summed per-field cross-entropy, plus the heads' L2.

    ``concepts`` (n, n_concept_features) is the library's one-hot evidence, ``targets``
    (n, n_fields) the class index of every field.
    """
    mx = import_mlx_core()
    model = pooled_features(llama, params["adapters"], batch, recipe=recipe)
    x = mx.concatenate([model, concepts], axis=1)
    z = (x - mx.array(init.mean)) / mx.array(init.scale)
    logits = z @ params["head"]["weight"] + params["head"]["bias"]
    loss = mx.array(0.0)
    for f in range(len(init.bounds) - 1):
        block = logits[:, init.bounds[f]:init.bounds[f + 1]]
        log_p = block - mx.logsumexp(block, axis=1, keepdims=True)
        loss = loss - mx.take_along_axis(log_p, targets[:, f:f + 1], axis=1).mean()
    weight, bias = params["head"]["weight"], params["head"]["bias"]
    loss = loss + 0.5 * (mx.array(init.penalty) * weight * weight).sum()
    return loss + 0.5 * init.bias_l2 * (bias * bias).sum()


def new_state(llama: Any, *, init: HeadInit, recipe: LoraRecipe) -> TrainState:
    """Step 0: seeded adapters, the fitted heads, fresh Adam states."""
    import mlx.optimizers as optim

    mx = import_mlx_core()
    head = {"weight": mx.array(init.weight.astype(np.float32)),
            "bias": mx.array(init.bias.astype(np.float32))}
    adapters = init_adapters(llama, recipe=recipe)
    adapter_opt, head_opt = optim.Adam(learning_rate=recipe.lr), optim.Adam(learning_rate=recipe.head_lr)
    adapter_opt.init(adapters)
    head_opt.init(head)
    return TrainState(0, adapters, head, adapter_opt, head_opt, [])


def save_checkpoint(state: TrainState, directory: Path, *, recipe: LoraRecipe,
                    fingerprint: str) -> None:
    """Write adapters, heads, both Adam states, the step and the loss history atomically
    (arrays first, then the JSON that names the step: a half-written pair is never read)."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {f"adapters/{k}": np.array(v) for k, v in state.adapters.items()}
    arrays.update({f"head/{k}": np.array(v) for k, v in state.head.items()})
    for prefix, opt in (("adapter_opt", state.adapter_optimizer), ("head_opt", state.head_optimizer)):
        arrays.update({f"{prefix}/{k}": np.array(v) for k, v in _flat_state(opt.state)})
    tmp = directory / f".{CHECKPOINT_ARRAYS}.{os.getpid()}.tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, directory / CHECKPOINT_ARRAYS)
    meta = {"step": state.step, "recipe": recipe.to_json(), "fingerprint": fingerprint,
            "losses": state.losses,
            "batch_order": {"seed": recipe.seed, "epoch_seed": "SeedSequence([seed, 2, epoch])"}}
    tmp_meta = directory / f".{CHECKPOINT_META}.{os.getpid()}.tmp"
    tmp_meta.write_text(json.dumps(meta, indent=1) + "\n")
    os.replace(tmp_meta, directory / CHECKPOINT_META)


def _flat_state(state: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """An Adam state (``step``, ``learning_rate``, and per parameter ``{"m", "v"}``) as
    ``(name, array)`` pairs joined by "|": parameter names hold dots (``layers.0.q.a``), which
    ``mlx.utils.tree_unflatten`` would read back as list indices and silently reset."""
    pairs = []
    for key, value in state.items():
        if isinstance(value, Mapping):
            pairs.extend((f"{key}|{sub}", v) for sub, v in value.items())
        else:
            pairs.append((key, value))
    return pairs


def _nested_state(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The inverse of :func:`_flat_state`."""
    state: dict[str, Any] = {}
    for name, value in pairs:
        key, _, sub = name.partition("|")
        if sub:
            state.setdefault(key, {})[sub] = value
        else:
            state[key] = value
    return state


def load_checkpoint(directory: Path, *, recipe: LoraRecipe,
                    fingerprint: str) -> TrainState | None:
    """The state saved in ``directory``, or None when there is none.

    Raises
    ------
    MoodcError
        When the checkpoint was made with another recipe, other data or other starting heads
        (resuming it would mix two runs).
    """
    import mlx.optimizers as optim

    mx = import_mlx_core()
    meta_path, arrays_path = directory / CHECKPOINT_META, directory / CHECKPOINT_ARRAYS
    if not meta_path.is_file() or not arrays_path.is_file():
        return None
    meta = json.loads(meta_path.read_text())
    if LoraRecipe.from_json(meta["recipe"]) != recipe:
        raise MoodcError(f"{directory}: checkpoint of another recipe ({meta['recipe']})",
                         hint="delete the checkpoint folder or train without --resume")
    if meta.get("fingerprint") != fingerprint:
        raise MoodcError(f"{directory}: checkpoint of other data or starting heads "
                         f"({meta.get('fingerprint')} != {fingerprint})",
                         hint="delete the checkpoint folder or train without --resume")
    groups: dict[str, list[tuple[str, Any]]] = {}
    with np.load(arrays_path) as saved:
        for key in saved.files:
            group, name = key.split("/", 1)
            groups.setdefault(group, []).append((name, mx.array(saved[key])))
    adapter_opt, head_opt = optim.Adam(learning_rate=recipe.lr), optim.Adam(learning_rate=recipe.head_lr)
    adapter_opt.state = _nested_state(groups["adapter_opt"])
    head_opt.state = _nested_state(groups["head_opt"])
    return TrainState(int(meta["step"]), dict(groups["adapters"]), dict(groups["head"]),
                      adapter_opt, head_opt, list(meta["losses"]))


def run_fingerprint(*, encoded: Sequence[tuple[list[int], int, int]], concepts: np.ndarray,
                    targets: np.ndarray, init: HeadInit) -> str:
    """Short sha256 of everything a run starts from besides the recipe (prompts' tokens,
    evidence, labels, starting heads): a checkpoint only resumes the run that wrote it."""
    import hashlib

    digest = hashlib.sha256()
    for ids, start, stop in encoded:
        digest.update(np.asarray([*ids, -1, start, stop], dtype=np.int64).tobytes())
    for array in (concepts, targets, init.mean, init.scale, init.weight, init.bias, init.penalty):
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()[:16]


def train_adapters(*, llama: Any, encoded: Sequence[tuple[list[int], int, int]],
                   concepts: np.ndarray, targets: np.ndarray, init: HeadInit,
                   recipe: LoraRecipe, checkpoint_dir: Path | None = None,
                   resume: bool = False, stop_after: int | None = None,
                   progress: Callable[[int, int, float, float], None] | None = None
                   ) -> TrainState:
    """Train adapters and heads jointly for ``recipe.steps`` steps (or until ``stop_after``).

    Parameters
    ----------
    encoded : encoded training prompts (:func:`moodc.gen.head.encode_prompt`)
    concepts : (n, n_concept_features) the library's one-hot evidence of each prompt
    targets : (n, n_fields) int, class index of every field
    checkpoint_dir : where a checkpoint is written every ``recipe.checkpoint_every`` steps
        and at the end; with ``resume``, the run continues from the one found there (a killed
    run resumed gives the same adapters and heads as one never interrupted: the batch of a
    step depends only on (seed, step), and the checkpoint holds the rest).
    stop_after : stop once this many steps are done (a test's "killed" run)
    progress : called after each step with (step, steps, loss, seconds of the step)
    """
    mx = import_mlx_core()
    fingerprint = run_fingerprint(encoded=encoded, concepts=concepts, targets=targets, init=init)
    state = None
    if resume and checkpoint_dir is not None:
        state = load_checkpoint(checkpoint_dir, recipe=recipe, fingerprint=fingerprint)
    if state is None:
        state = new_state(llama, init=init, recipe=recipe)

    def loss_of(params: Mapping[str, Any], batch: PackedBatch, c: Any, y: Any) -> Any:
        return joint_loss(params, llama, batch, c, y, init=init, recipe=recipe)

    loss_and_grad = mx.value_and_grad(loss_of)
    last = recipe.steps if stop_after is None else min(stop_after, recipe.steps)
    while state.step < last:
        start = time.perf_counter()
        rows = batch_rows(state.step, n_rows=len(encoded), recipe=recipe)
        batch = pack_prompts([encoded[i] for i in rows])
        params = {"adapters": state.adapters, "head": state.head}
        loss, grads = loss_and_grad(params, batch, mx.array(concepts[rows]),
                                    mx.array(targets[rows].astype(np.int32)))
        state.adapter_optimizer.learning_rate = learning_rate(state.step, peak=recipe.lr,
                                                              recipe=recipe)
        state.head_optimizer.learning_rate = learning_rate(state.step, peak=recipe.head_lr,
                                                           recipe=recipe)
        state.adapters = state.adapter_optimizer.apply_gradients(grads["adapters"], state.adapters)
        state.head = state.head_optimizer.apply_gradients(grads["head"], state.head)
        mx.eval(state.adapters, state.head, state.adapter_optimizer.state,
                state.head_optimizer.state, loss)
        state.step += 1
        state.losses.append(float(loss))
        if progress is not None:
            progress(state.step, recipe.steps, float(loss), time.perf_counter() - start)
        if checkpoint_dir is not None and (state.step % recipe.checkpoint_every == 0
                                           or state.step == recipe.steps):
            save_checkpoint(state, checkpoint_dir, recipe=recipe, fingerprint=fingerprint)
    return state


# --------------------------------------------------------------------------------------
# The shipped adapters
# --------------------------------------------------------------------------------------

def save_adapters(adapters: Mapping[str, Any], path: Path) -> None:
    """Write the adapters as float16 (``np.savez_compressed``, atomically): ~1.6 MB at rank 8
    on the 7 projections of 10 blocks."""
    arrays = {k: np.array(v, dtype=np.float32).astype(np.float16) for k, v in adapters.items()}
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)


def rounded_adapters(adapters: Mapping[str, Any]) -> dict[str, Any]:
    """The adapters rounded exactly as :func:`save_adapters` stores them (float32 again)."""
    mx = import_mlx_core()
    return {k: mx.array(np.array(v, dtype=np.float32).astype(np.float16).astype(np.float32))
            for k, v in adapters.items()}


def load_adapters(path: Path, *, recipe: LoraRecipe) -> dict[str, Any]:
    """The adapters in ``path`` as float32 MLX arrays.

    Raises
    ------
    MoodcError
        When the file is missing, unreadable or lacks a matrix the recipe needs.
    """
    mx = import_mlx_core()
    try:
        with np.load(path) as saved:
            adapters = {k: mx.array(saved[k].astype(np.float32)) for k in saved.files}
    except (OSError, ValueError) as exc:
        raise MoodcError(f"{path}: unreadable LoRA adapters ({exc})",
                         hint="rebuild it: python tools/lora_study.py --train DIR") from None
    needed = {adapter_name(i, t, p) for i in range(recipe.n_layers) for t in recipe.targets
              for p in "ab"}
    missing = sorted(needed - set(adapters))
    if missing:
        raise MoodcError(f"{path}: {len(missing)} adapter matrices missing ({missing[0]} ...)",
                         hint="rebuild it: python tools/lora_study.py --train DIR")
    return adapters
