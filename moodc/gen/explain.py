"""``--explain``: which words of the prompt led to which chosen values, found by ablation.

A justification that restates the config ("fast, E major, medium; shehnai lead…") tells the
reader nothing the config does not. This module asks the engine itself instead: remove one
content word of the prompt at a time, run the engine on every ablated prompt (the tuned head:
all of them in one batched forward pass), and see which chosen values lose the most
probability without that word. A word *led to* the values it holds up:

    Cues: rajasthan → shehnai lead, dhol rhythm; wedding → fast tempo, major key.

Honesty is by construction, and checked (:func:`check_justification`):

- every phrase is said from the **chosen** value through the one table :data:`VALUE_PHRASES`
  (never from an ablated run), and reads back to exactly one (field, value) through
  :func:`phrase_index`;
- every cue is a word of the prompt (:func:`cue_words` only offers the prompt's own words).

The scorer is the engine's own: for the head, the softmax probability of each chosen value;
for the concept library (library-routed prompts), 1 when the library still picks the chosen
value without the word, else 0 (:func:`library_kept`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from moodc.vocab import MAX_JUSTIFICATION_CHARS

#: Field (dotted key) → (how its value is said, values not worth saying). ``{}`` is the value
#: with ``_`` as a space. Only fields a musician hears as a choice are here, in the order a
#: cue names them; the phrases are distinct across fields (tested), so a phrase names one
#: field. Per-value wording that reads better than the template is in
#: :data:`PHRASE_OVERRIDES`.
VALUE_PHRASES: Final[dict[str, tuple[str, frozenset[Any]]]] = {
    # what names a style first (the voice, the drums, the scale), then the feel, then detail
    "instruments.lead": ("{} lead", frozenset()),
    "layers.rhythm": ("{} rhythm", frozenset()),
    "mode": ("{} scale", frozenset()),
    "tempo": ("{} tempo", frozenset()),
    "brightness": ("{} tone", frozenset()),
    "layers.texture": ("{} texture", frozenset({"none"})),
    "meter": ("in {}", frozenset()),
    "space": ("{} space", frozenset()),
    "layers.accent": ("{} accents", frozenset({"none"})),
    "instruments.pad": ("{} pad", frozenset()),
    "layers.pad": ("{} pad", frozenset({"none"})),
    "composition.harmony": ("{} harmony", frozenset()),
    "composition.swing": ("{} swing", frozenset({"none"})),
    "layers.melody": ("{} melody", frozenset({"none"})),
    "instruments.bass": ("{} bass", frozenset()),
    "layers.bass": ("{} bass", frozenset({"none"})),
    "echo": ("{} echo", frozenset({"none"})),
    "composition.melody_density": ("{} notes", frozenset()),
    "composition.ornament": ("{} ornaments", frozenset({"none"})),
    "composition.syncopation": ("{} syncopation", frozenset({"none"})),
    "motion": ("{} motion", frozenset()),
    "stereo": ("{} stereo", frozenset()),
    "human": ("{} timing", frozenset()),
}

#: Field → the layer that must sound for its value to be heard
#: (:data:`moodc.vocab.DENSITY_LAYERS`): a glitch texture at density 4 is in the config but
#: not in the music, so it is not said.
HEARD_IN_LAYER: Final[dict[str, str]] = {
    "instruments.lead": "melody", "layers.melody": "melody", "composition.melody_density": "melody",
    "composition.ornament": "melody", "instruments.bass": "bass", "layers.bass": "bass",
    "layers.rhythm": "rhythm", "composition.swing": "rhythm", "layers.texture": "texture",
    "layers.accent": "accent",
}

#: (field, value) → its phrase where the template reads badly ("major key", not "major scale").
PHRASE_OVERRIDES: Final[dict[tuple[str, Any], str]] = {
    ("mode", "major"): "major key", ("mode", "minor"): "minor key",
    ("layers.rhythm", "none"): "no drums",
}

#: A word led to a value when the value loses at least this share of its probability without
#: it (a third: below that, the word only nudges a value other words or the prior hold up).
MIN_DROP: Final[float] = 1 / 3
#: A value is named under every word that holds up at least this share of the strongest
#: word's hold on it: "wedding" and "rajasthan" each carry the shehnai, so both say so.
SHARED_DROP: Final[float] = 0.8
#: Most words ablated per prompt, rarest first: each costs a slice of the batched forward
#: pass (and a concept-library lookup, ~10 ms), and a pasted essay must stay fast.
MAX_ABLATED_WORDS: Final[int] = 10
#: Model tokens all the ablated prompts together may hold: the batched forward pass costs
#: about 3.5 ms of CPU per token on 2 cores (a 40-token prompt with 10 ablations measured
#: 1.5 s), so 160 tokens keep ``--explain`` near 0.6 s over gen for any prompt; a short
#: prompt still gets all :data:`MAX_ABLATED_WORDS`, a long one at least
#: :data:`MIN_ABLATED_WORDS` (its rarest).
ABLATION_TOKEN_BUDGET: Final[int] = 160
MIN_ABLATED_WORDS: Final[int] = 3
#: Most cues named, and most values named per cue: enough for the main reasons, short to read.
MAX_CUES: Final[int] = 4
MAX_VALUES_PER_CUE: Final[int] = 4

#: Function words the concept library's stop list leaves out (it only lists words that could
#: wrongly match a concept): a cue must be a word that means something to a reader.
FUNCTION_WORDS: Final[frozenset[str]] = frozenset("""
has have had having does did do done doing get gets got goes going went who whom whose which
what how why his her hers him them us our ours there here will shall should must might may
its it's yet still ever even almost
""".split())

#: The prompt that says nothing: what an ablation leaves when it removes every word, and the
#: baseline a word read alone is measured against.
NEUTRAL_PROMPT: Final[str] = "music"

#: Leading words and separators of the rendered text (the parser reads them back).
_PREFIX: Final[str] = "Cues: "
_ARROW: Final[str] = " → "
_CUE_SEP: Final[str] = "; "
_VALUE_SEP: Final[str] = ", "
_NO_CUE: Final[str] = "No single word decided it; read as a whole: "


def say_value(*, key: str, value: Any) -> str | None:
    """How the chosen ``value`` of field ``key`` is said, or None when it is not said."""
    if key not in VALUE_PHRASES:
        return None
    template, silent = VALUE_PHRASES[key]
    if value in silent:
        return None
    return PHRASE_OVERRIDES.get((key, value), template.format(str(value).replace("_", " ")))


def phrase_index() -> dict[str, list[tuple[str, Any]]]:
    """Every phrase :func:`say_value` can write → the (field, value) pairs it stands for.

    Each phrase stands for one (field, value) — a test holds the table to that — so a phrase
    read back names its value without doubt; the checker (:func:`check_justification`) and
    ``moodc eval --explain`` read justifications through it.
    """
    from moodc.gen.fields import config_fields

    index: dict[str, list[tuple[str, Any]]] = {}
    for spec in config_fields():
        for value in spec.values:
            phrase = say_value(key=spec.key, value=value)
            if phrase is not None:
                index.setdefault(phrase, []).append((spec.key, value))
    return index


# --------------------------------------------------------------------------------------
# Which words to ablate
# --------------------------------------------------------------------------------------

def _is_content(word: str) -> bool:
    """Whether a normalised word can be a cue: 2+ characters, not a stop word, a negation
    or a function word (:data:`FUNCTION_WORDS`)."""
    from moodc.concepts import NEGATORS, STOPWORDS, stem

    return (len(word) >= 2 and word not in STOPWORDS and stem(word) not in STOPWORDS
            and word not in NEGATORS and word not in FUNCTION_WORDS)


def cue_words(prompt: str, *, limit: int = MAX_ABLATED_WORDS) -> list[str]:
    """The prompt's content words (normalised: lower case, accents folded), likeliest cues first.

    A word is a whitespace token that normalises to one content word (:func:`_is_content`).
    Words the concept library knows come first, rarest (highest IDF) first: they move both
    the model's reading and the library evidence the head is fed. Then the other words,
    longest first (a long unknown word is more often a name or a thing than filler). At most
    ``limit`` are kept.
    """
    from moodc.concepts import _index_for, load_concepts, normalise, stem

    idf = _index_for(tuple(load_concepts())).idf
    words: list[str] = []
    for token in prompt.split():
        word = normalise(token)
        if word and " " not in word and word not in words and _is_content(word):
            words.append(word)
    words.sort(key=lambda w: (stem(w) not in idf, -idf.get(stem(w), 0.0), -len(w)))
    return words[:limit]


def words_for_budget(n_tokens: int) -> int:
    """How many words to ablate in a prompt of ``n_tokens`` model tokens
    (:data:`ABLATION_TOKEN_BUDGET`), between the min and max counts."""
    fits = ABLATION_TOKEN_BUDGET // max(n_tokens, 1)
    return min(max(fits, MIN_ABLATED_WORDS), MAX_ABLATED_WORDS)


def cue_phrases(prompt: str, *, limit: int = MAX_ABLATED_WORDS) -> list[str]:
    """Short phrases of the prompt that may decide together what no word of them decides
    alone ("ravi shankar", "national anthem", "tam-tam"): each token that normalises to
    several words, and each pair of neighbouring tokens that are both content words; in
    prompt order, at most ``limit``."""
    from moodc.concepts import normalise

    words = [normalise(token) for token in prompt.split()]
    phrases: list[str] = []
    for i, word in enumerate(words):
        parts = word.split()
        if len(parts) > 1 and any(_is_content(p) for p in parts):
            phrases.append(word)
        elif i + 1 < len(words) and " " not in words[i + 1] and word \
                and _is_content(word) and _is_content(words[i + 1]):
            phrases.append(f"{word} {words[i + 1]}")
    return list(dict.fromkeys(phrases))[:limit]


def without_cue(prompt: str, *, cue: str) -> str:
    """``prompt`` without the runs of tokens (up to three) that normalise to ``cue``."""
    from moodc.concepts import normalise

    tokens = prompt.split()
    kept: list[str] = []
    i = 0
    while i < len(tokens):
        span = next((n for n in (1, 2, 3) if i + n <= len(tokens) and
                     " ".join(normalise(t) for t in tokens[i:i + n]) == cue), 0)
        if span:
            i += span
            continue
        kept.append(tokens[i])
        i += 1
    return " ".join(kept) or NEUTRAL_PROMPT


# --------------------------------------------------------------------------------------
# Attribution
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cue:
    """One word of the prompt and the fields (dotted keys) whose chosen value it held up."""

    word: str
    keys: tuple[str, ...]


def attribute(kept: np.ndarray, *, words: Sequence[str], keys: Sequence[str],
              plain: Sequence[bool] | None = None, min_drop: float = MIN_DROP) -> list[Cue]:
    """Cues from the chosen values' probabilities with and without each word.

    Parameters
    ----------
    kept : np.ndarray [shape=(1 + len(words), len(keys))]
        Row 0: each chosen value's probability on the whole prompt; row ``1 + i``: the same
        without ``words[i]``.
    words, keys : sequences of str
        The ablated words and the fields, aligned with ``kept``.
    plain : sequence of bool, optional
        Per key, whether the chosen value is the config default: such a value is named after
        the word's other values (a word that keeps "4/4" says less than one that brings a dhol).
    min_drop : float in (0, 1]
        The least share of its probability a value must lose without the word to be its.

    Returns
    -------
    list of Cue
        A field is named under the word whose removal costs its value the largest share of
        its probability, and under any word costing at least :data:`SHARED_DROP` of that,
        if the share reaches ``min_drop``. Cues strongest word first, at most
        :data:`MAX_CUES`; per cue at most :data:`MAX_VALUES_PER_CUE` fields, chosen styles
        before default values, in :data:`VALUE_PHRASES` order.
    """
    if not words or not keys:
        return []
    base = np.maximum(kept[0], 1e-12)[None, :]
    drops = (base - kept[1:]) / base  # (n_words, n_keys): share of the probability lost
    floor = np.maximum(min_drop, SHARED_DROP * drops.max(axis=0))  # (n_keys,)
    plain = [False] * len(keys) if plain is None else list(plain)
    cues = []
    for w in np.argsort(-drops.max(axis=1), kind="stable"):  # strongest word first
        held = [k for k in range(len(keys)) if drops[w, k] >= floor[k]]
        if held:
            held.sort(key=lambda k: (plain[k], k))  # chosen styles before defaults, table order
            cues.append(Cue(words[w], tuple(keys[k] for k in held[:MAX_VALUES_PER_CUE])))
    return cues[:MAX_CUES]


def library_kept(prompts: Sequence[str], *, chosen: Mapping[str, Any], keys: Sequence[str],
                 seed: int) -> np.ndarray:
    """For the concept library: how well it holds up each chosen value, per prompt.

    The library gives no probabilities, so a value's score is half whether the library still
    picks it (its merge draws among the matched concepts, so a value can come or go with any
    word) and half the merge weight of the matched concepts whose own config has it — so a
    value goes to the word whose concept carries it ("neon" → glitch texture), not to every
    word whose removal reshuffled the draw. Shape (len(prompts), len(keys)), values in [0, 1].
    """
    from moodc.concepts import concepts_engine, find_concept
    from moodc.config.paths import get_path

    out = np.zeros((len(prompts), len(keys)))
    for row, prompt in enumerate(prompts):
        config = concepts_engine(prompt, seed=seed)
        dump, sources = config.model_dump(), config.provenance or {}
        concepts = [find_concept(name).config for name in sources.get("concepts", ())]
        weights = sources.get("weights", ())
        for col, key in enumerate(keys):
            support = sum(w for c, w in zip(concepts, weights) if get_path(c, key) == chosen[key])
            out[row, col] = 0.5 * (get_path(dump, key) == chosen[key]) + 0.5 * support
    return out


def default_value(key: str) -> Any:
    """The config default of field ``key`` (dotted), from :data:`moodc.vocab.DEFAULT_FIELDS`."""
    from moodc.config.paths import get_path
    from moodc.vocab import DEFAULT_FIELDS

    return get_path(DEFAULT_FIELDS, key)


def explained_keys(chosen: Mapping[str, Any]) -> list[str]:
    """The fields whose chosen value can be said (:func:`say_value`) and is heard (its layer
    sounds at the chosen density, :data:`HEARD_IN_LAYER`), in table order."""
    from moodc.vocab import DENSITY_LAYERS

    sounding = DENSITY_LAYERS.get(int(chosen.get("density", 6)), ())
    return [key for key in VALUE_PHRASES
            if key in chosen and say_value(key=key, value=chosen[key]) is not None
            and (key not in HEARD_IN_LAYER or HEARD_IN_LAYER[key] in sounding)]


Scorer = Callable[[list[str], list[str]], np.ndarray]


def _cues_without(prompt: str, units: Sequence[str], *, keys: list[str], plain: list[bool],
                  kept_of: Scorer) -> list[Cue]:
    """Cues by ablation: the values each unit's removal costs."""
    prompts = [prompt] + [without_cue(prompt, cue=u) for u in units]
    return attribute(kept_of(prompts, keys), words=units, keys=keys, plain=plain)


