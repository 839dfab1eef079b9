"""tween.merge / morph_path: valid by construction, reproducible, order-free, between sources."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moodc import vocab
from moodc.config.model import Config, Score
from moodc.errors import DocumentError, UsageError
from moodc.tween import (
    INTEGER_FIELDS,
    NOMINAL_GROUPS,
    ORDINAL_FIELDS,
    field_uniform,
    merge,
    morph_at,
    morph_path,
    morph_score,
    musical_fields,
    nominal_paths,
    round_stochastic,
)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------------------
# A strategy that draws valid config dicts from the vocabulary (fields may be left out).
# --------------------------------------------------------------------------------------

TOP_ORDINALS = [f for f in vocab.ORDINAL_LABELS if f not in vocab.COMPOSITION_ORDINALS]


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value or None (None = leave the field out, so defaults are exercised too)."""
    return st.one_of(st.none(), strategy)


@st.composite
def config_dicts(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"version": 2}
    candidates: dict[str, st.SearchStrategy[Any]] = {
        **{f: st.sampled_from(vocab.ORDINAL_LABELS[f]) for f in TOP_ORDINALS},
        "bpm": st.floats(30.0, 240.0, allow_nan=False),
        "duration": st.floats(0.5, 3600.0, allow_nan=False),
        "root": st.sampled_from(tuple(vocab.ROOT_SEMITONE)),
        "mode": st.sampled_from(tuple(vocab.MODE_INTERVALS)),
        "meter": st.sampled_from(vocab.METERS),
        "density": st.integers(1, 6),
    }
    for field, strategy in candidates.items():
        value = draw(_maybe(strategy))
        if value is not None:
            data[field] = value
    layers = {layer: draw(_maybe(st.sampled_from(styles)))
              for layer, styles in vocab.LAYER_STYLES.items()}
    data["layers"] = {k: v for k, v in layers.items() if v is not None}
    instruments = {voice: draw(_maybe(st.sampled_from(vocab.INSTRUMENTS)))
                   for voice in ("lead", "pad", "bass")}
    data["instruments"] = {k: v for k, v in instruments.items() if v is not None}
    comp: dict[str, Any] = {f: draw(st.sampled_from(vocab.ORDINAL_LABELS[f]))
                            for f in vocab.COMPOSITION_ORDINALS if draw(st.booleans())}
    low, high = sorted(draw(st.lists(st.integers(1, 7), min_size=2, max_size=2)))
    comp.update(register_low=low, register_high=high,
                phrase_bars=draw(st.sampled_from(vocab.PHRASE_BARS)),
                harmony=draw(st.sampled_from(vocab.HARMONY_STYLES)),
                extensions=draw(st.sampled_from(vocab.EXTENSIONS)),
                tension=draw(st.sampled_from(vocab.TENSION_CURVES)))
    data["composition"] = comp
    return data


weight_values = st.one_of(st.just(0.0), st.floats(0.01, 10.0, allow_nan=False))


@st.composite
def sources_and_weights(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 4
                        ) -> tuple[list[dict[str, Any]], list[float]]:
    n = draw(st.integers(min_size, max_size))
    configs = [draw(config_dicts()) for _ in range(n)]
    weights = [draw(weight_values) for _ in range(n)]
    if sum(weights) == 0:
        weights[draw(st.integers(0, n - 1))] = 1.0
    return configs, weights


seeds = st.integers(0, 2**63 - 1)


def _fields(source: dict[str, Any] | Config) -> dict[str, Any]:
    return musical_fields(source if isinstance(source, Config) else Config.model_validate(source))


def _effective_bpm(fields: dict[str, Any]) -> float:
    return fields["bpm"] if fields["bpm"] is not None else vocab.TEMPO_BPM[fields["tempo"]]


# --------------------------------------------------------------------------------------
# Properties of merge
# --------------------------------------------------------------------------------------

@pytest.mark.slow
@SETTINGS
@given(sources_and_weights(), seeds)
def test_merge_of_valid_configs_is_valid(case: tuple[list, list], seed: int) -> None:
    configs, weights = case
    merged = merge(configs, weights, seed=seed)
    again = Config.model_validate(merged.model_dump())
    assert again == merged
    assert merged.composition.register_low <= merged.composition.register_high
    assert merged.provenance is not None and merged.provenance["seed"] == seed
    assert merged.seed is None  # the merge seed is not a render seed


