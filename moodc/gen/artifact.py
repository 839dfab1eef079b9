"""The shipped tuned-model artifact: where it lives and which kind it is.

One definition of the folder (``moodc/data/model/``, inside the package so it installs with
it) and of the files each artifact kind needs. Importing this module is cheap (no numpy, no
mlx): ``moodc doctor`` and the engine table use it to decide what ``default`` means.

Two kinds plug in:

- ``"head"``: the softmax head on hidden states of :mod:`moodc.gen.head` (``head.npz`` +
  ``head.json``), built by ``moodc train``;
- ``"lora"``: an mlx-lm LoRA adapter (``adapters.safetensors`` + ``adapter_config.json``),
  fused into the base weights by :func:`moodc.gen.runtime.lora_fused_weights`.

The head wins when both are present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

#: The folder of the shipped artifact.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "data" / "model"

#: The softmax head's weights (float16 arrays) and its metadata (fields, recipe, metrics).
HEAD_WEIGHTS = "head.npz"
HEAD_META = "head.json"
HEAD_FILES: tuple[str, ...] = (HEAD_WEIGHTS, HEAD_META)
#: LoRA adapters of the encoder's first blocks (float16), when ``head.json`` names a recipe.
LORA_WEIGHTS = "lora.npz"

#: Files of an mlx-lm LoRA adapter.
ADAPTER_FILES: tuple[str, ...] = ("adapters.safetensors", "adapter_config.json")

ArtifactKind = Literal["head", "lora"]


def tuned_artifact_kind(*, model_dir: Path = DEFAULT_MODEL_DIR) -> ArtifactKind | None:
    """Which complete artifact ``model_dir`` holds: ``"head"``, ``"lora"`` or None.

    Only complete sets count, so a half-copied artifact reads as absent rather than
    failing later inside a model load.
    """
    if all((model_dir / name).is_file() for name in HEAD_FILES):
        return "head"
    if all((model_dir / name).is_file() for name in ADAPTER_FILES):
        return "lora"
    return None


def tuned_artifact_dir(*, model_dir: Path = DEFAULT_MODEL_DIR) -> Path | None:
    """``model_dir`` when it holds a complete tuned artifact, else None."""
    return model_dir if tuned_artifact_kind(model_dir=model_dir) is not None else None


__all__ = [
    "ADAPTER_FILES",
    "DEFAULT_MODEL_DIR",
    "HEAD_FILES",
    "HEAD_META",
    "HEAD_WEIGHTS",
    "LORA_WEIGHTS",
    "ArtifactKind",
    "tuned_artifact_dir",
    "tuned_artifact_kind",
]
