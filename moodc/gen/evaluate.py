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
- **seconds per prompt**, wall clock, warm (the first call's load time is reported apart);
- with ``--explain``, **explanation**: the share of justifications that name a word of the
  prompt and a value the config chose, and no value it lacks (:func:`explanation_rates`).

On the **library-blind split** (``moodc/data/blind/``: hand-written prompts without reference
configs, issue #13) the scores are controllability, **prompts fully right** (every
constraint met), validity, the **default-value rate** per field next to how often the
expectations accept the default (:func:`default_rates`), and on the paraphrase set the
share of groups whose three configs agree on tempo, mode family and brightness
(:func:`paraphrase_agreement`). The development paraphrase set (``moodc/data/dev/``, the one
to tune on) is scored the same way without blind rows, with the routes each wording took
(:func:`agreement_by_route`) and the values disagreeing groups split between
(:func:`disagreements`).

The metric functions take plain dicts and lists so tests can feed hand-built cases; the
engines are one table, :data:`ENGINES`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

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


def _through_generate(name: str, *, explain: bool = False) -> Engine:
    """An evaluation engine that runs generation engine ``name`` the way ``moodc gen`` does
    (``moodc gen --explain`` with ``explain``)."""

    def run(prompt: str, seed: int) -> Any:
        from moodc.gen.pipeline import generate

        return generate(prompt, seed=seed, engine=name, explain=explain)

    return run


#: Engine name → (prompt, seed) → Config: every engine of :data:`moodc.gen.engines.ENGINES`
#: (through :func:`moodc.gen.pipeline.generate`, as ``moodc gen`` runs it), plus the
#: ``random`` chance baseline, which only evaluation needs.
ENGINES: dict[str, Engine] = {**{name: _through_generate(name) for name in GEN_ENGINES},
                              "random": random_config}


def explaining_engine(name: str) -> Engine:
    """Engine ``name`` of :data:`ENGINES` asked for a justification (``moodc eval --explain``);
    ``random`` writes none, so it stays itself (and scores 0, the floor)."""
    return _through_generate(name, explain=True) if name in GEN_ENGINES else ENGINES[name]


# --------------------------------------------------------------------------------------
# Does --explain explain? (issue #13, item 4)
# --------------------------------------------------------------------------------------

#: The share of prompts whose justification must explain (:func:`explanation_rates`).
EXPLAIN_TARGET: Final[float] = 0.90


def explanation_rates(prompts: Sequence[str], configs: Sequence[Any]) -> dict[str, float]:
    """Per prompt, whether its config's justification names a word of the prompt, names a
    value the config chose, and names no value the config lacks; the shares of each and of
    all three (``explains``), by :func:`moodc.gen.explain.check_justification`.

    A failed engine (None) or a config without a justification explains nothing.
    """
    from moodc.gen.explain import ExplainCheck, check_justification, explain_rates

    checks = []
    for prompt, config in zip(prompts, configs):
        text = getattr(config, "justification", None) if config is not None else None
        checks.append(check_justification(text, prompt=prompt, fields=_as_fields(config))
                      if text else ExplainCheck(False, False, False))
    return explain_rates(checks)


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
    explanation: dict[str, float] | None = None  # explanation_rates, when run with --explain

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
                "mean_s": self.mean_s, "errors": self.errors[:10],
                **({"explanation": self.explanation} if self.explanation is not None else {})}


def valid_config(result: Any) -> Any | None:
    """``result`` as a validated Config, or None when it is not one."""
    from moodc.config.model import Config

    if not isinstance(result, Config):
        return None
    try:
        return Config.model_validate(result.model_dump())
    except Exception:
        return None


