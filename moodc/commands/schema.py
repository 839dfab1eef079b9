"""``moodc schema [config|score]``: print the checked-in JSON Schema."""

from __future__ import annotations

import click

from moodc.commands._common import errors_to_exit


@click.command("schema")
@click.argument("kind", type=click.Choice(["config", "score"]), default="config")
@errors_to_exit
def command(kind: str) -> None:
    """Print the JSON Schema of a config (default) or a score.

    The schema is generated from the pydantic model and kept in sync by a test; point an
    editor's YAML language server at it for completion.
    """
    from moodc.config.schema import schema_path

    click.echo(schema_path(kind).read_text(encoding="utf-8"), nl=False)  # type: ignore[arg-type]
