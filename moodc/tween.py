"""N-way weighted merge of configs ("tween"), and the morph paths score transitions glide along.

One merge implementation serves the ``tween`` command, score morph transitions in the
renderer, activity mapping, the concept engine and generation. Given N configs and N weights
it returns one config that is valid by construction and reproducible from a seed:

* **ordinal** label fields (every field in :data:`moodc.vocab.ORDINAL_LABELS`, top-level and
  ``composition.*``) take the weighted mean of their positions on the five-step scale, then
  *stochastic rounding*: the fractional part is the probability of rounding up. The result
  never leaves ``[min, max]`` of the sources and its expectation is the weighted mean;
* **integer** fields (``density``, ``composition.register_low/high``) are rounded the same way;
  the two register bounds share one draw, so ``register_low <= register_high`` survives;
* **optional floats**: ``bpm`` is set when any weighted source sets it, as the weighted mean
  of every source's *effective* BPM (its ``bpm``, else the tempo label's BPM from
  :data:`moodc.vocab.TEMPO_BPM`), because a source without ``bpm`` still has a definite speed.
  ``duration`` is set when any weighted source sets it, as the weighted mean over the sources
  that set it (an unset duration means "the renderer's default", not a known number);
* **nominal** fields (root, mode, meter, ``layers.*``, ``instruments.*``, harmony, extensions,
  tension, phrase_bars, and any field added to the model later) are drawn from one source with
  probability equal to its weight. Fields that belong together musically are drawn as a group
  from one source (see :data:`NOMINAL_GROUPS`): ``root`` + ``mode`` (a key), and ``meter`` +
  ``layers.rhythm`` (a waltz keeps its 3/4).

**Given fields** (optional, ``merge(..., given=[...])``). A source may say which fields it
*named*, as opposed to fields it only filled from a default: a library concept's spec names
its meaningful fields and takes the rest from a category, then a global default (medium).
With ``given``, each field (or group) is voted on only by the sources that named it (their
weights renormalised over them); only when no source named it do all sources vote as without
``given``. So "haunted" (names dark) × "victorian" (says nothing of brightness) is dark,
whatever the weights, instead of drifting to the unnamed medium.

Reproducibility. Every field (or group) draws one uniform number ``u`` from its own
``numpy.random.default_rng(SeedSequence([seed, *hash(field_path)]))``, so adding a field never
reshuffles the others. Before drawing, the (config, weight) pairs are sorted canonically by
content, so the output does not depend on the order the sources were given in. Because ``u``
depends on the field and the seed but not on the weights, moving the weights smoothly moves
each field monotonically: :func:`morph_path` exploits this, so each nominal field switches once,
at its own point, and each ordinal label steps monotonically from A's value to B's.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from numbers import Integral, Real
from typing import Any, Final

import numpy as np
from pydantic import BaseModel, ValidationError

from moodc import vocab
from moodc.config.model import Config, Score
from moodc.config.paths import get_path, set_path
from moodc.errors import DocumentError, UsageError

#: Fields that describe a document rather than its music; merge sets them itself.
METADATA_FIELDS: Final[frozenset[str]] = frozenset(
    {"version", "title", "seed", "justification", "provenance"})

#: Ordinal field path → its labels, least → most.
ORDINAL_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    ("composition." + name if name in vocab.COMPOSITION_ORDINALS else name): labels
    for name, labels in vocab.ORDINAL_LABELS.items()
}

#: Integer field path → (min, max); merged as a weighted mean, then rounded.
INTEGER_FIELDS: Final[dict[str, tuple[int, int]]] = {
    "density": (1, 6),
    "composition.register_low": (1, 7),
    "composition.register_high": (1, 7),
}

#: Optional float fields (None = unset), merged by the rules in the module docstring.
OPTIONAL_FLOAT_FIELDS: Final[tuple[str, ...]] = ("bpm", "duration")

#: Field paths that share one random draw. Nominal groups take every value from one source
#: (a key is a root *and* a mode; a rhythm pattern is written in its meter); the register
#: bounds share one rounding draw so that low <= high is kept.
NOMINAL_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "key": ("root", "mode"),
    "groove": ("meter", "layers.rhythm"),
}
SHARED_ROUNDING: Final[dict[str, str]] = {
    "composition.register_low": "group:register",
    "composition.register_high": "group:register",
}

#: Floats (bpm, duration) are written with this many decimals, then clamped to the sources'
#: range, so output stays readable and inside [min, max].
FLOAT_DECIMALS: Final[int] = 2
#: Positions this close to an integer are treated as that integer (float summation noise).
_SNAP: Final[float] = 1e-9


# --------------------------------------------------------------------------------------
# Field paths
# --------------------------------------------------------------------------------------

def _leaf_paths(model: type[BaseModel], *, prefix: str = "") -> list[str]:
    """Every leaf field path of ``model`` (``composition.swing``), in declaration order."""
    paths: list[str] = []
    for name, info in model.model_fields.items():
        sub = info.annotation
        if isinstance(sub, type) and issubclass(sub, BaseModel):
            paths += _leaf_paths(sub, prefix=f"{prefix}{name}.")
        else:
            paths.append(prefix + name)
    return paths


def musical_paths() -> list[str]:
    """Every musical leaf path of a config (all fields but :data:`METADATA_FIELDS`)."""
    return [p for p in _leaf_paths(Config) if p not in METADATA_FIELDS]


def given_mask(paths: Iterable[str]) -> str:
    """The hex bitmask of ``paths`` over :func:`musical_paths` (bit ``i`` = the ``i``-th path).

    Why: every training row carries the fields its label's sources named; as a list of
    dotted paths that is ~220 bytes a row (+2.9 MB over the splits), as a mask ~10.

    Raises
    ------
    UsageError
        A path that is not a musical field of the config (named, with the known ones).
    """
    paths = set(paths)
    order = {path: i for i, path in enumerate(musical_paths())}
    _check_given_paths(paths, known=list(order))
    return format(sum(1 << order[p] for p in paths), "x")


def given_from_mask(mask: str) -> frozenset[str]:
    """The field paths of a :func:`given_mask` (the inverse).

    Raises
    ------
    UsageError
        Not a hex string, or a bit beyond the config's musical fields (data written for
        another vocabulary: regenerate it with ``tools/make_data.py``).
    """
    paths = musical_paths()
    try:
        bits = int(mask, 16)
    except (TypeError, ValueError):
        raise UsageError(f"given mask {mask!r} is not a hex string",
                         hint="regenerate the data with tools/make_data.py",
                         param="given") from None
    if bits < 0 or bits >> len(paths):
        raise UsageError(f"given mask {mask!r} has bits beyond the {len(paths)} musical fields",
                         hint="regenerate the data with tools/make_data.py", param="given")
    return frozenset(p for i, p in enumerate(paths) if bits >> i & 1)


def nominal_paths() -> list[str]:
    """Musical paths that are neither ordinal, integer nor optional float: drawn by weight."""
    numeric = set(ORDINAL_FIELDS) | set(INTEGER_FIELDS) | set(OPTIONAL_FLOAT_FIELDS)
    return [p for p in musical_paths() if p not in numeric]


def musical_fields(config: Config) -> dict[str, Any]:
    """``{path: value}`` of every musical field of ``config`` (what merge reads and writes)."""
    dump = config.model_dump()
    return {path: get_path(dump, path) for path in musical_paths()}


# --------------------------------------------------------------------------------------
# Seeded draws
# --------------------------------------------------------------------------------------

def field_uniform(key: str, *, seed: int) -> float:
    """One uniform number in [0, 1) for ``key``, from ``SeedSequence([seed, *hash(key)])``.

    The hash (blake2b, stable across processes, unlike ``hash()``) keys the draw by the
    field path, so adding or removing a field never changes the draws of the others.
    """
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), *words]))
    return float(rng.random())


def round_stochastic(position: float, *, u: float, low: int, high: int) -> int:
    """Round ``position`` up with probability equal to its fractional part, using ``u``.

    For a fixed ``u`` the result is non-decreasing in ``position`` (that is what makes morph
    paths monotonic), and it is clamped to ``[low, high]`` (the sources' range) so float
    noise can never step outside it.
    """
    nearest = round(position)
    if abs(position - nearest) < _SNAP:
        value = int(nearest)
    else:
        base = math.floor(position)
        value = base + (1 if u < position - base else 0)
    return min(max(value, low), high)


def _pick_source(weights: Sequence[float], *, u: float) -> int:
    """Index of the source whose cumulative-weight interval contains ``u`` (weights sum to 1)."""
    cumulative = 0.0
    for index, weight in enumerate(weights):
        cumulative += weight
        if u < cumulative:
            return index
    return len(weights) - 1  # u within float noise of 1.0


# --------------------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------------------

def normalise_weights(weights: Sequence[Any], *, n_sources: int) -> list[float]:
    """Check ``weights`` (count, type, finite, >= 0, sum > 0) and scale them to sum to 1.

    Raises
    ------
    UsageError
        With the offending value and the fix.
    """
    if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Iterable):
        raise UsageError(f"weights={weights!r} is not a list of numbers",
                         hint="give one number per source, e.g. 0.2,0.3,0.5", param="weights")
    weights = list(weights)  # also accepts tuples, numpy arrays and generators
    if len(weights) != n_sources:
        raise UsageError(f"got {len(weights)} weights for {n_sources} sources",
                         hint="give exactly one weight per source, in the same order",
                         param="weights")
    values: list[float] = []
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise UsageError(f"weight {weight!r} is not a number",
                             hint="weights are non-negative numbers such as 0.25",
                             param="weights")
        value = float(weight)
        if not math.isfinite(value):
            raise UsageError(f"weight {weight!r} is not finite",
                             hint="weights are finite non-negative numbers", param="weights")
        if value < 0:
            raise UsageError(f"weight {weight!r} is negative",
                             hint="weights are non-negative numbers such as 0.25",
                             param="weights")
        values.append(value)
    largest = max(values, default=0.0)
    if largest <= 0:
        raise UsageError("weights sum to zero", param="weights",
                         hint="give at least one source a positive weight")
    scaled = [v / largest for v in values]  # first scale to <= 1, so huge weights cannot overflow
    total = math.fsum(scaled)
    return [v / total for v in scaled]


def check_seed(seed: Any) -> int:
    """``seed`` as a Python int in [0, 2**63 - 1] (numpy integers accepted).

    Raises
    ------
    UsageError
        For a bool, a non-integer or an out-of-range value.
    """
    low, high = vocab.NUMERIC_RANGES["seed"]
    if isinstance(seed, bool) or not isinstance(seed, Integral) or not low <= seed <= high:
        raise UsageError(f"seed={seed!r} is not an integer in [0, 2**63 - 1]",
                         hint="use e.g. --seed 0")
    return int(seed)


def as_config(source: Config | Mapping[str, Any], *, label: str) -> Config:
    """A validated :class:`Config` from a model or a mapping (``version`` defaults to 2).

    Raises
    ------
    DocumentError
        When the mapping is not a valid config; the message names ``label``.
    """
    if isinstance(source, Config):
        return source
    if isinstance(source, BaseModel):  # e.g. an InlineConfig from a score section
        source = source.model_dump()
    if not isinstance(source, Mapping):
        raise UsageError(f"{label}: expected a config or a mapping, got {type(source).__name__}")
    data = dict(source)
    if data.get("version") is None:
        data["version"] = 2
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise DocumentError(f"{label}: invalid config at {where}: {first['msg']}",
                            hint="run `moodc validate` on the source for all findings") from exc


# --------------------------------------------------------------------------------------
# Merge
# --------------------------------------------------------------------------------------

def _canonical_order(fields: list[dict[str, Any]], weights: list[float],
                     given: Sequence[frozenset[str] | None] | None = None) -> list[int]:
    """Source indices sorted by content, then weight, then given fields: drawing order
    independent of input (two sources alike in content and weight but not in what they
    named must still sort one way)."""
    keys = [json.dumps(f, sort_keys=True, default=str) for f in fields]
    said = [sorted(g) if g is not None else ["*"] for g in (given or [None] * len(fields))]
    return sorted(range(len(fields)), key=lambda i: (keys[i], weights[i], said[i]))


def check_given(given: Any, *, n_sources: int) -> list[frozenset[str] | None]:
    """``given`` as one frozenset of field paths (or None = "named every field") per source.

    Raises
    ------
    UsageError
        Wrong count, an entry that is not a collection of strings, or a path that is not a
        musical field (names the path and lists where the valid ones come from).
    """
    if isinstance(given, (str, bytes, Mapping)) or not isinstance(given, Iterable):
        raise UsageError(f"given={given!r} is not a list (one entry per source)",
                         hint="give one collection of field paths (or None) per source",
                         param="given")
    entries = list(given)
    if len(entries) != n_sources:
        raise UsageError(f"got {len(entries)} given-field sets for {n_sources} sources",
                         hint="give exactly one per source, in the same order", param="given")
    out: list[frozenset[str] | None] = []
    for entry in entries:
        if entry is None:
            out.append(None)
            continue
        if isinstance(entry, (str, bytes)) or not isinstance(entry, Collection):
            raise UsageError(f"given entry {entry!r} is not a collection of field paths",
                             hint='e.g. {"tempo", "layers.rhythm"}', param="given")
        _check_given_paths(entry, known=musical_paths())
        out.append(frozenset(entry))
    return out


def _check_given_paths(paths: Iterable[Any], *, known: Sequence[str]) -> None:
    """Raise a UsageError naming every one of ``paths`` that is not a musical field.

    One check for both forms of ``given``: a source's set of paths (:func:`check_given`)
    and a training row's mask (:func:`given_mask`).
    """
    known_set = set(known)
    unknown = sorted({str(p) for p in paths if p not in known_set})
    if unknown:
        raise UsageError(f"given names unknown field path(s) {unknown}",
                         hint=f"musical paths are {', '.join(known)}", param="given")


def _voters(paths: Sequence[str], weights: list[float],
            given: Sequence[frozenset[str] | None] | None) -> tuple[list[int], list[float]]:
    """The sources that vote on ``paths`` and their weights.

    Without ``given`` (or when no source named any of ``paths``) every source votes with its
    weight, untouched, so the default path is bit for bit the merge it always was. Otherwise
    only the sources that named one of ``paths`` (None names everything) vote, their weights
    renormalised to sum to 1.
    """
    everyone = list(range(len(weights)))
    if given is None:
        return everyone, weights
    said = [i for i, g in enumerate(given) if g is None or any(p in g for p in paths)]
    if not said or len(said) == len(weights):
        return everyone, weights
    total = math.fsum(weights[i] for i in said)
    return said, [weights[i] / total for i in said]


def _merge_ordinal(path: str, values: list[str], weights: list[float], *, seed: int) -> str:
    labels = ORDINAL_FIELDS[path]
    positions = [labels.index(v) for v in values]
    mean = math.fsum(w * p for w, p in zip(weights, positions))
    index = round_stochastic(mean, u=field_uniform(path, seed=seed),
                             low=min(positions), high=max(positions))
    return labels[index]


def _merge_integer(path: str, values: list[int], weights: list[float], *, seed: int) -> int:
    mean = math.fsum(w * v for w, v in zip(weights, values))
    key = SHARED_ROUNDING.get(path, path)
    return round_stochastic(mean, u=field_uniform(key, seed=seed),
                            low=min(values), high=max(values))


def _weighted_float(values: list[float], weights: list[float]) -> float:
    """Weighted mean (weights renormalised), rounded to FLOAT_DECIMALS, clamped to the range."""
    total = math.fsum(weights)
    mean = math.fsum(w * v for w, v in zip(weights, values)) / total
    return min(max(round(mean, FLOAT_DECIMALS), min(values)), max(values))


def _merge_bpm(fields: list[dict[str, Any]], weights: list[float]) -> float | None:
    if all(f["bpm"] is None for f in fields):
        return None
    effective = [f["bpm"] if f["bpm"] is not None else vocab.TEMPO_BPM[f["tempo"]] for f in fields]
    return _weighted_float(effective, weights)


def _merge_duration(fields: list[dict[str, Any]], weights: list[float]) -> float | None:
    pairs = [(f["duration"], w) for f, w in zip(fields, weights) if f["duration"] is not None]
    if not pairs:
        return None
    return _weighted_float([v for v, _ in pairs], [w for _, w in pairs])


def _merge_fields(fields: list[dict[str, Any]], weights: list[float], *, seed: int,
                  given: Sequence[frozenset[str] | None] | None = None) -> dict[str, Any]:
    """Merge musical ``{path: value}`` dicts (already canonical, zero weights removed).

    ``given`` (aligned with ``fields``) restricts each field's vote to the sources that
    named it (:func:`_voters`); None is the plain weighted merge.
    """
    merged: dict[str, Any] = {}

    def vote(paths: Sequence[str]) -> tuple[list[dict[str, Any]], list[float]]:
        chosen, chosen_weights = _voters(paths, weights, given)
        return [fields[i] for i in chosen], chosen_weights

    for path in ORDINAL_FIELDS:
        sources, w = vote((path,))
        merged[path] = _merge_ordinal(path, [f[path] for f in sources], w, seed=seed)
    for path in INTEGER_FIELDS:
        sources, w = vote((path,))
        merged[path] = _merge_integer(path, [f[path] for f in sources], w, seed=seed)
    merged["bpm"] = _merge_bpm(*vote(("bpm", "tempo")))  # a named tempo is a named speed
    merged["duration"] = _merge_duration(*vote(("duration",)))
    grouped = {p: name for name, paths in NOMINAL_GROUPS.items() for p in paths}
    for path in nominal_paths():
        if path in merged:
            continue
        group = grouped.get(path)
        members = NOMINAL_GROUPS[group] if group else (path,)
        key = f"group:{group}" if group else path  # group keys cannot collide with paths
        sources, w = vote(members)  # a group is named when any member is
        chosen = sources[_pick_source(w, u=field_uniform(key, seed=seed))]
        for member in members:
            merged[member] = chosen[member]
    _repair_register(merged)
    return merged


def _repair_register(merged: dict[str, Any]) -> None:
    """Re-check register_low <= register_high (the shared draw keeps it; this is a guard)."""
    low, high = merged["composition.register_low"], merged["composition.register_high"]
    if low > high:
        merged["composition.register_high"] = low


def _source_label(config: Config, *, index: int, names: Sequence[str] | None) -> str:
    if names is not None:
        return str(names[index])
    return config.title or f"source {index + 1}"


def _title(labels: Sequence[str]) -> str:
    """``"A × B × C"``, shortened with an ellipsis to fit the title limit."""
    title = " × ".join(labels)
    limit = vocab.MAX_TITLE_CHARS
    return title if len(title) <= limit else title[: limit - 1] + "…"


def merge(configs: Sequence[Config | Mapping[str, Any]], weights: Sequence[float], *,
          seed: int, names: Sequence[str] | None = None, title: str | None = None,
          given: Sequence[Collection[str] | None] | None = None) -> Config:
    """Merge N configs by weight into one valid config, reproducibly from ``seed``.

    Parameters
    ----------
    configs : sequence of Config or mapping, length N >= 1
        The sources. Mappings are validated (``version`` may be omitted).
    weights : sequence of float, length N
        Non-negative, finite, not all zero; normalised to sum to 1. A zero weight removes
        its source from every draw.
    seed : int >= 0
        Seeds every draw (one child seed per field path). Same inputs + seed ⇒ same output.
    names : sequence of str, optional
        How to call the sources in ``title`` and ``provenance`` (default: their titles).
    title : str, optional
        The output title (default: the source names joined by " × ").
    given : sequence of (collection of str or None), length N, optional
        Per source, the musical field paths it *named* (None: every field). Each field is
        then merged over the sources that named it, weights renormalised; a field nobody
        named is merged over all sources as without ``given`` (module docstring). Default
        None: the plain weighted merge.

    Returns
    -------
    Config
        Musical fields merged as described in the module docstring; ``title`` "A × B",
        ``provenance`` ``{"tool": "tween", "sources", "weights", "seed"}``, ``seed`` and
        ``justification`` None. Weights ``(1, 0, ...)`` return the first source's musical
        fields unchanged. The result does not depend on the order of the (config, weight)
        pairs.

    Raises
    ------
    UsageError
        Bad weights, no sources, a seed that is not a non-negative integer, or a ``given``
        of the wrong length or with an unknown field path.
    DocumentError
        A mapping source is not a valid config.

    Examples
    --------
    >>> calm = Config(version=2, tempo="slow", mode="major")
    >>> tense = Config(version=2, tempo="fast", mode="phrygian")
    >>> merge([calm, tense], [0.5, 0.5], seed=1).title
    'source 1 × source 2'
    """
    seed = check_seed(seed)
    configs = list(configs)
    if len(configs) == 0:
        raise UsageError("no configs to merge", hint="give at least one source config")
    if names is not None and len(names) != len(configs):
        raise UsageError(f"got {len(names)} names for {len(configs)} sources")
    normalised = normalise_weights(weights, n_sources=len(configs))
    said = None if given is None else check_given(given, n_sources=len(configs))
    models = [as_config(c, label=_source_label_raw(c, i, names)) for i, c in enumerate(configs)]
    fields = [musical_fields(m) for m in models]
    kept = [i for i in _canonical_order(fields, normalised, said) if normalised[i] > 0]
    merged = _merge_fields([fields[i] for i in kept], [normalised[i] for i in kept], seed=seed,
                           given=None if said is None else [said[i] for i in kept])
    labels = [_source_label(m, index=i, names=names) for i, m in enumerate(models)]
    return build_config(merged, title=_title([title] if title else labels), provenance={
        "tool": "tween", "sources": labels,
        "weights": [round(w, 6) for w in normalised], "seed": seed})


def _source_label_raw(source: Any, index: int, names: Sequence[str] | None) -> str:
    """A label for error messages, before the source is validated."""
    if names is not None:
        return str(names[index])
    return f"source {index + 1}"


def build_config(fields: Mapping[str, Any], *, title: str | None = None,
                 provenance: dict[str, Any] | None = None, seed: int | None = None) -> Config:
    """A validated :class:`Config` from ``{path: value}`` musical fields plus metadata."""
    data: dict[str, Any] = {"version": 2, "title": title, "seed": seed}
    for path, value in fields.items():
        set_path(data, path, value)
    data["provenance"] = provenance
    return Config.model_validate(data)


# --------------------------------------------------------------------------------------
# Morph paths
# --------------------------------------------------------------------------------------

def morph_path(a: Config | Mapping[str, Any], b: Config | Mapping[str, Any], *, n_steps: int,
               seed: int) -> list[Config]:
    """``n_steps`` configs gliding from ``a`` to ``b`` (both ends included), via :func:`merge`.

    Step ``k`` is ``merge([a, b], [1 - t, t], seed=seed)`` with ``t = k / (n_steps - 1)``. As
    every field's random draw depends on the field and the seed but not on ``t``:

    * ordinal and integer fields move monotonically from A's value to B's (a parameter glide);
    * each nominal field (or group, e.g. root + mode) switches from A's value to B's exactly
      once, at ``t`` drawn per field, so the layers crossfade at different times;
    * ``bpm`` and ``duration`` glide linearly.

    The first config has A's musical fields, the last B's.

    Parameters
    ----------
    a, b : Config or mapping
        The start and end configs.
    n_steps : int >= 2
        Number of configs returned.
    seed : int >= 0
        Seeds the per-field switch points.

    Raises
    ------
    UsageError
        ``n_steps`` below 2, or a bad seed.
    """
    if isinstance(n_steps, bool) or not isinstance(n_steps, int) or n_steps < 2:
        raise UsageError(f"n_steps={n_steps!r} must be an integer >= 2",
                         hint="a morph path includes both ends, so it needs at least 2 steps")
    return [morph_at(a, b, t=k / (n_steps - 1), seed=seed) for k in range(n_steps)]


def morph_at(a: Config | Mapping[str, Any], b: Config | Mapping[str, Any], *, t: float,
             seed: int) -> Config:
    """The config a fraction ``t`` of the way from ``a`` to ``b``: ``merge([a, b], [1-t, t])``.

    For a fixed seed, sampling ``t`` anywhere in [0, 1] lies on the same path as
    :func:`morph_path` (each field's switch point does not depend on the sampling).

    Raises
    ------
    UsageError
        ``t`` outside [0, 1] or not finite.
    """
    if isinstance(t, bool) or not isinstance(t, Real) or not 0.0 <= float(t) <= 1.0:
        raise UsageError(f"t={t!r} must be a number in [0, 1]",
                         hint="0 gives the first config, 1 the second")
    names = [_morph_name(a, "A"), _morph_name(b, "B")]
    return merge([a, b], [1.0 - float(t), float(t)], seed=seed, names=names)


def _morph_name(source: Any, fallback: str) -> str:
    title = source.title if isinstance(source, BaseModel) else (
        source.get("title") if isinstance(source, Mapping) else None)
    return str(title) if title else fallback


# --------------------------------------------------------------------------------------
# Morph scores (``moodc tween --steps``)
# --------------------------------------------------------------------------------------

#: Default length of each section of a morph score, in seconds.
DEFAULT_SECTION_DURATION_S: Final[float] = 20.0
#: Longest transition the score model allows, in seconds.
_MAX_TRANSITION_S: Final[float] = vocab.NUMERIC_RANGES["transition_length"][1]
#: A morph score's transitions last this share of a section: long enough to glide through
#: the renderer's intermediate configs (one per second), short enough that each step holds.
MORPH_TRANSITION_SHARE: Final[float] = 0.25


def inline_fields(config: Config) -> dict[str, Any]:
    """A config's musical fields as a nested dict for a score section (Nones left out)."""
    data: dict[str, Any] = {}
    for path, value in musical_fields(config).items():
        if value is not None:
            set_path(data, path, value)
    return data


def morph_score(configs: Sequence[Config | Mapping[str, Any]], *, n_sections: int,
                section_duration_s: float = DEFAULT_SECTION_DURATION_S, seed: int,
                names: Sequence[str] | None = None, render_seed: int | None = None
                ) -> dict[str, Any]:
    """A V2 score (plain dict) that morphs through ``configs`` in order in ``n_sections``.

    Section ``k`` sits at position ``s = k (N - 1) / (n_sections - 1)`` along the chain
    A → B → C ...; it is ``merge([src[j], src[j + 1]], [1 - f, f])`` with ``j = floor(s)`` and
    ``f = s - j`` (the same draws as :func:`morph_path`, so a field that has switched stays
    switched). Each section after the first is entered with a ``morph`` transition a quarter
    of a section long (:data:`MORPH_TRANSITION_SHARE`, capped at 60 s). Transitions overlap
    the sections they join, so a middle section glides in for a quarter, holds for half and
    glides out for a quarter: every step is heard on its own, and the score lasts
    ``n_sections * S - (n_sections - 1) * S / 4`` seconds.

    Parameters
    ----------
    configs : sequence of Config or mapping, N >= 2
    n_sections : int >= 2
        Sections in the score; the first is the first source, the last the last source.
    section_duration_s : float in [0.5, 3600]
        Length of every section in seconds.
    seed : int >= 0
        Seeds the merge draws.
    names : sequence of str, optional
        Source names for section names and provenance.
    render_seed : int, optional
        Written as the score's ``seed`` (None leaves the renderer's default).

    Raises
    ------
    UsageError
        Fewer than 2 sources or sections, or a section duration out of range.
    """
    low_s, high_s = vocab.NUMERIC_RANGES["section_duration"]
    if len(configs) < 2:
        raise UsageError("a morph needs at least 2 sources")
    if (isinstance(n_sections, bool) or not isinstance(n_sections, int)
            or not 2 <= n_sections <= vocab.MAX_SECTIONS):
        raise UsageError(f"steps={n_sections!r} must be an integer from 2 to {vocab.MAX_SECTIONS}",
                         hint="a morph score has a first and a last section, at most "
                              f"{vocab.MAX_SECTIONS} in all")
    if not (math.isfinite(section_duration_s) and low_s <= section_duration_s <= high_s):
        raise UsageError(f"section duration {section_duration_s!r} s is out of range",
                         hint=f"use {low_s:g} to {high_s:g} seconds")
    models = [as_config(c, label=_source_label_raw(c, i, names)) for i, c in enumerate(configs)]
    labels = [_source_label(m, index=i, names=names) for i, m in enumerate(models)]
    sections = [_morph_section(models, labels, k=k, n_sections=n_sections,
                               section_duration_s=section_duration_s, seed=seed)
                for k in range(n_sections)]
    total_s = n_sections * section_duration_s
    score = {
        "version": 2,
        "title": _title(labels),
        "seed": render_seed,
        "fade_in": min(0.5, total_s / 4),
        "fade_out": min(2.0, total_s / 4),
        "sections": sections,
        "provenance": {"tool": "tween", "sources": labels, "steps": n_sections,
                       "section_duration": section_duration_s, "seed": seed},
    }
    Score.model_validate(score)  # valid by construction; this guards the construction
    return score


def _morph_section(models: list[Config], labels: list[str], *, k: int, n_sections: int,
                   section_duration_s: float, seed: int) -> dict[str, Any]:
    """Section ``k`` of a morph score: its place on the chain, config and transition."""
    position = k * (len(models) - 1) / (n_sections - 1)
    j = min(int(math.floor(position)), len(models) - 2)
    frac = position - j
    pair = [models[j], models[j + 1]]
    config = merge(pair, [1.0 - frac, frac], seed=seed, names=labels[j:j + 2])
    section: dict[str, Any] = {"name": _section_name(labels[j:j + 2], frac),
                               "duration": section_duration_s,
                               "config": inline_fields(config)}
    if k > 0:
        section["transition"] = {"kind": "morph",
                                 "length": min(section_duration_s * MORPH_TRANSITION_SHARE,
                                               _MAX_TRANSITION_S)}
    return section


def _section_name(pair: list[str], frac: float) -> str:
    """``"A"``, ``"B"`` or ``"70% A / 30% B"``, shortened to the title limit."""
    if frac < _SNAP:
        name = pair[0]
    elif frac > 1 - _SNAP:
        name = pair[1]
    else:
        share = round(100 * frac)
        name = f"{100 - share}% {pair[0]} / {share}% {pair[1]}"
    limit = vocab.MAX_TITLE_CHARS
    return name if len(name) <= limit else name[: limit - 1] + "…"
