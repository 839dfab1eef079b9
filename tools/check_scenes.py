"""Check hand-written scene files (``tools/scenes/*.jsonl``) before they feed training.

A scene line is ``{"prompt": str, "mix": [[concept, weight], ...], "mods": [modifier, ...]}``
(issue #13), with an optional ``"group": str`` naming the scene when several lines word it
differently: the lines of one group must share their mix and mods (one scene, one config).
A bad line would either crash the data generator far from its cause (a concept
name the library does not know) or quietly poison the training set (weights that do not sum to
one, a prompt repeated across files, a held-out test word leaking into training), so every
line is checked here, where the author can still fix it.

Usage::

    python tools/check_scenes.py tools/scenes/*.jsonl

prints one line per problem, ``file:line: error[code]: message`` (lines start at 1), and exits 1
if there is any, 0 otherwise.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from moodc.concepts import MODIFIERS, find_concept, normalise, stems
from moodc.errors import MoodcError

#: Prompt length in words a user might plausibly type (issue #13's scene format).
MIN_WORDS: Final[int] = 2
MAX_WORDS: Final[int] = 30
#: ``long.jsonl`` holds multi-clause scene descriptions: at least this many words.
MIN_WORDS_LONG: Final[int] = 15
#: A mix blends at most three concepts, like the generator's triples.
MAX_MIX: Final[int] = 3
#: Weights are written by hand with two decimals; allow rounding.
WEIGHT_TOLERANCE: Final[float] = 1e-6
KNOWN_KEYS: Final[frozenset[str]] = frozenset({"prompt", "mix", "mods", "group"})
HELDOUT_PATH: Final[Path] = (Path(__file__).resolve().parent.parent
                             / "moodc" / "data" / "train" / "heldout.json")


@dataclass(frozen=True)
class Diagnostic:
    """One problem at ``path:line`` (line numbers start at 1)."""

    path: str
    line: int
    code: str
    message: str


def load_heldout_words(*, path: Path = HELDOUT_PATH) -> frozenset[str]:
    """The stemmed words reserved for the test split.

    A training prompt holding one would break the held-out rule (``moodc/data/README.md``):
    the test split would no longer measure wording never seen in training.
    """
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["words"])


def load_heldout_concepts(*, path: Path = HELDOUT_PATH) -> frozenset[str]:
    """The concepts reserved for the test split: a scene blending one is left out of
    training by ``make_data.py`` (its config must not be learnt under other words), so the
    author should hear of it here rather than find the scene silently missing."""
    if not path.exists():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8"))["concepts"])


def check_prompt(prompt: Any, *, is_long: bool, heldout: frozenset[str]) -> list[tuple[str, str]]:
    """Problems of one prompt as ``(code, message)`` pairs."""
    if not isinstance(prompt, str) or not prompt.strip():
        return [("prompt", f"prompt={prompt!r} must be a non-empty string")]
    problems = []
    n_words = len(prompt.split())
    min_words = MIN_WORDS_LONG if is_long else MIN_WORDS
    if not min_words <= n_words <= MAX_WORDS:
        problems.append(("length", f"prompt has {n_words} words; allowed {min_words}-{MAX_WORDS}"))
    leaked = sorted(set(stems(prompt)) & heldout)
    if leaked:
        problems.append(("heldout", f"prompt uses held-out test word(s) {leaked}; reword it"))
    return problems


def check_mix(mix: Any, *, held_concepts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Problems of one ``mix``: shape, weights summing to 1, concepts the library knows and
    training may use (none of ``held_concepts``)."""
    if not isinstance(mix, list) or not 1 <= len(mix) <= MAX_MIX:
        return [("mix", f"mix={mix!r} must be a list of 1-{MAX_MIX} [concept, weight] pairs")]
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    total = 0.0
    for pair in mix:
        if (not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str)
                or isinstance(pair[1], bool) or not isinstance(pair[1], (int, float))
                or pair[1] <= 0):
            problems.append(("mix", f"pair={pair!r} must be [concept, weight > 0]"))
            continue
        total += pair[1]
        try:
            name = find_concept(pair[0]).name
        except MoodcError as exc:
            problems.append(("concept", str(exc)))
            continue
        if name in held_concepts:
            problems.append(("heldout", f"concept {name!r} is held out for the test split, so "
                             "training would drop this scene; use another concept"))
        if name in seen:
            problems.append(("concept", f"concept {name!r} appears twice; merge the weights"))
        seen.add(name)
    if not problems and abs(total - 1.0) > WEIGHT_TOLERANCE:
        problems.append(("weights", f"weights sum to {total:g}; they must sum to 1"))
    return problems


