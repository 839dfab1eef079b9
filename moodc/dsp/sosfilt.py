"""Running second-order-section filters with scipy's compiled kernel, minus its import cost.

Two functions, one return type each: :func:`sosfilt` filters from rest and returns the
output; :func:`sosfilt_stateful` takes the state left by the previous block and returns
``(output, new_state)``, so a stream filtered in blocks equals the whole signal filtered
once.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np


@functools.lru_cache(maxsize=1)
def _load_sosfilt_kernel() -> Any:
    """scipy's compiled biquad kernel, loaded without importing :mod:`scipy.signal`.

    ``import scipy.signal`` costs about a second of CPU at start-up (it pulls in
    scipy.stats and more), most of the budget of a whole ``moodc render`` process. The kernel
    is registered under its own name, so a later ``import scipy.signal`` reuses it. Returns
    None when this scipy lays its files out differently (the callers then fall back).
    """
    existing = sys.modules.get("scipy.signal._sosfilt")
    if existing is not None:
        return getattr(existing, "_sosfilt", None)
    try:
        import scipy

        folder = Path(scipy.__file__).parent / "signal"
        candidates = sorted(folder.glob("_sosfilt.*"))
        spec = importlib.util.spec_from_file_location("scipy.signal._sosfilt", candidates[0])
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        sys.modules.setdefault("scipy.signal._sosfilt", module)
        return module._sosfilt  # type: ignore[attr-defined]
    except Exception:  # any layout change: use the public API instead
        return None


def _state_shape(sos: np.ndarray, x: np.ndarray, *, axis: int) -> tuple[int, ...]:
    """Shape of scipy's ``zi`` for ``sos`` over ``x`` along ``axis`` (already normalised)."""
    return (sos.shape[0],) + tuple(2 if i == axis else d for i, d in enumerate(x.shape))


def _run_kernel(kernel: Any, sos: np.ndarray, x: np.ndarray, *, axis: int,
                state: np.ndarray, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Filter ``x`` along ``axis`` from ``state`` (scipy's ``zi`` layout, not modified)."""
    n_sections = sos.shape[0]
    moved = np.moveaxis(x, axis, -1)
    moved_state = np.moveaxis(state, (0, axis + 1), (-2, -1))
    x_shape, state_shape = moved.shape, moved_state.shape
    work = np.array(moved.reshape(-1, moved.shape[-1]), dtype=dtype, order="C")
    flat_state = np.ascontiguousarray(moved_state.reshape(-1, n_sections, 2))
    kernel(sos.astype(dtype, copy=False), work, flat_state)
    y = np.moveaxis(work.reshape(x_shape), -1, axis)
    zf = np.moveaxis(flat_state.reshape(state_shape), (-2, -1), (0, axis + 1))
    return y, zf


def sosfilt(sos: np.ndarray, x: np.ndarray, *, axis: int = -1) -> np.ndarray:
    """:func:`scipy.signal.sosfilt` from rest (zero state): same kernel, same samples.

    Parameters
    ----------
    sos : np.ndarray [shape=(n_sections, 6)]
        Second-order sections; their dtype takes part in the working precision.
    x : np.ndarray
        Signal; filtered along ``axis``.
    axis : int
        Time axis of ``x``.

    Returns
    -------
    np.ndarray [shape=x.shape, dtype=result_type(sos, x)]

    See Also
    --------
    sosfilt_stateful : the same, continuing from a previous block's state.
    """
    kernel = _load_sosfilt_kernel()
    if kernel is None:
        from scipy import signal

        return signal.sosfilt(sos, x, axis=axis)
    sos = np.atleast_2d(np.asarray(sos))
    x = np.asarray(x)
    dtype = np.result_type(sos, x)
    axis = axis % x.ndim
    state = np.zeros(_state_shape(sos, x, axis=axis), dtype=dtype)
    y, _ = _run_kernel(kernel, sos, x, axis=axis, state=state, dtype=dtype)
    return y


def sosfilt_stateful(sos: np.ndarray, x: np.ndarray, *, zi: np.ndarray,
                     axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """:func:`scipy.signal.sosfilt` with a carried state: ``(y, zf)`` for block streaming.

    Parameters
    ----------
    sos : np.ndarray [shape=(n_sections, 6)]
    x : np.ndarray
        Signal; filtered along ``axis``.
    zi : np.ndarray [shape=(n_sections, ..., 2, ...)]
        State before ``x`` in scipy's layout (the 2 at ``axis + 1``); not modified.
    axis : int
        Time axis of ``x``.

    Returns
    -------
    y : np.ndarray [shape=x.shape, dtype=result_type(sos, x, zi)]
    zf : np.ndarray [shape=zi.shape]
        The state after ``x``; pass it as ``zi`` with the next block.

    Raises
    ------
    ValueError
        When ``zi`` does not have the shape scipy expects.
    """
    kernel = _load_sosfilt_kernel()
    if kernel is None:
        from scipy import signal

        return signal.sosfilt(sos, x, axis=axis, zi=zi)
    sos = np.atleast_2d(np.asarray(sos))
    x = np.asarray(x)
    dtype = np.result_type(sos, x, np.asarray(zi))
    axis = axis % x.ndim
    expected = _state_shape(sos, x, axis=axis)
    state = np.array(zi, dtype=dtype)
    if state.shape != expected:
        raise ValueError(f"zi has shape {state.shape}, expected {expected}")
    return _run_kernel(kernel, sos, x, axis=axis, state=state, dtype=dtype)
