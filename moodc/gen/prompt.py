"""The text format the model reads and writes: a ChatML prompt, then ``name: value`` lines.

One module owns the format so that decoding (:mod:`moodc.gen.decode`) and any fine-tune of
the model (which must train on exactly this text) agree. A generated answer looks like::

    reason: slow and dark, like a rainy night        (only when explaining)
    tempo: slow
    root: d
    ...
    layer bass: drone
    instrument lead: electric piano
    register low: 3

Values are written with spaces for underscores (``very slow``), which the model reads as
ordinary words; :func:`moodc.gen.fields.value_to_text` is the one mapping and it is
one-to-one over each field's labels.
"""

from __future__ import annotations

import re
import unicodedata

#: The system message. Short on purpose: every prompt token costs prefill time, and the
#: allowed values are enforced by the decoder, not by listing them here.
SYSTEM_PROMPT = (
    "You are moodc, a composer. Read the user's mood description and write music settings "
    "that fit it, one 'name: value' per line.")

#: Prompts longer than this many tokens keep their first tokens only (a 10,000-character
#: prompt would otherwise cost ~10 s of prefill and exceed what the small model can use).
MAX_PROMPT_TOKENS = 256

#: The line that introduces the optional free-text justification.
REASON_PREFIX = "reason:"

#: ChatML pieces (SmolLM2's template).
CHAT_PREFIX = f"<|im_start|>system\n{SYSTEM_PROMPT}<|im_end|>\n<|im_start|>user\n"
CHAT_SUFFIX = "<|im_end|>\n<|im_start|>assistant\n"

_CONTROL = re.compile(r"<\|[^|>]{0,40}\|>")


def clean_prompt(prompt: str) -> str:
    """``prompt`` made safe to embed: no control characters, no ChatML control tokens.

    The user's text must never be read as ``<|im_end|>`` (closing the user turn early), so
    anything shaped like ``<|...|>`` loses its bars; other control characters become spaces.
    Whitespace runs collapse to one space.
    """
    text = _CONTROL.sub(lambda m: m.group(0).replace("|", ""), prompt)
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cs", "Co") else ch for ch in text)
    return " ".join(text.split())
