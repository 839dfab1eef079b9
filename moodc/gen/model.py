"""A small llama forward pass in MLX with an explicit KV cache and tree attention.

Why not ``mlx_lm``'s model class: importing ``mlx_lm`` pulls in ``transformers`` (about 1 s
of the 4 s cold-start budget), and the constrained decoder needs two things its cache API
does not give directly: *per-token positions* and an *arbitrary attention mask*, so that all
candidate values of a field are scored in one forward pass as a token tree (each candidate
token attends to the prompt, the answer so far and its own ancestors only). The weights are
the mlx-lm directory written by :mod:`moodc.gen.convert`; a test checks that this forward
matches ``mlx_lm.load`` on the same directory.

Shapes: ``n`` new tokens, ``T`` cached tokens, ``H``/``K`` query/key-value heads, ``D`` head
size. Everything is float32 (fp16 is pathological on MLX's CPU backend).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moodc.gen.blas import import_mlx_core


@dataclass(frozen=True)
class LlamaShape:
    """The hyper-parameters the forward pass needs (read from ``config.json``)."""

    n_layers: int
    n_heads: int
    n_kv_heads: int
    head_dim: int
    hidden_size: int
    intermediate_size: int
    rms_norm_eps: float
    rope_theta: float
    vocab_size: int


@dataclass
class Llama:
    """Loaded weights (lazily memory-mapped by MLX, not copied) and the RoPE frequency table.

    Fusing q/k/v and gate/up into single matrices saves a few matmul calls but copies ~450 MB
    at load (about 1 s on a busy 2-core machine), more than it saves per prompt.
    """

    shape: LlamaShape
    embed: Any  # (vocab, hidden); tied with the output head
    norm: Any  # (hidden,)
    layers: list[dict[str, Any]]  # per layer: attn_norm, q, k, v, o, mlp_norm, gate, up, down
    inv_freq: Any  # (D/2,)
    lm_head: Any  # (vocab, hidden): embed when tied


KVCache = list[tuple[Any, Any]]  # per layer (keys, values), each (1, K, T, D)


def read_shape(config: dict[str, Any]) -> LlamaShape:
    """The :class:`LlamaShape` of an mlx-lm llama ``config.json``."""
    if config.get("model_type") != "llama" or config.get("rope_traditional"):
        raise ValueError("expected a llama config with half-split RoPE (rope_traditional false)")
    n_heads = int(config["num_attention_heads"])
    return LlamaShape(
        n_layers=int(config["num_hidden_layers"]), n_heads=n_heads,
        n_kv_heads=int(config.get("num_key_value_heads", n_heads)),
        head_dim=int(config.get("head_dim") or config["hidden_size"] // n_heads),
        hidden_size=int(config["hidden_size"]), intermediate_size=int(config["intermediate_size"]),
        rms_norm_eps=float(config["rms_norm_eps"]), rope_theta=float(config["rope_theta"]),
        vocab_size=int(config["vocab_size"]))


def load_llama(model_dir: Path, *, extra_weights: dict[str, Any] | None = None) -> Llama:
    """Load an mlx-lm llama directory (float32 safetensors) for :func:`forward`.

    ``extra_weights`` replaces tensors by mlx-lm name (e.g. a fused fine-tune).
    """
    mx = import_mlx_core()
    config = json.loads((model_dir / "config.json").read_text())
    shape = read_shape(config)
    weights = mx.load(str(model_dir / "model.safetensors"))
    weights.update(extra_weights or {})
    layers = []
    for i in range(shape.n_layers):
        p = f"model.layers.{i}."
        layers.append({
            "attn_norm": weights[p + "input_layernorm.weight"],
            "q": weights[p + "self_attn.q_proj.weight"],
            "k": weights[p + "self_attn.k_proj.weight"],
            "v": weights[p + "self_attn.v_proj.weight"],
            "o": weights[p + "self_attn.o_proj.weight"],
            "mlp_norm": weights[p + "post_attention_layernorm.weight"],
            "gate": weights[p + "mlp.gate_proj.weight"],
            "up": weights[p + "mlp.up_proj.weight"],
            "down": weights[p + "mlp.down_proj.weight"],
        })
    embed = weights["model.embed_tokens.weight"]
    lm_head = weights.get("lm_head.weight", embed)
    half = shape.head_dim // 2
    inv_freq = 1.0 / (shape.rope_theta ** (mx.arange(0, half, dtype=mx.float32) / half))
    model = Llama(shape, embed, weights["model.norm.weight"], layers, inv_freq, lm_head)
    mx.eval(model.embed, model.norm, model.layers, model.inv_freq, model.lm_head)
    return model


def _rope(mx: Any, x: Any, cos: Any, sin: Any) -> Any:
    """Rotate half-split pairs of ``x`` (1, heads, n, D) by per-token angles (n, D/2)."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return mx.concatenate([x1 * cos - x2 * sin, x1 * sin + x2 * cos], axis=-1)


