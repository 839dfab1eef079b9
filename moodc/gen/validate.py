"""The last gate of generation: a generated config is checked by pydantic *and* the JSON Schema.

Nothing invalid is ever returned or written; a failure here is a bug in an engine, so the
message asks for a report and names an engine that needs no model.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from moodc.errors import MoodcError

#: Hint of an invalid generated config (an engine bug).
_REPORT_HINT = "please report this prompt; the 'concepts' engine needs no model meanwhile"


@functools.lru_cache(maxsize=1)
def _config_schema() -> dict[str, Any]:
    import importlib.resources

    return json.loads((importlib.resources.files("moodc") / "schemas" / "config.schema.json")
                      .read_text(encoding="utf-8"))


def validate_generated(data: dict[str, Any]) -> Any:
    """``data`` as a Config, checked by pydantic *and* the JSON Schema (belt and braces).

    Raises
    ------
    MoodcError
        If either check fails (a decoder bug: nothing invalid is ever returned or written).
    """
    import jsonschema
    from pydantic import ValidationError

    from moodc.config.model import Config

    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise MoodcError(f"internal error: the generated config is invalid: {exc.errors()[0]['msg']}",
                         hint=_REPORT_HINT) from None
    errors = list(jsonschema.Draft202012Validator(_config_schema()).iter_errors(
        config.model_dump(mode="json", exclude_none=True)))
    if errors:
        raise MoodcError(f"internal error: the generated config breaks the schema: {errors[0].message}",
                         hint=_REPORT_HINT)
    return config


__all__ = ["validate_generated"]
