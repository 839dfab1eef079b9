"""Raw tones that can be read at any length, and the bounded cache that shares them.

A :class:`RawTone` synthesizes a bounded prefix of an instrument's tone and loops (sustained
voices) or fades (percussive ones) beyond it, so a note of any length costs at most
``MAX_RAW_S`` of synthesis. :class:`NoteCache` keeps raw tones, finished short notes and drum
sounds by everything that shapes them; a hit returns the identical samples a miss would
compute, so caching never changes audio.
"""

from __future__ import annotations

import heapq
import itertools
import math
import mmap
import threading
import weakref
from collections import OrderedDict
from typing import Callable, Iterable

import numpy as np

from moodc.synth.oscillators import BLOCK_N

#: Raw tones are synthesized for at most this long. Longer sustained notes loop the tone's
#: second half with a crossfade (like a sampler); longer percussive notes have decayed.
MAX_RAW_S = 6.0
#: Samples (float32) a render's cache may hold: 32 MB, about 30 sustained tones.
DEFAULT_CACHE_SAMPLES = 8_000_000
LOOP_START_S = 3.0
LOOP_XFADE_S = 0.25
#: Cached arrays of at least this many bytes get pages of their own (see :func:`own_pages`).
OWN_PAGES_MIN_BYTES = 64 * 1024