def forward(model: Llama, tokens: Any, *, positions: Any, cache: KVCache | None,
            mask: Any | None) -> tuple[Any, KVCache]:
    """Run ``n`` new tokens through the model.

    Parameters
    ----------
    tokens : mx.array, int32, shape (n,)
    positions : mx.array, shape (n,)
        RoPE position of each token (a tree node's position is its depth, not its index).
    cache : list of (keys, values), each (1, K, T, D), or None for an empty cache
    mask : mx.array bool (n, T + n) or None
        Which keys each new token may attend to; None means causal over the new tokens.

    Returns
    -------
    hidden : mx.array (n, hidden)
        Final-normed hidden states; logits are ``hidden @ model.lm_head[ids].T``.
    new_kv : list of (keys, values), each (1, K, n, D)
        The new tokens' keys and values only; the caller decides which to keep.
    """
    mx = import_mlx_core()
    s = model.shape
    n = tokens.shape[0]
    angles = positions.astype(mx.float32)[:, None] * model.inv_freq[None, :]
    cos, sin = mx.cos(angles), mx.sin(angles)
    if mask is None:
        mask = "causal" if not cache else None
        if mask is None:
            past = cache[0][0].shape[2]
            mask = mx.arange(past + n)[None, :] <= (mx.arange(n)[:, None] + past)
    q_dim = s.n_heads * s.head_dim
    x = model.embed[tokens]
    new_kv: KVCache = []
    for index, layer in enumerate(model.layers):
        h = mx.fast.rms_norm(x, layer["attn_norm"], s.rms_norm_eps)
        q = (h @ layer["q"].T).reshape(n, s.n_heads, s.head_dim).transpose(1, 0, 2)[None]
        k = (h @ layer["k"].T).reshape(n, s.n_kv_heads, s.head_dim).transpose(1, 0, 2)[None]
        v = (h @ layer["v"].T).reshape(n, s.n_kv_heads, s.head_dim).transpose(1, 0, 2)[None]
        q, k = _rope(mx, q, cos, sin), _rope(mx, k, cos, sin)
        new_kv.append((k, v))
        if cache:
            k = mx.concatenate([cache[index][0], k], axis=2)
            v = mx.concatenate([cache[index][1], v], axis=2)
        att = mx.fast.scaled_dot_product_attention(q, k, v, scale=s.head_dim ** -0.5, mask=mask)
        x = x + att[0].transpose(1, 0, 2).reshape(n, q_dim) @ layer["o"].T
        h = mx.fast.rms_norm(x, layer["mlp_norm"], s.rms_norm_eps)
        gate, up = h @ layer["gate"].T, h @ layer["up"].T
        x = x + (mx.sigmoid(gate) * gate * up) @ layer["down"].T
    return mx.fast.rms_norm(x, model.norm, s.rms_norm_eps), new_kv


def extend_cache(cache: KVCache | None, new_kv: KVCache, *, keep: Any | None = None) -> KVCache:
    """``cache`` with the kept rows of ``new_kv`` appended (``keep``: int32 indices, or all)."""
    mx = import_mlx_core()
    out: KVCache = []
    for index, (k, v) in enumerate(new_kv):
        if keep is not None:
            k, v = k[:, :, keep], v[:, :, keep]
        if cache:
            k = mx.concatenate([cache[index][0], k], axis=2)
            v = mx.concatenate([cache[index][1], v], axis=2)
        out.append((k, v))
    return out
