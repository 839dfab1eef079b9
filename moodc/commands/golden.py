"""``moodc golden check|update``: compare renders with ``golden/`` or re-record them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from moodc.commands._common import errors_to_exit

_ROOT_OPTION = click.option(
    "--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
    show_default=True, help="Project root holding golden/ and the example sources.")
_ONLY_OPTION = click.option("--only", multiple=True, metavar="NAME",
                            help="Only this entry (repeatable).")


@click.group("golden")
def command() -> None:
    """Golden-audio checks: compare renders with golden/ (PCM, never file bytes).

    \b
    Example:
      moodc golden check                  # exit 1 and name each changed entry
      moodc golden update --only calm-ambient
    """


_JOBS_OPTION = click.option("--jobs", "n_jobs", type=click.IntRange(min=1), default=None,
                            help="Entries rendered at once, in separate processes "
                                 "(default: one per core).")


def _workers(n_jobs: int | None) -> int:
    from moodc.batch import default_workers

    return n_jobs or default_workers()


@command.command("check", short_help="Compare renders with golden/ (exit 1 on any change).")
@_ONLY_OPTION
@_ROOT_OPTION
@_JOBS_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@errors_to_exit
def check_command(only: tuple[str, ...], root: Path, n_jobs: int | None, fmt: str) -> None:
    """Verify each golden file, re-render every entry and compare its PCM with the recorded one.

    Each golden/<name>.flac must decode to its manifest hash (else reference-missing or
    reference-corrupt). Renders: exact hash on the recording platform; elsewhere a tolerance
    (a few LSB, SNR >= 90 dB, loudness within 0.1 LU). Changed entries get their new render
    and a difference spectrogram under renders/golden-diff/. Exit 1 on any finding.
    """
    from moodc.golden import check

    results = check(root, only=only, jobs=_workers(n_jobs))
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    else:
        _print_results(results)
    sys.exit(1 if any(not r.ok for r in results) else 0)


def _print_results(results: list) -> None:
    """One line per entry (reference findings labelled apart), then counts and a hint."""
    from moodc.golden import REFERENCE_MODES

    for result in results:
        if result.ok:
            label = click.style("ok  ", fg="green")
        elif result.mode in REFERENCE_MODES:
            label = click.style("BAD REFERENCE", fg="red")
        else:
            label = click.style("FAIL", fg="red")
        click.echo(f"{label} {result.name}: {result.message}")
        for artifact in result.artifacts:
            click.echo(f"     wrote {artifact}")
    bad_refs = sum(not r.ok and r.mode in REFERENCE_MODES for r in results)
    changed = sum(not r.ok for r in results) - bad_refs
    counts = f"{sum(r.ok for r in results)} ok, {changed} changed"
    click.echo(counts + (f", {bad_refs} bad reference files" if bad_refs else ""), err=True)
    if changed:
        click.echo("  hint: if the change is intended, re-record with "
                   "`moodc golden update --only NAME`", err=True)
    if bad_refs:
        click.echo("  hint: a golden file no longer matches its manifest entry; restore it "
                   "from git or re-record it", err=True)


@command.command("update", short_help="Re-record golden entries and say what changed.")
@_ONLY_OPTION
@_ROOT_OPTION
@_JOBS_OPTION
@errors_to_exit
def update_command(only: tuple[str, ...], root: Path, n_jobs: int | None) -> None:
    """Re-record golden entries on purpose and say what changed and by how much."""
    from moodc.golden import update

    for result in update(root, only=only, jobs=_workers(n_jobs)):
        click.echo(f"{result.status:>9} {result.name}: {result.message}")
