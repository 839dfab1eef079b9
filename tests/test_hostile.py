"""The hostile-input corpus (issue 17): the real CLI against bad paths, odd numbers, endless
inputs, signals and broken stdout.

Every case runs ``python -m moodc.cli`` in a fresh folder and asserts the exit code, a
one-line ``moodc: error:`` message (at most a hint after it) with no traceback, and the file
system afterwards: named files unchanged, nothing at paths that must stay empty, and no
``.part`` temp file anywhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: Slow lane: this module runs the real CLI in ~100 subprocesses (the hostile-input corpus).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "examples" / "calm-ambient.yaml").read_text(encoding="utf-8")
BUCKET = {"version": 1, "start": "2026-03-02T08:00:00Z", "end": "2026-03-02T08:01:00Z",
          "keys": 10, "active_s": 60.0, "idle_s": 0.0, "apps": {"Code": 60.0}}
REPLAY = {"steps": [{"t": 0.05, "app": "Code", "title": "t", "window": 1},
                    {"t": 0.1, "keys": 7, "corrections": 2, "mouse_px": 40.0}]}


def _env(root: Path) -> dict[str, str]:
    env = dict(os.environ, XDG_CONFIG_HOME=str(root / ".config"),
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("DISPLAY", None)
    return env


def run_cli(root: Path, args: list[str], *, timeout: float = 60, stdout: object = None,
            prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    command = (prefix or [sys.executable, "-m", "moodc.cli"]) + args
    return subprocess.run(command, cwd=root, env=_env(root), timeout=timeout, text=True,
                          stdout=stdout if stdout is not None else subprocess.PIPE,
                          stderr=subprocess.PIPE)


# --------------------------------------------------------------------------------------
# Fixtures of a case: files written into the case's folder
# --------------------------------------------------------------------------------------

def doc(name: str = "doc.yaml", text: str = DOC) -> Callable[[Path], None]:
    return lambda root: (root / name).write_text(text, encoding="utf-8")


def fifo(name: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / name)


def folder(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).mkdir()


def loop(name: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.symlink(f"{name}.b", root / name)
        os.symlink(name, root / f"{name}.b")
    return make


def log(name: str, *lines: object) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n"
                       for line in lines)
        (root / name).write_text(text, encoding="utf-8")
    return make


def score(name: str, sections: list, **top: object) -> Callable[[Path], None]:
    return doc(name, json.dumps({"version": 2, **top, "sections": sections}))


def raw(name: str, text: str) -> Callable[[Path], None]:
    return doc(name, text)


def nan_in(field_path: str) -> str:
    """A score with ``.nan`` at one numeric field (YAML)."""
    values = {"duration": 4, "fade_in": 0.5, "length": 1, "bpm": 90}
    key = field_path.split(".")[-1]
    values[key] = ".nan"
    return (f"version: 2\nfade_in: {values['fade_in']}\nsections:\n"
            f"  - duration: {values['duration']}\n    config: {{bpm: {values['bpm']}}}\n"
            f"  - duration: 4\n    config: {{}}\n    transition: {{length: {values['length']}}}\n")


@dataclass
class Case:
    id: str
    args: list[str]
    code: int
    message: str | None = None
    setup: list[Callable[[Path], None]] = field(default_factory=list)
    unchanged: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    check: Callable[[Path, subprocess.CompletedProcess], None] | None = None


R = ["--duration", "0.5"]
G = ["--engine", "concepts"]
LONG = "n" * 300 + ".yaml"


def _is_chr(path: str) -> Callable[[Path, subprocess.CompletedProcess], None]:
    return lambda root, result: stat.S_ISCHR(os.stat(path).st_mode) or pytest.fail(path)


def _is_fifo(name: str) -> Callable[[Path, subprocess.CompletedProcess], None]:
    return lambda root, result: stat.S_ISFIFO(os.stat(root / name).st_mode) or pytest.fail(name)


def _flac_on_stdout(root: Path, result: subprocess.CompletedProcess) -> None:
    assert (root / "out.bin").read_bytes()[:4] == b"fLaC"


def _mode_0644(name: str) -> Callable[[Path, subprocess.CompletedProcess], None]:
    def check(root: Path, result: subprocess.CompletedProcess) -> None:
        assert stat.S_IMODE(os.stat(root / name).st_mode) == 0o644
    return check


def _no_traceback_word(word: str) -> Callable[[Path, subprocess.CompletedProcess], None]:
    def check(root: Path, result: subprocess.CompletedProcess) -> None:
        assert word not in result.stderr
    return check


def _validates(name: str) -> Callable[[Path, subprocess.CompletedProcess], None]:
    def check(root: Path, result: subprocess.CompletedProcess) -> None:
        again = run_cli(root, ["validate", name])
        assert again.returncode == 0, again.stdout + again.stderr
    return check


def _short_stderr(root: Path, result: subprocess.CompletedProcess) -> None:
    assert len(result.stderr) < 400, result.stderr[:400]


def _docs_folder(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "docs" / "a.yaml").write_text(DOC, encoding="utf-8")


def _lists_replay(root: Path, result: subprocess.CompletedProcess) -> None:
    assert "--replay" in result.stdout


def _no_matches(root: Path, result: subprocess.CompletedProcess) -> None:
    assert "0 concepts" in result.stdout


FOUR_HOURS = [dict(BUCKET, start=f"2026-03-02T{8 + m // 60:02d}:{m % 60:02d}:00Z",
                   end=f"2026-03-02T{8 + (m + 1) // 60:02d}:{(m + 1) % 60:02d}:00Z")
              for m in range(240)]
AW_HUGE = {"buckets": {"afk": {"type": "afkstatus", "events": [
    {"timestamp": "2026-03-02T08:00:00Z", "duration": 1e12, "data": {"status": "not-afk"}}]}}}
GOLDEN_OK_ENTRY = {"source": "examples/x.yaml", "file": "x.flac", "pcm_sha256": "0" * 64,
                   "seed": 1, "duration_s": 1.0, "sample_rate": 44100, "bit_depth": 16}

CASES: list[Case] = [
    # ---- render: where the output goes -------------------------------------------------
    Case("render-dev-null-force", ["render", "doc.yaml", *R, "-o", "/dev/null", "--force"], 2,
         "character device", [doc()], check=_is_chr("/dev/null")),
    Case("render-fifo-force", ["render", "doc.yaml", *R, "-o", "p.wav", "--force"], 2,
         "named pipe", [doc(), fifo("p.wav")], check=_is_fifo("p.wav")),
    Case("render-onto-its-input", ["render", "doc.yaml", "-o", "doc.yaml", "--force",
                                   "--format", "wav"], 2, "input of this run", [doc()],
         unchanged=("doc.yaml",)),
    Case("render-onto-a-section-file", ["render", "s.json", "-o", "part.yaml", "--force",
                                        "--format", "wav"], 2, "input of this run",
         [doc("part.yaml"), score("s.json", [{"duration": 5, "config": "part.yaml"}])],
         unchanged=("part.yaml", "s.json")),
    Case("render-into-new-folder-slash", ["render", "doc.yaml", *R, "-o", "newdir/"], 0, None,
         [doc()], present=("newdir/doc.flac",), absent=("newdir.flac",)),
    Case("render-into-existing-folder", ["render", "doc.yaml", *R, "-o", "out"], 0, None,
         [doc(), folder("out")], present=("out/doc.flac",)),
    Case("render-existing-no-force", ["render", "doc.yaml", *R, "-o", "old.wav"], 2,
         "already exists", [doc(), raw("old.wav", "keep me")], unchanged=("old.wav",)),
    Case("render-parent-is-a-file", ["render", "doc.yaml", *R, "-o", "old.wav/x.wav"], 2,
         "Not a directory", [doc(), raw("old.wav", "keep me")], unchanged=("old.wav",)),
    Case("render-name-too-long", ["render", "doc.yaml", *R, "-o", "n" * 300 + ".wav"], 2,
         "too long", [doc()]),
    Case("render-output-mode", ["render", "doc.yaml", *R, "-o", "o.wav"], 0, None, [doc()],
         check=_mode_0644("o.wav")),
    Case("render-nan-document", ["render", "nan.yaml", *R, "-o", "n.wav"], 1, "invalid document",
         [raw("nan.yaml", "version: 2\nduration: .nan\n")], absent=("n.wav",)),
    Case("render-section-is-fifo", ["render", "s.json", "-o", "x.wav"], 1, "invalid document",
         [fifo("p.yaml"), score("s.json", [{"duration": 1, "config": "p.yaml"}])],
         absent=("x.wav",)),
    Case("render-symlink-loop", ["render", "l.yaml", "-o", "x.wav"], 2, "symbolic links",
         [loop("l.yaml")], absent=("x.wav",)),
    # ---- validate: one set of rules ----------------------------------------------------
    *[Case(f"validate-nan-{where}", ["validate", "n.yaml"], 1, "not a finite number",
           [raw("n.yaml", nan_in(where))]) for where in
      ("sections.duration", "fade_in", "transition.length", "config.bpm")],
    Case("validate-nan-config-duration", ["validate", "n.yaml"], 1, "not a finite number",
         [raw("n.yaml", "version: 2\nduration: .nan\n")]),
    Case("validate-infinite-bpm", ["validate", "n.yaml"], 1, "not a finite number",
         [raw("n.yaml", "version: 2\nbpm: .inf\n")]),
    Case("validate-implicit-crossfade", ["validate", "s.json"], 1, "default transition",
         [score("s.json", [{"duration": 1.5, "config": {}}, {"duration": 1.5, "config": {}}],
                fade_in=0, fade_out=0)]),
    Case("validate-5000-digit-json", ["validate", "b.json"], 1, "digits",
         [raw("b.json", '{"version": 2, "seed": 1' + "0" * 5000 + "}")],
         check=_no_traceback_word("set_int_max_str_digits")),
    Case("validate-5000-digit-yaml", ["validate", "b.yaml"], 1, "digits",
         [raw("b.yaml", "version: 2\nseed: 1" + "0" * 5000 + "\n")],
         check=_no_traceback_word("set_int_max_str_digits")),
    Case("validate-version-string", ["validate", "v.yaml"], 1, "remove the quotes",
         [raw("v.yaml", 'version: "2"\n')]),
    Case("validate-custom-tag", ["validate", "t.yaml"], 1, "YAML tag !custom",
         [raw("t.yaml", "version: 2\ntempo: !custom slow\n")],
         check=_no_traceback_word("did you mean")),
    Case("validate-600-sections", ["validate", "s.json"], 1, "at most 500",
         [score("s.json", [{"duration": 1, "config": {}, "transition": {"kind": "cut"}}] * 600)],
         check=lambda root, result: len(result.stdout) < 300 or pytest.fail(result.stdout[:300])),
    Case("validate-symlink-loop", ["validate", "l.yaml"], 2, "symbolic links", [loop("l.yaml")]),
    Case("validate-section-is-folder", ["validate", "s.json"], 1, "is a folder",
         [folder("d.yaml"), score("s.json", [{"duration": 1, "config": "d.yaml"}])]),
    Case("validate-fifo", ["validate", "p.yaml"], 2, "named pipe", [fifo("p.yaml")]),
    Case("validate-dev-zero", ["validate", "/dev/zero"], 2, "character device"),
    # ---- gen: outputs ------------------------------------------------------------------
    Case("gen-dev-null-force", ["gen", "rain", *G, "-o", "/dev/null", "--force"], 2,
         "character device", check=_is_chr("/dev/null")),
    Case("gen-fifo-force", ["gen", "rain", *G, "-o", "p.yaml", "--force"], 2, "named pipe",
         [fifo("p.yaml")], check=_is_fifo("p.yaml")),
    Case("gen-existing-dir-force", ["gen", "rain", *G, "-o", "d", "--force"], 0, None,
         [folder("d")], present=("d/rain.yaml",)),
    Case("gen-parent-is-file", ["gen", "rain", *G, "-o", "f/x.yaml"], 2, "Not a directory",
         [raw("f", "keep")], unchanged=("f",)),
    Case("gen-name-too-long", ["gen", "rain", *G, "-o", LONG], 2, "too long"),
    Case("gen-output-mode", ["gen", "rain", *G, "-o", "g.yaml"], 0, None,
         check=_mode_0644("g.yaml")),
    Case("gen-batch-dev-zero", ["gen", "--batch", "/dev/zero", "-o", "out/"], 2,
         "character device", absent=("out",)),
    Case("gen-batch-fifo", ["gen", "--batch", "p.txt", "-o", "out/"], 2, "named pipe",
         [fifo("p.txt")], absent=("out",)),
    Case("gen-batch-onto-file", ["gen", "--batch", "b.txt", "-o", "b.txt", "--force"], 2,
         "not a folder", [raw("b.txt", "rain\n")], unchanged=("b.txt",)),
    Case("gen-compress-without-log", ["gen", "rain", "--compress", "1h=1s"], 2,
         "--compress: does not apply"),
    Case("gen-explain-with-log", ["gen", "--from-log", "l.jsonl", "--explain"], 2,
         "--explain: does not apply", [log("l.jsonl", BUCKET)]),
    # ---- gen --from-log: inputs ------------------------------------------------------
    Case("log-missing", ["gen", "--from-log", "missing.jsonl"], 2, "no such file"),
    Case("log-dev-zero", ["gen", "--from-log", "/dev/zero"], 2, "character device"),
    Case("log-fifo", ["gen", "--from-log", "p.jsonl"], 2, "named pipe", [fifo("p.jsonl")]),
    Case("log-symlink-loop", ["gen", "--from-log", "l.jsonl"], 2, "symbolic links",
         [loop("l.jsonl")]),
    Case("log-folder", ["gen", "--from-log", "d"], 2, "folder", [folder("d")]),
    Case("log-nested-dict-in-apps", ["gen", "--from-log", "l.jsonl"], 1, "apps",
         [log("l.jsonl", dict(BUCKET, apps={"code": {"a": 1}}))]),
    Case("log-nested-dict-count", ["gen", "--from-log", "l.jsonl"], 1, "keys",
         [log("l.jsonl", dict(BUCKET, keys={"a": 1}))]),
    Case("log-utc-offset-huge", ["gen", "--from-log", "l.jsonl"], 1, "utc_offset_s",
         [log("l.jsonl", dict(BUCKET, utc_offset_s=1e12))]),
    Case("log-utc-offset-nan", ["gen", "--from-log", "l.jsonl"], 1, "utc_offset_s",
         [log("l.jsonl", json.dumps(BUCKET)[:-1] + ',"utc_offset_s":NaN}')]),
    Case("log-nan-rate", ["gen", "--from-log", "l.jsonl"], 1, "mouse_px",
         [log("l.jsonl", json.dumps(BUCKET)[:-1] + ',"mouse_px":NaN}')]),
    Case("log-negative-seconds", ["gen", "--from-log", "l.jsonl"], 1, "active_s",
         [log("l.jsonl", dict(BUCKET, active_s=-5))]),
    Case("log-deep-brackets", ["gen", "--from-log", "l.jsonl"], 1, "nested too deeply",
         [log("l.jsonl", "[" * 100_000, BUCKET)]),
    Case("log-5000-digits", ["gen", "--from-log", "l.jsonl"], 1, "digits",
         [log("l.jsonl", json.dumps(BUCKET)[:-1] + ',"clicks":1' + "0" * 5000 + "}", BUCKET)],
         check=_no_traceback_word("set_int_max_str_digits")),
    Case("log-century-bucket", ["gen", "--from-log", "l.jsonl"], 1, "more than a day",
         [log("l.jsonl", dict(BUCKET, end="2126-03-02T08:00:00Z"))]),
    Case("aw-event-1e12-seconds", ["gen", "--from-log", "aw.json", "-o", "s.yaml"], 0,
         "clipped", [raw("aw.json", json.dumps(AW_HUGE))], present=("s.yaml",)),
    Case("log-4h-compress-1h-30m", ["gen", "--from-log", "l.jsonl", "--compress", "1h=30m",
                                    "-o", "s.yaml"], 0, None, [log("l.jsonl", *FOUR_HOURS)],
         check=_validates("s.yaml")),
    Case("log-onto-itself", ["gen", "--from-log", "l.jsonl", "-o", "l.jsonl", "--force"], 2,
         "input of this run", [log("l.jsonl", BUCKET)], unchanged=("l.jsonl",)),
    # ---- tween -------------------------------------------------------------------------
    Case("tween-onto-source", ["tween", "a.yaml", "b.yaml", "-o", "a.yaml", "--force"], 2,
         "input of this run", [doc("a.yaml"), doc("b.yaml")], unchanged=("a.yaml", "b.yaml")),
    Case("tween-dev-null", ["tween", "a.yaml", "b.yaml", "-o", "/dev/null", "--force"], 2,
         "character device", [doc("a.yaml"), doc("b.yaml")], check=_is_chr("/dev/null")),
    Case("tween-nan-source", ["tween", "a.yaml", "n.yaml"], 1, "not a finite number",
         [doc("a.yaml"), raw("n.yaml", "version: 2\nbpm: .nan\n")]),
    Case("tween-section-duration-without-steps", ["tween", "a.yaml", "b.yaml",
                                                  "--section-duration", "5"], 2,
         "--section-duration: does not apply", [doc("a.yaml"), doc("b.yaml")]),
    Case("tween-underscore-weight", ["tween", "a.yaml", "b.yaml", "--weights", "1_0,2"], 2,
         "not a number", [doc("a.yaml"), doc("b.yaml")]),
    Case("tween-into-folder", ["tween", "a.yaml", "b.yaml", "-o", "t/"], 0, None,
         [doc("a.yaml"), doc("b.yaml")], present=("t/tween.yaml",), check=_mode_0644("t/tween.yaml")),
    # ---- record ------------------------------------------------------------------------
    Case("record-duration-inf", ["record", "--backend", "replay", "--replay", "r.json",
                                 "--duration", "inf", "-o", "l.jsonl"], 2, "finite",
         [raw("r.json", json.dumps(REPLAY))], absent=("l.jsonl",)),
    Case("record-onto-symlink", ["record", "--backend", "replay", "--replay", "r.json",
                                 "--duration", "0.2", "-o", "link.jsonl"], 2, "symbolic link",
         [raw("r.json", json.dumps(REPLAY)), raw("target.txt", "keep"),
          lambda root: os.symlink("target.txt", root / "link.jsonl")],
         unchanged=("target.txt",)),
    Case("record-onto-fifo", ["record", "--backend", "replay", "--replay", "r.json",
                              "--duration", "0.2", "-o", "p.jsonl"], 2, "named pipe",
         [raw("r.json", json.dumps(REPLAY)), fifo("p.jsonl")]),
    Case("record-help-lists-replay", ["record", "--help"], 0, None, check=_lists_replay),
    # ---- golden, concepts, bench ---------------------------------------------------------
    Case("golden-manifest-list", ["golden", "check", "--root", "."], 2, "manifest format",
         [folder("golden"), raw("golden/manifest.json", "[]")]),
    Case("golden-manifest-seed-abc", ["golden", "check", "--root", "."], 2, "seed",
         [folder("golden"), raw("golden/manifest.json", json.dumps(
             {"format": 1, "entries": {"x": dict(GOLDEN_OK_ENTRY, seed="abc")}}))]),
    Case("golden-manifest-5000-digits", ["golden", "check", "--root", "."], 2, "digits",
         [folder("golden"), raw("golden/manifest.json",
                                '{"format": 1, "entries": {"x": {"seed": 1' + "0" * 5000 + "}}}")],
         check=_no_traceback_word("set_int_max_str_digits")),
    Case("concepts-emoji", ["concepts", "🌧"], 1, "no concept matches", check=_no_matches),
    Case("concepts-arabic", ["concepts", "عربي"], 1, "no concept matches", check=_no_matches),
    Case("bench-runs-0", ["bench", "--runs", "0"], 2, "--runs"),
    Case("render-executor-one-file", ["render", "docs/a.yaml", "--executor", "dask"], 2,
         "applies to a batch", setup=[_docs_folder]),
    Case("render-batch-to-stdout", ["render", "docs", "-o", "-"], 2,
         "cannot go to standard output", setup=[_docs_folder]),
    Case("render-batch-unknown-executor", ["render", "docs", "--executor", "ray"], 2,
         "unknown executor 'ray'", setup=[_docs_folder]),
]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def _parts(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.part")]


def assert_clean_error(result: subprocess.CompletedProcess, *, code: int,
                       message: str | None) -> None:
    """Exit code, no traceback, and (for an error) one message line plus at most a hint."""
    shown = f"exit {result.returncode}\nstdout: {result.stdout[:500]}\nstderr: {result.stderr[:2000]}"
    assert result.returncode == code, shown
    assert "Traceback" not in result.stderr and "Traceback" not in (result.stdout or ""), shown
    if message is not None:
        assert message in result.stderr + (result.stdout or ""), shown
    if code == 2:
        errors = [line for line in result.stderr.splitlines()
                  if line.startswith(("moodc: error:", "Error:"))]  # ours, or click's usage
        assert len(errors) == 1, shown
        if errors[0].startswith("moodc: error:"):
            after = result.stderr.split(errors[0], 1)[1].strip("\n").splitlines()
            assert all(line.startswith("  hint:") for line in after), shown


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    for make in case.setup:
        make(tmp_path)
    before = {name: _digest(tmp_path / name) for name in case.unchanged}
    result = run_cli(tmp_path, case.args, timeout=90)
    assert_clean_error(result, code=case.code, message=case.message)
    for name, digest in before.items():
        assert _digest(tmp_path / name) == digest, f"{name} was changed"
    for name in case.absent:
        assert not (tmp_path / name).exists(), f"{name} was written"
    for name in case.present:
        assert (tmp_path / name).is_file(), f"{name} was not written"
    assert not _parts(tmp_path), _parts(tmp_path)
    if case.check is not None:
        case.check(tmp_path, result)


# --------------------------------------------------------------------------------------
# Standard output that breaks, or is the output
# --------------------------------------------------------------------------------------

STDOUT_CASES = [["--help"], ["schema"], ["concepts"], ["validate", "doc.yaml"],
                ["gen", "rain", *G], ["render", "--help"]]


@pytest.mark.parametrize("args", STDOUT_CASES, ids=[" ".join(a) for a in STDOUT_CASES])
def test_full_stdout_ends_quietly(args: list[str], tmp_path: Path) -> None:
    doc()(tmp_path)
    with open("/dev/full", "w") as full:
        result = run_cli(tmp_path, args, stdout=full)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert result.stderr.count("\n") <= 1


@pytest.mark.parametrize("args", [["schema"], ["concepts"]], ids=["schema", "concepts"])
def test_closed_pipe_ends_quietly(args: list[str], tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "moodc.cli", *args], cwd=tmp_path,
                            env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(1)
    proc.stdout.close()  # the reader goes away, as `| head -c1` does
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (0, 1)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr and not stderr


def test_render_to_stdout(tmp_path: Path) -> None:
    doc()(tmp_path)
    with open(tmp_path / "out.bin", "wb") as out:
        result = subprocess.run([sys.executable, "-m", "moodc.cli", "render", "doc.yaml", *R,
                                 "-o", "-"], cwd=tmp_path, env=_env(tmp_path), stdout=out,
                                stderr=subprocess.PIPE, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    _flac_on_stdout(tmp_path, result)
    assert not (tmp_path / "-").exists() and not _parts(tmp_path)


# --------------------------------------------------------------------------------------
# Temp files: signals and stale leftovers
# --------------------------------------------------------------------------------------

def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_part_of_a_dead_writer_is_swept(tmp_path: Path) -> None:
    doc()(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".doc.flac.{_dead_pid():08x}abcd1234.part"
    old = out / ".other.wav.0123456789ab.part"  # an old-style name, two hours old
    foreign = out / ".notes.txt.part"  # not a moodc name: never touched
    for path in (stale, old, foreign):
        path.write_bytes(b"x" * 1000)
    hour_ago = time.time() - 2 * 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(stale, (time.time() - 60, time.time() - 60))
    result = run_cli(tmp_path, ["render", "doc.yaml", *R, "-o", "out/"])
    assert result.returncode == 0, result.stderr
    assert not stale.exists() and not old.exists() and foreign.exists()


def _communicate_or_dump(proc: subprocess.Popen, *, timeout_s: float) -> str:
    """The process's stderr once it ends; if it has not ended within ``timeout_s``, a
    failure whose message holds every thread's stack (the child runs with
    ``PYTHONFAULTHANDLER``, which dumps them on SIGABRT), so a hang says where it hangs."""
    try:
        return proc.communicate(timeout=timeout_s)[1]
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        try:
            stderr = proc.communicate(timeout=10)[1]
        except subprocess.TimeoutExpired:
            proc.kill()
            stderr = proc.communicate()[1]
        pytest.fail(f"still running {timeout_s:.0f} s after the signal; its threads:\n"
                    f"{stderr[-6000:]}")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
                         ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_signal_during_write_leaves_no_part(signum: int, tmp_path: Path) -> None:
    doc()(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "moodc.cli", "render", "doc.yaml",
                             "--duration", "240", "-o", "out.wav"], cwd=tmp_path,
                            env={**_env(tmp_path), "PYTHONFAULTHANDLER": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not _parts(tmp_path) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert _parts(tmp_path), "the write phase never started"
    proc.send_signal(signum)
    stderr = _communicate_or_dump(proc, timeout_s=60)
    assert proc.returncode == 128 + signum or proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not _parts(tmp_path) and not (tmp_path / "out.wav").exists()


def test_sighup_keeps_the_recorders_partial_bucket(tmp_path: Path) -> None:
    raw("r.json", json.dumps(REPLAY))(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "moodc.cli", "record", "--backend", "replay",
                             "--replay", "r.json", "--interval", "60", "-o", "l.jsonl"],
                            cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert "recording" in proc.stderr.readline()
    time.sleep(0.5)
    proc.send_signal(signal.SIGHUP)
    stderr = proc.communicate(timeout=30)[1]
    assert proc.returncode == 0, stderr
    lines = [json.loads(line) for line in (tmp_path / "l.jsonl").read_text().splitlines()]
    # one bucket, or two when the run crossed a minute of the wall clock's interval grid
    assert 1 <= len(lines) <= 2 and sum(line["keys"] for line in lines) == 7


# --------------------------------------------------------------------------------------
# Permissions: as an unprivileged user (root ignores them)
# --------------------------------------------------------------------------------------

def _unprivileged() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


PERMISSION_CASES = [
    ("render", ["render", "doc.yaml", *R, "-o", "ro/x.wav"], "ermission denied"),
    ("gen", ["gen", "rain", *G, "-o", "ro/x.yaml"], "ermission denied"),
    ("gen-batch", ["gen", "--batch", "b.txt", *G, "-o", "ro/"], "ermission denied"),
    ("tween", ["tween", "doc.yaml", "doc.yaml", "-o", "ro/t.yaml"], "ermission denied"),
    ("record", ["record", "--backend", "replay", "--replay", "r.json", "--duration", "0.2",
                "--titles", "off", "-o", "ro/l.jsonl"], "ermission denied"),
    ("gen-new-folder-in-ro", ["gen", "rain", *G, "-o", "ro/sub/"], "ermission denied"),
    ("read-unreadable-log", ["gen", "--from-log", "secret.jsonl"], "not readable"),
    ("read-unreadable-document", ["render", "secret.yaml", *R, "-o", "x.wav"],
     "not readable"),
]


@pytest.fixture
def shared_dir() -> Path:
    """A folder an unprivileged user can enter (pytest's tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="moodc-hostile-", dir="/tmp"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("name,args,message", PERMISSION_CASES,
                         ids=[c[0] for c in PERMISSION_CASES])
def test_permission_denied_as_unprivileged_user(name: str, args: list[str], message: str,
                                                shared_dir: Path) -> None:
    user = _unprivileged()
    if user is None:
        pytest.skip("no unprivileged user (nobody) on this machine")
    doc()(shared_dir)
    raw("b.txt", "rain\n")(shared_dir)
    raw("r.json", json.dumps(REPLAY))(shared_dir)
    log("secret.jsonl", BUCKET)(shared_dir)
    doc("secret.yaml")(shared_dir)
    for secret in ("secret.jsonl", "secret.yaml"):
        os.chmod(shared_dir / secret, 0o600)  # root's, unreadable to nobody
    (shared_dir / "ro").mkdir(mode=0o755)  # root's: nobody may not write in it
    prefix = [sys.executable, "-m", "tests.helpers.run_as", *map(str, user)] \
        if os.geteuid() == 0 else None
    result = run_cli(shared_dir, args, prefix=prefix)
    assert_clean_error(result, code=2, message=message)
    assert list((shared_dir / "ro").iterdir()) == []
    assert not _parts(shared_dir)
