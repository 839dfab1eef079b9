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
    results = {"duration_s": 60.0, "per_example_factor": {"calm": 412.0, "dark": 120.0},
               "realtime_factor": 266.0, "mastering_factor": 900.0, "mastering_share": 29.5,
               "render_60s_s": 1.2, "render_60s_duration_s": 60.0, "help_s": 0.08,
               "rss_long_mib": 120.0, "rss_long_duration_s": 1200.0,
               "rss_pipeline_mib": 80.0}
    bench._print_table(results, load_avg=1.5)
    out = capsys.readouterr().out
    for text in ("266.00 x", ">= 300 x", "1.20 s", "<= 1.5 s", "20-minute", "120.00 MiB",
                 "load average 1.5", "calm"):
        assert text in out
