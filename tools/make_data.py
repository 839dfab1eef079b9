"""Generate moodc's concept library and training splits from hand-authored tables.

Usage::

    python tools/make_data.py            # writes moodc/data/concepts/concepts.jsonl
                                         # and moodc/data/train/{train,valid,test}.jsonl

Everything is deterministic (fixed seeds, sorted inputs): re-running it reproduces the
committed files byte for byte. The musical content lives in ``tools/concept_specs.py`` (one
line per concept) and in the prompt templates below; this script only expands them.
See ``moodc/data/README.md`` for the rules, the splits and the held-out policy.
"""

from __future__ import annotations

import difflib
import json
import random
import sys
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import concept_specs  # noqa: E402
from moodc import vocab  # noqa: E402
from moodc.concepts import (MODIFIERS, apply_modifiers, content_words_of,  # noqa: E402
                            describe_config, keep_identity)
from moodc.config.model import Config  # noqa: E402
from moodc.config.paths import nest  # noqa: E402
from moodc.data.expect import MODE_FAMILY, SCALE_FAMILIES, check_expectations  # noqa: E402
from moodc.tween import given_mask  # noqa: E402

CONCEPTS_PATH = ROOT / "moodc" / "data" / "concepts" / "concepts.jsonl"
TRAIN_DIR = ROOT / "moodc" / "data" / "train"

# --------------------------------------------------------------------------------------
# Spec language → config
# --------------------------------------------------------------------------------------

#: Short spec key → config field path.
SPEC_KEYS: dict[str, str] = {
    "t": "tempo", "b": "brightness", "sp": "space", "e": "echo", "mo": "motion",
    "st": "stereo", "h": "human", "d": "density", "root": "root", "m": "mode",
    "meter": "meter", "bpm": "bpm",
    "bass": "layers.bass", "pad": "layers.pad", "mel": "layers.melody",
    "rh": "layers.rhythm", "tex": "layers.texture", "acc": "layers.accent",
    "lead": "instruments.lead", "padi": "instruments.pad", "bassi": "instruments.bass",
    "md": "composition.melody_density", "sy": "composition.syncopation",
    "sw": "composition.swing", "pb": "composition.phrase_bars", "lp": "composition.leaps",
    "harm": "composition.harmony", "cr": "composition.chord_rate",
    "ext": "composition.extensions", "orn": "composition.ornament",
    "mr": "composition.motif_repeat", "cad": "composition.cadence",
    "ten": "composition.tension",
}
_BARE: dict[str, str] = {
    **{label: "tempo" for label in ("very_slow", "slow", "medium", "fast", "very_fast")},
    **{label: "brightness" for label in ("very_dark", "dark", "bright", "very_bright")},
    **{mode: "mode" for mode in vocab.MODE_INTERVALS},
    **{meter: "meter" for meter in vocab.METERS},
}
#: Keys pleasant for a generated root when a spec does not name one.
_ROOTS = ("c", "d", "e", "f", "g", "a")


