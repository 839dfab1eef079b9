"""The live master: a level change is met at the target as it happens, peaks limited."""

from __future__ import annotations

import numpy as np

from moodc.dsp.loudness_stream import HopPowers, short_term_lufs_series
from moodc.dsp.peak import true_peak_dbtp
from moodc.live.master import LiveMaster

SR = 44100


def test_a_15_db_rise_over_two_seconds_stays_near_the_target_and_under_the_ceiling() -> None:
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((SR * 20, 2))
    level_db = np.clip((np.arange(SR * 20) / SR - 9.0) / 2.0, 0.0, 1.0) * 15.0 - 40.0
    audio = (noise * 10 ** (level_db / 20)[:, None]).astype(np.float32)
    master = LiveMaster(sample_rate=SR, target_lufs=-14.0)
    block = 2 * master.hop_n
    out = np.concatenate([master.process(audio[i:i + block])
                          for i in range(0, len(audio) - block + 1, block)])
    assert len(out) > len(audio) - 2 * SR
    short_term = short_term_lufs_series(HopPowers(sample_rate=SR).add(out))
    assert np.all(np.abs(short_term + 14.0) <= 1.5), (short_term.min(), short_term.max())
    assert true_peak_dbtp(out) <= -1.0
