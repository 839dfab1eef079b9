"""The live view: a rich panel on stderr with the phase, its evidence, what plays, the meters.

Built from the session's state twice a second (reads only; the producer thread writes);
costs well under 1 % of a core.
"""

from __future__ import annotations

import math
import time
from typing import Any, Final

#: Seconds between two redraws.
REFRESH_S: Final[float] = 0.5
_BAR_CELLS: Final[int] = 20


def _meter(value: float | None, full: float) -> str:
    if value is None:
        return "n/a"
    cells = int(round(min(1.0, max(0.0, value / full)) * _BAR_CELLS))
    return "█" * cells + "·" * (_BAR_CELLS - cells) + f" {value:,.0f}"


def _activity_rows(mood: Any) -> list[tuple[str, str]]:
    state = getattr(mood, "state", None)
    if state is None:
        return []
    rows = []
    f = state.features
    if f is not None:
        rows += [("active", _meter(None if f.active_fraction is None else
                                   100 * f.active_fraction, 100) + " %"),
                 ("keys/min", _meter(f.keys_per_min, 200)),
                 ("clicks/min", _meter(f.clicks_per_min, 60)),
                 ("scrolls/min", _meter(f.scrolls_per_min, 60)),
                 ("app switches/h", _meter(f.app_switches_per_h, 120))]
    if state.candidate is not None:
        wait = state.change_possible_in_s()
        rows.append(("next phase?", f"{state.candidate.replace('_', ' ')} "
                                    f"(may take over in {wait:,.0f} s of activity)"))
    return rows


def render_view(session: Any) -> Any:
    """The rich renderable of ``session`` now."""
    from rich.panel import Panel
    from rich.table import Table

    engine = session.engine
    conductor = engine.conductor
    sr = session.sample_rate
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", justify="right")
    table.add_column()
    target = conductor.target
    main = conductor.main
    if target is not None:
        table.add_row("mood", f"[bold]{target.label}[/]")
        if target.evidence:
            table.add_row("why", target.evidence)
    if main is not None:
        f = main.fields
        instruments = ", ".join(f"{k} {v}" for k, v in (f.get("instruments") or {}).items())
        table.add_row("playing", f"{str(f.get('root', '')).upper()} {f.get('mode', '')}, "
                                 f"{main.ctl.bpm:.0f} bpm, {f.get('meter', '')}")
        table.add_row("instruments", instruments)
    for label, value in _activity_rows(conductor.mood):
        table.add_row(label, value)
    played_s = session.played_n / sr
    next_s = max(0.0, conductor.next_change_n() / sr - played_s)
    table.add_row("next change", f"earliest in {next_s:,.0f} s (phrase or bar line)")
    master = engine.master
    table.add_row("loudness", f"{master.normaliser.window_lufs:5.1f} LUFS in → "
                              f"gain {master.normaliser.gain_db:+.1f} dB, limiter "
                              f"{20 * math.log10(max(master.limiter.last_gain, 1e-9)):+.1f} dB")
    wall = max(time.perf_counter() - session.view_clock0, 1e-9)
    cpu = 100.0 * (time.process_time() - session.view_cpu0) / wall
    buffered = session.producer.buffered_s if session.producer is not None else 0.0
    table.add_row("engine", f"cpu {cpu:.1f} %, buffer {buffered:.1f} s, "
                            f"underruns {session.stats.underruns}, played {played_s:,.0f} s")
    return Panel(table, title="moodc live", subtitle="Ctrl-C to stop", expand=False)


class LiveView:
    """A rich Live display on stderr, refreshed at most every :data:`REFRESH_S`."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.live import Live

        self._live = Live(console=Console(stderr=True), auto_refresh=False, transient=False)
        self._last = 0.0

    def __enter__(self) -> "LiveView":
        self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._live.stop()

    def tick(self, session: Any) -> None:
        now = time.perf_counter()
        if now - self._last < REFRESH_S:
            return
        if not hasattr(session, "view_clock0"):
            session.view_clock0, session.view_cpu0 = now, time.process_time()
        self._last = now
        self._live.update(render_view(session), refresh=True)
