"""The tuned engine: a light softmax head per config field on SmolLM2's hidden states.

Why a head and not LoRA: on this class of machine (2 CPU cores) a LoRA step of SmolLM2-135M
costs about 9.6 s at batch 4 (``/work/shared/research/mlx-feasibility.md`` section 4), so a
useful fine-tune takes 15–30 minutes of exclusive CPU. A frozen model already separates moods
well in its hidden states; one forward pass per prompt (≈0.1–0.3 s) plus a multinomial
logistic regression per field trains in seconds, predicts in microseconds and is valid by
construction (each field is an argmax over its own allowed values).

Pipeline, for a prompt:

1. wrap it in the recipe's fixed template and tokenize it (:func:`encode_prompt`);
2. run the base model and keep the hidden states of the recipe's layers, each passed through
   the final RMS norm, averaged over the prompt's own tokens (:func:`extract_features`);
   append the concept library's evidence — a one-hot of the concepts engine's value for every
   field (:func:`concept_features`) — because the hidden states alone generalise poorly to
   concepts never seen in training (held-out controllability 42% alone, 95.5% together);
3. standardise the features and apply one linear softmax per field (:class:`Head`);
4. pick each field's best value — jointly for fields tied by a cross-field rule
   (``register_low`` ≤ ``register_high``) — and validate the result as a :class:`Config`.

The artifact is ``head.npz`` (weights, float16) plus ``head.json`` (fields, values, feature
recipe, data hash, metrics) in ``moodc/data/model/``; ``moodc train`` rebuilds it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moodc.errors import MoodcError
from moodc.gen.artifact import DEFAULT_MODEL_DIR, HEAD_META, HEAD_WEIGHTS
from moodc.gen.results import EngineResult, GenRequest

#: Bump when the artifact layout changes; :func:`load_head` refuses other versions.
HEAD_FORMAT = 1
#: Tokens packed into one forward pass during batch extraction (block-diagonal attention).
PACK_TOKENS = 512
#: Longest prompt read, in tokens (the same cut as the decoder's); the rest is ignored.
MAX_PROMPT_TOKENS = 256


@dataclass(frozen=True)
class FeatureRecipe:
    """How a prompt becomes a feature vector; stored in ``head.json`` with the weights.

    Attributes
    ----------
    prefix, suffix : str
        Fixed text around the prompt. The features average only the prompt's own tokens,
        which see the prefix (it frames the words as a request for music); a suffix would
        cost tokens without changing them (attention is causal), so it is empty.
    layers : tuple of int
        Transformer layers (1 = after the first block, 30 = last) whose outputs, passed
        through the final RMS norm and mean-pooled over the prompt tokens, are concatenated.
        Layer 10 was the best single layer on the validation split (layers 6–22 measured).
    concepts : bool
        Append the concept library's evidence: a one-hot of the value the concepts engine
        (:func:`moodc.concepts.concepts_engine`) picks for every field. The hidden states
        alone generalise poorly to concepts absent from training (42% of the held-out
        directional constraints met); with the library's evidence the head learns, per
        field, how far to trust it and when the model's reading should win.
    """

    prefix: str = "Music for: "
    suffix: str = ""
    layers: tuple[int, ...] = (10,)
    concepts: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"prefix": self.prefix, "suffix": self.suffix, "layers": list(self.layers),
                "concepts": self.concepts}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeatureRecipe:
        return cls(prefix=str(data["prefix"]), suffix=str(data["suffix"]),
                   layers=tuple(int(x) for x in data["layers"]),
                   concepts=bool(data.get("concepts", False)))

    def digest(self) -> str:
        """Short hash of the *model* features this recipe produces (feature-cache key)."""
        text = json.dumps({k: v for k, v in self.to_json().items() if k != "concepts"},
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------------------
# Feature extraction
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Encoder:
    """The frozen base model and tokenizer that turn prompts into features."""

    llama: Any  # moodc.gen.model.Llama
    tokenizer: Any  # tokenizers.Tokenizer
    model_sha256: str  # of the GGUF the weights came from (feature-cache key)


def load_encoder() -> Encoder:
    """Load the base SmolLM2 (converted once into the user cache) and its tokenizer.

    Raises
    ------
    MoodcError
        When the model package or the tokenizers library is missing (with the install line).
    """
    from moodc.gen.convert import ensure_model
    from moodc.gen.model import load_llama

    files = ensure_model()
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise MoodcError("the tokenizers package is not installed",
                         hint="pip install 'moodc[gen]'") from None
    tokenizer = Tokenizer.from_file(str(files.path / "tokenizer.json"))
    return Encoder(load_llama(files.path), tokenizer, files.gguf_sha256)


def encode_prompt(tokenizer: Any, prompt: str, *, recipe: FeatureRecipe) -> tuple[list[int], int, int]:
    """Token ids of the templated prompt, and the [start, stop) span of the prompt's own tokens.

    The three parts are tokenized separately so the span is exact; the prompt is stripped,
    cut to :data:`MAX_PROMPT_TOKENS`, and never empty (an empty prompt pools over the prefix).
    """
    pre = tokenizer.encode(recipe.prefix).ids if recipe.prefix else []
    own = tokenizer.encode(prompt.strip()).ids[:MAX_PROMPT_TOKENS]
    post = tokenizer.encode(recipe.suffix).ids if recipe.suffix else []
    start, stop = len(pre), len(pre) + len(own)
    if stop == start:
        start, stop = 0, max(len(pre), 1)
    return pre + own + post, start, stop


def _layer_states(encoder: Encoder, tokens: Any, *, positions: Any, mask: Any,
                  layers: Sequence[int]) -> list[Any]:
    """Each requested layer's output through the final norm, shape (n, hidden) each.

    Runs :func:`moodc.gen.model.forward` on the model truncated to the first ``k`` blocks,
    which returns exactly "layer k, final-normed"; the gen module stays the one forward pass.
    """
    from moodc.gen.model import forward

    states = []
    for n_layers in layers:
        truncated = dataclasses.replace(encoder.llama, layers=encoder.llama.layers[:n_layers])
        hidden, _ = forward(truncated, tokens, positions=positions, cache=None, mask=mask)
        states.append(hidden)
    return states


def pack_end(lengths: Sequence[int], *, start: int, max_tokens: int) -> int:
    """End index of the batch of sequences (of ``lengths`` tokens) that starts at ``start``
    and fits in ``max_tokens`` tokens; at least one sequence, however long."""
    stop, total = start, 0
    while stop < len(lengths) and total + lengths[stop] <= max_tokens:
        total += lengths[stop]
        stop += 1
    return max(stop, start + 1)


def extract_features(prompts: Sequence[str], *, encoder: Encoder, recipe: FeatureRecipe,
                     max_tokens: int = PACK_TOKENS,
                     progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Feature vectors of ``prompts``: shape (n_prompts, hidden * len(recipe.layers)), float32.

    Several prompts share one forward pass: their tokens are concatenated, each restarts at
    position 0, and a block-diagonal causal mask keeps them from seeing each other — the
    same result as one pass per prompt (up to float rounding), 1.5–2× faster on a CPU.
    ``progress(n_done)`` is called after each pass.
    """
    from moodc.gen.blas import import_mlx_core

    mx = import_mlx_core()
    encoded = [encode_prompt(encoder.tokenizer, p, recipe=recipe) for p in prompts]
    lengths = [len(ids) for ids, _, _ in encoded]
    hidden = encoder.llama.shape.hidden_size
    out = np.zeros((len(prompts), hidden * len(recipe.layers)), dtype=np.float32)
    start = 0
    while start < len(encoded):
        stop = pack_end(lengths, start=start, max_tokens=max_tokens)
        batch = encoded[start:stop]
        segment = np.concatenate([np.full(len(ids), k) for k, (ids, _, _) in enumerate(batch)])
        index = np.arange(len(segment))
        mask = (segment[:, None] == segment[None, :]) & (index[None, :] <= index[:, None])
        tokens = mx.array(np.concatenate([ids for ids, _, _ in batch]).astype(np.int32))
        positions = mx.array(np.concatenate([np.arange(len(ids)) for ids, _, _ in batch]))
        states = _layer_states(encoder, tokens, positions=positions, mask=mx.array(mask),
                               layers=recipe.layers)
        mx.eval(states)
        arrays = [np.array(s, dtype=np.float32) for s in states]
        offset = 0
        for k, (ids, span_start, span_stop) in enumerate(batch):
            rows = slice(offset + span_start, offset + span_stop)
            out[start + k] = np.concatenate([a[rows].mean(axis=0) for a in arrays])
            offset += len(ids)
        start = stop
        if progress is not None:
            progress(start)
    return out


