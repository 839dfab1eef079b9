"""Activity capture and its translation into music: ``moodc record`` and ``gen --from-log``.

Layout (lower layers never import higher ones):

- :mod:`~moodc.activity.bucket` — the in-memory bucket and its JSON line;
- :mod:`~moodc.activity.privacy` — title off/hashed/plain, the per-user HMAC key;
- :mod:`~moodc.activity.aggregate` — pure tick → bucket logic (no OS imports);
- :mod:`~moodc.activity.backends` — x11, macos, windows, replay; each imported on demand;
- :mod:`~moodc.activity.recorder`, :mod:`~moodc.activity.record_run` — the loop and its CLI glue;
- :mod:`~moodc.activity.logfile`, :mod:`~moodc.activity.aw_import` — reading/writing logs;
- :mod:`~moodc.activity.phases`, :mod:`~moodc.activity.to_score` — log → phases → V2 score.

Importing this package imports none of numpy, python-xlib, pyobjc or the config model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["log_to_score"]


def log_to_score(log_path: Path, *, minutes_per_section: float = 30.0,
                 compress: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Turn an activity log (moodc JSONL or an ActivityWatch export) into a V2 score dict.

    See :func:`moodc.activity.to_score.log_to_score` for the parameters and rules.
    """
    from moodc.activity.to_score import log_to_score as _log_to_score

    return _log_to_score(Path(log_path), minutes_per_section=minutes_per_section,
                         compress=compress, seed=seed)
