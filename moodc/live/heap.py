"""Hand freed heap memory back to the system after a live session lets voices go.

glibc keeps freed memory inside the process: tone arrays of a few MiB freed in the middle of
the heap stay resident, so every morph (six voices for a few seconds, then one) leaves holes
that a session playing for hours accumulates as resident memory it no longer uses.
``malloc_trim(0)`` returns every free page of every arena to the kernel. It is called a few
times a minute at most (when a voice ends), costs about a millisecond, and changes nothing
but the process's resident size. Elsewhere (macOS, musl, Windows) there is nothing to call:
their allocators return large blocks on their own, and the function does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache
from typing import Callable


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # musl (Alpine) has no malloc_trim
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def release_free_memory() -> bool:
    """Return free heap pages to the system; True when the allocator could be asked."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