def concept_features(prompts: Sequence[str], *, seed: int = 0) -> np.ndarray:
    """The concept library's evidence: per prompt, a one-hot of the concepts engine's value
    for every decoded field, concatenated in field order; shape (n, total values), float32."""
    from moodc.concepts import concepts_engine
    from moodc.gen.fields import config_fields

    specs = config_fields()
    offsets = np.concatenate([[0], np.cumsum([len(s.values) for s in specs])])
    out = np.zeros((len(prompts), int(offsets[-1])), dtype=np.float32)
    for row, prompt in enumerate(prompts):
        dump = concepts_engine(prompt or "neutral", seed=seed).model_dump()
        for spec, offset in zip(specs, offsets):
            node: Any = dump
            for part in spec.path:
                node = node[part]
            out[row, offset + spec.values.index(node)] = 1.0
    return out


def prompt_features(prompts: Sequence[str], *, encoder: Encoder, recipe: FeatureRecipe,
                    seed: int = 0) -> np.ndarray:
    """The head's full input for ``prompts``: model features, then concept evidence."""
    parts = [extract_features(prompts, encoder=encoder, recipe=recipe)]
    if recipe.concepts:
        parts.append(concept_features(prompts, seed=seed))
    return np.concatenate(parts, axis=1)


# --------------------------------------------------------------------------------------
# The head
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldHead:
    """A softmax over one field's allowed values: ``logits = z @ weight + bias``."""

    key: str  # dotted config path, e.g. "composition.register_low"
    values: tuple[Any, ...]
    weight: np.ndarray  # (n_features, n_values)
    bias: np.ndarray  # (n_values,)