@pytest.mark.slow
@SETTINGS
@given(sources_and_weights(min_size=2), seeds)
def test_full_weight_on_first_returns_its_musical_fields_unchanged(case: tuple[list, list],
                                                                   seed: int) -> None:
    configs, _ = case
    weights = [1.0] + [0.0] * (len(configs) - 1)
    assert _fields(merge(configs, weights, seed=seed)) == _fields(configs[0])


@pytest.mark.slow
@SETTINGS
@given(sources_and_weights(), seeds)
def test_same_seed_gives_same_output(case: tuple[list, list], seed: int) -> None:
    configs, weights = case
    assert merge(configs, weights, seed=seed) == merge(configs, weights, seed=seed)


@pytest.mark.slow
@SETTINGS
@given(sources_and_weights(min_size=2), seeds, st.randoms(use_true_random=False))
def test_order_of_pairs_does_not_change_the_output(case: tuple[list, list], seed: int,
                                                   rnd: Any) -> None:
    configs, weights = case
    pairs = list(zip(configs, weights))
    rnd.shuffle(pairs)
    shuffled = merge([c for c, _ in pairs], [w for _, w in pairs], seed=seed)
    assert _fields(shuffled) == _fields(merge(configs, weights, seed=seed))


@pytest.mark.slow
@SETTINGS
@given(sources_and_weights(), seeds)
def test_every_value_comes_from_a_source_or_lies_between_them(case: tuple[list, list],
                                                              seed: int) -> None:
    configs, weights = case
    out = _fields(merge(configs, weights, seed=seed))
    live = [_fields(c) for c, w in zip(configs, weights) if w > 0]
    for path, labels in ORDINAL_FIELDS.items():
        positions = [labels.index(f[path]) for f in live]
        assert min(positions) <= labels.index(out[path]) <= max(positions), path
    for path in INTEGER_FIELDS:
        values = [f[path] for f in live]
        assert min(values) <= out[path] <= max(values), path
        assert isinstance(out[path], int)
    if all(f["bpm"] is None for f in live):
        assert out["bpm"] is None
    else:
        effective = [_effective_bpm(f) for f in live]
        assert min(effective) <= out["bpm"] <= max(effective)
    durations = [f["duration"] for f in live if f["duration"] is not None]
    if durations:
        assert min(durations) <= out["duration"] <= max(durations)
    else:
        assert out["duration"] is None
    for path in nominal_paths():
        assert out[path] in [f[path] for f in live], path
    for members in NOMINAL_GROUPS.values():  # grouped fields come from one source together
        assert tuple(out[m] for m in members) in [tuple(f[m] for m in members) for f in live]


def test_mapping_sources_may_omit_version_and_titles_name_the_sources() -> None:
    merged = merge([{"title": "calm"}, {"version": 2, "title": "storm"}], [1, 1], seed=0)
    assert merged.title == "calm × storm"
    assert merged.provenance == {"tool": "tween", "sources": ["calm", "storm"],
                                 "weights": [0.5, 0.5], "seed": 0}


def test_accepts_inline_configs_numpy_weights_and_numpy_seeds() -> None:
    import numpy as np

    from moodc.config.model import InlineConfig

    merged = merge([InlineConfig(tempo="fast"), {"tempo": "slow"}],
                   np.array([1e308, 1e308]), seed=np.int64(5))  # huge weights do not overflow
    assert merged.provenance["weights"] == [0.5, 0.5] and merged.provenance["seed"] == 5
    assert merged.tempo == "medium"  # positions 1 and 3 average to exactly 2


# --------------------------------------------------------------------------------------
# Distribution: weights are probabilities; a dominant weight wins most fields
# --------------------------------------------------------------------------------------

def _opposites() -> tuple[Config, Config]:
    """Two configs that differ in every nominal field and sit at opposite ordinal ends."""
    first = {"version": 2, "root": "c", "mode": "major", "meter": "4/4", "density": 1,
             "tempo": "very_slow",
             "layers": {k: v[1] for k, v in vocab.LAYER_STYLES.items()},
             "instruments": {"lead": "sine", "pad": "sine", "bass": "sine"},
             "composition": {"phrase_bars": 1, "harmony": "pop", "extensions": "triads",
                             "tension": "flat", "register_low": 1, "register_high": 1}}
    second = {"version": 2, "root": "f#", "mode": "blues", "meter": "3/4", "density": 6,
              "tempo": "very_fast",
              "layers": {k: v[2] for k, v in vocab.LAYER_STYLES.items()},
              "instruments": {"lead": "oud", "pad": "organ", "bass": "tuba"},
              "composition": {"phrase_bars": 8, "harmony": "jazz", "extensions": "ninths",
                              "tension": "ramp", "register_low": 7, "register_high": 7}}
    return Config.model_validate(first), Config.model_validate(second)


