"""Pure privacy transforms for window titles, and the per-user HMAC key they use.

Titles are ``off`` (dropped), ``hashed`` (HMAC-SHA256 with a per-user random key, so the
same document gives the same token without its text being on disk) or ``plain``. The key
lives in the user config dir, created owner-only; it is never written to a log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Final

from moodc.activity.bucket import TitlesMode

#: File name of the per-user title key inside the moodc config dir.
TITLE_KEY_FILE: Final[str] = "activity-title-key"
#: Hex digits of the HMAC kept per title: 64 bits make collisions within a day
#: negligible while keeping lines short.
TITLE_HASH_HEX_DIGITS: Final[int] = 16
#: Random key length in bytes (the HMAC-SHA256 block recommendation is ≥ 32).
TITLE_KEY_BYTES: Final[int] = 32

TitleKeyer = Callable[[str], "str | None"]


def default_key_path() -> Path:
    """``<user config dir>/moodc/activity-title-key`` (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("moodc")) / TITLE_KEY_FILE


def load_or_create_key(path: Path) -> bytes:
    """Read the title key at ``path``, creating a random one (mode 0600) when missing.

    The directory is created with mode 0700. The key is written whole to a temp file and
    linked into place (:func:`moodc.output.publish_new`), so it is never half-written and two
    recorders starting at once agree on one key instead of overwriting each other's.

    Raises
    ------
    ValueError
        The key file is not a regular file of hex text.
    moodc.output.OutputError
        The folder or the key cannot be written.
    """
    from moodc.output import publish_new

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        pass  # publish_new names the problem
    key = secrets.token_bytes(TITLE_KEY_BYTES)
    if publish_new(path, (key.hex() + "\n").encode("ascii"), mode=0o600):
        return key
    if not path.is_file():
        raise ValueError(f"{path} is not a regular file")
    text = path.read_bytes()[:4 * TITLE_KEY_BYTES].decode("ascii", errors="replace").strip()
    return bytes.fromhex(text)


def hash_title(title: str, *, key: bytes) -> str:
    """``hmac:<hex>`` — a keyed token for ``title`` that does not reveal its text."""
    digest = hmac.new(key, title.encode("utf-8"), hashlib.sha256).hexdigest()
    return "hmac:" + digest[:TITLE_HASH_HEX_DIGITS]


def make_title_keyer(mode: TitlesMode, *, key: bytes | None = None) -> TitleKeyer:
    """A function title → stored form (None to drop it) for titles ``mode``.

    Raises
    ------
    ValueError
        When ``mode="hashed"`` and no key is given.
    """
    if mode == "off":
        return lambda title: None
    if mode == "plain":
        return lambda title: title or None
    if key is None:
        raise ValueError("titles='hashed' needs a key; call load_or_create_key() first")
    return lambda title: hash_title(title, key=key) if title else None
