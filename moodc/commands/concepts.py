"""``moodc concepts [SEARCH]``: list, search and show the concept library."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from moodc.commands._common import errors_to_exit, print_error


def _rows_json(concepts: list[Any]) -> str:
    """The concepts as a JSON list (name, category, aliases, justification)."""
    return json.dumps([{"name": c.name, "category": c.category, "aliases": list(c.aliases),
                        "justification": c.justification} for c in concepts],
                      indent=2, ensure_ascii=False)


def short_cues(config: Any) -> str:
    """Tempo · key · brightness · lead · rhythm (· texture): the cues at a glance."""
    layers, inst = config.get("layers", {}), config.get("instruments", {})
    parts = [config.get("tempo"), f"{config.get('root', '').upper()} {config.get('mode')}",
             config.get("brightness"), inst.get("lead"), layers.get("rhythm")]
    if layers.get("texture", "none") != "none":
        parts.append(layers["texture"])
    if config.get("meter", "4/4") != "4/4":
        parts.append(config["meter"])
    return " · ".join(str(p).replace("_", " ") for p in parts)


def _print_table(concepts: list[Any], *, query: str) -> None:
    """A rich table: name, category, a few aliases and the cues at a glance."""
    from rich.console import Console
    from rich.table import Table

    title = f"{len(concepts)} concepts" + (f" matching {query!r}" if query else "")
    table = Table(title=title)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("category", style="cyan", no_wrap=True)
    table.add_column("aliases", overflow="fold", max_width=40)
    table.add_column("cues", overflow="fold")
    for c in concepts:
        aliases = ", ".join(c.aliases[:3]) + (" …" if len(c.aliases) > 3 else "")
        table.add_row(c.name, c.category, aliases, short_cues(c.config))
    Console().print(table)


def _show(name: str, *, fmt: str) -> None:
    """Print one concept: its metadata and full config (YAML for the table format)."""
    from moodc.concepts import find_concept

    concept = find_concept(name)
    if fmt == "json":  # the config itself, so `moodc render` takes the file as it is
        document = {**dict(concept.config), "justification": concept.justification,
                    "provenance": {"concept": concept.name, "category": concept.category,
                                   "aliases": list(concept.aliases)}}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    from moodc.config.io import dump_yaml

    comment = (f"concept: {concept.name} ({concept.category})\n"
               f"aliases: {', '.join(concept.aliases)}")
    click.echo(dump_yaml(dict(concept.config), comment=comment), nl=False)


@click.command(name="concepts")
@click.argument("search", required=False, default="")
@click.option("--category", "-c", default=None, metavar="C",
              help="Only concepts of this category (place, weather, emotion, genre, ...).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--show", "show", default=None, metavar="NAME",
              help="Print one concept's full config (YAML, or JSON with --format json).")
@errors_to_exit
def command(search: str, category: str | None, fmt: str, show: str | None) -> None:
    """List and search the concept library (about 900 moods, places, genres, cultures...).

    SEARCH matches names, aliases and cues, e.g. `moodc concepts rain`; without it every
    concept is listed. `--show NAME` prints a concept's config, ready for `moodc render`.
    """
    from moodc.concepts import search as search_concepts

    if show is not None:
        _show(show, fmt=fmt)
        return
    found = search_concepts(search, category=category)
    if fmt == "json":
        click.echo(_rows_json(found))
    else:
        _print_table(found, query=search)
    if not found:  # like grep: nothing found is exit 1, with the reason on stderr
        print_error(f"no concept matches {search!r}"
                    + (f" in category {category!r}" if category else ""))
        sys.exit(1)
