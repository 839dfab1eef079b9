"""``moodc tween A B [C ...]``: merge N configs by weight into one config, or a morph score."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from moodc.commands._common import (OutputFormat, config_document, document_text,
                                    errors_to_exit, output_format, output_target, write_output)
from moodc.errors import UsageError


#: One plain decimal number (no ``1_0``, no hex): what a user means by a weight.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|nan)", re.IGNORECASE)


def parse_weights(text: str | None, *, n_sources: int) -> list[float]:
    """``"0.2,0.3,0.5"`` → floats (equal weights when ``text`` is None).

    Only the parsing happens here; count, sign and finiteness are the library's checks
    (:func:`moodc.tween.normalise_weights`), so they are written once.

    Raises
    ------
    UsageError
        A part that is not a plain decimal number, quoted as the user wrote it.
    """
    if text is None:
        return [1.0] * n_sources
    weights: list[float] = []
    for part in (p.strip() for p in text.split(",")):
        if not _NUMBER.fullmatch(part):
            raise UsageError(f"{part!r} is not a number", param="weights",
                             hint="write weights as comma-separated numbers, e.g. 0.2,0.3,0.5")
        weights.append(float(part))
    return weights


def load_sources(paths: tuple[Path, ...]) -> list[Any]:
    """Load and validate each source config; print a bad one's diagnostics, then raise."""
    from moodc.config.diagnostics import render_text
    from moodc.config.load import load_document
    from moodc.config.model import Score
    from moodc.errors import DocumentError

    configs = []
    for path in paths:
        try:
            document = load_document(path)
        except DocumentError as exc:
            if exc.diagnostics:
                click.echo(render_text(exc.diagnostics), err=True)
            raise
        if isinstance(document, Score):
            raise UsageError(f"{path}: is a score; tween merges configs",
                             hint="pass config files (a score's sections can be saved as configs)")
        configs.append(document)
    return configs


def _given(name: str) -> bool:
    """True when the user typed the option ``name`` (not its default)."""
    from click.core import ParameterSource

    return click.get_current_context().get_parameter_source(name) == ParameterSource.COMMANDLINE


@click.command("tween")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--weights", metavar="W1,W2,...",
              help="One non-negative weight per source (normalised). Default: equal.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed of the merge draws (default 0); also written as the output's seed.")
@click.option("--steps", type=click.IntRange(min=2), default=None,
              help="Write a score that morphs A → B (→ C ...) in this many sections.")
@click.option("--section-duration", "section_duration_s", type=float, default=20.0,
              show_default=True, help="With --steps: length of each section in seconds.")
@click.option("-o", "--output", "out", type=click.Path(path_type=str), default=None,
              help="Write here (atomically) instead of printing to stdout; a folder or a "
                   "path ending in / gets tween.yaml inside it.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default=None,
              help="Output format (default: json for a .json output, else yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@errors_to_exit
def command(sources: tuple[Path, ...], weights: str | None, seed: int | None,
            steps: int | None, section_duration_s: float, out: str | None,
            fmt: OutputFormat | None, force: bool) -> None:
    """Merge configs A B [C ...] by weight into one valid config.

    Ordinal labels take the weighted mean position on their scale (rounded from the seed),
    numbers the weighted mean, and nominal fields (root+mode, meter+rhythm, layers,
    instruments, harmony ...) are drawn in proportion to the weights. Same inputs and seed
    give the same output, whatever order the sources are given in.

    \b
    Examples:
      moodc tween calm.yaml arabian.yaml --weights 0.3,0.7 -o blend.yaml
      moodc tween a.yaml b.yaml c.yaml --steps 6 --section-duration 30 -o morph.yaml
    """
    from moodc import tween

    if len(sources) < 2:
        raise UsageError("tween needs at least 2 source configs",
                         hint="usage: moodc tween A B [C ...] [--weights 0.5,0.5]")
    if steps is None and _given("section_duration_s"):
        raise UsageError("does not apply without --steps", param="section_duration_s",
                         hint="add --steps N to write a morph score, or drop it")
    if steps is not None and weights is not None:
        raise UsageError("--weights does not apply with --steps",
                         hint="--steps morphs evenly from the first source to the last")
    target = output_target(out, force=force, default_name=f"tween.{fmt or 'yaml'}",
                           inputs=tuple(sources))
    weight_values = parse_weights(weights, n_sources=len(sources))
    tween.normalise_weights(weight_values, n_sources=len(sources))  # check before loading
    configs = load_sources(sources)
    names = [str(p) for p in sources]
    labels = [c.title or p.stem for c, p in zip(configs, sources)]
    merge_seed = 0 if seed is None else seed
    if steps is None:
        merged = tween.merge(configs, weight_values, seed=merge_seed, names=names,
                             title=" × ".join(labels))
        if seed is not None:
            merged = merged.model_copy(update={"seed": seed})
        data = config_document(merged)
        shares = merged.provenance["weights"]  # type: ignore[index]
        comment = "moodc tween: " + " + ".join(f"{w:g} × {n}" for w, n in zip(shares, names))
    else:
        data = tween.morph_score(configs, n_sections=steps, section_duration_s=section_duration_s,
                                 seed=merge_seed, names=labels, render_seed=seed)
        data["provenance"]["sources"] = names  # paths, as given
        data = {k: v for k, v in data.items() if v is not None}
        comment = f"moodc tween --steps {steps}: " + " → ".join(names)
    comment += f" (seed {merge_seed})"
    text = document_text(data, fmt=output_format(target, fmt=fmt), comment=comment)
    write_output(text, out=target, force=force, inputs=tuple(sources))
