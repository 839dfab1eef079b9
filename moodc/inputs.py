"""Bounded reads of input files: regular files only, never more than a cap, clear errors.

A FIFO, ``/dev/zero``, a folder or a symlink loop where a file is expected is refused before
any byte is read (a FIFO would block, ``/dev/zero`` never ends); a file over its cap (the
caps live in :mod:`moodc.vocab`) is refused after reading at most one byte more than the cap.
Every problem is a :class:`~moodc.errors.UsageError` (exit 2) naming the file and the fix.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, Final

from moodc import vocab
from moodc.errors import UsageError

_KINDS: Final[dict[str, str]] = {"dir": "a folder", "fifo": "a named pipe (FIFO)",
                                 "chr": "a character device", "blk": "a block device",
                                 "sock": "a socket"}


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "dir"), (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "chr"),
                       (stat.S_ISBLK, "blk"), (stat.S_ISSOCK, "sock")):
        if test(mode):
            return _KINDS[name]
    return "not a regular file"


def _size_text(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):g} MiB"
    return f"{n_bytes / 1024:g} KiB"


def input_error(exc: OSError, path: Path | str, *, what: str) -> UsageError:
    """An ``OSError`` opening or reading an input as a one-line :class:`UsageError`."""
    fixes = {errno.ENOENT: "check the path and try again",
             errno.EACCES: "you may not read it; fix its permissions",
             errno.EPERM: "you may not read it; fix its permissions",
             errno.ELOOP: "its symbolic links form a loop; point them at a real file",
             errno.ENOTDIR: "a part of that path is a file, not a folder",
             errno.ENAMETOOLONG: "the name is too long; check the path",
             errno.EISDIR: f"give the {what} file, not its folder"}
    if exc.errno == errno.ENOENT:
        return UsageError(f"{what} {path}: no such file", hint=fixes[errno.ENOENT])
    return UsageError(f"{what} {path}: cannot read it ({exc.strerror or type(exc).__name__})",
                      hint=fixes.get(exc.errno or 0, "check the path"))


def real_path(path: Path) -> Path:
    """``path`` with links resolved as far as they go; never raises (a loop stays a loop,
    unlike ``Path.resolve``, which raises ``RuntimeError`` on one)."""
    return Path(os.path.realpath(path))


def describe_non_file(path: Path) -> str | None:
    """Why ``path`` is not a readable regular file (``"does not exist"``, ``"is a folder"``,
    ``"has a symbolic-link loop"``...), or None when it is one."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "has a symbolic-link loop"
        return f"cannot be read ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return f"is {_kind(info.st_mode)}, not a regular file"
    return None


def check_regular(path: Path, *, what: str) -> None:
    """Refuse a missing path, a folder, a FIFO, a device or a symlink loop (exit 2)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise input_error(exc, path, what=what) from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{what} {path} is {_kind(info.st_mode)}, not a regular file",
                         hint=f"give the {what} as a regular file")


def read_bytes(path: Path, *, max_bytes: int, what: str, over_ok: bool = False) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` (+1 when ``over_ok``).

    Parameters
    ----------
    max_bytes : int
        The cap (one of the ``MAX_*_BYTES`` limits in :mod:`moodc.vocab`).
    what : str
        The input's name in messages (``"activity log"``, ``"batch file"``).
    over_ok : bool
        Return ``max_bytes + 1`` bytes of an oversized file instead of raising, for a caller
        that reports the size its own way (``validate``'s diagnostics).

    Raises
    ------
    UsageError
        Missing, unreadable, not a regular file, or larger than ``max_bytes``.
    """
    check_regular(path, what=what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check
                raise UsageError(f"{what} {path} is not a regular file",
                                 hint=f"give the {what} as a regular file")
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = handle.read(max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as exc:
        raise input_error(exc, path, what=what) from None
    if len(data) > max_bytes and not over_ok:
        raise UsageError(f"{what} {path} is larger than {_size_text(max_bytes)}",
                         hint=f"moodc reads {what}s up to {_size_text(max_bytes)}; "
                              f"check the path or split the file")
    return data


def read_text(path: Path, *, max_bytes: int, what: str) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a BOM is dropped), or a one-line error."""
    data = read_bytes(path, max_bytes=max_bytes, what=what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(f"{what} {path}:{line}: invalid UTF-8 byte 0x{data[exc.start]:02x}",
                         hint="save the file as UTF-8 text") from None


#: An integer literal longer than the cap, outside strings (a cheap pre-scan; json.loads
#: would otherwise fail with Python's "sys.set_int_max_str_digits" advice).
_LONG_INT: Final = re.compile(r"\d{%d,}" % (vocab.MAX_INT_DIGITS + 1))


def long_number_line(text: str) -> int | None:
    """The 1-based line of the first number with more than ``MAX_INT_DIGITS`` digits."""
    match = _LONG_INT.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1


def loads_json(text: str) -> Any:
    """``json.loads`` that raises ``ValueError`` with a plain message for a number too long
    or a document nested too deeply (instead of a Python-internal advice or a crash)."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _parse_int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > vocab.MAX_INT_DIGITS:
        raise ValueError(f"a number with {digits} digits is too long "
                         f"(at most {vocab.MAX_INT_DIGITS})")
    return int(literal)