def run_engine(prompts: Sequence[str], *, engine: Engine, seed: int = 0,
               progress: Callable[[int], None] | None = None,
               ) -> tuple[list[Any | None], list[str], list[float]]:
    """Run ``engine`` on every prompt: (validated configs or None, error lines, seconds each).

    An engine that raises (other than a :class:`MoodcError`, which is a usage problem and
    propagates) or returns something invalid yields None for that prompt: a finding, not a
    crash of the evaluation.
    """
    configs: list[Any | None] = []
    errors: list[str] = []
    times: list[float] = []
    for index, prompt in enumerate(prompts):
        start = time.perf_counter()
        try:
            result = valid_config(engine(prompt, seed))
        except MoodcError:
            raise
        except Exception as exc:  # an engine bug is a finding, not a crash of eval
            result = None
            errors.append(f"{prompt!r}: {type(exc).__name__}: {exc}")
        times.append(time.perf_counter() - start)
        configs.append(result)
        if progress:
            progress(index + 1)
    return configs, errors, times


def evaluate_engine(name: str, rows: Sequence[Mapping[str, Any]], *, engine: Engine,
                    seed: int = 0, check: Callable[[Any, Any], Sequence[bool]] | None = None,
                    explain: bool = False,
                    progress: Callable[[int], None] | None = None) -> EngineReport:
    """Run ``engine`` on every row and score it (see the module docstring); with ``explain``
    (``engine`` from :func:`explaining_engine`), also its justifications
    (:func:`explanation_rates`)."""
    from moodc.gen.train import config_labels

    values = field_values()
    keys = list(values)
    references = [config_labels(r["config"]) for r in rows]
    prompts = [str(r["prompt"]) for r in rows]
    configs, errors, times = run_engine(prompts, engine=engine, seed=seed, progress=progress)
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
        errors=errors, explanation=explanation_rates(prompts, configs) if explain else None)


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
# The library-blind split and the paraphrase set (issue #13)
# --------------------------------------------------------------------------------------

#: Where the hand-written library-blind prompts live (the "Library-blind split" section of
#: ``moodc/data/README.md``): ``blind.jsonl`` rows ``{"prompt", "expect", "kind"}`` and
#: ``paraphrase.jsonl`` groups ``{"group", "prompts": [3 wordings], "expect"}``.
BLIND_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "data" / "blind"

#: The development paraphrase set (``paraphrase.jsonl``, same format as the blind one): groups
#: of three wordings written to be looked at and tuned on, so the blind set stays unseen
#: ("Development paraphrase set" in ``moodc/data/README.md``).
DEV_DIR: Final[Path] = Path(__file__).resolve().parent.parent / "data" / "dev"

#: What the issue asks of an engine on the blind split (shown next to each figure).
BLIND_TARGETS: Final[dict[str, float]] = {"validity": 1.0, "controllability": 0.90,
                                          "fully_right": 0.80, "agreement": 0.85,
                                          "explains": EXPLAIN_TARGET}

#: The fields three wordings of one scene must agree on.
AGREEMENT_FIELDS: Final[tuple[str, ...]] = ("tempo", "mode_family", "brightness")

#: Field (dotted path into a config dict) → the expectation keys that constrain it: the
#: fields whose default-value rate is reported. ``mode`` is constrained by the family, scale
#: and mode keys; the lead instrument by ``instrument_any`` (which also accepts the pad and
#: bass) and ``lead_any``.
DEFAULT_RATE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "tempo": ("tempo",), "brightness": ("brightness",), "space": ("space",),
    "mode": ("mode_family", "scale_family", "mode_any"), "meter": ("meter",),
    "layers.rhythm": ("rhythm_any",), "layers.texture": ("texture_any",),
    "instruments.lead": ("instrument_any", "lead_any"),
}


def _missing_blind(path: Path) -> UsageError:
    return UsageError(f"no file {path}", hint="the blind split ships in moodc/data/blind/, the development "
                      "paraphrase set in moodc/data/dev/")