@pytest.mark.slow
def test_nominal_draws_follow_the_weights() -> None:
    a, b = _opposites()
    fa = _fields(a)
    n_seeds, share_b = 300, 0.7
    from_b = {path: 0 for path in nominal_paths()}
    for seed in range(n_seeds):
        out = _fields(merge([a, b], [1 - share_b, share_b], seed=seed))
        for path in from_b:
            from_b[path] += out[path] != fa[path]
    # Binomial(300, 0.7): standard deviation ≈ 7.9 draws; allow about 4 sigma.
    for path, count in from_b.items():
        assert abs(count / n_seeds - share_b) < 0.11, (path, count)


def test_root_and_mode_and_meter_and_rhythm_travel_together() -> None:
    a, b = _opposites()
    fa, fb = _fields(a), _fields(b)
    groups = (("root", "mode"), ("meter", "layers.rhythm"))
    seen: dict[tuple[str, ...], set[tuple[Any, ...]]] = {g: set() for g in groups}
    for seed in range(60):
        out = _fields(merge([a, b], [0.5, 0.5], seed=seed))
        for members in groups:
            seen[members].add(tuple(out[m] for m in members))
    for members in groups:
        assert seen[members] == {tuple(fa[m] for m in members), tuple(fb[m] for m in members)}


def test_a_dominant_weight_wins_most_fields() -> None:
    a, b = _opposites()
    fa = _fields(a)
    for seed in range(20):
        out = _fields(merge([a, b], [0.9, 0.1], seed=seed))
        kept = sum(out[p] == fa[p] for p in nominal_paths())
        assert kept >= len(nominal_paths()) // 2


@pytest.mark.slow
def test_ordinal_rounding_is_unbiased() -> None:
    # very_slow (0) and very_fast (4) at 0.35/0.65: mean position 2.6 on average.
    a, b = _opposites()
    labels = ORDINAL_FIELDS["tempo"]
    positions = [labels.index(merge([a, b], [0.35, 0.65], seed=s).tempo) for s in range(400)]
    assert set(positions) == {2, 3}  # only the two labels around 2.6
    assert abs(sum(positions) / len(positions) - 2.6) < 0.1


def test_round_stochastic_is_monotonic_for_a_fixed_draw() -> None:
    for u in (0.0, 0.25, 0.5, 0.99):
        values = [round_stochastic(p / 100, u=u, low=0, high=4) for p in range(0, 401)]
        assert values == sorted(values)
        assert values[0] == 0 and values[-1] == 4


def test_field_draws_are_keyed_by_path_and_stable_across_processes() -> None:
    # A pinned value: blake2b + SeedSequence are platform- and process-independent, so a
    # change here means every saved tween would change.
    assert field_uniform("tempo", seed=0) != field_uniform("space", seed=0)
    assert field_uniform("tempo", seed=0) != field_uniform("tempo", seed=1)
    assert field_uniform("tempo", seed=0) == PINNED_TEMPO_U


PINNED_TEMPO_U = float.fromhex("0x1.681866fa50ee5p-1")  # measured once, numpy 2.4


# --------------------------------------------------------------------------------------
# Merging by what each source named (given=...)
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("named_weight", [0.02, 0.2, 0.5, 0.8])
def test_a_named_dark_beats_an_unnamed_medium_whatever_the_weights(named_weight: float) -> None:
    """"haunted" names dark, "victorian" leaves brightness at the default medium: the merge
    is dark and has the named lead, however little weight the named side has."""
    haunted = {"brightness": "dark", "tempo": "slow", "instruments": {"lead": "celesta"}}
    victorian = {"brightness": "medium", "tempo": "medium", "meter": "3/4",
                 "layers": {"rhythm": "waltz"}, "instruments": {"lead": "strings"}}
    given_sets = [{"brightness", "tempo", "instruments.lead"},
                  {"tempo", "meter", "layers.rhythm", "instruments.lead"}]
    for seed in range(40):
        out = merge([haunted, victorian], [named_weight, 1 - named_weight], seed=seed,
                    given=given_sets)
        assert out.brightness == "dark"
        assert (out.meter, out.layers.rhythm) == ("3/4", "waltz")  # only victorian named it
        assert out.instruments.lead in ("celesta", "strings")  # both named: weights decide
        assert out.tempo in ("slow", "medium")
    plain = {merge([haunted, victorian], [0.2, 0.8], seed=s).brightness for s in range(40)}
    assert "medium" in plain  # without given, the unnamed medium wins some draws


