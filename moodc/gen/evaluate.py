"""``moodc eval``: score text → config engines on a held-out split, next to a random baseline.

For each engine and each row of the split (``moodc/data/train/test.jsonl`` by default), the
engine turns the row's prompt into a config; then:

- **validity**: the engine returned a config that passes :class:`Config` validation (an
  exception or an invalid result counts as invalid);
- **exact match** per field: the fraction of rows where the field equals the reference;
- **ordinal distance** per ordinal field (five-step labels, density, registers, phrase
  length): the mean number of steps between the chosen and the reference value;
- **controllability**: the fraction of the rows' directional constraints (``expect``, e.g.
  "tempo at least fast") the config satisfies, checked by the data's own checker;
- **seconds per prompt**, wall clock, warm (the first call's load time is reported apart).

The metric functions take plain dicts and lists so tests can feed hand-built cases; the
engines are one table, :data:`ENGINES`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from moodc import vocab
from moodc.errors import MoodcError, UsageError
from moodc.gen.engines import ENGINES as GEN_ENGINES

Engine = Callable[[str, int], Any]  # (prompt, seed) -> Config


# --------------------------------------------------------------------------------------
# Field facts
# --------------------------------------------------------------------------------------

def field_values() -> dict[str, tuple[Any, ...]]:
    """Every decoded field's allowed values, in order, by dotted key."""
    from moodc.gen.fields import config_fields

    return {spec.key: spec.values for spec in config_fields()}


def is_ordinal(key: str, values: Sequence[Any]) -> bool:
    """Whether a field's values are ranked: a five-step label scale or a range of integers."""
    leaf = key.rsplit(".", 1)[-1]
    if leaf in vocab.ORDINAL_LABELS and tuple(values) == vocab.ORDINAL_LABELS[leaf]:
        return True
    return all(isinstance(v, int) and not isinstance(v, bool) for v in values)


# --------------------------------------------------------------------------------------
# Metrics on plain data
# --------------------------------------------------------------------------------------

def exact_match(predictions: Sequence[Mapping[str, Any]], references: Sequence[Mapping[str, Any]],
                *, keys: Sequence[str]) -> dict[str, float]:
    """Per key, the fraction of rows whose predicted value equals the reference.

    Rows whose prediction is missing (None: the engine failed) count as wrong.
    """
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions for {len(references)} references")
    n = max(len(references), 1)
    return {key: sum(1 for p, r in zip(predictions, references)
                     if p is not None and p.get(key) == r[key]) / n for key in keys}


def ordinal_distance(predictions: Sequence[Mapping[str, Any] | None],
                     references: Sequence[Mapping[str, Any]],
                     *, values: Mapping[str, Sequence[Any]]) -> dict[str, float]:
    """Per ordinal key, the mean |rank(predicted) − rank(reference)| over rows with a prediction.

    Ranks are positions in ``values[key]`` (0 = least); integer fields use their value order.
    """
    out = {}
    for key, order in values.items():
        if not is_ordinal(key, order):
            continue
        rank = {v: i for i, v in enumerate(order)}
        gaps = [abs(rank[p[key]] - rank[r[key]]) for p, r in zip(predictions, references)
                if p is not None]
        out[key] = float(np.mean(gaps)) if gaps else float("nan")
    return out


def controllability(configs: Sequence[Any], expects: Sequence[Any], *,
                    check: Callable[[Any, Any], Sequence[bool]]) -> tuple[int, int]:
    """(satisfied, total) directional constraints over rows; a failed engine (None) meets none.

    ``check(config, expect)`` returns one bool per constraint of ``expect``; only ``True``
    counts as met. The checker's contract is strict on purpose: a truthy stand-in (a
    non-empty message, a dict, ``numpy.bool_``) would score a broken checker as a success.

    Raises
    ------
    TypeError
        ``check`` returned something other than a list or tuple of bools.
    """
    satisfied = total = 0
    for config, expect in zip(configs, expects):
        if not expect:
            continue
        if config is None:
            total += _constraint_count(expect)
            continue
        results = _checked_bools(check(config, expect), expect=expect)
        satisfied += sum(1 for r in results if r is True)
        total += len(results)
    return satisfied, total


