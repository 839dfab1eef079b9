"""ITU-R BS.1770-4 loudness: K-weighting, 100 ms powers, gated integrated loudness.

Measuring only (as in pyloudnorm): nothing here changes a signal's level. The streaming
:class:`LoudnessMeter` folds blocks into per-100 ms powers so a long render never holds its
whole signal; :func:`integrated_loudness_lufs` gates those powers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from moodc.dsp.sosfilt import sosfilt_stateful

#: ITU-R BS.1770-4 gating: 400 ms blocks with 75 % overlap, i.e. a 100 ms hop; the
#: absolute gate is -70 LKFS and the relative gate 10 LU below the absolutely-gated mean.
SUBBLOCK_S: Final[float] = 0.1
SUBBLOCKS_PER_BLOCK: Final[int] = 4
ABSOLUTE_GATE_LUFS: Final[float] = -70.0
RELATIVE_GATE_LU: Final[float] = -10.0
#: BS.1770 eq. 2: loudness = -0.691 + 10 log10(sum of channel-weighted mean squares).
LOUDNESS_OFFSET_DB: Final[float] = -0.691


def k_weighting_sos(*, sample_rate: int) -> np.ndarray:
    """BS.1770 K-weighting (head shelf + RLB high-pass) as second-order sections, any rate.

    The analogue prototypes (shelf 1681.97 Hz, +4 dB, Q 0.7072; high-pass 38.14 Hz, Q 0.5003)
    are those that reproduce the standard's 48 kHz coefficients exactly (the design used by
    libebur128), bilinear-transformed to ``sample_rate``.

    Returns
    -------
    np.ndarray [shape=(2, 6)]
    """
    k = math.tan(math.pi * 1681.974450955533 / sample_rate)
    q = 0.7071752369554196
    vh = 10.0 ** (3.999843853973347 / 20.0)
    vb = vh ** 0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf = [(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0,
             (vh - vb * k / q + k * k) / a0, 1.0, 2.0 * (k * k - 1.0) / a0,
             (1.0 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / sample_rate)
    q = 0.5003270373238773
    a0 = 1.0 + k / q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0]
    return np.array([shelf, highpass], dtype=np.float64)



@dataclass
class LoudnessMeter:
    """Streaming BS.1770 meter: feed blocks, get per-100 ms K-weighted channel powers.

    Memory is one float per channel per 100 ms (about 100 kB for an hour of stereo), so the
    integrated loudness of any length is measured without holding the signal.
    """

    sample_rate: int
    n_channels: int = 2
    _sos: np.ndarray = field(init=False, repr=False)
    _zi: np.ndarray = field(init=False, repr=False)
    _carry_sum: np.ndarray = field(init=False, repr=False)
    _carry_n: int = field(init=False, repr=False)
    _powers: list[np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sos = k_weighting_sos(sample_rate=self.sample_rate)
        self._zi = np.zeros((self._sos.shape[0], self.n_channels, 2))  # sosfilt's axis=-1 layout
        self._carry_sum = np.zeros(self.n_channels)
        self._carry_n = 0
        self._powers = []

    @property
    def subblock_n(self) -> int:
        """Samples per 100 ms hop."""
        return int(round(SUBBLOCK_S * self.sample_rate))

    def add(self, block: np.ndarray) -> None:
        """K-weight ``block`` (shape ``(n, n_channels)``) and fold it into 100 ms powers."""
        self.add_channels(np.asarray(block).T)

    def add_channels(self, channels: np.ndarray) -> None:
        """Like :meth:`add` for channel-major audio, shape ``(n_channels, n)`` (no transpose)."""
        dtype = np.float32 if channels.dtype == np.float32 else np.float64
        weighted, zi = sosfilt_stateful(self._sos.astype(dtype), channels, axis=-1,
                                        zi=self._zi.astype(dtype))
        self.add_weighted(weighted, state=zi)

    def weighting(self, *, dtype: type) -> tuple[np.ndarray, np.ndarray]:
        """``(sos, zi)``: the K-weighting sections and the filter's state now, in ``dtype``
        and in scipy's ``zi`` layout (sections, channels, 2), for a caller that filters the
        next block itself (pass 1's fused kernel) and hands it to :meth:`add_weighted`."""
        return self._sos.astype(dtype), self._zi.astype(dtype)

    def add_weighted(self, weighted: np.ndarray, *, state: np.ndarray) -> None:
        """Fold an already K-weighted channel-major block (``(n_channels, n)``, filtered from
        :meth:`weighting`'s state) into the 100 ms powers; ``state`` is the filter's state
        after it (scipy's ``zi`` layout)."""
        self._zi = np.asarray(state).astype(np.float64)
        hop, n = self.subblock_n, weighted.shape[1]
        need = hop - self._carry_n  # samples that complete the pending hop
        if n < need:
            self._carry_sum += np.einsum("cn,cn->c", weighted, weighted, dtype=np.float64)
            self._carry_n += n
            return
        head = weighted[:, :need]
        first = self._carry_sum + np.einsum("cn,cn->c", head, head, dtype=np.float64)
        n_full = (n - need) // hop
        body = weighted[:, need:need + n_full * hop].reshape(self.n_channels, n_full, hop)
        sums = np.einsum("chn,chn->hc", body, body, dtype=np.float64)
        self._powers.append(np.vstack([first[None, :], sums]) / hop)
        tail = weighted[:, need + n_full * hop:]
        self._carry_sum = np.einsum("cn,cn->c", tail, tail, dtype=np.float64)
        self._carry_n = tail.shape[1]

    def subblock_powers(self) -> np.ndarray:
        """Mean-square K-weighted power per complete 100 ms hop, shape ``(n_hops, n_channels)``."""
        if not self._powers:
            return np.zeros((0, self.n_channels))
        return np.concatenate(self._powers)


def gating_block_powers(subblock_powers: np.ndarray) -> np.ndarray:
    """Channel-summed mean-square power of each 400 ms gating block (BS.1770 eq. 1 and 4).

    Block ``j`` spans hops ``j .. j+3``; only complete blocks count.
    """
    summed = np.asarray(subblock_powers, dtype=np.float64).sum(axis=1)
    n_blocks = summed.shape[0] - SUBBLOCKS_PER_BLOCK + 1
    if n_blocks <= 0:
        return np.zeros(0)
    window = np.ones(SUBBLOCKS_PER_BLOCK) / SUBBLOCKS_PER_BLOCK
    return np.convolve(summed, window, mode="valid")


def integrated_loudness_lufs(subblock_powers: np.ndarray) -> float:
    """Gated integrated loudness (BS.1770-4 eq. 5-7) from per-100 ms channel powers.

    Returns ``-inf`` for silence or a signal shorter than one 400 ms block.
    """
    powers = gating_block_powers(subblock_powers)
    with np.errstate(divide="ignore"):
        block_lufs = LOUDNESS_OFFSET_DB + 10.0 * np.log10(powers)
    above_abs = powers[block_lufs >= ABSOLUTE_GATE_LUFS]
    if above_abs.size == 0:
        return -math.inf
    relative_gate = LOUDNESS_OFFSET_DB + 10.0 * math.log10(above_abs.mean()) + RELATIVE_GATE_LU
    gated = powers[(block_lufs >= ABSOLUTE_GATE_LUFS) & (block_lufs > relative_gate)]
    if gated.size == 0:
        return -math.inf
    return LOUDNESS_OFFSET_DB + 10.0 * math.log10(gated.mean())


def measure_loudness_lufs(audio: np.ndarray, *, sample_rate: int) -> float:
    """Integrated loudness of a whole ``(n, channels)`` array (convenience for tests/tools)."""
    audio = np.asarray(audio, dtype=np.float64)
    if audio.ndim == 1:
        audio = audio[:, None]
    meter = LoudnessMeter(sample_rate, audio.shape[1])
    meter.add(audio)
    return integrated_loudness_lufs(meter.subblock_powers())
