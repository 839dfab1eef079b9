"""Synthesized percussion: every drum sound of every rhythm style, built from three parts.

A *membrane* (a sine whose pitch falls or bends, decaying), *noise* (band-passed, decaying)
and *modes* (inharmonic ringing partials for metal and wood). Each sound is a fixed recipe:
its noise comes from a fixed sequence, so a drum sound is identical every time it plays and
is computed once per render (cached by the caller).
"""

from __future__ import annotations

import functools
import zlib
from typing import Callable

import numpy as np

from moodc.dsp.design import butter_sos
from moodc.dsp.sosfilt import sosfilt
from moodc.synth.oscillators import CONSOLE_FRAME_HZ, MAX_HARMONIC_FRACTION
from moodc.synth.events import drum_name
from moodc.synth.patterns import DRUM_TAKES, PALMAS_TAKES


def _t(dur_s: float, sample_rate: int) -> np.ndarray:
    return np.arange(int(dur_s * sample_rate)) / sample_rate


def membrane(*, f_start_hz: float, f_end_hz: float, sweep_s: float, decay_s: float,
             sample_rate: int, dur_s: float | None = None) -> np.ndarray:
    """A struck membrane: pitch glides from ``f_start_hz`` to ``f_end_hz`` (time constant
    ``sweep_s``; an upward glide is the tabla bayan's heel bend), amplitude decays."""
    t = _t(dur_s or decay_s * 7.0, sample_rate)
    freq = f_end_hz + (f_start_hz - f_end_hz) * np.exp(-t / sweep_s)
    phase = 2 * np.pi * np.cumsum(freq) / sample_rate
    return (np.sin(phase) * np.exp(-t / decay_s)).astype(np.float32)


