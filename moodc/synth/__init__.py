"""The synth: a config's fields in, stereo audio out — deterministic, streamed in blocks.

Public entry points (the contract other parts of moodc code against):

- :func:`stream_config` yields float32 (n, 2) blocks whose lengths sum to exactly
  ``round(duration_s * sample_rate)``; memory does not grow with duration.
- :func:`render_config` is their concatenation.
- :func:`stream_stems` yields the dry stereo stem of every sounding layer (for tests/tools).

Output is *not* mastered (no loudness normalisation or limiting: see ``synth.master``) but
sits at a sane level, roughly -24..-12 LUFS with peaks under 1.0.

Nothing here reads files, the clock or the environment: fields, a seed and a sample rate in,
arrays out.
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

import numpy as np

__all__ = ["render_config", "stream_config", "stream_stems"]

#: The renderer works in blocks of at most this many seconds whatever ``block_s`` the caller
#: asks for (the audio does not depend on it), which keeps the working set small.
INNER_BLOCK_S = 2.0


def _check(*, duration_s: float, sample_rate: int, block_s: float) -> None:
    if not duration_s >= 0.0:
        raise ValueError(f"duration_s={duration_s!r} must be >= 0 seconds")
    if not 8000 <= int(sample_rate) <= 192000:
        raise ValueError(f"sample_rate={sample_rate!r} must be between 8000 and 192000 Hz")
    if not block_s > 0.0:
        raise ValueError(f"block_s={block_s!r} must be > 0 seconds")


def _blocks(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int, seed: int,
            block_s: float, want_stems: bool = False, jobs: int = 1
            ) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import BlockRenderer

    _check(duration_s=duration_s, sample_rate=sample_rate, block_s=block_s)
    if int(jobs) < 1:
        raise ValueError(f"jobs={jobs!r} must be >= 1")
    ctl = fields_to_controls(fields)
    n_total = int(round(duration_s * sample_rate))
    renderer = BlockRenderer(ctl, duration_s=n_total / sample_rate, sample_rate=int(sample_rate),
                             seed=int(seed), jobs=int(jobs))
    block_n = max(int(round(block_s * sample_rate)), 1)
    inner_n = max(int(INNER_BLOCK_S * sample_rate), 1)
    # the caller's blocks, each made of inner spans of at most INNER_BLOCK_S
    outer = [[(s, min(inner_n, start + min(block_n, n_total - start) - s))
              for s in range(start, start + min(block_n, n_total - start), inner_n)]
             for start in range(0, n_total, block_n)]
    inner = renderer.iter_blocks((span for spans in outer for span in spans),
                                 with_stems=want_stems)
    try:
        for spans in outer:
            parts = []
            for _ in spans:
                mix, stems = next(inner)
                parts.append((mix, stems if want_stems else {}))
            if len(parts) == 1:
                yield parts[0]
                continue
            mix = np.concatenate([p[0] for p in parts], axis=0)
            stems = {k: np.concatenate([p[1][k] for p in parts], axis=1) for k in parts[0][1]}
            yield mix, stems
    finally:
        inner.close()


def stream_config(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int, seed: int,
                  block_s: float = INNER_BLOCK_S, jobs: int = 1) -> Iterator[np.ndarray]:
    """Render a config as a stream of stereo blocks.

    Parameters
    ----------
    fields : Mapping
        ``Config.model_dump()`` (a plain dict; missing keys take the model defaults).
    duration_s : float >= 0
        Length of the piece in seconds.
    sample_rate : int
        Output rate in Hz (8000..192000).
    seed : int >= 0
        Root of the random tree; the same fields and seed give identical samples.
    block_s : float > 0
        Block length in seconds (the audio does not depend on it).
    jobs : int >= 1
        Threads rendering layers (see :class:`moodc.synth.engine.BlockRenderer`); the audio
        does not depend on it.

    Yields
    ------
    numpy.ndarray [shape=(n, 2), dtype=float32]
        Consecutive blocks; their lengths sum to ``round(duration_s * sample_rate)``.

    Raises
    ------
    ValueError
        When ``duration_s``, ``sample_rate``, ``block_s`` or ``jobs`` is out of range.

    Examples
    --------
    >>> blocks = list(stream_config({"mode": "major"}, duration_s=1.0, sample_rate=22050, seed=1))
    >>> sum(len(b) for b in blocks)
    22050
    """
    blocks = _blocks(fields, duration_s=duration_s, sample_rate=sample_rate, seed=seed,
                     block_s=block_s, jobs=jobs)
    try:
        for mix, _ in blocks:
            yield mix
    finally:
        blocks.close()


def render_config(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int,
                  seed: int) -> np.ndarray:
    """The whole piece as one (n, 2) float32 array: ``stream_config`` concatenated."""
    blocks = list(stream_config(fields, duration_s=duration_s, sample_rate=sample_rate,
                                seed=seed))
    if not blocks:
        return np.zeros((0, 2), dtype=np.float32)
    return np.concatenate(blocks, axis=0)


def stream_stems(fields: Mapping[str, Any], *, duration_s: float, sample_rate: int, seed: int,
                 block_s: float = 8.0) -> Iterator[dict[str, np.ndarray]]:
    """Dry (pre-effects) stereo stems per sounding layer, as dicts of (2, n) float32 blocks."""
    for _, stems in _blocks(fields, duration_s=duration_s, sample_rate=sample_rate, seed=seed,
                            block_s=block_s, want_stems=True):
        yield stems
