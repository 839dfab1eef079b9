"""The block renderer: plan every layer's events once, then synthesize block by block.

Planning (events for the whole piece) is cheap; synthesis writes each note that overlaps a
block into that block's buffer, slicing a cached finished note, so a note spilling over a
block boundary continues exactly in the next block. Effects keep their state across blocks.
Memory is bounded by the block size, the note cache and the events, not by the duration.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

import numpy as np

from moodc import vocab
from moodc.dsp.compiled import add_notes, mix_in, scale_by_curve
from moodc.dsp.compiled import premix as premix_layers
from moodc.synth.controls import Controls
from moodc.synth.effects import Echo, Reverb, Tilt, lfo, tilted_width
from moodc.synth.events import Hit, Note, drum_name, humanize_hits, humanize_notes, retune_notes
from moodc.synth.melody import melody_notes
from moodc.synth.patterns import (COMP_PATTERNS, PAD_STYLES, accent_events, bass_notes,
                                  pad_notes, rhythm_hits)
from moodc.synth.theory import Chord, chord_timeline
from moodc.synth.notecache import DEFAULT_CACHE_SAMPLES, NoteCache
from moodc.synth.notes import NotePlan, note_plan, plan_flat_span, plan_reads, plan_runs

if TYPE_CHECKING:  # a short or one-job render never imports concurrent.futures (nor logging)
    from concurrent.futures import Executor

    from moodc.synth.texture import Texture  # imported where used (see _texture_bed)

MASTER_GAIN = 0.5
#: Motion LFOs (well under 1 Hz) are computed every this many samples, then interpolated.
MOTION_CONTROL_N = 128
#: Control points of a layer's motion curves computed at once (~12 s at 44.1 kHz): a block
#: reads a few hundred, and two dozen small numpy calls per layer and block cost more than
#: their arithmetic. Every step is element-wise, so a point's value is the same whichever
#: stretch it is computed in.
MOTION_CHUNK_POINTS = 4096


def _apply_control(row: np.ndarray, values: np.ndarray, *, offset: int) -> None:
    """Multiply ``row`` (float32, in place) by the curve linear between control points
    ``values`` every :data:`MOTION_CONTROL_N` samples, from sample ``offset`` of the first
    point's grid: the curve is computed while it is applied (float32, each step rounded)."""
    scale_by_curve(row, np.ascontiguousarray(values, dtype=np.float64), offset,
                   MOTION_CONTROL_N)


def layer_rng(seed: int, key: str) -> np.random.Generator:
    """The Generator of one independent part, derived from the seed and a stable key.

    Keyed by name (not spawn order), so adding, removing or changing one layer never
    reshuffles another layer's random choices.
    """
    return np.random.default_rng(np.random.SeedSequence(
        entropy=int(seed), spawn_key=(zlib.crc32(key.encode()),)))


@dataclass
class LayerPlan:
    """One layer's events as arrays sorted by onset sample."""

    notes: list[Note] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


Events = tuple[list[Note], list[Hit]]
#: ``planner(ctl, style=, chords=, n_beats=, rng=, melody=) -> (notes, hits)``: one layer's
#: events; ``melody`` is the piece's melody as planned (the line other layers may follow:
#: a gamelan's interlocking parts elaborate it), empty when it has none.
LayerPlanner = Callable[..., Events]


def _plan_bass(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
               rng: np.random.Generator, melody: list[Note]) -> Events:
    return bass_notes(ctl, style=style, chords=chords, n_beats=n_beats,
                      instrument=ctl.instruments["bass"]), []


def _plan_pad(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
              rng: np.random.Generator, melody: list[Note]) -> Events:
    return pad_notes(ctl, style=style, chords=chords, n_beats=n_beats,
                     instrument=ctl.instruments["pad"], melody=melody), []


def _plan_melody(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                 rng: np.random.Generator, melody: list[Note]) -> Events:
    return melody, []


def _plan_rhythm(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                 rng: np.random.Generator, melody: list[Note]) -> Events:
    return [], rhythm_hits(ctl, style=style, n_beats=n_beats)


def _plan_texture(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                  rng: np.random.Generator, melody: list[Note]) -> Events:
    # imported here: only a document with a texture layer loads the module
    from moodc.synth.texture import texture_events

    return texture_events(ctl, style=style, n_beats=n_beats, rng=rng)


def _plan_accent(ctl: Controls, *, style: str, chords: list[Chord], n_beats: float,
                 rng: np.random.Generator, melody: list[Note]) -> Events:
    return accent_events(ctl, style=style, chords=chords, n_beats=n_beats, rng=rng)


def _never_swells(style: str) -> bool:
    return False


