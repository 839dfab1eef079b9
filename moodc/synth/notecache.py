"""Raw tones that can be read at any length, and the bounded cache that shares them.

A :class:`RawTone` synthesizes a bounded prefix of an instrument's tone and loops (sustained
voices) or fades (percussive ones) beyond it, so a note of any length costs at most
``MAX_RAW_S`` of synthesis. :class:`NoteCache` keeps raw tones, finished short notes and drum
sounds by everything that shapes them; a hit returns the identical samples a miss would
compute, so caching never changes audio.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable

import numpy as np

#: Raw tones are synthesized for at most this long. Longer sustained notes loop the tone's
#: second half with a crossfade (like a sampler); longer percussive notes have decayed.
MAX_RAW_S = 6.0
LOOP_START_S = 3.0
LOOP_XFADE_S = 0.25


class RawTone:
    """A raw tone of bounded length that can be read at any sample index, however long.

    ``value(i)`` is the synthesized tone for ``i < B - X`` (B = loop end, X = crossfade). From
    there a sustained tone continues with the loop ``tone[A:B]`` whose last X samples are
    crossfaded into ``tone[A-X:A]``, so both the entry into the loop and every wrap are
    continuous. A percussive tone fades to zero over its last second instead. Every value
    depends only on ``i``, never on which samples were asked for first.
    """

    def __init__(self, make: Callable[[int], np.ndarray], *, sample_rate: int,
                 percussive: bool, period_n: float) -> None:
        self.make = make
        self.percussive = percussive
        self.cap = int(MAX_RAW_S * sample_rate)
        # the loop spans a whole number of fundamental periods, so a steady tone's loop
        # seam joins waveforms in phase (and the crossfade is then inaudible)
        nominal = self.cap - int(LOOP_START_S * sample_rate) - period_n
        self.loop_n = int(round(max(round(nominal / period_n), 1) * period_n))
        self.loop_start = int(LOOP_START_S * sample_rate)
        self.xfade = int(LOOP_XFADE_S * sample_rate)
        self.fade_n = int(1.0 * sample_rate)
        self.tone = np.zeros(0, dtype=np.float32)
        self.loop: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.tone) + (0 if self.loop is None else len(self.loop))

    def _ensure(self, n: int) -> None:
        """Synthesize at least ``min(n, cap)`` samples (doubling, prefix-consistent)."""
        n = min(n, self.cap)
        if len(self.tone) >= n:
            return
        size = min(max(n, 2 * len(self.tone), 8192), self.cap)
        tone = self.make(size).astype(np.float32)
        if self.percussive and size > self.cap - self.fade_n:
            fade = np.clip((self.cap - np.arange(size)) / self.fade_n, 0.0, 1.0)
            tone *= fade.astype(np.float32)
        self.tone = tone

    def _loop(self) -> np.ndarray:
        if self.loop is None:
            self._ensure(self.cap)
            a, x = self.loop_start, self.xfade
            b = a + self.loop_n
            loop = self.tone[a:b].copy()
            out_seg, in_seg = self.tone[b - x: b], self.tone[a - x: a]
            # crossfade law from the segments' correlation rho: constant power when they are
            # unrelated (ensembles, vibrato), constant amplitude when they match (steady tones)
            rho = float(np.dot(out_seg, in_seg)
                        / (np.linalg.norm(out_seg) * np.linalg.norm(in_seg) + 1e-12))
            ramp = np.linspace(0.0, 1.0, x)
            g_out, g_in = np.sqrt(1.0 - ramp), np.sqrt(ramp)
            norm = np.sqrt(1.0 + 2.0 * rho * g_out * g_in)
            loop[-x:] = ((g_out / norm) * out_seg + (g_in / norm) * in_seg).astype(np.float32)
            self.loop = loop
        return self.loop

    def slice(self, start: int, stop: int, *, total: int = 0) -> np.ndarray:
        """Samples ``[start, stop)`` of the tone (float32).

        ``total`` (the whole note's length) lets the first call synthesize everything the
        note will need at once instead of growing the tone block by block.
        """
        edge = self.cap if self.percussive else self.loop_start + self.loop_n - self.xfade
        if total:
            self._ensure(min(total, edge))
        if stop <= edge:
            self._ensure(stop)
            return self.tone[start:stop]
        out = np.zeros(stop - start, dtype=np.float32)
        head = max(min(edge, stop) - start, 0)
        if head:
            self._ensure(start + head)
            out[:head] = self.tone[start: start + head]
        if self.percussive:
            return out  # faded to zero at the cap, silent after
        loop = self._loop()
        pos, i = (start + head - self.loop_start) % len(loop), head
        while i < len(out):  # copy whole runs of the loop, wrapping as often as needed
            take = min(len(loop) - pos, len(out) - i)
            out[i: i + take] = loop[pos: pos + take]
            i, pos = i + take, 0
        return out


class NoteCache:
    """Bounded LRU cache of raw tones and drum sounds, keyed by everything that shapes them.

    A hit returns the identical samples a miss would compute, so caching never changes audio.
    """

    def __init__(self, *, max_samples: int = 5_000_000) -> None:
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._max = max_samples
        #: raw-tone key -> the longest note (samples) the piece will ask of it, so a tone is
        #: synthesized once at its final length instead of regrown (and recomputed) per note
        self.length_hints: dict[tuple, int] = {}

    def hint(self, key: tuple, n_samples: int) -> None:
        """Record that the item ``key`` will be read up to ``n_samples``."""
        if n_samples > self.length_hints.get(key, 0):
            self.length_hints[key] = n_samples

    def _size(self, value: object) -> int:
        return value.size if isinstance(value, (np.ndarray, RawTone)) else 0

    def _evict(self) -> None:
        total = sum(self._size(v) for v in self._items.values())
        while total > self._max and len(self._items) > 1:
            _, old = self._items.popitem(last=False)
            total -= self._size(old)

    def get(self, key: tuple, make: Callable[[], object]) -> object:
        """The item for ``key``, computing it with ``make`` on a miss."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        self._evict()
        return value