def _checked_bools(results: Any, *, expect: Any) -> Sequence[bool]:
    """``results`` when it is a list or tuple of bools, else a TypeError naming the culprit."""
    if not isinstance(results, (list, tuple)):
        raise TypeError(f"the checker returned {results!r} ({type(results).__name__}) for "
                        f"{expect!r}; it must return a list with one bool per constraint")
    for index, result in enumerate(results):
        if not isinstance(result, bool):
            raise TypeError(f"the checker returned {result!r} ({type(result).__name__}) for "
                            f"constraint {index} of {expect!r}; it must be True or False")
    return results


def _constraint_count(expect: Any) -> int:
    return len(expect) if isinstance(expect, (list, tuple, dict)) else 1


# --------------------------------------------------------------------------------------
# The expectation checker (provided with the data)
# --------------------------------------------------------------------------------------

def expectation_checker() -> Callable[[Any, Any], list[bool]]:
    """The data's ``check_expectations(config, expect)``: one bool per constraint.

    Raises
    ------
    MoodcError
        When the checker is not installed with the data.
    """
    try:
        from moodc.data.expect import check_expectations
    except ImportError as exc:
        raise MoodcError(f"the expectation checker moodc.data.expect is missing ({exc})",
                         hint="reinstall moodc; the controllability metric needs the data's "
                              "checker") from None
    return check_expectations


# --------------------------------------------------------------------------------------
# Engines
# --------------------------------------------------------------------------------------

def random_config(prompt: str, seed: int) -> Any:
    """A uniformly random valid config, seeded by (prompt, seed): the chance baseline."""
    from moodc.config.model import Config
    from moodc.config.paths import nest
    from moodc.gen.fields import allowed_values, config_fields

    key = int.from_bytes(hashlib.sha256(prompt.encode("utf-8")).digest()[:8], "little")
    rng = np.random.default_rng(np.random.SeedSequence([seed, key]))
    chosen: dict[str, Any] = {}
    for spec in config_fields():  # model order: register_low before register_high
        options = allowed_values(spec, chosen)
        chosen[spec.key] = options[int(rng.integers(len(options)))]
    return Config.model_validate({"version": 2, **nest(chosen),
                                  "provenance": {"engine": "random", "prompt": prompt}})


def _through_generate(name: str) -> Engine:
    """An evaluation engine that runs generation engine ``name`` the way ``moodc gen`` does."""

    def run(prompt: str, seed: int) -> Any:
        from moodc.gen.pipeline import generate

        return generate(prompt, seed=seed, engine=name)

    return run


#: Engine name → (prompt, seed) → Config: every engine of :data:`moodc.gen.engines.ENGINES`
#: (through :func:`moodc.gen.pipeline.generate`, as ``moodc gen`` runs it), plus the
#: ``random`` chance baseline, which only evaluation needs.
ENGINES: dict[str, Engine] = {**{name: _through_generate(name) for name in GEN_ENGINES},
                              "random": random_config}


# --------------------------------------------------------------------------------------
# Running an evaluation
# --------------------------------------------------------------------------------------

@dataclass
class EngineReport:
    """One engine's scores on a split."""

    engine: str
    n_rows: int
    n_valid: int
    exact: dict[str, float]
    distance: dict[str, float]
    satisfied: int
    n_constraints: int
    first_call_s: float
    mean_s: float  # per prompt, excluding the first call
    errors: list[str] = field(default_factory=list)

    @property
    def validity(self) -> float:
        return self.n_valid / self.n_rows if self.n_rows else float("nan")

    @property
    def controllability(self) -> float:
        return self.satisfied / self.n_constraints if self.n_constraints else float("nan")

    @property
    def mean_exact(self) -> float:
        return float(np.mean(list(self.exact.values()))) if self.exact else float("nan")

    @property
    def mean_distance(self) -> float:
        return float(np.nanmean(list(self.distance.values()))) if self.distance else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "n_rows": self.n_rows, "validity": self.validity,
                "controllability": self.controllability, "satisfied": self.satisfied,
                "n_constraints": self.n_constraints, "mean_exact": self.mean_exact,
                "mean_ordinal_distance": self.mean_distance, "exact": self.exact,
                "ordinal_distance": self.distance, "first_call_s": self.first_call_s,
                "mean_s": self.mean_s, "errors": self.errors[:10]}


