"""The one way moodc writes a file: checked target, temp beside it, rename, cleanup, clear errors.

Every command that writes (``render``, ``gen``, ``tween``, ``gen --batch``, ``golden update``,
``record``'s log and title key) goes through this module, so the "Nothing lost" promise of the
spec is kept in one place:

* :func:`target_path` decides where an ``-o`` value goes before any work is done: ``-`` is
  standard output (where the command supports it), a trailing ``/`` or an existing folder
  means "inside it, with the default name", anything that exists and is not a regular file
  (``/dev/null``, a FIFO, a device, a folder) is refused even with ``--force``, and so is an
  input of the same run.
* :class:`AtomicOutput` writes into ``.NAME.<hex>.part`` beside the target (created with the
  user's umask, so outputs are 0644 under the usual 022) and renames it over the target only
  when the block ends cleanly. The temp file is removed on any exception, on Ctrl-C and on
  SIGTERM/SIGHUP (a handler is installed while a temp file is live). A temp file left by
  SIGKILL or a power cut is removed by the next write into that folder once it is stale:
  its writer's pid is gone, or it is older than :data:`moodc.vocab.STALE_PART_AGE_S`.
* Every ``OSError`` becomes an :class:`OutputError`: one line naming the path and the fix,
  exit code 2.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import signal
import stat
import threading
import time
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Final, Sequence

from moodc import vocab
from moodc.errors import Interrupted, MoodcError, OutputExistsError

#: An ``-o`` value that means standard output.
STDOUT: Final[str] = "-"
#: Longest file name (bytes) the usual file systems accept (ext4, APFS, NTFS: 255).
NAME_MAX_BYTES: Final[int] = 255
#: Temp names are ``.NAME.<pid:08x><random:8 hex>.part``; the pid lets a later run tell a
#: dead writer's leftover from a live one.
_PART_RE: Final = re.compile(r"^\..+\.(?P<token>[0-9a-f]{12}|[0-9a-f]{16})\.part$")
#: A part whose writer pid is gone is left alone this long (seconds), in case the pid is
#: of another host sharing the folder and the writer is still busy.
_DEAD_WRITER_GRACE_S: Final[float] = 10.0
#: Signals that remove live temp files before the process stops (SIGINT raises
#: KeyboardInterrupt, which the writers' ``__exit__`` already handles).
_CLEANUP_SIGNALS: Final[tuple[str, ...]] = ("SIGTERM", "SIGHUP", "SIGINT")

#: errno → the fix to offer (the message always names the path and the OS's reason).
_FIXES: Final[dict[int, str]] = {
    errno.EACCES: "you may not write there; fix the folder's permissions or choose "
                  "another path with -o",
    errno.EPERM: "you may not write there; fix the folder's permissions or choose "
                 "another path with -o",
    errno.EROFS: "that file system is read-only; choose another path with -o",
    errno.ENOSPC: "the disk is full; free some space or choose another path with -o",
    errno.EDQUOT: "your disk quota is used up; free some space or choose another path with -o",
    errno.ENAMETOOLONG: "the name is too long for this file system; choose a shorter one",
    errno.ENOTDIR: "a part of that path is a file, not a folder; choose another path with -o",
    errno.EISDIR: "that is a folder; give a file name, or end the path with / to write "
                  "inside it with the default name",
    errno.ELOOP: "that path has a symbolic-link loop; fix the links or choose another path",
    errno.ENOENT: "its folder does not exist or was removed; create it or choose another path",
    errno.EEXIST: "a part of that path already exists as a file; choose another path with -o",
    errno.EIO: "the device reported an I/O error; check the disk and try again",
    errno.EFBIG: "the file is too large for this file system; choose another path with -o",
}


class OutputError(MoodcError):
    """An output that cannot or must not be written (exit 2). Nothing was written."""

    exit_code = 2


def output_error(exc: OSError, path: Path | str, *, action: str = "cannot write") -> OutputError:
    """``exc`` as a one-line :class:`OutputError` naming ``path`` and the fix."""
    reason = exc.strerror or type(exc).__name__
    fix = _FIXES.get(exc.errno or 0, "check the path and the disk, or choose another path "
                                      "with -o")
    return OutputError(f"{action} {path}: {reason}", hint=fix)


def _kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# --------------------------------------------------------------------------------------
# Where an -o value goes
# --------------------------------------------------------------------------------------

def wants_stdout(out: Path | str | None) -> bool:
    """True when ``out`` is ``-`` (standard output)."""
    return out is not None and str(out) == STDOUT


def target_path(out: Path | str, *, default_name: str | None, force: bool,
                inputs: Sequence[Path | str] = (), stdout_ok: bool = False) -> Path | None:
    """The file an ``-o`` value names, checked before any work is done.

    Parameters
    ----------
    out : path or str
        As the user typed it (a str keeps a trailing ``/``).
    default_name : str or None
        The file name used inside a folder (``-o renders/`` or an existing folder); None when
        the command has no default name, so a folder is refused.
    force : bool
        Overwrite an existing regular file.
    inputs : paths
        Files this run reads; the output may never be one of them, even with ``force``.
    stdout_ok : bool
        ``-`` is accepted (the return value is then None).

    Returns
    -------
    Path or None
        The file to write, or None for standard output.

    Raises
    ------
    OutputError
        ``-`` where stdout is not supported, a non-regular file, an input of the run, a name
        too long, or a folder without a default name.
    OutputExistsError
        The target exists and ``force`` is False.
    """
    text = os.fspath(out)
    if text == STDOUT:
        if stdout_ok:
            return None
        raise OutputError("this command cannot write to standard output (-o -)",
                          hint="give a file path with -o")
    if not text:
        raise OutputError("the output path is empty", hint="give a file path with -o")
    path = Path(text)
    if text.endswith(("/", os.sep)) or _is_dir(path):
        if default_name is None:
            raise OutputError(f"{path} is a folder", hint="give a file name with -o")
        path = path / default_name
    check_target(path, force=force, inputs=inputs)
    return path


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a loop or an unreadable parent: check_target names it
        return False


def check_target(path: Path, *, force: bool, inputs: Sequence[Path | str] = ()) -> None:
    """Refuse a target that is not (and would not be) a regular file we may replace.

    A symbolic link is replaced as a link (its target is never written through).
    """
    info = _existing(path)
    if info is None:
        return
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise OutputError(f"{path} is {_kind_of(info.st_mode)}, not a regular file; moodc "
                          f"only writes regular files, even with --force",
                          hint="choose a file path with -o (or -o - for standard output "
                               "where the command supports it)")
    for source in inputs:
        if _same_file(path, Path(source)):
            raise OutputError(f"{path} is an input of this run; writing it would destroy it, "
                              f"even with --force", hint="choose another output path with -o")
    if not force:
        raise OutputExistsError(f"{path} already exists", hint="pass --force to overwrite it")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --------------------------------------------------------------------------------------
# Temp files, their cleanup on signals, and stale leftovers
# --------------------------------------------------------------------------------------

_live: set[Path] = set()
_live_lock = threading.Lock()
_old_handlers: dict[int, Any] = {}


def _on_signal(signum: int, frame: FrameType | None) -> None:
    """Remove every live temp file, then unwind (the writers' ``__exit__`` runs too)."""
    for temp in list(_live):
        try:
            temp.unlink()
        except OSError:
            pass
    raise Interrupted(signum)


def _register(temp: Path) -> None:
    with _live_lock:
        first = not _live
        _live.add(temp)
    if first and threading.current_thread() is threading.main_thread():
        for name in _CLEANUP_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            old = signal.getsignal(signum)
            if name == "SIGINT" and old is not signal.default_int_handler:
                continue  # someone else (the recorder) owns Ctrl-C
            _old_handlers[signum] = old
            signal.signal(signum, _on_signal)


def _unregister(temp: Path) -> None:
    with _live_lock:
        _live.discard(temp)
        last = not _live
    if last and threading.current_thread() is threading.main_thread():
        for signum, handler in list(_old_handlers.items()):
            signal.signal(signum, handler)
            del _old_handlers[signum]


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    except OSError:
        return True
    return True


def _is_stale(entry: os.DirEntry, *, now_s: float) -> bool:
    match = _PART_RE.match(entry.name)
    if match is None:
        return False
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
        return False  # not ours to remove
    age_s = now_s - info.st_mtime
    if age_s > vocab.STALE_PART_AGE_S:
        return True
    token = match.group("token")
    if len(token) == 16 and age_s > _DEAD_WRITER_GRACE_S:
        return not _pid_alive(int(token[:8], 16))
    return False


def sweep_stale_parts(folder: Path) -> list[Path]:
    """Remove ``.NAME.<hex>.part`` files in ``folder`` that we own and that are stale.

    Returns the removed paths. Never raises: a folder we cannot list has nothing to sweep.
    """
    removed: list[Path] = []
    now_s = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if _is_stale(entry, now_s=now_s):
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def ensure_folder(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing, or raise an :class:`OutputError`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot create the folder {folder}: a file of that name is in "
                          f"the way", hint=_FIXES[errno.ENOTDIR]) from None
    except OSError as exc:
        raise output_error(exc, folder, action="cannot create the folder") from None


def _temp_name(path: Path) -> str:
    token = f"{os.getpid() & 0xFFFFFFFF:08x}{secrets.token_hex(4)}"
    room = NAME_MAX_BYTES - len(token) - len("..") - len(".part")
    name = path.name
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return f".{name}.{token}.part"


def create_temp(path: Path, *, mode: int = 0o666) -> Path:
    """A fresh, empty temp file beside ``path`` (``mode`` masked by the umask), registered
    for cleanup on signals. Unregister it with :func:`release_temp`."""
    for _ in range(100):
        candidate = path.parent / _temp_name(path)
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
        except FileExistsError:
            continue
        except OSError as exc:
            raise output_error(exc, path) from None
        os.close(fd)
        _register(candidate)
        return candidate
    raise OutputError(f"cannot create a temporary file beside {path}",
                      hint="remove stray .part files in that folder")


def release_temp(temp: Path, *, remove: bool) -> None:
    """Stop tracking ``temp``; delete it when ``remove`` (missing is fine)."""
    try:
        if remove:
            temp.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        _unregister(temp)


# --------------------------------------------------------------------------------------
# The atomic writer
# --------------------------------------------------------------------------------------

class AtomicOutput:
    """Write ``path`` through a temp file beside it, renamed over ``path`` on a clean exit.

    Use as a context manager; write into :attr:`temp` (by name, as libsndfile and ffmpeg
    need) or through :meth:`open`. On any exception, Ctrl-C, SIGTERM or SIGHUP the temp file
    is removed and ``path`` is untouched; an ``OSError`` from the block becomes an
    :class:`OutputError`.

    Parameters
    ----------
    path : Path
        The target, already checked by :func:`target_path` (it is checked again).
    force : bool
        Replace an existing regular file.
    mode : int
        Permission bits of the new file before the umask (0o666 → 0644 under umask 022;
        0o600 for private files).
    """

    def __init__(self, path: Path, *, force: bool, mode: int = 0o666,
                 inputs: Sequence[Path | str] = ()) -> None:
        self.path = Path(path)
        self.force = force
        self.mode = mode
        self.inputs = tuple(inputs)
        self.temp: Path | None = None

    def __enter__(self) -> "AtomicOutput":
        return self.start()

    def start(self) -> "AtomicOutput":
        """Check the target again, create its folder, sweep stale parts, make the temp."""
        check_target(self.path, force=self.force, inputs=self.inputs)
        ensure_folder(self.path.parent)
        sweep_stale_parts(self.path.parent)
        self.temp = create_temp(self.path, mode=self.mode)
        return self

    def open(self, mode: str = "wb", **kwargs: Any) -> Any:
        """Open the temp file (``"w"`` text modes take ``encoding``)."""
        assert self.temp is not None, "start() first"
        return open(self.temp, mode, **kwargs)

    def commit(self) -> None:
        """Rename the temp file over the target (checked once more: it may have appeared)."""
        assert self.temp is not None, "start() first"
        check_target(self.path, force=self.force, inputs=self.inputs)
        try:
            os.replace(self.temp, self.path)
        except OSError as exc:
            raise output_error(exc, self.path) from None

    def discard(self) -> None:
        """Remove the temp file (the target is untouched)."""
        if self.temp is not None:
            release_temp(self.temp, remove=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.temp is None:
            return
        try:
            if exc_type is None:
                self.commit()
        finally:
            release_temp(self.temp, remove=True)  # gone after a rename; else the leftover
        if isinstance(exc, OSError):  # the block wrote into the temp file: a write error
            raise output_error(exc, self.path) from exc


def write_text(path: Path, text: str, *, force: bool, mode: int = 0o666,
               inputs: Sequence[Path | str] = ()) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, fsynced before the rename."""
    write_bytes(path, text.encode("utf-8"), force=force, mode=mode, inputs=inputs)


def write_bytes(path: Path, data: bytes, *, force: bool, mode: int = 0o666,
                inputs: Sequence[Path | str] = ()) -> None:
    """Write ``data`` to ``path`` atomically, fsynced before the rename."""
    with AtomicOutput(path, force=force, mode=mode, inputs=inputs) as out:
        with out.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())


def publish_new(path: Path, data: bytes, *, mode: int = 0o600) -> bool:
    """Create ``path`` holding ``data`` only if it does not exist yet, never half-written.

    The bytes go to a temp file that is then hard-linked to ``path`` (atomic, and it fails
    when ``path`` exists, so two processes racing agree on one file). Returns False when
    ``path`` already existed (it is left as it was).
    """
    ensure_folder(path.parent)
    temp = create_temp(path, mode=mode)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        return True
    except OSError as exc:
        raise output_error(exc, path) from None
    finally:
        release_temp(temp, remove=True)


def open_append(path: Path, *, mode: int = 0o600, action: str = "cannot open") -> int:
    """Open ``path`` for appending (created with ``mode`` if missing); returns the fd.

    Its folder must exist (a mistyped folder for a day-long recording should fail at once).

    Refuses a symbolic link (appending would write into its target, wherever that is), a
    FIFO, a device or a folder, and never blocks on a FIFO.
    """
    check_append_target(path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _symlink_refused(path) from None
        raise output_error(exc, path, action=action) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise _not_regular(path, info.st_mode)
    if hasattr(os, "set_blocking"):
        os.set_blocking(fd, True)
    return fd


def _existing(path: Path) -> os.stat_result | None:
    """``lstat`` of an output path (None when nothing is there), after a name-length check."""
    if len(os.fsencode(path.name)) > NAME_MAX_BYTES:
        raise OutputError(f"the file name {path.name[:40]}... is too long "
                          f"({len(os.fsencode(path.name))} bytes; file systems allow "
                          f"{NAME_MAX_BYTES})",
                          hint="choose a shorter name with -o")
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise output_error(exc, path) from None


def check_append_target(path: Path) -> None:
    """Refuse an append target that is a link or not a regular file (before any work)."""
    info = _existing(path)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        raise _symlink_refused(path)
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(path, info.st_mode)


def _symlink_refused(path: Path) -> OutputError:
    return OutputError(f"{path} is a symbolic link; moodc appends only to a regular file it "
                       f"can see", hint=f"give the real path ({os.path.realpath(path)}) "
                                        f"with -o, or remove the link")


def _not_regular(path: Path, mode: int) -> OutputError:
    return OutputError(f"{path} is {_kind_of(mode)}, not a regular file",
                       hint="choose a file path with -o")
