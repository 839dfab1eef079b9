"""Synthesized percussion: every drum sound of every rhythm style, built from three parts.

A *membrane* (a sine whose pitch falls or bends, decaying), *noise* (band-passed, decaying)
and *modes* (inharmonic ringing partials for metal and wood). Each sound is a fixed recipe:
its noise comes from a fixed sequence, so a drum sound is identical every time it plays and
is computed once per render (cached by the caller).
"""

from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

from moodc.dsp.design import butter_sos
from moodc.dsp.sosfilt import sosfilt
from moodc.synth.oscillators import MAX_HARMONIC_FRACTION


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


DrumFn = Callable[[int], np.ndarray]

#: Drum sound name → recipe(sample_rate). What each is meant to be is in its name.
DRUM_SOUNDS: dict[str, DrumFn] = {
    "kick": lambda sr: _mix((1.0, membrane(f_start_hz=150, f_end_hz=52, sweep_s=0.03,
                                           decay_s=0.16, sample_rate=sr)),
                            (0.15, noise("kick", low_hz=1500, high_hz=6000, decay_s=0.006,
                                         sample_rate=sr))),
    "kick_soft": lambda sr: membrane(f_start_hz=110, f_end_hz=55, sweep_s=0.04, decay_s=0.14,
                                     sample_rate=sr) * 0.8,
    "kick_808": lambda sr: membrane(f_start_hz=170, f_end_hz=46, sweep_s=0.025, decay_s=0.4,
                                    sample_rate=sr),
    "snare": lambda sr: _mix((0.5, membrane(f_start_hz=260, f_end_hz=185, sweep_s=0.02,
                                            decay_s=0.07, sample_rate=sr)),
                             (0.6, noise("snare", low_hz=1200, high_hz=9000, decay_s=0.11,
                                         sample_rate=sr))),
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
    "chip_snare": lambda sr: (np.sign(noise("chip_snare", low_hz=100, high_hz=18000,
                                            decay_s=0.5, sample_rate=sr, dur_s=0.14))
                              * np.exp(-_t(0.14, sr) / 0.05)).astype(np.float32) * 0.3,
    "chip_hat": lambda sr: (np.sign(noise("chip_hat", low_hz=6000, high_hz=18000,
                                          decay_s=0.5, sample_rate=sr, dur_s=0.04))
                            * np.exp(-_t(0.04, sr) / 0.012)).astype(np.float32) * 0.2,
    # darbuka: doum (low centre stroke), tek (rim crack), ka (off-hand rim)
    "doum": lambda sr: _mix((1.0, membrane(f_start_hz=130, f_end_hz=95, sweep_s=0.05,
                                           decay_s=0.25, sample_rate=sr)),
                            (0.1, noise("doum", low_hz=200, high_hz=1500, decay_s=0.02,
                                        sample_rate=sr))),
    "tek": lambda sr: _mix((0.5, modes(((1300, 1, 0.05), (2950, 0.6, 0.03), (4700, 0.3, 0.02)),
                                       sample_rate=sr, dur_s=0.3)),
                           (0.4, noise("tek", low_hz=2000, high_hz=10000, decay_s=0.015,
                                       sample_rate=sr))),
    "ka": lambda sr: _mix((0.3, modes(((1500, 1, 0.03), (3300, 0.5, 0.02)), sample_rate=sr,
                                      dur_s=0.2)),
                          (0.25, noise("ka", low_hz=2500, high_hz=9000, decay_s=0.01,
                                       sample_rate=sr))),
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
    # dhol: dagga (bass side, big boom) and tilli (thin stick on the treble side)
    "dhol_dagga": lambda sr: _mix((1.0, membrane(f_start_hz=120, f_end_hz=70, sweep_s=0.06,
                                                 decay_s=0.3, sample_rate=sr)),
                                  (0.2, noise("dagga", low_hz=100, high_hz=1200,
                                              decay_s=0.04, sample_rate=sr))),
    "dhol_tilli": lambda sr: _mix((0.4, membrane(f_start_hz=420, f_end_hz=380, sweep_s=0.02,
                                                 decay_s=0.06, sample_rate=sr)),
                                  (0.4, noise("tilli", low_hz=1500, high_hz=7000,
                                              decay_s=0.02, sample_rate=sr))),
    # taiko: a huge low drum with a long bloom, and "ka" strikes on the wooden rim
    "taiko_don": lambda sr: _mix((1.2, membrane(f_start_hz=90, f_end_hz=55, sweep_s=0.12,
                                                decay_s=0.7, sample_rate=sr)),
                                 (0.3, noise("taiko", low_hz=60, high_hz=600, decay_s=0.25,
                                             attack_s=0.01, sample_rate=sr))),
    "taiko_ka": lambda sr: modes(((900, 1, 0.04), (2300, 0.5, 0.02)), sample_rate=sr,
                                 dur_s=0.25) * 0.5,
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
