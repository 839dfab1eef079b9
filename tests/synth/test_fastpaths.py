"""The renderer's shortcuts give the samples the plain computation gives."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.synth.notecache import NoteCache
from moodc.synth.notes import note_length, note_slice, render_note

SR = 22050


@pytest.mark.parametrize("instrument", ["strings", "choir", "electric_piano", "pluck", "ney"])
def test_a_long_note_read_in_blocks_equals_the_whole_note(instrument: str) -> None:
    """Block-wise reads of a long note (flat sustain as a scalar, loop, release) add up to
    exactly the note rendered in one piece, with or without a cache."""
    n_gate = 9 * SR
    whole = render_note(instrument, midi=57.0, n_gate=n_gate, sample_rate=SR,
                        cutoff_scale=1.0)
    n_total = note_length(instrument, n_gate=n_gate, sample_rate=SR)
    cache = NoteCache()
    cuts = [0, 1000, SR, 3 * SR + 17, 7 * SR, n_gate - 5, n_gate + 100, n_total]
    parts = [note_slice(instrument, midi=57.0, n_gate=n_gate, start=a, stop=b,
                        sample_rate=SR, cutoff_scale=1.0, cache=cache)
             for a, b in zip(cuts[:-1], cuts[1:])]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert whole[-1] == 0.0


@pytest.fixture
def made(monkeypatch) -> list[int]:
    """Samples of raw tone synthesized, one entry per growth of a tone (cleared by tests)."""
    from moodc.synth.notecache import RawTone

    counts: list[int] = []
    ensure = RawTone._ensure

    def counted(tone: RawTone, n: int) -> None:
        before = len(tone.tone)
        ensure(tone, n)
        counts.append(len(tone.tone) - before)
    monkeypatch.setattr(RawTone, "_ensure", counted)
    return counts


def _render(renderer, seconds: float) -> np.ndarray:
    return np.concatenate([renderer.block(start, SR // 2)[0]
                           for start in range(0, int(seconds * SR), SR // 2)])


def test_a_renderer_that_inherits_tones_sounds_exactly_as_alone(made: list[int]) -> None:
    """A second renderer of the same config (a live session's next phrase) that inherits its
    predecessor's tones synthesizes under three quarters of the tone samples (the chords
    it shares with it come free), and its audio is unchanged."""
    from moodc.config.load import load_document
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import BlockRenderer
    from tests.helpers import EXAMPLES

    fields = load_document(EXAMPLES / "lofi-study.yaml").model_dump(mode="json")
    ctl = fields_to_controls(fields)
    alone = _render(BlockRenderer(ctl, duration_s=8.0, sample_rate=SR, seed=2), 8.0)
    n_alone = sum(made)
    # a phrase plans events past its hand-over (live: 6 bars), so at the hand-over its cache
    # holds the tones of a stretch of music yet to come
    first = BlockRenderer(ctl, duration_s=20.0, sample_rate=SR, seed=1)
    _render(first, 6.0)
    second = BlockRenderer(ctl, duration_s=8.0, sample_rate=SR, seed=2)
    assert second.cache.inherit(first.cache) > 0
    made.clear()
    np.testing.assert_array_equal(_render(second, 8.0), alone)
    assert sum(made) < 0.75 * n_alone, (sum(made), n_alone)


def test_a_cache_inherits_only_what_its_renderer_will_read() -> None:
    """Tones nobody registered stay behind, so inheriting never grows a cache with dead
    weight (memory stays that of the larger cache)."""
    from moodc.synth.notecache import NoteCache

    old, new = NoteCache(), NoteCache()
    for k in range(4):
        old.get(("tone", k), lambda: np.zeros(1_000, dtype=np.float32))
    new.hint(("tone", 1), 1_000)
    new.expect(("tone", 2), 0, 500)
    assert new.inherit(old) == 2
    made = []
    new.get(("tone", 1), lambda: made.append(1) or np.zeros(1_000, dtype=np.float32))
    assert not made


def test_a_renderer_told_to_end_makes_only_what_it_plays_and_sounds_the_same(
        made: list[int]) -> None:
    """A morph's bridge plays two seconds of chords planned for longer: told its end
    (``NoteCache.end_at``), it synthesizes its long tones only that far — fewer samples
    held — and the samples it plays are identical."""
    from moodc.config.load import load_document
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import BlockRenderer
    from tests.helpers import EXAMPLES

    ctl = fields_to_controls(load_document(EXAMPLES / "calm-ambient.yaml").model_dump(
        mode="json"))
    whole = _render(BlockRenderer(ctl, duration_s=20.0, sample_rate=SR, seed=3), 2.0)
    n_whole = sum(made)
    made.clear()
    ended = BlockRenderer(ctl, duration_s=20.0, sample_rate=SR, seed=3)
    ended.cache.end_at(2 * SR)
    np.testing.assert_array_equal(_render(ended, 2.0), whole)
    assert sum(made) < 0.75 * n_whole, (sum(made), n_whole)


def _copied_slice(tone, start: int, stop: int) -> np.ndarray:
    """``RawTone.slice`` before the runs (moodc 73370a1), the reference: past the loop's
    start, the head and every wrap of the loop copied into a fresh array."""
    edge = tone.cap if tone.percussive else tone.loop_start + tone.loop_n - tone.xfade
    if stop <= edge:
        tone._ensure(stop)
        return tone.tone[start:stop]
    out = np.zeros(stop - start, dtype=np.float32)
    head = max(min(edge, stop) - start, 0)
    if head:
        tone._ensure(start + head)
        out[:head] = tone.tone[start: start + head]
    if tone.percussive:
        return out
    loop = tone._loop()
    pos, i = (start + head - tone.loop_start) % len(loop), head
    while i < len(out):
        take = min(len(loop) - pos, len(out) - i)
        out[i: i + take] = loop[pos: pos + take]
        i, pos = i + take, 0
    return out


@pytest.mark.parametrize("percussive", [False, True])
def test_a_tone_read_past_its_loop_comes_as_views_with_the_copys_samples(
        percussive: bool) -> None:
    """A sustain read past the loop's start (the head, then the loop wrapping, several
    times when the read is long) is views of the tone, never a copy, and the same samples
    the former copy held; a percussive tone's silence after its cap stays silent."""
    from moodc.synth.notecache import RawTone

    noise = np.random.default_rng(3).standard_normal(8 * SR).astype(np.float32)
    tone = RawTone(lambda n: noise[:n].copy(), sample_rate=SR,  # prefix-consistent, as tones are
                   percussive=percussive, period_n=SR / 220.0)
    edge = tone.cap if percussive else tone.loop_start + tone.loop_n - tone.xfade
    for start, stop in [(0, 1000), (edge - 700, edge + 900), (edge, edge + 3 * tone.loop_n),
                        (edge + 5, edge + 5 + tone.loop_n), (edge + 7 * tone.loop_n - 3,
                                                             edge + 7 * tone.loop_n + 11)]:
        runs = tone.runs(start, stop)
        assert [offset for offset, _ in runs] == list(
            np.cumsum([0] + [len(run) for _, run in runs[:-1]]))
        joined = np.concatenate([run for _, run in runs])
        np.testing.assert_array_equal(joined.view(np.uint32),
                                      _copied_slice(tone, start, stop).view(np.uint32))
        np.testing.assert_array_equal(tone.slice(start, stop), joined)
        for offset, run in runs:
            if not (percussive and offset + start >= tone.cap):
                assert np.shares_memory(run, tone.tone), (start, stop, offset)


