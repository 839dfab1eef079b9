"""Level conversions between decibels and linear amplitude."""

from __future__ import annotations

import math


def db_to_amplitude(gain_db: float) -> float:
    """Amplitude ratio of a gain in dB (``10 ** (gain_db / 20)``)."""
    return float(10.0 ** (gain_db / 20.0))


def amplitude_to_db(amplitude: float) -> float:
    """dB of an amplitude ratio; ``-inf`` for silence."""
    return float(20.0 * math.log10(amplitude)) if amplitude > 0 else -math.inf