def _cues_alone(prompt: str, units: Sequence[str], *, keys: list[str], plain: list[bool],
                kept_of: Scorer) -> list[Cue]:
    """Cues by each unit read alone: the share of each value's score it brings over the
    neutral prompt. Two words that each carry the whole mood ("sprint finish of a marathon")
    hide from ablation — without either, the other keeps every value — but not from this."""
    kept = kept_of([prompt, NEUTRAL_PROMPT, *units], keys)
    brought = kept[2:] - kept[1][None, :]
    return attribute(np.vstack([kept[0], kept[0][None, :] - brought]), words=units,
                     keys=keys, plain=plain)


def explain_by_ablation(prompt: str, *, chosen: Mapping[str, Any], kept_of: Scorer,
                        max_units: int = MAX_ABLATED_WORDS) -> str:
    """The justification of ``chosen`` (dotted key → value) for ``prompt``.

    ``kept_of(prompts, keys)`` scores the chosen values on the whole prompt (row 0) and each
    other prompt; it is the engine's own scorer (the head's softmax, or :func:`library_kept`).
    Single words are ablated first; only when none of them decides anything are the short
    phrases (:func:`cue_phrases`) ablated, and then each word read alone (:func:`_cues_alone`)
    — later passes, so the common case pays one. At most ``max_units`` units per pass
    (:func:`words_for_budget` for a model).
    """
    keys = explained_keys(chosen)
    plain = [chosen[k] == default_value(k) for k in keys]
    words = cue_words(prompt, limit=max_units)
    passes = ((_cues_without, words), (_cues_without, cue_phrases(prompt, limit=max_units)),
              (_cues_alone, words))
    cues: list[Cue] = []
    for find, units in passes:
        if cues or not units or not keys:
            continue
        cues = find(prompt, units, keys=keys, plain=plain, kept_of=kept_of)
    return render(cues, chosen=chosen)