def noise(name: str, *, low_hz: float, high_hz: float, decay_s: float, sample_rate: int,
          attack_s: float = 0.0, dur_s: float | None = None) -> np.ndarray:
    """Band-passed noise burst with exponential decay (hats, snares, shakers, brushes)."""
    t = _t(dur_s or decay_s * 7.0, sample_rate)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    nyq_hz = MAX_HARMONIC_FRACTION * sample_rate
    high = min(high_hz, nyq_hz)
    low = min(low_hz, high * 0.5)
    sos = butter_sos(2, (low, high), btype="bandpass", sample_rate=sample_rate)
    x = sosfilt(sos, rng.standard_normal(len(t)))
    env = np.exp(-t / decay_s)
    if attack_s:
        env *= np.clip(t / attack_s, 0, 1)
    return (x / (np.std(x[: max(len(x) // 4, 1)]) + 1e-9) * env).astype(np.float32)


def modes(partials: tuple[tuple[float, float, float], ...], *, sample_rate: int,
          dur_s: float) -> np.ndarray:
    """Ringing partials ``(freq_hz, amp, decay_s)`` (metal and wood), below Nyquist."""
    t = _t(dur_s, sample_rate)
    out = np.zeros(len(t))
    for f, a, d in partials:
        if f < MAX_HARMONIC_FRACTION * sample_rate:
            out += a * np.exp(-t / d) * np.sin(2 * np.pi * f * t)
    return out.astype(np.float32)


def _mix(*parts: tuple[float, np.ndarray]) -> np.ndarray:
    n = max(len(p) for _, p in parts)
    out = np.zeros(n, dtype=np.float32)
    for gain, p in parts:
        out[: len(p)] += gain * p
    return out


#: The NES APU's noise channel: a 15-bit linear-feedback shift register whose output bit
#: is held for one timer period; "long" mode taps bit 1 (32767-step hiss), "short" mode
#: taps bit 6 (a 93-step metallic buzz).
LFSR_TAP_BIT: dict[str, int] = {"long": 1, "short": 6}
#: The noise channel's volume is a 4-bit number: 16 levels, 0..15.
CHIP_VOLUME_STEPS = 15


@functools.lru_cache(maxsize=4)
def _lfsr_bits(mode: str) -> np.ndarray:
    """One period of the 15-bit LFSR as ±1 (32767 steps in long mode, 93 in short)."""
    tap, reg, out = LFSR_TAP_BIT[mode], 1, []
    for _ in range(32767 if mode == "long" else 93):
        out.append(1.0 - 2.0 * (reg & 1))
        feedback = (reg ^ (reg >> tap)) & 1
        reg = (reg >> 1) | (feedback << 14)
    return np.array(out, dtype=np.float32)


def lfsr_noise(*, clock_hz: float, dur_s: float, sample_rate: int,
               mode: str = "long") -> np.ndarray:
    """The console noise channel: LFSR bits held for ``1 / clock_hz`` seconds each (±1).

    Two-level (1-bit) noise is what makes 8-bit drums sound 8-bit; a lower clock gives a
    darker, grainier hiss (snare), a high one a bright fizz (hats).
    """
    bits = _lfsr_bits(mode)
    step = (np.arange(int(dur_s * sample_rate)) * (clock_hz / sample_rate)).astype(np.int64)
    return bits[step % len(bits)]


def frame_volume(*, decay_frames: float, dur_s: float, sample_rate: int) -> np.ndarray:
    """A 4-bit volume envelope updated once per frame: 15 falling to 0 over the frames.

    The sound driver of a console sets the channel's volume at :data:`~moodc.synth.oscillators.CONSOLE_FRAME_HZ`, so the
    decay is a staircase of 1/15 steps, one per frame, not a smooth curve.
    """
    frame = np.floor(_t(dur_s, sample_rate) * CONSOLE_FRAME_HZ)
    level = np.round(CHIP_VOLUME_STEPS * np.exp(-frame / decay_frames))
    return (level / CHIP_VOLUME_STEPS).astype(np.float32)


def chip_noise_drum(*, clock_hz: float, decay_frames: float, dur_s: float,
                    sample_rate: int, mode: str = "long") -> np.ndarray:
    """A noise-channel drum: 1-bit LFSR noise under a per-frame 4-bit volume staircase."""
    return (lfsr_noise(clock_hz=clock_hz, dur_s=dur_s, sample_rate=sample_rate, mode=mode)
            * frame_volume(decay_frames=decay_frames, dur_s=dur_s, sample_rate=sample_rate))


def stick_attack(name: str, *, sample_rate: int, decay_s: float = 0.004) -> np.ndarray:
    """The crack of a wooden stick (bachi) on a head: a 1–6 kHz noise burst of a few ms.

    Without it a big drum is a thud; with it each stroke has the sharp front that lets an
    ensemble's strokes be heard as strokes.
    """
    return noise(f"stick/{name}", low_hz=1000, high_hz=6000, decay_s=decay_s,
                 sample_rate=sample_rate, dur_s=decay_s * 8)


#: Early reflections of a wooden festival stage and hall: (delay s, gain). Baked into the
#: big drums so their body blooms in a room whatever the document's ``space``.
ROOM_TAPS: tuple[tuple[float, float], ...] = ((0.011, 0.45), (0.019, 0.35), (0.029, 0.28),
                                              (0.043, 0.2), (0.061, 0.14))


def room(x: np.ndarray, *, sample_rate: int) -> np.ndarray:
    """``x`` plus its low-passed (2 kHz) early reflections (:data:`ROOM_TAPS`)."""
    n_tail = int(ROOM_TAPS[-1][0] * sample_rate) + 1
    out = np.concatenate([x, np.zeros(n_tail, dtype=np.float32)])
    wet = np.zeros_like(out)
    for delay_s, gain in ROOM_TAPS:
        d = int(delay_s * sample_rate)
        wet[d: d + len(x)] += gain * x
    sos = butter_sos(2, min(2000.0, 0.45 * sample_rate), sample_rate=sample_rate)
    return (out + sosfilt(sos, wet)).astype(np.float32)


def ensemble(x: np.ndarray, *, sample_rate: int,
             players: tuple[tuple[float, float], ...]) -> np.ndarray:
    """Several players striking together: ``x`` at each ``(delay s, gain)`` of ``players``.

    Real unison strokes land a few ms apart; the spread thickens the hit (the density of
    a drum ensemble) while every stroke keeps its attack.
    """
    n = len(x) + int(max(d for d, _ in players) * sample_rate)
    out = np.zeros(n, dtype=np.float32)
    for delay_s, gain in players:
        d = int(delay_s * sample_rate)
        out[d: d + len(x)] += gain * x
    return out


def _taiko(name: str, *, f_start_hz: float, f_end_hz: float, decay_s: float, dur_s: float,
           sample_rate: int) -> np.ndarray:
    """A big barrel drum: the head's low falling pitch, its first overtone (×1.59, the
    body's "bloom"), the stick's crack, all in the room."""
    kw = dict(sweep_s=0.06, sample_rate=sample_rate, dur_s=dur_s)
    head = _mix((1.0, membrane(f_start_hz=f_start_hz, f_end_hz=f_end_hz, decay_s=decay_s, **kw)),
                (0.35, membrane(f_start_hz=f_start_hz * 1.59, f_end_hz=f_end_hz * 1.59,
                                decay_s=decay_s * 0.4, **kw)),
                (0.25, noise(name, low_hz=60, high_hz=500, decay_s=0.12, attack_s=0.004,
                             sample_rate=sample_rate, dur_s=dur_s)),
                (0.6, stick_attack(name, sample_rate=sample_rate)))
    return room(head, sample_rate=sample_rate)


#: Modes of a struck circular membrane, as ratios to its fundamental (Bessel zeros:
#: (0,1), (1,1), (2,1), (0,2), (3,1)), with each one's level and decay as a fraction of the
#: fundamental's. Inharmonic: what makes a skin sound like a skin and not a tuned sine.
MEMBRANE_MODES: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 1.0), (1.59, 0.45, 0.4), (2.14, 0.3, 0.28), (2.30, 0.2, 0.22),
    (2.65, 0.12, 0.18))
#: An acoustic bass drum's pitch settles only this much (fraction of its fundamental): the
#: head's tension rises a little under a hard stroke. A drum machine's kick falls an
#: octave or more, which is what makes it a drum machine.
BASS_DRUM_DROOP = 0.08


def bass_drum(name: str, *, fundamental_hz: float, decay_s: float, beater_hz: float,
              sample_rate: int) -> np.ndarray:
    """An acoustic bass drum (the kit's in a bossa or a dance band, the big drum of a march
    or an oom-pah band), struck with a felt beater: the head's inharmonic modes
    (:data:`MEMBRANE_MODES`) with only a slight pitch droop (:data:`BASS_DRUM_DROOP`), and
    the beater's soft thud (low-passed noise up to ``beater_hz``, a few ms)."""
    dur_s = decay_s * 7.0
    kw = dict(sweep_s=0.015, sample_rate=sample_rate, dur_s=dur_s)
    head = [(level, membrane(f_start_hz=fundamental_hz * ratio * (1 + BASS_DRUM_DROOP),
                             f_end_hz=fundamental_hz * ratio, decay_s=decay_s * decay, **kw))
            for ratio, level, decay in MEMBRANE_MODES]
    thud = noise(name, low_hz=60.0, high_hz=beater_hz, decay_s=0.008, attack_s=0.001,
                 sample_rate=sample_rate, dur_s=dur_s)
    return _mix(*head, (0.35, thud)) * 0.6


#: Which of :data:`MEMBRANE_MODES` are axisymmetric (the (0, n) modes, at full strength
#: when the skin is struck at its centre); the others have a nodal line through the centre
#: and grow as the stroke moves out towards the rim.
MEMBRANE_MODE_AXISYMMETRIC: tuple[bool, ...] = (True, False, False, True, False)
#: The sign each of :data:`MEMBRANE_MODES` reaches the listener with. The (0, 2) mode's
#: net volume velocity is opposite to the (0, 1) mode's (the integral of J0(j02 r) r over
#: the head, J1(j02)/j02, is negative); the others radiate as dipoles and quadrupoles whose
#: sign depends on where one sits, here alternating. All in phase, the modes would pile up
#: into one spike in the first ms that no skin makes (and that the master's limiter then
#: has to pull down).
MEMBRANE_MODE_POLARITY: tuple[float, ...] = (1.0, -1.0, 1.0, -1.0, 1.0)


def skin_modes(*, fundamental_hz: float, decay_s: float, droop: float, off_centre: float,
               dur_s: float, sample_rate: int, settle_s: float = 0.012) -> np.ndarray:
    """A struck skin's body: the inharmonic modes of :data:`MEMBRANE_MODES` over
    ``fundamental_hz``, each settling by only ``droop`` (a fraction of its pitch, a few %:
    a hand drum's head is slack, not swept) and ringing a fraction of ``decay_s``.

    ``off_centre`` (0..1) moves the stroke from the centre towards the rim: the
    axisymmetric modes (:data:`MEMBRANE_MODE_AXISYMMETRIC`) weaken by that fraction and the
    others grow by it, so an off-centre stroke is thinner and rings higher. Each mode
    reaches the listener with its :data:`MEMBRANE_MODE_POLARITY`. The pitch settles with
    the time constant ``settle_s`` (a slack head struck hard relaxes more slowly).
    """
    kw = dict(sweep_s=settle_s, sample_rate=sample_rate, dur_s=dur_s)
    weights = [sign * ((1.0 - off_centre) if symmetric else (1.0 + off_centre))
               for symmetric, sign in zip(MEMBRANE_MODE_AXISYMMETRIC, MEMBRANE_MODE_POLARITY,
                                          strict=True)]
    return _mix(*[(level * weight,
                   membrane(f_start_hz=fundamental_hz * ratio * (1 + droop),
                            f_end_hz=fundamental_hz * ratio, decay_s=decay_s * decay, **kw))
                  for (ratio, level, decay), weight in zip(MEMBRANE_MODES, weights,
                                                           strict=True)])


#: A jazz kit's bass drum (bossa): an 18-20 inch drum with both heads on and no port, tuned
#: up for tone, played feathered. (batter head Hz, its ring s, the resonant head's pitch
#: against the batter's, its ring s, its level): the front head answers the batter a shade
#: higher and rings on after it, so the two beat (the drum's "boom", not a kick's thud).
JAZZ_BASS_DRUM_HEADS: tuple[float, float, float, float, float] = (64.0, 0.18, 1.035, 0.3, 0.5)
#: The felt beater on the batter head: the head's slap under it (band Hz, decay s, level).
#: The mids of a slack head giving under soft felt, not a dance kick's 1-6 kHz click.
JAZZ_BASS_DRUM_BEATER: tuple[tuple[float, float], float, float] = ((150.0, 1500.0), 0.008, 0.3)


def jazz_bass_drum(name: str, *, sample_rate: int, take: int = 0) -> np.ndarray:
    """A jazz kit's bass drum feathered (a bossa's surdo figure, felt more than heard): the
    batter head's modes struck near the centre by the beater (:func:`skin_modes`), the
    resonant head answering a shade higher and longer (:data:`JAZZ_BASS_DRUM_HEADS`) and
    the felt's slap in the head's mids (:data:`JAZZ_BASS_DRUM_BEATER`). A dance kick is a
    sine falling an octave under a bright click, the same sample on every beat; each
    ``take`` (:func:`take_nudges`) here lands the beater a little elsewhere and harder or
    softer."""
    batter_hz, batter_s, reso_ratio, reso_s, reso_level = JAZZ_BASS_DRUM_HEADS
    (low_hz, high_hz), slap_s, slap_level = JAZZ_BASS_DRUM_BEATER
    nudge = take_nudges(name, take=take)
    pitch, ring_mul = 1.0 + nudge["pitch"], 1.0 + nudge["ring"]
    dur_s = reso_s * 5.0
    batter = skin_modes(fundamental_hz=batter_hz * pitch, decay_s=batter_s * ring_mul,
                        droop=0.03, off_centre=float(np.clip(0.1 + nudge["place"], 0.0, 1.0)),
                        dur_s=dur_s, sample_rate=sample_rate)
    reso = skin_modes(fundamental_hz=batter_hz * reso_ratio, decay_s=reso_s * ring_mul,
                      droop=0.0, off_centre=0.0, dur_s=dur_s, sample_rate=sample_rate)
    slap = noise(f"{name}/slap", low_hz=low_hz, high_hz=high_hz, decay_s=slap_s,
                 attack_s=0.001, sample_rate=sample_rate, dur_s=dur_s)
    return _mix((1.0, batter), (reso_level, reso), (slap_level, slap)) * (
        0.6 * (1.0 + nudge["level"]))


#: How much a hand drum's strokes differ from take to take (see :func:`take_nudges`), as
#: the largest nudge either way: the skin's pitch (fraction: the hand's pressure on it), its
#: ring (fraction), where the stroke lands (off-centre, 0..1 units) and how hard (fraction
#: of its level). Small: the same stroke by the same player, never the same sample.
TAKE_SPREAD: dict[str, float] = {"pitch": 0.015, "ring": 0.12, "place": 0.08, "level": 0.1}


def take_nudges(sound: str, *, take: int) -> dict[str, float]:
    """Take ``take`` of ``sound``'s nudges (:data:`TAKE_SPREAD`'s keys): none for take 0 (the
    recipe as written), a seeded draw within the spreads for every other take, so each
    take is the same every render and the takes differ from one another."""
    if take == 0:
        return dict.fromkeys(TAKE_SPREAD, 0.0)
    rng = np.random.default_rng(zlib.crc32(f"{sound}/take/{take}".encode()))
    return {key: spread * float(rng.uniform(-1.0, 1.0)) for key, spread in TAKE_SPREAD.items()}


#: The bodhrán's goatskin (an 18-inch frame drum): its fundamental, ring, the few % its
#: pitch settles, and the skin's own papery rattle (band). The player's back hand rests on
#: the skin, so a stroke rings briefly, and the skin noise is half the sound.
BODHRAN_HZ = 78.0
BODHRAN_RING_S = 0.11
BODHRAN_DROOP = 0.04
BODHRAN_SKIN_BAND_HZ = (250.0, 3000.0)
#: Strokes on the bodhrán's skin (see :func:`bodhran`): stroke → (off-centre 0..1, level,
#: the tipper's click level). The tipper's down and up strokes; a drum circle's frame
#: drum played with the flat hand has no click. In a session the bodhrán keeps the
#: dancers' time *under* the tunes: a light wrist, the skin damped by the hand behind it,
#: about a third of a flat hand's stroke (played at a kit's level it buries the fiddle
#: and the tagger hears a dance beat: ``tools/electronic_study.py``, solo:rhythm).
BODHRAN_STROKES: dict[str, tuple[float, float, float]] = {
    "down": (0.0, 0.35, 0.5), "up": (0.5, 0.28, 0.5), "hand": (0.0, 1.0, 0.0)}
#: The player's other hand inside the frame, against the back of the skin (see
#: :func:`bodhran`): hand → (pitch ratio, ring ratio). Open, the skin booms at its own
#: pitch; pressed, it is tightened and damped: higher by about a fifth and half as long.
#: Moving that hand is how a bodhrán player makes the drum's tune.
BODHRAN_HAND: dict[str, tuple[float, float]] = {"open": (1.0, 1.0), "pressed": (1.5, 0.5)}


def bodhran(name: str, *, stroke: str, sample_rate: int, hand: str = "open",
            take: int = 0) -> np.ndarray:
    """A bodhrán stroke: the tipper (a short wooden stick held in the middle) clicking on
    the skin, the goatskin's inharmonic modes (:func:`skin_modes`, a slight droop, not a
    kick's sweep) and its papery rattle.

    The tipper rocks: its lower end strikes on the way down, its upper end on the way up,
    a little further from the centre and lighter (:data:`BODHRAN_STROKES`). That
    alternation of a fuller and a thinner stroke is the bodhrán's roll. The other hand,
    inside the frame, presses the skin or lets it ring (:data:`BODHRAN_HAND`): a pressed
    stroke is higher and shorter, so the drum plays a tune of open and stopped notes, not
    one sound over and over (a drum machine's). Each ``take`` (:func:`take_nudges`) lands
    the tipper a little elsewhere, a little harder or softer, with the hand pressing a
    little more or less, and has its own skin noise and click.
    """
    off_centre, level, click = BODHRAN_STROKES[stroke]
    pitch_ratio, ring_ratio = BODHRAN_HAND[hand]
    nudge = take_nudges(name, take=take)
    dur_s = BODHRAN_RING_S * 7.0
    low_hz, high_hz = BODHRAN_SKIN_BAND_HZ
    body = skin_modes(fundamental_hz=BODHRAN_HZ * pitch_ratio * (1.0 + nudge["pitch"]),
                      decay_s=BODHRAN_RING_S * ring_ratio * (1.0 + nudge["ring"]),
                      droop=BODHRAN_DROOP,
                      off_centre=float(np.clip(off_centre + nudge["place"], 0.0, 1.0)),
                      dur_s=dur_s, sample_rate=sample_rate)
    level *= 1.0 + nudge["level"]
    return _mix((0.9, body),
                (0.4, noise(name, low_hz=low_hz, high_hz=high_hz, decay_s=0.04,
                            attack_s=0.002, sample_rate=sample_rate, dur_s=dur_s)),
                (click, stick_attack(name, sample_rate=sample_rate, decay_s=0.003))) * level


#: A snare drum played with wire brushes: the batter head (fundamental, ring), and the
#: snare wires under the resonant head buzzing (band, ring): a brush barely moves the head,
#: so the wires' rattle carries the stroke.
SNARE_HEAD_HZ = 185.0
SNARE_WIRES_BAND_HZ = (400.0, 5000.0)
#: A brush's fan of wires lands over this long: its tap has no sharp front.
BRUSH_LANDING_S = 0.007


def snare_brush(name: str, *, sample_rate: int) -> np.ndarray:
    """A brush tap on a snare: the fan of wires landing over a few ms (a soft "tsh", not a
    stick's crack), the head's modes lightly struck off-centre (:func:`skin_modes`) and
    the snare wires' rattle. A hi-hat is a thin metallic hiss; this has a body at the
    head's pitch and the wires' mid-band buzz."""
    dur_s = 0.45
    low_hz, high_hz = SNARE_WIRES_BAND_HZ
    head = skin_modes(fundamental_hz=SNARE_HEAD_HZ, decay_s=0.05, droop=0.03, off_centre=0.3,
                      dur_s=dur_s, sample_rate=sample_rate)
    return _mix((0.2, head),
                (0.55, noise(f"{name}/wires", low_hz=low_hz, high_hz=high_hz, decay_s=0.07,
                             attack_s=BRUSH_LANDING_S, sample_rate=sample_rate, dur_s=dur_s)),
                (0.25, noise(f"{name}/brush", low_hz=2000, high_hz=8000, decay_s=0.015,
                             attack_s=BRUSH_LANDING_S, sample_rate=sample_rate,
                             dur_s=dur_s))) * 0.45


def snare_stick(name: str, *, sample_rate: int) -> np.ndarray:
    """A snare drum struck with a stick (a kit's backbeat, a march, the oom-pah band's
    "pah"): the stick's crack (:func:`stick_attack`), the batter head's modes a little
    off-centre (:func:`skin_modes`, settling a few %: a head, not a swept sine) and the snare
    wires under the resonant head rattling in their mid band (:data:`SNARE_WIRES_BAND_HZ`)
    for a tenth of a second. A drum machine's snare is a swept sine under white noise up
    to 9 kHz; this one's noise is the wires', centred where wires buzz."""
    dur_s = 0.6
    low_hz, high_hz = SNARE_WIRES_BAND_HZ
    head = skin_modes(fundamental_hz=SNARE_HEAD_HZ, decay_s=0.1, droop=0.04, off_centre=0.3,
                      dur_s=dur_s, sample_rate=sample_rate)
    return _mix((0.45, head),
                (0.6, noise(f"{name}/wires", low_hz=low_hz, high_hz=high_hz, decay_s=0.1,
                            attack_s=0.001, sample_rate=sample_rate, dur_s=dur_s)),
                (0.4, stick_attack(name, sample_rate=sample_rate)))


#: A cross-stick (the bossa's "rim click"): the stick laid across the snare, its tip on the
#: head under the palm and its shaft struck down on the rim. The shaft rings as a free
#: wooden bar (its lowest mode Hz and the bar's mode ratios 1 : 2.76 : 5.40, each with its
#: level and ring s); the shell and the palm-damped head ring under it at the snare's pitch.
CROSS_STICK_BAR_HZ = 520.0
CROSS_STICK_BAR_MODES: tuple[tuple[float, float, float], ...] = (
    (1.0, 1.0, 0.03), (2.76, 0.55, 0.014), (5.40, 0.25, 0.007))
#: The cross-stick's parts, (head level, head ring s, rim click level, click decay s, wires'
#: level): the head is half damped by the palm resting on it, the wires barely stir.
CROSS_STICK_MIX: tuple[float, float, float, float, float] = (0.45, 0.04, 0.35, 0.0015, 0.1)


def cross_stick(name: str, *, sample_rate: int, take: int = 0) -> np.ndarray:
    """A cross-stick on the snare: the stick's shaft knocking on the rim, a woody "tock"
    (:data:`CROSS_STICK_BAR_MODES` over :data:`CROSS_STICK_BAR_HZ`), the head and shell
    under the resting palm (:func:`skin_modes` at :data:`SNARE_HEAD_HZ`), the wood's click
    on the metal rim and a breath of the snare wires (:data:`CROSS_STICK_MIX`). A drum
    machine's rim shot is two sines (~1.7 and ~3.6 kHz) under a click, the same every time;
    each ``take`` (:func:`take_nudges`) here lands the shaft a little elsewhere on the rim
    (the bar's pitch and ring), a little harder or softer."""
    head_level, head_s, click_level, click_s, wires_level = CROSS_STICK_MIX
    nudge = take_nudges(name, take=take)
    bar_hz, ring_mul = CROSS_STICK_BAR_HZ * (1.0 + 3.0 * nudge["pitch"]), 1.0 + nudge["ring"]
    dur_s = 0.25
    bar = modes(tuple((bar_hz * ratio, level * (-1.0) ** k, ring_s * ring_mul)
                      for k, (ratio, level, ring_s) in enumerate(CROSS_STICK_BAR_MODES)),
                sample_rate=sample_rate, dur_s=dur_s)
    head = skin_modes(fundamental_hz=SNARE_HEAD_HZ, decay_s=head_s * ring_mul, droop=0.02,
                      off_centre=float(np.clip(0.6 + nudge["place"], 0.0, 1.0)), dur_s=dur_s,
                      sample_rate=sample_rate)
    low_hz, high_hz = SNARE_WIRES_BAND_HZ
    return _mix((0.6, bar), (head_level, head),
                (click_level, noise(f"{name}/click", low_hz=2000.0, high_hz=9000.0,
                                    decay_s=click_s, sample_rate=sample_rate, dur_s=dur_s)),
                (wires_level, noise(f"{name}/wires", low_hz=low_hz, high_hz=high_hz,
                                    decay_s=0.03, attack_s=0.001, sample_rate=sample_rate,
                                    dur_s=dur_s))) * (0.8 * (1.0 + nudge["level"]))


#: A brush sweep's length: the wires dragged round the head for most of a half bar.
BRUSH_SWEEP_S = 0.8


def brush_sweep(name: str, *, sample_rate: int) -> np.ndarray:
    """The other hand's brush swept in a circle on the coated head: a long, soft, noisy
    "shhh" that swells and fades (a raised sine over :data:`BRUSH_SWEEP_S`), darker as
    the brush moves towards the centre and brighter out at the rim (two bands of the
    wires' noise whose swells are offset), with the snare wires buzzing under it."""
    t = _t(BRUSH_SWEEP_S, sample_rate)
    swell = np.sin(np.pi * t / BRUSH_SWEEP_S) ** 2
    outward = np.sin(np.pi * np.clip(t / BRUSH_SWEEP_S * 1.3, 0, 1)) ** 2
    inward = swell * (1.0 - 0.6 * outward)
    kw = dict(decay_s=1e3, sample_rate=sample_rate, dur_s=BRUSH_SWEEP_S)
    rim = noise(f"{name}/rim", low_hz=2500, high_hz=8000, **kw)
    centre = noise(f"{name}/centre", low_hz=500, high_hz=3000, **kw)
    return ((0.5 * rim * swell * outward + 0.6 * centre * inward) * 0.12).astype(np.float32)


#: The tats: a small, thick cymbal (mounted on the klezmer poyk, struck with a thin stick
#: or a beater's rod), as its inharmonic ringing modes ``(freq_hz, amp, decay_s)``: a bright
#: clang with a pitch you could hum, not a hi-hat's pitchless hiss.
TATS_MODES: tuple[tuple[float, float, float], ...] = (
    (2390.0, 1.0, 0.28), (3570.0, 0.8, 0.22), (5120.0, 0.6, 0.16), (6830.0, 0.4, 0.11))
#: The tats's wash: band-limited noise under the modes (3-11 kHz), shorter than they ring.
TATS_WASH_BAND_HZ = (3000.0, 11000.0)
TATS_RING_S = 1.2
#: The poyk: a big, loosely tuned bass drum (a marching drum) under its cymbal.
POYK_HZ = 52.0
POYK_DECAY_S = 0.26
POYK_BEATER_HZ = 1000.0
#: How loud the mounted cymbal is when the poyk's stroke catches it with the drum's (as a
#: share of the tats struck alone).
POYK_CYMBAL_LEVEL = 1.2


def tats(name: str, *, sample_rate: int) -> np.ndarray:
    """The klezmer drummer's *tats*: the small cymbal on the poyk, struck alone (the
    bulgar's answer between the drum's strokes, some 6 dB under the poyk). The stick's
    tick, the cymbal's ringing modes (:data:`TATS_MODES`) and a short wash of noise over
    them (:data:`TATS_WASH_BAND_HZ`)."""
    low_hz, high_hz = TATS_WASH_BAND_HZ
    return _mix((0.11, modes(TATS_MODES, sample_rate=sample_rate, dur_s=TATS_RING_S)),
                (0.11, noise(f"{name}/wash", low_hz=low_hz, high_hz=high_hz, decay_s=0.08,
                             attack_s=0.001, sample_rate=sample_rate, dur_s=TATS_RING_S)),
                (0.08, stick_attack(name, sample_rate=sample_rate, decay_s=0.002)))


def poyk(name: str, *, sample_rate: int) -> np.ndarray:
    """The klezmer *poyk*: a big bass drum (:func:`bass_drum` at :data:`POYK_HZ`, a felt
    beater) with the small cymbal mounted on it struck in the same stroke (:func:`tats`,
    at :data:`POYK_CYMBAL_LEVEL`): the low boom and the cymbal's clang as one hit, which is
    what carries the bulgar's 3-3-2."""
    drum = bass_drum(name, fundamental_hz=POYK_HZ, decay_s=POYK_DECAY_S,
                     beater_hz=POYK_BEATER_HZ, sample_rate=sample_rate)
    cymbal = tats(f"{name}/cymbal", sample_rate=sample_rate)
    return _mix((1.0, drum), (POYK_CYMBAL_LEVEL, cymbal))


def dunun(name: str, *, fundamental_hz: float, ring_s: float, sample_rate: int) -> np.ndarray:
    """A dunun: a cowhide head struck with a stick (the stick's crack on thick hide, the
    hide's modes settling a few %, a dull flap of the hide) in a cylindrical shell."""
    dur_s = ring_s * 7.0
    body = skin_modes(fundamental_hz=fundamental_hz, decay_s=ring_s, droop=0.05,
                      off_centre=0.2, dur_s=dur_s, sample_rate=sample_rate)
    return _mix((1.0, body),
                (0.2, noise(name, low_hz=100.0, high_hz=1500.0, decay_s=0.03,
                            attack_s=0.002, sample_rate=sample_rate, dur_s=dur_s)),
                (0.3, stick_attack(name, sample_rate=sample_rate)))


#: The djembe's goatskin, roped very tight on a carved goblet (Hz of its lowest head mode),
#: and the lead djembe's, tuned higher so its calls cut through the ensemble.
DJEMBE_HEAD_HZ = 330.0
DJEMBE_LEAD_HEAD_HZ = 400.0
#: The slap (see :func:`djembe_slap`): how far off-centre the fingers land (0..1), how long
#: the head's low modes ring (s), the crack of the fingertips on the skin (band Hz, decay s,
#: level). The crack is a few ms: a 30 ms band of noise is a drum machine's hat, not a hand.
DJEMBE_SLAP_OFF_CENTRE = 0.9
DJEMBE_SLAP_RING_S = 0.05
DJEMBE_SLAP_CRACK: tuple[tuple[float, float], float, float] = ((2000.0, 8000.0), 0.004, 0.5)
#: The head's upper modes that the fingertips excite and a tone's flat fingers damp (Bessel
#: zeros over the fundamental: (1,2), (4,1), (2,2), (0,3), (3,2), (6,1), (1,3), (4,2)),
#: (ratio, level, ring s): around 1-2 kHz on a djembe, dying within a few tens of ms. They
#: are what makes a slap high and bright where the tone rings a mid.
DJEMBE_SLAP_HIGH_MODES: tuple[tuple[float, float, float], ...] = (
    (2.92, 0.5, 0.03), (3.16, 0.45, 0.028), (3.50, 0.4, 0.025), (3.60, 0.3, 0.024),
    (4.06, 0.3, 0.022), (4.15, 0.25, 0.02), (4.23, 0.2, 0.02), (4.61, 0.15, 0.018))


def djembe_slap(name: str, *, head_hz: float, sample_rate: int) -> np.ndarray:
    """A djembe slap: the relaxed fingers whip the head near the rim and bounce off, so the
    head rings in its off-centre modes (:func:`skin_modes`) and, above all, its upper ones
    (:data:`DJEMBE_SLAP_HIGH_MODES`), briefly: a sharp, bright, high crack with a fast
    decay, above the tone's ringing mid and far above the bass's thump, the fingertips'
    crack on the skin at its front."""
    (low_hz, high_hz), crack_s, crack_level = DJEMBE_SLAP_CRACK
    dur_s = DJEMBE_SLAP_RING_S * 7.0
    head = skin_modes(fundamental_hz=head_hz, decay_s=DJEMBE_SLAP_RING_S, droop=0.02,
                      off_centre=DJEMBE_SLAP_OFF_CENTRE, dur_s=dur_s, sample_rate=sample_rate,
                      settle_s=0.004)
    upper = tuple((head_hz * ratio, level * (-1.0) ** k, ring_s)
                  for k, (ratio, level, ring_s) in enumerate(DJEMBE_SLAP_HIGH_MODES))
    return _mix((0.6, head), (1.0, modes(upper, sample_rate=sample_rate, dur_s=dur_s)),
                (crack_level, noise(name, low_hz=low_hz, high_hz=high_hz, decay_s=crack_s,
                                    sample_rate=sample_rate, dur_s=dur_s)))


#: The dunun's bell (*kenken*): a flat iron bell clamped on the drum, struck with an iron
#: rod by the same player, partials (Hz, level, ring s). Lower and drier than the
#: timeline's iron bell (~1.6 kHz): the player's rod stays near it and it clanks.
DUNUN_BELL_PARTIALS: tuple[tuple[float, float, float], ...] = (
    (870.0, 1.0, 0.09), (2270.0, 0.55, 0.05), (3610.0, 0.3, 0.03))


def dunun_bell(name: str, *, sample_rate: int) -> np.ndarray:
    """A dunun player's bell stroke: the flat iron bell's clank (:data:`DUNUN_BELL_PARTIALS`)
    and the rod's click on the iron."""
    return _mix((0.35, modes(DUNUN_BELL_PARTIALS, sample_rate=sample_rate, dur_s=0.5)),
                (0.15, noise(name, low_hz=3000.0, high_hz=9000.0, decay_s=0.002,
                             sample_rate=sample_rate)))


#: The dhol's two heads (a Punjabi barrel drum about 40 cm across, played with two sticks),
#: head → (fundamental Hz, ring s, pitch droop, off-centre 0..1, settle s). The bass head
#: is a slack goatskin struck near its centre with the thick bent *dagga*: a deep boom whose
#: pitch falls a good deal as the hard-hit skin relaxes (slowly, over tens of ms; a kit's
#: tight bass drum settles by a few % at once). The treble head is tight and small, struck
#: off-centre with the thin cane *tilli*: a high, short "tak" with little low body.
DHOL_HEADS: dict[str, tuple[float, float, float, float, float]] = {
    "dagga": (66.0, 0.3, 0.4, 0.1, 0.05), "tilli": (340.0, 0.06, 0.02, 0.4, 0.012)}
#: Each stick's own sound on its head, stick → (noise band Hz, decay s, level): the bent
#: dagga's wooden knock and the tilli cane's crack. A few ms each, and loud: in a street
#: the dhol is heard by its attacks (with the knock at a third of the boom, 4 % of the
#: dagga's first 10 ms were above 500 Hz, a soft sine thud). The dagga's knock stays in
#: the low mids: its broad bent end lands on a slack skin that gives, so the contact lasts
#: and dulls it.
DHOL_STICKS: dict[str, tuple[tuple[float, float], float, float]] = {
    "dagga": ((300.0, 2500.0), 0.005, 0.6), "tilli": ((2000.0, 9000.0), 0.004, 1.4)}
#: The slap of each head under its stick, head → (level, ring s): on the slack bass head,
#: the hide flapping against the bent stick (a band of noise, 150–1500 Hz); on the tight
#: treble head, its upper modes (:data:`MEMBRANE_UPPER_MODE_RATIOS`, 1–1.6 kHz over its
#: 340 Hz) that the thin cane excites and that die within tens of ms: the "crack".
DHOL_SLAP: dict[str, tuple[float, float]] = {"dagga": (0.5, 0.015), "tilli": (0.5, 0.02)}
DHOL_SLAP_BAND_HZ = (150.0, 1500.0)
#: The dhol's level against the other drum sounds (×): a baraat's dhol leads the dancing
#: and is as loud as the shehnai over it (at 1.0 the rhythm stem sat 2 LU under the
#: melody's in indian-wedding; at this level about level with it).
DHOL_LEVEL = 1.25
#: Upper modes of a circular membrane as ratios to its fundamental (Bessel zeros: (1,2),
#: (4,1), (2,2), (0,3), (3,2), (6,1), (1,3), (4,2)), with their relative levels: what a stick
#: or a fingertip near the rim sets ringing and a flat hand at the centre damps.
MEMBRANE_UPPER_MODE_RATIOS: tuple[tuple[float, float], ...] = (
    (2.92, 1.0), (3.16, 0.9), (3.50, 0.8), (3.60, 0.6), (4.06, 0.6), (4.15, 0.5),
    (4.23, 0.4), (4.61, 0.3))


def upper_modes(*, fundamental_hz: float, level: float, ring_s: float, dur_s: float,
                sample_rate: int) -> np.ndarray:
    """A skin's upper modes (:data:`MEMBRANE_UPPER_MODE_RATIOS` over ``fundamental_hz``),
    all ringing ``ring_s``, alternating in sign (so they do not pile into one spike)."""
    partials = tuple((fundamental_hz * ratio, level * share * (-1.0) ** k, ring_s)
                     for k, (ratio, share) in enumerate(MEMBRANE_UPPER_MODE_RATIOS))
    return modes(partials, sample_rate=sample_rate, dur_s=dur_s)


def dhol(name: str, *, head: str, sample_rate: int) -> np.ndarray:
    """A dhol stroke on one head (:data:`DHOL_HEADS`): the skin's inharmonic modes
    (:func:`skin_modes`), its slap under the stick (:data:`DHOL_SLAP`) and the stick's own
    knock or crack (:data:`DHOL_STICKS`). A *dha* is the two heads struck together: both
    lanes on one step.

    Dry: a baraat's dhol plays in the street, so it gets no hall (the taiko's early
    reflections, tried here, turned the tilli's eighths into a drum machine's flammed hat
    for the outside ear: 0.63 "techno" soloed, 0.09 without).
    """
    fundamental_hz, ring_s, droop, off_centre, settle_s = DHOL_HEADS[head]
    (low_hz, high_hz), stick_s, stick_level = DHOL_STICKS[head]
    slap_level, slap_s = DHOL_SLAP[head]
    dur_s = max(ring_s * 7.0, 0.3)
    body = skin_modes(fundamental_hz=fundamental_hz, decay_s=ring_s, droop=droop,
                      off_centre=off_centre, dur_s=dur_s, sample_rate=sample_rate,
                      settle_s=settle_s)
    stick = noise(f"{name}/stick", low_hz=low_hz, high_hz=high_hz, decay_s=stick_s,
                  attack_s=0.0005, sample_rate=sample_rate, dur_s=dur_s)
    if head == "dagga":
        slap_low_hz, slap_high_hz = DHOL_SLAP_BAND_HZ
        slap = noise(f"{name}/slap", low_hz=slap_low_hz, high_hz=slap_high_hz,
                     decay_s=slap_s, attack_s=0.001, sample_rate=sample_rate, dur_s=dur_s)
    else:
        slap = upper_modes(fundamental_hz=fundamental_hz, level=1.0, ring_s=slap_s,
                           dur_s=dur_s, sample_rate=sample_rate)
    return _mix((1.0, body), (slap_level, slap), (stick_level, stick)) * DHOL_LEVEL


#: The darbuka (Egyptian goblet drum): its head's lowest mode (Hz), how much its pitch
#: settles under a hard stroke, and the ring of the head's and the goblet's bright modes
#: near the rim, ``(Hz, level, ring s)``: what a tek or a ka sets ringing for a few tens of
#: ms. The head is tight (a synthetic skin on a metal goblet): it barely droops.
DARBUKA_HEAD_HZ = 95.0
DARBUKA_DROOP = 0.05
DARBUKA_RIM_MODES: tuple[tuple[float, float, float], ...] = (
    (1300.0, 1.0, 0.025), (2950.0, 0.6, 0.018), (4700.0, 0.4, 0.012))
#: The goblet's air: the closed body and its open neck are a Helmholtz resonator that the
#: centre stroke drives, (start Hz, end Hz, glide s, ring s). It is the doum's boom: a
#: nearly pure low tone whose pitch slides down as the skin the palm drove relaxes. (The
#: head's own modes alone, tried as the doum's body, made a kit's kick of it: soloed, the
#: maqsum read "beat" and lost its "indian", 0.34 -> 0.06.)
DARBUKA_AIR: tuple[float, float, float, float] = (130.0, 95.0, 0.05, 0.25)
#: The darbuka's three strokes, stroke → (off-centre 0..1, the air's level, the head's
#: modes' level, their ring s, the rim modes' level, their pitch ratio, the fingers' crack
#: level, the palm's thud level). The *doum*: the flat hand in the centre, the goblet's
#: boom with the head over it and the palm's thud at its front, no crack. The *tek*: the
#: ring finger of the strong hand snapped on the rim, sharp, high and very short, with only
#: a whisper of the head's low body. The *ka*: the same stroke by the other hand, softer
#: and a shade lower.
DARBUKA_STROKES: dict[str, tuple[float, float, float, float, float, float, float, float]] = {
    "doum": (0.0, 1.0, 0.1, 0.12, 0.0, 1.0, 0.0, 0.1),
    "tek": (0.9, 0.0, 0.12, 0.05, 0.8, 1.0, 0.6, 0.0),
    "ka": (0.9, 0.0, 0.08, 0.05, 0.5, 0.93, 0.4, 0.0)}
#: The fingers' crack on the rim (band Hz, decay s) and the palm's contact (band Hz, decay
#: s). The palm is soft: it stays on the skin for tens of ms and its sound is the skin's
#: low-mid rustle under it, not a thud (an 8 ms 80–1200 Hz thud, tried, is a kick's felt
#: beater: soloed, the maqsum read "beat" over "drums" and lost its "indian"). The crack
#: is a few ms (a 2 ms click, tried, let a beat tracker take the maqsum's teks, 3-3-2 in
#: the bar, for the beat: 108 BPM for 161 in arabian-nights at very_fast).
DARBUKA_CRACK: tuple[tuple[float, float], float] = ((2000.0, 9000.0), 0.005)
DARBUKA_PALM: tuple[tuple[float, float], float] = ((200.0, 1500.0), 0.02)


def darbuka(name: str, *, stroke: str, sample_rate: int, take: int = 0) -> np.ndarray:
    """A darbuka stroke (:data:`DARBUKA_STROKES`): the goblet's air (:data:`DARBUKA_AIR`),
    the head's inharmonic modes (:func:`skin_modes` over :data:`DARBUKA_HEAD_HZ`), the ring
    of its rim (:data:`DARBUKA_RIM_MODES`), the fingers' crack (:data:`DARBUKA_CRACK`) and
    the palm's thud (:data:`DARBUKA_PALM`). One drum, three places on it: the doum and the
    tek share the head (the tek's faint low body is the doum's), which is what makes the
    dum-tek of a maqsum one player and not a kick under a hi-hat. Each ``take``
    (:func:`take_nudges`) is the same stroke landing a little elsewhere and harder or
    softer: the palm driving the goblet's air a shade higher or lower, the finger on the
    rim at another point of it (its ring's pitch and length), its own crack and rustle."""
    off_centre, air, body, ring_s, rim, rim_ratio, crack, palm = DARBUKA_STROKES[stroke]
    start_hz, end_hz, glide_s, air_s = DARBUKA_AIR
    nudge = take_nudges(name, take=take)
    pitch, ring_mul = 1.0 + nudge["pitch"], 1.0 + nudge["ring"]
    off_centre = float(np.clip(off_centre + nudge["place"], 0.0, 1.0))
    dur_s = max(ring_s * 7.0, 0.3)  # the head's and the rim's ring; the air's is longer
    parts = [(body, skin_modes(fundamental_hz=DARBUKA_HEAD_HZ * pitch, decay_s=ring_s * ring_mul,
                               droop=DARBUKA_DROOP, off_centre=off_centre, dur_s=dur_s,
                               sample_rate=sample_rate))]
    if air:
        parts.append((air, membrane(f_start_hz=start_hz * pitch, f_end_hz=end_hz * pitch,
                                    sweep_s=glide_s, decay_s=air_s * ring_mul,
                                    sample_rate=sample_rate)))
    (crack_low_hz, crack_high_hz), crack_s = DARBUKA_CRACK
    (palm_low_hz, palm_high_hz), palm_s = DARBUKA_PALM
    if rim:  # a doum does not touch the rim, a tek or a ka not the head's centre
        rim_pitch = rim_ratio * (1.0 + 2.0 * nudge["pitch"])
        parts.append((rim, modes(tuple((hz * rim_pitch, level, ring_s * ring_mul)
                                       for hz, level, ring_s in DARBUKA_RIM_MODES),
                                 sample_rate=sample_rate, dur_s=dur_s)))
    if crack:
        parts.append((crack, noise(f"{name}/crack", low_hz=crack_low_hz,
                                   high_hz=crack_high_hz, decay_s=crack_s,
                                   sample_rate=sample_rate, dur_s=dur_s)))
    if palm:
        parts.append((palm, noise(f"{name}/palm", low_hz=palm_low_hz, high_hz=palm_high_hz,
                                  decay_s=palm_s, attack_s=0.001, sample_rate=sample_rate,
                                  dur_s=dur_s)))
    return _mix(*parts) * (1.0 + nudge["level"])


#: The three clappers of a flamenco *cuadro* (palm body Hz, delay s, level): each cups
#: their hands a little differently, so each clap has its own body (the air pocket
#: between the palms, ~1-2 kHz) under the same bright crack, and they land a few ms
#: apart, never in lockstep. Levels: the takes together as loud as the former clap.
PALMAS_CLAPPERS: tuple[tuple[float, float, float], ...] = (
    (1250.0, 0.0, 0.445), (1650.0, 0.006, 0.375), (1050.0, 0.013, 0.32))
#: The small room the claps sound in (its returns' decay s, their energy against the
#: clap's in dB, the gap before the first s): walls and a floor a couple of metres away
#: return the clap from a few ms on, duller, as a dense decaying scatter (a room diffuses:
#: a few clean delayed copies would comb-filter the clap like a drum machine's).
PALMAS_ROOM: tuple[float, float, float] = (0.018, -12.0, 0.004)


def palmas(take: int, *, sample_rate: int) -> np.ndarray:
    """One clap of the three clappers (:data:`PALMAS_CLAPPERS`), take ``take``.

    Each clapper's clap is its own noise (never a copy of another's: copies a few ms apart
    comb-filter into the drum machine's "clap", one noise burst retriggered), a bright
    crack (1-7 kHz, ~12 ms) over the palm's body (a narrow band around the clapper's own
    centre, a little longer); every take nudges each clapper's timing (±2.5 ms), level
    (±15 %) and body (±6 %), as hands do from clap to clap. Then a small room
    (:data:`PALMAS_ROOM`)."""
    rng = np.random.default_rng(zlib.crc32(f"palmas/{take}".encode()))
    claps = []
    for k, (body_hz, delay_s, level) in enumerate(PALMAS_CLAPPERS):
        hz = body_hz * (1.0 + 0.06 * rng.uniform(-1.0, 1.0))
        name = f"palmas/{take}/{k}"
        clap = _mix((0.6, noise(name, low_hz=1000, high_hz=7000, decay_s=0.012,
                                attack_s=0.0005, sample_rate=sample_rate, dur_s=0.12)),
                    (0.8, noise(name + "/body", low_hz=hz / 1.25, high_hz=hz * 1.25,
                                decay_s=0.02, attack_s=0.001, sample_rate=sample_rate,
                                dur_s=0.12)))
        at = max(delay_s + 0.0025 * rng.uniform(-1.0, 1.0), 0.0)
        claps.append((at, level * (1.0 + 0.15 * rng.uniform(-1.0, 1.0)), clap))
    n = max(int(at * sample_rate) + len(c) for at, _, c in claps)
    dry = np.zeros(n, dtype=np.float32)
    for at, gain, clap in claps:
        d = int(at * sample_rate)
        dry[d: d + len(clap)] += np.float32(gain) * clap
    decay_s, level_db, gap_s = PALMAS_ROOM
    room = noise(f"palmas/{take}/room", low_hz=300, high_hz=3000, decay_s=decay_s,
                 sample_rate=sample_rate)
    room[: int(gap_s * sample_rate)] = 0.0
    wet = np.convolve(dry, room)
    gain = 10.0 ** (level_db / 20.0) * np.sqrt(np.sum(np.square(dry, dtype=np.float64))
                                               / np.sum(np.square(wet, dtype=np.float64)))
    return _mix((1.0, dry), (float(gain), wet.astype(np.float32)))


DrumFn = Callable[[int], np.ndarray]

#: Drum sound name → recipe(sample_rate). What each is meant to be is in its name.
DRUM_SOUNDS: dict[str, DrumFn] = {
    "kick": lambda sr: _mix((1.0, membrane(f_start_hz=150, f_end_hz=52, sweep_s=0.03,
                                           decay_s=0.16, sample_rate=sr)),
                            (0.15, noise("kick", low_hz=1500, high_hz=6000, decay_s=0.006,
                                         sample_rate=sr))),
    "kick_soft": lambda sr: membrane(f_start_hz=110, f_end_hz=55, sweep_s=0.04, decay_s=0.14,
                                     sample_rate=sr) * 0.8,
    # felt-beater bass drums: a dance band's kit (bossa, waltz, oom-pah) and a march's
    # big drum, lower and longer
    "bass_drum": lambda sr: bass_drum("bass_drum", fundamental_hz=58.0, decay_s=0.16,
                                      beater_hz=1200.0, sample_rate=sr),
    "bass_drum_big": lambda sr: bass_drum("bass_drum_big", fundamental_hz=46.0, decay_s=0.3,
                                          beater_hz=900.0, sample_rate=sr),
    "kick_808": lambda sr: membrane(f_start_hz=170, f_end_hz=46, sweep_s=0.025, decay_s=0.4,
                                    sample_rate=sr),
    "snare": lambda sr: snare_stick("snare", sample_rate=sr),
    "clap": lambda sr: _mix(*[(0.5, np.concatenate([np.zeros(int(k * 0.011 * sr), np.float32),
                                                    noise(f"clap{k}", low_hz=900, high_hz=5000,
                                                          decay_s=0.012 if k < 3 else 0.09,
                                                          sample_rate=sr)]))
                              for k in range(4)]),
    "hat": lambda sr: noise("hat", low_hz=7000, high_hz=16000, decay_s=0.025, sample_rate=sr) * 0.5,
    "hat_open": lambda sr: noise("hat_open", low_hz=6000, high_hz=16000, decay_s=0.2,
                                 sample_rate=sr) * 0.4,
    "cymbal": lambda sr: _mix((0.35, noise("cymbal", low_hz=4000, high_hz=15000, decay_s=0.9,
                                           sample_rate=sr)),
                              (0.1, modes(((3150, 1, 0.8), (4430, 0.8, 0.7), (5920, 0.6, 0.6)),
                                          sample_rate=sr, dur_s=3.0))),
    "shaker": lambda sr: noise("shaker", low_hz=5000, high_hz=12000, decay_s=0.04,
                               attack_s=0.015, sample_rate=sr) * 0.35,
    "rim": lambda sr: _mix((0.6, modes(((1750, 1, 0.02), (3600, 0.4, 0.012)), sample_rate=sr,
                                       dur_s=0.15)),
                           (0.2, noise("rim", low_hz=2000, high_hz=8000, decay_s=0.004,
                                       sample_rate=sr))),
    "brush_tap": lambda sr: noise("brush_tap", low_hz=2500, high_hz=9000, decay_s=0.05,
                                  attack_s=0.004, sample_rate=sr) * 0.35,
    "brush_swish": lambda sr: noise("brush_swish", low_hz=2000, high_hz=8000, decay_s=0.12,
                                    attack_s=0.09, sample_rate=sr, dur_s=0.8) * 0.16,
    "heart": lambda sr: membrane(f_start_hz=70, f_end_hz=40, sweep_s=0.05, decay_s=0.09,
                                 sample_rate=sr),
    "chip_kick": lambda sr: np.sign(membrane(f_start_hz=400, f_end_hz=60, sweep_s=0.02,
                                             decay_s=0.5, sample_rate=sr, dur_s=0.1))
    * np.exp(-_t(0.1, sr) / 0.04).astype(np.float32) * 0.5,
    # the console's noise channel: 1-bit LFSR noise, volume stepped once per frame
    "chip_snare": lambda sr: chip_noise_drum(clock_hz=8900.0, decay_frames=3.5,
                                             dur_s=0.15, sample_rate=sr) * 0.2,
    "chip_hat": lambda sr: chip_noise_drum(clock_hz=28000.0, decay_frames=1.2,
                                           dur_s=0.07, sample_rate=sr) * 0.12,
    # darbuka: doum (the centre's low boom), tek (the strong hand's rim crack), ka (the
    # other hand's)
    "doum": lambda sr: darbuka("doum", stroke="doum", sample_rate=sr),
    "tek": lambda sr: darbuka("tek", stroke="tek", sample_rate=sr),
    "ka": lambda sr: darbuka("ka", stroke="ka", sample_rate=sr),
    # frame drums: the bendir's low open tone with its gut snare buzzing against the skin,
    # and the riq's ring of brass zils (bright, inharmonic, short)
    "bendir": lambda sr: _mix((0.9, membrane(f_start_hz=95, f_end_hz=72, sweep_s=0.04,
                                             decay_s=0.22, sample_rate=sr)),
                              (0.35, noise("bendir", low_hz=300, high_hz=2500, decay_s=0.11,
                                           attack_s=0.004, sample_rate=sr))),
    "riq": lambda sr: _mix((0.25, modes(((3400, 1, 0.12), (5150, 0.8, 0.1), (7300, 0.6, 0.08),
                                         (9100, 0.4, 0.06)), sample_rate=sr, dur_s=0.35)),
                           (0.2, noise("riq", low_hz=5000, high_hz=13000, decay_s=0.05,
                                       attack_s=0.002, sample_rate=sr))),
    # tabla: bayan "ge" with the heel-of-hand upward bend; dayan "na" and "tin" ring harmonically
    "bayan_ge": lambda sr: membrane(f_start_hz=75, f_end_hz=125, sweep_s=0.18, decay_s=0.35,
                                    sample_rate=sr),
    "tabla_na": lambda sr: _mix((0.5, modes(((520, 1, 0.25), (1040, 0.5, 0.15), (1560, 0.35, 0.1),
                                             (2080, 0.2, 0.06)), sample_rate=sr, dur_s=1.2)),
                                (0.3, noise("tabla_na", low_hz=2000, high_hz=8000,
                                            decay_s=0.006, sample_rate=sr))),
    "tabla_tin": lambda sr: modes(((520, 0.6, 0.5), (1040, 0.25, 0.3), (1560, 0.1, 0.2)),
                                  sample_rate=sr, dur_s=2.0) * 0.4,
    # dhol: the bass head under the bent dagga stick, the treble head under the tilli cane
    "dhol_dagga": lambda sr: dhol("dhol_dagga", head="dagga", sample_rate=sr),
    "dhol_tilli": lambda sr: dhol("dhol_tilli", head="tilli", sample_rate=sr),
    # taiko: the odaiko's deep call, the nagado-daiko ensemble striking in unison (three
    # players a few ms apart), the shime's tight high crack, the kane (hand gong)'s clang
    # and "ka" strikes on the wooden rim
    "odaiko": lambda sr: _taiko("odaiko", f_start_hz=75, f_end_hz=46, decay_s=0.45,
                                dur_s=1.5, sample_rate=sr) * 1.1,
    "taiko_don": lambda sr: ensemble(_taiko("taiko_don", f_start_hz=118, f_end_hz=72,
                                            decay_s=0.3, dur_s=1.0, sample_rate=sr),
                                     sample_rate=sr,
                                     players=((0.0, 1.0), (0.004, 0.75), (0.009, 0.6))),
    "shime": lambda sr: _mix((0.6, membrane(f_start_hz=760, f_end_hz=610, sweep_s=0.008,
                                            decay_s=0.045, sample_rate=sr, dur_s=0.3)),
                             (0.5, stick_attack("shime", sample_rate=sr, decay_s=0.006))),
    "kane": lambda sr: _mix((0.3, modes(((2150, 1, 0.22), (3520, 0.75, 0.16), (5260, 0.5, 0.11),
                                         (6980, 0.3, 0.07)), sample_rate=sr, dur_s=0.7)),
                            (0.25, noise("kane", low_hz=3000, high_hz=10000, decay_s=0.01,
                                         sample_rate=sr))),
    "taiko_ka": lambda sr: _mix((0.5, modes(((900, 1, 0.04), (2300, 0.5, 0.02)),
                                            sample_rate=sr, dur_s=0.25)),
                                (0.3, stick_attack("taiko_ka", sample_rate=sr, decay_s=0.003))),
    # flamenco: palmas claras (three clappers, each their own clap: see palmas(); the
    # takes are added below the table) and the cajón's box: its bass (the centre of the
    # front plate, a low boom) and its slap (the plate's edge with the snare wires behind)
    "cajon": lambda sr: _mix((0.9, membrane(f_start_hz=105, f_end_hz=80, sweep_s=0.03,
                                            decay_s=0.13, sample_rate=sr)),
                             (0.15, noise("cajon", low_hz=150, high_hz=1200, decay_s=0.03,
                                          sample_rate=sr))),
    "cajon_slap": lambda sr: _mix((0.35, modes(((420, 1, 0.04), (980, 0.5, 0.03)),
                                               sample_rate=sr, dur_s=0.3)),
                                  (0.45, noise("cajon_slap", low_hz=1200, high_hz=7000,
                                               decay_s=0.05, sample_rate=sr))),
    # tango: a golpe, the hand striking a double bass's body (a low wooden knock, no skin)
    "golpe": lambda sr: _mix((0.8, modes(((98, 1, 0.09), (205, 0.6, 0.05), (430, 0.3, 0.03)),
                                         sample_rate=sr, dur_s=0.5)),
                             (0.25, noise("golpe", low_hz=600, high_hz=4000, decay_s=0.012,
                                          sample_rate=sr))),
    # gamelan's colotomic gongs: the gong ageng (huge, deep, its two modes a few tenths of
    # a Hz apart so it throbs, "ombak"), the hanging kempul and the kettle-gong kenong
    # (higher, bright, clear pitch), and the kendang's open "dhah" stroke
    "gong_ageng": lambda sr: _mix((0.7, modes(((42.0, 1, 6.0), (42.6, 0.8, 6.0), (84.5, 0.35, 3.5),
                                               (126.0, 0.2, 2.5), (171.0, 0.15, 1.8),
                                               (232.0, 0.08, 1.0)), sample_rate=sr, dur_s=9.0)),
                                  (0.08, noise("gong_ageng", low_hz=80, high_hz=1200,
                                               decay_s=0.8, attack_s=0.05, sample_rate=sr))),
    "kempul": lambda sr: modes(((146.0, 1, 2.5), (147.3, 0.7, 2.5), (293.0, 0.3, 1.4),
                                (401.0, 0.15, 0.8), (587.0, 0.08, 0.4)), sample_rate=sr,
                               dur_s=4.0) * 0.45,
    "kenong": lambda sr: _mix((0.4, modes(((587.0, 1, 1.6), (589.5, 0.6, 1.6), (1180.0, 0.2, 0.6),
                                           (1630.0, 0.1, 0.3)), sample_rate=sr, dur_s=3.0)),
                              (0.08, noise("kenong", low_hz=1500, high_hz=6000, decay_s=0.004,
                                           sample_rate=sr))),
    "kendang": lambda sr: _mix((0.8, membrane(f_start_hz=210, f_end_hz=150, sweep_s=0.03,
                                              decay_s=0.12, sample_rate=sr)),
                               (0.25, noise("kendang", low_hz=400, high_hz=3500, decay_s=0.02,
                                            sample_rate=sr))),
    # the kendang's "tak": the fingers slap the small head and stay on it, so it cracks dry
    # and high (most of it above 1 kHz) with hardly any ring, against the open "dhah"
    "kendang_tak": lambda sr: _mix((0.35, modes(((520.0, 1, 0.018), (1240.0, 0.6, 0.01)),
                                                sample_rate=sr, dur_s=0.15)),
                                   (0.5, noise("kendang_tak", low_hz=1200, high_hz=6000,
                                               decay_s=0.006, sample_rate=sr))),
    # West African ensemble: the iron bell (gankogui/kenkeni bell: a clang at ~1.6 kHz),
    # the djembe's three strokes (bass in the middle of the head, open tone at the edge,
    # the cracking slap), and the stick-played dunun family, big to small
    "iron_bell": lambda sr: _mix((0.35, modes(((1620, 1, 0.18), (2590, 0.5, 0.1),
                                               (4180, 0.3, 0.05)), sample_rate=sr, dur_s=0.8)),
                                 (0.2, noise("iron_bell", low_hz=3000, high_hz=9000,
                                             decay_s=0.004, sample_rate=sr))),
    "djembe_bass": lambda sr: _mix((1.0, membrane(f_start_hz=95, f_end_hz=70, sweep_s=0.03,
                                                  decay_s=0.16, sample_rate=sr)),
                                   (0.15, noise("djembe_bass", low_hz=150, high_hz=1200,
                                                decay_s=0.02, sample_rate=sr))),
    "djembe_tone": lambda sr: _mix((0.7, membrane(f_start_hz=380, f_end_hz=330, sweep_s=0.01,
                                                  decay_s=0.09, sample_rate=sr)),
                                   (0.3, modes(((660, 1, 0.06), (1010, 0.5, 0.04)),
                                               sample_rate=sr, dur_s=0.4)),
                                   (0.2, noise("djembe_tone", low_hz=800, high_hz=4000,
                                               decay_s=0.01, sample_rate=sr))),
    "djembe_slap": lambda sr: djembe_slap("djembe_slap", head_hz=DJEMBE_HEAD_HZ, sample_rate=sr),
    # the lead djembe, tuned higher and played harder than the accompanying ones: its call
    "djembe_call": lambda sr: djembe_slap("djembe_call", head_hz=DJEMBE_LEAD_HEAD_HZ,
                                          sample_rate=sr),
    "dundun": lambda sr: dunun("dundun", fundamental_hz=60.0, ring_s=0.3, sample_rate=sr),
    "sangban": lambda sr: dunun("sangban", fundamental_hz=105.0, ring_s=0.22,
                                sample_rate=sr) * 0.9,
    "kenkeni": lambda sr: dunun("kenkeni", fundamental_hz=180.0, ring_s=0.14,
                                sample_rate=sr) * 0.8,
    "dunun_bell": lambda sr: dunun_bell("dunun_bell", sample_rate=sr),
    # a frame drum: a big goatskin on a shallow frame struck with the flat hand, the same
    # skin as the bodhrán's (see :func:`bodhran`); no style plays it since the djembe
    # ensemble's dunun bells took over its four beats (a Mande ensemble has no frame drum)
    "frame_drum": lambda sr: bodhran("frame_drum", stroke="hand", sample_rate=sr),
    # a jazz drummer's brushes on the snare (bossa): taps and the circling sweep
    "snare_brush": lambda sr: snare_brush("snare_brush", sample_rate=sr),
    "brush_sweep": lambda sr: brush_sweep("brush_sweep", sample_rate=sr),
    # the klezmer drummer's poyk (big drum and its cymbal struck together) and the cymbal
    # alone, the tats (see :func:`poyk`, :func:`tats`)
    "poyk": lambda sr: poyk("poyk", sample_rate=sr),
    "tats": lambda sr: tats("tats", sample_rate=sr),
    # the bodhrán of an Irish session (see :func:`bodhran`)
    "bodhran": lambda sr: bodhran("bodhran", stroke="down", sample_rate=sr),
    "bodhran_up": lambda sr: bodhran("bodhran_up", stroke="up", sample_rate=sr),
    "bodhran_pressed": lambda sr: bodhran("bodhran_pressed", stroke="down", hand="pressed",
                                          sample_rate=sr),
    "bodhran_up_pressed": lambda sr: bodhran("bodhran_up_pressed", stroke="up",
                                             hand="pressed", sample_rate=sr),
    # accents
    "gong": lambda sr: _mix((0.5, modes(((65, 1, 5.0), (131, 0.6, 4.0), (177, 0.5, 3.5),
                                         (211, 0.4, 3.0), (297, 0.3, 2.2), (415, 0.25, 1.5),
                                         (580, 0.15, 1.0)), sample_rate=sr, dur_s=9.0)),
                            (0.1, noise("gong", low_hz=200, high_hz=3000, decay_s=1.5,
                                        attack_s=0.2, sample_rate=sr))),
    "sleigh": lambda sr: _mix((0.25, noise("sleigh", low_hz=5000, high_hz=14000, decay_s=0.08,
                                           attack_s=0.01, sample_rate=sr)),
                              (0.08, modes(((5100, 1, 0.1), (6300, 0.8, 0.08), (7700, 0.7, 0.07)),
                                           sample_rate=sr, dur_s=0.5))),
    "wood_block": lambda sr: modes(((820, 1, 0.06), (2210, 0.35, 0.03)), sample_rate=sr,
                                   dur_s=0.35) * 0.6,
}
DRUM_SOUNDS.update({name: functools.partial(lambda sr, take: palmas(take, sample_rate=sr),
                                            take=k)
                    for k, name in enumerate(PALMAS_TAKES)})

#: The hand drums' strokes that come in takes (``patterns.DRUM_TAKES``): stroke → its
#: recipe(name, take, sample_rate), take 0 the one in :data:`DRUM_SOUNDS`.
TAKE_RECIPES: dict[str, Callable[[str, int, int], np.ndarray]] = {
    **{sound: functools.partial(lambda name, take, sr, stroke, hand: bodhran(
        name, stroke=stroke, hand=hand, take=take, sample_rate=sr), stroke=stroke, hand=hand)
       for sound, stroke, hand in (("bodhran", "down", "open"), ("bodhran_up", "up", "open"),
                                   ("bodhran_pressed", "down", "pressed"),
                                   ("bodhran_up_pressed", "up", "pressed"))},
    **{stroke: functools.partial(lambda name, take, sr, stroke: darbuka(
        name, stroke=stroke, take=take, sample_rate=sr), stroke=stroke)
       for stroke in DARBUKA_STROKES},
    "cross_stick": lambda name, take, sr: cross_stick(name, take=take, sample_rate=sr),
    "jazz_bass_drum": lambda name, take, sr: jazz_bass_drum(name, take=take, sample_rate=sr),
}
DRUM_SOUNDS.update({drum_name(sound, take=take): functools.partial(
    lambda sr, recipe, name, take: recipe(name, take, sr), recipe=TAKE_RECIPES[sound],
    name=drum_name(sound, take=take), take=take)
    for sound, n_takes in DRUM_TAKES.items() for take in range(n_takes)})


def drum_sound(name: str, *, sample_rate: int, cutoff_scale: float) -> np.ndarray:
    """A finished drum sound: recipe, brightness low-pass, 1 ms fade-in and a tail to zero.

    ``cutoff_scale`` is the document brightness; it shapes drums with a gentle low-pass so
    the whole mix (not only the pitched voices) gets darker or brighter.
    """
    x = DRUM_SOUNDS[name](sample_rate).astype(np.float64)
    cutoff_hz = min(9000.0 * cutoff_scale, 0.45 * sample_rate)
    sos = butter_sos(1, cutoff_hz, sample_rate=sample_rate)
    x = sosfilt(sos, x)
    n_in, n_out = max(int(0.001 * sample_rate), 1), max(int(0.01 * sample_rate), 2)
    x[:n_in] *= np.linspace(0.0, 1.0, n_in)
    x[-n_out:] *= np.linspace(1.0, 0.0, n_out)
    return x.astype(np.float32)
