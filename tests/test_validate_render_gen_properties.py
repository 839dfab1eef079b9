"""validate ⇔ render ⇔ gen, as properties (issue 17).

* Any document ``validate`` accepts renders (a short render: the whole timeline is resolved
  and checked, then cut to half a second).
* Any score ``gen --from-log`` builds, from logs of one minute to thirty days at any
  compression, validates; when the music could not fit in a score, the refusal is a
  UsageError that states the 500-section limit, never an internal error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moodc import vocab
from moodc.activity.logfile import LoadedLog
from moodc.activity.to_score import score_from_log
from moodc.config.io import dump_yaml
from moodc.config.load import load_document
from moodc.config.validate import validate_document
from moodc.errors import UsageError
from moodc.render import render_pcm
from tests.helpers.activity_day import generated_buckets

# --------------------------------------------------------------------------------------
# Documents: the numeric and timeline fields, where validate and render used to disagree
# --------------------------------------------------------------------------------------

SPECIAL = [math.nan, math.inf, -math.inf, 0.0, -1.0, 1e12]


def number(low: float, high: float) -> st.SearchStrategy[float]:
    """Mostly in range, sometimes at the edges, sometimes hostile."""
    return st.one_of(st.floats(min_value=low, max_value=high), st.sampled_from([low, high]),
                     st.sampled_from(SPECIAL), st.integers(min_value=int(low), max_value=int(high)))


def rng(name: str) -> tuple[float, float]:
    return vocab.NUMERIC_RANGES[name]


config_fields = st.fixed_dictionaries({}, optional={
    "bpm": number(*rng("bpm")),
    "density": st.integers(min_value=0, max_value=7),
    "meter": st.sampled_from(vocab.METERS),
    "seed": st.integers(min_value=-1, max_value=2**63),
})
config_doc = config_fields.map(lambda fields: {"version": 2, **fields}).flatmap(
    lambda doc: st.fixed_dictionaries({}, optional={"duration": number(*rng("duration"))}
                                      ).map(lambda extra: {**doc, **extra}))

transition = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(vocab.TRANSITIONS),
    "length": number(0.0, 8.0),
})
section = st.fixed_dictionaries(
    {"duration": st.one_of(number(0.5, 12.0), st.sampled_from([3600.0, 3600.5])),
     "config": config_fields},
    optional={"transition": transition})
score_doc = st.fixed_dictionaries(
    {"version": st.just(2), "sections": st.lists(section, min_size=1, max_size=5)},
    optional={"fade_in": number(*rng("fade")), "fade_out": number(*rng("fade")),
              "seed": st.integers(min_value=0, max_value=2**63 - 1)})
documents = st.one_of(config_doc, score_doc)


def _write(tmp: Path, data: dict, *, as_json: bool) -> Path:
    path = tmp / ("doc.json" if as_json else "doc.yaml")
    if as_json:  # NaN and Infinity as JSON's non-standard literals (json.dumps writes them)
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def check_accepted_renders(data: dict, tmp: Path, *, as_json: bool) -> None:
    path = _write(tmp, data, as_json=as_json)
    _, diagnostics = validate_document(path)
    if diagnostics:
        return  # refused: a finding, which is fine (render must refuse it too)
    doc = load_document(path)
    pcm, timeline, _ = render_pcm(doc, base_dir=tmp, duration_s=0.5,
                                  sample_rate=vocab.DEFAULT_SAMPLE_RATE_HZ, bit_depth=16)
    assert pcm.shape[0] > 0


_FAST = settings(max_examples=25, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
_SLOW = settings(max_examples=100, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])


@_FAST
@given(data=documents, as_json=st.booleans())
def test_what_validate_accepts_renders(data: dict, as_json: bool, tmp_path: Path) -> None:
    check_accepted_renders(data, tmp_path, as_json=as_json)


@pytest.mark.slow
@_SLOW
@given(data=documents, as_json=st.booleans())
def test_what_validate_accepts_renders_many(data: dict, as_json: bool, tmp_path: Path) -> None:
    check_accepted_renders(data, tmp_path, as_json=as_json)


def test_nan_in_every_numeric_field_is_refused(tmp_path: Path) -> None:
    for where in ("duration", "bpm"):
        _, found = validate_document(_write(tmp_path, {"version": 2, where: math.nan},
                                            as_json=False))
        assert [d.code for d in found] == ["not-finite"], found
    base = {"version": 2, "sections": [{"duration": 4, "config": {}},
                                       {"duration": 4, "config": {},
                                        "transition": {"length": 1}}]}
    for key in ("fade_in", "fade_out"):
        _, found = validate_document(_write(tmp_path, {**base, key: math.nan}, as_json=False))
        assert "not-finite" in [d.code for d in found]
    for mutate in (lambda d: d["sections"][0].update(duration=math.nan),
                   lambda d: d["sections"][1]["transition"].update(length=math.nan)):
        doc = json.loads(json.dumps(base))
        mutate(doc)
        _, found = validate_document(_write(tmp_path, doc, as_json=False))
        assert "not-finite" in [d.code for d in found], found
        # JSON's non-standard NaN literal is refused too (as a value that is not a number)
        _, found = validate_document(_write(tmp_path, doc, as_json=True))
        assert found and {d.code for d in found} <= {"not-finite", "type"}, found


# --------------------------------------------------------------------------------------
# gen --from-log: any log, any compression → a score that validates (or a clear limit)
# --------------------------------------------------------------------------------------

COMPRESSIONS = ["1h=1s", "1h=30s", "1h=60s", "1h=5m", "1h=30m", "1h=1h", "30m=15s", "1m=1h",
                "4h=1s", None]
def logs(max_minutes: int) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({
        "n_minutes": st.one_of(st.integers(min_value=1, max_value=min(600, max_minutes)),
                               st.integers(min_value=1, max_value=max_minutes),
                               st.just(max_minutes)),
        **_LOG_KNOBS})


_LOG_KNOBS = {
    "run_minutes": st.lists(st.integers(min_value=1, max_value=24 * 60), min_size=1, max_size=6),
    "compress": st.sampled_from(COMPRESSIONS),
    "minutes_per_section": st.sampled_from([1.0, 5.0, 30.0, 240.0, 1440.0]),
}


def check_log_score_validates(params: dict, tmp: Path) -> None:
    n_minutes = params["n_minutes"]
    bucket_minutes = max(1, math.ceil(n_minutes / 3000))  # at most ~3000 buckets
    buckets = generated_buckets(n_minutes=n_minutes, run_minutes=params["run_minutes"],
                                bucket_minutes=bucket_minutes)
    loaded = LoadedLog(buckets=buckets, log_format="moodc-jsonl")
    try:
        score = score_from_log(loaded, log_name="day.jsonl", compress=params["compress"],
                               minutes_per_section=params["minutes_per_section"])
    except UsageError as exc:
        assert str(vocab.MAX_SECTIONS) in exc.message, exc.message
        return
    path = tmp / "score.yaml"
    path.write_text(dump_yaml(score), encoding="utf-8")
    _, diagnostics = validate_document(path)
    assert not diagnostics, [d.message for d in diagnostics[:3]]
    load_document(path)  # the model accepts it too


@pytest.mark.slow
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=logs(2 * 24 * 60))
def test_from_log_scores_validate(params: dict, tmp_path: Path) -> None:
    check_log_score_validates(params, tmp_path)


@pytest.mark.slow
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(params=logs(30 * 24 * 60))
def test_from_log_scores_validate_many(params: dict, tmp_path: Path) -> None:
    check_log_score_validates(params, tmp_path)


@pytest.mark.parametrize("n_minutes,compress", [
    (240, "1h=30m"), (600, "1h=1h"),
    pytest.param(30 * 24 * 60, None, marks=pytest.mark.slow)])
def test_issue_logs_give_valid_scores(n_minutes: int, compress: str | None,
                                      tmp_path: Path) -> None:
    check_log_score_validates({"n_minutes": n_minutes, "run_minutes": [60, 30, 200],
                               "compress": compress, "minutes_per_section": 30.0}, tmp_path)
