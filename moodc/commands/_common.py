"""Shared pieces of the CLI boundary: errors to exit codes, flag names, writing the output.

Every command body is wrapped in :func:`errors_to_exit`, so a :class:`moodc.errors.MoodcError`
becomes ``moodc: error: <message>`` (plus ``  hint: ...``) on stderr and the error's exit code,
never a traceback; a :class:`UsageError` that names its ``param`` is led by the user's flag.
:func:`write_output` is the one way a command prints or writes its YAML/JSON document.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from moodc.errors import Interrupted, MoodcError, UsageError

F = TypeVar("F", bound=Callable[..., Any])


def print_error(message: str, *, hint: str | None = None) -> None:
    """Write ``moodc: error: message`` (and an indented hint) to stderr."""
    click.echo(f"moodc: error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)


def flag_name(param: str) -> str | None:
    """The flag of the running command whose parameter is ``param`` (``--sample-rate``)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    for option in ctx.command.params:
        if option.name == param and isinstance(option, click.Option):
            return max(option.opts, key=len)
    return None


def error_text(exc: MoodcError) -> str:
    """The one-line message of ``exc``, led by the flag a usage error is about, if any."""
    flag = flag_name(exc.param) if isinstance(exc, UsageError) and exc.param else None
    return f"{flag}: {exc.message}" if flag else exc.message


def signal_name(signum: int) -> str:
    """``SIGTERM`` for 15, or ``signal 15`` when the platform has no name for it."""
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def errors_to_exit(func: F) -> F:
    """Decorator: run a command body, mapping MoodcError and Ctrl-C to clean exits."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MoodcError as exc:
            print_error(error_text(exc), hint=exc.hint)
            sys.exit(exc.exit_code)
        except Interrupted as exc:
            print_error(f"stopped by {signal_name(exc.signum)}; no partial output was left")
            sys.exit(128 + exc.signum)
        except KeyboardInterrupt:
            print_error("interrupted")
            sys.exit(130)
        except OSError as exc:
            if exc.filename is None:  # a stream (stdout): the CLI's main() ends it quietly
                raise
            from moodc.output import output_error

            error = output_error(exc, exc.filename, action="cannot use")
            print_error(error.message, hint=error.hint)
            sys.exit(error.exit_code)

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------------------
# Library errors → flag names
# --------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------
# Writing a command's output document (moodc gen, moodc tween)
# --------------------------------------------------------------------------------------

OutputFormat = Literal["yaml", "json"]


def output_format(out: Path | None, *, fmt: OutputFormat | None) -> OutputFormat:
    """``fmt`` when given; else ``json`` for a ``.json`` output path and ``yaml`` otherwise."""
    if fmt:
        return fmt
    return "json" if out is not None and out.suffix.lower() == ".json" else "yaml"


def config_document(config: Any) -> dict[str, Any]:
    """A config as a plain JSON-ready dict with ``version`` first and unset fields left out."""
    data = config.model_dump(mode="json", exclude_none=True)
    return {"version": data.pop("version"), **data}


def document_text(data: dict[str, Any], *, fmt: OutputFormat, comment: str) -> str:
    """YAML text of a document (with ``comment`` as its leading ``#`` lines), or JSON."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    from moodc.config.io import dump_yaml

    return dump_yaml(data, comment=comment)


def output_target(out: Path | str | None, *, force: bool, default_name: str,
                  inputs: tuple[Path, ...] = ()) -> Path | None:
    """Where ``-o`` sends a document (None: standard output), checked before any work.

    ``-`` is standard output; a trailing ``/`` or an existing folder gets ``default_name``
    inside it; see :func:`moodc.output.target_path` for what is refused.

    Raises
    ------
    OutputExistsError
        The target exists and ``force`` is off (nothing is done).
    moodc.output.OutputError
        The target is not a regular file, is an input of this run, or its name is too long.
    """
    if out is None:
        return None
    from moodc.output import target_path

    return target_path(out, default_name=default_name, force=force, inputs=inputs,
                       stdout_ok=True)


def write_output(text: str, *, out: Path | None, force: bool,
                 inputs: tuple[Path, ...] = ()) -> None:
    """Print ``text`` to stdout (``out`` None), or write it to ``out`` through
    :mod:`moodc.output` (atomic, checked again) and say so on stderr.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is False (nothing is written).
    moodc.output.OutputError
        ``out`` cannot be written (one line naming the path and the fix).
    """
    if out is None:
        click.echo(text, nl=False)
        return
    from moodc.output import write_text

    write_text(out, text, force=force, inputs=inputs)
    click.echo(f"wrote {out}", err=True)