def _pad_swells(style: str) -> bool:
    return PAD_STYLES[style].swells_per_bar


def _texture_bed(style: str, *, ctl: Controls, sample_rate: int,
                 rng: np.random.Generator) -> Texture | None:
    """The texture's continuous noise bed, or None for event-only styles (stars, glitch)."""
    from moodc.synth.texture import TEXTURE_STYLES, Texture

    if not TEXTURE_STYLES[style].has_bed:
        return None
    return Texture(style, ctl=ctl, sample_rate=sample_rate, rng=rng)


class LayerMotion(NamedTuple):
    """Motion of one layer, each depth scaled by the motion label's depth: tremolo depth,
    autopan depth, LFO rate multiplier and LFO phase (rad). Different rates and phases keep
    the layers from pumping together."""

    tremolo: float
    autopan: float
    rate_mul: float
    phase: float


@dataclass(frozen=True)
class LayerSpec:
    """How one layer (a key of ``vocab.LAYERS``) is planned and mixed.

    ``gain`` is the layer's linear mix level before effects, chosen so the default config
    lands around -18 LUFS un-mastered with peaks well under 1; ``event_gain`` scales its
    events relative to that (the texture's stars and glitch blips sit above its noise bed).
    ``echo_send`` and ``reverb_send`` are its effect sends, ``motion`` its LFO movement,
    ``swells_per_bar(style)`` whether a style swells once per bar (the pad's ``swell``).
    ``planner`` writes its events; ``bed(style, ctl=, sample_rate=, rng=)``, when set, makes
    a continuous bed (a :class:`~moodc.synth.texture.Texture`, or None) mixed under them.
    """

    gain: float
    echo_send: float
    reverb_send: float
    motion: LayerMotion
    planner: LayerPlanner
    event_gain: float = 1.0
    swells_per_bar: Callable[[str], bool] = _never_swells
    bed: Callable[..., Texture | None] | None = None


#: Layer name → how it is planned and mixed; every layer of ``vocab.LAYERS`` has one.
LAYER_SPECS: dict[str, LayerSpec] = {
    "bass": LayerSpec(gain=0.32, echo_send=0.08, reverb_send=0.15,
                      motion=LayerMotion(0.2, 0.0, 0.5, 0.0), planner=_plan_bass),
    "pad": LayerSpec(gain=0.26, echo_send=0.35, reverb_send=1.0,
                     motion=LayerMotion(0.6, 0.0, 1.0, 0.0), planner=_plan_pad,
                     swells_per_bar=_pad_swells),
    "melody": LayerSpec(gain=0.5, echo_send=1.0, reverb_send=0.8,
                        motion=LayerMotion(0.0, 0.5, 0.7, 1.0), planner=_plan_melody),
    "rhythm": LayerSpec(gain=0.45, echo_send=0.15, reverb_send=0.35,
                        motion=LayerMotion(0.0, 0.25, 0.9, 2.0), planner=_plan_rhythm),
    "texture": LayerSpec(gain=0.12, echo_send=0.2, reverb_send=0.6,
                         motion=LayerMotion(0.3, 0.6, 1.3, 3.0), planner=_plan_texture,
                         event_gain=3.0, bed=_texture_bed),
    "accent": LayerSpec(gain=0.3, echo_send=1.0, reverb_send=1.0,
                        motion=LayerMotion(0.0, 0.6, 1.1, 4.0), planner=_plan_accent),
}


def layer_gain(ctl: Controls, *, name: str) -> float:
    """Layer ``name``'s linear mix level: its :data:`LAYER_SPECS` gain, the bass lifted by
    the rhythm's comping pattern where the bass leads the band
    (:attr:`~moodc.synth.patterns.CompPattern.bass_lift_db`: reggae)."""
    gain = LAYER_SPECS[name].gain
    comp = COMP_PATTERNS.get(ctl.styles["rhythm"])
    if name == "bass" and comp is not None:
        gain *= 10.0 ** (comp.bass_lift_db / 20.0)
    return gain


def _melody_line(ctl: Controls, *, chords: list[Chord], n_beats: float,
                 seed: int) -> list[Note]:
    """The melody's notes (before tuning and humanizing), planned once from the melody
    layer's own stream, or none when the melody is silent: the melody layer plays them and
    other layers may follow them."""
    style = ctl.styles["melody"]
    if style == "none":
        return []
    return melody_notes(ctl, style_name=style, chords=chords, n_beats=n_beats,
                        instrument=ctl.instruments["lead"], rng=layer_rng(seed, "melody"))