# --------------------------------------------------------------------------------------
# Text: write it, read it back, check it
# --------------------------------------------------------------------------------------

def render(cues: Sequence[Cue], *, chosen: Mapping[str, Any],
           max_chars: int = MAX_JUSTIFICATION_CHARS) -> str:
    """``Cues: word → phrase, phrase; word → phrase.`` said from the *chosen* values.

    Whole cues are dropped from the end (weakest first) to stay within ``max_chars``, so the
    text is never cut inside a phrase. With no cue, the main chosen values are named as the
    reading of the whole prompt.
    """
    parts = [f"{cue.word}{_ARROW}"
             + _VALUE_SEP.join(say_value(key=k, value=chosen[k]) or "" for k in cue.keys)
             for cue in cues]
    while parts:
        text = _PREFIX + _CUE_SEP.join(parts) + "."
        if len(text) <= max_chars:
            return text
        parts.pop()
    main = [say_value(key=k, value=chosen[k]) for k in explained_keys(chosen)[:MAX_VALUES_PER_CUE]]
    return (_NO_CUE + _VALUE_SEP.join(p for p in main if p) + ".")[:max_chars]


def read_cues(text: str) -> list[tuple[str, list[str]]]:
    """``(word, [phrases])`` per cue of a text :func:`render` wrote; [] for any other text."""
    if not text.startswith(_PREFIX) or not text.endswith("."):
        return []
    out = []
    for part in text[len(_PREFIX):-1].split(_CUE_SEP):
        word, arrow, said = part.partition(_ARROW)
        if arrow:
            out.append((_READING.sub("", word), said.split(_VALUE_SEP)))
    return out