def load_blind(*, data_dir: Path = BLIND_DIR, limit: int | None = None,
               seed: int = 0) -> list[dict[str, Any]]:
    """The library-blind prompts (``blind.jsonl``); with ``limit``, a seeded subset.

    Raises
    ------
    UsageError
        The file is missing, a line is not JSON, or a row lacks ``prompt`` or ``expect``.
    """
    from moodc.gen.train import read_jsonl, seeded_subset

    path = data_dir / "blind.jsonl"
    rows = read_jsonl(path, missing=_missing_blind(path), bad_line_hint="fix the line")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row.get("prompt"), str) or not isinstance(row.get("expect"), dict):
            raise UsageError(f"{path}: row {number} needs a 'prompt' string "
                             f"and an 'expect' object (got keys {sorted(row)})",
                             hint="see moodc/data/README.md, 'Library-blind split'")
    return seeded_subset(rows, limit=limit, seed=seed)


def load_paraphrases(*, data_dir: Path = BLIND_DIR, limit: int | None = None,
                     seed: int = 0) -> list[dict[str, Any]]:
    """The paraphrase groups (``paraphrase.jsonl``); with ``limit``, a seeded subset of groups.

    Raises
    ------
    UsageError
        The file is missing, a line is not JSON, or a group lacks three prompts.
    """
    from moodc.gen.train import read_jsonl, seeded_subset

    path = data_dir / "paraphrase.jsonl"
    groups = read_jsonl(path, missing=_missing_blind(path), bad_line_hint="fix the line")
    for number, group in enumerate(groups, start=1):
        prompts = group.get("prompts")
        if not isinstance(prompts, list) or len(prompts) != 3 or \
                not all(isinstance(p, str) for p in prompts):
            raise UsageError(f"{path}: group {number} "
                             f"({group.get('group', '?')!r}) needs 'prompts': 3 strings",
                             hint="see moodc/data/README.md, 'Library-blind split'")
    return seeded_subset(groups, limit=limit, seed=seed)


def _as_fields(config: Any) -> dict[str, Any]:
    """A config (model or dict) as a plain nested dict."""
    return config.model_dump() if hasattr(config, "model_dump") else dict(config)


def fully_right(configs: Sequence[Any], expects: Sequence[Mapping[str, Any]], *,
                check: Callable[[Any, Any], Sequence[bool]]) -> tuple[int, int]:
    """(prompts whose every constraint holds, prompts with constraints).

    A failed engine (None) gets none right; a prompt without constraints is not counted.
    """
    right = total = 0
    for config, expect in zip(configs, expects):
        if not expect:
            continue
        total += 1
        if config is not None and all(r is True for r in
                                      _checked_bools(check(config, expect), expect=expect)):
            right += 1
    return right, total


def by_kind(configs: Sequence[Any], rows: Sequence[Mapping[str, Any]], *,
            check: Callable[[Any, Any], Sequence[bool]]) -> dict[str, tuple[int, int, int, int]]:
    """Per ``kind`` of row (in first-seen order): (constraints met, constraints, prompts fully
    right, prompts), so a weak category (metaphors, other languages) shows on its own."""
    out: dict[str, tuple[int, int, int, int]] = {}
    for kind in dict.fromkeys(str(r.get("kind", "")) for r in rows):
        pairs = [(c, r["expect"]) for c, r in zip(configs, rows) if str(r.get("kind", "")) == kind]
        kind_configs, kind_expects = [c for c, _ in pairs], [e for _, e in pairs]
        met, total = controllability(kind_configs, kind_expects, check=check)
        right, n_prompts = fully_right(kind_configs, kind_expects, check=check)
        out[kind] = (met, total, right, n_prompts)
    return out


