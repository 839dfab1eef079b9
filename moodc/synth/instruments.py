"""The instruments: one raw-tone recipe per instrument, and the table of their envelopes,
cutoffs and gains.

Each recipe says what makes the instrument sound like itself, in terms of the generators of
:mod:`moodc.synth.oscillators`. The table :data:`INSTRUMENT_VOICES` is what the rest of the
synth reads.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from moodc.dsp.design import peaking_sos
from moodc.synth.envelope import Adsr
from moodc.synth.oscillators import (CONSOLE_FRAME_HZ, MAX_HARMONIC_FRACTION, additive_tone,
                                     blocks, breath_noise, fm_live_n, fm_tone, karplus_strong,
                                     modal_tone, sosfilt_in_blocks)


# ------------------------------------------------------------------------------------------
# Harmonic recipes: amplitude of harmonic k (1-based) at frequency f_k.
# ------------------------------------------------------------------------------------------

def _saw(k: np.ndarray, f: np.ndarray) -> np.ndarray:
    return 1.0 / k


def _triangle(k: np.ndarray, f: np.ndarray) -> np.ndarray:
    return np.where(k % 2 == 1, ((-1.0) ** ((k - 1) // 2)) / k**2, 0.0)


def _pulse(duty: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return np.sin(np.pi * k * duty) / k
    return amps


def _formants(peaks: tuple[tuple[float, float, float], ...], tilt: float
              ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Harmonic weights shaped by resonances ``(centre_hz, bandwidth_hz, gain)``."""
    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        env = np.full(k.shape, 0.02)
        for centre, bw, gain in peaks:
            env = env + gain / (1.0 + ((f - centre) / (bw / 2.0)) ** 2)
        return env / k**tilt
    return amps


# ------------------------------------------------------------------------------------------
# Instruments. Each says what makes it sound like itself.
# ------------------------------------------------------------------------------------------