#: A cue word's reading, e.g. ``rajasthan (India, the model's reading)``: said, not a word.
_READING: Final = re.compile(r" \([^()]*\)$")


def with_first_cue(text: str | None, *, word: str, reading: str, phrases: Sequence[str],
                   max_chars: int = MAX_JUSTIFICATION_CHARS) -> str:
    """``text`` (a justification :func:`render` wrote) led by the cue
    ``word (reading) → phrases``, which also takes the phrases of a later cue of the same
    word; the cues after it no longer repeat those phrases, and whole cues are dropped from
    the end to stay within ``max_chars``. A text in another form
    (no cues) is replaced, so the result always reads back with :func:`read_cues`."""
    cues = read_cues(text or "")
    first = list(phrases) + [p for cue, said in cues if cue == word
                             for p in said if p not in phrases]
    parts = [f"{word} ({reading}){_ARROW}{_VALUE_SEP.join(first)}"]
    parts += [f"{cue}{_ARROW}{_VALUE_SEP.join(kept)}" for cue, said in cues
              if cue != word and (kept := [p for p in said if p not in phrases])]
    while len(parts) > 1 and len(_PREFIX + _CUE_SEP.join(parts) + ".") > max_chars:
        parts.pop()
    return (_PREFIX + _CUE_SEP.join(parts) + ".")[:max_chars]