def test_fields_named_by_several_sources_are_shared_among_them_only() -> None:
    """A third source that named no lead cannot win the lead draw, even at weight 0.9; the
    two that named one split it in proportion to their weights."""
    sources = [{"instruments": {"lead": "oud"}}, {"instruments": {"lead": "sitar"}},
               {"instruments": {"lead": "triangle"}}]
    given_sets = [{"instruments.lead"}, {"instruments.lead"}, {"tempo"}]
    leads = Counter(merge(sources, [0.05, 0.05, 0.9], seed=s, given=given_sets)
                    .instruments.lead for s in range(300))
    assert set(leads) == {"oud", "sitar"}
    assert 0.35 < leads["oud"] / 300 < 0.65


@SETTINGS
@given(sources_and_weights(), seeds, st.sampled_from(["empty", "none"]))
def test_nobody_named_anything_gives_todays_merge_exactly(case: tuple[list, list], seed: int,
                                                          kind: str) -> None:
    """Given sets that are all empty (nobody named anything) or all None (everybody named
    everything) are the plain weighted merge, bit for bit."""
    configs, weights = case
    sets = [set() if kind == "empty" else None for _ in configs]
    assert merge(configs, weights, seed=seed, given=sets) == merge(configs, weights, seed=seed)


@SETTINGS
@given(sources_and_weights(min_size=2),
       st.lists(st.sets(st.sampled_from(["tempo", "brightness", "space", "mode", "meter",
                                          "density", "instruments.lead", "layers.rhythm",
                                          "composition.swing", "bpm"])),
                min_size=4, max_size=4),
       seeds, st.randoms(use_true_random=False))
def test_given_merge_is_order_free_and_stays_among_the_voters(
        case: tuple[list, list], sets: list[set[str]], seed: int, rnd: Any) -> None:
    configs, weights = case
    sets = sets[:len(configs)]
    out = merge(configs, weights, seed=seed, given=sets)
    triples = list(zip(configs, weights, sets))
    rnd.shuffle(triples)
    shuffled = merge([c for c, _, _ in triples], [w for _, w, _ in triples], seed=seed,
                     given=[g for _, _, g in triples])
    assert _fields(shuffled) == _fields(out)
    live = [(_fields(c), g) for c, w, g in zip(configs, weights, sets) if w > 0]
    merged = _fields(out)
    for path in ("tempo", "brightness", "space", "composition.swing"):
        voters = [f for f, g in live if path in g] or [f for f, _ in live]
        labels = ORDINAL_FIELDS[path]
        positions = [labels.index(f[path]) for f in voters]
        assert min(positions) <= labels.index(merged[path]) <= max(positions), path
    voters = [f for f, g in live if "instruments.lead" in g] or [f for f, _ in live]
    assert merged["instruments.lead"] in [f["instruments.lead"] for f in voters]


