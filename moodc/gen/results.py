"""What an engine takes and returns: :class:`GenRequest` in, :class:`EngineResult` out.

These two records sit in a module of their own, below everything else in :mod:`moodc.gen`,
so that the engines (:mod:`moodc.gen.engines`), the tuned head (:mod:`moodc.gen.head`) and
the pipeline (:mod:`moodc.gen.pipeline`) can all speak them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GenRequest:
    """One prompt to turn into a config (already cleaned by :func:`check_prompt`)."""

    prompt: str
    seed: int = 0
    temperature: float = 0.0
    explain: bool = False


@dataclass(frozen=True)
class EngineResult:
    """A config dict (not yet validated) and what to record in its provenance."""

    config: dict[str, Any]
    provenance: dict[str, Any]


#: An engine: a list of requests in, one result per request out, in order (a list, so a
#: model engine can put several prompts in one forward pass).
Engine = Callable[[Sequence[GenRequest]], list[EngineResult]]

__all__ = ["Engine", "EngineResult", "GenRequest"]