@dataclass(frozen=True)
class ExplainCheck:
    """What a justification does for one prompt and config (the ``--explain`` test)."""

    mentions_word: bool   # some cue is a word (or a run of words) of the prompt
    names_value: bool     # some phrase names a value the config has
    no_false_value: bool  # every phrase names a value the config has; no broken claim

    @property
    def explains(self) -> bool:
        return self.mentions_word and self.names_value and self.no_false_value


def said_values(text: str) -> list[str]:
    """The value side of a justification: every phrase after an arrow (or the no-cue list)."""
    if text.startswith(_NO_CUE):
        return [p for p in text[len(_NO_CUE):].rstrip(".").split(_VALUE_SEP) if p]
    return [phrase for _, phrases in read_cues(text) for phrase in phrases]


def check_justification(text: str, *, prompt: str, fields: Mapping[str, Any]) -> ExplainCheck:
    """Check a justification against its prompt and its config (a nested config dict).

    A phrase is true when it reads back (:func:`phrase_index`) to a value the config holds;
    independently, the claims table (:func:`moodc.data.claims.broken_claims`) must find no
    claim of the value side that the config breaks.
    """
    from moodc.concepts import normalise
    from moodc.config.paths import get_path
    from moodc.data.claims import broken_claims

    spoken = f" {normalise(prompt)} "
    index = phrase_index()
    phrases = said_values(text)
    true = [any(get_path(fields, key) == value for key, value in index.get(p, ()))
            for p in phrases]
    return ExplainCheck(
        mentions_word=any(f" {normalise(cue)} " in spoken for cue, _ in read_cues(text)),
        names_value=any(true),
        no_false_value=all(true) and not broken_claims(fields, _VALUE_SEP.join(phrases)))


def explain_rates(checks: Sequence[ExplainCheck]) -> dict[str, float]:
    """Shares of prompts whose justification mentions a prompt word, names a chosen value,
    names no false value, and all three (``explains``: the issue's ≥ 90 % figure)."""
    n = len(checks)

    def share(flags: list[bool]) -> float:
        return sum(flags) / n if n else float("nan")

    return {"mentions_word": share([c.mentions_word for c in checks]),
            "names_value": share([c.names_value for c in checks]),
            "no_false_value": share([c.no_false_value for c in checks]),
            "explains": share([c.explains for c in checks])}


__all__ = ["VALUE_PHRASES", "Cue", "ExplainCheck", "attribute", "check_justification",
           "cue_phrases", "cue_words", "explain_by_ablation", "explain_rates", "library_kept",
           "phrase_index", "with_first_cue",
           "render", "say_value", "without_cue", "words_for_budget"]

