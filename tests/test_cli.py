"""The CLI shell: every command has help, --version works, start-up stays light."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from moodc import __version__
from moodc.cli import COMMANDS, cli
from tests.helpers import EXAMPLES

HEAVY = ("numpy", "scipy", "mlx", "pydantic", "soundfile", "Xlib")

#: Every command moodc ships, written out here: a command whose module is missing or fails
#: to import must fail these tests, not drop out of the list silently.
EXPECTED_COMMANDS = ("validate", "schema", "render", "gen", "tween", "record", "live",
                     "golden", "concepts", "train", "eval", "bench", "doctor")


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_the_command_table_is_the_expected_one() -> None:
    assert tuple(COMMANDS) == EXPECTED_COMMANDS


def test_help_lists_every_command_with_its_one_line_help() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    rows = result.output.split("Commands:")[1].splitlines()
    listed = [row.split()[0] for row in rows if row.startswith("  ") and row[2] != " "]
    assert listed == list(EXPECTED_COMMANDS)
    for name in EXPECTED_COMMANDS:
        assert COMMANDS[name][1] in result.output


@pytest.mark.parametrize("name", EXPECTED_COMMANDS)
def test_every_subcommand_has_help(name: str) -> None:
    # Lazy loading hides import errors until a command runs; --help on each one finds them.
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["rendr"])
    assert result.exit_code == 2


def _imported_after(*args: str) -> set[str]:
    code = ("import sys, runpy\n"
            f"sys.argv = ['moodc', {', '.join(repr(a) for a in args)}]\n"
            "try:\n    runpy.run_module('moodc.cli', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("--help",), ("validate", str(EXAMPLES / "podcast-intro.yaml"))])
def test_help_and_validate_do_not_import_heavy_modules(args: tuple[str, ...]) -> None:
    modules = _imported_after(*args)
    loaded = [m for m in HEAVY if m in modules]
    assert loaded == [], f"`moodc {' '.join(args)}` imported {loaded}"


def test_schema_command_prints_json() -> None:
    result = CliRunner().invoke(cli, ["schema", "score"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Score"


def test_a_command_that_cannot_import_is_a_clear_error_not_a_missing_command(monkeypatch) -> None:
    import moodc.cli

    monkeypatch.setitem(moodc.cli.COMMANDS, "render",
                        ("moodc.commands.no_such_module", "Render."))
    listed = CliRunner().invoke(cli, ["--help"])
    assert "render" in listed.output
    result = CliRunner().invoke(cli, ["render", "x.yaml"])
    assert result.exit_code != 0
    assert "the render command cannot load" in result.output
    assert "reinstall moodc" in result.output
    assert "Traceback" not in result.output


def test_commands_without_matrices_start_openblas_single_threaded(monkeypatch) -> None:
    # a fresh `moodc render` process skips the BLAS thread pool (~80 ms of its start-up);
    # the model's commands keep their threads, and a value the user set is left alone
    from moodc.cli import SINGLE_THREAD_BLAS_COMMANDS, _single_thread_blas

    assert SINGLE_THREAD_BLAS_COMMANDS <= set(COMMANDS)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delitem(sys.modules, "numpy")  # as in a process that has not loaded it yet
    _single_thread_blas("gen")
    assert "OPENBLAS_NUM_THREADS" not in os.environ
    _single_thread_blas("render")
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    _single_thread_blas("golden")
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_an_ending_process_skips_the_collectors_passes_but_keeps_its_exit_code(
        tmp_path) -> None:
    # shutdown's full collections over numpy's and click's objects cost ~20-50 ms of every
    # process; main() freezes them first. The exit code, the output and the atexit handlers
    # (the dataclass method cache is saved by one) are unchanged.
    marker = tmp_path / "atexit-ran"
    code = ("import atexit, gc, sys\n"
            f"atexit.register(lambda: open({str(marker)!r}, 'w').write(str(gc.get_freeze_count())))\n"
            "sys.argv = ['moodc', 'validate', 'no-such-file.yaml']\n"
            "from moodc.cli import main\nmain()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2 and "no-such-file.yaml" in proc.stderr
    assert int(marker.read_text()) > 1000