@pytest.mark.parametrize("given_sets, fragment", [
    ([{"tempo"}], "1 given-field sets for 2 sources"),
    ([{"tempo"}, {"loudness"}], "unknown field path"),
    ([{"tempo"}, "tempo"], "not a collection"),
    ("tempo", "not a list"),
])
def test_bad_given_sets_are_usage_errors_naming_the_value(given_sets: Any,
                                                          fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        merge([{}, {}], [1, 1], seed=0, given=given_sets)


# --------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------

@pytest.mark.parametrize("weights, fragment", [
    ([1.0], "1 weights for 2 sources"),
    ([1.0, -0.5], "negative"),
    ([0.0, 0.0], "sum to zero"),
    ([1.0, math.nan], "not finite"),
    ([1.0, math.inf], "not finite"),
    ([1.0, "x"], "not a number"),
    ([1.0, True], "not a number"),
    ("1,1", "not a list"),
])
def test_bad_weights_are_usage_errors_naming_the_value(weights: Any, fragment: str) -> None:
    with pytest.raises(UsageError, match=fragment):
        merge([{}, {}], weights, seed=0)


def test_bad_sources_and_seeds_are_reported() -> None:
    with pytest.raises(UsageError, match="no configs"):
        merge([], [], seed=0)
    with pytest.raises(UsageError, match="seed"):
        merge([{}, {}], [1, 1], seed=-1)
    with pytest.raises(DocumentError, match="source 2: invalid config at tempo"):
        merge([{}, {"tempo": "quick"}], [1, 1], seed=0)
    with pytest.raises(DocumentError, match="register"):
        merge([{}, {"composition": {"register_low": 6, "register_high": 2}}], [1, 1], seed=0)


# --------------------------------------------------------------------------------------
# morph_path and morph_score
# --------------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config_dicts(), config_dicts(), seeds, st.integers(2, 9))
def test_morph_path_glides_monotonically_and_switches_each_nominal_once(
        a: dict[str, Any], b: dict[str, Any], seed: int, n_steps: int) -> None:
    path = [_fields(c) for c in morph_path(a, b, n_steps=n_steps, seed=seed)]
    assert len(path) == n_steps
    assert path[0] == _fields(a) and path[-1] == _fields(b)
    for field, labels in ORDINAL_FIELDS.items():
        positions = [labels.index(step[field]) for step in path]
        assert positions in (sorted(positions), sorted(positions, reverse=True)), field
    for field in INTEGER_FIELDS:
        values = [step[field] for step in path]
        assert values in (sorted(values), sorted(values, reverse=True)), field
    for field in nominal_paths():
        changes = sum(x[field] != y[field] for x, y in zip(path, path[1:]))
        assert changes <= 1, field


def test_nominal_fields_switch_at_different_points() -> None:
    a, b = _opposites()
    path = [_fields(c) for c in morph_path(a, b, n_steps=41, seed=7)]
    switch_steps = {next(i for i, step in enumerate(path) if step[f] != path[0][f])
                    for f in nominal_paths()}
    assert len(switch_steps) >= 5  # layers crossfade at different times, not all at once


def test_morph_at_samples_the_same_path() -> None:
    a, b = _opposites()
    path = morph_path(a, b, n_steps=5, seed=11)
    assert [morph_at(a, b, t=k / 4, seed=11) for k in range(5)] == path
    for bad in (-0.1, 1.5, math.nan, "half"):
        with pytest.raises(UsageError, match="t="):
            morph_at(a, b, t=bad, seed=0)  # type: ignore[arg-type]


def test_morph_path_needs_two_steps() -> None:
    with pytest.raises(UsageError, match="n_steps"):
        morph_path({}, {}, n_steps=1, seed=0)


def test_morph_score_is_a_valid_score_through_every_source() -> None:
    a, b = _opposites()
    c = Config(version=2, title="third", mode="dorian", root="a")
    score = morph_score([a, b, c], n_sections=5, section_duration_s=12.0, seed=3,
                        names=["A", "B", "C"])
    model = Score.model_validate(score)
    assert [s.name for s in model.sections] == ["A", "50% A / 50% B", "B", "50% B / 50% C", "C"]
    assert all(s.duration == 12.0 for s in model.sections)
    assert all(s.transition.kind == "morph" for s in model.sections[1:])
    assert all(s.transition.length == 3.0 for s in model.sections[1:])  # a quarter section
    assert _fields(Config.model_validate({"version": 2, **score["sections"][2]["config"]})) \
        == _fields(b)
    assert score["provenance"]["seed"] == 3


def test_morph_score_rejects_bad_arguments() -> None:
    with pytest.raises(UsageError, match="at least 2 sources"):
        morph_score([{}], n_sections=3, seed=0)
    with pytest.raises(UsageError, match="steps"):
        morph_score([{}, {}], n_sections=1, seed=0)
    with pytest.raises(UsageError, match="section duration"):
        morph_score([{}, {}], n_sections=3, section_duration_s=0.1, seed=0)


def test_a_given_mask_round_trips_and_names_bad_input() -> None:
    """The compact form a training row carries its named fields in reads back to the same
    paths; an unknown path, a non-hex mask or a bit past the fields is an error naming it."""
    from moodc.tween import given_from_mask, given_mask, musical_paths

    paths = {"tempo", "brightness", "layers.texture", "composition.swing"}
    assert given_from_mask(given_mask(paths)) == frozenset(paths)
    assert given_from_mask(given_mask(musical_paths())) == frozenset(musical_paths())
    assert given_from_mask(given_mask([])) == frozenset()
    with pytest.raises(UsageError, match="loudness"):
        given_mask({"tempo", "loudness"})
    with pytest.raises(UsageError, match="not a hex"):
        given_from_mask("zz")
    with pytest.raises(UsageError, match="beyond"):
        given_from_mask(format(1 << len(musical_paths()), "x"))