def by_key(configs: Sequence[Any], expects: Sequence[Mapping[str, Any]], *,
           check: Callable[[Any, Any], Sequence[bool]]) -> dict[str, tuple[int, int]]:
    """Per expectation key (tempo, mode_family, instrument_any...): (constraints met,
    constraints), the commonest key first, so the field an engine gets wrong most often shows
    on its own line; a failed engine (None) meets none of its prompt's constraints."""
    met: dict[str, int] = {}
    total: dict[str, int] = {}
    for config, expect in zip(configs, expects):
        results = ([False] * len(expect) if config is None
                   else _checked_bools(check(config, expect), expect=expect))
        for key, result in zip(expect, results):
            met[key] = met.get(key, 0) + int(result)
            total[key] = total.get(key, 0) + 1
    order = sorted(total, key=lambda key: (-total[key], key))
    return {key: (met[key], total[key]) for key in order}


@dataclass(frozen=True)
class DefaultRate:
    """How often one field gets its V2 default, next to how often the expectations want it.

    A model that answers the default when unsure shows here: ``answered`` well above
    ``wanted`` on the prompts that constrain the field.
    """

    field: str
    default: Any
    answered_all: float      # share of all valid configs at the default
    n_constrained: int       # prompts whose expectations constrain the field
    answered: float          # share of those prompts' configs at the default
    wanted: float            # share of those prompts whose constraints accept the default

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "default": self.default, "answered_all": self.answered_all,
                "n_constrained": self.n_constrained, "answered": self.answered,
                "wanted": self.wanted}


def _default_config() -> dict[str, Any]:
    """The V2 defaults as a config dict (what a config gets for every field left unset)."""
    from moodc.config.model import Config

    return Config.model_validate({"version": 2}).model_dump()


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else float("nan")


def default_rates(configs: Sequence[Any], expects: Sequence[Mapping[str, Any]], *,
                  fields: Mapping[str, Sequence[str]] = DEFAULT_RATE_KEYS) -> list[DefaultRate]:
    """Per field of ``fields``: the default-value rate of the configs and of the expectations.

    Parameters
    ----------
    configs : sequence of Config, dict or None
        One per prompt; None (a failed engine) is left out of the ``answered`` shares.
    expects : sequence of mapping
        The prompts' expectations, aligned with ``configs``.
    fields : mapping
        Dotted field path → the expectation keys that constrain it.

    Returns
    -------
    list of DefaultRate
        ``wanted`` is the share of constraining prompts whose constraints on the field all
        hold for the default config (it depends on the expectations alone, so it is the same
        for every engine); ``answered`` the share of their configs at the default.
    """
    from moodc.config.paths import get_path
    from moodc.data.expect import check_one

    default = _default_config()
    rows = [(_as_fields(c) if c is not None else None, e) for c, e in zip(configs, expects)]
    out = []
    for path, keys in fields.items():
        value = get_path(default, path)
        constrained = [(f, e) for f, e in rows if any(k in e for k in keys)]
        out.append(DefaultRate(
            field=path, default=value,
            answered_all=_share([get_path(f, path) == value for f, _ in rows if f is not None]),
            n_constrained=len(constrained),
            answered=_share([get_path(f, path) == value for f, _ in constrained
                             if f is not None]),
            wanted=_share([all(check_one(default, k, e[k]) for k in keys if k in e)
                           for _, e in constrained])))
    return out


def agreement_value(config: Any, key: str) -> Any:
    """The value three wordings must share: the field itself, or the mode's family."""
    from moodc.data.expect import MODE_FAMILY

    fields = _as_fields(config)
    return MODE_FAMILY[fields["mode"]] if key == "mode_family" else fields[key]


def paraphrase_agreement(groups: Sequence[Sequence[Any]], *,
                         keys: Sequence[str] = AGREEMENT_FIELDS) -> dict[str, float]:
    """Per key, the share of groups whose configs all agree on it; ``"all"``: on every key.

    A group with a failed engine (None) agrees on nothing. NaN for no groups.
    """
    agree: dict[str, list[bool]] = {key: [] for key in (*keys, "all")}
    for configs in groups:
        ok = {key: all(c is not None for c in configs) and
              len({agreement_value(c, key) for c in configs}) == 1 for key in keys}
        for key in keys:
            agree[key].append(ok[key])
        agree["all"].append(all(ok.values()))
    return {key: _share(flags) for key, flags in agree.items()}


