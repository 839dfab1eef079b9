"""A bit generator's raw 64-bit words, numpy's ``random_raw`` made faster for PCG64.

Pass 2 dithers every block from ``random_raw`` words (one per two samples). numpy makes
them one at a time through a function pointer, each PCG64 state waiting on the 128-bit
multiply of the one before; :func:`moodc.dsp.compiled.pcg64_raw` makes the same words with
four states carried side by side (exact integer arithmetic: the same words and the same
state after). Any other bit generator keeps numpy's own ``random_raw``.
"""

from __future__ import annotations

import numpy as np

from moodc.dsp import compiled

#: the low 64 bits of a Python int
_LOW_64 = (1 << 64) - 1


def raw_words(bits: np.random.BitGenerator, *, count: int) -> np.ndarray:
    """``bits.random_raw(count)``: the same uint64 words, and ``bits`` left in the same state.

    Parameters
    ----------
    bits : np.random.BitGenerator
        Advanced by ``count`` words. A PCG64's words come from the compiled kernel (its
        buffered half word, which ``random_raw`` neither uses nor clears, is kept); any
        other generator's from numpy.
    count : int
        How many words (>= 0).

    Returns
    -------
    np.ndarray [shape=(count,)], uint64
    """
    if type(bits) is not np.random.PCG64:
        return bits.random_raw(count)
    state = bits.state
    pcg = state["state"]
    words = np.array([pcg["state"] >> 64, pcg["state"] & _LOW_64,
                      pcg["inc"] >> 64, pcg["inc"] & _LOW_64], dtype=np.uint64)
    out = np.empty(count, dtype=np.uint64)
    compiled.pcg64_raw(words, out)
    pcg["state"] = (int(words[0]) << 64) | int(words[1])
    bits.state = state
    return out
