"""Batches: folders keep their structure, bad documents are collected, up-to-date outputs are
skipped (resume), and every executor writes the same bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from moodc import batch
from moodc.errors import UsageError
from tests.helpers import EXAMPLES

OPTIONS = batch.RenderOptions(duration_s=0.6)
WAV = batch.RenderOptions(fmt="wav", duration_s=0.6)
CORPUS = ("calm-ambient.yaml", "lofi-study.yaml", "palettes/bossa-cafe.yaml")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three real examples (one in a subfolder) copied into a folder of their own."""
    folder = tmp_path / "docs"
    for name in CORPUS:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def _pcm_hash(path: Path) -> str:
    data, _ = sf.read(str(path), dtype="int16")
    return hashlib.sha256(np.ascontiguousarray(data).tobytes()).hexdigest()


def test_plan_mirrors_the_folders_and_refuses_colliding_outputs(corpus: Path,
                                                                tmp_path: Path) -> None:
    jobs = batch.plan_batch([corpus], out_dir=tmp_path / "out", options=WAV)
    assert [j.out.relative_to(tmp_path / "out").as_posix() for j in jobs] == [
        "calm-ambient.wav", "lofi-study.wav", "palettes/bossa-cafe.wav"]
    twin = tmp_path / "other" / "calm-ambient.yaml"
    twin.parent.mkdir()
    shutil.copy(EXAMPLES / "sunny-morning.yaml", twin)
    with pytest.raises(UsageError, match="would both render to"):
        batch.plan_batch([corpus / "calm-ambient.yaml", twin], out_dir=tmp_path / "o", options=WAV)
    with pytest.raises(UsageError, match="does not exist"):
        batch.plan_batch([tmp_path / "missing"], out_dir=tmp_path / "o", options=WAV)


def test_workers_write_the_bytes_one_process_writes(corpus: Path, tmp_path: Path) -> None:
    jobs_1 = batch.plan_batch([corpus], out_dir=tmp_path / "one", options=OPTIONS)
    jobs_2 = batch.plan_batch([corpus], out_dir=tmp_path / "two", options=OPTIONS)
    assert {o.status for o in batch.run_batch(jobs_1, OPTIONS, n_workers=1)} == {"rendered"}
    assert {o.status for o in batch.run_batch(jobs_2, OPTIONS, n_workers=2)} == {"rendered"}
    for a, b in zip(jobs_1, jobs_2):
        assert _pcm_hash(a.out) == _pcm_hash(b.out)


def test_an_interrupted_batch_resumes_and_force_renders_again(corpus: Path,
                                                              tmp_path: Path) -> None:
    jobs = batch.plan_batch([corpus], out_dir=tmp_path / "out", options=OPTIONS)
    batch.run_batch(jobs, OPTIONS, n_workers=1)
    jobs[1].out.unlink()  # as if the batch had stopped before this one
    (corpus / "calm-ambient.yaml").write_text(
        (corpus / "calm-ambient.yaml").read_text().replace("tempo: very_slow", "tempo: slow"))
    outcomes = batch.run_batch(jobs, OPTIONS, n_workers=1)
    assert [o.status for o in outcomes] == ["rendered", "rendered", "up-to-date"]
    # a different length or seed is a different render, not an up-to-date one
    longer = batch.RenderOptions(duration_s=0.8)  # same format (flac), other length
    assert batch.run_batch(jobs[2:], longer, n_workers=1)[0].status == "rendered"
    forced = batch.run_batch(jobs, longer, n_workers=1, force=True)
    assert [o.status for o in forced] == ["rendered"] * 3


def test_a_bad_document_is_collected_and_the_rest_render(corpus: Path, tmp_path: Path) -> None:
    (corpus / "broken.yaml").write_text("version: 2\ntempo: fastt\n")
    (corpus / "notes.txt").write_text("not a document")
    jobs = batch.plan_batch([corpus], out_dir=tmp_path / "out", options=WAV)
    outcomes = batch.run_batch(jobs, WAV, n_workers=2)
    status = {o.source.name: o.status for o in outcomes}
    assert status == {"broken.yaml": "failed", "calm-ambient.yaml": "rendered",
                      "lofi-study.yaml": "rendered", "bossa-cafe.yaml": "rendered"}
    failed = next(o for o in outcomes if o.status == "failed")
    assert "invalid document" in failed.message and "fastt" in failed.message
    assert not (tmp_path / "out" / "broken.wav").exists()
    assert batch.summarise(outcomes) == {"rendered": 3, "up-to-date": 0, "failed": 1}


