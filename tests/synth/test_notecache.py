"""The tone budget a live session's voices share: the unique samples held stay within it,
the item needed furthest ahead on the shared timeline goes first, and nothing else changes."""

from __future__ import annotations

import gc
import mmap

import numpy as np

from moodc.synth.notecache import (
    OWN_PAGES_MIN_BYTES,
    NoteCache,
    RawTone,
    ToneBudget,
    own_pages,
)


def _tone(n_samples: int, value: float = 1.0) -> np.ndarray:
    return np.full(n_samples, value, dtype=np.float32)


def _unique_samples(*caches: NoteCache) -> int:
    seen = {id(v): v.size for c in caches for _, v, _, _ in c.next_uses()}
    return sum(seen.values())


def test_two_caches_together_hold_at_most_the_budget() -> None:
    budget = ToneBudget(max_samples=1000)
    a, b = NoteCache(max_samples=1000), NoteCache(max_samples=1000)
    budget.join(a, offset_n=0)
    budget.join(b, offset_n=0)
    for i in range(4):
        a.get(("a", i), lambda: _tone(300))
        b.get(("b", i), lambda: _tone(300))
    assert _unique_samples(a, b) <= 1000
    assert a.total_samples() + b.total_samples() <= 1000


def test_a_tone_two_voices_share_counts_once() -> None:
    """A new phrase inherits its predecessor's tones (the same arrays): the budget counts
    the memory, not the references, so nothing is evicted for sharing."""
    budget = ToneBudget(max_samples=1000)
    old, new = NoteCache(), NoteCache()
    budget.join(old, offset_n=0)
    new.hint(("pad",), 600)
    old.get(("pad",), lambda: _tone(600))
    new.inherit(old)
    budget.join(new, offset_n=0)
    new.get(("bass",), lambda: _tone(300))
    assert {k for k, *_ in new.next_uses()} == {("pad",), ("bass",)}
    assert {k for k, *_ in old.next_uses()} == {("pad",)}


def test_the_tone_needed_furthest_ahead_on_the_timeline_goes_first() -> None:
    """Each cache's uses are in its own renderer's samples; the budget compares them on the
    session's timeline (offset by the voice's origin)."""
    budget = ToneBudget(max_samples=1000)
    early, late = NoteCache(), NoteCache()
    budget.join(early, offset_n=0)
    budget.join(late, offset_n=50_000)
    early.expect(("e",), 40_000, 41_000)  # timeline 40,000
    late.expect(("l",), 0, 1_000)          # timeline 50,000: further ahead
    early.get(("e",), lambda: _tone(400))
    late.get(("l",), lambda: _tone(400))
    early.get(("new",), lambda: _tone(400))  # over budget: "l" goes, not "e"
    assert {k for k, *_ in early.next_uses()} == {("e",), ("new",)}
    assert late.next_uses() == []


def test_a_forgotten_voice_leaves_the_budget() -> None:
    budget = ToneBudget(max_samples=1000)
    gone = NoteCache()
    budget.join(gone, offset_n=0)
    gone.get(("x",), lambda: _tone(900))
    del gone
    gc.collect()
    kept = NoteCache()
    budget.join(kept, offset_n=0)
    kept.get(("y",), lambda: _tone(900))
    assert [k for k, *_ in kept.next_uses()] == [("y",)]


def test_the_loop_crossfade_correlation_is_exact_not_blas() -> None:
    """The loop's crossfade law depends on the segments' correlation; it is computed from
    exact float64 products with numpy's fixed-order sum (not BLAS, whose float32 summation
    order varies with the CPU), so it agrees with an exactly rounded sum to ~1e-15."""
    import math

    from moodc.synth.notecache import correlation

    rng = np.random.default_rng(0)
    a = rng.standard_normal(11025).astype(np.float32)
    b = (0.5 * a + 0.1 * rng.standard_normal(11025)).astype(np.float32)
    x, y = a.astype(np.float64), b.astype(np.float64)
    exact = math.fsum(x * y) / math.sqrt(math.fsum(x * x) * math.fsum(y * y))
    assert abs(correlation(a, b) - exact) < 1e-14
    assert abs(correlation(a, a) - 1.0) < 1e-14


def _mapping(array: np.ndarray) -> object:
    """The object that finally owns ``array``'s memory."""
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array.obj if isinstance(array, memoryview) else array


def test_cached_notes_and_tones_live_in_pages_of_their_own() -> None:
    """A long-lived cached array must not sit in the heap among the block temporaries
    (it would pin the heap, whose resident size then grows with the hours), and the
    copy must be exact."""
    rng = np.random.default_rng(7)
    note = rng.standard_normal((40_000, 2)).astype(np.float32)
    cache = NoteCache(max_samples=10_000_000, own_pages=True)
    held = cache.get(("note",), lambda: note)
    assert isinstance(_mapping(held), mmap.mmap)
    assert held.dtype == note.dtype and held.shape == note.shape
    assert np.array_equal(held, note) and held.flags.writeable
    tone = cache.get(("tone",), lambda: RawTone(
        lambda n: rng.standard_normal(n).astype(np.float32), sample_rate=44100,
        percussive=False, period_n=100.0))
    tone.slice(0, 50_000)
    assert isinstance(_mapping(tone.tone), mmap.mmap)


