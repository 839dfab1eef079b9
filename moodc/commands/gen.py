"""``moodc gen``: a text prompt (or a batch of prompts, or an activity log) → a config (or score).

The body only parses flags and prints: generation lives in :mod:`moodc.gen`, the activity
log → score mapping in :mod:`moodc.activity`. mlx and numpy are imported inside the command.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from moodc.commands._common import (OutputFormat, config_document, document_text,
                                    errors_to_exit, output_format, output_target, write_output)
from moodc.errors import MoodcError, UsageError
from moodc.gen.engines import ENGINE_CHOICES


def slug(text: str, *, max_chars: int = 40) -> str:
    """A file-name-safe slug of a prompt: ``Arabian nights!`` → ``arabian-nights``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)[:max_chars].strip("-") or "prompt"


def read_batch(path: Path) -> list[str]:
    """Prompts of a batch file: one per line; blank lines and ``#`` comments skipped.

    Raises
    ------
    UsageError
        Missing, not a regular file, over :data:`moodc.vocab.MAX_BATCH_BYTES`, not UTF-8, or
        without a prompt (exit 2).
    """
    from moodc import vocab
    from moodc.inputs import read_text

    lines = read_text(path, max_bytes=vocab.MAX_BATCH_BYTES, what="batch file").splitlines()
    prompts = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not prompts:
        raise UsageError(f"{path}: holds no prompts", hint="write one prompt per line")
    return prompts


def _comment(prompt: str, *, engine: str, seed: int) -> str:
    shown = prompt if len(prompt) <= 70 else prompt[:67] + "..."
    return f"moodc gen {json.dumps(shown, ensure_ascii=False)} (engine {engine}, seed {seed})"


def _config_text(config: Any, *, fmt: OutputFormat, engine: str, seed: int) -> str:
    """A generated config's text, headed by the prompt and the engine that actually ran."""
    used = (config.provenance or {}).get("engine", engine)
    return document_text(config_document(config), fmt=fmt,
                         comment=_comment(config.provenance["prompt"], engine=used, seed=seed))


def run_prompt(prompt: str, *, out: str | None, fmt: OutputFormat | None, seed: int,
               temperature: float, explain: bool, engine: str, force: bool) -> None:
    """One prompt → one config, printed or written."""
    from moodc.gen.pipeline import generate

    out = output_target(out, force=force, default_name=f"{slug(prompt)}.{fmt or 'yaml'}")
    config = generate(prompt, seed=seed, temperature=temperature, explain=explain, engine=engine)
    text = _config_text(config, fmt=output_format(out, fmt=fmt), engine=engine, seed=seed)
    write_output(text, out=out, force=force)


def run_batch(batch: Path, *, out_dir: str | None, fmt: OutputFormat | None, seed: int,
              temperature: float, explain: bool, engine: str, force: bool) -> None:
    """Every prompt of a file → ``DIR/NNN-slug.yaml``, with one model load."""
    from moodc.gen.pipeline import generate_many

    if out_dir is None:
        raise UsageError("--batch needs -o DIR", hint="e.g. moodc gen --batch prompts.txt -o configs/")
    folder = Path(out_dir)
    if str(out_dir) == "-" or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"{out_dir} is not a folder; --batch writes one file per prompt into "
                         f"a folder", hint="e.g. -o configs/", param="out")
    prompts = read_batch(batch)
    suffix: OutputFormat = fmt or "yaml"
    targets = [folder / f"{i:03d}-{slug(p)}.{suffix}" for i, p in enumerate(prompts, 1)]
    _check_batch_targets(targets, batch=batch, force=force)
    configs = generate_many(prompts, seed=seed, temperature=temperature, explain=explain,
                            engine=engine)
    for target, config in zip(targets, configs):
        text = _config_text(config, fmt=suffix, engine=engine, seed=seed)
        write_output(text, out=target, force=force, inputs=(batch,))


def _check_batch_targets(targets: list[Path], *, batch: Path, force: bool) -> None:
    """Refuse before any model work: a target that is not a regular file, is the batch file,
    or exists without ``force`` (counting every clash)."""
    from moodc.errors import OutputExistsError
    from moodc.output import check_target

    clashes = []
    for target in targets:
        try:
            check_target(target, force=force, inputs=(batch,))
        except OutputExistsError:
            clashes.append(target)
    if clashes:
        raise UsageError(f"{clashes[0]} already exists ({len(clashes)} outputs would be "
                         f"overwritten)", hint="pass --force to overwrite them, or choose "
                                               "another -o DIR")