def valid_config(result: Any) -> Any | None:
    """``result`` as a validated Config, or None when it is not one."""
    from moodc.config.model import Config

    if not isinstance(result, Config):
        return None
    try:
        return Config.model_validate(result.model_dump())
    except Exception:
        return None


def evaluate_engine(name: str, rows: Sequence[Mapping[str, Any]], *, engine: Engine,
                    seed: int = 0, check: Callable[[Any, Any], Sequence[bool]] | None = None,
                    progress: Callable[[int], None] | None = None) -> EngineReport:
    """Run ``engine`` on every row and score it (see the module docstring)."""
    from moodc.gen.train import config_labels

    values = field_values()
    keys = list(values)
    references = [config_labels(r["config"]) for r in rows]
    configs: list[Any | None] = []
    errors: list[str] = []
    times: list[float] = []
    for index, row in enumerate(rows):
        start = time.perf_counter()
        try:
            result = valid_config(engine(str(row["prompt"]), seed))
        except MoodcError:
            raise
        except Exception as exc:  # an engine bug is a finding, not a crash of eval
            result = None
            errors.append(f"{row['prompt']!r}: {type(exc).__name__}: {exc}")
        times.append(time.perf_counter() - start)
        configs.append(result)
        if progress:
            progress(index + 1)
    predictions = [config_labels(c) if c is not None else None for c in configs]
    satisfied, total = (controllability(configs, [r.get("expect") for r in rows], check=check)
                        if check else (0, 0))
    return EngineReport(
        engine=name, n_rows=len(rows), n_valid=sum(c is not None for c in configs),
        exact=exact_match(predictions, references, keys=keys),
        distance=ordinal_distance(predictions, references, values=values),
        satisfied=satisfied, n_constraints=total,
        first_call_s=times[0] if times else 0.0,
        mean_s=float(np.mean(times[1:])) if len(times) > 1 else (times[0] if times else 0.0),
        errors=errors)


def check_engines(names: Sequence[str]) -> list[str]:
    """``names`` as a list, each checked against :data:`ENGINES`.

    Raises
    ------
    UsageError
        ``names`` is empty or holds a name that is not an engine (the message names it).
    """
    choices = ", ".join(ENGINES)
    if not names:
        raise UsageError("no engine given", hint=f"choose from {choices}", param="engines")
    for name in names:
        if name not in ENGINES:
            raise UsageError(f"unknown engine {name!r}", hint=f"choose from {choices}",
                             param="engines")
    return list(names)


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------

def _pct(x: float) -> str:
    return "–" if x != x else f"{100 * x:.1f}%"


def _num(x: float) -> str:
    return "–" if x != x else f"{x:.2f}"


def summary_rows(reports: Sequence[EngineReport]) -> list[list[str]]:
    """Header + one row per engine: validity, controllability, mean exact, distance, speed."""
    rows = [["engine", "rows", "valid", "controllability", "exact (mean)",
             "ordinal dist (mean)", "s/prompt"]]
    for r in reports:
        rows.append([r.engine, str(r.n_rows), _pct(r.validity),
                     f"{_pct(r.controllability)} ({r.satisfied}/{r.n_constraints})",
                     _pct(r.mean_exact), _num(r.mean_distance), f"{r.mean_s:.3f}"])
    return rows


def field_rows(reports: Sequence[EngineReport]) -> list[list[str]]:
    """Header + one row per field: exact match (and ordinal distance) for every engine."""
    header = ["field"] + [f"{r.engine} exact" for r in reports] + \
             [f"{r.engine} dist" for r in reports]
    rows = [header]
    for key in reports[0].exact if reports else ():
        rows.append([key] + [_pct(r.exact[key]) for r in reports] +
                    [_num(r.distance[key]) if key in r.distance else "" for r in reports])
    return rows


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table from a header row and body rows."""
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def report_json(reports: Sequence[EngineReport], *, split: str) -> str:
    """The whole evaluation as JSON (``--format json``)."""
    return json.dumps({"split": split, "engines": [r.to_json() for r in reports]},
                      indent=2, ensure_ascii=False)
