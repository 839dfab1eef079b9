"""Golden-audio checks: short reference renders in ``golden/`` and a PCM comparison.

``golden/manifest.json`` lists each entry: its source document (an example, or a coverage
config in ``golden/configs/``), seed, length, sample rate, the sha256 of its quantised PCM,
loudness, peak, a compact spectral fingerprint, moodc's version and the platform it was
recorded on. ``golden/<name>.flac`` holds the PCM itself.

A check first verifies each reference file itself: ``golden/<name>.flac`` must exist and its
decoded PCM must hash to the manifest's ``pcm_sha256``. Otherwise a golden that was edited,
truncated, corrupted or half-updated would pass unnoticed whenever the new render matches the
manifest (the usual case). Such an entry is reported as ``reference-missing`` or
``reference-corrupt``, apart from a changed render. Then it re-renders every entry and
compares **PCM, never file bytes** (libsndfile writes its version into headers):

* on the recording platform (same python, numpy, scipy, machine) the hash must match exactly;
  any change to the synth shows up;
* elsewhere, float rounding may move a sample by an LSB, so a tolerance applies: same length,
  max |diff| of a few LSB, SNR >= 90 dB, spectral fingerprint and loudness (0.1 LU) within
  small bounds.

A failing entry is named with its metrics; the new render and a difference spectrogram are
written under ``renders/golden-diff/``. ``update`` re-records on purpose and says what moved.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import platform
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np

from moodc import __version__, vocab
from moodc.errors import UsageError

MANIFEST_NAME: Final[str] = "manifest.json"
MANIFEST_FORMAT: Final[int] = 1
#: Golden renders are short: long enough for phrases, loudness gating and every layer to
#: enter, short enough that the whole set checks in seconds and stays small in git.
DEFAULT_DURATION_S: Final[float] = 4.0
#: Entries that need longer to reach what they cover (all transitions of a score).
DURATION_OVERRIDES_S: Final[dict[str, float]] = {"cover-score-transitions": 6.0}
SAMPLE_RATE: Final[int] = vocab.DEFAULT_SAMPLE_RATE_HZ
BIT_DEPTH: Final[int] = 16
COVERAGE_PREFIX: Final[str] = "cover-"
DIFF_DIR: Final[str] = "renders/golden-diff"
#: Spectral fingerprint: band edges (Hz), log-spaced, and the floor below which a band is too
#: quiet to compare (relative to the loudest band).
FINGERPRINT_BANDS: Final[int] = 24
FINGERPRINT_RANGE_HZ: Final[tuple[float, float]] = (30.0, 20000.0)
FINGERPRINT_FLOOR_DB: Final[float] = 80.0


@dataclass(frozen=True)
class Tolerance:
    """Bounds for a render made on a different platform than its golden."""

    max_diff_lsb: int = 4
    min_snr_db: float = 90.0
    max_spectral_db: float = 0.5
    max_loudness_lu: float = 0.1


DEFAULT_TOLERANCE: Final[Tolerance] = Tolerance()


@dataclass(frozen=True)
class Case:
    """One golden entry to record: a source document rendered at fixed settings."""

    name: str
    source: str  # relative to the project root, POSIX separators
    duration_s: float
    sample_rate: int = SAMPLE_RATE
    bit_depth: int = BIT_DEPTH


@dataclass
class Comparison:
    """How a new render differs from its golden PCM."""

    identical: bool
    same_length: bool
    max_diff_lsb: int
    snr_db: float
    first_diff_s: float | None
    loudness_delta_lu: float
    spectral_distance_db: float

    def within(self, tolerance: Tolerance) -> bool:
        return self.identical or (
            self.same_length and self.max_diff_lsb <= tolerance.max_diff_lsb
            and self.snr_db >= tolerance.min_snr_db
            and abs(self.loudness_delta_lu) <= tolerance.max_loudness_lu
            and self.spectral_distance_db <= tolerance.max_spectral_db)

    def describe(self) -> str:
        if self.identical:
            return "identical"
        if not self.same_length:
            return "length changed"
        first = f"{self.first_diff_s:.3f} s" if self.first_diff_s is not None else "-"
        return (f"max diff {self.max_diff_lsb} LSB, SNR {self.snr_db:.1f} dB, first difference "
                f"at {first}, loudness {self.loudness_delta_lu:+.3f} LU, spectral distance "
                f"{self.spectral_distance_db:.2f} dB")


#: What an entry's verdict can be. ``missing`` is a gone source document; the two
#: ``reference-*`` modes are findings about the golden file itself, not about the render.
ENTRY_MODES: Final[dict[str, str]] = {
    "exact": "render compared by hash (same platform)",
    "tolerance": "render compared within tolerance (another platform)",
    "missing": "the source document is gone",
    "error": "the render failed",
    "reference-missing": "golden/<name>.flac is gone",
    "reference-corrupt": "golden/<name>.flac does not decode to the manifest's PCM",
}
REFERENCE_MODES: Final[tuple[str, ...]] = ("reference-missing", "reference-corrupt")


@dataclass
class EntryResult:
    """The verdict on one entry."""

    name: str
    ok: bool
    mode: str  # see :data:`ENTRY_MODES`
    message: str
    comparison: Comparison | None = None
    artifacts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return data


# ------------------------------------------------------------------------------------------
# Fingerprints and metrics
# ------------------------------------------------------------------------------------------

def platform_fingerprint() -> dict[str, str]:
    """What float results depend on: interpreter, numpy, scipy, CPU architecture and the SIMD
    features numpy dispatches to (AVX2 and AVX-512 kernels may round differently)."""
    import scipy

    return {"python": platform.python_version(), "numpy": np.__version__,
            "scipy": scipy.__version__, "machine": platform.machine(),
            "system": platform.system(), "simd": _simd_fingerprint()}


def _simd_fingerprint() -> str:
    """Short hash of the CPU features numpy detected ("unknown" if it does not say)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:
        return "unknown"
    enabled = ",".join(sorted(name for name, on in features.items() if on))
    return hashlib.sha256(enabled.encode()).hexdigest()[:12]