def test_a_render_cache_keeps_its_items_as_made() -> None:
    """An offline render's cache lives for minutes: no copies, no fresh pages."""
    note = np.ones((40_000, 2), dtype=np.float32)
    assert NoteCache(max_samples=10_000_000).get(("note",), lambda: note) is note


def test_live_voices_keep_their_tones_in_own_pages() -> None:
    from pathlib import Path

    from moodc.config.load import load_document
    from moodc.live.voices import LiveVoice

    example = Path(__file__).resolve().parents[2] / "examples" / "calm-ambient.yaml"
    fields = load_document(example).model_dump(mode="json")
    voice = LiveVoice(fields, seed=1, origin_n=0, start_n=0,
                      planned_s=8.0, sample_rate=44100, label="calm")
    voice.add_into(np.zeros((44100 * 2, 2), dtype=np.float32), start_n=0)
    big = [v for v in voice.renderer.cache._items.values()
           if isinstance(v, np.ndarray) and v.nbytes >= OWN_PAGES_MIN_BYTES]
    tones = [v.tone for v in voice.renderer.cache._items.values()
             if isinstance(v, RawTone) and v.tone.nbytes >= OWN_PAGES_MIN_BYTES]
    assert big + tones
    assert all(isinstance(_mapping(a), mmap.mmap) for a in big + tones)


def test_small_arrays_stay_on_the_heap_unchanged() -> None:
    small = np.ones(OWN_PAGES_MIN_BYTES // 8, dtype=np.float32)
    assert own_pages(small) is small


def _held_after_scan(held: list[tuple], last_stop: dict[tuple, int], now: int) -> list[tuple]:
    """The former ``advance``: every held item whose registered uses have all ended goes."""
    return [k for k in held if not (k in last_stop and last_stop[k] <= now)]


def test_advance_drops_exactly_the_items_whose_uses_have_ended() -> None:
    # items made before and after their uses are registered, uses extended while held, a
    # renderer told to end early, unregistered items (never dropped) and evictions: after
    # every step the cache holds what a scan of all its items would have kept
    rng = np.random.default_rng(16)
    cache = NoteCache(max_samples=40 * 50)
    expected: list[tuple] = []
    keys = [("tone", i) for i in range(60)]
    for key in keys[:40]:
        for _ in range(int(rng.integers(1, 4))):
            a = int(rng.integers(0, 5000))
            cache.expect(key, a, a + int(rng.integers(1, 800)))
    now = 0
    for step in range(300):
        key = keys[int(rng.integers(0, len(keys)))]
        cache.get(key, lambda: _tone(50))
        if step % 7 == 0:
            late = keys[int(rng.integers(0, 40))]
            a = now + int(rng.integers(0, 400))
            cache.expect(late, a, a + int(rng.integers(1, 400)))
        if step == 200:
            cache.end_at(now + 300)
        now += int(rng.integers(0, 40))
        expected = _held_after_scan(list(cache._items), dict(cache._last_stop), now)
        cache.advance(now)
        assert list(cache._items) == expected, step
    assert 0 < len(expected) < len(keys)


def test_the_samples_held_are_those_of_every_item_through_every_change() -> None:
    # the cache keeps a running count of its arrays' samples and sums only its raw tones
    # (which grow as they are read): after inserts, evictions, growth, drops, expiries and
    # inheritance it must still be the walk over every item it replaced, or eviction would
    # keep too much or too little
    rng = np.random.default_rng(3)
    cache = NoteCache(max_samples=30_000)

    def walk(c: NoteCache) -> int:
        return sum(v.size for v in c._items.values() if isinstance(v, (np.ndarray, RawTone)))

    def make_tone() -> RawTone:
        return RawTone(lambda n: np.ones(n, dtype=np.float32), sample_rate=8000,
                       percussive=False, period_n=40.0)

    for step in range(200):
        key = ("item", int(rng.integers(0, 40)))
        if key[1] % 3 == 0:
            tone = cache.get(key, make_tone)
            tone.slice(0, int(rng.integers(1, 20_000)))  # grows it in place
        else:
            cache.get(key, lambda: _tone(int(rng.integers(1, 3000))))
        if step % 11 == 0:
            cache.drop(("item", int(rng.integers(0, 40))))
        if step % 17 == 0:
            cache.expect(("item", int(rng.integers(0, 40))), step, step + 5)
            cache.advance(step)
        cache.get(("unsized", step % 5), lambda: "not audio")
        assert cache.total_samples() == walk(cache), step
    heir = NoteCache(max_samples=30_000)
    for key in list(cache._items)[::2]:
        heir.hint(key, 1)
    heir.inherit(cache)
    assert heir.total_samples() == walk(heir) > 0
