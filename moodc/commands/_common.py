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

from moodc.errors import MoodcError, OutputExistsError, UsageError

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


def errors_to_exit(func: F) -> F:
    """Decorator: run a command body, mapping MoodcError and Ctrl-C to clean exits."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MoodcError as exc:
            print_error(error_text(exc), hint=exc.hint)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            print_error("interrupted")
            sys.exit(130)

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


def refuse_existing(out: Path | None, *, force: bool) -> None:
    """Fail before any work is done when ``out`` exists and ``force`` is off.

    :func:`write_output` refuses too, but only after the document is built; a model load or
    a long merge should not run for an output that will be refused.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is False.
    """
    if out is not None and out.exists() and not force:
        raise OutputExistsError(f"{out} already exists", hint="pass --force to overwrite it")


def write_output(text: str, *, out: Path | None, force: bool) -> None:
    """Print ``text`` to stdout, or write it to ``out`` atomically and say so on stderr.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``force`` is False (nothing is written).
    """
    if out is None:
        click.echo(text, nl=False)
        return
    from moodc.config.io import write_text_atomic

    write_text_atomic(out, text, force=force)
    click.echo(f"wrote {out}", err=True)
