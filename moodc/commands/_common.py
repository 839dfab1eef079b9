"""Shared pieces of the CLI boundary: turning MoodcError into a one-line message and exit code.

Every command body is wrapped in :func:`errors_to_exit`, so a :class:`moodc.errors.MoodcError`
becomes ``moodc: error: <message>`` (plus ``  hint: ...``) on stderr and the error's exit code,
never a traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from moodc.errors import MoodcError, UsageError

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