def parse_spec(spec: str, *, known: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """``{field path: value}`` from spec tokens (``slow dorian tex=rain reg=3-5 @rain``)."""
    out: dict[str, Any] = {}
    for token in spec.split():
        if token.startswith("@"):
            out.update(known[token[1:].replace("_", " ")])
        elif "=" in token:
            key, value = token.split("=", 1)
            if key == "reg":
                low, high = value.split("-")
                out["composition.register_low"] = int(low)
                out["composition.register_high"] = int(high)
            elif key not in SPEC_KEYS:
                raise ValueError(f"unknown spec key {key!r} in {spec!r}")
            else:
                path = SPEC_KEYS[key]
                out[path] = int(value) if path in ("density", "composition.phrase_bars") \
                    else float(value) if path == "bpm" else value
        elif token in _BARE:
            out[_BARE[token]] = token
        else:
            raise ValueError(f"unknown bare token {token!r} in {spec!r}")
    return out


def full_config(data: Mapping[str, Any]) -> dict[str, Any]:
    """The validated config with every field filled, None-valued metadata dropped."""
    dumped = Config.model_validate(dict(data)).model_dump()
    return {k: v for k, v in dumped.items() if v is not None}


# --------------------------------------------------------------------------------------
# Concepts
# --------------------------------------------------------------------------------------

def concept_rows() -> list[dict[str, Any]]:
    """Every concept of ``concept_specs`` as a library row (name, category, aliases, ...)."""
    base = parse_spec(concept_specs.GLOBAL_DEFAULT, known={})
    known: dict[str, dict[str, Any]] = {}
    rows, seen = [], set()
    for category, block in concept_specs.CATEGORY_BLOCKS.items():
        category_default = parse_spec(concept_specs.CATEGORY_DEFAULTS[category], known={})
        for line in filter(str.strip, block.strip().splitlines()):
            parts = [p.strip() for p in line.split("|")]
            name, aliases, spec = parts[0], parts[1], parts[2]
            why = parts[3] if len(parts) > 3 else ""
            if name in seen:
                raise ValueError(f"duplicate concept {name!r}")
            seen.add(name)
            own = parse_spec(spec, known=known)
            known[name] = own
            rows.append(_concept_row(name, category, aliases, own, why,
                                     {**base, **category_default},
                                     category_named=frozenset(category_default)))
    return rows


#: Derived voice choices for concepts whose spec leaves them open: (field, rule) where each
#: rule is a list of (condition on the concept's fields, value), first match wins. A bass
#: line is a sine only when nothing in the style asks for another timbre.
DERIVED_DEFAULTS: dict[str, list[tuple[dict[str, tuple[str, ...]], str]]] = {
    "instruments.bass": [
        ({"instruments.lead": ("square_8bit",)}, "square_8bit"),
        ({"layers.rhythm": ("chiptune",)}, "square_8bit"),
        ({"layers.rhythm": ("rock",)}, "saw"),
        ({"composition.extensions": ("power",)}, "saw"),
        ({"layers.rhythm": ("march",), "layers.bass": ("octave", "fifths")}, "tuba"),
        ({"layers.bass": ("walking",)}, "double_bass"),
        ({"layers.rhythm": ("bossa", "tango")}, "double_bass"),
        ({"composition.harmony": ("cinematic",), "instruments.pad": ("strings",)}, "strings"),
        ({"instruments.pad": ("organ",), "layers.bass": ("drone", "sustained")}, "organ"),
    ],
    "instruments.pad": [
        ({"instruments.lead": ("square_8bit",)}, "square_8bit"),
        ({"layers.rhythm": ("electronic", "four_on_floor")}, "saw"),
        ({"composition.harmony": ("jazz",)}, "electric_piano"),
        ({"instruments.lead": ("choir",)}, "choir"),
    ],
    "layers.melody": [
        ({"composition.ornament": ("heavy", "florid")}, "ornamental"),
        ({"composition.leaps": ("very_leapy",)}, "arpeggio"),
        ({"layers.rhythm": ("four_on_floor", "chiptune")}, "arpeggio"),
        ({"composition.tension": ("ramp",), "instruments.lead": ("brass", "strings")}, "rising"),
        ({"tempo": ("fast", "very_fast")}, "lyrical"),
    ],
    "composition.harmony": [
        ({"layers.pad": ("tanpura",)}, "modal"),
        ({"mode": ("phrygian_dominant", "double_harmonic", "hirajoshi", "in_sen")}, "modal"),
    ],
}


def _derive(flat: dict[str, Any], own: dict[str, Any], *,
            named_before: frozenset[str] = frozenset()) -> set[str]:
    """Fill the voice choices a spec left open from :data:`DERIVED_DEFAULTS` (in place).

    Returns the derived paths that count as *named*: those whose rule fired on a field the
    spec or its category default named (``named_before``; a named walking bass implies the
    upright bass; a pad derived only from the global defaults says nothing).
    """
    named: set[str] = set()
    for path, rules in DERIVED_DEFAULTS.items():
        if path in own:
            continue
        for condition, value in rules:
            if all(flat.get(key) in allowed for key, allowed in condition.items()):
                flat[path] = value
                if any(key in own or key in named_before for key in condition):
                    named.add(path)
                break
    return named


def _concept_row(name: str, category: str, aliases: str, own: dict[str, Any], why: str,
                 defaults: dict[str, Any], *,
                 category_named: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One library row. ``given`` = the spec's fields, the category default's fields
    (``category_named``: a place is large and wide, a food small, a weather slow — hand-chosen
    statements about the category, unlike the global default's "nobody said"), and what was
    derived from them."""
    flat = {**defaults, **own}
    given = set(own) | set(category_named) | _derive(flat, own, named_before=category_named)
    # a texture or accent a concept names must be audible unless it set density itself
    if "density" not in own:
        if own.get("layers.accent", "none") != "none":
            flat["density"] = 6
            given.add("density")
        elif own.get("layers.texture", "none") != "none":
            flat["density"] = max(flat["density"], 5)
            given.add("density")
    if "root" not in own:
        flat["root"] = _ROOTS[zlib.crc32(name.encode()) % len(_ROOTS)]
    flat["title"] = name
    config = {"version": 2, **nest(flat)}
    cues = describe_config(config)
    justification = f"{name}: {why + '. ' if why else ''}{cues}."
    config["justification"] = justification
    alias_list = [a.strip() for a in aliases.split(",") if a.strip() and a.strip() != name]
    return {"name": name, "category": category, "aliases": alias_list,
            "justification": justification, "config": full_config(config),
            "given": sorted(given), "_why": why}


# --------------------------------------------------------------------------------------
# Expectations a musician would insist on
# --------------------------------------------------------------------------------------

#: Instrument families: a lead in one family satisfies "instrument_any" with any member.
INSTRUMENT_FAMILY: dict[str, list[str]] = {
    "oud": ["oud", "ney"], "ney": ["oud", "ney"],
    "sitar": ["sitar", "bansuri", "shehnai"], "bansuri": ["sitar", "bansuri", "shehnai"],
    "shehnai": ["sitar", "bansuri", "shehnai"], "koto": ["koto"],
    "square_8bit": ["square_8bit"], "celesta": ["celesta", "bell"], "organ": ["organ"],
    "choir": ["choir"], "calliope": ["calliope", "organ"], "tuba": ["tuba", "brass"],
    "brass": ["brass", "tuba"], "marimba": ["marimba"], "flute": ["flute"],
    "gamelan": ["gamelan"], "kora": ["kora"], "guzheng": ["guzheng", "erhu"],
    "erhu": ["erhu", "guzheng"], "fiddle": ["fiddle", "tin_whistle"],
    "tin_whistle": ["tin_whistle", "fiddle"],
}
RHYTHM_FAMILY: dict[str, list[str]] = {
    "maqsum": ["maqsum", "baladi", "saidi"], "baladi": ["maqsum", "baladi", "saidi"],
    "saidi": ["maqsum", "baladi", "saidi"], "teental": ["teental", "dhol"],
    "dhol": ["teental", "dhol"], "chiptune": ["chiptune"], "waltz": ["waltz"],
    "march": ["march"], "bossa": ["bossa"], "taiko": ["taiko"],
    "four_on_floor": ["four_on_floor", "electronic"],
    "gong_cycle": ["gong_cycle"], "djembe": ["djembe"], "jig": ["jig"], "bulgar": ["bulgar"],
}
#: A regional lead is only *insisted on* in its own musical context: a shehnai standing in for
#: bagpipes (scottish) or a ney for an ancient aulos is a timbre choice, not an expectation.
IDIOMATIC_CONTEXT: dict[str, dict[str, tuple[str, ...]]] = {
    "oud": {"mode": ("phrygian_dominant", "double_harmonic", "harmonic_minor")},
    "ney": {"mode": ("phrygian_dominant", "double_harmonic", "harmonic_minor")},
    "sitar": {"layers.pad": ("tanpura",), "layers.rhythm": ("teental", "dhol")},
    "bansuri": {"layers.pad": ("tanpura",), "layers.rhythm": ("teental", "dhol")},
    "shehnai": {"layers.pad": ("tanpura",), "layers.rhythm": ("teental", "dhol")},
    "koto": {"mode": ("hirajoshi", "in_sen", "major_pentatonic", "minor_pentatonic")},
}


def _idiomatic(lead: str, config: Mapping[str, Any]) -> bool:
    """Whether ``lead`` is in its own context in ``config`` (any listed field matches)."""
    context = IDIOMATIC_CONTEXT.get(lead)
    if context is None:
        return True
    flat = {"mode": config["mode"], "layers.pad": config["layers"]["pad"],
            "layers.rhythm": config["layers"]["rhythm"]}
    return any(flat[key] in allowed for key, allowed in context.items())


SIGNATURE_TEXTURES = ("rain", "ocean", "wind", "stars", "vinyl", "glitch")
SIGNATURE_ACCENTS = ("sleigh_bells", "glockenspiel", "gong", "bells")
#: A musician insists on a timbre only where it is the point: an instrument, a culture, a
#: genre or a holiday ("christmas" → celesta and sleigh bells); "spring" may have a flute but
#: need not. Signature leads (regional instruments, chip squares, organ, choir) always count.
TIMBRE_CATEGORIES = ("instrument", "culture", "genre", "season", "era")
SIGNATURE_LEADS = ("oud", "ney", "sitar", "bansuri", "shehnai", "koto", "square_8bit",
                   "gamelan", "kora", "guzheng", "erhu", "fiddle", "tin_whistle")
#: ...and on a texture only where the word names it: rain for weather, ocean for places,
#: vinyl for genres and eras, starlight for the night sky, glitch for digital styles.
TEXTURE_CATEGORIES = {
    "rain": ("weather", "place", "nature", "season"),
    "ocean": ("place", "nature", "activity", "weather"),
    "wind": ("weather", "place", "nature"),
    "stars": ("nature", "place", "time_of_day"),
    "vinyl": ("genre", "era", "texture"),
    "glitch": ("genre", "texture", "abstract", "era"),
}
#: Categories whose major/minor choice a musician insists on.
MODE_CATEGORIES = ("emotion", "season", "time_of_day", "weather", "character")


def candidate_expectations(config: Mapping[str, Any], category: str) -> dict[str, Any]:
    """The directional constraints one concept's config implies, most telling first."""
    exp: dict[str, Any] = {}
    mode = config["mode"]
    for family, modes in SCALE_FAMILIES.items():
        if mode in modes and family in ("middle_eastern", "japanese", "gamelan"):
            exp["scale_family"] = family
    lead = config["instruments"]["lead"]
    if lead in INSTRUMENT_FAMILY and _idiomatic(lead, config) and (
            lead in SIGNATURE_LEADS or category in TIMBRE_CATEGORIES):
        exp["instrument_any"] = INSTRUMENT_FAMILY[lead]
    rhythm, density = config["layers"]["rhythm"], config["density"]
    if rhythm in RHYTHM_FAMILY and density >= 4:
        exp["rhythm_any"] = RHYTHM_FAMILY[rhythm]
    tempo = config["tempo"]
    if tempo in ("very_slow", "slow"):
        exp["tempo"] = "<=slow"
    elif tempo in ("fast", "very_fast"):
        exp["tempo"] = ">=fast"
    if category in MODE_CATEGORIES and "scale_family" not in exp:
        exp["mode_family"] = MODE_FAMILY[mode]
    brightness = config["brightness"]
    if brightness in ("very_dark", "dark"):
        exp["brightness"] = "<=dark"
    elif brightness in ("bright", "very_bright"):
        exp["brightness"] = ">=bright"
    texture = config["layers"]["texture"]
    if (texture in SIGNATURE_TEXTURES and density >= 5
            and category in TEXTURE_CATEGORIES.get(texture, ())):
        exp["texture_any"] = [texture]
    if config["meter"] in ("3/4", "6/8"):
        exp["meter"] = config["meter"]
    accent = config["layers"]["accent"]
    if accent in SIGNATURE_ACCENTS and density >= 6 and category in TIMBRE_CATEGORIES:
        exp["accent_any"] = [accent]
    return exp


def expectations_for(sources: list[dict[str, Any]], final: Mapping[str, Any],
                     *, limit: int = 4) -> dict[str, Any]:
    """Constraints for a (possibly merged) example, never contradicting ``final``.

    Ordinal constraints are kept only when every source satisfies them (a merge of a fast
    and a slow concept has no tempo constraint); nominal ones come from the primary source
    (its identity is restored by :func:`keep_identity`) and from others when ``final`` holds
    them. At most ``limit`` constraints, primary first.
    """
    out: dict[str, Any] = {}
    for rank, row in enumerate(sources):
        for key, spec in candidate_expectations(row["config"], row["category"]).items():
            if key in out or len(out) >= limit:
                continue
            agree = all(check_expectations(s["config"], {key: spec})[0] for s in sources)
            ordinal = key in vocab.ORDINAL_LABELS or key == "mode_family"
            if ordinal and not agree:
                continue
            if check_expectations(final, {key: spec})[0]:
                out[key] = spec
    return out


# --------------------------------------------------------------------------------------
# Prompt templates
# --------------------------------------------------------------------------------------

TRAIN_SINGLE = [
    "{a}", "{a} music", "{a} vibes", "music for {a}", "a {a} mood", "something {a}",
    "soundtrack for {a}", "{a} ambience", "sounds like {a}", "give me {a}",
    "the feeling of {a}", "{a} atmosphere", "background music for {a}", "{a} theme",
    "play something that feels like {a}", "a track about {a}", "{a} feels",
    "an instrumental for {a}", "mood: {a}", "i want {a} music",
    "i would love some instrumental music that reminds me of {a}",
    "create an instrumental track inspired by {a} for my video",
    "can you write a piece that captures the essence of {a} for me",
    "something to listen to during {a}", "{a} type beat", "what would {a} sound like",
    "play me {a}", "set the mood: {a}", "{a} playlist", "a song that feels like {a}",
    "i'm in a {a} kind of mood", "{a}, instrumental", "music inspired by {a}",
]
TRAIN_PAIR = [
    "{a} {b}", "{a} in {b}", "{a} with {b}", "{a} and {b}", "{b} with a touch of {a}",
    "{a} during {b}", "{a} meets {b}", "{a}, {b}", "a {a} {b} soundtrack", "{a} but {b}",
    "i'm looking for music that captures {a}, with a feeling of {b} underneath",
    "please write an instrumental piece inspired by {a} and {b} for my project",
    "{a} x {b}", "{a} mixed with {b}", "like {a} but more {b}", "{a} vibes with {b}",
    "a {b} take on {a}", "{a} set in {b}",
    "music for {a} and {b}", "{a} at {b}", "{b} feeling, {a} style", "mix of {a} and {b}",
]
TRAIN_TRIPLE = [
    "{a} {b} {c}", "{a} in {b} with {c}", "{a}, {b} and {c}",
    "i need music for {a} on a {b} day, something {c}",
    "a {a} piece for {b}, with hints of {c}", "{a} and {b} at {c}",
    "imagine {a}: {b}, {c}", "background for {a} — {b}, a little {c}",
    "for my podcast intro i want {a} mixed with {b} and just a hint of {c}",
]
#: Templates used only in the test split (held out from training and validation).
TEST_SINGLE = [
    "compose {a}", "an evocative piece about {a}", "{a} please", "score for a scene of {a}",
    "write me a {a} cue", "{a}!!", "tune evoking {a}", "craft a {a} loop",
    "for a short film i need a cue that evokes {a} from start to finish",
]
TEST_PAIR = [
    "{a} paired with {b}", "compose {a} crossed with {b}", "score {a} alongside {b}",
    "{a} blended into {b}", "evoke {a} amid {b}",
]
TEST_TRIPLE = [
    "score a scene: {a}, {b}, {c}", "compose {a} amid {b} plus {c}",
    "evoke {a} alongside {b} and {c}",
]

#: A concept phrase with one modifier: (template, modifier phrase of moodc.concepts.MODIFIERS).
#: The config is the concept's with the modifier's constraint enforced (smallest edit).
MODIFIER_TEMPLATES = [
    ("slow {a}", "slow"), ("{a}, but slower", "slower"), ("very slow {a}", "very slow"),
    ("fast {a}", "fast"), ("{a}, faster", "faster"), ("upbeat {a}", "upbeat"),
    ("dark {a}", "dark"), ("a darker {a}", "darker"), ("bright {a}", "bright"),
    ("{a}, brighter", "brighter"), ("sparse {a}", "sparse"), ("dense {a}", "dense"),
    ("spacious {a}", "spacious"), ("intimate {a}", "intimate"), ("swinging {a}", "swinging"),
    ("{a} in a minor key", "minor key"), ("{a} in a major key", "major key"),
    ("{a} with rain sounds", "rain sounds"), ("{a} with ocean waves", "ocean waves"),
    ("{a} with vinyl crackle", "vinyl crackle"), ("{a} without drums", "without drums"),
    ("{a} with no drums", "no drums"), ("{a} in 3/4", "in 3/4"),
    ("{a} with lots of echo", "lots of echo"), ("{a} with a busy melody", "busy melody"),
    ("{a} with sleigh bells", "sleigh bells"), ("{a} in wide stereo", "wide stereo"),
]
assert all(phrase in MODIFIERS for _, phrase in MODIFIER_TEMPLATES)

#: Hand-picked contradictions and their primary side (first): musically the first word sets
#: the identity, the second bends it.
CONTRADICTIONS = [
    ("happy", "funeral"), ("calm", "battle"), ("sad", "partying"), ("peaceful", "war"),
    ("cheerful", "graveyard"), ("relaxing", "thunderstorm"), ("scary", "lullaby"),
    ("slow", "rave"), ("dark", "christmas"), ("joyful", "rain"), ("lonely", "carnival"),
    ("angry", "meditation"), ("sleepy", "workout"), ("euphoric", "funeral"),
    ("cozy", "blizzard"), ("tense", "picnic"), ("silly", "cathedral"), ("gentle", "metal"),
    ("melancholy", "beach"), ("triumphant", "sad"), ("quiet", "concert"), ("epic", "lullaby"),
    ("hopeful", "post-apocalyptic"), ("playful", "horror"), ("serene", "chase"),
    ("nostalgic", "futuristic"), ("bright", "midnight"), ("fast", "funeral"),
    ("calm", "storm"), ("cheerful", "heartbreak"),
]


# --------------------------------------------------------------------------------------
# Held-out policy
# --------------------------------------------------------------------------------------

def content_words(text: str) -> frozenset[str]:
    """Stemmed content words of ``text`` (what the disjointness rule compares)."""
    return content_words_of(text)


def choose_heldout(rows: list[dict[str, Any]]) -> tuple[set[str], dict[str, list[str]]]:
    """Held-out concepts (every phrase test-only) and held-out aliases of other concepts.

    A phrase is eligible when none of its content words occurs in any phrase of another
    concept, so holding it out removes its words from training without side effects. About
    a fifth of the eligible concepts are held out whole, and one alias of about a quarter
    of the rest (an alias whose words appear in no other phrase at all).
    """
    owners: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        for phrase in [row["name"], *row["aliases"]]:
            for word in content_words(phrase):
                owners.setdefault(word, set()).add((row["name"], phrase))

    def unique(row: dict[str, Any], phrase: str, *, whole: bool) -> bool:
        """Whether ``phrase``'s words occur nowhere else (whole: nowhere outside ``row``)."""
        words = content_words(phrase)
        if whole:
            return bool(words) and all({n for n, _ in owners[w]} == {row["name"]} for w in words)
        return bool(words) and all(owners[w] == {(row["name"], phrase)} for w in words)

    held_concepts: set[str] = set()
    held_aliases: dict[str, list[str]] = {}
    for row in rows:
        name = row["name"]
        if name == "neutral":
            continue
        h = zlib.crc32(("heldout:" + name).encode()) % 100
        phrases = [name, *row["aliases"]]
        if h < 20 and all(unique(row, p, whole=True) for p in phrases):
            held_concepts.add(name)
        elif h < 45:
            eligible = [a for a in row["aliases"] if unique(row, a, whole=False)]
            if eligible and len(row["aliases"]) >= 2:
                pick = eligible[zlib.crc32(name.encode()) % len(eligible)]
                held_aliases[name] = [pick]
    return held_concepts, held_aliases


# --------------------------------------------------------------------------------------
# Example builders
# --------------------------------------------------------------------------------------

def _typo(text: str, rng: random.Random) -> str:
    """One slip (swap, drop or double a letter) in a random word of 5+ letters."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    elif kind == 1:
        w = w[:k] + w[k + 1:]
    else:
        w = w[:k] + w[k] + w[k:]
    words[i] = w
    return " ".join(words)


def _clean(config: Mapping[str, Any]) -> dict[str, Any]:
    """A training config: every musical field, no title/justification/provenance/seed."""
    full = full_config(config)
    for key in ("title", "justification", "provenance", "seed"):
        full.pop(key, None)
    return full


def public(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row without the generator's private ``_`` keys (what gets written)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _named(row: Mapping[str, Any], *, weight: float | None = None) -> str:
    """``name`` plus, where the table has one, the concept's why-phrase and the weight."""
    extras = [row["_why"]] if row.get("_why") else []
    if weight is not None:
        extras.insert(0, f"{weight:.0%}")
    return row["name"] + (f" ({', '.join(extras)})" if extras else "")


def merged_config(rows: list[dict[str, Any]], *, weights: list[float],
                  seed: int) -> dict[str, Any]:
    """The training config of a weighted blend of concept rows (strongest first).

    One concept is its own config; several are ``moodc.tween.merge``-d with ``weights``,
    each field voted on only by the concepts whose spec named it (``given``; a field no
    concept named falls back to all of them), so an unnamed default medium cannot dilute a
    named dark. Then :func:`moodc.concepts.keep_identity` restores any signature the draw lost (an
    Indian wedding mixed with a party keeps its shehnai and dhol).
    """
    from moodc.tween import merge

    if len(rows) == 1:
        return _clean(rows[0]["config"])
    merged = merge([r["config"] for r in rows], weights, seed=seed,
                   names=[r["name"] for r in rows],
                   given=[r["given"] for r in rows]).model_dump()
    return _clean(keep_identity(merged, [r["config"] for r in rows]))


def example_given(rows: list[dict[str, Any]], *, before: Mapping[str, Any] | None = None,
                  after: Mapping[str, Any] | None = None) -> str:
    """The fields an example's label was *told* (as a :func:`moodc.tween.given_mask`): those any of its concepts named (their
    ``given``, so a merge's vote among namers), plus, with a modifier, every field the
    modifier's edit changed (``before`` → ``after``). Everything else in the label is a
    default nobody said; ``moodc train`` does not fit a field on it."""
    named = set().union(*(r["given"] for r in rows))
    if before is not None and after is not None:
        old, new = _flat(before), _flat(after)
        named |= {path for path in new if new[path] != old.get(path)}
    return given_mask(named)


def _flat(config: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A config's musical fields by dotted path (``composition.swing``)."""
    out: dict[str, Any] = {}
    for key, value in config.items():
        if key in ("version", "title", "justification", "provenance", "seed"):
            continue
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def modifier_rule(modifier: str) -> str:
    """What a modifier phrase asks for, in words (``'tempo >=fast'``), for a justification."""
    return ", ".join(f"{k} {v if isinstance(v, str) else ' or '.join(v)}"
                     for k, v in MODIFIERS[modifier].items())


def build_example(parts: list[tuple[str, dict[str, Any]]], template: str, *, seed: int,
                  weights: list[float] | None = None) -> dict[str, Any]:
    """One example: prompt from ``template`` and phrases, config from the concepts' merge."""
    keys = "abc"
    prompt = template.format(**{keys[i]: phrase for i, (phrase, _) in enumerate(parts)})
    rows = [row for _, row in parts]
    weights = weights or [1.0 / len(rows)] * len(rows)
    final = merged_config(rows, weights=weights, seed=seed)
    if len(rows) == 1:
        justification = (f"'{parts[0][0]}' → {_named(rows[0])}. "
                         f"{describe_config(final)}.")
    else:
        said = "; ".join(f"'{p}' → {_named(r, weight=w)}" for (p, r), w in zip(parts, weights))
        justification = (f"{said}. {rows[0]['name']} sets the identity, the rest bend it: "
                         f"{describe_config(final)}.")
    return {"prompt": " ".join(prompt.split()), "justification": justification[:600],
            "config": final, "given": example_given(rows), "_rows": rows}


def build_modified(phrase: str, row: dict[str, Any], template: str,
                   modifier: str) -> dict[str, Any]:
    """One example: a concept phrase with a modifier; config = the concept, modifier enforced."""
    final = _clean(apply_modifiers(row["config"], [modifier]))
    spec = MODIFIERS[modifier]
    justification = (f"'{phrase}' → {_named(row)}; '{modifier}' asks for "
                     f"{modifier_rule(modifier)}. "
                     f"{describe_config(final)}.")
    return {"prompt": " ".join(template.format(a=phrase).split()),
            "justification": justification[:600], "config": final,
            "given": example_given([row], before=_clean(row["config"]), after=final),
            "_rows": [row], "_modifier": spec}


def _phrases(row: dict[str, Any], *, banned: set[str]) -> list[str]:
    return [p for p in [row["name"], *row["aliases"]] if p not in banned]


#: Category pairs that read naturally as "A in/with B".
PAIR_CATEGORIES = [
    ("weather", "place"), ("time_of_day", "place"), ("emotion", "place"),
    ("emotion", "activity"), ("culture", "time_of_day"), ("genre", "emotion"),
    ("instrument", "place"), ("activity", "weather"), ("season", "place"),
    ("emotion", "time_of_day"), ("genre", "activity"), ("culture", "place"),
    ("colour", "emotion"), ("texture", "genre"), ("era", "place"), ("character", "place"),
    ("nature", "time_of_day"), ("abstract", "activity"), ("culture", "emotion"),
    ("instrument", "emotion"), ("weather", "time_of_day"), ("genre", "place"),
    ("era", "genre"), ("culture", "activity"), ("abstract", "place"),
]


def generate_split(rows: list[dict[str, Any]], *, phrase_pool: dict[str, list[str]],
                   singles: list[str], pairs: list[str], triples: list[str], n_single: int,
                   n_pair: int, n_triple: int, n_contra: int, n_modifier: int,
                   typo_rate: float, seed: int,
                   must_include: set[str] | None = None) -> list[dict[str, Any]]:
    """Examples from single concepts, pairs, triples, modifiers and contradictions.

    ``phrase_pool`` maps a concept name to the phrases this split may use; with
    ``must_include`` (the test split) every example uses at least one phrase of a concept in
    that set (its held-out phrases).
    """
    rng = random.Random(seed)
    by_name = {r["name"]: r for r in rows}
    usable = [r for r in rows if phrase_pool.get(r["name"])]
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for r in usable:
        by_cat.setdefault(r["category"], []).append(r)
    anchors = [r for r in usable if must_include is None or r["name"] in must_include]
    out: list[dict[str, Any]] = []

    def phrase(row: dict[str, Any]) -> str:
        return rng.choice(phrase_pool[row["name"]])

    def add(parts: list[tuple[str, dict[str, Any]]], template: str,
            weights: list[float] | None = None, *, typos: bool = True) -> None:
        example = build_example(parts, template, seed=rng.randrange(2**31), weights=weights)
        if rng.random() < typo_rate and typos:
            example["prompt"] = _typo(example["prompt"], rng)
        out.append(example)

    # single concepts: every anchor cycles through its phrases
    order = list(anchors)
    rng.shuffle(order)
    for i in range(n_single):
        row = order[i % len(order)]
        pool = phrase_pool[row["name"]]
        first_round = i < len(order) and row["name"] in pool
        add([(row["name"] if first_round else phrase(row), row)], rng.choice(singles))
    for _ in range(n_pair):
        cat_a, cat_b = rng.choice(PAIR_CATEGORIES)
        first = rng.choice(anchors) if must_include else rng.choice(by_cat[cat_a])
        second = rng.choice(by_cat[cat_b if first["category"] != cat_b else cat_a])
        if first["name"] == second["name"]:
            continue
        parts = [(phrase(first), first), (phrase(second), second)]
        if rng.random() < 0.5:
            parts.reverse()
        w = rng.choice([0.5, 0.6, 0.7])
        add(parts, rng.choice(pairs), [w, 1 - w])
    for _ in range(n_triple):
        chosen = [rng.choice(anchors) if must_include else rng.choice(usable)]
        while len(chosen) < 3:
            row = rng.choice(usable)
            if row["name"] not in {c["name"] for c in chosen}:
                chosen.append(row)
        rng.shuffle(chosen)
        add([(phrase(r), r) for r in chosen], rng.choice(triples), [0.5, 0.3, 0.2])
    for i in range(n_modifier):
        row = rng.choice(anchors)
        template, modifier = MODIFIER_TEMPLATES[i % len(MODIFIER_TEMPLATES)]
        example = build_modified(phrase(row), row, template, modifier)
        if rng.random() < typo_rate:
            example["prompt"] = _typo(example["prompt"], rng)
        out.append(example)
    contra = [(a, b) for a, b in CONTRADICTIONS
              if _find(by_name, a, phrase_pool) and _find(by_name, b, phrase_pool)]
    for i in range(n_contra if contra else 0):
        a, b = contra[i % len(contra)]
        ra, rb = _find(by_name, a, phrase_pool), _find(by_name, b, phrase_pool)
        first_pass = i < len(contra)  # the bare "happy funeral" form, spelled right
        add([(a, ra), (b, rb)], "{a} {b}" if first_pass else rng.choice(pairs), [0.55, 0.45],
            typos=not first_pass)
    return out


def _find(by_name: dict[str, dict[str, Any]], word: str,
          pool: dict[str, list[str]]) -> dict[str, Any] | None:
    """The concept whose pool holds ``word`` as a phrase (name or alias)."""
    for name, row in by_name.items():
        if word in pool.get(name, ()):
            return row
    return None


# --------------------------------------------------------------------------------------
# Hand-written scenes (tools/scenes/*.jsonl)
# --------------------------------------------------------------------------------------

SCENES_DIR = Path(__file__).resolve().parent / "scenes"
#: Words a scene prompt may have (the library-blind prompts run from 2 to 30 words).
SCENE_WORDS = (2, 30)
#: Frames around a scene for its variants. None uses a held-out test template's words
#: (compose, score, evoke, cue...), so the test split's wording stays test-only.
SCENE_FRAMES = [
    "music for {s}", "{s}, as a soundtrack", "a soundtrack for {s}", "the sound of {s}",
    "play something for {s}", "background music: {s}", "{s} — instrumental",
    "what does {s} sound like", "an instrumental piece about {s}", "i need music for {s}",
    "set the mood: {s}", "{s} (instrumental)", "imagine {s}", "a track for {s}",
    "make me a song about {s}", "{s} playlist", "theme for {s}", "music that feels like {s}",
]
#: Share of scenes (per mille, by hash) in the valid split; the rest train.
SCENE_VALID_PER_MILLE = 100


class SceneError(ValueError):
    """A scene line that cannot become training data; the message names ``file:line``."""


def concept_lookup(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Phrase → concept row, a name winning over another concept's alias (as
    :func:`moodc.concepts.find_concept` resolves it)."""
    lookup = {alias: row for row in rows for alias in row["aliases"]}
    lookup.update({row["name"]: row for row in rows})
    return lookup


def parse_scene(raw: str, *, where: str,
                lookup: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """One scene line checked: prompt, ``[(concept row, weight)]`` mix and modifiers.

    Raises
    ------
    SceneError
        Not JSON, a prompt outside :data:`SCENE_WORDS`, an unknown concept or modifier, or
        weights that are not positive or do not sum to 1; the message starts with ``where``.
    """
    try:
        scene = json.loads(raw)
        prompt, mix, mods = scene["prompt"], scene["mix"], scene.get("mods", [])
    except (ValueError, KeyError, TypeError) as exc:
        raise SceneError(f"{where}: not a scene object ({exc}); want "
                         '{"prompt": ..., "mix": [[concept, weight]], "mods": [...]}') from exc
    n_words = len(str(prompt).split())
    if not SCENE_WORDS[0] <= n_words <= SCENE_WORDS[1]:
        raise SceneError(f"{where}: prompt has {n_words} words, allowed {SCENE_WORDS}")
    if not 1 <= len(mix) <= 3:
        raise SceneError(f"{where}: mix={mix!r} needs 1-3 [concept, weight] pairs")
    parts = []
    for name, weight in mix:
        if name not in lookup:
            close = difflib.get_close_matches(name, list(lookup), n=3, cutoff=0.6)
            raise SceneError(f"{where}: unknown concept {name!r}; did you mean {close}?")
        if not 0 < weight <= 1:
            raise SceneError(f"{where}: weight {weight!r} of {name!r} must be in (0, 1]")
        parts.append((lookup[name], float(weight)))
    if abs(sum(w for _, w in parts) - 1.0) > 1e-6:
        raise SceneError(f"{where}: weights of {mix!r} sum to {sum(w for _, w in parts)}, "
                         "not 1")
    unknown = [m for m in mods if m not in MODIFIERS]
    if unknown:
        raise SceneError(f"{where}: unknown modifier(s) {unknown}; use phrases of "
                         "moodc.concepts.MODIFIERS, e.g. 'fast', 'dark', 'no drums'")
    return {"prompt": " ".join(prompt.split()), "parts": parts, "mods": list(mods),
            "where": where, "group": scene.get("group")}


def load_scenes(rows: list[dict[str, Any]], *,
                directory: Path = SCENES_DIR) -> list[dict[str, Any]]:
    """Every scene of ``directory/*.jsonl`` (files sorted), each prompt unique.

    Raises
    ------
    SceneError
        A bad line (see :func:`parse_scene`) or a prompt already used, naming both places.
    """
    lookup = concept_lookup(rows)
    scenes, first_seen = [], {}
    for path in sorted(directory.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            where = f"{shown}:{number}"
            scene = parse_scene(raw, where=where, lookup=lookup)
            key = scene["prompt"].lower()
            if key in first_seen:
                raise SceneError(f"{where}: prompt {scene['prompt']!r} repeats "
                                 f"{first_seen[key]}; reword one of them")
            first_seen[key] = where
            scenes.append(scene)
    return scenes


def _scene_hash(prompt: str, salt: str) -> int:
    """A stable hash of a scene's prompt (independent of file order and PYTHONHASHSEED)."""
    return zlib.crc32(f"{salt}:{prompt.lower()}".encode())


def scene_split(scene: Mapping[str, Any]) -> str:
    """``"valid"`` for about a tenth of the scenes by a stable hash, else ``"train"``.

    A grouped scene (several wordings of one scene) is hashed by its group, so its wordings
    all land on one side and valid never scores a paraphrase of a training prompt."""
    hashed = _scene_hash(scene.get("group") or scene["prompt"], "split") % 1000
    return "valid" if hashed < SCENE_VALID_PER_MILLE else "train"


def scene_prompts(prompt: str, *, rng: random.Random) -> list[str]:
    """The scene verbatim, one framed variant and, for half the scenes, a second variant
    (another frame, or the verbatim prompt with one typo)."""
    frames = rng.sample(SCENE_FRAMES, 2)
    prompts = [prompt, frames[0].format(s=prompt)]
    if rng.random() < 0.5:
        slip = _typo(prompt, rng)
        prompts.append(slip if slip != prompt and rng.random() < 0.5
                       else frames[1].format(s=prompt))
    return prompts


def scene_examples(scene: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The training examples of one scene: one config, several wordings.

    The config is the concepts' weighted merge (:func:`merged_config`) with the scene's
    modifiers enforced by the smallest edit (``apply_modifiers``), the machinery the
    template examples use. Every wording of a scene gets the same config, so the head
    learns that paraphrases agree; so do the wordings of a group (one line each), whose
    merge is seeded by the group.
    """
    rows = [row for row, _ in scene["parts"]]
    weights = [w for _, w in scene["parts"]]
    rng = random.Random(_scene_hash(scene["prompt"], "variants"))
    scene_key = scene.get("group") or scene["prompt"]  # every wording of a group: one config
    config = merged_config(rows, weights=weights, seed=_scene_hash(scene_key, "merge"))
    final = _clean(apply_modifiers(config, scene["mods"]))
    said = "; ".join(_named(r, weight=w) for r, w in scene["parts"])
    asks = "".join(f"; '{m}' asks for {modifier_rule(m)}" for m in scene["mods"])
    justification = (f"scene '{scene['prompt']}' → {said}{asks}. "
                     f"{describe_config(final)}.")[:600]
    given = example_given(rows, before=config, after=final)
    return [{"prompt": " ".join(p.split()), "justification": justification, "config": final,
             "given": given, "_rows": rows} for p in scene_prompts(scene["prompt"], rng=rng)]


def scene_splits(scenes: list[dict[str, Any]], *, banned_words: set[str],
                 held_concepts: set[str] = frozenset()) -> dict[str, list[dict[str, Any]]]:
    """Train and valid examples of the scenes. Scenes with a held-out word are left out
    (and listed), so the test split's wording stays unseen; so are scenes that blend a
    held-out concept, so its config is not learnt under other words either."""
    out: dict[str, list[dict[str, Any]]] = {"train": [], "valid": []}
    skipped, blended = [], 0
    for scene in scenes:
        if content_words(scene["prompt"]) & banned_words:
            skipped.append(scene)
            continue
        if any(row["name"] in held_concepts for row, _ in scene["parts"]):
            blended += 1
            continue
        out[scene_split(scene)].extend(scene_examples(scene))
    print(f"scenes: {len(scenes)} read, {len(skipped)} left out for a held-out word, "
          f"{blended} for blending a held-out concept")
    for scene in skipped:
        words = sorted(content_words(scene["prompt"]) & banned_words)
        print(f"  {scene['where']}: {words}")
    return out


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------

def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _dedupe(examples: list[dict[str, Any]], seen: set[str]) -> list[dict[str, Any]]:
    out = []
    for ex in examples:
        key = " ".join(ex["prompt"].lower().split())
        if key not in seen:
            seen.add(key)
            out.append(ex)
    return out


def main() -> None:
    rows = concept_rows()
    n = write_jsonl(CONCEPTS_PATH, [public(r) for r in rows])
    print(f"concepts: {n} -> {CONCEPTS_PATH.relative_to(ROOT)}")

    held_concepts, held_aliases = choose_heldout(rows)
    heldout_phrases = {r["name"]: ([r["name"], *r["aliases"]] if r["name"] in held_concepts
                                   else held_aliases.get(r["name"], [])) for r in rows}
    banned_words = set().union(*(content_words(p) for ps in heldout_phrases.values()
                                 for p in ps))
    train_pool = {r["name"]: [p for p in _phrases(r, banned=set(heldout_phrases[r["name"]]))
                              if not content_words(p) & banned_words]
                  for r in rows}
    test_pool = {r["name"]: list(heldout_phrases[r["name"]]) or train_pool[r["name"]]
                 for r in rows}
    anchors = {name for name, ps in heldout_phrases.items() if ps}

    seen: set[str] = set()
    common = dict(singles=TRAIN_SINGLE, pairs=TRAIN_PAIR, triples=TRAIN_TRIPLE)
    train = generate_split(rows, phrase_pool=train_pool, n_single=1700, n_pair=1150,
                           n_triple=380, n_contra=90, n_modifier=400, typo_rate=0.06, seed=1,
                           **common)
    train = _dedupe([e for e in train if not content_words(e["prompt"]) & banned_words], seen)
    valid = generate_split(rows, phrase_pool=train_pool, n_single=140, n_pair=130,
                           n_triple=40, n_contra=10, n_modifier=40, typo_rate=0.06, seed=2,
                           **common)
    valid = _dedupe([e for e in valid if not content_words(e["prompt"]) & banned_words], seen)
    from_scenes = scene_splits(load_scenes(rows), banned_words=banned_words,
                               held_concepts=set(held_concepts))
    for split, examples in (("train", train), ("valid", valid)):
        examples.extend(_dedupe([e for e in from_scenes[split]
                                 if not content_words(e["prompt"]) & banned_words], seen))
    test = generate_split(rows, phrase_pool=test_pool, singles=TEST_SINGLE, pairs=TEST_PAIR,
                          triples=TEST_TRIPLE, n_single=150, n_pair=130, n_triple=50,
                          n_contra=0, n_modifier=70, typo_rate=0.0, seed=3,
                          must_include=anchors)
    train_sets = {content_words(e["prompt"]) for e in train + valid}
    test = _dedupe([e for e in test if content_words(e["prompt"]) & banned_words
                    and content_words(e["prompt"]) not in train_sets], seen)
    for ex in test:
        implied = expectations_for(ex["_rows"], ex["config"])
        modifier = ex.get("_modifier", {})
        ex["expect"] = dict(list({**modifier, **{k: v for k, v in implied.items()
                                                  if k not in modifier}}.items())[:4])
    test = [e for e in test if e["expect"]]
    for number, examples in enumerate((train, valid, test)):
        random.Random(100 + number).shuffle(examples)  # mix kinds; a trainer may not shuffle
    for split, examples in (("train", train), ("valid", valid), ("test", test)):
        for ex in examples:
            ex.pop("_rows")
            ex.pop("_modifier", None)
        n = write_jsonl(TRAIN_DIR / f"{split}.jsonl", examples)
        print(f"{split}: {n}")
    heldout = {"concepts": sorted(held_concepts),
               "aliases": {k: v for k, v in sorted(held_aliases.items())},
               "words": sorted(banned_words),
               "test_templates": TEST_SINGLE + TEST_PAIR + TEST_TRIPLE}
    (TRAIN_DIR / "heldout.json").write_text(json.dumps(heldout, indent=1) + "\n",
                                            encoding="utf-8")


if __name__ == "__main__":
    main()