def plan_piece(ctl: Controls, *, duration_s: float, seed: int) -> dict[str, LayerPlan]:
    """Events of every sounding layer for ``duration_s`` seconds."""
    n_beats = duration_s / ctl.beat_s + 1e-9
    chords = chord_timeline(n_beats=n_beats, beats_per_bar=ctl.beats_per_bar,
                            chord_bars=ctl.comp.chord_bars, harmony=ctl.comp.harmony,
                            extensions=ctl.comp.extensions, root_pc=ctl.root_pc,
                            scale=ctl.scale, rng=layer_rng(seed, "harmony"))
    melody = _melody_line(ctl, chords=chords, n_beats=n_beats, seed=seed)
    plans: dict[str, LayerPlan] = {}
    for layer in vocab.LAYERS:
        style = ctl.styles[layer]
        if style == "none":
            continue
        notes, hits = LAYER_SPECS[layer].planner(ctl, style=style, chords=chords, n_beats=n_beats,
                                            rng=layer_rng(seed, layer), melody=melody)
        notes = retune_notes(notes, tuning_st=ctl.tuning_st, root_pc=ctl.root_pc)
        human = layer_rng(seed, f"human/{layer}")
        plans[layer] = LayerPlan(
            notes=humanize_notes(notes, timing_sd_s=ctl.timing_sd_s,
                                 velocity_sd=ctl.velocity_sd, rng=human),
            hits=humanize_hits(hits, timing_sd_s=ctl.timing_sd_s,
                               velocity_sd=ctl.velocity_sd, rng=human))
    return plans


class _NoteSound(NamedTuple):
    """A distinct note's length, flat span, cache reads (:func:`plan_reads`) and plan."""

    n_total: int
    flat: tuple[int, int]
    reads: tuple[tuple[tuple, int, int], ...]
    plan: NotePlan


