"""The ``moodc`` command line: a thin click group whose commands load lazily.

Each command lives in ``moodc/commands/<name>.py`` as a click command called ``command``;
the group imports it only when that command runs, so ``moodc --help`` stays fast and
imports none of numpy, scipy or mlx. Every command in the table is listed; one whose module
cannot be imported is a broken install and says so when it runs, never silently missing.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys

import click

from moodc import __version__

#: Command name → (module, one-line help). One table; ``--help`` reads only this.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("moodc.commands.validate", "Check configs and scores against the V2 schema."),
    "schema": ("moodc.commands.schema", "Print the JSON Schema of a config or a score."),
    "render": ("moodc.commands.render", "Render a config or score to a mastered WAV/FLAC."),
    "gen": ("moodc.commands.gen", "Turn a text prompt (or an activity log) into a config."),
    "tween": ("moodc.commands.tween", "Merge N configs by weight into one valid config."),
    "record": ("moodc.commands.record", "Record a day's activity privately (counts only)."),
    "live": ("moodc.commands.live", "Play the soundtrack of your day (or a mood) live."),
    "golden": ("moodc.commands.golden", "Compare renders with golden/ or re-record them."),
    "concepts": ("moodc.commands.concepts", "List and search the concept library."),
    "train": ("moodc.commands.train", "Rebuild the shipped model artifact from committed data."),
    "eval": ("moodc.commands.eval", "Score the generation engines on the held-out split."),
    "bench": ("moodc.commands.bench", "Measure render and gen speed and memory here."),
    "doctor": ("moodc.commands.doctor", "Report what works here and how to fix the rest."),
}


#: Commands that never multiply matrices (the synth keeps away from BLAS on purpose, see
#: ``dsp/mixing.py``). numpy's OpenBLAS starts a thread per core when numpy is imported,
#: ~80 ms of CPU on this 2-core machine: a tenth of a one-second render's process. These
#: commands run it single-threaded; the language model's (gen, eval, train, bench, live,
#: doctor) keep their threads. An OPENBLAS_NUM_THREADS the user set always wins.
SINGLE_THREAD_BLAS_COMMANDS: frozenset[str] = frozenset(
    {"validate", "schema", "render", "tween", "golden", "concepts"})


def _single_thread_blas(cmd_name: str) -> None:
    """Ask OpenBLAS for one thread before numpy loads it, for a command that needs none.

    Only in a process that has not imported numpy yet (its pool is already running
    otherwise); the variable is inherited by a batch's worker processes, which render too.
    """
    if cmd_name in SINGLE_THREAD_BLAS_COMMANDS and "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name = COMMANDS[cmd_name][0]
        _single_thread_blas(cmd_name)
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise click.ClickException(
                f"the {cmd_name} command cannot load ({exc}); this install is broken: "
                f"reinstall moodc (pip install -e '.[all]')") from None
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="moodc")
def cli() -> None:
    """moodc — the mood-music compiler.

    A vibe in (a YAML config, a text prompt, or a day's activity log), deterministic
    mastered audio out. Run `moodc COMMAND --help` for each command.
    """


#: errno of a standard output that cannot take more: the reader went away (EPIPE, as in
#: ``moodc schema | head -c1``), the device is full (ENOSPC, ``> /dev/full``), or it failed.
STDOUT_ERRNOS: tuple[int, ...] = (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EDQUOT)


def main() -> None:
    """Console-script entry point.

    A standard output that stops taking bytes ends the run with exit code 1: quietly for a
    closed pipe (the reader has what it wanted), with one line on stderr for a full or failing
    device. Never a traceback, and no "Exception ignored" noise when Python exits.
    """
    try:
        cli(prog_name="moodc")
        code: int | str | None = 0
    except SystemExit as done:
        code = done.code
    except OSError as exc:
        if exc.errno not in STDOUT_ERRNOS:
            raise
        code = _stdout_failed(exc)
    _ignore_late_interrupts()
    try:
        sys.stdout.flush()
    except OSError as exc:
        code = _stdout_failed(exc)
    _skip_final_collections()
    sys.exit(code)


def _ignore_late_interrupts() -> None:
    """Let a Ctrl-C that arrives after the command has finished change nothing.

    By now the command has ended and its files are published; a SIGINT during the
    interpreter's teardown would otherwise kill the process by the signal (or print a
    traceback) and report a failure for work that is complete. Only the console entry point
    does this: the process is about to exit, so no caller's handler is lost.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _skip_final_collections() -> None:
    """Spare the ending process the garbage collector's passes over everything imported.

    Python's shutdown runs full collections over every object the imports made (numpy's
    ~10k among them): ~20 ms of CPU on a quiet machine, twice that on a busy one, a tenth of
    a one-second render's process. Frozen objects are skipped; module teardown still frees
    them by reference counting, and atexit handlers and thread joins still run. By now every
    file moodc wrote is closed and published (the writers are context managers), so no
    finaliser of cyclic garbage has work left that this would lose.
    """
    import gc

    gc.freeze()


def _stdout_failed(exc: OSError) -> int:
    """Say why standard output failed (not for a closed pipe), silence it, return 1."""
    if exc.errno != errno.EPIPE:
        try:
            click.echo(f"moodc: error: cannot write to standard output: {exc.strerror}",
                       err=True)
        except OSError:
            pass
    try:  # later flushes (at exit) go nowhere instead of raising again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 1


if __name__ == "__main__":
    main()
