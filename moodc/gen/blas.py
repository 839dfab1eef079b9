"""Make MLX's CPU backend use the system OpenBLAS instead of the wheel's reference BLAS.

The Linux ``mlx[cpu]`` wheel links a reference (netlib) BLAS that runs an f32 GEMM at about
2 GFLOP/s on one core; OpenBLAS runs the same GEMM at about 170 GFLOP/s on two
(``/work/shared/research/mlx-feasibility.md``, section 2 and addendum). ``libmlx`` resolves
``cblas_sgemm`` dynamically, so loading OpenBLAS into the global symbol scope *before*
``mlx.core`` is first imported has the same effect as ``LD_PRELOAD``.

Every module of :mod:`moodc.gen` that needs MLX calls :func:`import_mlx_core` instead of
``import mlx.core``; it is idempotent.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

#: Library names tried in order; the first is Debian's ``libopenblas0-pthread``.
OPENBLAS_SONAMES: tuple[str, ...] = ("libopenblas.so.0", "libopenblas.so")

#: Directories where distributions put OpenBLAS when ``find_library`` misses it.
OPENBLAS_GLOBS: tuple[str, ...] = (
    "/usr/lib/*-linux-gnu/libopenblas.so.0",
    "/usr/lib/*-linux-gnu/openblas-pthread/libopenblas.so.0",
    "/usr/lib64/libopenblas.so.0",
    "/usr/lib/libopenblas.so.0",
    "/usr/local/lib/libopenblas.so.0",
)

#: How to install OpenBLAS, printed in warnings and by ``moodc doctor``.
OPENBLAS_INSTALL_HINT = (
    "install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread; "
    "Fedora: dnf install openblas) so MLX runs ~50x faster on CPU")


@dataclass(frozen=True)
class BlasStatus:
    """Which BLAS MLX's CPU backend will use in this process."""

    library: str  # "openblas", "accelerate" (macOS), "bundled-reference" or "unknown"
    path: str | None
    note: str


_STATUS: list[BlasStatus] = []  # filled once per process by preload_openblas


def find_openblas() -> str | None:
    """The path (or soname) of the system OpenBLAS, or None when it is not installed."""
    found = ctypes.util.find_library("openblas")
    candidates = ([found] if found else []) + list(OPENBLAS_SONAMES)
    for pattern in OPENBLAS_GLOBS:
        candidates += sorted(glob.glob(pattern))
    for candidate in candidates:
        try:
            ctypes.CDLL(candidate, mode=ctypes.RTLD_GLOBAL)
        except OSError:
            continue
        return candidate
    return None


def preload_openblas(*, warn: bool = True) -> BlasStatus:
    """Load OpenBLAS globally before MLX is imported; return what MLX will use.

    Idempotent: the first call decides, later calls return the same status. Set
    ``MOODC_NO_OPENBLAS=1`` to skip the preload (for comparisons in ``moodc doctor``).
    """
    if _STATUS:
        return _STATUS[0]
    if sys.platform == "darwin":
        status = BlasStatus("accelerate", None, "macOS: MLX uses Accelerate/Metal")
    elif "mlx.core" in sys.modules:
        status = BlasStatus("unknown", None,
                            "mlx.core was imported before moodc could preload OpenBLAS")
    elif os.environ.get("MOODC_NO_OPENBLAS"):
        status = BlasStatus("bundled-reference", None, "MOODC_NO_OPENBLAS is set")
    else:
        path = find_openblas()
        if path is None:
            status = BlasStatus("bundled-reference", None, "system OpenBLAS not found")
            if warn:
                warnings.warn(f"moodc gen will be slow: {OPENBLAS_INSTALL_HINT}", stacklevel=2)
        else:
            status = BlasStatus("openblas", str(Path(path)), "preloaded with RTLD_GLOBAL")
    _STATUS.append(status)
    return status


def import_mlx_core() -> ModuleType:
    """``mlx.core``, imported after :func:`preload_openblas` (the only way moodc imports it)."""
    preload_openblas()
    import mlx.core as mx

    return mx


def measure_gemm_gflops(*, n_rows: int = 512, n_inner: int = 576, n_cols: int = 1536,
                        n_repeats: int = 10) -> float:
    """Best-of-``n_repeats`` f32 GEMM speed of MLX's CPU backend here, in GFLOP/s.

    The default shape is one MLP projection of SmolLM2 over a 512-token batch. Reference
    BLAS gives ~2-5 GFLOP/s, OpenBLAS on 2 cores ~100-180 (less when the CPU is shared).
    """
    import time

    mx = import_mlx_core()
    a = mx.random.normal((n_rows, n_inner), key=mx.random.key(0))
    b = mx.random.normal((n_cols, n_inner), key=mx.random.key(1))
    mx.eval(a, b, a @ b.T)  # warm-up
    best_s = float("inf")
    for _ in range(n_repeats):
        start = time.perf_counter()
        mx.eval(a @ b.T)
        best_s = min(best_s, time.perf_counter() - start)
    return 2.0 * n_rows * n_inner * n_cols / best_s / 1e9