def pcm_sha256(pcm: np.ndarray) -> str:
    """sha256 of the PCM samples (little-endian, interleaved) — independent of the file."""
    return hashlib.sha256(np.ascontiguousarray(pcm).astype(pcm.dtype.newbyteorder("<"))
                          .tobytes()).hexdigest()


def spectral_fingerprint(audio: np.ndarray, *, sample_rate: int) -> list[float]:
    """Mean power (dB) of the mid signal in 24 log-spaced bands, 30 Hz to 20 kHz."""
    from scipy import signal

    mid = audio.mean(axis=1) if audio.ndim == 2 else audio
    freqs, psd = signal.welch(mid, fs=sample_rate, nperseg=min(4096, mid.shape[0]))
    edges = np.geomspace(*FINGERPRINT_RANGE_HZ, FINGERPRINT_BANDS + 1)
    bands = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (freqs >= lo) & (freqs < min(hi, sample_rate / 2))
        power = float(psd[inside].mean()) if inside.any() else 0.0
        bands.append(round(10 * math.log10(power + 1e-20), 2))
    return bands


def spectral_distance_db(new: list[float], golden: list[float]) -> float:
    """Largest band difference, over bands within 80 dB of the loudest golden band."""
    new_arr, gold_arr = np.asarray(new), np.asarray(golden)
    loud = gold_arr >= gold_arr.max() - FINGERPRINT_FLOOR_DB
    return float(np.abs(new_arr - gold_arr)[loud].max())


def pcm_metrics(pcm: np.ndarray, *, bit_depth: int, sample_rate: int) -> dict[str, Any]:
    """Loudness, sample peak, true peak and fingerprint of integer PCM."""
    from moodc.audio_io import pcm_to_float
    from moodc.dsp.loudness import measure_loudness_lufs
    from moodc.dsp.peak import true_peak_dbtp
    from moodc.dsp.units import amplitude_to_db

    audio = pcm_to_float(pcm, bit_depth=bit_depth)  # type: ignore[arg-type]
    peak = float(np.abs(audio).max()) if audio.size else 0.0
    return {"loudness_lufs": round(measure_loudness_lufs(audio, sample_rate=sample_rate), 3),
            "peak_dbfs": round(amplitude_to_db(peak), 3),
            "true_peak_dbtp": round(true_peak_dbtp(audio), 3),
            "fingerprint": spectral_fingerprint(audio, sample_rate=sample_rate)}