def test_a_layer_of_long_sustains_adds_the_joined_notes_samples() -> None:
    """The block renderer adds a sustain's runs each at its own offset: every block of a
    layer of long notes (read past the loop, wrapping, overlapping) is the numpy sum of
    the notes' joined samples times their gains, in order, bit for bit."""
    from moodc.config.load import load_document
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import LayerPlan, _Sounds
    from moodc.synth.events import Note
    from tests.helpers import EXAMPLES

    ctl = fields_to_controls(load_document(EXAMPLES / "calm-ambient.yaml").model_dump(
        mode="json"))
    notes = [Note(start_s=0.3 * k, dur_s=14.0 - k, midi=50.0 + 3 * k, velocity=0.5 + 0.1 * k,
                  instrument=instrument, pan=0.4 * k - 0.6)
             for k, instrument in enumerate(["strings", "choir", "organ", "strings"])]
    sounds = _Sounds(LayerPlan(notes=notes), ctl=ctl, sample_rate=SR, cache=NoteCache())
    reference = _Sounds(LayerPlan(notes=notes), ctl=ctl, sample_rate=SR, cache=NoteCache())
    n = SR // 2 + 17
    for start in range(0, 15 * SR, n):
        block = np.zeros((2, n), dtype=np.float32)
        sounds.render(block, start)
        expected = np.zeros((2, n), dtype=np.float32)
        for i, s in enumerate(reference.starts.tolist()):
            a, b = max(start - s, 0), min(start + n - s, int(reference.lengths[i]))
            if a >= b:
                continue
            f0, f1 = reference.flat[i]
            cuts = [a] + [c for c in (f0, f1) if a < c < b] + [b]
            for p, q in zip(cuts[:-1], cuts[1:]):
                runs, scale = reference.segment(reference.keys[i], p, q)
                seg = np.concatenate([run for _, run in runs])
                gains = np.array([[reference.gain_l[i]], [reference.gain_r[i]]], np.float32)
                gains = gains if scale == 1.0 else gains * np.float32(scale)
                expected[:, s + p - start: s + q - start] += gains * seg
        np.testing.assert_array_equal(block.view(np.uint32), expected.view(np.uint32))


