"""Words that make claims: which phrases in a justification or note imply which fields.

A section whose note says "dark jazz chords" promises a dark sound; if its config leaves
brightness at medium, the words lie (issue 14). :data:`CLAIMS` is the one table of such
phrases, each with the constraints (in :mod:`moodc.data.expect`'s language) that make it
true; :func:`claims_of` reads a text's claims, :func:`broken_claims` lists those a config
does not keep. The day scores (:mod:`moodc.activity.to_score`) keep their phases' words
with :func:`keep_claims`, and the tests run :func:`broken_claims` over every day-score phase
and every concept of the library.

A phrase is matched as whole words, case-insensitively, longest first: a longer phrase
claims its words before a shorter one sees them ("dark pad" is a pad style, not the
brightness; "slow modulation" is motion, not tempo). A phrase right after a negation
("no", "not", "without", "never") claims nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from moodc.data.expect import check_one, enforce_expectations

Constraints = dict[str, Any]

#: Phrase (a regular expression over whole words) → the constraints that make it true.
CLAIMS: Final[dict[str, Constraints]] = {
    # tempo
    r"very slow(ly)?": {"tempo": "very_slow"},
    r"very fast": {"tempo": "very_fast"},
    r"slow (modulation|motion|movement|drift)": {"motion": "<=medium"},
    r"fast (modulation|motion|movement)": {"motion": ">=fast"},
    r"slow pulse|slow tempo|slow": {"tempo": "<=slow"},
    r"fast tempo|fast|racing|frantic": {"tempo": ">=fast"},
    # brightness
    r"very dark": {"brightness": "very_dark"},
    r"very bright": {"brightness": "very_bright"},
    r"dark (\w+ )?pads?": {"pad_any": ["dark"]},
    r"dark": {"brightness": "<=dark"},
    r"bright": {"brightness": ">=bright"},
    # how much is going on
    r"sparse": {"melody_density": "<=sparse"},
    r"busy": {"melody_density": ">=busy"},
    # space and feel
    r"vast": {"space": "vast"},
    r"dry": {"space": "dry"},
    r"loose timing|loose": {"human": ">=loose"},
    r"tight": {"human": "<=tight"},
    r"swing(ing)?": {"swing": ">=light"},
    r"chaotic (modulation|motion)": {"motion": "chaotic"},
    # textures
    r"rain": {"texture_any": ["rain"]},
    r"vinyl|crackle": {"texture_any": ["vinyl"]},
    r"ocean": {"texture_any": ["ocean"]},
    r"glitch(y)?": {"texture_any": ["glitch"]},
    # drums
    r"no (drums|beat|percussion)": {"silent": ["rhythm"]},
    r"heartbeat( pulse)?": {"rhythm_any": ["heartbeat"]},
    r"bossa( groove)?": {"rhythm_any": ["bossa"]},
    # bossa's kit plays its snare with brushes too (the batida under a rim-click clave)
    r"brushed (swing|drums|kit|snare)|brushes|brush kit": {"rhythm_any": ["brush", "bossa"]},
    r"one[- ]drop": {"rhythm_any": ["one_drop"]},
    r"skank": {"rhythm_any": ["one_drop"]},
    r"palmas|rasgueados?|compás": {"rhythm_any": ["flamenco"]},
    r"chan[- ]chan": {"rhythm_any": ["tango"]},
    # the klezmer drummer's 3-3-2 on the big drum (poyk) and its cymbal
    r"bulgar|poyk": {"rhythm_any": ["bulgar"]},
    r"walking bass": {"bass_any": ["walking"]},
    r"call[- ]and[- ]response": {"melody_any": ["call_response"]},
    r"contemplative melody": {"melody_any": ["contemplative"]},
    # harmony and key
    r"jazz (chords|harmony)": {"harmony_any": ["jazz"]},
    r"andalusian cadence": {"harmony_any": ["andalusian"]},
    r"pentatonic": {"scale_family": "pentatonic"},
    r"major key": {"mode_family": "major"},
    r"minor key": {"mode_family": "minor"},
}

_NEGATION: Final[re.Pattern[str]] = re.compile(r"\b(no|not|without|never)\s+$")
#: The table's phrases, longest pattern first, each compiled once.
_PATTERNS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(rf"\b(?:{phrase})\b"), phrase)
    for phrase in sorted(CLAIMS, key=len, reverse=True))


def claims_of(text: str) -> dict[str, Constraints]:
    """The claims ``text`` makes: matched phrase (as written) → its constraints.

    Longer phrases claim their words first; a phrase just after a negation claims nothing
    ("no drums" is its own claim, "not dark" none).
    """
    lowered = text.lower()
    taken = [False] * len(lowered)
    found: dict[str, Constraints] = {}
    for pattern, phrase in _PATTERNS:
        for match in pattern.finditer(lowered):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            if _NEGATION.search(lowered[:start]) and not phrase.startswith("no "):
                continue
            found[match.group(0)] = CLAIMS[phrase]
    return found


def broken_claims(fields: Mapping[str, Any], *texts: str) -> list[str]:
    """Every claim of ``texts`` that ``fields`` (a config dict) does not keep, as
    ``'"dark": brightness <=dark'`` lines (empty when the words and the fields agree)."""
    broken = []
    for text in texts:
        for phrase, constraints in claims_of(text or "").items():
            for key, spec in constraints.items():
                if not check_one(fields, key, spec):
                    broken.append(f'"{phrase}": {key} {spec}')
    return broken


def keep_claims(fields: Mapping[str, Any], *texts: str) -> dict[str, Any]:
    """``fields`` changed as little as possible so that every claim of ``texts`` holds
    (:func:`moodc.data.expect.enforce_expectations` over the claims' constraints)."""
    wanted: Constraints = {}
    for text in texts:
        for constraints in claims_of(text or "").values():
            wanted.update(constraints)
    return enforce_expectations(fields, wanted)