def compare_pcm(new: np.ndarray, golden: np.ndarray, *, bit_depth: int,
                sample_rate: int) -> Comparison:
    """Compare two integer PCM renders sample by sample (the golden is the reference)."""
    from moodc.audio_io import pcm_to_float
    from moodc.dsp.loudness import measure_loudness_lufs

    if new.shape != golden.shape:
        return Comparison(False, False, -1, -math.inf, 0.0, math.nan, math.inf)
    lsb = 2 ** (32 - bit_depth) if bit_depth == 24 else 1  # 24-bit PCM is stored << 8
    diff = (new.astype(np.int64) - golden.astype(np.int64)) // lsb
    if not diff.any():
        return Comparison(True, True, 0, math.inf, None, 0.0, 0.0)
    first = int(np.flatnonzero(np.any(diff != 0, axis=1))[0])
    signal_power = float(np.square(golden.astype(np.float64) / lsb).sum())
    noise_power = float(np.square(diff.astype(np.float64)).sum())
    snr_db = 10 * math.log10(signal_power / noise_power) if signal_power > 0 else -math.inf
    new_f = pcm_to_float(new, bit_depth=bit_depth)  # type: ignore[arg-type]
    gold_f = pcm_to_float(golden, bit_depth=bit_depth)  # type: ignore[arg-type]
    loudness_delta = (measure_loudness_lufs(new_f, sample_rate=sample_rate)
                      - measure_loudness_lufs(gold_f, sample_rate=sample_rate))
    spectral = spectral_distance_db(spectral_fingerprint(new_f, sample_rate=sample_rate),
                                    spectral_fingerprint(gold_f, sample_rate=sample_rate))
    return Comparison(False, True, int(np.abs(diff).max()), snr_db, first / sample_rate,
                      float(loudness_delta), spectral)


# ------------------------------------------------------------------------------------------
# Cases and the manifest
# ------------------------------------------------------------------------------------------

def discover_cases(root: Path) -> list[Case]:
    """Every example (``examples/**/*.yaml``) and coverage config (``golden/configs/*.yaml``).

    An example in a subfolder is named by its path: ``examples/palettes/x.yaml`` is
    ``palettes-x``.
    """
    examples = root / "examples"
    cases = [Case(_example_name(p.relative_to(examples)), p.relative_to(root).as_posix(),
                  DEFAULT_DURATION_S)
             for p in sorted(examples.rglob("*.yaml"))]
    for path in sorted((root / "golden" / "configs").glob("*.yaml")):
        name = COVERAGE_PREFIX + path.stem
        cases.append(Case(name, path.relative_to(root).as_posix(),
                          DURATION_OVERRIDES_S.get(name, DEFAULT_DURATION_S)))
    return cases


def _example_name(relative: Path) -> str:
    """``calm.yaml`` → ``calm``; ``palettes/calm.yaml`` → ``palettes-calm``."""
    return "-".join(relative.with_suffix("").parts)


#: Manifest entry key → the JSON types it must have (one table; ``load_manifest`` checks it).
_ENTRY_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "source": (str,), "file": (str,), "pcm_sha256": (str,), "seed": (int,),
    "duration_s": (int, float), "sample_rate": (int,), "bit_depth": (int,),
}


