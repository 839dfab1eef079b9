"""Latency of ``moodc gen`` on this machine: cold (new process) and warm (in-process).

``measure(n_prompts=5)`` is what ``moodc bench`` and ``benchmarks/bench_gen.py`` call. It
returns plain numbers (seconds, GFLOP/s) so the caller picks the format. Targets from the
issue: warm ≤ 1.5 s and cold ≤ 4 s per prompt for a full V2 config (model already cached).
Timings on a shared CPU are noisy: report the CPU load next to them.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

#: Prompts timed in order (cycled when more are asked for).
BENCH_PROMPTS: tuple[str, ...] = (
    "arabian nights", "rainy night in tokyo, lofi", "8-bit boss fight",
    "a lullaby for a sleepy cat", "cold mountain morning with a distant choir",
    "podcast intro, upbeat and friendly", "deep space drift", "jazz bar at 2am",
)
WARM_TARGET_S = 1.5
COLD_TARGET_S = 4.0


def _prompts(n_prompts: int) -> list[str]:
    return [BENCH_PROMPTS[i % len(BENCH_PROMPTS)] for i in range(n_prompts)]


def cold_latency_s(prompt: str, *, engine: str = "default") -> float:
    """Wall time of ``moodc gen PROMPT --engine ENGINE`` in a fresh process (model cached)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "moodc.cli", "gen", prompt, "--engine", engine],
                          capture_output=True, text=True, env=dict(os.environ))
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"moodc gen failed: {done.stderr.strip()}")
    return elapsed


def _summary(values: list[float]) -> dict[str, float]:
    return {"median_s": statistics.median(values), "min_s": min(values), "max_s": max(values)}


def measure(n_prompts: int = 5, *, n_cold: int = 3, schedules: tuple[str, ...] = ("parallel",
            "chain"), explain: bool = True) -> dict[str, Any]:
    """Cold and warm gen latency per prompt, load time, BLAS speed and where the time goes.

    Parameters
    ----------
    n_prompts : int
        Prompts timed warm (per schedule).
    n_cold : int
        Fresh processes timed (each runs the full CLI).
    schedules : tuple of "parallel" / "chain"
        Decoding schedules to time warm (the first is the default).
    explain : bool
        Also time one ``--explain`` decode (free-text justification first).
    """
    from moodc.gen.blas import measure_gemm_gflops, preload_openblas
    from moodc.gen.convert import ensure_model
    from moodc.gen.decode import Decoder

    status = preload_openblas(warn=False)
    start = time.perf_counter()
    files = ensure_model()
    ensure_s = time.perf_counter() - start
    start = time.perf_counter()
    decoder = Decoder(files.path)
    load_s = time.perf_counter() - start
    report: dict[str, Any] = {
        "blas": status.library, "gemm_gflops": measure_gemm_gflops(),
        "load_avg_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "n_cpus": os.cpu_count(), "ensure_model_s": ensure_s,
        "conversion_s": files.converted_s, "decoder_load_s": load_s,
        "n_fields": len(decoder.fields), "warm": {}, "targets": {
            "warm_s": WARM_TARGET_S, "cold_s": COLD_TARGET_S}}
    start = time.perf_counter()
    decoder.decode(BENCH_PROMPTS[0])  # first decode also fills the system-prompt cache
    report["first_decode_s"] = time.perf_counter() - start
    for schedule in schedules:
        times, n_forwards, n_tokens = [], 0, 0
        for prompt in _prompts(n_prompts):
            start = time.perf_counter()
            decoded = decoder.decode(prompt, schedule=schedule)  # type: ignore[arg-type]
            times.append(time.perf_counter() - start)
            n_forwards, n_tokens = decoded.timings.n_forwards, decoded.timings.n_tokens
        report["warm"][schedule] = {**_summary(times), "n_forwards": n_forwards,
                                    "n_tokens": n_tokens}
    start = time.perf_counter()
    decoder.decode_many(_prompts(8), group_size=8)
    report["warm_batch8_per_prompt_s"] = (time.perf_counter() - start) / 8
    if explain:
        decoded = decoder.decode(BENCH_PROMPTS[3], explain=True)
        t = decoded.timings
        report["explain"] = {"total_s": t.prefill_s + t.justification_s + t.fields_s,
                             "justification_s": t.justification_s,
                             "justification": decoded.justification}
    from moodc.gen.engines import resolve_engine

    report["default_engine"] = resolve_engine("default")
    report["cold"] = _summary([cold_latency_s(p) for p in _prompts(n_cold)])
    if report["default_engine"] != "base":
        report["cold_base"] = _summary([cold_latency_s(p, engine="base")
                                        for p in _prompts(n_cold)])
    return report


def format_report(report: dict[str, Any]) -> str:
    """A short human-readable summary of :func:`measure`'s report."""
    lines = ["warm/batch/explain rows time the base engine's constrained decoder",
             f"BLAS {report['blas']}: f32 GEMM {report['gemm_gflops']:.1f} GFLOP/s "
             f"({report['n_cpus']} CPUs, load avg {report['load_avg_1min']:.2f})",
             f"model cache check {report['ensure_model_s']:.2f} s, decoder load "
             f"{report['decoder_load_s']:.2f} s, first decode {report['first_decode_s']:.2f} s"
             + (f", conversion {report['conversion_s']:.1f} s" if report["conversion_s"] else "")]
    for schedule, row in report["warm"].items():
        lines.append(f"warm {schedule:8s} median {row['median_s']:.2f} s (min {row['min_s']:.2f}, "
                     f"max {row['max_s']:.2f}) for {report['n_fields']} fields; "
                     f"{row['n_forwards']} forwards, {row['n_tokens']} tokens "
                     f"[target ≤ {report['targets']['warm_s']} s]")
    lines.append(f"warm batch of 8: {report['warm_batch8_per_prompt_s']:.2f} s per prompt")
    if "explain" in report:
        lines.append(f"--explain: {report['explain']['total_s']:.2f} s "
                     f"({report['explain']['justification_s']:.2f} s of justification)")
    for key, engine in (("cold", report.get("default_engine", "default")), ("cold_base", "base")):
        if key in report:
            cold = report[key]
            lines.append(f"cold {engine:5s} (new process, model cached) median "
                         f"{cold['median_s']:.2f} s (min {cold['min_s']:.2f}, "
                         f"max {cold['max_s']:.2f}) [target ≤ {report['targets']['cold_s']} s]")
    return "\n".join(lines)