def run_from_log(log: Path, *, out: str | None, fmt: OutputFormat | None, seed: int,
                 minutes_per_section: float, compress: str | None, force: bool) -> None:
    """An activity log → a score, printed or written."""
    try:
        from moodc.activity import log_to_score
    except ImportError as exc:
        raise MoodcError(f"--from-log needs the activity module, which failed to import ({exc})",
                         hint="reinstall moodc; the activity helper provides moodc.activity") from None
    out = output_target(out, force=force, default_name=f"{log.stem}.{fmt or 'yaml'}",
                        inputs=(log,))
    score = log_to_score(log, minutes_per_section=minutes_per_section, compress=compress, seed=seed)
    from pydantic import ValidationError

    from moodc.config.model import Score

    try:
        Score.model_validate(score)
    except ValidationError as exc:
        raise MoodcError(f"internal error: the score built from {log} is invalid: "
                         f"{exc.errors()[0]['msg']}", hint="please report this log") from None
    comment = f"moodc gen --from-log {log}"
    write_output(document_text(score, fmt=output_format(out, fmt=fmt), comment=comment),
                 out=out, force=force, inputs=(log,))


#: Options that apply to one mode only: option name → the modes it applies to. Anything else
#: given explicitly in another mode is a usage error, never silently ignored.
MODE_OPTIONS: dict[str, tuple[str, ...]] = {
    "minutes_per_section": ("from_log",), "compress": ("from_log",),
    "explain": ("prompt", "batch"), "temperature": ("prompt", "batch"),
    "engine": ("prompt", "batch"),
}
_MODE_FLAGS = {"prompt": "a PROMPT", "batch": "--batch", "from_log": "--from-log"}


def _refuse_foreign_options(mode: str) -> None:
    """Raise a UsageError for an option the user typed that does not apply to ``mode``."""
    from click.core import ParameterSource

    ctx = click.get_current_context()
    for name, modes in MODE_OPTIONS.items():
        if mode in modes or ctx.get_parameter_source(name) != ParameterSource.COMMANDLINE:
            continue
        applies = " or ".join(_MODE_FLAGS[m] for m in modes)
        raise UsageError(f"does not apply with {_MODE_FLAGS[mode]} (only with {applies})",
                         hint="drop it", param=name)


@click.command("gen")
@click.argument("prompt", nargs=-1)
@click.option("-o", "--output", "out", type=click.Path(path_type=str), default=None,
              help="Write here (atomically) instead of printing; a DIR with --batch; a "
                   "folder or a path ending in / gets a default name inside it.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed for sampling (--temperature > 0) and for --from-log.")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default=None,
              help="Output format (default: json for a .json output, else yaml).")
@click.option("--explain", is_flag=True,
              help="Also write a 'justification': which words of the prompt led to which "
                   "chosen values (tuned engine: each word ablated in one batched pass, "
                   "~0.3 s more; base: ~48 more model steps).")
@click.option("--temperature", type=click.FloatRange(min=0.0), default=0.0, show_default=True,
              help="0 = most likely value per field; > 0 samples (seeded by --seed).")
@click.option("--engine", type=click.Choice(ENGINE_CHOICES), default="default", show_default=True,
              help="default = tuned model if shipped, else base; concepts = concept library.")
@click.option("--batch", type=click.Path(path_type=Path), default=None,
              help="A file with one prompt per line; writes one config per prompt into -o DIR.")
@click.option("--from-log", "from_log", type=click.Path(path_type=Path), default=None,
              help="An activity log (moodc record / ActivityWatch export) → a score.")
@click.option("--minutes-per-section", type=float, default=30.0, show_default=True,
              help="With --from-log: minutes of activity per score section.")
@click.option("--compress", default=None, metavar="1h=30s",
              help="With --from-log: time compression, e.g. 1h=30s (an hour → 30 s of music).")
@click.option("--force", is_flag=True, help="Overwrite existing output files.")
@errors_to_exit
def command(prompt: tuple[str, ...], out: str | None, seed: int, fmt: OutputFormat | None,
            explain: bool, temperature: float, engine: str, batch: Path | None,
            from_log: Path | None, minutes_per_section: float, compress: str | None,
            force: bool) -> None:
    """Turn a text PROMPT into a V2 config with the local model (prints YAML without -o).

    Every field is chosen among its allowed values (constrained decoding), so the output is
    always valid. Same prompt + seed give the same config.

    \b
    Examples:
      moodc gen "arabian nights" -o arabian.yaml
      moodc gen "rainy night in tokyo" --explain --temperature 0.7 --seed 3
      moodc gen --batch prompts.txt -o configs/
      moodc gen --from-log day.jsonl --compress 1h=30s -o day.yaml
    """
    modes = [bool(prompt), batch is not None, from_log is not None]
    if sum(modes) != 1:
        raise UsageError("give exactly one of: a PROMPT, --batch FILE or --from-log LOG",
                         hint='e.g. moodc gen "arabian nights" -o arabian.yaml')
    _refuse_foreign_options("from_log" if from_log is not None else
                            "batch" if batch is not None else "prompt")
    if from_log is not None:
        run_from_log(from_log, out=out, fmt=fmt, seed=seed,
                     minutes_per_section=minutes_per_section, compress=compress, force=force)
    elif batch is not None:
        run_batch(batch, out_dir=out, fmt=fmt, seed=seed, temperature=temperature,
                  explain=explain, engine=engine, force=force)
    else:
        run_prompt(" ".join(prompt), out=out, fmt=fmt, seed=seed, temperature=temperature,
                   explain=explain, engine=engine, force=force)