def load_manifest(golden_dir: Path) -> dict[str, Any]:
    """The manifest, or an empty one when none was recorded yet.

    Raises
    ------
    UsageError
        The manifest is unreadable, over :data:`moodc.vocab.MAX_MANIFEST_BYTES`, not JSON, or
        not shaped as moodc writes it (a bad entry is named with its key).
    """
    from moodc import vocab
    from moodc.inputs import loads_json, read_text

    path = golden_dir / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {"format": MANIFEST_FORMAT, "entries": {}}
    fix = "restore it from git or re-record with `moodc golden update`"
    text = read_text(path, max_bytes=vocab.MAX_MANIFEST_BYTES, what="golden manifest")
    try:
        manifest = loads_json(text)
    except ValueError as exc:
        raise UsageError(f"{path}: cannot read the golden manifest ({exc})", hint=fix) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise UsageError(f"{path}: manifest format {found!r} is not {MANIFEST_FORMAT}", hint=fix)
    entries = manifest.get("entries")
    if not isinstance(entries, dict):
        raise UsageError(f"{path}: `entries` must be a mapping of name → entry", hint=fix)
    for name, entry in entries.items():
        problem = _entry_problem(entry)
        if problem:
            raise UsageError(f"{path}: entry {name!r}: {problem}", hint=fix)
    return manifest


def _entry_problem(entry: Any) -> str | None:
    """What is wrong with one manifest entry, or None."""
    if not isinstance(entry, dict):
        return "is not a mapping"
    for key, types in _ENTRY_TYPES.items():
        value = entry.get(key)
        if isinstance(value, bool) or not isinstance(value, types):
            want = " or ".join("number" if t is float else t.__name__ for t in types)
            return f"{key} is {value!r}, not {want.replace('int', 'an integer').replace('str', 'a string')}"
    if not (0 <= entry["seed"] < 2**63) or not math.isfinite(entry["duration_s"]) \
            or entry["duration_s"] <= 0:
        return "seed or duration_s is out of range"
    if Path(entry["file"]).name != entry["file"]:
        return f"file {entry['file']!r} must be a plain file name inside golden/"
    return None