class _Sounds:
    """Events of one layer as sample-indexed arrays, with their waveforms from the cache."""

    def __init__(self, plan: LayerPlan, *, ctl: Controls, sample_rate: int,
                 cache: NoteCache, gain: float = 1.0) -> None:
        self.sample_rate = sample_rate
        self.cache = cache
        self.ctl = ctl
        items: list[tuple[int, tuple, float, float]] = []
        for n in plan.notes:
            key = ("note", n.instrument, round(n.midi, 3), int(round(n.dur_s * sample_rate)),
                   round(n.glide_st, 3), round(n.cutoff_mul, 3))
            items.append((int(round(n.start_s * sample_rate)), key, n.velocity, n.pan))
        for h in plan.hits:
            items.append((int(round(h.start_s * sample_rate)),
                          ("hit", drum_name(h.sound, take=h.take)), h.velocity,
                          h.pan))
        items.sort(key=lambda it: (it[0], it[1]))
        self.starts = np.array([it[0] for it in items], dtype=np.int64)
        self.keys = [it[1] for it in items]
        angle = (np.clip([it[3] for it in items], -1, 1) + 1.0) * np.pi / 4.0
        vel = np.array([it[2] for it in items], dtype=np.float64) * gain
        self.gain_l = (np.cos(angle) * vel * np.sqrt(2)).astype(np.float32)
        self.gain_r = (np.sin(angle) * vel * np.sqrt(2)).astype(np.float32)
        #: (left, right) gain of each event as Python floats (exact float32 values), what
        #: the compiled :func:`~moodc.dsp.compiled.add_notes` takes
        self.gain_pairs = list(zip(self.gain_l.tolist(), self.gain_r.tolist()))
        # drum sounds are few and short: hold them directly, no cache lookup per block.
        # A pattern plays the same few sounds hundreds of times: each distinct hit and note
        # is looked up (length, flat span, cache keys and hint) once, then each event only
        # registers its reads
        self.drums: list[np.ndarray | None] = []
        self.plans: list[NotePlan | None] = []  # each note's (shared by its repeats)
        self.flat: list[tuple[int, int]] = []
        lengths: list[int] = []
        drums: dict[tuple, np.ndarray] = {}
        notes: dict[tuple, _NoteSound] = {}
        reads: list[tuple[tuple, int, int]] = []
        for k, onset in zip(self.keys, self.starts.tolist()):
            if k[0] == "hit":
                drum = drums.get(k)
                if drum is None:
                    drum = drums[k] = self.drum(k)
                self.drums.append(drum)
                self.plans.append(None)
                self.flat.append((0, 0))
                lengths.append(len(drum))  # a hit's length is its sound's
                continue
            sound = notes.get(k)
            if sound is None:
                sound = notes[k] = self._note_sound(k)
            self.drums.append(None)
            self.plans.append(sound.plan)
            self.flat.append(sound.flat)
            lengths.append(sound.n_total)
            reads += [(read_key, onset + first, onset + stop)
                      for read_key, first, stop in sound.reads]
        cache.expect_all(reads)
        self._notes = notes
        self.lengths = np.array(lengths, dtype=np.int64)
        #: the onsets and lengths as Python ints, what :meth:`render` walks per block
        self._starts, self._lengths = self.starts.tolist(), lengths
        self.max_len = int(self.lengths.max()) if len(items) else 0

    def _note_sound(self, key: tuple) -> "_NoteSound":
        """What every note of event key ``key`` shares, its tone's length hinted to the cache:
        length, reads and flat span all from the one plan its slices are read with."""
        _, instrument, midi, n_gate, glide, cut = key
        plan = note_plan(instrument, midi=midi, n_gate=n_gate, sample_rate=self.sample_rate,
                         cutoff_scale=self.ctl.cutoff_scale * cut, glide_st=glide)
        n_total = plan.env.n_total
        self.cache.hint(plan.raw_key, n_total)
        return _NoteSound(n_total=n_total, flat=plan_flat_span(plan), reads=plan_reads(plan),
                          plan=plan)

    def drum(self, key: tuple) -> np.ndarray:
        """A drum hit's waveform (cached)."""
        # imported here: only a document with hits loads the drum synthesis
        from moodc.synth.drums import drum_sound

        ctl, sr = self.ctl, self.sample_rate
        return self.cache.get((key, sr, ctl.cutoff_scale),
                              lambda: drum_sound(key[1], sample_rate=sr,
                                                 cutoff_scale=ctl.cutoff_scale))

    def segment(self, key: tuple, a: int, b: int) -> tuple[list[tuple[int, np.ndarray]], float]:
        """Samples ``[a, b)`` of an event's sound as ``(runs, scale)`` (see
        :func:`~moodc.synth.notes.note_runs`)."""
        if key[0] == "hit":
            return [(0, self.drum(key)[a:b])], 1.0
        return plan_runs(self._notes[key].plan, start=a, stop=b, cache=self.cache)

    def render(self, out: np.ndarray, start: int) -> None:
        """Write the sum of every event overlapping ``[start, start + n)`` into ``out``
        (2, n; its contents before are ignored).

        The segments are gathered first and added by one compiled call
        (:func:`~moodc.dsp.compiled.add_notes`), in event order, onto zeros it writes
        itself, so the block is walked once in cache-sized chunks rather than once to clear
        it and once per note.
        """
        n = out.shape[1]
        if not len(self.starts):
            add_notes(out, [], [], [], [], True)
            return
        lo = int(np.searchsorted(self.starts, start - self.max_len, side="left"))
        hi = int(np.searchsorted(self.starts, start + n, side="left"))
        offsets: list[int] = []
        segs: list[np.ndarray] = []
        gains_l: list[float] = []
        gains_r: list[float] = []
        starts, lengths = self._starts, self._lengths
        for i in range(lo, hi):
            s, length = starts[i], lengths[i]
            if s + length <= start:
                continue
            a, b = max(start - s, 0), min(start + n - s, length)
            gain_l, gain_r = self.gain_pairs[i]
            drum = self.drums[i]
            if drum is not None:
                offsets.append(s + a - start)
                segs.append(drum[a:b])
                gains_l.append(gain_l)
                gains_r.append(gain_r)
                continue
            # split at the note's flat-sustain edges, so every sample is computed the same
            # way (envelope product or scalar level) whatever the block boundaries
            f0, f1 = self.flat[i]
            plan = self.plans[i]
            cuts = [a] + [c for c in (f0, f1) if a < c < b] + [b]
            for p, q in zip(cuts[:-1], cuts[1:]):
                runs, scale = plan_runs(plan, start=p, stop=q, cache=self.cache)
                run_l, run_r = gain_l, gain_r
                if scale != 1.0:  # the level folded into the gains, each product rounded
                    level = np.float32(scale)
                    run_l = float(self.gain_l[i] * level)
                    run_r = float(self.gain_r[i] * level)
                # a note's runs are side by side: each sample still gets this note's sum
                # once, in the note's place in the order
                for offset, seg in runs:
                    offsets.append(s + p + offset - start)
                    segs.append(seg)
                    gains_l.append(run_l)
                    gains_r.append(run_r)
        add_notes(out, offsets, segs, gains_l, gains_r, True)


