"""``moodc eval``: score the generation engines on the held-out split, the library-blind split
or the development paraphrase set."""

from __future__ import annotations

import json
from pathlib import Path

import click

from moodc.commands._common import errors_to_exit
from moodc.gen import evaluate


@click.command("eval")
@click.option("--split", type=click.Choice(["test", "valid", "train", "blind", "dev"]),
              default="test", show_default=True,
              help="Which data split to score on; 'blind' = the library-blind prompts and the "
                   "paraphrase set (moodc/data/blind/); 'dev' = the development paraphrase "
                   "set (moodc/data/dev/), the one to look at and tune on.")
@click.option("--engines", default="tuned,concepts,random", show_default=True,
              metavar="E1,E2,...", help=f"Engines to compare: {', '.join(evaluate.ENGINES)}.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Score a seeded subset of this many rows (base takes ~2–4 s per prompt); "
                   "with --split blind also ceil(N/3) paraphrase groups; with --split dev, N "
                   "groups.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True,
              help="Seed given to the engines and to the --limit subset.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, help="Directory of the splits (default: moodc/data/train; "
                                 "with --split blind, moodc/data/blind; with --split dev, "
                                 "moodc/data/dev).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True, help="Output format.")
@click.option("--fields/--no-fields", "show_fields", default=True, show_default=True,
              help="Also print the per-field table (table and markdown formats).")
@click.option("--explain", is_flag=True,
              help="Run the engines as `moodc gen --explain` and score the justifications: "
                   "the share naming a prompt word and a chosen value, and no value the "
                   "config lacks (target ≥ 90%).")
@errors_to_exit
def command(split: str, engines: str, limit: int | None, seed: int, data_dir: Path | None,
            fmt: str, show_fields: bool, explain: bool) -> None:
    """Validity, per-field exact match, ordinal distance and controllability per engine.

    Controllability is the share of the split's directional constraints ("expect", e.g.
    tempo at least fast) that each engine's configs satisfy. The random engine is the
    chance baseline. With --split blind (hand-written prompts the concept library cannot
    spell, and groups of three wordings of one scene): constraints met (overall, per kind
    of prompt and per expectation such as tempo or instrument), prompts fully right,
    validity, paraphrase agreement on tempo, mode family and brightness, and per
    field how often each engine gives the default next to how often the expectations
    accept it. With --split dev (groups of three wordings to tune on): paraphrase
    agreement and constraints, how often the wordings of a group take different routes
    (library or model) and the agreement of same-route and mixed groups, and per field
    which values the disagreeing groups split between.

    \b
    Examples:
      moodc eval
      moodc eval --engines tuned,base,random --limit 40 --format markdown
      moodc eval --split blind --engines tuned,concepts,random
      moodc eval --split blind --engines tuned --explain
      moodc eval --split dev --engines tuned,concepts
    """
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from moodc.gen import train

    names = evaluate.check_engines([n.strip() for n in engines.split(",") if n.strip()])
    if split == "blind":
        _run_blind(names, limit=limit, seed=seed, data_dir=data_dir, fmt=fmt, explain=explain)
        return
    if split == "dev":
        _run_dev(names, limit=limit, seed=seed, data_dir=data_dir, fmt=fmt)
        return
    rows = train.load_split(split, data_dir=data_dir or train.DATA_DIR, limit=limit, seed=seed).rows
    check = evaluate.expectation_checker()
    console = Console(stderr=True)
    reports = []
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        for name in names:
            task = bar.add_task(name, total=len(rows))
            reports.append(evaluate.evaluate_engine(
                name, rows, engine=_engine(name, explain=explain), seed=seed, check=check,
                explain=explain,
                progress=lambda done, task=task: bar.update(task, completed=done)))
    _print(reports, split=split, fmt=fmt, show_fields=show_fields)


def _engine(name: str, *, explain: bool) -> evaluate.Engine:
    """The evaluation engine ``name``, asked for justifications with ``explain``."""
    return evaluate.explaining_engine(name) if explain else evaluate.ENGINES[name]


def explanation_rows(reports: list) -> list[list[str]]:
    """Header + one row per engine that was asked to explain: the shares of
    :func:`moodc.gen.evaluate.explanation_rates`."""
    pct = evaluate._pct
    rows = [["engine", f"explains (≥ {100 * evaluate.EXPLAIN_TARGET:.0f}%)",
             "names a prompt word", "names a chosen value", "no false value"]]
    for r in reports:
        if r.explanation is not None:
            e = r.explanation
            rows.append([r.engine, pct(e["explains"]), pct(e["mentions_word"]),
                         pct(e["names_value"]), pct(e["no_false_value"])])
    return rows


def _print(reports: list, *, split: str, fmt: str, show_fields: bool) -> None:
    if fmt == "json":
        click.echo(evaluate.report_json(reports, split=split))
        return
    tables = [evaluate.summary_rows(reports)]
    if any(r.explanation is not None for r in reports):
        tables.append(explanation_rows(reports))
    if show_fields:
        tables.append(evaluate.field_rows(reports))
    if fmt == "markdown":
        click.echo("\n\n".join(evaluate.markdown_table(t) for t in tables))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for rows in tables:
        table = Table(*rows[0], title=f"moodc eval on {split}" if rows is tables[0] else None)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    for report in reports:
        for error in report.errors[:3]:
            console.print(f"[yellow]{report.engine}: {error}[/]")


# --------------------------------------------------------------------------------------
# The library-blind split
# --------------------------------------------------------------------------------------

def _run_blind(names: list[str], *, limit: int | None, seed: int, data_dir: Path | None,
               fmt: str, explain: bool = False) -> None:
    """Score ``names`` on the blind rows and paraphrase groups, then print the tables."""
    folder = data_dir or evaluate.BLIND_DIR
    rows = evaluate.load_blind(data_dir=folder, limit=limit, seed=seed)
    groups = evaluate.load_paraphrases(data_dir=folder, seed=seed,
                                       limit=None if limit is None else -(-limit // 3))
    reports = _score_blind(names, rows, groups, seed=seed, explain=explain)
    if fmt == "json":
        click.echo(evaluate.blind_report_json(reports))
        return
    _print_tables([("moodc eval on the library-blind split", blind_summary_rows(reports)),
                   ("by kind of prompt: constraints met / prompts fully right",
                    kind_rows(reports)),
                   ("by expectation: constraints met", key_rows(reports)),
                   ("paraphrase agreement", agreement_rows(reports)),
                   ("default-value rate: configs at the default vs expectations accepting it",
                    default_rate_rows(reports))]
                  + ([("--explain on the blind rows", explanation_rows(reports))] if explain
                     else []), markdown=fmt == "markdown")
    for report in reports:
        for error in report.errors[:3]:
            click.echo(f"{report.engine}: {error}", err=True)


def _score_blind(names: list[str], rows: list, groups: list, *, seed: int,
                 explain: bool = False) -> list:
    """:func:`moodc.gen.evaluate.evaluate_blind` for each engine, with a progress bar."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    check = evaluate.expectation_checker()
    reports = []
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        for name in names:
            task = bar.add_task(name, total=len(rows) + 3 * len(groups))
            reports.append(evaluate.evaluate_blind(
                name, rows, groups, engine=_engine(name, explain=explain), seed=seed,
                check=check, explain=explain,
                progress=lambda done, task=task: bar.update(task, completed=done)))
    return reports


def _run_dev(names: list[str], *, limit: int | None, seed: int, data_dir: Path | None,
             fmt: str) -> None:
    """Score ``names`` on the development paraphrase groups (no blind rows), then print
    agreement, routes and the values the disagreeing groups split between."""
    groups = evaluate.load_paraphrases(data_dir=data_dir or evaluate.DEV_DIR, seed=seed,
                                       limit=limit)
    reports = _score_blind(names, [], groups, seed=seed)
    if fmt == "json":
        click.echo(json.dumps({"split": "dev", "engines": [
            {key: value for key, value in r.to_json().items()
             if key in _DEV_JSON_KEYS} for r in reports]}, indent=2, ensure_ascii=False))
        return
    _print_tables([("paraphrase agreement on the development set", agreement_rows(reports)),
                   ("routes: agreement of groups whose wordings took one route vs several",
                    route_rows(reports)),
                   ("disagreeing groups: the values their wordings split between",
                    split_value_rows(reports))], markdown=fmt == "markdown")
    for report in reports:
        for error in report.errors[:3]:
            click.echo(f"{report.engine}: {error}", err=True)


#: The parts of a blind report that mean something without blind rows.
_DEV_JSON_KEYS = ("engine", "n_groups", "agreement", "paraphrase_satisfied",
                  "paraphrase_constraints", "groups_right", "routes", "by_route",
                  "disagreements", "mean_s", "errors")


def _target(key: str) -> str:
    return f"≥ {100 * evaluate.BLIND_TARGETS[key]:.0f}%"


def blind_summary_rows(reports: list) -> list[list[str]]:
    """Header + one row per engine: validity, constraints met, prompts fully right, speed."""
    pct = evaluate._pct
    rows = [["engine", "prompts", f"valid ({_target('validity')})",
             f"constraints met ({_target('controllability')})",
             f"fully right ({_target('fully_right')})", "s/prompt"]]
    for r in reports:
        rows.append([r.engine, str(r.n_rows), pct(r.validity),
                     f"{pct(r.controllability)} ({r.satisfied}/{r.n_constraints})",
                     f"{pct(r.fully_right_rate)} ({r.n_right}/{r.n_with_expect})",
                     f"{r.mean_s:.3f}"])
    return rows


def kind_rows(reports: list) -> list[list[str]]:
    """Header + one row per kind of prompt: constraints met / fully right for every engine."""
    pct = evaluate._pct
    rows = [["kind", "prompts", *(r.engine for r in reports)]]
    for kind, (_, _, _, n_prompts) in (reports[0].kinds.items() if reports else ()):
        cells = []
        for r in reports:
            met, total, right, n = r.kinds[kind]
            cells.append(f"{pct(met / total if total else float('nan'))} / "
                         f"{pct(right / n if n else float('nan'))}")
        rows.append([kind, str(n_prompts), *cells])
    return rows


def key_rows(reports: list) -> list[list[str]]:
    """Header + one row per expectation key: constraints met for every engine."""
    pct = evaluate._pct
    rows = [["expectation", "constraints", *(r.engine for r in reports)]]
    for key, (_, total) in (reports[0].keys.items() if reports else ()):
        rows.append([key, str(total),
                     *(f"{pct(r.keys[key][0] / total)} ({r.keys[key][0]})" for r in reports)])
    return rows


def agreement_rows(reports: list) -> list[list[str]]:
    """Header + one row per engine: agreement on all three fields and on each, constraints met,
    and the groups whose three wordings all meet the group's constraints."""
    pct = evaluate._pct
    keys = evaluate.AGREEMENT_FIELDS
    rows = [["engine", "groups", f"agree on all ({_target('agreement')})", *keys,
             "constraints met", "groups whose three wordings meet all"]]
    for r in reports:
        met = r.para_satisfied / r.para_constraints if r.para_constraints else float("nan")
        right = r.n_groups_right / r.n_groups if r.n_groups else float("nan")
        rows.append([r.engine, str(r.n_groups), pct(r.agreement["all"]),
                     *(pct(r.agreement[k]) for k in keys),
                     f"{pct(met)} ({r.para_satisfied}/{r.para_constraints})",
                     f"{pct(right)} ({r.n_groups_right}/{r.n_groups})"])
    return rows


def route_rows(reports: list) -> list[list[str]]:
    """Header + one row per engine: wordings per route, then the groups whose three wordings
    took one route and those that took several, each with its agreement on all three fields
    and on each."""
    pct = evaluate._pct
    keys = evaluate.AGREEMENT_FIELDS
    rows = [["engine", "wordings per route", "groups", "agree on all", *keys]]
    for r in reports:
        routes = ", ".join(f"{route} {n}" for route, n in r.routes.items())
        for name, (n, agreement) in r.by_route.items():
            rows.append([r.engine, routes, f"{name}: {n}", pct(agreement["all"]),
                         *(pct(agreement[k]) for k in keys)])
    return rows


def split_value_rows(reports: list, *, top: int = 4) -> list[list[str]]:
    """Header + one row per engine and field: the ``top`` commonest value sets the
    disagreeing groups split between, with their counts."""
    rows = [["engine", "field", "groups disagreeing", "commonest splits"]]
    for r in reports:
        for key, splits in r.split_values.items():
            rows.append([r.engine, key, str(sum(splits.values())),
                         "; ".join(f"{label} ×{n}" for label, n in list(splits.items())[:top])])
    return rows


def default_rate_rows(reports: list) -> list[list[str]]:
    """Header + one row per field: expectations accepting the default, then each engine.

    Each engine's cell is "at default on the constraining prompts / on all prompts".
    """
    pct = evaluate._pct
    rows = [["field (default)", "constraining prompts", "expectations accept default",
             *(f"{r.engine}: at default (constrained / all)" for r in reports)]]
    for index, first in enumerate(reports[0].defaults if reports else ()):
        rows.append([f"{first.field} ({first.default})", str(first.n_constrained),
                     pct(first.wanted),
                     *(f"{pct(r.defaults[index].answered)} / {pct(r.defaults[index].answered_all)}"
                       for r in reports)])
    return rows


def _print_tables(tables: list[tuple[str, list[list[str]]]], *, markdown: bool) -> None:
    """Each (title, rows) as a markdown table or a rich table."""
    if markdown:
        click.echo("\n\n".join(f"**{title}**\n\n{evaluate.markdown_table(rows)}"
                                for title, rows in tables))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for title, rows in tables:
        table = Table(*rows[0], title=title)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