def test_a_layer_writes_its_whole_block_whatever_the_buffer_held() -> None:
    """The layers' stack is not cleared before the layers write it (the layer process
    reuses its shared slot): a layer, with events in the block or none, gives the same
    bits into a buffer of NaN and stale audio as into zeros."""
    from moodc.config.load import load_document
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import BlockRenderer
    from tests.helpers import EXAMPLES

    ctl = fields_to_controls(load_document(EXAMPLES / "sunny-morning.yaml").model_dump(
        mode="json"))
    clean = BlockRenderer(ctl, duration_s=6.0, sample_rate=SR, seed=4)
    dirty = BlockRenderer(ctl, duration_s=6.0, sample_rate=SR, seed=4)
    n = SR // 2
    for start in range(0, 6 * SR, n):  # the piece's end is a block with no events at all
        zeros = np.zeros((len(clean.names), 2, n), dtype=np.float32)
        garbage = np.full((len(dirty.names), 2, n), np.nan, dtype=np.float32)
        garbage[:, :, ::2] = np.float32(-0.0)
        for i, name in enumerate(clean.names):
            clean._layer(name, zeros[i], start)
            dirty._layer(name, garbage[i], start)
        np.testing.assert_array_equal(garbage.view(np.uint32), zeros.view(np.uint32))


def _registered_per_note(sounds, cache: NoteCache, *, cutoff_scale: float) -> None:
    """The former registration (moodc 9c3a416), the reference: every note of a layer
    looked up and hinted on its own, its reads registered one call at a time."""
    from moodc.synth.envelope import note_envelope
    from moodc.synth.instruments import INSTRUMENT_VOICES
    from moodc.synth.notes import SHORT_NOTE_S, _note_key, _raw_key

    for key, onset in zip(sounds.keys, sounds.starts.tolist()):
        if key[0] != "note":
            continue
        _, instrument, midi, n_gate, glide, cut = key
        raw_key = _raw_key(instrument, midi=midi, sample_rate=SR,
                           cutoff_scale=cutoff_scale * cut, glide_st=glide)
        env = note_envelope(INSTRUMENT_VOICES[instrument].envelope, n_gate=n_gate,
                            sample_rate=SR)
        cache.hint(raw_key, env.n_total)
        if env.n_total <= SHORT_NOTE_S * SR:
            cache.expect(_note_key(raw_key, env.n_gate), onset, onset + env.n_total)
            cache.expect(raw_key, onset, onset + 1)
        else:
            cache.expect(raw_key, onset, onset + env.n_total)


@pytest.mark.parametrize("example", ["sunny-morning", "8bit-adventure"])
def test_a_layer_registers_each_note_as_note_by_note_would(example: str) -> None:
    """Each distinct note (and hit) is looked up once per layer: the cache's hints and
    registered reads, and every event's length and flat span, are what looking up every
    note on its own gives."""
    from moodc.config.load import load_document
    from moodc.synth.controls import fields_to_controls
    from moodc.synth.engine import _Sounds, plan_piece
    from moodc.synth.notes import flat_span, note_length
    from tests.helpers import EXAMPLES

    ctl = fields_to_controls(load_document(EXAMPLES / f"{example}.yaml").model_dump(
        mode="json"))
    n_notes = n_hits = 0
    for plan in plan_piece(ctl, duration_s=40.0, seed=5).values():
        cache, reference = NoteCache(), NoteCache()
        sounds = _Sounds(plan, ctl=ctl, sample_rate=SR, cache=cache)
        _registered_per_note(sounds, reference, cutoff_scale=ctl.cutoff_scale)
        assert cache.length_hints == reference.length_hints
        assert cache._uses == reference._uses
        assert cache._last_stop == reference._last_stop
        for i, key in enumerate(sounds.keys):
            if key[0] == "hit":
                n_hits += 1
                assert sounds.flat[i] == (0, 0)
                assert sounds.lengths[i] == len(sounds.drums[i])
                continue
            n_notes += 1
            assert sounds.drums[i] is None
            assert sounds.lengths[i] == note_length(key[1], n_gate=key[3], sample_rate=SR)
            assert sounds.flat[i] == flat_span(key[1], n_gate=key[3], sample_rate=SR)
    assert n_notes > 100 and (n_hits > 50 or example == "sunny-morning")


def test_an_ornament_kind_is_drawn_as_numpys_choice_draws_it() -> None:
    """Every instrument's table (its own weights or the default ones): the same kind, note
    after note, and the same random stream after, as ``rng.choice`` with the normalised
    weights (the draw it replaced, kept here as the reference)."""
    from moodc.synth.instruments import INSTRUMENT_VOICES
    from moodc.synth.melody import ORNAMENTS, _draw_ornament_kind

    own_tables = 0
    for instrument, voice in sorted(INSTRUMENT_VOICES.items()):
        table = voice.ornaments or ORNAMENTS
        own_tables += voice.ornaments is not None
        weights = np.array([w for _, w in table])
        mine, numpys = np.random.default_rng(17), np.random.default_rng(17)
        for _ in range(400):
            expected = table[int(numpys.choice(len(table), p=weights / weights.sum()))][0]
            if expected == "slide" and not voice.glides:
                expected = "grace"
            assert _draw_ornament_kind(instrument=instrument, rng=mine) == expected
        assert mine.bit_generator.state == numpys.bit_generator.state
    assert own_tables >= 2