def save_manifest(golden_dir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, entries sorted by name (stable diffs)."""
    from moodc.config.io import write_text_atomic

    manifest = {"format": MANIFEST_FORMAT,
                "entries": dict(sorted(manifest["entries"].items()))}
    text = json.dumps(manifest, indent=2)
    # one line per fingerprint (24 numbers), so `git diff` of an update stays readable
    text = re.sub(r"\[\s*([-\d.,\s]+?)\s*\]",
                  lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]", text)
    write_text_atomic(golden_dir / MANIFEST_NAME, text + "\n", force=True)


RenderFn = Callable[[Case, Path, int | None], tuple[np.ndarray, Any]]


def render_case(case: Case, root: Path, seed: int | None) -> tuple[np.ndarray, Any]:
    """Render one case to PCM exactly as ``moodc render`` would write it."""
    from moodc.config.load import load_document
    from moodc.render import render_pcm

    source = root / case.source
    pcm, timeline, _ = render_pcm(load_document(source), base_dir=source.parent,
                                  duration_s=case.duration_s, seed=seed,
                                  sample_rate=case.sample_rate,
                                  bit_depth=case.bit_depth)  # type: ignore[arg-type]
    return pcm, timeline


def _case_of(name: str, entry: dict[str, Any]) -> Case:
    return Case(name, entry["source"], entry["duration_s"], entry["sample_rate"],
                entry["bit_depth"])


def _select(names: list[str], only: tuple[str, ...] | list[str] | None) -> list[str]:
    if not only:
        return names
    unknown = [n for n in only if n not in names]
    if unknown:
        raise UsageError(f"no golden entry named {', '.join(map(repr, unknown))}",
                         hint=f"known entries: {', '.join(names)}")
    return [n for n in names if n in only]


# ------------------------------------------------------------------------------------------
# Check
# ------------------------------------------------------------------------------------------

def check(root: Path, *, only: tuple[str, ...] | list[str] | None = None,
          render: RenderFn | None = None, tolerance: Tolerance = DEFAULT_TOLERANCE,
          platform_now: dict[str, str] | None = None, jobs: int = 1) -> list[EntryResult]:
    """Re-render each recorded entry and compare it with its golden PCM.

    Parameters
    ----------
    root : Path
        Project root holding ``golden/`` (and the sources the manifest names).
    only : names, optional
        Check just these entries.
    render : callable
        ``(case, root, seed) -> (pcm, timeline)``; tests inject a modified renderer.
    platform_now : dict, optional
        The platform fingerprint to compare with (default: this machine's).
    jobs : int
        Entries checked at once, in separate processes (:func:`moodc.batch.map_in_processes`);
        the results are the same, in manifest order.
    """
    golden_dir = root / "golden"
    if not (golden_dir / MANIFEST_NAME).exists():
        # Nothing recorded here: a check that compares nothing must not pass silently.
        raise UsageError(f"no {golden_dir / MANIFEST_NAME} to check against",
                         hint="run from the project root (or pass --root); record goldens "
                              "with `moodc golden update`")
    manifest = load_manifest(golden_dir)
    here = platform_now or platform_fingerprint()
    render = render or render_case
    items = [(name, manifest["entries"][name])
             for name in _select(list(manifest["entries"]), only)]
    task = functools.partial(_check_item, root=root, render=render, tolerance=tolerance,
                             platform_now=here)
    return _in_order(task, items, jobs=jobs)


def _in_order(task: Callable[[Any], Any], items: list[Any], *, jobs: int) -> list[Any]:
    """``task`` over ``items`` on up to ``jobs`` processes, results in item order."""
    from moodc.batch import map_in_processes

    results: list[Any] = [None] * len(items)
    for index, result in map_in_processes(task, items, n_workers=jobs):
        results[index] = result
    return results


def _check_item(item: tuple[str, dict[str, Any]], **options: Any) -> EntryResult:
    name, entry = item
    return _check_entry(name, entry, **options)


def read_reference(name: str, entry: dict[str, Any], *, golden_dir: Path
                   ) -> tuple[np.ndarray | None, EntryResult | None]:
    """Decode ``golden/<file>`` and check its PCM against the manifest entry.

    Reading a 4 s FLAC and hashing it takes a few milliseconds, next to ~0.3 s per render.

    Returns
    -------
    (pcm, None)
        The reference PCM, verified.
    (None, finding)
        A ``reference-missing`` or ``reference-corrupt`` :class:`EntryResult`.
    """
    from moodc.audio_io import read_pcm

    path = golden_dir / entry["file"]
    shown = f"golden/{entry['file']}"
    fix = (f"restore it with `git checkout -- {shown}` if it was committed intact, or "
           f"re-record with `moodc golden update --only {name}`")
    if not path.is_file():
        return None, EntryResult(name, False, "reference-missing", f"{shown} is missing; {fix}")
    try:
        pcm, sample_rate, bit_depth = read_pcm(path)
    except Exception as exc:  # noqa: BLE001 - any decode failure is this finding
        reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return None, EntryResult(name, False, "reference-corrupt",
                                 f"{shown} cannot be decoded ({reason}); {fix}")
    found = pcm_sha256(pcm)
    if found != entry["pcm_sha256"]:
        shape = (f"{pcm.shape[0]} samples at {sample_rate} Hz/{bit_depth}-bit, manifest "
                 f"says {entry.get('n_samples')} at {entry['sample_rate']} Hz/"
                 f"{entry['bit_depth']}-bit")
        return None, EntryResult(name, False, "reference-corrupt",
                                 f"{shown} decodes to PCM sha256 {found[:12]}, not the "
                                 f"manifest's {entry['pcm_sha256'][:12]} ({shape}); {fix}")
    return pcm, None


def _check_entry(name: str, entry: dict[str, Any], *, root: Path, render: RenderFn,
                 tolerance: Tolerance, platform_now: dict[str, str]) -> EntryResult:
    from moodc.errors import MoodcError

    case = _case_of(name, entry)
    if not (root / case.source).is_file():
        return EntryResult(name, False, "missing", f"source {case.source} is gone")
    golden_pcm, reference_problem = read_reference(name, entry, golden_dir=root / "golden")
    try:
        pcm, timeline = render(case, root, entry["seed"])
    except MoodcError as exc:
        return reference_problem or EntryResult(name, False, "error",
                                                f"render failed: {exc.message}")
    exact = pcm_sha256(pcm) == entry["pcm_sha256"]
    if reference_problem is not None:
        reference_problem.message += (" (the new render still matches the manifest)" if exact
                                      else " (the new render differs from the manifest too)")
        return reference_problem
    if exact:
        return EntryResult(name, True, "exact", "identical PCM")
    assert golden_pcm is not None
    same_platform = entry.get("platform") == platform_now
    comparison = compare_pcm(pcm, golden_pcm, bit_depth=case.bit_depth,
                             sample_rate=case.sample_rate)
    source_note = ""
    if entry.get("document_sha256") not in (None, timeline.document_sha256):
        source_note = " (its source document changed)"
    if not same_platform and comparison.within(tolerance):
        return EntryResult(name, True, "tolerance",
                           f"within tolerance on another platform: {comparison.describe()}",
                           comparison)
    artifacts = write_diff_artifacts(name, pcm, golden_pcm, root=root, case=case)
    mode = "exact" if same_platform else "tolerance"
    return EntryResult(name, False, mode, f"changed{source_note}: {comparison.describe()}",
                       comparison, artifacts)


# ------------------------------------------------------------------------------------------
# Diff artifacts
# ------------------------------------------------------------------------------------------

def write_diff_artifacts(name: str, pcm: np.ndarray, golden_pcm: np.ndarray, *, root: Path,
                         case: Case) -> list[str]:
    """Write the new render (FLAC) and a difference spectrogram (PNG); returns their paths."""
    from moodc.audio_io import PcmWriter

    folder = root / DIFF_DIR
    folder.mkdir(parents=True, exist_ok=True)
    flac = folder / f"{name}.flac"
    with PcmWriter(flac, sample_rate=case.sample_rate, n_channels=pcm.shape[1], fmt="flac",
                   bit_depth=case.bit_depth, tags=None, force=True) as writer:  # type: ignore[arg-type]
        writer.write(pcm)
    written = [str(flac)]
    png = folder / f"{name}.png"
    if _diff_spectrogram(pcm, golden_pcm, path=png, case=case):
        written.append(str(png))
    return written


def _diff_spectrogram(pcm: np.ndarray, golden_pcm: np.ndarray, *, path: Path,
                      case: Case) -> bool:
    """Golden, new and difference spectrograms in one PNG (False if matplotlib is absent)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    from scipy import signal

    from moodc.audio_io import pcm_to_float

    new = pcm_to_float(pcm, bit_depth=case.bit_depth).mean(axis=1)  # type: ignore[arg-type]
    gold = pcm_to_float(golden_pcm, bit_depth=case.bit_depth).mean(axis=1)  # type: ignore[arg-type]
    n = min(new.shape[0], gold.shape[0])
    panels = [("golden", gold), ("new render", new), ("difference (new - golden)",
                                                      new[:n] - gold[:n])]
    figure, axes = plt.subplots(3, 1, figsize=(10, 8), sharex=True)
    for axis, (title, audio) in zip(axes, panels):
        freqs, times, power = signal.spectrogram(audio, fs=case.sample_rate, nperseg=2048)
        mesh = axis.pcolormesh(times, freqs, 10 * np.log10(power + 1e-14), shading="auto",
                               vmin=-140, vmax=-20, cmap="magma")
        axis.set_yscale("symlog", linthresh=200)
        axis.set_ylabel("Hz")
        axis.set_title(title)
        figure.colorbar(mesh, ax=axis, label="dB")
    axes[-1].set_xlabel("seconds")
    figure.tight_layout()
    figure.savefig(path, dpi=80)
    plt.close(figure)
    return True


# ------------------------------------------------------------------------------------------
# Update
# ------------------------------------------------------------------------------------------

@dataclass
class UpdateResult:
    """What re-recording one entry changed."""

    name: str
    status: str  # "new", "unchanged", "changed"
    message: str


def update(root: Path, *, only: tuple[str, ...] | list[str] | None = None,
           render: RenderFn | None = None, jobs: int = 1) -> list[UpdateResult]:
    """Re-record golden entries on purpose (all discovered cases, or ``only`` these).

    Each entry is rendered with its document's seed (its ``seed``, else its content hash, as
    ``moodc render`` does), written as ``golden/<name>.flac``, and its manifest entry is
    replaced. A full update drops entries whose source is gone.
    """
    golden_dir = root / "golden"
    manifest = load_manifest(golden_dir)
    render = render or render_case
    cases = {c.name: c for c in discover_cases(root)}
    names = _select(sorted(cases), only)
    items = [(cases[name], manifest["entries"].get(name)) for name in names]
    recorded = _in_order(functools.partial(_record_item, root=root, render=render), items,
                         jobs=jobs)
    results = []
    for (case, _), (result, entry) in zip(items, recorded):
        manifest["entries"][case.name] = entry
        results.append(result)
    if not only:
        for stale in sorted(set(manifest["entries"]) - set(cases)):
            del manifest["entries"][stale]
            (golden_dir / f"{stale}.flac").unlink(missing_ok=True)
            results.append(UpdateResult(stale, "removed", "source gone; entry dropped"))
    save_manifest(golden_dir, manifest)
    return results


def _record_item(item: tuple[Case, dict[str, Any] | None], *, root: Path,
                 render: RenderFn) -> tuple[UpdateResult, dict[str, Any]]:
    """Render one case, write its reference file; the new manifest entry comes back."""
    from moodc.audio_io import PcmWriter, read_pcm

    case, old = item
    golden_dir = root / "golden"
    pcm, timeline = render(case, root, None)
    entry = {"source": case.source, "document_sha256": timeline.document_sha256,
             "seed": timeline.seed, "duration_s": case.duration_s,
             "sample_rate": case.sample_rate, "bit_depth": case.bit_depth,
             "n_samples": int(pcm.shape[0]), "file": f"{case.name}.flac",
             "pcm_sha256": pcm_sha256(pcm),
             **pcm_metrics(pcm, bit_depth=case.bit_depth, sample_rate=case.sample_rate),
             "moodc_version": __version__, "platform": platform_fingerprint()}
    status, message = "new", f"recorded ({entry['loudness_lufs']:.2f} LUFS)"
    golden_file = golden_dir / entry["file"]
    if old is not None:
        if old["pcm_sha256"] == entry["pcm_sha256"]:
            status, message = "unchanged", "identical PCM"
        else:
            status = "changed"
            message = _change_summary(old, entry, pcm, golden_file, case=case)
    if status != "unchanged" or not golden_file.exists():
        with PcmWriter(golden_file, sample_rate=case.sample_rate, n_channels=pcm.shape[1],
                       fmt="flac", bit_depth=case.bit_depth, tags=None,  # type: ignore[arg-type]
                       force=True) as writer:
            writer.write(pcm)
        if pcm_sha256(read_pcm(golden_file)[0]) != entry["pcm_sha256"]:
            raise UsageError(f"{golden_file}: written PCM does not read back identically")
    return UpdateResult(case.name, status, message), entry


def _change_summary(old: dict[str, Any], new: dict[str, Any], pcm: np.ndarray,
                    golden_file: Path, *, case: Case) -> str:
    """How a re-recorded entry moved: sample metrics against the old PCM, plus loudness."""
    from moodc.audio_io import read_pcm

    parts = []
    if golden_file.exists():
        old_pcm = read_pcm(golden_file)[0]
        parts.append(compare_pcm(pcm, old_pcm, bit_depth=case.bit_depth,
                                 sample_rate=case.sample_rate).describe())
    parts.append(f"loudness {old['loudness_lufs']:.2f} -> {new['loudness_lufs']:.2f} LUFS")
    parts.append(f"true peak {old['true_peak_dbtp']:.2f} -> {new['true_peak_dbtp']:.2f} dBTP")
    if old.get("document_sha256") != new["document_sha256"]:
        parts.append("source document changed")
    return "; ".join(parts)
