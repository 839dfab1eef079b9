"""One note of one instrument: raw tone × envelope × gain, read in any slices.

:func:`note_runs` is what the block renderer calls: it returns samples ``[start, stop)``
of a note (:func:`note_segment` joins them into one array), sharing raw tones (and short
finished notes) through a :class:`NoteCache`, and inside a long note's flat sustain it
returns views of the raw tone with a scalar level instead of paying for an envelope
product or a copy. Every sample is the same whatever the slicing, so streaming
in blocks gives the audio of a one-shot render.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from moodc.synth.envelope import NoteEnvelope, envelope_slice, note_envelope
from moodc.synth.envelope import flat_span as envelope_flat_span
from moodc.synth.instruments import INSTRUMENT_VOICES, Instrument
from moodc.synth.notecache import NoteCache, RawTone, join_runs
from moodc.synth.oscillators import MAX_HARMONIC_FRACTION, midi_to_hz

#: Notes at most this long (gate + release) are kept finished in the cache: short notes
#: repeat (patterns, riffs), so a repeat is a slice rather than a product.
SHORT_NOTE_S = 2.0


def _envelope(voice: Instrument, *, n_gate: int, sample_rate: int) -> NoteEnvelope:
    return note_envelope(voice.envelope, n_gate=n_gate, sample_rate=sample_rate)


def note_length(instrument: str, *, n_gate: int, sample_rate: int) -> int:
    """Samples a note lasts for this instrument and gate (gate + release)."""
    voice = INSTRUMENT_VOICES[instrument]
    return _envelope(voice, n_gate=n_gate, sample_rate=sample_rate).n_total


def _raw_key(instrument: str, *, midi: float, sample_rate: int, cutoff_scale: float,
             glide_st: float) -> tuple:
    voice = INSTRUMENT_VOICES[instrument]
    glide_st = glide_st if voice.glides else 0.0  # one cache entry, not one per slide
    return ("raw", instrument, midi, sample_rate, cutoff_scale, glide_st)


def _note_key(raw_key: tuple, n_gate: int) -> tuple:
    """Cache key of a finished short note (its raw tone's key and its gate)."""
    return ("note",) + raw_key[1:] + (n_gate,)


def _raw_tone(voice: Instrument, *, freq_hz: float, sample_rate: int, cutoff_scale: float,
              glide_st: float) -> RawTone:
    """A fresh :class:`RawTone` of ``voice`` at ``freq_hz``."""
    def make(n: int) -> np.ndarray:
        return voice.osc(freq_hz, n_samples=n, sample_rate=sample_rate,
                         cutoff_hz=voice.cutoff_hz * cutoff_scale, glide_st=glide_st)
    return RawTone(make, sample_rate=sample_rate, percussive=voice.percussive,
                   period_n=sample_rate / freq_hz)


def note_segment(instrument: str, *, midi: float, n_gate: int, start: int, stop: int,
                 sample_rate: int, cutoff_scale: float, glide_st: float = 0.0,
                 cache: NoteCache | None = None) -> tuple[np.ndarray, float]:
    """Samples ``[start, stop)`` of one note (raw tone × ADSR × gain) as ``(samples, scale)``:
    the note is ``samples * scale``. Inside a long note's flat sustain ``samples`` is the
    raw tone itself (often a view) and ``scale`` the level, so the caller folds the level
    into its own gains instead of paying for an envelope and a product. Do not modify
    ``samples``. :func:`note_runs` joined; see it for the parameters.
    """
    runs, scale = note_runs(instrument, midi=midi, n_gate=n_gate, start=start, stop=stop,
                            sample_rate=sample_rate, cutoff_scale=cutoff_scale,
                            glide_st=glide_st, cache=cache)
    return join_runs(runs, n=stop - start), scale


class NotePlan(NamedTuple):
    """What every slice of one distinct note shares (:func:`note_plan`): worked out once per
    note a renderer plays, not for every block of every repeat (~1 k slices a minute)."""

    voice: Instrument
    env: NoteEnvelope
    freq_hz: float
    sample_rate: int
    cutoff_scale: float
    glide_st: float
    raw_key: tuple
    #: the finished note's cache key when the note is kept whole (short notes), else None
    note_key: tuple | None
    #: ``(first, stop)``: where the envelope is flat (:func:`~moodc.synth.envelope.flat_span`),
    #: and the scalar read there instead (level times the voice's gain, each float32)
    flat: tuple[int, int]
    flat_scale: float
    #: above what the sample rate carries: the note is silence
    silent: bool


def note_plan(instrument: str, *, midi: float, n_gate: int, sample_rate: int,
              cutoff_scale: float, glide_st: float = 0.0) -> NotePlan:
    """The :class:`NotePlan` of one note; see :func:`note_runs` for the parameters."""
    voice = INSTRUMENT_VOICES[instrument]
    env = _envelope(voice, n_gate=n_gate, sample_rate=sample_rate)
    freq_hz = midi_to_hz(midi)
    glide_st = glide_st if voice.glides else 0.0  # one cache entry, not one per slide
    raw_key = _raw_key(instrument, midi=midi, sample_rate=sample_rate,
                       cutoff_scale=cutoff_scale, glide_st=glide_st)
    short = env.n_total <= SHORT_NOTE_S * sample_rate
    f0, f1, level = envelope_flat_span(env)
    return NotePlan(voice=voice, env=env, freq_hz=freq_hz, sample_rate=sample_rate,
                    cutoff_scale=cutoff_scale, glide_st=glide_st, raw_key=raw_key,
                    note_key=_note_key(raw_key, env.n_gate) if short else None,
                    flat=(f0, f1), flat_scale=float(np.float32(level)
                                                    * np.float32(voice.gain)),
                    silent=freq_hz >= MAX_HARMONIC_FRACTION * sample_rate)


def plan_reads(plan: NotePlan) -> tuple[tuple[tuple, int, int], ...]:
    """What the note ``plan`` describes asks of the cache: each item it reads as
    ``(key, first, stop)``, samples from its onset (see
    :meth:`~moodc.synth.notecache.NoteCache.expect`); its raw tone's length hint is
    ``plan.env.n_total``. A renderer works it out once per distinct note, from the plan it
    reads the note's slices with, so the keys registered are the keys read."""
    n_total = plan.env.n_total
    if plan.note_key is not None:
        # the finished note is read during the note; its raw tone only when it is made
        return (plan.note_key, 0, n_total), (plan.raw_key, 0, 1)
    return ((plan.raw_key, 0, n_total),)


def plan_flat_span(plan: NotePlan) -> tuple[int, int]:
    """:func:`flat_span` of the note ``plan`` describes: where :func:`plan_runs` returns the
    raw tone with a scalar level (empty for short, cached notes)."""
    return (0, 0) if plan.note_key is not None else plan.flat


def note_runs(instrument: str, *, midi: float, n_gate: int, start: int, stop: int,
              sample_rate: int, cutoff_scale: float, glide_st: float = 0.0,
              cache: NoteCache | None = None) -> tuple[list[tuple[int, np.ndarray]], float]:
    """Samples ``[start, stop)`` of one note as ``(runs, scale)``: consecutive
    ``(offset, samples)`` runs (offset from ``start``) covering the slice, the note being
    ``samples * scale`` in each. Inside a long note's flat sustain the runs are views of
    the raw tone and its loop (:meth:`~moodc.synth.notecache.RawTone.runs`: a sustain read
    past the loop's start is not copied) and ``scale`` the level, so the caller folds the
    level into its own gains instead of paying for an envelope and a product; elsewhere
    there is one run. Do not modify the samples.

    Parameters
    ----------
    instrument : str
        A key of :data:`~moodc.synth.instruments.INSTRUMENT_VOICES`.
    midi : float
        Pitch (MIDI number).
    n_gate : int
        Samples from note-on to note-off; the release follows (see :func:`note_length`).
    start, stop : int
        The slice of the note wanted, ``0 <= start <= stop <= note_length``.
    sample_rate : int
        Output rate in Hz.
    cutoff_scale : float
        Brightness multiplier on the instrument's base cutoff.
    glide_st : float
        Start this many semitones away and glide to the pitch (slides).
    cache : NoteCache, optional
        Where raw tones are kept, so notes of the same pitch and timbre share one synthesis
        whatever their length, and a long note is synthesized once across blocks.
    """
    plan = note_plan(instrument, midi=midi, n_gate=n_gate, sample_rate=sample_rate,
                     cutoff_scale=cutoff_scale, glide_st=glide_st)
    return plan_runs(plan, start=start, stop=stop, cache=cache)


def plan_runs(plan: NotePlan, *, start: int, stop: int, cache: NoteCache | None = None
              ) -> tuple[list[tuple[int, np.ndarray]], float]:
    """:func:`note_runs` of the note ``plan`` describes (a renderer plans each distinct
    note once and reads its slices from the plan)."""
    if plan.silent:
        return [(0, np.zeros(stop - start, dtype=np.float32))], 1.0
    voice, env, raw_key = plan.voice, plan.env, plan.raw_key

    def make_raw() -> RawTone:
        return _raw_tone(voice, freq_hz=plan.freq_hz, sample_rate=plan.sample_rate,
                         cutoff_scale=plan.cutoff_scale, glide_st=plan.glide_st)
    if cache is not None and plan.note_key is not None:
        # one lookup per segment: the raw tone is fetched only when the note is made (what
        # plan_reads registers), not for every block of every repeat of a short note
        note = cache.get(plan.note_key,
                         lambda: _finished_note(cache.get(raw_key, make_raw), env,
                                                gain=voice.gain,
                                                total=_tone_total(cache, raw_key, env)))
        return [(0, note[start:stop])], 1.0
    raw = make_raw() if cache is None else cache.get(raw_key, make_raw)
    total = env.n_total if cache is None else _tone_total(cache, raw_key, env)
    if plan.flat[0] <= start and stop <= plan.flat[1]:
        # inside a flat stretch (a long sustain): a scalar, no envelope
        return raw.runs(start, stop, total=total), plan.flat_scale
    return [(0, raw.slice(start, stop, total=total) * _gained_envelope(env, voice.gain, start,
                                                                       stop))], 1.0


def _tone_total(cache: NoteCache, raw_key: tuple, env: NoteEnvelope) -> int:
    """The longest read ``cache`` expects of the raw tone ``raw_key``, in samples: at least
    this note, unless the renderer ends before the note does (:meth:`NoteCache.end_at`)."""
    return cache.length_hints.get(raw_key) or env.n_total


def _gained_envelope(env: NoteEnvelope, gain: float, start: int, stop: int) -> np.ndarray:
    """Samples ``[start, stop)`` of the envelope times the instrument gain (float32)."""
    out = envelope_slice(env, start=start, stop=stop)
    out *= np.float32(gain)
    return out


def _finished_note(raw: RawTone, env: NoteEnvelope, *, gain: float, total: int) -> np.ndarray:
    """The whole short note, read-only: what the cache keeps for repeats."""
    note = raw.slice(0, env.n_total, total=total) * _gained_envelope(env, gain, 0, env.n_total)
    note.flags.writeable = False
    return note


def flat_span(instrument: str, *, n_gate: int, sample_rate: int) -> tuple[int, int]:
    """Samples ``[first, stop)`` of a note where :func:`note_segment` returns the raw tone
    with a scalar level (empty for short, cached notes). A caller that must get identical
    samples whatever its block boundaries splits its reads at these two indices."""
    env = _envelope(INSTRUMENT_VOICES[instrument], n_gate=n_gate, sample_rate=sample_rate)
    if env.n_total <= SHORT_NOTE_S * sample_rate:
        return 0, 0
    f0, f1, _ = envelope_flat_span(env)
    return f0, f1


def note_slice(instrument: str, *, midi: float, n_gate: int, start: int, stop: int,
               sample_rate: int, cutoff_scale: float, glide_st: float = 0.0,
               cache: NoteCache | None = None) -> np.ndarray:
    """Samples ``[start, stop)`` of one note: raw tone × ADSR × gain (float32).

    See :func:`note_segment` for the parameters.
    """
    samples, scale = note_segment(instrument, midi=midi, n_gate=n_gate, start=start,
                                  stop=stop, sample_rate=sample_rate,
                                  cutoff_scale=cutoff_scale, glide_st=glide_st, cache=cache)
    return samples if scale == 1.0 else samples * np.float32(scale)


def render_note(instrument: str, *, midi: float, n_gate: int, sample_rate: int,
                cutoff_scale: float, glide_st: float = 0.0) -> np.ndarray:
    """One whole note (float32, :func:`note_length` samples); see :func:`note_slice`."""
    n_total = note_length(instrument, n_gate=n_gate, sample_rate=sample_rate)
    return note_slice(instrument, midi=midi, n_gate=n_gate, start=0, stop=n_total,
                      sample_rate=sample_rate, cutoff_scale=cutoff_scale, glide_st=glide_st)