@dataclass(frozen=True)
class Head:
    """Per-field softmax heads on standardised features, plus the recipe that made them."""

    recipe: FeatureRecipe
    mean: np.ndarray  # (n_features,) feature mean of the training prompts
    scale: np.ndarray  # (n_features,) feature std (floored), so z = (x - mean) / scale
    fields: tuple[FieldHead, ...]
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)
    fusion: Any = None  # moodc.gen.fusion.Fusion: the model's answers on top, when trained

    def log_probs(self, features: np.ndarray) -> dict[str, np.ndarray]:
        """Per field, log-probabilities over its values: (n, n_values), or (n_values,) for 1-D."""
        x = np.asarray(features, dtype=np.float64)
        z = (x - self.mean) / self.scale
        out = {}
        for field in self.fields:
            logits = z @ field.weight.astype(np.float64) + field.bias.astype(np.float64)
            out[field.key] = log_softmax(logits)
        return out

    def choose(self, log_probs: Mapping[str, np.ndarray], *, temperature: float = 0.0,
               rng: np.random.Generator | None = None) -> dict[str, Any]:
        """Field values from per-field log-probs: argmax, or sampled at ``temperature`` > 0.

        Fields tied by a cross-field rule (:data:`moodc.gen.fields.VALUE_FILTERS`) are chosen
        as a pair, over the allowed pairs only, so the result always validates.
        """
        values = {f.key: f.values for f in self.fields}
        chosen: dict[str, Any] = {}
        for key, (needs, allowed) in _pair_rules().items():
            if key in values and len(needs) == 1 and needs[0] in values:
                chosen.update(_choose_pair(needs[0], key, values, log_probs, allowed,
                                           temperature=temperature, rng=rng))
        for field in self.fields:
            if field.key not in chosen:
                index = _pick(log_probs[field.key], temperature=temperature, rng=rng)
                chosen[field.key] = field.values[index]
        return {f.key: chosen[f.key] for f in self.fields}


