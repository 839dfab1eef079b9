"""Golden-audio checks: the repository's goldens still match, and the checker is sharp
(catches -60 dBFS of added noise) without being brittle (1 LSB passes across platforms)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from tests.helpers import standin_synth as _standin_synth
from moodc import golden
from moodc.audio_io import read_pcm
from moodc.cli import cli
from moodc.config.load import load_document
from moodc.render import render_pcm

from tests.helpers import ROOT


def _standin_render(case: golden.Case, root: Path, seed: int | None) -> tuple[np.ndarray, Any]:
    source = root / case.source
    pcm, timeline, _ = render_pcm(load_document(source), base_dir=source.parent,
                                  duration_s=case.duration_s, seed=seed,
                                  stream_fn=_standin_synth.stream_config)
    return pcm, timeline


def _with_noise(level_dbfs: float, *, name: str):
    """A renderer that adds white noise at ``level_dbfs`` RMS to entry ``name`` only."""
    def render(case: golden.Case, root: Path, seed: int | None) -> tuple[np.ndarray, Any]:
        pcm, timeline = _standin_render(case, root, seed)
        if case.name == name:
            rng = np.random.default_rng(0)
            noise = rng.standard_normal(pcm.shape) * 32768 * 10 ** (level_dbfs / 20)
            pcm = np.clip(pcm + np.rint(noise), -32768, 32767).astype(np.int16)
        return pcm, timeline
    return render


def _plus_one_lsb(case: golden.Case, root: Path, seed: int | None) -> tuple[np.ndarray, Any]:
    """1-LSB flips on 0.1 % of samples: what float rounding on another platform looks like
    after seeded dither (a 1e-7 relative change moves ~1 sample in 1000 across a rounding
    edge). A 1-LSB change on *every* sample would be ~73 dB SNR and fail the 90 dB bound."""
    pcm, timeline = _standin_render(case, root, seed)
    bumped = pcm.copy()
    bumped[::997] = np.clip(bumped[::997].astype(int) + 1, -32768, 32767)
    return bumped, timeline


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """A project root with two coverage configs, recorded through the stand-in synth."""
    configs = tmp_path / "golden" / "configs"
    configs.mkdir(parents=True)
    (configs / "warm.yaml").write_text("version: 2\nroot: c\nseed: 1\n")
    (configs / "cool.yaml").write_text("version: 2\nroot: a\nmode: dorian\n")
    results = golden.update(tmp_path, render=_standin_render)
    assert [r.status for r in results] == ["new", "new"]
    return tmp_path


@pytest.mark.slow
def test_repository_goldens_match() -> None:
    """The real check: every golden entry re-rendered by the current synth (two processes)."""
    results = golden.check(ROOT, jobs=2)
    failed = [f"{r.name}: {r.message}" for r in results if not r.ok]
    assert results and not failed, "\n".join(failed)


def test_every_example_has_a_golden_entry() -> None:
    manifest = golden.load_manifest(ROOT / "golden")
    examples = {c.name for c in golden.discover_cases(ROOT) if c.source.startswith("examples/")}
    assert len(examples) >= 10
    missing = examples - set(manifest["entries"])
    assert not missing, f"run `moodc golden update` to record {sorted(missing)}"
    for entry in manifest["entries"].values():
        assert entry["duration_s"] <= 6.0
        assert {"pcm_sha256", "seed", "loudness_lufs", "peak_dbfs", "fingerprint",
                "moodc_version", "platform"} <= set(entry)


def test_manifest_records_pcm_metrics(recorded: Path) -> None:
    entry = golden.load_manifest(recorded / "golden")["entries"]["cover-warm"]
    pcm, _, _ = read_pcm(recorded / "golden" / entry["file"])
    assert golden.pcm_sha256(pcm) == entry["pcm_sha256"]
    assert entry["seed"] == 1 and entry["n_samples"] == pcm.shape[0]
    assert abs(entry["loudness_lufs"] - -14.0) < 0.5 and entry["true_peak_dbtp"] <= -1.0
    assert len(entry["fingerprint"]) == golden.FINGERPRINT_BANDS
    assert entry["platform"] == golden.platform_fingerprint()


def test_unchanged_renders_pass_exactly(recorded: Path) -> None:
    results = golden.check(recorded, render=_standin_render)
    assert [(r.name, r.ok, r.mode) for r in results] == [
        ("cover-cool", True, "exact"), ("cover-warm", True, "exact")]


@pytest.mark.slow
@pytest.mark.parametrize("other_platform", [False, True])
def test_checker_catches_minus_60_dbfs_noise(recorded: Path, other_platform: bool) -> None:
    platform_now = {"python": "0.0", "numpy": "0", "scipy": "0", "machine": "elsewhere",
                    "system": "x"} if other_platform else None
    results = golden.check(recorded, render=_with_noise(-60.0, name="cover-warm"),
                           platform_now=platform_now)
    by_name = {r.name: r for r in results}
    assert by_name["cover-cool"].ok
    bad = by_name["cover-warm"]
    assert not bad.ok
    assert bad.comparison is not None and bad.comparison.snr_db < 90
    assert bad.comparison.max_diff_lsb > 4 and bad.comparison.first_diff_s is not None
    assert "SNR" in bad.message and "max diff" in bad.message
    written = {Path(p).suffix for p in bad.artifacts}
    assert written == {".flac", ".png"}
    assert all(Path(p).is_file() for p in bad.artifacts)


@pytest.mark.slow
def test_one_lsb_passes_on_another_platform_but_not_on_the_same(recorded: Path) -> None:
    elsewhere = {"python": "9.9", "numpy": "9", "scipy": "9", "machine": "other",
                 "system": "x"}
    across = golden.check(recorded, render=_plus_one_lsb, platform_now=elsewhere)
    assert all(r.ok and r.mode == "tolerance" for r in across)
    assert all(r.comparison is not None and r.comparison.max_diff_lsb == 1 for r in across)
    same = golden.check(recorded, render=_plus_one_lsb)
    assert not any(r.ok for r in same)


def test_compare_pcm_metrics_are_exact_for_a_known_change() -> None:
    golden_pcm = np.zeros((44100, 2), np.int16)
    golden_pcm[:, 0] = (np.sin(np.arange(44100) * 0.05) * 10000).astype(np.int16)
    changed = golden_pcm.copy()
    changed[22050, 1] += 3
    comparison = golden.compare_pcm(changed, golden_pcm, bit_depth=16, sample_rate=44100)
    assert comparison.max_diff_lsb == 3
    assert comparison.first_diff_s == pytest.approx(0.5)
    assert not golden.compare_pcm(changed[:-1], golden_pcm, bit_depth=16,
                                  sample_rate=44100).same_length


@pytest.mark.slow
def test_update_and_check_in_two_processes_agree_with_one(recorded: Path,
                                                          tmp_path: Path) -> None:
    # the real renderer (picklable) on two real coverage configs, recorded twice over
    for name in ("warm", "cool"):
        (recorded / "golden" / f"cover-{name}.flac").unlink()
    manifest = golden.load_manifest(recorded / "golden")
    manifest["entries"].clear()
    golden.save_manifest(recorded / "golden", manifest)
    serial = golden.update(recorded, jobs=1)
    entries_serial = golden.load_manifest(recorded / "golden")["entries"]
    parallel = golden.update(recorded, jobs=2)
    assert [r.name for r in parallel] == [r.name for r in serial]
    assert [r.status for r in parallel] == ["unchanged", "unchanged"]
    entries_parallel = golden.load_manifest(recorded / "golden")["entries"]
    assert {k: v["pcm_sha256"] for k, v in entries_parallel.items()} == \
        {k: v["pcm_sha256"] for k, v in entries_serial.items()}
    assert [r.ok for r in golden.check(recorded, jobs=2)] == [True, True]


def test_update_says_what_changed(recorded: Path) -> None:
    results = golden.update(recorded, only=["cover-warm"],
                            render=_with_noise(-60.0, name="cover-warm"))
    assert [r.status for r in results] == ["changed"]
    assert "SNR" in results[0].message and "loudness" in results[0].message
    again = golden.update(recorded, only=["cover-warm"],
                          render=_with_noise(-60.0, name="cover-warm"))
    assert [r.status for r in again] == ["unchanged"]


def test_corrupt_golden_file_is_reported(recorded: Path) -> None:
    shutil.copy(recorded / "golden" / "cover-cool.flac", recorded / "golden" / "cover-warm.flac")
    results = golden.check(recorded, only=["cover-warm"],
                           render=_with_noise(-60.0, name="cover-warm"))
    assert not results[0].ok and results[0].mode == "reference-corrupt"
    assert "differs from the manifest too" in results[0].message


def _copy_of_repository_goldens(tmp_path: Path, names: list[str]) -> Path:
    """A project root holding a copy of golden/ (only ``names``) and their sources."""
    manifest = golden.load_manifest(ROOT / "golden")
    entries = {name: manifest["entries"][name] for name in names}
    (tmp_path / "golden").mkdir()
    for entry in entries.values():
        shutil.copy(ROOT / "golden" / entry["file"], tmp_path / "golden" / entry["file"])
        (tmp_path / entry["source"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / entry["source"], tmp_path / entry["source"])
    golden.save_manifest(tmp_path / "golden", {"entries": entries})
    return tmp_path


def _manifest_render(case: golden.Case, root: Path, seed: int | None) -> tuple[np.ndarray, Any]:
    """Stands in for the synth with the PCM the manifest promises (read from ROOT's golden),
    so these tests check the reference files, not the synth, in milliseconds."""
    pcm = read_pcm(ROOT / "golden" / f"{case.name}.flac")[0]
    return pcm, None


def _flip_one_sample(path: Path) -> None:
    """Re-encode ``path`` with one sample changed by one LSB (an edit, not a byte flip)."""
    import soundfile as sf

    pcm, sample_rate, _ = read_pcm(path)
    pcm = pcm.copy()
    pcm[1000, 0] += 1
    sf.write(str(path), pcm, sample_rate, subtype="PCM_16", format="FLAC")


@pytest.mark.parametrize("damage", ["edited", "truncated", "garbage", "deleted", "swapped"])
def test_damaged_reference_is_its_own_finding(tmp_path: Path, damage: str) -> None:
    root = _copy_of_repository_goldens(tmp_path, ["calm-ambient", "dark-cellar"])
    target = root / "golden" / "calm-ambient.flac"
    if damage == "edited":
        _flip_one_sample(target)
    elif damage == "truncated":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "garbage":
        target.write_bytes(b"\0" * 4096)
    elif damage == "deleted":
        target.unlink()
    else:  # half-updated: the file of another entry
        shutil.copy(root / "golden" / "dark-cellar.flac", target)
    results = {r.name: r for r in golden.check(root, render=_manifest_render)}
    assert results["dark-cellar"].ok and results["dark-cellar"].mode == "exact"
    bad = results["calm-ambient"]
    assert not bad.ok
    assert bad.mode == ("reference-missing" if damage == "deleted" else "reference-corrupt")
    assert "golden/calm-ambient.flac" in bad.message
    assert "golden update --only calm-ambient" in bad.message
    assert "the new render still matches the manifest" in bad.message


def test_intact_copy_of_the_goldens_passes(tmp_path: Path) -> None:
    names = sorted(golden.load_manifest(ROOT / "golden")["entries"])
    root = _copy_of_repository_goldens(tmp_path, names)
    results = golden.check(root, render=_manifest_render)
    assert len(results) == len(names) and all(r.ok and r.mode == "exact" for r in results)


def test_cli_reports_a_bad_reference_apart_from_changes(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy_of_repository_goldens(tmp_path, ["calm-ambient", "dark-cellar"])
    _flip_one_sample(root / "golden" / "dark-cellar.flac")
    monkeypatch.setattr(golden, "render_case", _manifest_render)
    result = CliRunner().invoke(cli, ["golden", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert "BAD REFERENCE dark-cellar: golden/dark-cellar.flac decodes to PCM sha256" in result.output
    assert "1 ok, 0 changed, 1 bad reference files" in result.output
    as_json = CliRunner().invoke(cli, ["golden", "check", "--root", str(root), "--format", "json"])
    modes = {r["name"]: r["mode"] for r in json.loads(as_json.output)}
    assert as_json.exit_code == 1 and modes == {"calm-ambient": "exact",
                                                "dark-cellar": "reference-corrupt"}


@pytest.mark.slow
def test_cli_check_exit_codes_and_unknown_names(recorded: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # renderers patched in this process: check here, not in worker processes
    monkeypatch.setattr(golden, "render_case", _standin_render)
    runner = CliRunner()
    ok = runner.invoke(cli, ["golden", "check", "--jobs", "1", "--root", str(recorded)])
    assert ok.exit_code == 0, ok.output
    assert "cover-warm" in ok.output
    unknown = runner.invoke(cli, ["golden", "check", "--jobs", "1", "--root", str(recorded), "--only", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output
    monkeypatch.setattr(golden, "render_case", _with_noise(-60.0, name="cover-warm"))
    changed = runner.invoke(cli, ["golden", "check", "--jobs", "1", "--root", str(recorded)])
    assert changed.exit_code == 1 and "FAIL cover-warm" in changed.output
    assert "1 ok, 1 changed" in changed.output and "bad reference" not in changed.output
    # a manifest edited by hand no longer describes its file: a reference finding
    manifest = json.loads((recorded / "golden" / "manifest.json").read_text())
    manifest["entries"]["cover-cool"]["pcm_sha256"] = "0" * 64
    (recorded / "golden" / "manifest.json").write_text(json.dumps(manifest))
    edited = runner.invoke(cli, ["golden", "check", "--jobs", "1", "--root", str(recorded), "--only",
                                 "cover-cool"])
    assert edited.exit_code == 1 and "BAD REFERENCE cover-cool" in edited.output


def test_check_without_a_manifest_is_an_error_not_a_silent_pass(tmp_path: Path) -> None:
    from moodc.errors import UsageError

    with pytest.raises(UsageError, match="manifest.json"):
        golden.check(tmp_path)
