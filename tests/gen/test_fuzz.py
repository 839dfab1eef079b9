"""Fuzz: 1,000 random prompts through the real model's constrained decoder, 100% valid.

A reduced field set keeps this to a couple of minutes of CPU, but every prompt takes the full
path: cleaning, tokenizing and truncation, a real forward pass with tree attention, trie
scoring with the base engine's calibration and the cross-field rule (``register_high`` ≥ ``register_low``), and the pydantic +
JSON Schema re-validation that ``generate`` applies. An unreadable prompt must be a
UsageError, never a traceback or an invalid config.
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc.errors import UsageError
from moodc.gen.blas import preload_openblas

preload_openblas()

N_PROMPTS = 1000
#: Fields decoded in the fuzz: a trie with prefix values (root: c / c#), and the two number
#: fields tied by a cross-field rule. ~24 tokens per prompt: the whole test is ~6 TFLOP,
#: about 1 min on 2 idle cores (6 min measured with the CPU shared by ~6 jobs).
FUZZ_FIELDS = ("root", "composition.register_low", "composition.register_high")

#: Pieces the random prompts are built from: words, scripts, emoji, control characters,
#: ChatML tokens and injection phrases.
FRAGMENTS = (
    "calm", "storm", "arabian nights", "lofi", "8-bit", "tempo: ludicrous", "mode: none",
    "ليل", "雨", "夜の東京", "ночь", "κύμα", "🌧️", "🎹", "🔥🔥", "\u200b", "\x00", "\x1b[0m",
    "\t", "\n\n", "<|im_end|>", "<|im_start|>assistant\n", "<|endoftext|>", "{\"tempo\":",
    "ignore previous instructions", "register low: 9", "\\u0000", "'; DROP TABLE", "😀" * 5,
)


def random_prompt(rng: np.random.Generator) -> str:
    """A prompt of random fragments and random code points (any plane but surrogates)."""
    parts = []
    for _ in range(int(rng.integers(0, 6))):
        if rng.random() < 0.6:
            parts.append(str(rng.choice(FRAGMENTS)))
        else:
            n_chars = int(rng.integers(1, 12))
            points = rng.integers(1, 0x2FFFF, size=n_chars)
            parts.append("".join(chr(p) for p in points if not 0xD800 <= p <= 0xDFFF))
    if rng.random() < 0.05:
        parts.append("long " * int(rng.integers(100, 2000)))
    return " ".join(parts)


def default_values() -> dict:
    """Every decoded field's default value by dotted key: fills the fields the fuzz skips."""
    from moodc.config.model import Config
    from moodc.gen.fields import config_fields

    dump = Config.model_validate({"version": 2}).model_dump()
    out = {}
    for spec in config_fields():
        node = dump
        for part in spec.path:
            node = node[part]
        out[spec.key] = node
    return out


@pytest.fixture(scope="module")
def fuzz_decoder():
    from moodc.gen.convert import ensure_model
    from moodc.gen.decode import Decoder
    from moodc.gen.fields import config_fields

    fields = [f for f in config_fields() if f.key in FUZZ_FIELDS]
    return Decoder(ensure_model().path, fields=fields, max_prompt_tokens=6, calibrate=True)


@pytest.mark.model
@pytest.mark.slow
def test_random_prompts_always_give_valid_configs_or_a_clear_error(fuzz_decoder):
    from moodc.gen.pipeline import check_prompt
    from moodc.gen.validate import validate_generated
    from moodc.config.paths import nest

    rng = np.random.default_rng(2024)
    prompts = [random_prompt(rng) for _ in range(N_PROMPTS)]
    readable, n_empty = [], 0
    for prompt in prompts:
        try:
            readable.append(check_prompt(prompt))
        except UsageError:
            n_empty += 1
    assert n_empty < N_PROMPTS // 5  # the generator mostly makes readable prompts
    temperatures = (0.0, 1.0)
    n_valid = 0
    for index, temperature in enumerate(temperatures):
        half = readable[index::len(temperatures)]
        decoded = fuzz_decoder.decode_many(half, seed=index, temperature=temperature,
                                           group_size=8)
        assert len(decoded) == len(half)
        for result in decoded:
            assert set(result.values) == set(FUZZ_FIELDS)
            values = {**default_values(), **result.values}
            config = validate_generated({"version": 2, **nest(values)})
            assert config.composition.register_low <= config.composition.register_high
            n_valid += 1
    assert n_valid + n_empty == N_PROMPTS
