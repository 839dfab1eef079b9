"""The moodc exception hierarchy; each class carries the process exit code it maps to.

The CLI turns any :class:`MoodcError` into a one-line message and exits with
``exit_code`` at a single boundary, so users never see a traceback.
"""

from __future__ import annotations


class MoodcError(Exception):
    """Root of every error moodc raises on purpose. Exit code 2 (usage/internal)."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(MoodcError):
    """Bad arguments or a missing input file (exit 2).

    The library speaks of values; ``param`` names the keyword argument at fault (e.g.
    ``"sample_rate"``), so the CLI can name the flag the user typed (``--sample-rate``)
    without the library knowing any flag.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.param = param


class DocumentError(MoodcError):
    """A document failed validation (exit 1). Carries its diagnostics."""

    exit_code = 1

    def __init__(self, message: str, *, diagnostics: list | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.diagnostics = list(diagnostics or [])


class BrokenInstallError(MoodcError, ImportError):
    """A part of moodc that is built at install time is missing (exit 2).

    An ImportError, since that is what failed, and a MoodcError, so the CLI prints one line
    that says how to build it instead of a traceback.
    """


class OutputExistsError(UsageError):
    """Refusing to overwrite an existing output without ``--force`` (exit 2)."""


class Interrupted(KeyboardInterrupt):
    """A stop signal (SIGTERM, SIGHUP, SIGINT) turned into an exception so cleanup runs.

    A ``KeyboardInterrupt`` so code that already cleans up on Ctrl-C cleans up here too; the
    CLI exits with ``128 + signum``, the shell's convention.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