def sine(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Pure sine with a second harmonic whisper: the plainest, roundest tone."""
    return additive_tone(lambda k, f: np.where(k == 1, 1.0, np.where(k == 2, 0.04, 0.0)),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=max(cutoff_hz, freq_hz * 2.5), glide_st=glide_st)


def triangle(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
             glide_st: float) -> np.ndarray:
    """Odd harmonics falling 12 dB/octave: soft, hollow, flute-like but electronic."""
    return additive_tone(_triangle, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, glide_st=glide_st)


def saw(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """All harmonics at 1/k, two voices 9 cents apart: the buzzy analogue-synth lead."""
    return additive_tone(_saw, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, detune_cents=(-4.5, 4.5), glide_st=glide_st,
                         voice_gains=(1.0, 0.6))


#: The pulse lead's duty cycle, frame by frame (indices into :data:`PULSE_DUTIES`): a thin
#: 12.5 % blip for three frames, 25 % for four, then a round 50 % for as long as the note
#: holds. The duty moves with every note, so its movement follows the tempo; a fixed 7.5 Hz
#: "duty vibrato" on held notes (tried) made a very slow chiptune flutter at a fast rate
#: whatever the tempo (librosa heard ~5 onsets/s at every label).
PULSE_DUTIES: tuple[float, ...] = (0.125, 0.25, 0.5)
DUTY_ATTACK_FRAMES: tuple[int, ...] = (0, 0, 0, 1, 1, 1, 1)
DUTY_CYCLE_FRAMES: tuple[int, ...] = (2,)
#: Each duty change is a crossfade this long, so it never clicks (a real console's does).
DUTY_XFADE_S = 0.004


def duty_index(n_frames: int) -> np.ndarray:
    """Index into :data:`PULSE_DUTIES` of each of the first ``n_frames`` frames of a note."""
    head = np.array(DUTY_ATTACK_FRAMES[:n_frames], dtype=np.int64)
    cycle = np.array(DUTY_CYCLE_FRAMES, dtype=np.int64)
    n_tail = max(n_frames - len(head), 0)
    return np.concatenate([head, np.resize(cycle, n_tail)])


def frame_steps(values: np.ndarray, *, n_samples: int, sample_rate: int,
                start: int = 0) -> np.ndarray:
    """Per-sample float32 curve holding ``values[k]`` through video frame k (at
    :data:`~moodc.synth.oscillators.CONSOLE_FRAME_HZ`), ramping from the previous frame's
    value over the first :data:`DUTY_XFADE_S` of each frame: its samples
    ``[start, start + n_samples)``. Each sample depends on its index only, so the curve is
    prefix-consistent (cached tones can grow) and can be made block by block.

    ``values`` must cover every frame the samples touch.
    """
    frame_n = sample_rate / CONSOLE_FRAME_HZ
    n_frames = len(values)
    starts = np.arange(n_frames) * frame_n
    knots_x = np.stack([starts + DUTY_XFADE_S * sample_rate, starts + frame_n], 1).ravel()
    knots_y = np.repeat(np.asarray(values, dtype=np.float64), 2)
    return np.interp(np.arange(start, start + n_samples, dtype=np.float64), knots_x,
                     knots_y).astype(np.float32)


def _n_frames(n_samples: int, *, sample_rate: int) -> int:
    """Frames touched by ``n_samples`` samples, plus one (the knots' guard)."""
    return int(np.ceil(n_samples * CONSOLE_FRAME_HZ / sample_rate)) + 1


def square_8bit(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                glide_st: float) -> np.ndarray:
    """Chiptune pulse: the duty cycle changes frame by frame like a console's pulse channel.

    Hard-edged (no brightness low-pass below 6 kHz) and vibrato-free. The driver's duty
    sequence (:data:`DUTY_ATTACK_FRAMES`, then :data:`DUTY_CYCLE_FRAMES`) gives the nasal
    "bleep" of the attack and then the hollow/nasal wobble of a held 8-bit note.
    """
    cut = max(cutoff_hz, 6000.0)
    idx = duty_index(_n_frames(n_samples, sample_rate=sample_rate))
    out = np.zeros(n_samples, dtype=np.float32)
    for i, duty in enumerate(PULSE_DUTIES):
        if np.any(idx == i):
            # a duty's weight is exactly 0 after its last frame, and adding 0 to ``out``
            # (never -0.0) leaves it bit for bit: the attack's duties are made only that long
            n_duty = _frames_span_n(idx == i, n_samples=n_samples, sample_rate=sample_rate)
            tone = additive_tone(_pulse(duty), freq_hz, n_samples=n_duty,
                                 sample_rate=sample_rate, cutoff_hz=cut, glide_st=glide_st)
            for start, stop in blocks(n_duty):  # a block's weights at a time
                out[start:stop] += frame_steps(idx == i, n_samples=stop - start,
                                               sample_rate=sample_rate,
                                               start=start) * tone[start:stop]
            del tone  # before the next duty's tone is made
    return out


def _frames_span_n(is_on: np.ndarray, *, n_samples: int, sample_rate: int) -> int:
    """Samples (at most ``n_samples``) up to which the :func:`frame_steps` curve of the
    0/1 frame values ``is_on`` can be nonzero: to the end of the crossfade out of its last
    ``on`` frame, or the whole tone when that frame is the last one."""
    last = int(np.flatnonzero(is_on)[-1])
    if last == len(is_on) - 1:
        return n_samples
    frame_n = sample_rate / CONSOLE_FRAME_HZ
    return min(n_samples, int(np.ceil((last + 1) * frame_n + DUTY_XFADE_S * sample_rate)) + 1)


#: Most notes a console chord arpeggio cycles through (a ninth chord); more are dropped.
ARP_MAX_NOTES = 5


def chip_arp_voice(n_notes: int) -> str:
    """Name of the private voice playing one note of an ``n_notes``-note frame arpeggio
    (``1 <= n_notes <= ARP_MAX_NOTES``)."""
    return f"_chip_arp_{n_notes}"


def _arp_turns(n_notes: int) -> Callable[..., np.ndarray]:
    """The raw tone of one note of a console chord arpeggio: a plain 25 % pulse that has the
    channel one frame in every ``n_notes`` (frames 0, n, 2n ... from its start). The
    chord's notes, started a frame apart, take turns at 60 Hz."""
    def osc(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
        frames = np.arange(_n_frames(n_samples, sample_rate=sample_rate))
        tone = additive_tone(_pulse(0.25), freq_hz, n_samples=n_samples,
                             sample_rate=sample_rate, cutoff_hz=max(cutoff_hz, 6000.0),
                             glide_st=glide_st)
        for start, stop in blocks(n_samples):  # gated in place, a block's gate at a time
            tone[start:stop] *= frame_steps(frames % n_notes == 0, n_samples=stop - start,
                                            sample_rate=sample_rate, start=start)
        return tone
    return osc


def pluck(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Karplus-Strong string plucked mid-way: a bright attack that mellows as it decays."""
    return karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                          cutoff_hz=cutoff_hz * 2, decay_s=1.2 * (220 / freq_hz) ** 0.3,
                          pluck_position=0.3, name="pluck")


#: The skank's choke: the palm lands on the strings as they are strummed, so a string rings
#: to -60 dB in this long (s) instead of a plucked string's second: a chop, not a note.
CHOKED_RING_S = 0.08
#: The pick scraping the damped strings (centre Hz, level, decay s): the bright "chk" that
#: is most of what a listener hears of a muted strum.
CHOKED_SCRATCH: tuple[float, float, float] = (3200.0, 0.3, 0.018)


def pluck_choked(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                 glide_st: float) -> np.ndarray:
    """A plucked string choked by the palm (the reggae guitarist's skank, a staccato
    strum): struck near the bridge (bright, thin), damped to silence within
    :data:`CHOKED_RING_S`, with the pick's scratch on the damped strings
    (:data:`CHOKED_SCRATCH`) on top. A plain pluck cut short by its envelope still rings
    like a harp for the length of the stroke; the choked one is percussive, a chop."""
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 2, decay_s=CHOKED_RING_S,
                            pluck_position=0.12, name="pluck_choked")
    return _add_prefix(string, _touch("pluck_choked_scratch", burst=CHOKED_SCRATCH,
                                      cutoff_hz=cutoff_hz * 2, sample_rate=sample_rate))


def bell(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Church-bell partials (hum 0.5, prime 1, minor-third tierce 1.19, quint 1.5, nominal 2,
    2.5, 3 ...): the inharmonic minor-third tierce is what makes a bell sound like a bell;
    high partials die first, the hum rings longest."""
    partials = ((0.5, 0.35, 4.0), (1.0, 1.0, 3.0), (1.19, 0.45, 2.2), (1.5, 0.3, 1.6),
                (2.0, 0.5, 1.3), (2.51, 0.25, 0.8), (3.01, 0.2, 0.5), (4.1, 0.12, 0.3))
    return modal_tone(partials, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 3)


#: Decay time (s) of the electric piano's tine ping.
TINE_DECAY_S = 0.03


def electric_piano(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                   glide_st: float) -> np.ndarray:
    """Tine piano: 1:1 FM whose index decays (bark → round) plus a short 14:1 tine ping."""
    body = fm_tone(freq_hz, n_samples=n_samples, sample_rate=sample_rate, ratio=1.0,
                   index_start=1.6 * min(1.0, cutoff_hz / 2500), index_end=0.25,
                   index_decay_s=0.35, amp_decay_s=2.5)
    if freq_hz * 14 < MAX_HARMONIC_FRACTION * sample_rate:
        # the ping is silent after its first 0.28 s: made (and added) only that long
        n_ping = fm_live_n(amp_decay_s=TINE_DECAY_S, n_samples=n_samples,
                           sample_rate=sample_rate)
        tine = fm_tone(freq_hz * 14, n_samples=n_ping, sample_rate=sample_rate, ratio=1.0,
                       index_start=0.0, index_end=0.0, index_decay_s=1.0,
                       amp_decay_s=TINE_DECAY_S)
        body[:n_ping] += np.float32(0.15) * tine
    return body


def organ(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Tonewheel drawbars 16' 8' 4' 2⅔' 2' (harmonics 0.5, 1, 2, 3, 4 of the key) with a
    6.7 Hz Leslie-like vibrato: steady, never decays, instantly on and off."""
    drawbars = {1: 0.5, 2: 1.0, 4: 0.7, 6: 0.5, 8: 0.45, 12: 0.2, 16: 0.15}

    def amps(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return np.array([drawbars.get(int(x), 0.0) for x in k])
    return additive_tone(amps, freq_hz / 2, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=6.7, vibrato_cents=6.0,
                         glide_st=glide_st)


def _bowed_section(k: np.ndarray, f: np.ndarray) -> np.ndarray:
    """A string section's harmonics: 1/k (the bowed string's sawtooth) with the bowed
    body's broad resonance around 2.5 kHz."""
    return (1.0 / k) * (0.6 + 0.8 / (1.0 + ((f - 2500.0) / 1500.0) ** 2))


def strings(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """String section: three saws detuned ±8 cents, each with its own 5.5 Hz vibrato, and a
    bowed-body resonance around 2.5 kHz; the ensemble shimmer is the chorus of players."""
    return additive_tone(_bowed_section, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, detune_cents=(-6.0, 0.0, 7.0),
                         vibrato_hz=5.5, vibrato_cents=9.0, vibrato_delay_s=0.25,
                         glide_st=glide_st, voice_gains=(0.6, 1.0, 0.6))


def brass(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Brass: brightness grows with breath pressure — a dull table blooms into a bright one
    over 90 ms, with a lip scoop from a third of a semitone flat."""
    kw = dict(sample_rate=sample_rate, glide_st=glide_st - 0.3, vibrato_hz=5.0,
              vibrato_cents=7.0, vibrato_delay_s=0.4)
    bloom_n = 0.09 * sample_rate
    dull = additive_tone(lambda k, f: 1.0 / k**2, freq_hz, cutoff_hz=cutoff_hz * 0.5,
                         n_samples=_bloom_span_n(bloom_n=bloom_n, n_samples=n_samples), **kw)
    bright = additive_tone(lambda k, f: 1.0 / k**0.9, freq_hz, cutoff_hz=cutoff_hz * 1.2,
                           n_samples=n_samples, **kw)
    bright *= np.float32(0.8)
    return _bloom(dull, bright, bloom_n=bloom_n)


def _bloom_span_n(*, bloom_n: float, n_samples: int) -> int:
    """Samples of a tone's dull start that :func:`_bloom` reads (those before the bloom
    ends)."""
    return min(n_samples, int(np.ceil(bloom_n)))


def _bloom(dull: np.ndarray, full: np.ndarray, *, bloom_n: float) -> np.ndarray:
    """``dull · (1 - w) + full · w`` with ``w`` rising linearly from 0 to 1 over the first
    ``bloom_n`` samples: a tone that opens up, written over ``full``.

    From ``bloom_n`` on ``w`` is 1 and the mix is ``full`` bit for bit (``dull · 0`` is a
    zero, and an additive tone is never -0.0: its sum starts from +0.0, and +0.0 + -0.0 is
    +0.0, so adding a zero changes no bit of it), so ``dull`` need only be the prefix of
    :func:`_bloom_span_n` samples: half the synthesis and one whole tone less memory. The
    bloom is mixed a block at a time (each sample depends on its index only).
    """
    for start, stop in blocks(len(dull)):
        w = np.clip(np.arange(start, stop) / bloom_n, 0, 1).astype(np.float32)
        full[start:stop] = dull[start:stop] * (1 - w) + full[start:stop] * w
    return full


def _mix_into(tone: np.ndarray, other: np.ndarray, *, gain: float) -> np.ndarray:
    """``tone + gain · other``, computed in place (two whole-tone temporaries fewer)."""
    other *= np.float32(gain)
    tone += other
    return tone


def _by_harmonic(*amps: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """An additive recipe from a short table: ``amps[0]`` for the fundamental, ``amps[1]``
    for the 2nd harmonic ..., nothing above (the pipes: flute, tin whistle)."""
    table = np.array((0.0, *amps))  # by harmonic number

    def recipe(k: np.ndarray, freqs_hz: np.ndarray) -> np.ndarray:
        return np.where(k < len(table), table[np.minimum(k, len(table) - 1)], 0.0)
    return recipe


def flute(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Concert flute: nearly sine (weak 2nd/3rd harmonics) plus band-passed breath noise and
    a gentle 5 Hz vibrato that arrives after the note speaks."""
    tone = additive_tone(_by_harmonic(1.0, 0.25, 0.12, 0.05, 0.03), freq_hz,
                         n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=5.0, vibrato_cents=10.0,
                         vibrato_delay_s=0.2, glide_st=glide_st)
    air = breath_noise("flute", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=1.6)
    return _mix_into(tone, air, gain=0.08)


#: The longest note a flautist holds on one breath (s), a shakuhachi player's long tone
#: included (see ``Instrument.breath_s``).
FLUTE_BREATH_S = 8.0


def choir(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Voices singing "ah": harmonics shaped by vowel formants (800, 1150, 2900 Hz), three
    singers slightly out of tune with independent vibrato."""
    amps = _formants(((800.0, 160.0, 1.0), (1150.0, 220.0, 0.6), (2900.0, 400.0, 0.25)), 0.6)
    return additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, detune_cents=(-10.0, 2.0, 11.0),
                         voice_gains=(0.7, 1.0, 0.7),
                         vibrato_hz=5.2, vibrato_cents=14.0, vibrato_delay_s=0.3,
                         glide_st=glide_st)


def marimba(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Tuned wooden bar: fundamental plus the 4th and ~10th partials that a marimba bar is
    cut to produce, all dying fast — a warm "tok" with a short woody ring."""
    partials = ((1.0, 1.0, 0.5), (3.99, 0.35, 0.12), (9.9, 0.12, 0.03))
    return modal_tone(partials, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 3)


def celesta(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Hammered steel plates over wooden resonators: a sweet pure fundamental with a glassy
    bright strike partial (×4 and ×6.8) that vanishes in a tenth of a second."""
    partials = ((1.0, 1.0, 1.1), (2.0, 0.15, 0.5), (4.0, 0.3, 0.1), (6.8, 0.15, 0.05))
    return modal_tone(partials, freq_hz * 2, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 4)


def koto(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Silk string plucked near the bridge with a plectrum (bright, thin) and pressed behind
    the bridge for an upward bend at the start (oshide)."""
    tone = karplus_strong(freq_hz * 2 ** (-0.4 / 12), n_samples=n_samples,
                          sample_rate=sample_rate, cutoff_hz=cutoff_hz * 3, decay_s=1.6,
                          pluck_position=0.12, name="koto")
    return tone


def _double_course(freq_hz: float, *, name: str, cents: float, gain: float,
                   **kw: Any) -> np.ndarray:
    """Two plucked strings of one course, the second ``cents`` sharp (the chorus of paired
    courses: oud, guzheng), summed and scaled by ``gain``; each string has its own noise
    burst (``<name>_a``, ``<name>_b``)."""
    tone = karplus_strong(freq_hz, name=f"{name}_a", **kw)
    tone += karplus_strong(freq_hz * 2 ** (cents / 1200), name=f"{name}_b", **kw)
    tone *= np.float32(gain)
    return tone


def oud(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """Fretless short-necked lute: paired gut courses (two strings 6 cents apart) plucked
    with a risha mid-string — dark, woody, quickly decaying, gently chorused."""
    kw = dict(n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 1.2,
              decay_s=0.9, pluck_position=0.22)
    return _double_course(freq_hz, name="oud", cents=6.0, gain=0.7, **kw)


def sitar(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Sitar: the jawari (flat bridge) makes the string buzz — a nonlinearity that keeps
    regenerating high partials — over sympathetic strings that ring at the octave and fifth."""
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 3, decay_s=2.2, pluck_position=0.08,
                            name="sitar")
    # jawari: the string grazes the curved bridge at a point that moves as the note decays,
    # a comb (x[n] - x[n-d]) whose delay sweeps from P/11 to P/4 — the buzzing "zing" that
    # opens up after the attack. Linear, so band-limited (a waveshaper would alias).
    period = sample_rate / freq_hz
    delays = [max(1, int(round(period * frac))) for frac in (1 / 11, 1 / 4)]
    tone = modal_tone(((2.0, 0.12, 2.5), (3.0, 0.08, 2.0), (4.0, 0.05, 1.5)),
                      freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                      cutoff_hz=cutoff_hz * 3)  # the sympathetic strings, mixed in place
    for start, stop in blocks(n_samples):  # a block's combs and ramps at a time
        index = np.arange(start, stop)
        w = np.clip(index / (0.6 * sample_rate), 0, 1).astype(np.float32)
        buzz = np.zeros(stop - start, dtype=np.float32)
        for d, weight in zip(delays, (1.0 - w, w)):
            buzz += _comb_block(string, delay_n=d, start=start, stop=stop) * weight
        fade = np.clip(index / (0.25 * sample_rate), 0, 1).astype(np.float32)
        tone[start:stop] = 0.5 * string[start:stop] + 0.9 * buzz + tone[start:stop] * fade
    return tone


def _comb_block(x: np.ndarray, *, delay_n: int, start: int, stop: int) -> np.ndarray:
    """Samples ``[start, stop)`` of the comb ``x[i] - x[i - delay_n]`` (``x[i]`` where
    ``i < delay_n``)."""
    comb = x[start:stop].copy()
    first = max(start, delay_n)  # the first sample with a delayed partner
    if first < stop:
        comb[first - start:] -= x[first - delay_n: stop - delay_n]
    return comb


#: The shehnai's double reed: the buzz floor (harmonic weight under the formants, as a
#: fraction of the main formant's peak), the reed's rasp (noise near the nasal formant, its
#: level) and the player's waver (Hz, cents): slower and narrower than a violinist's vibrato.
SHEHNAI_BUZZ_FLOOR = 0.12
SHEHNAI_RASP = 0.07
#: Centre of the rasp's band: the nasal formant (or, on a note above it, the note's own
#: pitch, so the rasp never sits under the tone).
SHEHNAI_FORMANT_HZ = 1400.0
SHEHNAI_WAVER = (5.0, 12.0)


def shehnai(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Nasal double reed (the shehnai; the mizmar is its cousin): the reed's two blades slap
    shut once a cycle, so the harmonics stay strong far up (a buzz,
    :data:`SHEHNAI_BUZZ_FLOOR`, not a bowed string's smooth roll-off) under the bore's nasal
    formant near 1.4 kHz and a second near 2.8 kHz, with the reed's rasp riding on the tone
    (:data:`SHEHNAI_RASP`). The player's pitch wavers slowly (:data:`SHEHNAI_WAVER`) and
    scoops up into notes (meend); a wide, fast, even vibrato is what makes it a violin."""
    formants = _formants(((SHEHNAI_FORMANT_HZ, 700.0, 1.0),
                          (2 * SHEHNAI_FORMANT_HZ, 900.0, 0.45)), 0.3)

    def reed(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return formants(k, f) + SHEHNAI_BUZZ_FLOOR / k**0.3
    waver_hz, waver_cents = SHEHNAI_WAVER
    tone = additive_tone(reed, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2.5, vibrato_hz=waver_hz,
                         vibrato_cents=waver_cents, vibrato_delay_s=0.2,
                         glide_st=glide_st - 0.7)
    rasp = _shehnai_rasp(centre_hz=max(SHEHNAI_FORMANT_HZ, 1.2 * freq_hz),
                         n_samples=n_samples, sample_rate=sample_rate)
    tone += rasp * np.float32(SHEHNAI_RASP)
    return tone


def _shehnai_rasp(*, centre_hz: float, n_samples: int, sample_rate: int) -> np.ndarray:
    """The reed's rasp: the first ``n_samples`` of a band of noise around ``centre_hz`` (the
    nasal formant for every note a shehnai plays: it does not follow the pitch), made once
    per power-of-two length and sliced (the filter is causal and the noise
    prefix-consistent, so a slice is the shorter table): a note costs an add, not a
    filter."""
    return _rasp_table(centre_hz=centre_hz, size=1 << max(int(n_samples - 1).bit_length(), 12),
                       sample_rate=sample_rate)[:n_samples]


@functools.lru_cache(maxsize=8)
def _rasp_table(*, centre_hz: float, size: int, sample_rate: int) -> np.ndarray:
    table = breath_noise("shehnai", centre_hz, n_samples=size, sample_rate=sample_rate,
                         bandwidth=1.6)
    table.flags.writeable = False
    return table


def ney(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
        glide_st: float) -> np.ndarray:
    """End-blown reed flute: a soft hollow tone buried in a lot of breath, slow wavering
    vibrato and a breathy scoop into each note."""
    tone = additive_tone(lambda k, f: np.where(k % 2 == 1, 1.0 / k**2.2, 0.08 / k**2),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 1.5, vibrato_hz=4.3, vibrato_cents=16.0,
                         vibrato_delay_s=0.25, glide_st=glide_st - 0.5)
    air = breath_noise("ney", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=2.5)
    return _mix_into(tone, air, gain=0.3)


#: The bansuri player's breath, as a flautist hears it (see :func:`bansuri`): the air's
#: level against the tone (linear; noise/tone ≈ -15.5 dB, breathier than the concert
#: flute's -19.5 dB, cleaner than the ney's -8 dB: more air, -11 dB, read as wind rather
#: than as a flute in the tagger study), the attack's chiff (a burst of air two octaves
#: up, its level and decay), the held note's swell (the tone starts at this fraction of its
#: level and grows to it over this long: air first, then the note speaks and blooms), the
#: vibrato that comes only once the note is held (delay s, rate Hz, depth cents), and the
#: meend's glide time (s): a slide between notes is heard as a slide, not a scoop.
BANSURI_AIR = 0.12
BANSURI_CHIFF = 0.6
BANSURI_CHIFF_DECAY_S = 0.03
BANSURI_SWELL_FROM = 0.55
BANSURI_SWELL_S = 0.9
BANSURI_VIBRATO = (0.6, 5.0, 14.0)
BANSURI_MEEND_S = 0.3
#: The longest note a bansuri player holds on one breath in a slow alap (s): a longer note
#: of the plan is breathed and sounded again (see ``Instrument.breath_s``).
BANSURI_BREATH_S = 8.0


def bansuri(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Bamboo transverse flute: a soft round tone (weak 2nd and 3rd harmonics) in a halo of
    breath, a chiff of air as each note speaks, a held note that swells, a slow vibrato only
    once the note is held, and slow glides between notes (meend)."""
    delay_s, rate_hz, depth_cents = BANSURI_VIBRATO
    tone = additive_tone(lambda k, f: 1.0 / k**2.5 * np.where(k <= 4, 1.0, 0.2),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=rate_hz,
                         vibrato_cents=depth_cents, vibrato_delay_s=delay_s,
                         glide_st=glide_st, glide_s=BANSURI_MEEND_S)
    _swell(tone, start=BANSURI_SWELL_FROM, swell_n=int(BANSURI_SWELL_S * sample_rate))
    air = breath_noise("bansuri", freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=1.8)
    tone = _mix_into(tone, air, gain=BANSURI_AIR)
    _add_chiff(tone, name="bansuri_chiff", centre_hz=4.0 * freq_hz, level=BANSURI_CHIFF,
               decay_n=int(BANSURI_CHIFF_DECAY_S * sample_rate), sample_rate=sample_rate)
    return tone


def _swell(tone: np.ndarray, *, start: float, swell_n: int) -> None:
    """Scale the first ``swell_n`` samples of ``tone`` (in place) by a smooth rise from
    ``start`` to 1 (a raised cosine): a held wind note grows after it speaks. Only the
    prefix is touched, with a curve made once per shape: a note costs one multiply."""
    n = min(swell_n, len(tone))
    if n > 0:
        tone[:n] *= _swell_curve(start=start, swell_n=swell_n)[:n]


@functools.lru_cache(maxsize=4)
def _swell_curve(*, start: float, swell_n: int) -> np.ndarray:
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(swell_n) / swell_n)
    curve = (start + (1.0 - start) * ramp).astype(np.float32)
    curve.flags.writeable = False
    return curve


def _add_chiff(tone: np.ndarray, *, name: str, centre_hz: float, level: float, decay_n: int,
               sample_rate: int) -> None:
    """Add (in place) the attack's chiff to ``tone``: band noise around ``centre_hz``
    decaying exponentially over ``decay_n`` samples (computed for 6 decays only, where it
    is above -50 dB), the puff of air before a flute's note locks in."""
    n = min(6 * decay_n, len(tone))
    if n <= 0:
        return
    burst = breath_noise(name, centre_hz, n_samples=n, sample_rate=sample_rate,
                         bandwidth=1.5)
    burst *= (level * np.exp(-np.arange(n) / decay_n)).astype(np.float32)
    tone[:n] += burst


def tuba(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Tuba: a huge bore means strong low harmonics rolling off above ~700 Hz, a soft tongued
    attack that blooms, and no vibrato — round, heavy, buttery."""
    cut = min(cutoff_hz, 700.0 * max(cutoff_hz / 4000.0, 0.4))
    kw = dict(sample_rate=sample_rate, glide_st=glide_st - 0.2)
    bloom_n = 0.12 * sample_rate
    dull = additive_tone(lambda k, f: 1.0 / k**2.2, freq_hz, cutoff_hz=cut * 0.6,
                         n_samples=_bloom_span_n(bloom_n=bloom_n, n_samples=n_samples), **kw)
    full = additive_tone(lambda k, f: 1.0 / k**1.3, freq_hz, cutoff_hz=cut,
                         n_samples=n_samples, **kw)
    return _bloom(dull, full, bloom_n=bloom_n)


def calliope(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
             glide_st: float) -> np.ndarray:
    """Steam calliope: two whistle pipes beating against each other (~12 cents apart), a
    shrill odd-harmonic whistle with a fast wide vibrato and a hiss of steam."""
    tone = additive_tone(lambda k, f: np.where(k % 2 == 1, 1.0 / k**1.5, 0.1 / k),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, detune_cents=(-6.0, 6.0),
                         vibrato_hz=7.5, vibrato_cents=25.0, glide_st=glide_st,
                         voice_gains=(1.0, 0.45))
    hiss = breath_noise("calliope", freq_hz * 3, n_samples=n_samples, sample_rate=sample_rate,
                        bandwidth=2.0)
    return _mix_into(tone, hiss, gain=0.06)


#: The flamenco guitar's box as a filter (Hz, dB, ring s): the air mode (the air in the
#: body breathing through the rosette, ~100 Hz), the top plate's first modes (~205 Hz and
#: ~400 Hz) and the cypress top's bright zone (~2.6 kHz). Every note passes through them —
#: what a listener hears as "wood" — and they ring on briefly after each pluck. Fixed
#: whatever the note: the body does not move with the fingers.
#:
#: Linear and the same for every note, so it filters each distinct tone once, where it
#: is made and cached (``_through_body``): a few hundred tones a piece. One filter on the
#: guitar's summed notes in the layer instead (tried, #14: the engine's body filter, state
#: carried block to block) is the same sound but for the box ringing on past each note's
#: 60 ms release (the layers differ by -31 to -52 dB), and costs a full-rate stereo filter
#: for as long as the guitar plays: flamenco-night's and celtic-jig's renders 22-27 %
#: slower.
NYLON_GUITAR_BODY: tuple[tuple[float, float, float], ...] = (
    (100.0, 9.0, 0.05), (205.0, 7.0, 0.035), (400.0, 4.0, 0.02), (2600.0, 3.0, 0.0003))
#: The knock of the box itself under each pluck (Hz, level, ring s): the string's force at
#: the bridge kicks the air and top modes, a woody thump that dies within a tenth of a
#: second (what the former thump an octave under each note stood in for). Part of each
#: note, so it too passes through the box (:data:`NYLON_GUITAR_BODY`), which lifts it by
#: the box's gain at each mode (+9, +7, +4 dB): these levels are those heard (0.08, 0.06,
#: 0.03) over that gain.
NYLON_GUITAR_KNOCK: tuple[tuple[float, float, float], ...] = (
    (100.0, 0.028, 0.05), (205.0, 0.027, 0.035), (400.0, 0.019, 0.02))
#: A plucked string starts sharp and settles (cents sharp at the pluck, settling time
#: constant s): pulled aside, the string is stretched and its tension raised, and the pitch
#: falls back as the swing dies away. A nylon string is stretchy, so the glide is a few
#: cents over a tenth of a second — heard as life in the attack, where a synth's
#: oscillator sits on its pitch from the first sample.
NYLON_GUITAR_SETTLE: tuple[float, float] = (8.0, 0.08)


def _settling(tone: np.ndarray, *, cents: float, settle_s: float,
              sample_rate: int) -> np.ndarray:
    """``tone`` read faster at first, ``cents`` sharp at its start and settling
    exponentially (``settle_s``) to its own pitch; the read position gains a whole number
    of samples, so once settled the tone is its own samples (shifted), not interpolated."""
    settle_n = settle_s * sample_rate
    gained_n = int(round(cents * np.log(2.0) / 1200.0 * settle_n))
    if gained_n < 1 or len(tone) <= gained_n:
        return tone
    n_warp = min(len(tone) - gained_n, int(7.0 * settle_n))  # exp(-7): settled
    t = np.arange(n_warp, dtype=np.float64)
    position = t + gained_n * -np.expm1(-t / settle_n)
    index = position.astype(np.int64)  # position >= 0: truncation is the floor
    frac = (position - index).astype(np.float32)
    out = np.zeros_like(tone)
    out[:n_warp] = tone[index] + frac * (tone[index + 1] - tone[index])  # linear read
    out[n_warp: len(tone) - gained_n] = tone[n_warp + gained_n:]
    return out


@functools.lru_cache(maxsize=16)
def _body_sos(modes: tuple[tuple[float, float, float], ...], *,
             sample_rate: int) -> np.ndarray:
    """The cascade of peaking sections (float64 SOS rows, read-only) of a body's modes
    ``(Hz, dB, ring s)``: made once per body and sample rate."""
    sos = np.vstack([peaking_sos(hz, gain_db=db, ring_s=ring, sample_rate=sample_rate)
                     for hz, db, ring in modes])
    sos.flags.writeable = False
    return sos


def _through_body(tone: np.ndarray, modes: tuple[tuple[float, float, float], ...], *,
                  sample_rate: int) -> np.ndarray:
    """``tone`` filtered in place by the body's modes (block by block, state carried)."""
    return sosfilt_in_blocks(_body_sos(modes, sample_rate=sample_rate), tone)


#: The bossa guitarist's fingers (decay multiple, pluck position): the thumb and the
#: fingertips' flesh, no nails, over the soundhole, so further from the bridge than the
#: flamenco player's nails (fewer high harmonics: a round, warm stroke) and on a
#: classical guitar's slacker action, each chord ringing on into the next stroke about
#: twice as long as the flamenco guitar's (João Gilberto's chords sustain under the voice
#: rather than chop).
NYLON_GUITAR_FINGERS: tuple[float, float] = (2.0, 0.3)


def _nylon_string(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                  decay_mul: float, pluck_position: float, name: str) -> np.ndarray:
    """A nylon string through the guitar's box: the string plucked at ``pluck_position``
    ringing ``decay_mul`` times the flamenco guitar's decay, settling onto its pitch
    (:data:`NYLON_GUITAR_SETTLE`), the box's knock under it (:data:`NYLON_GUITAR_KNOCK`)
    and the whole coloured by the box's modes (:data:`NYLON_GUITAR_BODY`)."""
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 1.5,
                            decay_s=decay_mul * 0.8 * (220 / freq_hz) ** 0.3,
                            pluck_position=pluck_position, name=name)
    cents, settle_s = NYLON_GUITAR_SETTLE
    string = _settling(string, cents=cents, settle_s=settle_s, sample_rate=sample_rate)
    tone = _add_prefix(string, _body(NYLON_GUITAR_KNOCK, cutoff_hz=cutoff_hz,
                                     sample_rate=sample_rate))
    return _through_body(tone, NYLON_GUITAR_BODY, sample_rate=sample_rate)


def nylon_guitar(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                 glide_st: float) -> np.ndarray:
    """Flamenco (nylon-string) guitar: a gut-soft string plucked near the rosette, a quick
    warm decay (the low action and cypress body of a *guitarra flamenca* ring shorter than
    a classical guitar). What a guitarist hears as an acoustic guitar rather than a synth
    pluck: the wooden box colouring every note (:data:`NYLON_GUITAR_BODY`: the air and
    top-plate modes), its knock under each pluck (:data:`NYLON_GUITAR_KNOCK`) and the
    string settling onto its pitch after the pluck (:data:`NYLON_GUITAR_SETTLE`). The
    nail's attack is the string model's own noise burst, already as bright as a nail
    click (a separate click added under it was masked: +0.4 dB at 3-6 kHz); a harder
    strum is brighter through its cutoff (``patterns.STRUM_FORCE_BRIGHTNESS``)."""
    return _nylon_string(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, decay_mul=1.0, pluck_position=0.18,
                         name="nylon_guitar")


def nylon_guitar_fingers(freq_hz: float, *, n_samples: int, sample_rate: int,
                         cutoff_hz: float, glide_st: float) -> np.ndarray:
    """The nylon guitar played with the fingers' flesh (the bossa nova's batida): the same
    string and box as :func:`nylon_guitar`, plucked further from the bridge and ringing
    longer (:data:`NYLON_GUITAR_FINGERS`): 2.8 dB less 2-5 kHz against a D4's
    fundamental in its first 0.2 s, and 0.6 s after the stroke 33 dB under its attack
    where the nail's stroke is 59 dB under (``tests/synth/test_bossa_guitar.py``)."""
    decay_mul, position = NYLON_GUITAR_FINGERS
    return _nylon_string(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz, decay_mul=decay_mul, pluck_position=position,
                         name="nylon_guitar_fingers")


#: The double bass's body: its wood and air resonances (Hz, level, ring s), fixed whatever
#: the note, excited by every pluck: the woody "thump" under the string that a sine bass or
#: a synth pluck lacks.
DOUBLE_BASS_BODY: tuple[tuple[float, float, float], ...] = (
    (62.0, 0.35, 0.16), (118.0, 0.30, 0.09), (205.0, 0.16, 0.05))
#: Seconds an A2 (110 Hz) string rings to -60 dB; lower strings ring longer.
DOUBLE_BASS_RING_S = 2.4
#: The plucked string's whole spectrum rings this share of :data:`DOUBLE_BASS_RING_S`;
#: the fundamental and the octave (:data:`DOUBLE_BASS_PARTIALS`) ring the full time. A gut
#: string under the finger loses its upper partials within a few tenths of a second — the
#: pluck's edge, then the round note — where a loop filter alone keeps them almost as long
#: as the fundamental (harmonics 4-7 of an E1 fall 14 dB from the pluck to 1 s, its
#: fundamental 9; now 20). Shorter (0.45 was tried) leaves only the two modal sines in
#: the tail, a synth bass's tail (soloed, the outside ear heard it as more electronic).
DOUBLE_BASS_STRING_SHARE = 0.7
#: The partials that carry the note after the pluck's edge has gone (harmonic, level,
#: ring as a share of :data:`DOUBLE_BASS_RING_S`'s time constant): the fundamental and the
#: octave longest, the twelfth for less; higher ones die with the string.
DOUBLE_BASS_PARTIALS: tuple[tuple[float, float, float], ...] = (
    (1.0, 0.6, 0.2), (2.0, 0.27, 0.12))
#: The finger's thump: the pad of the finger pulling the string and letting go, a soft
#: low noise burst (centre Hz, level, decay s) under the first strokes of the string.
DOUBLE_BASS_THUMP: tuple[float, float, float] = (150.0, 0.35, 0.012)
#: The string's slap: a firmly plucked string snapping back against the fingerboard
#: rattles its own upper harmonics for an instant — harmonics ``first..last`` of the note
#: (level of the first, falling as 1/k; decay s), a pitched snap rather than a noise click.
DOUBLE_BASS_SLAP: tuple[int, int, float, float] = (5, 12, 0.1, 0.012)


@functools.lru_cache(maxsize=16)
def _body(modes: tuple[tuple[float, float, float], ...], *, cutoff_hz: float,
          sample_rate: int) -> np.ndarray:
    """The knock of a resonating body whose modes ``(Hz, level, ring s)`` are fixed
    whatever the note (the double bass's wood and air, the kora's calabash): the same
    samples under every pluck, so made once per brightness and sample rate and added
    (read-only; callers take a prefix as long as their note)."""
    n = int(max(ring for _, _, ring in modes) * 9.2 * sample_rate) + 1  # to -80 dB
    knock = modal_tone(modes, 1.0, n_samples=n, sample_rate=sample_rate, cutoff_hz=cutoff_hz)
    knock.flags.writeable = False
    return knock


@functools.lru_cache(maxsize=16)
def _touch(name: str, *, burst: tuple[float, float, float], cutoff_hz: float,
           sample_rate: int) -> np.ndarray:
    """A short band-passed noise burst (``burst`` = centre Hz, level, decay s) decaying
    exponentially to -80 dB: the finger on the string, which no string model makes. Its level follows the voice's brightness (``cutoff_hz``) at its centre. Fixed
    noise per ``name`` (the touch is part of the timbre, not of the performance), so it is
    the same under every pluck: made once per brightness and sample rate, read-only."""
    centre_hz, level, decay_s = burst
    n = int(decay_s * 9.2 * sample_rate) + 1
    noise = breath_noise(name, centre_hz, n_samples=n, sample_rate=sample_rate, bandwidth=2.0)
    t = np.arange(n, dtype=np.float32) / np.float32(decay_s * sample_rate)
    gain = level / np.sqrt(1.0 + (centre_hz / max(cutoff_hz, 20.0)) ** 4)
    noise *= np.float32(gain) * np.exp(-t)
    noise.flags.writeable = False
    return noise


def _add_prefix(tone: np.ndarray, other: np.ndarray) -> np.ndarray:
    """``tone`` with ``other`` added to its first samples, in place (as many as both have)."""
    n = min(len(tone), len(other))
    tone[:n] += other[:n]
    return tone


def double_bass(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                glide_st: float) -> np.ndarray:
    """Upright bass played pizzicato (jazz, bossa nova, the tango orchestra's *contrabajo*):
    a thick gut string pulled sideways by the side of the finger (a soft, round excitation
    with few high harmonics, so the plucked string is filtered far below the voice's
    cutoff). What a bassist hears as the instrument rather than a synth: the finger's thump
    and the string's slap on the fingerboard at the pluck (:data:`DOUBLE_BASS_THUMP`,
    :data:`DOUBLE_BASS_SLAP`), the upper partials dying within a few tenths of a second
    (:data:`DOUBLE_BASS_STRING_SHARE`) while the fundamental and the octave carry the weight
    and ring longest, over the big body's wood and air resonances
    (:data:`DOUBLE_BASS_BODY`), which give each note its thump."""
    ring_s = DOUBLE_BASS_RING_S * (110.0 / freq_hz) ** 0.4
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 0.22,
                            decay_s=ring_s * DOUBLE_BASS_STRING_SHARE, pluck_position=0.24,
                            name="double_bass")
    first, last, slap_level, slap_s = DOUBLE_BASS_SLAP
    slap = tuple((float(k), slap_level * first / k, slap_s) for k in range(first, last + 1))
    held = tuple((k, level, ring_s * share) for k, level, share in DOUBLE_BASS_PARTIALS)
    weight = modal_tone((*held, *slap),
                        freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                        cutoff_hz=cutoff_hz)
    tone = _mix_into(string, weight, gain=1.0)
    body = tuple((hz, 0.5 * level, ring) for hz, level, ring in DOUBLE_BASS_BODY)
    tone = _add_prefix(tone, _body(body, cutoff_hz=cutoff_hz, sample_rate=sample_rate))
    return _add_prefix(tone, _touch("double_bass_thump", burst=DOUBLE_BASS_THUMP,
                                    cutoff_hz=cutoff_hz, sample_rate=sample_rate))


#: The bandoneón's two reeds per note sound an octave apart, the upper one softer
#: (cents above the note, gain): the instrument is tuned dry, so a held note is steady,
#: with no tremolo pair beating as on a musette accordion.
BANDONEON_REEDS: tuple[tuple[float, float], ...] = ((0.0, 1.0), (1200.0, 0.55))
#: The valve opening and the air rushing past the reed before it speaks: a short burst of
#: band noise at each onset (centre Hz, level, decay s), the breathy edge of the stroke.
BANDONEON_VALVE: tuple[float, float, float] = (1500.0, 0.5, 0.008)
#: The bellows swell: a held note opens at this fraction of its level and grows to full
#: over :data:`BELLOWS_SWELL_S`, the push of the bellows the tango player leans into.
BELLOWS_START_LEVEL = 0.45
BELLOWS_SWELL_S = 0.35
#: The marcato: the bellows snapped on the beat, so the reeds speak at once, loudest at the
#: stroke, and settle to this fraction over :data:`MARCATO_SETTLE_S` (a struck accent,
#: where the held note swells).
MARCATO_SETTLE_LEVEL = 0.55
MARCATO_SETTLE_S = 0.09


def _bandoneon_reeds(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                     glide_st: float) -> np.ndarray:
    """The bandoneón's reed pair (:data:`BANDONEON_REEDS`) with the valve's air at the
    onset (:data:`BANDONEON_VALVE`): every harmonic present like a reed's buzz, odd ones a
    little stronger, with the reed-chamber resonance around 1.1 kHz that makes it nasal."""
    amps = _formants(((1100.0, 900.0, 1.0), (2600.0, 1200.0, 0.3)), 0.7)

    def reed(k: np.ndarray, f: np.ndarray) -> np.ndarray:
        return amps(k, f) * np.where(k % 2 == 1, 1.0, 0.7)
    cents, gains = zip(*BANDONEON_REEDS, strict=True)
    tone = additive_tone(reed, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, detune_cents=cents, glide_st=glide_st,
                         voice_gains=gains)
    return _add_prefix(tone, _touch("bandoneon_valve", burst=BANDONEON_VALVE,
                                    cutoff_hz=cutoff_hz, sample_rate=sample_rate))


def _shape_in_place(tone: np.ndarray, *, sample_rate: int,
                    level: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``tone`` times ``level(t_s)``, in place a block at a time (no whole-note curve)."""
    for start, stop in blocks(len(tone)):
        tone[start:stop] *= level(np.arange(start, stop) / sample_rate).astype(np.float32)
    return tone


def bellows_swell(t_s: np.ndarray) -> np.ndarray:
    """The held note's level: :data:`BELLOWS_START_LEVEL` rising to 1 over
    :data:`BELLOWS_SWELL_S` (a quarter sine)."""
    return BELLOWS_START_LEVEL + (1.0 - BELLOWS_START_LEVEL) * np.sin(
        0.5 * np.pi * np.clip(t_s / BELLOWS_SWELL_S, 0.0, 1.0))


def marcato_accent(t_s: np.ndarray) -> np.ndarray:
    """The marcato stroke's level: 1 at the stroke, settling exponentially to
    :data:`MARCATO_SETTLE_LEVEL` (time constant :data:`MARCATO_SETTLE_S`)."""
    return MARCATO_SETTLE_LEVEL + (1.0 - MARCATO_SETTLE_LEVEL) * np.exp(-t_s / MARCATO_SETTLE_S)


def bandoneon(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
              glide_st: float) -> np.ndarray:
    """Bandoneón, a held (melody) note: the reeds (:func:`_bandoneon_reeds`) and the
    bellows swelling into the note (:func:`bellows_swell`)."""
    tone = _bandoneon_reeds(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz, glide_st=glide_st)
    return _shape_in_place(tone, sample_rate=sample_rate, level=bellows_swell)


def bandoneon_marcato(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                      glide_st: float) -> np.ndarray:
    """Bandoneón, a marcato stroke (the orquesta's comping in four): the same reeds, hit
    by a snap of the bellows (:func:`marcato_accent`) instead of swelling, so a short
    chord lands on its beat rather than fading in like a synth pad."""
    tone = _bandoneon_reeds(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz, glide_st=glide_st)
    return _shape_in_place(tone, sample_rate=sample_rate, level=marcato_accent)


#: The piano's strings are stiff, so partial k sounds at k·sqrt(1 + B·k²) of the
#: fundamental, a little sharp and more so up the series (B of a grand's middle strings):
#: the stretched, slightly metallic overtones that make a piano a piano rather than a
#: harmonic organ tone.
PIANO_STIFFNESS = 0.0004
#: Seconds a middle C (261.6 Hz) string's fundamental rings (time constant): lower
#: strings ring longer, and each partial up the series dies faster
#: (:data:`PIANO_PARTIAL_DAMPING`); the felt hammer makes the higher partials weaker.
PIANO_RING_S = 1.2
PIANO_PARTIAL_DAMPING = 0.35
PIANO_PARTIALS = 12
#: The unison's strings (two or three per key) tuned a cent or so apart: the slow beating
#: in a held piano note (cents of the second string, its level), on the lowest partials.
PIANO_UNISON: tuple[float, float] = (1.2, 0.7)
#: The felt hammer's knock on the string and the soundboard (centre Hz, level, decay s).
PIANO_HAMMER: tuple[float, float, float] = (1800.0, 0.25, 0.006)


def piano_partials(freq_hz: float) -> tuple[tuple[float, float, float], ...]:
    """The piano note's modes ``(ratio, level, decay s)``: :data:`PIANO_PARTIALS`
    stretched partials (:data:`PIANO_STIFFNESS`), 1/k^1.3 under the felt hammer, the
    higher ones dying sooner, the lowest three doubled by the unison's second string
    (:data:`PIANO_UNISON`)."""
    ring_s = PIANO_RING_S * (261.6 / freq_hz) ** 0.5
    cents, level = PIANO_UNISON
    out = []
    for k in range(1, PIANO_PARTIALS + 1):
        ratio = k * np.sqrt(1.0 + PIANO_STIFFNESS * k * k)
        decay_s = ring_s / (1.0 + PIANO_PARTIAL_DAMPING * (k - 1))
        out.append((float(ratio), 1.0 / k**1.3, decay_s))
        if k <= 3:
            out.append((float(ratio * 2 ** (cents / 1200)), level / k**1.3, decay_s))
    return tuple(out)


def piano(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
          glide_st: float) -> np.ndarray:
    """Acoustic piano (the tango orchestra's rhythm section with the contrabajo): a felt
    hammer on stiff strings (:func:`piano_partials`), bright at the stroke and mellowing
    as the upper partials die, with the hammer's knock (:data:`PIANO_HAMMER`). What the
    electric piano's FM tine has not: the stretched partials and the unison beating."""
    tone = modal_tone(piano_partials(freq_hz), freq_hz, n_samples=n_samples,
                      sample_rate=sample_rate, cutoff_hz=cutoff_hz * 2)
    return _add_prefix(tone, _touch("piano_hammer", burst=PIANO_HAMMER, cutoff_hz=cutoff_hz,
                                    sample_rate=sample_rate))


#: The tango orchestra's violin section: players a few cents apart (cents, gain), so the
#: unison is a section's chorus, not one fiddle.
VIOLIN_SECTION: tuple[tuple[float, float], ...] = ((-6.0, 0.6), (0.0, 1.0), (7.0, 0.6))
#: Their vibrato (Hz, cents, delay s): wide and warm, coming in once the note has sounded
#: (the romantic tango violin, where the folk fiddle's is narrow and late).
VIOLIN_VIBRATO: tuple[float, float, float] = (5.5, 16.0, 0.15)
#: The portamento: the finger sliding along the string into the note, this long (s).
VIOLIN_PORTAMENTO_S = 0.14


def violins(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Violin section playing a melody legato (the orquesta típica's violins): the string
    section's bowed harmonics (:func:`_bowed_section`), three players
    (:data:`VIOLIN_SECTION`) with a wide, warm vibrato (:data:`VIOLIN_VIBRATO`), sliding
    into a note over :data:`VIOLIN_PORTAMENTO_S` when the melody asks for a portamento
    (``glide_st``). The fiddle's close-miked body formants were tried first: in the mix
    the outside ear heard them as a synth (mtt/violin 0.05, mtt/electronic 0.10 over 3
    seeds, against 0.12 and 0.08 with this recipe)."""
    cents, gains = zip(*VIOLIN_SECTION, strict=True)
    rate_hz, depth_cents, delay_s = VIOLIN_VIBRATO
    return additive_tone(_bowed_section, freq_hz, n_samples=n_samples,
                         sample_rate=sample_rate, cutoff_hz=cutoff_hz, detune_cents=cents,
                         voice_gains=gains, vibrato_hz=rate_hz, vibrato_cents=depth_cents,
                         vibrato_delay_s=delay_s, glide_st=glide_st,
                         glide_s=VIOLIN_PORTAMENTO_S)


def clarinet(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
             glide_st: float) -> np.ndarray:
    """Clarinet: a cylindrical bore closed at the reed, so odd harmonics dominate (the
    hollow chalumeau) and even ones whisper; a little breath; a narrow vibrato. Its bends
    into notes and its *krekhts* (the sob at a note's end) are note-level figures the
    melody writes (:attr:`Instrument.bend_st`, :attr:`Instrument.sob_st`)."""
    tone = additive_tone(lambda k, f: np.where(k % 2 == 1, 1.0 / k**0.9, 0.12 / k),
                         freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 1.5, vibrato_hz=5.5, vibrato_cents=8.0,
                         vibrato_delay_s=0.25, glide_st=glide_st)
    air = breath_noise("clarinet", freq_hz * 2, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=2.0)
    return _mix_into(tone, air, gain=0.04)
#: Ombak ("wave"): a gamelan's paired instruments are tuned this many Hz apart on purpose,
#: so every key played by the pair beats at about this rate whatever its pitch (Tenzer,
#: "Gamelan Gong Kebyar", 2000, gives 5-8 Hz for Balinese pairs; Javanese pairs beat less).
OMBAK_HZ = 5.5
#: The bronze key's ringing bending modes (ratio to the fundamental, level, ring s): a
#: free-free bar's ×1, ×2.76 and ×5.4, each twinned :data:`OMBAK_HZ` higher on the pair's
#: second key where it rings long enough to beat. The higher a mode, the sooner the bronze
#: loses it: the fundamental rings for seconds, ×2.76 for under one, ×5.4 for a quarter.
GAMELAN_MODES: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 2.4), (2.76, 0.32, 0.7), (5.4, 0.12, 0.25))
#: The strike (ratio, level, ring s): a hard wooden or horn mallet (the saron's *tabuh*)
#: excites the key's high bending modes (×8.93, ×13.34, ×18.64 of a free-free bar) for a
#: few hundredths of a second, the bright inharmonic clang at the front of each note.
GAMELAN_STRIKE_MODES: tuple[tuple[float, float, float], ...] = (
    (8.93, 0.5, 0.025), (13.34, 0.3, 0.012), (18.64, 0.18, 0.007))
#: The mallet's contact with the bronze (centre Hz, level, decay s): a dry tick of a few
#: milliseconds, which no modal model of the key makes.
GAMELAN_MALLET: tuple[float, float, float] = (3200.0, 1.0, 0.004)
#: The mallet by register: the saron and peking above about C4 are struck with wooden or
#: horn mallets (the full strike above); the big low keys (slenthem, gender) and kettles
#: with padded ones, which excite hardly any high mode and make no tick. Below this
#: pitch the strike falls as the square of the frequency (an octave lower, a quarter).
GAMELAN_HARD_MALLET_HZ = 260.0
#: *Tutup* (damping): as a player strikes the next key, the other hand grips the one before,
#: so a saron or gender line stays clear instead of a wash; the key falls silent this fast
#: once its note ends (only the gongs, in the rhythm layer, ring freely).
GAMELAN_DAMP_S = 0.07
#: A harder stroke is brighter, not only louder: the mallet's force excites the key's high
#: strike modes and its tick in proportion. The force is read from the note's brightness
#: (``cutoff_hz``, the voice's cutoff times the document's and the note's multipliers): at
#: or above this cutoff the stroke is full (any document from ``dark`` up, as before), below
#: it the strike falls in proportion, so a player's soft stroke (a note darkened by its
#: ``cutoff_mul``) clangs less while its ring is the same.
GAMELAN_FULL_STROKE_HZ = 2000.0


def gamelan(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Bronze metallophone key (saron, gender) and its paired twin, struck with a mallet:
    a dry tick of the mallet (:data:`GAMELAN_MALLET`) and the key's high modes clanging
    for a few hundredths of a second (:data:`GAMELAN_STRIKE_MODES`), softer on the low keys
    that are struck with padded mallets (:data:`GAMELAN_HARD_MALLET_HZ`), then its inharmonic
    ring (:data:`GAMELAN_MODES`) whose upper modes die long before the fundamental; the twin
    key tuned :data:`OMBAK_HZ` higher makes the fundamental beat (the shimmer of a gamelan
    pair, ombak). The player damps the key when the note ends (:data:`GAMELAN_DAMP_S`). A
    softer stroke (a darker note) strikes less (:data:`GAMELAN_FULL_STROKE_HZ`)."""
    twin = 1.0 + OMBAK_HZ / freq_hz
    force = min(1.0, cutoff_hz / GAMELAN_FULL_STROKE_HZ)
    hardness = force * min(1.0, (freq_hz / GAMELAN_HARD_MALLET_HZ) ** 2)
    (f1, a1, d1), (f2, a2, d2), (f3, a3, d3) = GAMELAN_MODES
    strike = tuple((ratio, hardness * level, ring_s)
                   for ratio, level, ring_s in GAMELAN_STRIKE_MODES)
    partials = ((f1, a1, d1), (f1 * twin, 0.8 * a1, d1), (f2, a2, d2),
                (f2 * twin, 0.625 * a2, d2), (f3, a3, d3), *strike)
    key = modal_tone(partials, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                     cutoff_hz=cutoff_hz * 3)
    tick = _touch("gamelan", burst=GAMELAN_MALLET, cutoff_hz=cutoff_hz * 3,
                  sample_rate=sample_rate)
    return _add_prefix(key, tick * np.float32(hardness))


#: The kora's calabash: a half gourd about half a metre across, closed by a cowhide
#: soundboard that carries the bridge. Its resonances (Hz, level, ring s) are fixed
#: whatever the string: the air in the gourd through its sound port (a Helmholtz
#: resonance near 110 Hz for a ~20-litre gourd with a ~10 cm port) and the hide's first
#: modes, damped by the skin, ringing a few hundredths of a second: the hollow knock
#: under every pluck.
KORA_CALABASH: tuple[tuple[float, float, float], ...] = (
    (110.0, 0.10, 0.06), (240.0, 0.08, 0.035), (480.0, 0.05, 0.02))
#: Sympathetic ring: the kora's 21 open strings are tuned to its scale, so the strings an
#: octave and a twelfth from the plucked one pick up its partials and ring on after it,
#: a little out of tune with them (ratio, level, cents off, ring s). They build up over
#: :data:`KORA_SYMPATHY_RISE_S` instead of starting with the pluck.
KORA_SYMPATHY: tuple[tuple[float, float, float, float], ...] = (
    (2.0, 0.12, 4.0, 0.6), (3.0, 0.06, -3.0, 0.35))
KORA_SYMPATHY_RISE_S = 0.04


def kora(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """West African bridge harp: a nylon string plucked by the thumbs and forefingers near
    the bridge (bright, crisp: the nail's attack is in the string's excitation, most of
    its first 20 ms above 1 kHz; an added noise tick read as a click), ringing long over
    the calabash, whose air and hide resonances knock under every pluck whatever
    its pitch (:data:`KORA_CALABASH`), while the open strings an octave and a twelfth away
    swell in sympathy and keep ringing, slightly out of tune (:data:`KORA_SYMPATHY`): the
    harp's bell-like bloom, which a lone plucked-string model lacks."""
    string = karplus_strong(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                            cutoff_hz=cutoff_hz * 4, decay_s=2.2 * (220 / freq_hz) ** 0.25,
                            pluck_position=0.16, name="kora")
    # a sympathetic string's swell is a long decay minus a short one of the same partial
    detuned = [(ratio * 2 ** (cents / 1200), level, ring)
               for ratio, level, cents, ring in KORA_SYMPATHY]
    modes = (*detuned, *((r, -level, KORA_SYMPATHY_RISE_S) for r, level, _ in detuned))
    sympathy = modal_tone(modes, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                          cutoff_hz=cutoff_hz * 3)
    string = _mix_into(string, sympathy, gain=1.0)
    return _add_prefix(string, _body(KORA_CALABASH, cutoff_hz=cutoff_hz * 3,
                                     sample_rate=sample_rate))


def guzheng(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
            glide_st: float) -> np.ndarray:
    """Chinese zither: steel-nylon strings plucked with finger picks very near the bridge
    (the brightest, thinnest pluck of the plucked voices), two courses 3 cents apart that
    ring for seconds with a slow shimmer."""
    kw = dict(n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 4,
              decay_s=3.0 * (220 / freq_hz) ** 0.3, pluck_position=0.07)
    return _double_course(freq_hz, name="guzheng", cents=3.0, gain=0.75, **kw)


def erhu(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
         glide_st: float) -> np.ndarray:
    """Two-string fiddle: a bowed string over a python-skin drum, nasal (a strong formant
    near 1 kHz and another near 3 kHz over saw-like harmonics), with a deep, slowish
    vibrato from the sliding left hand and a scoop up into each note."""
    amps = _formants(((1000.0, 500.0, 1.0), (3000.0, 900.0, 0.4), (450.0, 200.0, 0.3)), 0.5)
    return additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2, vibrato_hz=5.6, vibrato_cents=28.0,
                         vibrato_delay_s=0.18, glide_st=glide_st - 0.4)


#: The bow biting the string at each stroke (centre Hz, level, decay s): a scrape of rosin
#: noise around the bridge's 3 kHz, gone in ~50 ms, the edge a close-miked session fiddle
#: puts on every note (a smooth orchestral tone, heard from the hall, has none). Heard as
#: an articulation, not a hit: at twice this level the beat tracker took a very_slow
#: jig's eighths for its beat (112 BPM for 37).
FIDDLE_BOW_BITE: tuple[float, float, float] = (3200.0, 0.3, 0.012)
#: The bow's rosin hiss under the held tone (unit-RMS band noise, times this): the grain
#: of a close microphone, about 25 dB under the string.
FIDDLE_ROSIN_GAIN = 0.03


def fiddle(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
           glide_st: float) -> np.ndarray:
    """Folk fiddle (a violin played for dancing), close-miked: one bowed string, bright
    (body resonances near 280 Hz, 2.8 kHz and 4.5 kHz over 1/k harmonics), little, late
    vibrato; the bow bites into each note (:data:`FIDDLE_BOW_BITE`) over a grain of rosin
    (:data:`FIDDLE_ROSIN_GAIN`). The tune's life is in its cuts, rolls and bow strokes,
    not in vibrato."""
    amps = _formants(((280.0, 150.0, 0.7), (2800.0, 1200.0, 1.0), (4500.0, 1500.0, 0.5)), 0.7)
    tone = additive_tone(amps, freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 2.5, vibrato_hz=5.8, vibrato_cents=7.0,
                         vibrato_delay_s=0.35, glide_st=glide_st, detune_cents=(0.0, 4.0),
                         voice_gains=(1.0, 0.3))
    rosin = breath_noise("fiddle", FIDDLE_BOW_BITE[0], n_samples=n_samples,
                         sample_rate=sample_rate, bandwidth=1.6)
    tone = _mix_into(tone, rosin, gain=FIDDLE_ROSIN_GAIN)
    return _add_prefix(tone, _touch("fiddle_bow", burst=FIDDLE_BOW_BITE, cutoff_hz=cutoff_hz,
                                    sample_rate=sample_rate))


def tin_whistle(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                glide_st: float) -> np.ndarray:
    """Tin whistle (fipple flute): a pure, piping tone an octave above the written note
    with a clear second harmonic (brighter than the concert flute), a chiff of breath and
    almost no vibrato."""
    f = freq_hz * 2.0
    tone = additive_tone(_by_harmonic(1.0, 0.45, 0.18, 0.07), f,
                         n_samples=n_samples, sample_rate=sample_rate,
                         cutoff_hz=cutoff_hz * 3, vibrato_hz=5.5, vibrato_cents=5.0,
                         vibrato_delay_s=0.4, glide_st=glide_st)
    air = breath_noise("tin_whistle", f, n_samples=n_samples, sample_rate=sample_rate,
                       bandwidth=1.5)
    return _mix_into(tone, air, gain=0.1)


def star_ping(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
              glide_st: float) -> np.ndarray:
    """A faint high sine ping with a soft octave: one twinkling star (texture only)."""
    return modal_tone(((1.0, 1.0, 0.35), (2.0, 0.15, 0.15)), freq_hz, n_samples=n_samples,
                      sample_rate=sample_rate, cutoff_hz=cutoff_hz * 4)


def wind_chime(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
               glide_st: float) -> np.ndarray:
    """Aluminium tube chime: free-free bar partials 1, 2.76, 5.40, long shimmering decay."""
    return modal_tone(((1.0, 1.0, 2.0), (2.76, 0.5, 1.2), (5.40, 0.25, 0.6)), freq_hz,
                      n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 4)


def glockenspiel(freq_hz: float, *, n_samples: int, sample_rate: int, cutoff_hz: float,
                 glide_st: float) -> np.ndarray:
    """Steel bars struck with hard mallets: bright partials 1, 2.71, 5.15 ringing ~1.5 s."""
    return modal_tone(((1.0, 1.0, 1.4), (2.71, 0.45, 0.5), (5.15, 0.25, 0.2)), freq_hz,
                      n_samples=n_samples, sample_rate=sample_rate, cutoff_hz=cutoff_hz * 5)


@dataclass(frozen=True)
class Instrument:
    """An instrument: its raw-tone function, envelope, base cutoff and output gain.

    Attributes
    ----------
    osc : callable
        ``osc(freq_hz, *, n_samples, sample_rate, cutoff_hz, glide_st) -> float32 array``:
        the raw tone, intrinsic decay included, no gate envelope.
    attack_s, decay_s, release_s : float >= 0
        Envelope times in seconds (see :class:`~moodc.synth.envelope.Adsr`).
    sustain_level : float in [0, 1]
        Sustain as a fraction of the peak; percussive voices use 1 ("let the raw tone
        decay").
    cutoff_hz : float > 0
        Base brightness cutoff, scaled by the document's brightness.
    gain : float > 0
        Linear output gain; the gains roughly level-match the voices by ear/RMS.
    percussive : bool
        Struck or plucked: decays by itself, cannot glide, fades at the raw-tone cap
        instead of looping.
    bend_st : float <= 0
        A melody note of this voice bends up into its pitch from this many semitones (the
        klezmer clarinettist's lip glide); 0 never.
    sob_st : float >= 0
        The *krekhts* (sob) of a klezmer clarinet: a melody note of this voice long enough
        ends with a quick choked fall to the scale tone below, at most this many semitones
        down (see ``melody.SOB_S``); 0 never.
    ornaments : tuple of (kind, weight), optional
        The ornaments this instrument's players use, by relative weight (kinds of
        ``melody.ORNAMENT_KINDS``); None plays the general mix ``melody.ORNAMENTS``. How
        often a melody is ornamented is still the document's ``composition.ornament``.
    breath_s : float >= 0
        A wind player's longest breath: a melody note of this voice held longer is played
        as several notes of the same pitch at most this long, a short breath between them
        (``events.BREATH_GAP_S``), each speaking and swelling again; 0 never (a bow, a
        bellows or an oscillator does not run out of air). One player's breath also means
        one note at a time: as a pad, such a voice plays a line of long tones on the
        chord's tones (``patterns.held_line``), not the chord.
    marcato : str, optional
        The voice this instrument's short comping strokes play (a staccato
        :class:`~moodc.synth.patterns.CompPattern`), where the player attacks a chord
        differently from a held note (the bandoneón's marcato: the bellows snapped, not
        swelled); empty: the instrument itself.
    fingers : str, optional
        The voice this instrument comps with in a pattern played with the fingers' flesh
        (:attr:`~moodc.synth.patterns.CompPattern.fingers`: the bossa guitarist's thumb
        and fingertips, no nails); empty: the instrument itself.
    """

    osc: Callable[..., np.ndarray]
    attack_s: float
    decay_s: float
    sustain_level: float
    release_s: float
    cutoff_hz: float
    gain: float
    percussive: bool = False
    bend_st: float = 0.0
    sob_st: float = 0.0
    ornaments: tuple[tuple[str, float], ...] | None = None
    breath_s: float = 0.0
    marcato: str = ""
    fingers: str = ""

    @functools.cached_property
    def envelope(self) -> Adsr:
        """The envelope shape in seconds (made once per voice: a render asks for it on every
        note and block, ~14 k times per 300 s, and building the frozen Adsr cost 1.5 us)."""
        return Adsr(attack_s=self.attack_s, decay_s=self.decay_s,
                    sustain_level=self.sustain_level, release_s=self.release_s)

    @property
    def glides(self) -> bool:
        """Whether the voice can bend pitch (struck and plucked voices cannot)."""
        return not self.percussive


#: Instrument name → voice. Gains roughly level-match the voices by ear/RMS.
INSTRUMENT_VOICES: dict[str, Instrument] = {
    "sine": Instrument(osc=sine, attack_s=0.01, decay_s=0.1, sustain_level=0.9,
                       release_s=0.08, cutoff_hz=4000.0, gain=0.65),
    "triangle": Instrument(osc=triangle, attack_s=0.008, decay_s=0.1, sustain_level=0.85,
                           release_s=0.08, cutoff_hz=6000.0, gain=0.65),
    "saw": Instrument(osc=saw, attack_s=0.01, decay_s=0.2, sustain_level=0.75,
                      release_s=0.1, cutoff_hz=2500.0, gain=0.5),
    "square_8bit": Instrument(osc=square_8bit, attack_s=0.003, decay_s=0.05, sustain_level=0.8,
                              release_s=0.02, cutoff_hz=8000.0, gain=0.55),
    # a short comping stroke on it is choked by the palm (the skank), not a ringing pluck
    "pluck": Instrument(osc=pluck, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                        release_s=0.08, cutoff_hz=3500.0, gain=2.7, percussive=True,
                        marcato="_pluck_choked"),
    "bell": Instrument(osc=bell, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                       release_s=0.4, cutoff_hz=5000.0, gain=0.45, percussive=True),
    "electric_piano": Instrument(osc=electric_piano, attack_s=0.003, decay_s=0.0,
                                 sustain_level=1.0, release_s=0.12, cutoff_hz=3000.0,
                                 gain=0.75, percussive=True),
    "organ": Instrument(osc=organ, attack_s=0.006, decay_s=0.0, sustain_level=1.0,
                        release_s=0.04, cutoff_hz=5000.0, gain=0.4),
    "strings": Instrument(osc=strings, attack_s=0.25, decay_s=0.3, sustain_level=0.85,
                          release_s=0.5, cutoff_hz=3500.0, gain=0.55),
    "brass": Instrument(osc=brass, attack_s=0.04, decay_s=0.2, sustain_level=0.8,
                        release_s=0.12, cutoff_hz=3000.0, gain=0.6),
    # one player's breath: long notes are breathed, and as a pad it holds a line, not chords
    "flute": Instrument(osc=flute, attack_s=0.06, decay_s=0.1, sustain_level=0.9,
                        release_s=0.12, cutoff_hz=5000.0, gain=0.6,
                        breath_s=FLUTE_BREATH_S),
    "choir": Instrument(osc=choir, attack_s=0.3, decay_s=0.3, sustain_level=0.9,
                        release_s=0.6, cutoff_hz=4000.0, gain=1.1),
    "marimba": Instrument(osc=marimba, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                          release_s=0.1, cutoff_hz=4000.0, gain=0.8, percussive=True),
    "celesta": Instrument(osc=celesta, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                          release_s=0.25, cutoff_hz=6000.0, gain=0.65, percussive=True),
    "koto": Instrument(osc=koto, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                       release_s=0.15, cutoff_hz=4500.0, gain=3.8, percussive=True),
    "oud": Instrument(osc=oud, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                      release_s=0.1, cutoff_hz=2500.0, gain=2.6, percussive=True),
    "sitar": Instrument(osc=sitar, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                        release_s=0.2, cutoff_hz=4500.0, gain=1.8, percussive=True),
    "shehnai": Instrument(osc=shehnai, attack_s=0.03, decay_s=0.1, sustain_level=0.85,
                          release_s=0.08, cutoff_hz=4500.0, gain=0.55),
    "ney": Instrument(osc=ney, attack_s=0.09, decay_s=0.1, sustain_level=0.9,
                      release_s=0.15, cutoff_hz=3500.0, gain=0.6),
    # the bansuri's meend (slow slides) and gamak (the turn around the note) before grace
    "bansuri": Instrument(osc=bansuri, attack_s=0.05, decay_s=0.1, sustain_level=0.9,
                          release_s=0.12, cutoff_hz=4500.0, gain=0.6,
                          ornaments=(("slide", 0.55), ("mordent", 0.3), ("grace", 0.15)),
                          breath_s=BANSURI_BREATH_S),
    "tuba": Instrument(osc=tuba, attack_s=0.05, decay_s=0.2, sustain_level=0.85,
                       release_s=0.1, cutoff_hz=1500.0, gain=0.55),
    "calliope": Instrument(osc=calliope, attack_s=0.01, decay_s=0.05, sustain_level=0.9,
                           release_s=0.05, cutoff_hz=5000.0, gain=0.55),
    "nylon_guitar": Instrument(osc=nylon_guitar, attack_s=0.002, decay_s=0.0,
                               sustain_level=1.0, release_s=0.06, cutoff_hz=3000.0, gain=2.6,
                               percussive=True, fingers="_nylon_guitar_fingers"),
    "bandoneon": Instrument(osc=bandoneon, attack_s=0.03, decay_s=0.1, sustain_level=0.9,
                            release_s=0.06, cutoff_hz=3500.0, gain=0.45,
                            marcato="_bandoneon_marcato"),
    "clarinet": Instrument(osc=clarinet, attack_s=0.04, decay_s=0.1, sustain_level=0.9,
                           release_s=0.07, cutoff_hz=3500.0, gain=0.6, bend_st=-0.8,
                           sob_st=2.0),
    "gamelan": Instrument(osc=gamelan, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                          release_s=GAMELAN_DAMP_S, cutoff_hz=5000.0, gain=0.5, percussive=True),
    "kora": Instrument(osc=kora, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                       release_s=0.2, cutoff_hz=4500.0, gain=2.6, percussive=True,
                       ornaments=(("grace", 1.0),)),
    # the guzheng's glissando: a sweep up the strings into the note
    "guzheng": Instrument(osc=guzheng, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                          release_s=0.3, cutoff_hz=5000.0, gain=2.4, percussive=True,
                          ornaments=(("gliss", 0.7), ("grace", 0.3))),
    # the erhu's portamento: slides between notes more than anything else
    "erhu": Instrument(osc=erhu, attack_s=0.05, decay_s=0.1, sustain_level=0.9,
                       release_s=0.12, cutoff_hz=4500.0, gain=0.55,
                       ornaments=(("slide", 0.7), ("mordent", 0.15), ("grace", 0.15))),
    # Irish cuts and rolls
    "fiddle": Instrument(osc=fiddle, attack_s=0.03, decay_s=0.08, sustain_level=0.85,
                         release_s=0.08, cutoff_hz=5000.0, gain=0.55,
                         ornaments=(("cut", 0.55), ("roll", 0.35), ("slide", 0.1))),
    "tin_whistle": Instrument(osc=tin_whistle, attack_s=0.02, decay_s=0.05,
                              sustain_level=0.9, release_s=0.06, cutoff_hz=6000.0, gain=0.55,
                              ornaments=(("cut", 0.6), ("roll", 0.4))),
    # the upright bass, plucked: percussive (it decays by itself and cannot glide)
    "double_bass": Instrument(osc=double_bass, attack_s=0.003, decay_s=0.0, sustain_level=1.0,
                              release_s=0.09, cutoff_hz=2000.0, gain=1.5, percussive=True),
    # private voices of the accent and texture layers (not user-selectable instruments)
    "_bandoneon_marcato": Instrument(osc=bandoneon_marcato, attack_s=0.004, decay_s=0.0,
                                     sustain_level=1.0, release_s=0.04, cutoff_hz=3500.0,
                                     gain=0.45),
    # the tango orchestra's piano (the comping's piano lane) and violin section (the
    # melody's answering section): a felt hammer's ring, and a bowed legato
    "_piano": Instrument(osc=piano, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                         release_s=0.12, cutoff_hz=4000.0, gain=0.9, percussive=True),
    "_violins": Instrument(osc=violins, attack_s=0.07, decay_s=0.1, sustain_level=0.9,
                           release_s=0.15, cutoff_hz=4000.0, gain=0.25),
    # the nylon guitar comping with the fingers' flesh (the bossa batida)
    "_nylon_guitar_fingers": Instrument(osc=nylon_guitar_fingers, attack_s=0.002, decay_s=0.0,
                                        sustain_level=1.0, release_s=0.06, cutoff_hz=3000.0,
                                        gain=2.6, percussive=True),
    "_pluck_choked": Instrument(osc=pluck_choked, attack_s=0.001, decay_s=0.0,
                                sustain_level=1.0, release_s=0.03, cutoff_hz=3500.0,
                                gain=2.7, percussive=True),
    "_star": Instrument(osc=star_ping, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                        release_s=0.5, cutoff_hz=8000.0, gain=0.6, percussive=True),
    "_chime": Instrument(osc=wind_chime, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                         release_s=1.5, cutoff_hz=8000.0, gain=0.6, percussive=True),
    # the notes of a console chord arpeggio of n notes, each sounding every nth frame
    **{chip_arp_voice(n): Instrument(osc=_arp_turns(n), attack_s=0.002, decay_s=0.0,
                                     sustain_level=1.0, release_s=0.01, cutoff_hz=8000.0,
                                     gain=0.55)
       for n in range(1, ARP_MAX_NOTES + 1)},
    "_glock": Instrument(osc=glockenspiel, attack_s=0.002, decay_s=0.0, sustain_level=1.0,
                         release_s=1.0, cutoff_hz=8000.0, gain=0.7, percussive=True),
}
