"""``moodc schema [config|score]``: print the JSON Schema, generated from the model."""

from __future__ import annotations

import click

from moodc.commands._common import errors_to_exit


@click.command("schema")
@click.argument("kind", type=click.Choice(["config", "score"]), default="config")
@errors_to_exit
def command(kind: str) -> None:
    """Print the JSON Schema of a config (default) or a score.

    Generated from the pydantic model on the spot, so an installed moodc prints exactly what
    it validates against. Save it and point an editor's YAML language server at it, e.g.
    `moodc schema > config.schema.json`; in a checkout, use schemas/ at the repo root.
    """
    from moodc.config.schema import generate_schema, schema_text

    click.echo(schema_text(generate_schema(kind)), nl=False)  # type: ignore[arg-type]