def test_unknown_executor_and_worker_count_are_usage_errors(corpus: Path,
                                                            tmp_path: Path) -> None:
    jobs = batch.plan_batch([corpus], out_dir=tmp_path, options=WAV)
    with pytest.raises(UsageError, match="unknown executor 'ray'"):
        batch.run_batch(jobs, OPTIONS, n_workers=1, executor="ray")
    with pytest.raises(UsageError, match="0 workers"):
        batch.run_batch(jobs, OPTIONS, n_workers=0)


@pytest.mark.slow
def test_a_two_worker_dask_cluster_writes_the_local_bytes(corpus: Path, tmp_path: Path) -> None:
    local = batch.plan_batch([corpus], out_dir=tmp_path / "local", options=OPTIONS)
    dask = batch.plan_batch([corpus], out_dir=tmp_path / "dask", options=OPTIONS)
    batch.run_batch(local, OPTIONS, n_workers=1)
    outcomes = batch.run_batch(dask, OPTIONS, n_workers=2, executor="dask")
    assert [o.status for o in outcomes] == ["rendered"] * 3
    for a, b in zip(local, dask):
        assert _pcm_hash(a.out) == _pcm_hash(b.out)
    again = batch.run_batch(dask, OPTIONS, n_workers=2, executor="dask")
    assert [o.status for o in again] == ["up-to-date"] * 3


def _cli(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-m", "moodc.cli", "render", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_batch_reports_failures_in_a_table_and_exits_1(corpus: Path, tmp_path: Path) -> None:
    (corpus / "broken.yaml").write_text("version: 2\ntempo: fastt\n")
    done = _cli(str(corpus), "-o", str(tmp_path / "out"), "--duration", "0.6", "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert "3 rendered, 0 up to date, 1 failed" in done.stdout
    assert f"moodc: error: {corpus / 'broken.yaml'}: " in done.stderr
    assert "Traceback" not in done.stderr
    again = _cli(str(corpus), "-o", str(tmp_path / "out"), "--duration", "0.6", "--json")
    report = json.loads(again.stdout)
    assert report["summary"] == {"rendered": 0, "up-to-date": 3, "failed": 1}
    assert _cli(str(corpus), "-o", "-").returncode == 2


@pytest.mark.slow
def test_a_batch_stopped_by_sigterm_leaves_no_parts_or_workers_and_resumes(
        corpus: Path, tmp_path: Path) -> None:
    for name in ("sunny-morning.yaml", "dark-cellar.yaml", "8bit-adventure.yaml"):
        shutil.copy(EXAMPLES / name, corpus / name)
    out = tmp_path / "out"
    args = [sys.executable, "-m", "moodc.cli", "render", str(corpus), "-o", str(out),
            "--duration", "25", "--jobs", "2"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(out.rglob("*.flac")) and time.monotonic() < deadline:
        time.sleep(0.2)  # stop it once the first document is done, mid-batch
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    time.sleep(1.0)
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    finished = {p.name for p in out.rglob("*.flac")}
    assert 1 <= len(finished) < 6
    resumed = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=300)
    summary = json.loads(resumed.stdout)["summary"]
    assert summary == {"rendered": 6 - len(finished), "up-to-date": len(finished), "failed": 0}


def _pid_and_square(x: int) -> tuple[int, int]:
    """A pool task that takes a while (so both workers get some) and says who ran it."""
    import os

    time.sleep(0.4)
    if x < 0:
        raise ValueError(f"negative item {x}")
    return os.getpid(), x * x


@pytest.mark.slow
def test_two_workers_are_this_process_and_one_spawned_each_item_once() -> None:
    import os

    items = list(range(10))
    done = list(batch.map_in_processes(_pid_and_square, items, n_workers=2))
    assert sorted(index for index, _ in done) == items  # every item, exactly once
    assert all(square == index * index for index, (_, square) in done)
    pids = {pid for _, (pid, _) in done}
    assert os.getpid() in pids and len(pids) == 2  # this process worked, and one other


@pytest.mark.slow
def test_an_error_in_any_worker_ends_the_map_with_it() -> None:
    with pytest.raises(ValueError, match="negative item -1"):
        list(batch.map_in_processes(_pid_and_square, [3, 4, 5, 6, -1, 7, 8, 9],
                                    n_workers=2))


@pytest.mark.parametrize(("n_workers", "n_documents", "threads"),
                         [(1, 5, 1), (2, 9, 1), (2, 1, 2), (4, 2, 2), (4, 3, 1), (3, 0, 3)])
def test_a_batch_keeps_to_its_cores(n_workers: int, n_documents: int, threads: int) -> None:
    """--jobs N means N cores: one per document at once, all N for a batch of one."""
    assert batch.document_jobs(n_workers=n_workers, n_documents=n_documents) == threads
