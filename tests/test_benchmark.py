"""``moodc bench`` plumbing (the figures themselves are measured by running it, not here)."""

from __future__ import annotations


from moodc import benchmark
from moodc.commands import bench

from tests.helpers import ROOT


def test_bench_times_only_example_configs_not_scores() -> None:
    found = benchmark.example_configs(ROOT / "examples")
    names = {p.stem for p in found}
    assert "calm-ambient" in names
    assert "podcast-intro" not in names and "workday" not in names


def test_bench_table_shows_every_target(capsys) -> None:
    results = {"short_s": 60.0, "long_s": 600.0, "slowest_example": "dark",
               "marginal": {"calm": {"wall_x": 412.0, "cpu_x": 400.0},
                            "dark": {"wall_x": 120.0, "cpu_x": 118.0}},
               "marginal_factor_min": 120.0, "marginal_cpu_factor_min": 118.0,
               "mastering_factor": 900.0, "render_60s_s": 1.2, "render_60s_duration_s": 60.0,
               "startup_s": 0.42, "help_s": 0.08, "rss_long_mib": 120.0,
               "rss_long_duration_s": 1200.0, "rss_pipeline_mib": 80.0,
               "parallel_speedup": 1.7, "parallel_duration_s": 600.0,
               "parallel_wall_s": {"1": 8.5, "2": 5.0}, "parallel_cpu_s": {"1": 8.4, "2": 9.0},
               "batch_speedup": 1.45, "batch_documents": 9, "batch_duration_s": 60.0,
               "batch_wall_s": {"1": 2.9, "2": 2.0}, "load_avg_after": 2.0}
    bench._print_table(results, load_avg=1.5, cores=2, bytecode_cache=False)
    out = capsys.readouterr().out
    for text in ("120.00 x", ">= 300 x", "412 x", "1.20 s", "<= 0.5 s", "0.42 s", "<= 0.3 s",
                 "20-minute", "120.00 MiB", "<= 150 MiB", "1.70 x", ">= 1.6 x",
                 "10-minute", "load average 1.5", "calm", "2 cores", "bytecode",
                 "a batch", "1.45 x", "2.90 | 2.00"):
        assert text in out, text
    batch_row = next(line for line in out.splitlines() if "1.45 x" in line)
    assert "no" in batch_row  # 1.45 is under the 1.6 target


def test_bench_without_a_second_core_reports_no_speed_up(capsys) -> None:
    results = {"short_s": 12.0, "long_s": 120.0, "slowest_example": "dark",
               "marginal": {"dark": {"wall_x": 120.0, "cpu_x": 118.0}},
               "marginal_factor_min": 120.0, "mastering_factor": 900.0, "render_60s_s": 1.2,
               "render_60s_duration_s": 60.0, "startup_s": 0.42, "help_s": 0.08,
               "rss_long_mib": 120.0, "rss_long_duration_s": 120.0, "rss_pipeline_mib": 80.0,
               "parallel_speedup": None, "parallel_duration_s": 120.0,
               "batch_speedup": None, "batch_documents": 9, "batch_duration_s": 12.0}
    bench._print_table(results, load_avg=None)
    out = capsys.readouterr().out
    assert out.count("n/a") == 2  # neither the one render's nor the batch's speed-up


def test_measure_calls_the_render_figures_with_every_argument_they_take(monkeypatch) -> None:
    """``measure`` wires ``measure_render``: a missing or misspelt argument is a crash that
    only a whole bench run would otherwise find."""
    import inspect

    real = inspect.signature(benchmark.measure_render)
    seen = {}

    def checked(configs, **kwargs):
        real.bind(configs, **kwargs)  # raises TypeError on a missing or unknown argument
        seen.update(kwargs)
        return {}

    monkeypatch.setattr(benchmark, "measure_render", checked)
    for quick in (False, True):
        results = benchmark.measure(examples_dir=ROOT / "examples", quick=quick, runs=1,
                                    only="render")
        assert "render" in results
    assert seen["batch_s"] == 12.0 and seen["runs"] == 1