def check_mods(mods: Any) -> list[tuple[str, str]]:
    """Problems of ``mods``: each must be a phrase of :data:`moodc.concepts.MODIFIERS`."""
    if not isinstance(mods, list):
        return [("mods", f"mods={mods!r} must be a list of modifier phrases")]
    return [("mods", f"mod={mod!r} is not a modifier; use one of {sorted(MODIFIERS)}")
            for mod in mods if mod not in MODIFIERS]


def check_record(record: Any, *, is_long: bool, heldout: frozenset[str],
                 held_concepts: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Problems of one parsed line (everything but uniqueness across files)."""
    if not isinstance(record, dict):
        return [("json", "line must be a JSON object")]
    problems = [("key", f"unknown key {key!r}; allowed {sorted(KNOWN_KEYS)}")
                for key in record if key not in KNOWN_KEYS]
    problems += check_prompt(record.get("prompt"), is_long=is_long, heldout=heldout)
    problems += check_mix(record.get("mix"), held_concepts=held_concepts)
    problems += check_mods(record.get("mods", []))
    return problems


def _group_key(record: Any) -> tuple[str, str] | None:
    """``(group, mix and mods)`` of a grouped line, to compare with the group's first line."""
    if not isinstance(record, dict) or not isinstance(record.get("group"), str):
        return None
    return record["group"], json.dumps([record.get("mix"), record.get("mods", [])])


def check_files(paths: Sequence[Path], *, heldout: frozenset[str],
                held_concepts: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Every problem of every line of ``paths``, including prompts repeated across files and
    lines of one group that disagree on the scene's mix or mods."""
    diagnostics: list[Diagnostic] = []
    first_seen: dict[str, str] = {}
    groups: dict[str, tuple[str, str]] = {}
    for path in paths:
        is_long = path.stem == "long"
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, start=1):
            where = (str(path), number)
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                diagnostics.append(Diagnostic(*where, "json", f"not JSON: {exc}"))
                continue
            for code, message in check_record(record, is_long=is_long, heldout=heldout,
                                              held_concepts=held_concepts):
                diagnostics.append(Diagnostic(*where, code, message))
            grouped = _group_key(record)
            if grouped is not None:
                first = groups.setdefault(grouped[0], (grouped[1], f"{path}:{number}"))
                if first[0] != grouped[1]:
                    diagnostics.append(Diagnostic(
                        *where, "group", f"group {grouped[0]!r} has another mix or mods at "
                        f"{first[1]}; one scene, one config: give the wordings the same ones"))
            prompt = record.get("prompt") if isinstance(record, dict) else None
            if isinstance(prompt, str):
                key = normalise(prompt)
                if key in first_seen:
                    diagnostics.append(Diagnostic(*where, "duplicate",
                                                  f"prompt repeats {first_seen[key]}"))
                first_seen.setdefault(key, f"{path}:{number}")
    return diagnostics


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """``file:line: error[code]: message``, one line per problem."""
    return "\n".join(f"{d.path}:{d.line}: error[{d.code}]: {d.message}" for d in diagnostics)


def main(argv: Sequence[str]) -> int:
    """Check the files named in ``argv``; print problems; return the exit code."""
    if not argv:
        print("usage: python tools/check_scenes.py tools/scenes/*.jsonl", file=sys.stderr)
        return 2
    diagnostics = check_files([Path(a) for a in argv], heldout=load_heldout_words(),
                              held_concepts=load_heldout_concepts())
    if diagnostics:
        print(render_text(diagnostics))
    return 1 if diagnostics else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