def _logsumexp(logits: np.ndarray) -> np.ndarray:
    top = logits.max(axis=-1, keepdims=True)
    return top + np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Log-probabilities of ``logits`` along the last axis (the heads', the fusion's)."""
    return logits - _logsumexp(logits)


def _pick(scores: np.ndarray, *, temperature: float, rng: np.random.Generator | None) -> int:
    """Index of the best score, or one drawn from softmax(scores / temperature)."""
    if temperature <= 0.0 or rng is None:
        return int(np.argmax(scores))
    scaled = (scores - scores.max()) / temperature
    p = np.exp(scaled)
    return int(rng.choice(len(p), p=p / p.sum()))


def _pair_rules() -> dict[str, tuple[tuple[str, ...], Callable[[Any, Mapping[str, Any]], bool]]]:
    from moodc.gen.fields import VALUE_FILTERS

    return VALUE_FILTERS


def _choose_pair(first: str, second: str, values: Mapping[str, tuple[Any, ...]],
                 log_probs: Mapping[str, np.ndarray], allowed: Callable[[Any, Mapping[str, Any]], bool],
                 *, temperature: float, rng: np.random.Generator | None) -> dict[str, Any]:
    """The best (or a sampled) pair of values of two fields that satisfies ``allowed``."""
    pairs = [(i, j) for i, a in enumerate(values[first]) for j, b in enumerate(values[second])
             if allowed(b, {first: a})]
    scores = np.array([log_probs[first][i] + log_probs[second][j] for i, j in pairs])
    i, j = pairs[_pick(scores, temperature=temperature, rng=rng)]
    return {first: values[first][i], second: values[second][j]}


# --------------------------------------------------------------------------------------
# Artifact I/O
# --------------------------------------------------------------------------------------

def save_head(head: Head, directory: Path) -> tuple[Path, Path]:
    """Write ``head.npz`` (float16 weights, float32 normalisation) and ``head.json``.

    The weights are rounded to float16: the artifact stays small (~100 KB per layer of
    features) and the rounding hides the last-bit noise of multi-threaded BLAS, so two runs
    of ``moodc train`` on the same data write the same file. ``head.json`` keys are sorted.
    """
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {"mean": head.mean.astype(np.float32), "scale": head.scale.astype(np.float32)}
    for field in head.fields:
        arrays[f"weight/{field.key}"] = field.weight.astype(np.float16)
        arrays[f"bias/{field.key}"] = field.bias.astype(np.float16)
    if head.fusion is not None:
        from moodc.gen.fusion import fusion_arrays

        arrays.update(fusion_arrays(head.fusion))
    weights_path, meta_path = directory / HEAD_WEIGHTS, directory / HEAD_META
    tmp = directory / f".{HEAD_WEIGHTS}.tmp.npz"
    np.savez_compressed(tmp, **arrays)
    tmp.replace(weights_path)
    meta = {"format": HEAD_FORMAT, "recipe": head.recipe.to_json(),
            "fields": [{"key": f.key, "values": list(f.values)} for f in head.fields],
            **head.meta}
    tmp_meta = directory / f".{HEAD_META}.tmp"
    tmp_meta.write_text(json.dumps(meta, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    tmp_meta.replace(meta_path)
    return weights_path, meta_path


def rounded(head: Head) -> Head:
    """``head`` with its weights rounded exactly as :func:`save_head` stores them."""
    fields = tuple(dataclasses.replace(f, weight=f.weight.astype(np.float16).astype(np.float32),
                                       bias=f.bias.astype(np.float16).astype(np.float32))
                   for f in head.fields)
    return dataclasses.replace(head, mean=head.mean.astype(np.float32),
                               scale=head.scale.astype(np.float32), fields=fields)


def load_head(path: Path = DEFAULT_MODEL_DIR) -> Head:
    """Load the head stored in ``path`` (a directory holding head.npz and head.json).

    Raises
    ------
    MoodcError
        When the files are missing, of another format version, or inconsistent.
    """
    weights_path, meta_path = path / HEAD_WEIGHTS, path / HEAD_META
    if not weights_path.is_file() or not meta_path.is_file():
        raise MoodcError(f"no tuned model in {path} (need {HEAD_WEIGHTS} and {HEAD_META})",
                         hint="rebuild it with: moodc train")
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("format") != HEAD_FORMAT:
            raise MoodcError(f"{meta_path}: format={meta.get('format')!r}, expected {HEAD_FORMAT}",
                             hint="rebuild the artifact with: moodc train")
        with np.load(weights_path) as arrays:
            fields = tuple(FieldHead(
                key=f["key"], values=tuple(f["values"]),
                weight=arrays[f"weight/{f['key']}"].astype(np.float32),
                bias=arrays[f"bias/{f['key']}"].astype(np.float32)) for f in meta["fields"])
            mean, scale = arrays["mean"], arrays["scale"]
            fusion = _stored_fusion(arrays, meta)
    except (OSError, ValueError, KeyError) as exc:
        raise MoodcError(f"{path}: unreadable tuned model ({exc})",
                         hint="rebuild it with: moodc train") from None
    _check_vocabulary(fields, meta_path=meta_path)
    extra = {k: v for k, v in meta.items() if k not in ("format", "recipe", "fields")}
    return Head(FeatureRecipe.from_json(meta["recipe"]), mean, scale, fields, extra, fusion)


def _stored_fusion(arrays: Any, meta: Mapping[str, Any]) -> Any:
    """The artifact's fusion (:mod:`moodc.gen.fusion`), or None for a head without one."""
    from moodc.gen.fusion import fusion_from_arrays

    fields = tuple((meta.get("fusion") or {}).get("fields", ()))
    return fusion_from_arrays(arrays, fields=fields) if fields else None


