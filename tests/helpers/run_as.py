"""Run the moodc CLI as another user, for the permission cases of the hostile corpus.

``python -m tests.helpers.run_as UID GID ARG...`` imports moodc and everything its commands
load lazily while still root (the interpreter and its standard library may live where an
unprivileged user cannot read, e.g. under /root), then drops to UID/GID and runs
``moodc ARG...``. Root ignores file permissions, so this is how a test sees EACCES.
"""

from __future__ import annotations

import os
import sys


#: Standard modules never to import up front (side effects, GUIs, test suites).
_SKIP = {"antigravity", "this", "idlelib", "tkinter", "turtle", "turtledemo", "test",
         "__main__", "pydoc_data", "lib2to3", "ensurepip", "venv", "msilib", "winreg",
         "winsound", "_winapi", "msvcrt", "nt", "_msi", "_overlapped", "_tkinter"}


def _preload() -> None:
    """Import what the commands import inside their functions: every standard module (they
    may sit where the unprivileged user cannot read) and moodc's own."""
    import importlib
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in sorted(sys.stdlib_module_names - _SKIP):
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - platform-specific modules are absent
                pass
        import encodings.idna  # noqa: F401
    import encodings.ascii  # noqa: F401
    import encodings.latin_1  # noqa: F401
    import encodings.utf_8_sig  # noqa: F401
    import json  # noqa: F401
    import secrets  # noqa: F401
    import shutil  # noqa: F401
    import tempfile  # noqa: F401

    import click.core  # noqa: F401

    import moodc.activity.record_run  # noqa: F401
    import moodc.activity.to_score  # noqa: F401
    import moodc.cli  # noqa: F401
    import moodc.commands.gen  # noqa: F401
    import moodc.commands.record  # noqa: F401
    import moodc.commands.render  # noqa: F401
    import moodc.commands.tween  # noqa: F401
    import moodc.concepts  # noqa: F401
    import moodc.config.load  # noqa: F401
    import moodc.config.model  # noqa: F401
    import moodc.config.validate  # noqa: F401
    import moodc.gen.pipeline  # noqa: F401
    import moodc.output  # noqa: F401
    import moodc.render  # noqa: F401
    import moodc.tween  # noqa: F401
    import soundfile  # noqa: F401
    from moodc.config.validate import _validator

    _validator("config"), _validator("score")


def main() -> None:
    uid, gid, args = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    _preload()
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    from moodc.cli import main as moodc_main

    sys.argv = ["moodc", *args]
    moodc_main()


if __name__ == "__main__":
    main()