def route_of(config: Any) -> str:
    """Which way an engine answered a prompt: the ``route`` of its provenance (``library`` or
    ``model`` for the default engine), else the engine's name; ``failed`` for None."""
    if config is None:
        return "failed"
    provenance = getattr(config, "provenance", None) or {}
    return str(provenance.get("route") or provenance.get("engine") or "?")


def agreement_by_route(groups: Sequence[Sequence[Any]], *,
                       keys: Sequence[str] = AGREEMENT_FIELDS
                       ) -> dict[str, tuple[int, dict[str, float]]]:
    """Agreement (:func:`paraphrase_agreement`) of the groups whose wordings all took one
    route (``"same"``) and of those that took different ones (``"mixed"``), with their
    counts: whether disagreement comes from the routing or from within one route."""
    split: dict[str, list[Sequence[Any]]] = {"same": [], "mixed": []}
    for configs in groups:
        split["same" if len({route_of(c) for c in configs}) == 1 else "mixed"].append(configs)
    return {name: (len(members), paraphrase_agreement(members, keys=keys))
            for name, members in split.items()}


def _value_rank(key: str, value: Any) -> tuple[int, str]:
    order = vocab.ORDINAL_LABELS.get(key, ())
    return (order.index(value) if value in order else len(order), str(value))


def disagreements(groups: Sequence[Sequence[Any]], *,
                  keys: Sequence[str] = AGREEMENT_FIELDS) -> dict[str, dict[str, int]]:
    """Per key, the value sets of the groups that disagree on it ("medium / fast"), commonest
    first: which answers the wordings split between. Groups with a failed engine are left out."""
    out: dict[str, dict[str, int]] = {}
    for key in keys:
        counts: dict[str, int] = {}
        for configs in groups:
            if any(c is None for c in configs):
                continue
            values = {agreement_value(c, key) for c in configs}
            if len(values) > 1:
                label = " / ".join(str(v) for v in sorted(values,
                                                          key=lambda v: _value_rank(key, v)))
                counts[label] = counts.get(label, 0) + 1
        out[key] = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return out


@dataclass
class BlindReport:
    """One engine on the blind split and the paraphrase set."""

    engine: str
    n_rows: int
    n_prompts_run: int       # blind rows + 3 per paraphrase group
    n_valid: int             # over every prompt run
    satisfied: int
    n_constraints: int
    n_right: int
    n_with_expect: int
    defaults: list[DefaultRate]
    kinds: dict[str, tuple[int, int, int, int]]
    keys: dict[str, tuple[int, int]]
    n_groups: int
    agreement: dict[str, float]
    para_satisfied: int
    para_constraints: int
    mean_s: float            # per prompt, over every prompt run, the first call's load included
    errors: list[str] = field(default_factory=list)
    explanation: dict[str, float] | None = None  # on the blind rows, when run with --explain
    #: Paraphrase wordings per route (:func:`route_of`), e.g. {"library": 226, "model": 143}.
    routes: dict[str, int] = field(default_factory=dict)
    #: :func:`agreement_by_route` and :func:`disagreements` of the groups.
    by_route: dict[str, tuple[int, dict[str, float]]] = field(default_factory=dict)
    split_values: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Groups whose three wordings all meet every constraint of the group: agreement on what
    #: a listener insists on, where exact agreement also counts "slow / medium" as a miss.
    n_groups_right: int = 0

    @property
    def validity(self) -> float:
        return self.n_valid / self.n_prompts_run if self.n_prompts_run else float("nan")

    @property
    def controllability(self) -> float:
        return self.satisfied / self.n_constraints if self.n_constraints else float("nan")

    @property
    def fully_right_rate(self) -> float:
        return self.n_right / self.n_with_expect if self.n_with_expect else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "n_rows": self.n_rows, "validity": self.validity,
                "controllability": self.controllability, "satisfied": self.satisfied,
                "n_constraints": self.n_constraints, "fully_right": self.fully_right_rate,
                "n_right": self.n_right, "n_with_expect": self.n_with_expect,
                "defaults": [d.to_json() for d in self.defaults],
                "kinds": {kind: dict(zip(("satisfied", "n_constraints", "n_right", "n_prompts"),
                                         counts)) for kind, counts in self.kinds.items()},
                "keys": {key: {"satisfied": met, "n_constraints": total}
                         for key, (met, total) in self.keys.items()},
                "n_groups": self.n_groups,
                "agreement": self.agreement, "paraphrase_satisfied": self.para_satisfied,
                "paraphrase_constraints": self.para_constraints, "mean_s": self.mean_s,
                "routes": self.routes,
                "by_route": {name: {"groups": n, "agreement": agreement}
                             for name, (n, agreement) in self.by_route.items()},
                "disagreements": self.split_values, "groups_right": self.n_groups_right,
                "targets": BLIND_TARGETS, "errors": self.errors[:10],
                **({"explanation": self.explanation} if self.explanation is not None else {})}


