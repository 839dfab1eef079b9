"""Recorder backends, one module per OS, imported only when selected.

``BACKENDS`` maps a backend name to its module; :func:`load_backend` imports that module on
demand, so importing :mod:`moodc.activity` never pulls in python-xlib, pyobjc or ctypes
Windows bindings.
"""

from __future__ import annotations

import importlib
import sys
from typing import Final

from moodc.activity.backends.base import Backend, BackendUnavailable

#: Backend name → module path. Each module defines ``create(**options) -> Backend``.
BACKENDS: Final[dict[str, str]] = {
    "x11": "moodc.activity.backends.x11",
    "macos": "moodc.activity.backends.macos",
    "windows": "moodc.activity.backends.windows",
    "replay": "moodc.activity.backends.replay",
}

#: Backend name → what to install when its module cannot be imported.
INSTALL_HINTS: Final[dict[str, str]] = {
    "x11": "pip install python-xlib   (or: pip install 'moodc[record]')",
    "macos": "pip install pyobjc-framework-Quartz pyobjc-framework-Cocoa",
    "windows": "the Windows backend needs only the standard library on Windows",
    "replay": "",
}

#: ``sys.platform`` prefix → default backend.
PLATFORM_BACKEND: Final[dict[str, str]] = {
    "darwin": "macos",
    "win32": "windows",
    "linux": "x11",
    "freebsd": "x11",
}


def default_backend_name(*, platform: str = sys.platform) -> str:
    """The backend for ``platform`` (X11 on Linux and the BSDs)."""
    for prefix, name in PLATFORM_BACKEND.items():
        if platform.startswith(prefix):
            return name
    return "x11"


def load_backend(name: str, **options: object) -> Backend:
    """Import backend ``name`` and create it.

    Raises
    ------
    KeyError
        When ``name`` is not in :data:`BACKENDS`.
    BackendUnavailable
        When the backend's OS library is not installed (the message says what to install).
    """
    try:
        module = importlib.import_module(BACKENDS[name])
    except ImportError as exc:
        raise BackendUnavailable(f"the {name} backend cannot load ({exc}); "
                                 f"install: {INSTALL_HINTS[name]}") from None
    return module.create(**options)