def _anonymous_pages(n_bytes: int) -> mmap.mmap:
    """A private anonymous mapping of ``n_bytes``, its pages made present at once where the
    system can (Linux ``MAP_POPULATE``: one call instead of a fault per page, which halves the
    cost of moving a 1 MiB tone, 1.2 -> 0.7 ms)."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate:
        return mmap.mmap(-1, n_bytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    return mmap.mmap(-1, n_bytes)


def own_pages(array: np.ndarray) -> np.ndarray:
    """``array``'s samples in an anonymous memory mapping of their own (a copy).

    Why: cached tones, notes and drum sounds live for seconds to minutes, while the arrays
    of each synthesis block live for milliseconds. Allocated from the same heap, every
    long-lived array pins the space around it, so block temporaries cannot reuse the holes
    freed blocks leave and the heap keeps growing with the hours: a live session's resident
    memory rose 12–15 % between its first minute and its first hour with only 2 MiB more in
    use. A mapping of its own is returned to the system the moment the array is freed and
    never fragments the heap. Below ``OWN_PAGES_MIN_BYTES`` (a few pages) the heap is the
    better home, and the array is returned as it is. The values are copied exactly.

    Only caches that live for hours ask for this (``NoteCache(own_pages=True)``, a live
    session's voices): an offline render ends within minutes, and the copy and the fresh
    pages' faults would cost it a few per cent of its time for nothing.
    """
    if array.nbytes < OWN_PAGES_MIN_BYTES:
        return array
    pages = _anonymous_pages(array.nbytes)
    owned = np.frombuffer(pages, dtype=array.dtype).reshape(array.shape)
    owned[...] = array
    return owned


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised correlation of two float32 segments, the same on every machine.

    ``np.dot`` and ``np.linalg.norm`` of float32 vectors go through BLAS, whose summation
    order (and so the last bits) depends on the CPU's kernel and thread count; a loop's
    crossfade law built on them could differ by an LSB from one computer to the next. Here
    the products are exact (float32 × float32 fits a float64) and numpy's own pairwise sum
    has one fixed order.
    """
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    dot = float(np.add.reduce(a64 * b64))
    energy = float(np.add.reduce(a64 * a64)) * float(np.add.reduce(b64 * b64))
    return dot / (math.sqrt(energy) + 1e-12)


def join_runs(runs: list[tuple[int, np.ndarray]], *, n: int) -> np.ndarray:
    """Consecutive ``(offset, samples)`` runs covering ``n`` samples as one float32 array:
    the run itself when there is one (no copy), else the runs copied side by side."""
    if len(runs) == 1:
        return runs[0][1]
    out = np.empty(n, dtype=np.float32)
    for offset, run in runs:
        out[offset: offset + len(run)] = run
    return out


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
        #: keep the samples in pages of their own (set by a cache that lives for hours)
        self.own_pages = False
        self._lock = threading.RLock()  # layers rendered on several threads may share a tone

    @property
    def size(self) -> int:
        """Samples held (the loop is a view into the tone)."""
        return len(self.tone)

    def _ensure(self, n: int) -> None:
        """Synthesize at least ``min(n, cap)`` samples (doubling, prefix-consistent)."""
        n = min(n, self.cap)
        if len(self.tone) >= n:
            return
        with self._lock:
            if len(self.tone) >= n:  # another thread grew it meanwhile
                return
            size = min(max(n, 2 * len(self.tone), 8192), self.cap)
            # no copy when the tone is float32 already (they all are): a copy would be a
            # whole tone of transient memory
            tone = self.make(size).astype(np.float32, copy=False)
            if self.own_pages:
                tone = own_pages(tone)
            if self.percussive:
                self._fade_out(tone)
            self.tone = tone

    def _fade_out(self, tone: np.ndarray) -> None:
        """In place: fade a percussive tone to zero over its last second before the cap.

        The fade is 1 before that second, so only the second is multiplied, a block at a
        time (see :data:`~moodc.synth.oscillators.BLOCK_N`): no whole-tone temporaries.
        """
        for start in range(max(self.cap - self.fade_n, 0), len(tone), BLOCK_N):
            index = np.arange(start, min(start + BLOCK_N, len(tone)))
            fade = np.clip((self.cap - index) / self.fade_n, 0.0, 1.0)
            tone[start: start + len(index)] *= fade.astype(np.float32)

    def _loop(self) -> np.ndarray:
        if self.loop is not None:
            return self.loop
        with self._lock:
            if self.loop is not None:
                return self.loop
            self._ensure(self.cap)
            a, x = self.loop_start, self.xfade
            b = a + self.loop_n
            # the loop is tone[a:b] with its last x samples crossfaded into tone[a-x:a]; the
            # tone itself is never read at or beyond b - x (the loop takes over there), so
            # the crossfade is written in place and the loop is a view: no second copy
            tone = self.tone
            loop = tone[a:b]
            out_seg, in_seg = tone[b - x: b], tone[a - x: a]
            # crossfade law from the segments' correlation rho: constant power when they are
            # unrelated (ensembles, vibrato), constant amplitude when they match (steady tones)
            rho = correlation(out_seg, in_seg)
            ramp = np.linspace(0.0, 1.0, x)
            g_out, g_in = np.sqrt(1.0 - ramp), np.sqrt(ramp)
            norm = np.sqrt(1.0 + 2.0 * rho * g_out * g_in)
            loop[-x:] = ((g_out / norm) * out_seg + (g_in / norm) * in_seg).astype(np.float32)
            self.loop = loop
        return self.loop

    def slice(self, start: int, stop: int, *, total: int = 0) -> np.ndarray:
        """Samples ``[start, stop)`` of the tone (float32): :meth:`runs` joined (a view of
        the tone when it is one run).

        ``total`` (the whole note's length) lets the first call synthesize everything the
        note will need at once instead of growing the tone block by block.
        """
        return join_runs(self.runs(start, stop, total=total), n=stop - start)

    def runs(self, start: int, stop: int, *, total: int = 0) -> list[tuple[int, np.ndarray]]:
        """Samples ``[start, stop)`` of the tone as consecutive ``(offset, samples)`` runs
        (offset from ``start``) that together cover it: views of the tone and of its loop,
        never a copy, so a long sustain read past the loop's start costs no more than one
        inside it (the block renderer adds each run where it belongs). Do not modify them.
        See :meth:`slice` for ``total``.
        """
        edge = self.cap if self.percussive else self.loop_start + self.loop_n - self.xfade
        if total:
            self._ensure(min(total, edge))
        if stop <= edge:
            self._ensure(stop)
            return [(0, self.tone[start:stop])]
        # the loop first: making it grows the tone to its cap, and the head must be a view
        # of the tone that stays, not of the shorter one it replaces
        loop = None if self.percussive else self._loop()
        runs: list[tuple[int, np.ndarray]] = []
        head = max(min(edge, stop) - start, 0)
        if head:
            self._ensure(start + head)
            runs.append((0, self.tone[start: start + head]))
        if loop is None:  # percussive: faded to zero at the cap, silent after
            runs.append((head, np.zeros(stop - start - head, dtype=np.float32)))
            return runs
        pos, i = (start + head - self.loop_start) % len(loop), head
        while i < stop - start:  # whole runs of the loop, wrapping as often as needed
            take = min(len(loop) - pos, stop - start - i)
            runs.append((i, loop[pos: pos + take]))
            i, pos = i + take, 0
        return runs


class NoteCache:
    """Bounded cache of raw tones and drum sounds, keyed by everything that shapes them.

    A hit returns the identical samples a miss would compute, so caching never changes audio
    (only how often a tone is synthesized).

    Eviction looks ahead: a renderer that knows its whole score registers when each item will
    be read (:meth:`expect`) and tells the cache where it is (:meth:`advance`). Over budget,
    the item needed furthest in the future goes first (Belady's rule, optimal for a known
    sequence), and items no note will read again are dropped as soon as the renderer passes
    them. A cyclic progression of more tones than fit (a pad cycling chords) then keeps most
    of its tones instead of missing on every one, as least-recently-used eviction does.
    Items nobody registered count as needed now (ties go least recently used first).

    Thread-safe: the item table is guarded by a lock; synthesis (``make``) runs outside it,
    so two threads may both make a missing item (identical samples; one copy is kept).
    """

    def __init__(self, *, max_samples: int = DEFAULT_CACHE_SAMPLES,
                 own_pages: bool = False) -> None:
        import threading

        #: items of 64 KiB or more go to pages of their own (:func:`own_pages`): for caches
        #: that live for hours, where long-lived items would otherwise fragment the heap
        self.own_pages = own_pages
        self._items: OrderedDict[tuple, object] = OrderedDict()
        #: samples of the array items (their sizes never change) and the keys of the raw
        #: tones (which grow): what :meth:`_held` adds up without walking every item on
        #: every insert (~150 items in sunny-morning; the walk was ~1.6 ms a minute of music)
        self._array_n = 0
        self._tone_keys: set[tuple] = set()
        self._max = max_samples
        self._lock = threading.Lock()
        #: raw-tone key -> the longest note (samples) the piece will ask of it, so a tone is
        #: synthesized once at its final length instead of regrown (and recomputed) per note
        self.length_hints: dict[tuple, int] = {}
        self._uses: dict[tuple, list[tuple[int, int]]] = {}
        #: key -> (starts sorted, running max of the stops in that order), built on demand
        self._use_index: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._last_stop: dict[tuple, int] = {}  # key -> end of its last registered use
        #: min-heap of (last stop, order, key) for held items with a registered use: what
        #: :meth:`advance` pops instead of scanning every item every block (the scan hashed
        #: each tuple key twice: ~0.13 ms a block with sunny-morning's ~150 items). Every
        #: change of a held item's last stop pushes an entry (:meth:`_watch`).
        self._deaths: list[tuple[int, int, tuple]] = []
        self._death_order = itertools.count()
        self._now = 0
        #: the budget this cache shares with others (a live session's voices), if any
        self.budget: ToneBudget | None = None

    def hint(self, key: tuple, n_samples: int) -> None:
        """Record that the item ``key`` will be read up to ``n_samples``."""
        if n_samples > self.length_hints.get(key, 0):
            self.length_hints[key] = n_samples

    def expect(self, key: tuple, start: int, stop: int) -> None:
        """Record that ``key`` will be read while the renderer is in samples ``[start, stop)``."""
        self.expect_all([(key, start, stop)])

    def expect_all(self, reads: Iterable[tuple[tuple, int, int]]) -> None:
        """:meth:`expect` for each ``(key, start, stop)`` of ``reads``, in order (a renderer
        registers every note of a piece at once: ~10 k reads in ten minutes of music)."""
        uses, use_index, last, items = self._uses, self._use_index, self._last_stop, self._items
        for key, start, stop in reads:
            start, stop = int(start), int(stop)
            uses.setdefault(key, []).append((start, stop))
            use_index.pop(key, None)
            last[key] = max(last.get(key, 0), stop)
            if key in items:
                with self._lock:
                    self._watch(key)

    def advance(self, now: int) -> None:
        """The renderer is at sample ``now`` (it never goes back): drop items whose every
        registered use has ended."""
        with self._lock:
            self._now = int(now)
            deaths, last = self._deaths, self._last_stop
            while deaths and deaths[0][0] <= self._now:
                _, _, key = heapq.heappop(deaths)
                # a stale entry (the item evicted, or a use registered since: a later
                # entry watches the new end) drops nothing
                if key in self._items and last[key] <= self._now:
                    self._pop(key)

    def _watch(self, key: tuple) -> None:
        """Have :meth:`advance` look at the held item ``key`` when its last use ends."""
        heapq.heappush(self._deaths, (self._last_stop[key], next(self._death_order), key))

    def end_at(self, stop: int) -> None:
        """The renderer stops at sample ``stop``: forget the uses that start there or later.

        A live voice planned for minutes may be told to end within a bar (a new phrase, a
        morph); the tones only its later notes would read are then dropped at the next
        :meth:`advance` instead of being held until the voice is gone, while its successors
        (which :meth:`inherit` first) and its last notes keep theirs.
        """
        with self._lock:
            for key, uses in self._uses.items():
                kept = [use for use in uses if use[0] < stop]
                if len(kept) != len(uses):
                    self._uses[key] = kept
                    self._use_index.pop(key, None)
                self._last_stop[key] = min(self._last_stop.get(key, 0), int(stop)) if kept else 0
                if key in self._items:
                    self._watch(key)
                self._shorten_hint(key, kept, stop=int(stop))

    def _shorten_hint(self, key: tuple, kept: list[tuple[int, int]], *, stop: int) -> None:
        """Synthesize ``key``'s tone only as far as the renderer still plays it.

        A tone's length hint is its longest note; once the renderer ends at ``stop`` a long
        note is read only up to there (a morph's bridge plays two seconds of a six-second
        chord). A one-sample use marks a short note's tone, read whole when the note is
        made, and keeps its hint. The tone grows on demand if ever read further, and its
        samples do not depend on how far it was made, so the audio is unchanged.
        """
        if key not in self.length_hints or any(b - a <= 1 for a, b in kept):
            return
        needed = max((min(b, stop) - a for a, b in kept), default=0)
        self.length_hints[key] = min(self.length_hints[key], max(needed, 1))

    def _next_use(self, key: tuple) -> float:
        """Sample at which ``key`` is next needed: now (0 ahead) if a use is under way or
        unknown, the next start, or infinity when no registered use remains."""
        uses = self._uses.get(key)
        if not uses:
            return self._now
        index = self._use_index.get(key)
        if index is None:
            uses.sort()
            starts = np.array([u[0] for u in uses], dtype=np.int64)
            stops = np.maximum.accumulate(np.array([u[1] for u in uses], dtype=np.int64))
            index = self._use_index[key] = (starts, stops)
        starts, stops = index
        begun = int(np.searchsorted(starts, self._now, side="right"))
        if begun and stops[begun - 1] > self._now:
            return self._now
        return float(starts[begun]) if begun < len(starts) else math.inf

    def _size(self, value: object) -> int:
        return value.size if isinstance(value, (np.ndarray, RawTone)) else 0

    def _held(self) -> int:
        """Samples held (caller holds the lock)."""
        items = self._items
        return self._array_n + sum(items[key].size for key in self._tone_keys)

    def _put(self, key: tuple, value: object) -> None:
        """Hold ``value`` as the newest item ``key`` (not held before; caller holds the
        lock)."""
        self._items[key] = value
        if isinstance(value, RawTone):
            self._tone_keys.add(key)
        elif isinstance(value, np.ndarray):
            self._array_n += value.size

    def _pop(self, key: tuple) -> object:
        """Stop holding the item ``key`` and return it (caller holds the lock)."""
        value = self._items.pop(key)
        self._tone_keys.discard(key)
        if isinstance(value, np.ndarray):
            self._array_n -= value.size
        return value

    def _evict(self) -> None:
        total = self._held()
        while total > self._max and len(self._items) > 1:
            keys = list(self._items)[:-1]  # never the item just added
            # furthest next use first; max() keeps the first (least recently used) of ties
            victim = max(keys, key=self._next_use)
            total -= self._size(self._pop(victim))

    def inherit(self, other: "NoteCache") -> int:
        """Take over the items of ``other`` that this cache's renderer will read.

        A live session starts a new renderer for every phrase of a mood; its cache begins
        empty, so without this each phrase would synthesize again the tones its predecessor
        holds. Items are pure functions of their keys, so an inherited item is the samples
        a miss would compute: the audio is unchanged. Only keys with a registered use
        (:meth:`hint`, :meth:`expect`) are taken, and the objects are shared, not copied,
        so the two caches together hold no more than the larger of them. Returns the
        number of items taken.
        """
        with other._lock:
            offered = list(other._items.items())
        with self._lock:
            wanted = [(k, v) for k, v in offered
                      if k not in self._items and (k in self._uses or k in self.length_hints)]
            for key, value in wanted:
                self._put(key, value)
                if key in self._last_stop:
                    self._watch(key)
            self._evict()
        return len(wanted)

    def get(self, key: tuple, make: Callable[[], object]) -> object:
        """The item for ``key``, computing it with ``make`` on a miss."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        if self.own_pages:
            value = self._in_own_pages(value)
        with self._lock:
            if key in self._items:  # another thread made it meanwhile: keep one copy
                self._items.move_to_end(key)
                return self._items[key]
            self._put(key, value)
            if key in self._last_stop:
                self._watch(key)
            self._evict()
        if self.budget is not None:
            self.budget.enforce(keep=value)
        return value

    @staticmethod
    def _in_own_pages(value: object) -> object:
        """``value`` moved to pages of its own (a raw tone: its samples, as they grow)."""
        if isinstance(value, RawTone):
            value.own_pages = True
            return value
        return own_pages(value) if isinstance(value, np.ndarray) else value

    def total_samples(self) -> int:
        """Samples this cache holds (items shared with another cache count in both)."""
        with self._lock:
            return self._held()

    def next_uses(self) -> list[tuple[tuple, object, int, float]]:
        """``(key, item, size, next use)`` of every item, the next use in this renderer's
        samples (:meth:`_next_use`): what a budget shared across caches evicts by."""
        with self._lock:
            return [(key, value, self._size(value), self._next_use(key))
                    for key, value in self._items.items()]

    def drop(self, key: tuple) -> None:
        """Forget ``key`` (a later read synthesizes it again: the same samples)."""
        with self._lock:
            if key in self._items:
                self._pop(key)


class ToneBudget:
    """Samples several caches may hold together: the voices of one live session.

    Each voice of a live session has its own renderer and cache; during a morph six of them
    overlap, and each cache's own cap would let the session hold six caps' worth of tones,
    so a session's peak memory would rise with the heaviest morph it ever plays. Caches that
    :meth:`join` a budget call :meth:`enforce` after every miss; over budget, the item whose
    next use is furthest on the shared timeline goes first (Belady's rule across voices, with
    each cache's uses shifted by its voice's origin), from every cache holding it, so the
    memory is actually freed. Eviction only ever costs a re-synthesis of identical samples.
    """

    def __init__(self, *, max_samples: int) -> None:
        self._max = max_samples
        self._members: list[tuple[weakref.ref, int]] = []
        self._lock = threading.Lock()

    def join(self, cache: NoteCache, *, offset_n: int) -> None:
        """Share the budget with ``cache``, whose sample 0 is timeline sample ``offset_n``."""
        with self._lock:
            self._members.append((weakref.ref(cache), int(offset_n)))
        cache.budget = self

    def _live_members(self) -> list[tuple[NoteCache, int]]:
        members = [(ref(), offset) for ref, offset in self._members]
        alive = [(cache, offset) for cache, offset in members if cache is not None]
        if len(alive) != len(self._members):
            self._members = [(weakref.ref(c), o) for c, o in alive]
        return alive

    def enforce(self, *, keep: object | None = None) -> None:
        """Evict across the member caches until they hold at most the budget (never
        ``keep``, the item just made)."""
        with self._lock:
            members = self._live_members()
            if sum(cache.total_samples() for cache, _ in members) <= self._max:
                return  # shared items count twice here, so the unique total is lower still
            items: dict[int, list] = {}  # id -> [size, next use on the timeline, holders]
            for cache, offset in members:
                for key, value, size, next_use in cache.next_uses():
                    entry = items.setdefault(id(value), [size, math.inf, []])
                    entry[1] = min(entry[1], next_use + offset)
                    entry[2].append((cache, key))
            total = sum(entry[0] for entry in items.values())
            candidates = [entry for ident, entry in items.items() if ident != id(keep)]
            while total > self._max and candidates:
                # furthest next use first; max() keeps the first (oldest voice's) of ties
                victim = max(candidates, key=lambda entry: entry[1])
                candidates.remove(victim)
                for cache, key in victim[2]:
                    cache.drop(key)
                total -= victim[0]
