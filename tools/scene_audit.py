"""Print the label each hand-written scene currently trains, so a musician can audit it.

Issue #13: a scene's config is a weighted merge of library concepts, and merging averages the
ordinal fields, so most scenes landed at medium tempo, brightness and space even when the
scene plainly is fast, dark or vast. This tool shows, per line, what the scene's config is,
built by ``tools/make_data.py`` itself (``merged_config``, then ``apply_modifiers``), so the
author can decide line by line which modifier a listener would insist on. It reads only
``tools/scenes/`` and the concept tables — never the blind split.

Usage::

    python tools/scene_audit.py tools/scenes/emotions.jsonl [--from 1 --to 100]
    python tools/scene_audit.py tools/scenes/*.jsonl --summary

prints ``file:line | prompt | tempo mode(family) brightness space | mix | mods`` per line, or
with ``--summary`` the share of each file's scenes at medium tempo, brightness and space.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

import make_data

from moodc.data.expect import MODE_FAMILY

#: The ordinal fields whose "medium" the audit is about (issue #13).
AUDITED_FIELDS: Final[tuple[str, ...]] = ("tempo", "brightness", "space")


def scene_config(scene: Mapping[str, Any]) -> dict[str, Any]:
    """The config a scene trains: the one :func:`make_data.scene_examples` writes for every
    wording of it (``merged_config`` with the merge seed of the prompt, then
    ``apply_modifiers``), taken from there so the audit can never drift from the data."""
    return make_data.scene_examples(scene)[0]["config"]


def audited_scenes(path: Path, *,
                   lookup: Mapping[str, dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, parsed scene)`` for each non-blank line of one scene file."""
    out = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip():
            out.append((number, make_data.parse_scene(raw, where=f"{path}:{number}",
                                                      lookup=lookup)))
    return out


def label_line(config: Mapping[str, Any]) -> str:
    """``tempo mode(family) brightness space`` of a config, the fields under audit."""
    family = MODE_FAMILY.get(config["mode"], "?")
    return (f"{config['tempo']} {config['mode']}({family}) "
            f"{config['brightness']} {config['space']}")


def medium_shares(configs: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Share (0–1) of ``configs`` whose audited field is ``medium``, per field."""
    n = max(len(configs), 1)
    return {field: sum(c[field] == "medium" for c in configs) / n for field in AUDITED_FIELDS}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--from", dest="first", type=int, default=1, help="first line")
    parser.add_argument("--to", dest="last", type=int, default=10**9, help="last line")
    parser.add_argument("--summary", action="store_true",
                        help="only the share of scenes at medium per file")
    args = parser.parse_args(argv)
    lookup = make_data.concept_lookup(make_data.concept_rows())
    every = []
    for path in args.files:
        scenes = audited_scenes(path, lookup=lookup)
        configs = []
        for number, scene in scenes:
            config = scene_config(scene)
            configs.append(config)
            if args.summary or not args.first <= number <= args.last:
                continue
            mix = ", ".join(f"{row['name']} {w:g}" for row, w in scene["parts"])
            print(f"{path.name}:{number} | {scene['prompt']} | {label_line(config)} "
                  f"| {mix} | {scene['mods']}")
        every.extend(configs)
        if args.summary:
            shares = medium_shares(configs)
            print(f"{path.name}: {len(configs)} scenes, medium "
                  + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
    if args.summary and len(args.files) > 1:
        shares = medium_shares(every)
        print(f"all: {len(every)} scenes, medium "
              + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