def evaluate_blind(name: str, rows: Sequence[Mapping[str, Any]],
                   groups: Sequence[Mapping[str, Any]], *, engine: Engine, seed: int = 0,
                   check: Callable[[Any, Any], Sequence[bool]], explain: bool = False,
                   progress: Callable[[int], None] | None = None) -> BlindReport:
    """Run ``engine`` on the blind rows and every wording of every group, and score it.

    The blind rows give controllability (also per expectation key), prompts fully right
    (also per kind) and default-value rates; the
    groups give agreement (:func:`paraphrase_agreement`) and their own controllability (each
    wording against the group's expectations). With ``explain`` (``engine`` from
    :func:`explaining_engine`), the blind rows' justifications are scored too
    (:func:`explanation_rates`).
    """
    prompts = [str(r["prompt"]) for r in rows] + [p for g in groups for p in g["prompts"]]
    configs, errors, times = run_engine(prompts, engine=engine, seed=seed, progress=progress)
    blind, para = configs[:len(rows)], configs[len(rows):]
    expects = [r["expect"] for r in rows]
    by_group = [para[3 * i:3 * i + 3] for i in range(len(groups))]
    satisfied, total = controllability(blind, expects, check=check)
    right, n_with = fully_right(blind, expects, check=check)
    p_sat, p_total = controllability(para, [g["expect"] for g in groups for _ in range(3)],
                                     check=check)
    return BlindReport(
        engine=name, n_rows=len(rows), n_prompts_run=len(prompts),
        n_valid=sum(c is not None for c in configs), satisfied=satisfied, n_constraints=total,
        n_right=right, n_with_expect=n_with, defaults=default_rates(blind, expects),
        kinds=by_kind(blind, rows, check=check), keys=by_key(blind, expects, check=check),
        n_groups=len(groups), agreement=paraphrase_agreement(by_group),
        para_satisfied=p_sat, para_constraints=p_total,
        mean_s=float(np.mean(times)) if times else 0.0, errors=errors,
        explanation=explanation_rates(prompts[:len(rows)], blind) if explain else None,
        routes=dict(sorted(Counter(route_of(c) for c in para).items())),
        by_route=agreement_by_route(by_group),
        split_values=disagreements(by_group),
        n_groups_right=sum(fully_right(configs, [g["expect"]] * len(configs), check=check)[0]
                           == len(configs) for configs, g in zip(by_group, groups)))


def blind_report_json(reports: Sequence[BlindReport]) -> str:
    """The blind evaluation as JSON (``moodc eval --split blind --format json``)."""
    return json.dumps({"split": "blind", "engines": [r.to_json() for r in reports]},
                      indent=2, ensure_ascii=False)


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
