"""Live voices: one config's synth stream placed on an open-ended timeline, and their mix.

A :class:`LiveVoice` drives one :class:`~moodc.synth.engine.BlockRenderer` directly. Its
stream's sample 0 sits at timeline sample ``origin_n`` (so its bar lines are at
``origin_n + k * bar_n``); it sounds from ``start_n`` (samples between the origin and the
start are rendered and dropped: the pre-roll that gets reverb and echo running) until
``stop_n`` — None while it is the playing voice and nobody has scheduled its end. Entries and
exits are equal-power ramps (``sin``/``cos``), so any two voices crossfaded over the same
span keep the summed power of two unrelated signals constant.

The :class:`VoiceMixer` sums the voices that overlap each block, in the order they were
added (float32 sums in a fixed order: the same samples in every run), and forgets a voice
(its renderer, notes and cache) once its end has passed, so memory stays flat however long
playback runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from moodc.dsp.fades import equal_power_in, equal_power_out
from moodc.live.heap import release_free_memory
from moodc.synth.notecache import ToneBudget

#: The renderer is driven in pieces of at most this many seconds (its own inner block).
CATCH_UP_S: Final[float] = 2.0
#: Tone samples the voices of a live session may cache together (float32: 20 MB; offline
#: renders keep 32 MB each). A session playing for hours holds the largest cache any of its
#: moods and morphs fills, so this bounds how far a heavy mood (slow, long chords of many
#: voicings) or a morph's six overlapping voices lift memory above a light one, at the price
#: of re-synthesizing a few tones of such moods (identical samples; +0.2 % of a core).
LIVE_CACHE_SAMPLES: Final[int] = 5_000_000


@dataclass(frozen=True)
class Ramp:
    """An equal-power fade on the timeline: ``n_samples`` from ``start_n``."""

    start_n: int
    n_samples: int

    @property
    def stop_n(self) -> int:
        return self.start_n + self.n_samples


class LiveVoice:
    """One config's stream on the timeline (see the module docstring).

    Parameters
    ----------
    fields : dict
        ``Config.model_dump(mode="json")`` of the mood.
    seed : int
        The stream's seed (a new seed is a new phrase: new chords, melody and fills).
    origin_n, start_n : int
        Timeline samples of the stream's sample 0 and of its first audible sample.
    planned_s : float
        Seconds of events to plan from the origin; the stream goes quiet after them.
    fade_in : Ramp or None
        Equal-power entry (None: enters at full level).
    """

    def __init__(self, fields: dict[str, Any], *, seed: int, origin_n: int, start_n: int,
                 planned_s: float, sample_rate: int, label: str,
                 fade_in: Ramp | None = None) -> None:
        from moodc.synth.controls import fields_to_controls
        from moodc.synth.engine import BlockRenderer

        self.fields = fields
        self.label = label
        self.seed = seed
        self.ctl = fields_to_controls(fields)
        self.sample_rate = sample_rate
        self.bar_n = max(1, int(round(self.ctl.bar_s * sample_rate)))
        self.origin_n = origin_n
        self.start_n = start_n
        self.stop_n: int | None = None
        self.fade_in = fade_in
        self.fade_out: Ramp | None = None
        self.renderer = BlockRenderer(self.ctl, duration_s=planned_s, sample_rate=sample_rate,
                                      seed=seed, cache_samples=LIVE_CACHE_SAMPLES,
                                      cache_own_pages=True)
        self._position = 0  # next stream sample the renderer will produce

    def inherit_tones(self, other: "LiveVoice") -> None:
        """Start with the tones ``other`` holds that this voice will play (a new phrase of
        the same mood shares most of them): no second synthesis, the same samples."""
        self.renderer.cache.inherit(other.renderer.cache)

    def bar_at_or_after(self, n: int) -> int:
        """The first bar line of this voice at or after timeline sample ``n``."""
        k = -(-(n - self.origin_n) // self.bar_n)
        return self.origin_n + max(k, 0) * self.bar_n

    def end_with(self, ramp: Ramp) -> None:
        """Fade out over ``ramp`` and stop at its end (tones for later notes are let go)."""
        self.fade_out = ramp
        self.stop_n = ramp.stop_n
        self.renderer.cache.end_at(ramp.stop_n - self.origin_n)

    def finished(self, n: int) -> bool:
        """True once the voice's end is at or before timeline sample ``n``."""
        return self.stop_n is not None and self.stop_n <= n

    def _advance_to(self, stream_n: int) -> None:
        """Render and drop stream samples up to ``stream_n`` (pre-roll)."""
        step = int(CATCH_UP_S * self.sample_rate)
        while self._position < stream_n:
            n = min(step, stream_n - self._position)
            self.renderer.block(self._position, n)
            self._position += n

    def add_into(self, out: np.ndarray, *, start_n: int) -> None:
        """Add this voice's part of timeline ``[start_n, start_n + len(out))`` into ``out``."""
        a = max(start_n, self.start_n)
        b = start_n + out.shape[0] if self.stop_n is None else min(start_n + out.shape[0],
                                                                    self.stop_n)
        if b <= a:
            return
        self._advance_to(a - self.origin_n)
        mix, _ = self.renderer.block(a - self.origin_n, b - a)
        self._position = b - self.origin_n
        gain = self._gain(a, b)
        if gain is not None:
            mix = mix * gain[:, None].astype(np.float32)
        out[a - start_n:b - start_n] += mix

    def _gain(self, a: int, b: int) -> np.ndarray | None:
        """Equal-power entry/exit gains over timeline ``[a, b)`` (None when both are 1)."""
        gain: np.ndarray | None = None
        for ramp, shape in ((self.fade_in, equal_power_in), (self.fade_out, equal_power_out)):
            if ramp is None or b <= ramp.start_n and shape is equal_power_out \
                    or a >= ramp.stop_n and shape is equal_power_in:
                continue
            position = (np.arange(a, b) - ramp.start_n + 0.5) / max(ramp.n_samples, 1)
            part = shape(position)
            gain = part if gain is None else gain * part
        return gain


class VoiceMixer:
    """The sum of the live voices, block by block, forgetting finished ones.

    The voices' tone caches share one :class:`~moodc.synth.notecache.ToneBudget` of
    ``cache_samples``, and when voices are forgotten the freed heap is handed back to the
    system (:func:`moodc.live.heap.release_free_memory`), so neither a morph's six voices nor
    the holes they leave in the heap lift the session's memory for the rest of the day.
    """

    def __init__(self, *, cache_samples: int | None = None) -> None:
        self.voices: list[LiveVoice] = []
        self.budget = ToneBudget(max_samples=LIVE_CACHE_SAMPLES if cache_samples is None
                                 else cache_samples)

    def add(self, voice: LiveVoice) -> LiveVoice:
        self.budget.join(voice.renderer.cache, offset_n=voice.origin_n)
        self.voices.append(voice)
        return voice

    def mix(self, start_n: int, n_samples: int) -> np.ndarray:
        """Timeline samples ``[start_n, start_n + n_samples)`` as float32 (n, 2)."""
        out = np.zeros((n_samples, 2), dtype=np.float32)
        for voice in self.voices:
            voice.add_into(out, start_n=start_n)
        playing = [v for v in self.voices if not v.finished(start_n + n_samples)]
        if len(playing) < len(self.voices):
            self.voices = playing
            release_free_memory()
        return out