class BlockRenderer:
    """Renders a planned piece block by block (blocks must be requested in order).

    In :meth:`iter_blocks`, ``jobs`` from 2 renders the next blocks' layers in a child
    process (or, without ``fork`` or with stems wanted, on a second thread, and ``jobs`` > 2
    a block's layers side by side on ``jobs - 1`` threads) while this block's effects run.
    Every layer and every effect still sees its blocks in order and computes each sample the
    same way, so the audio is identical for any ``jobs``.
    """

    def __init__(self, ctl: Controls, *, duration_s: float, sample_rate: int,
                 seed: int, jobs: int = 1, cache_samples: int = DEFAULT_CACHE_SAMPLES,
                 cache_own_pages: bool = False) -> None:
        self.ctl = ctl
        self.jobs = max(1, int(jobs))
        self.sample_rate = sample_rate
        self.cache = NoteCache(max_samples=cache_samples, own_pages=cache_own_pages)
        plans = plan_piece(ctl, duration_s=duration_s, seed=seed)
        self.layers = {name: _Sounds(p, ctl=ctl, sample_rate=sample_rate, cache=self.cache,
                                     gain=layer_gain(ctl, name=name)
                                     * LAYER_SPECS[name].event_gain)
                       for name, p in plans.items()}
        #: continuous beds under a layer's events (the texture's noise), by layer name
        self.beds: dict[str, Texture] = {}
        for name in plans:
            make_bed = LAYER_SPECS[name].bed
            bed = None if make_bed is None else make_bed(
                ctl.styles[name], ctl=ctl, sample_rate=sample_rate,
                rng=layer_rng(seed, f"{name}/noise"))
            if bed is not None:
                self.beds[name] = bed
        self.reverb = None
        if ctl.reverb_wet > 0.0:
            self.reverb = Reverb(rt60_s=ctl.rt60_s, sample_rate=sample_rate,
                                         size=ctl.reverb_size)
        self.echo = None
        if ctl.echo_wet > 0.0:
            self.echo = Echo(delay_s=0.75 * ctl.beat_s / (1.5 if ctl.beat_division == 3
                                                                  else 1.0),
                                     feedback=ctl.echo_feedback, sample_rate=sample_rate)
        self.tilt = Tilt(tilt_db=ctl.tilt_db, sample_rate=sample_rate)
        self.names = [name for name in vocab.LAYERS if name in self.layers]
        #: rows: echo and reverb send level of each layer (of the mono sum L + R)
        self.send_weights = np.array([[0.5 * LAYER_SPECS[k].echo_send for k in self.names],
                                      [0.5 * LAYER_SPECS[k].reverb_send for k in self.names]],
                                     dtype=np.float32).reshape(2, len(self.names))
        #: each layer's motion gains (left, right) per control point from a first point,
        #: computed :data:`MOTION_CHUNK_POINTS` at a time (:meth:`_motion_rows`); a layer's
        #: entry is only touched by that layer's render, so threads may share the dict
        self._motion_cache: dict[str, tuple[int, np.ndarray]] = {}

    def stems(self, start: int, n: int) -> dict[str, np.ndarray]:
        """Dry stereo (2, n) of every sounding layer for ``[start, start + n)``."""
        stack = self._stack(start, n)
        return {name: stack[i] for i, name in enumerate(self.names)}

    def _stack(self, start: int, n: int, pool: Executor | None = None, *,
               out: np.ndarray | None = None) -> np.ndarray:
        """Every sounding layer's dry stereo in one (layers, 2, n) array (``self.names``
        order), so mixing and the effect sends are a sum and one small product. With a
        ``pool``, the layers render concurrently (each into its own row). Written into
        ``out`` (C-contiguous float32 of that shape) when given: the layer process's shared
        slot. Every row is written whole by its layer (:meth:`_layer`), so the stack is not
        cleared first."""
        self.cache.advance(start)
        stack = np.empty((len(self.names), 2, n), dtype=np.float32) if out is None else out
        if pool is None or len(self.names) < 2:
            for i, name in enumerate(self.names):
                self._layer(name, stack[i], start)
            return stack
        futures = [pool.submit(self._layer, name, stack[i], start)
                   for i, name in enumerate(self.names)]
        for future in futures:
            future.result()
        return stack

    def _layer(self, name: str, buf: np.ndarray, start: int) -> None:
        """One layer's dry stereo for ``[start, start + n)`` written into ``buf`` (2, n;
        its contents before are ignored: the events are summed onto zeros).

        Touches only that layer's state (its events, bed and the shared, thread-safe note
        cache), so different layers may run on different threads."""
        self.layers[name].render(buf, start)
        if name in self.beds:  # buf += gain * bed, one compiled pass per channel and run
            for offset, bed in self.beds[name].runs(start, buf.shape[1]):
                _mix_in_rows(buf[:, offset: offset + bed.shape[1]], bed,
                             LAYER_SPECS[name].gain)
        self._motion(name, buf, start)

    def _motion(self, name: str, buf: np.ndarray, start: int) -> None:
        """Motion LFOs on every layer (in place), so ``motion`` is never inert.

        The pad breathes (tremolo, the strongest), the bass swells gently, and the lead,
        rhythm, texture and accents drift across the stereo field, each at its own rate and
        phase (:attr:`LayerSpec.motion`). The LFOs (at most a few Hz) are evaluated every
        :data:`MOTION_CONTROL_N` samples on a grid fixed to the start of the piece
        (:meth:`_motion_gains`) and interpolated linearly while applied
        (:func:`_apply_control`): one pass per channel.
        """
        n = buf.shape[1]
        k0 = start // MOTION_CONTROL_N
        k1 = (start + n - 1) // MOTION_CONTROL_N + 2
        rows = self._motion_rows(name, k0, k1)
        if rows is None:
            return
        offset = start - k0 * MOTION_CONTROL_N
        _apply_control(buf[0], rows[0], offset=offset)
        _apply_control(buf[1], rows[1], offset=offset)

    def _motion_rows(self, name: str, k0: int, k1: int) -> np.ndarray | None:
        """Layer ``name``'s motion gains (2, k1 - k0) at control points ``k0 .. k1`` (None:
        no motion), from the layer's cached stretch, computed anew (at least
        :data:`MOTION_CHUNK_POINTS` points from ``k0``) when it does not hold them."""
        cached = self._motion_cache.get(name)
        if cached is None or not cached[0] <= k0 or k1 > cached[0] + cached[1].shape[1]:
            rows = self._motion_gains(name, k0, max(k1, k0 + MOTION_CHUNK_POINTS))
            if rows is None:
                return None
            cached = (k0, rows)
            self._motion_cache[name] = cached
        first, rows = cached
        return rows[:, k0 - first: k1 - first]

    def _motion_gains(self, name: str, k0: int, k1: int) -> np.ndarray | None:
        """Layer ``name``'s motion gains (left, right) at control points ``k0 .. k1`` as a
        (2, k1 - k0) float64 array, or None when the layer does not move."""
        ctl = self.ctl
        spec = LAYER_SPECS[name]
        tremolo, autopan, rate_mul, phase = spec.motion
        swell = spec.swells_per_bar(ctl.styles[name])
        if ctl.lfo_hz <= 0 and not swell:
            return None
        t = np.arange(k0, k1, dtype=np.float64) * (MOTION_CONTROL_N / self.sample_rate)
        wave = lfo(t, rate_hz=ctl.lfo_hz * rate_mul, chaotic=ctl.chaotic,
                           phase=phase).astype(np.float64)
        gain = np.ones_like(t)
        if tremolo or swell:
            gain = 1.0 - tremolo * ctl.lfo_depth * (0.5 - 0.5 * wave)
            if swell:  # one crescendo per bar
                gain = gain * (0.25 + 0.75 * np.sin(np.pi * t / ctl.bar_s) ** 2)
        if autopan and ctl.lfo_hz > 0:
            pan = autopan * ctl.lfo_depth * wave
            return np.stack([gain * (1.0 - pan), gain * (1.0 + pan)])
        if tremolo or swell:
            return np.stack([gain, gain])
        return None

    def block(self, start: int, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Mixed, effected stereo (n, 2) float32 and the dry stems for one block."""
        return self._effects(self._stack(start, n), n)

    def iter_blocks(self, spans: Iterable[tuple[int, int]], *, with_stems: bool = True
                    ) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
        """:meth:`block` for consecutive ``(start, n)`` spans, in order.

        With ``jobs`` > 1 the layers of span k+1 render while the effects of span k run: a
        two-stage pipeline. Without ``with_stems`` and where ``fork`` exists, the layers run
        in a child process (:func:`_forked_stacks`): the synth's many small numpy calls
        then no longer take turns on one GIL. Otherwise they run on worker threads (jobs > 2
        also renders a block's layers side by side). The layers and the effects each still
        see their spans in order, so the samples are those of :meth:`block` called span by
        span. Without ``with_stems`` the stems dict is empty.
        """
        spans = list(spans)
        if self.jobs == 1 or len(spans) < 2:  # one span: nothing to overlap, a fork to pay
            for start, n in spans:
                yield self.block(start, n)
            return
        if not with_stems and _can_fork():
            stacks = _forked_stacks(self, spans)
            try:
                for (_, n), stack in zip(spans, stacks):
                    yield self._wet(self._premix(stack), n), {}
            finally:
                stacks.close()
            return
        yield from self._threaded_blocks(spans)

    def _threaded_blocks(self, spans: list[tuple[int, int]]
                         ) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
        """The two-stage pipeline of :meth:`iter_blocks` on threads (with stems)."""
        from concurrent.futures import ThreadPoolExecutor

        # jobs 2: the pipeline alone; more: the stack thread hands layers to jobs - 1 workers
        with ThreadPoolExecutor(max(self.jobs - 1, 1), thread_name_prefix="moodc-layer") as pool, \
                ThreadPoolExecutor(1, thread_name_prefix="moodc-stack") as ahead:
            layers = pool if self.jobs > 2 else None
            pending = ahead.submit(self._stack, *spans[0], layers)
            try:
                for i, (start, n) in enumerate(spans):
                    stack = pending.result()
                    if i + 1 < len(spans):
                        pending = ahead.submit(self._stack, *spans[i + 1], layers)
                    yield self._effects(stack, n)
            finally:
                pending.cancel()
                if not pending.cancelled():
                    pending.exception()  # let a running stack finish before the pools close

    def _effects(self, stack: np.ndarray, n: int
                 ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Mix, sends, echo, reverb, tilt and width of one block's layer ``stack``."""
        return (self._wet(self._premix(stack), n),
                {name: stack[i] for i, name in enumerate(self.names)})

    def _premix(self, stack: np.ndarray) -> np.ndarray:
        """(4, n) float32: the dry mix (left, right), then the echo and reverb sends (zero
        when neither effect is on) of one block's layer ``stack``: everything the effects
        read."""
        premix = np.empty((4, stack.shape[2]), dtype=np.float32)
        if self.echo is not None or self.reverb is not None:
            # sends: echo, reverb; exact per sample whatever the block length (no BLAS)
            premix_layers(stack, self.send_weights, premix)
        else:
            premix_layers(stack, self.send_weights[:0], premix[:2])
            premix[2:] = 0.0
        return premix

    def _wet(self, premix: np.ndarray, n: int) -> np.ndarray:
        """Echo, reverb, tilt and width of one block's :meth:`_premix` (modified in place):
        the stereo (n, 2) output."""
        ctl = self.ctl
        mix, echo_send, verb_send = premix[:2], premix[2], premix[3]
        # each return one compiled pass per row (mix_in: numpy's `mix += c * wet` floats)
        if self.echo is not None:
            wet = self.echo.process(echo_send)
            _mix_in_rows(mix, wet, ctl.echo_wet * 1.6)
            if self.reverb is not None:  # the echo's mono sum feeds the reverb too
                mix_in(verb_send, wet[0], wet[1], float(np.float32(0.5 * ctl.echo_wet)))
        if self.reverb is not None:
            wet = self.reverb.process(verb_send)
            _mix_in_rows(mix, wet, ctl.reverb_wet * 1.2 / (1.0 - 0.5 * ctl.reverb_wet))
            # the dry gain (1 - wet/2) is folded into the width matrix below
            dry = 1.0 - 0.5 * ctl.reverb_wet
        else:
            dry = 1.0
        return tilted_width(mix, tilt=self.tilt, width=ctl.width, gain=MASTER_GAIN * dry)


#: ``mix_in``'s "no second row": the return is one row, not two folded to mono
_NO_ROW = np.empty(0, dtype=np.float32)


def _mix_in_rows(mix: np.ndarray, wet: np.ndarray, gain: float) -> None:
    """``mix += np.float32(gain) * wet`` for (2, n) float32 rows, in place, one compiled
    pass per row (``wet``'s rows need only be contiguous each, as the echo's view is)."""
    gain32 = float(np.float32(gain))
    for row, wet_row in zip(mix, wet):
        mix_in(row, wet_row, _NO_ROW, gain32)


def _can_fork() -> bool:
    """Whether a child process can start as a copy of this one (``fork``: Linux, BSD).

    macOS lists ``fork`` but its system frameworks are not fork-safe once threads ran, and
    Windows has none; there the layers stay on threads (same samples, less speed). Nor can a
    daemonic process (a batch's pool worker) have children.
    """
    import multiprocessing
    import sys

    return (sys.platform.startswith("linux") and not multiprocessing.current_process().daemon
            and "fork" in multiprocessing.get_all_start_methods())


def _forked_stacks(renderer: BlockRenderer, spans: list[tuple[int, int]]
                   ) -> Iterator[np.ndarray]:
    """Every span's :meth:`BlockRenderer._stack`, rendered by a forked child process.

    The child is a copy of this process at the fork, so it holds the renderer's plan, note
    cache and beds as they are and renders the spans in order: the same samples this process
    would compute. It writes each stack straight into one of :data:`N_STACK_SLOTS` slots of
    memory shared with this process, and the two pipes carry only tokens: "slot ready" one
    way, "slot free" the other. Two reasons. Sending 1.4 MB premixes through a pipe cost
    ~1.4 s of CPU per 10 minutes of audio (the child's writes, and here 64 KiB reads into a
    buffer copied twice), on this process's main thread. And with nothing to copy, the
    layers' premix (:meth:`BlockRenderer._premix`, ~0.5 s per 10 minutes) can run here, in
    the process that waits, rather than in the child, which bounds the pipeline. The slots
    bound memory, as the pipe did. Closing the generator early ends the child. A failure in
    the child is raised here.
    """
    import mmap
    import multiprocessing

    n_slots = N_STACK_SLOTS
    shape = (len(renderer.names), 2)
    slot_floats = len(renderer.names) * 2 * max(n for _, n in spans)
    # anonymous and MAP_SHARED: the forked child writes the very pages this process reads
    shared = mmap.mmap(-1, max(n_slots * slot_floats * 4, 1))
    slots = np.frombuffer(shared, dtype=np.float32, count=n_slots * slot_floats)
    slots = slots.reshape(n_slots, slot_floats)
    context = multiprocessing.get_context("fork")
    ready_here, ready_there = context.Pipe(duplex=False)
    free_there, free_here = context.Pipe(duplex=False)
    child = context.Process(target=_stack_child,
                            args=(renderer, spans, slots, ready_there, free_there,
                                  (ready_here, free_here)),
                            name="moodc-layers", daemon=True)
    child.start()
    ready_there.close()
    free_there.close()
    try:
        for i, (_, n) in enumerate(spans):
            if i:  # the caller is done with the previous span's slot
                try:
                    free_here.send_bytes(b"")
                except BrokenPipeError:  # the child has ended: its reason, if any, is next
                    pass
            try:
                failure = ready_here.recv_bytes()
            except EOFError:
                raise RuntimeError("the synth's layer process ended without a reason "
                                   f"(exit code {child.exitcode})") from None
            if failure:
                raise RuntimeError(f"the synth's layer process failed: {failure.decode()}")
            yield _slot(slots, i, shape + (n,))
        child.join()
    finally:
        ready_here.close()
        free_here.close()
        _end_child(child)


#: Seconds a layer process is given to end on SIGTERM before it is killed: it ends at once
#: unless it is stuck where a Python-level handler cannot run (it inherits the parent's
#: handlers until it resets them), and an unwinding render must never wait on it forever.
CHILD_TERM_WAIT_S = 5.0


def _end_child(child: Any) -> None:
    """Stop the layer process ``child`` if it still runs: SIGTERM, then SIGKILL after
    :data:`CHILD_TERM_WAIT_S`; reaped either way."""
    if not child.is_alive():
        return
    child.terminate()
    child.join(CHILD_TERM_WAIT_S)
    if child.is_alive():
        child.kill()
        child.join()


#: Stacks the layer process may render ahead of the effects: slack for the two processes'
#: uneven block costs and for a busy machine's scheduling (each is layers × 2 rows × 2 s:
#: at most 4.2 MB).
N_STACKS_AHEAD = 3
#: Shared stack slots: the one the effects read, the ones rendered ahead, the one the child
#: is writing.
N_STACK_SLOTS = N_STACKS_AHEAD + 2


def _slot(slots: np.ndarray, index: int, shape: tuple[int, ...]) -> np.ndarray:
    """Span ``index``'s stack ``shape`` as a C-contiguous view of its shared slot."""
    return slots[index % slots.shape[0], : math.prod(shape)].reshape(shape)


def _stack_child(renderer: BlockRenderer, spans: list[tuple[int, int]], slots: np.ndarray,
                 ready: Any, free: Any, parent_ends: tuple[Any, ...]) -> None:
    """The child of :func:`_forked_stacks`: render span ``i``'s stack into shared slot
    ``i % len(slots)`` once the parent has freed it, then say so on ``ready`` (an empty
    message; a failure sends its traceback instead).

    ``parent_ends`` are the parent's ends of the two pipes, inherited by the fork: closed
    first, so that when the parent goes away (even killed) waiting for a free slot meets the
    end of the pipe, and announcing a ready one a broken pipe: either way this process ends.
    """
    import signal
    import traceback

    for end in parent_ends:
        end.close()
    # the parent's handlers (e.g. removing a half-written output) are the parent's business
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    n_slots = slots.shape[0]
    shape = (len(renderer.names), 2)
    try:
        for i, (start, n) in enumerate(spans):
            if i >= n_slots:
                free.recv_bytes()  # slot i % n_slots held span i - n_slots: wait for it
            renderer._stack(start, n, out=_slot(slots, i, shape + (n,)))
            ready.send_bytes(b"")
    except (EOFError, BrokenPipeError):
        return  # the parent stopped reading: nothing left to do
    except BaseException:  # hand the reason to the parent, which raises it
        try:
            ready.send_bytes(traceback.format_exc(limit=8).encode())
        except OSError:
            pass
    finally:
        ready.close()
        free.close()