def _check_vocabulary(fields: Sequence[FieldHead], *, meta_path: Path) -> None:
    """Refuse a head trained for another vocabulary: its softmaxes would miss values this
    moodc allows (a new instrument), and the concept evidence it reads is one slot per
    allowed value, so every feature after the first changed field would be misread."""
    from moodc.gen.fields import config_fields

    allowed = {spec.key: tuple(spec.values) for spec in config_fields()}
    for field in fields:
        if allowed.get(field.key) != tuple(field.values):
            now = len(allowed.get(field.key, ()))
            raise MoodcError(f"{meta_path}: the tuned model was trained for {len(field.values)} "
                             f"values of {field.key}; this moodc allows {now}",
                             hint="the vocabulary changed since: rebuild it with: moodc train")


# --------------------------------------------------------------------------------------
# The engine gen registers as "tuned"
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TunedModel:
    """Everything the tuned engine needs in memory: the encoder and the head."""

    encoder: Encoder
    head: Head

    def answers(self, prompt: str) -> np.ndarray:
        """The model's answers to :data:`moodc.gen.cloze.CLOZE_QUESTIONS` for ``prompt``
        (one forward pass; the culture proposal and the fusion share it)."""
        from moodc.gen.cloze import cloze_features

        return cloze_features([prompt], encoder=self.encoder)[0]

    def field_values(self, prompt: str, *, seed: int = 0, temperature: float = 0.0,
                     answers: np.ndarray | None = None) -> dict[str, Any]:
        """The chosen value of every field for ``prompt``, by dotted key; with a fusion,
        the model's ``answers`` (asked when not given) weigh in on its fields."""
        features = prompt_features([prompt], encoder=self.encoder, recipe=self.head.recipe,
                                   seed=seed)
        scores = self.head.log_probs(features[0])
        if self.head.fusion is not None:
            scores = self.head.fusion.adjust(
                scores, self.answers(prompt) if answers is None else answers)
        rng = np.random.default_rng(np.random.SeedSequence(seed)) if temperature > 0 else None
        return self.head.choose(scores, temperature=temperature, rng=rng)

    def document(self, prompt: str, *, seed: int = 0, temperature: float = 0.0,
                 explain: bool = False, culture: Any = None,
                 answers: np.ndarray | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """(config dict, provenance) for ``prompt``; with ``explain``, a justification too.

        ``culture`` (a library concept the model proposed, :mod:`moodc.gen.cloze`) replaces
        the chosen values of its signature fields; provenance lists them (``culture_fields``).
        The justification names the prompt's words and the chosen values each one held up,
        found by ablating the words (:mod:`moodc.gen.explain`); it is said from the final
        values, so it always agrees with the config.
        """
        from moodc.config.paths import get_path, nest

        chosen = self.field_values(prompt, seed=seed, temperature=temperature, answers=answers)
        config = {"version": 2, **nest(chosen)}
        changed: list[str] = []
        if culture is not None:
            from moodc.gen.cloze import with_culture

            config, changed = with_culture(config, culture)
            chosen = {key: get_path(config, key) for key in chosen}
        adapted = " (LoRA-adapted blocks 1-10)" if "lora" in self.head.meta else ""
        provenance = {"engine": "tuned", "model": f"SmolLM2-135M-Instruct hidden states{adapted}"
                      " + softmax head", "artifact": self.head.meta.get("artifact_sha256",
                                                                         "unknown")}
        if explain:
            from moodc.gen.explain import explain_by_ablation, words_for_budget

            n_tokens = len(encode_prompt(self.encoder.tokenizer, prompt,
                                         recipe=self.head.recipe)[0])
            config["justification"] = explain_by_ablation(
                prompt, chosen=chosen, max_units=words_for_budget(n_tokens),
                kept_of=lambda prompts, keys: self.chosen_probabilities(
                    prompts, chosen=chosen, keys=keys, seed=seed))
            provenance["explained_by"] = "head ablation"
        if changed:
            provenance["culture_fields"] = changed
        return config, provenance

    def chosen_probabilities(self, prompts: Sequence[str], *, chosen: Mapping[str, Any],
                             keys: Sequence[str], seed: int = 0) -> np.ndarray:
        """The head's probability of each chosen value, per prompt: (len(prompts), len(keys)).

        All prompts share one batched extraction (a handful of short prompts is one forward
        pass), which is what keeps ``--explain``'s word ablations within gen's latency.
        """
        features = prompt_features(list(prompts), encoder=self.encoder,
                                   recipe=self.head.recipe, seed=seed)
        log_probs = self.head.log_probs(features)
        if self.head.fusion is not None:  # the model's answers weigh in as in field_values
            from moodc.gen.cloze import cloze_features

            log_probs = self.head.fusion.adjust(
                log_probs, cloze_features(list(prompts), encoder=self.encoder))
        values = {f.key: f.values for f in self.head.fields}
        columns = [np.exp(log_probs[key][:, values[key].index(chosen[key])]) for key in keys]
        return np.stack(columns, axis=1)


@functools.lru_cache(maxsize=2)
def load_tuned(path: Path = DEFAULT_MODEL_DIR) -> TunedModel:
    """The encoder and the head in ``path``, loaded once per process (about 1 s)."""
    head = load_head(path)
    encoder = load_encoder()
    if "lora" in head.meta:
        encoder = adapted_encoder(encoder, path=path, lora=head.meta["lora"])
    return TunedModel(encoder, head)


def adapted_encoder(encoder: Encoder, *, path: Path, lora: Mapping[str, Any]) -> Encoder:
    """``encoder`` with the artifact's LoRA adapters merged into its first blocks
    (``W + scale * B @ A``, once: inference then costs what the frozen model costs)."""
    from moodc.gen.lora import LoraRecipe, load_adapters, merged_llama

    recipe = LoraRecipe.from_json(lora["recipe"])
    adapters = load_adapters(path / str(lora["weights"]), recipe=recipe)
    return Encoder(merged_llama(encoder.llama, adapters, recipe=recipe), encoder.tokenizer,
                   encoder.model_sha256)


def make_engine(path: Path = DEFAULT_MODEL_DIR) -> Callable[[GenRequest], EngineResult]:
    """An engine for :data:`moodc.gen.engines.ENGINES`: ``GenRequest -> EngineResult``.

    Loads the encoder and the head once (about 1 s), then each request costs one forward
    pass of the prompt (0.05–0.3 s on 2 cores) and a few small matrix products.
    """
    model = load_tuned(path)

    def run(request: GenRequest) -> EngineResult:
        config, provenance = model.document(request.prompt, seed=request.seed,
                                            temperature=request.temperature,
                                            explain=request.explain)
        return EngineResult(config, provenance)

    return run
