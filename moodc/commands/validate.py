"""``moodc validate FILE...``: compiler-style diagnostics for configs and scores."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from moodc.commands._common import errors_to_exit


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Diagnostics as text lines or a JSON list.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when every file is valid.")
@errors_to_exit
def command(files: tuple[Path, ...], fmt: str, quiet: bool) -> None:
    """Check configs and scores (YAML or JSON) against the V2 schema and rules.

    Directories are searched for .yaml/.yml/.json files. Exit status: 0 all valid,
    1 any finding, 2 usage error or missing file.

    \b
    Example:
      moodc validate examples/
      moodc validate --format json my-mood.yaml
    """
    from moodc.config.diagnostics import RENDERERS
    from moodc.config.validate import expand_paths, validate_paths

    diagnostics = validate_paths(list(files))
    if fmt == "json":
        click.echo(RENDERERS["json"](diagnostics))
    elif diagnostics:
        click.echo(RENDERERS["text"](diagnostics, color=sys.stdout.isatty()))
        n_files = len({d.file for d in diagnostics})
        click.echo(f"{len(diagnostics)} error{'s' if len(diagnostics) != 1 else ''} "
                   f"in {n_files} file{'s' if n_files != 1 else ''}", err=True)
    elif not quiet:
        n_checked = len(expand_paths(list(files)))
        click.echo(f"ok: {n_checked} document{'s' if n_checked != 1 else ''} valid")
    sys.exit(1 if diagnostics else 0)
