"""The numpy definitions moodc's compiled kernels are held to, bit for bit.

Renders no longer call these: the tone synthesiser reads its wavetables and mastering
quantises with compiled passes (``moodc/dsp/_kernels.c``). They stay here as the reference
the kernels' tests compare against (and as the executable definition of the tones' integer
phase and of the dither stream every render was made with).
"""

from __future__ import annotations

import numpy as np

from moodc.audio_io import SUBTYPES, BitDepth
from moodc.synth.oscillators import CONTROL_N, PHASE_BITS, TABLE_BITS, phase_controls


def read_table(table: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Read ``table`` at integer phase ``phase`` (uint32, 2**32 = one cycle), nearest sample."""
    # an explicit intp index and take(): 3x faster than fancy indexing with uint32
    return np.take(table, (phase >> np.uint32(PHASE_BITS - TABLE_BITS)).astype(np.intp))


def phase_block(base: np.ndarray, inc: np.ndarray, *, start: int, stop: int) -> np.ndarray:
    """Samples ``[start, stop)`` of the phase planned by ``phase_controls`` (uint32).

    ``start`` must be a multiple of ``CONTROL_N``; integer arithmetic, so any split into
    blocks gives the whole track's integers.
    """
    first, last = start // CONTROL_N, -(-stop // CONTROL_N)
    ramp = np.arange(CONTROL_N, dtype=np.uint32)
    rows = base[first:last, None] + inc[first:last, None] * ramp[None, :]
    return rows.reshape(-1)[: stop - start]


def phase_track(freq_hz: float, *, n_samples: int, sample_rate: int, vibrato_hz: float = 0.0,
                vibrato_cents: float = 0.0, vibrato_delay_s: float = 0.0,
                glide_st: float = 0.0, glide_s: float = 0.06,
                offset_cycles: float = 0.0) -> np.ndarray:
    """Integer phase (uint32, 2**32 per cycle) of a tone with vibrato and an initial glide.

    A numerically-controlled oscillator: the per-sample increment is accumulated in uint32
    arithmetic, which wraps exactly, so phase never loses precision however long the note.
    Pitch modulation is evaluated every ``CONTROL_N`` samples (the phase stays continuous).
    The glide starts ``glide_st`` semitones away and reaches the pitch after ``glide_s``;
    vibrato fades in after ``vibrato_delay_s``. Prefix-consistent: the first k samples do
    not depend on ``n_samples``.
    """
    base, inc = phase_controls(freq_hz, n_samples=n_samples, sample_rate=sample_rate,
                               vibrato_hz=vibrato_hz, vibrato_cents=vibrato_cents,
                               vibrato_delay_s=vibrato_delay_s, glide_st=glide_st,
                               glide_s=glide_s, offset_cycles=offset_cycles)
    return phase_block(base, inc, start=0, stop=n_samples)


def tpdf_dither(n_samples: int, n_channels: int, *, rng: np.random.Generator) -> np.ndarray:
    """Triangular (TPDF) dither in LSB, range (-1, 1), shape ``(n_samples, n_channels)``.

    One 32-bit draw per sample: the difference of its two 16-bit halves is the sum of two
    independent uniforms, i.e. triangular, at a third of the cost of two float draws. The
    32-bit draws are the bit generator's raw 64-bit words split low half first: the numbers
    ``rng.integers(0, 2**32, dtype=np.uint32)`` returns for an even count (what a stereo
    block always asks for), at 2.5x its speed. An odd count discards the last word's high
    half.
    """
    count = n_samples * n_channels
    words = rng.bit_generator.random_raw(-(-count // 2))
    # explicit little-endian views: low 32 bits first, and in each the low 16 bits first
    halves = words.astype("<u8", copy=False).view("<u2").reshape(-1, 2)[:count]
    dither = halves[:, 0].astype(np.float32)
    dither -= halves[:, 1]
    dither *= np.float32(1.0 / 65536.0)
    return dither.reshape(n_samples, n_channels)


def quantise_numpy(audio: np.ndarray, *, bit_depth: BitDepth, rng: np.random.Generator,
                   gain: float = 1.0) -> np.ndarray:
    """``moodc.audio_io.quantise`` in numpy: the definition its compiled pass is tested
    against."""
    _, dtype, shift = SUBTYPES[bit_depth]
    full_scale = float(2 ** (bit_depth - 1))
    scaled = np.multiply(audio, np.float32(full_scale * gain), dtype=np.float32)
    scaled += tpdf_dither(audio.shape[0], audio.shape[1], rng=rng)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -full_scale, full_scale - 1.0, out=scaled)
    pcm = scaled.astype(dtype)
    if shift:
        pcm <<= shift
    return pcm
