"""The renderer's shortcuts give the samples the plain computation gives."""

from __future__ import annotations

import numpy as np
import pytest

from moodc.synth.notecache import NoteCache
from moodc.synth.notes import note_length, note_slice, render_note

SR = 22050


@pytest.mark.parametrize("instrument", ["strings", "choir", "electric_piano", "pluck", "ney"])
def test_a_long_note_read_in_blocks_equals_the_whole_note(instrument: str) -> None:
    """Block-wise reads of a long note (flat sustain as a scalar, loop, release) add up to
    exactly the note rendered in one piece, with or without a cache."""
    n_gate = 9 * SR
    whole = render_note(instrument, midi=57.0, n_gate=n_gate, sample_rate=SR,
                        cutoff_scale=1.0)
    n_total = note_length(instrument, n_gate=n_gate, sample_rate=SR)
    cache = NoteCache()
    cuts = [0, 1000, SR, 3 * SR + 17, 7 * SR, n_gate - 5, n_gate + 100, n_total]
    parts = [note_slice(instrument, midi=57.0, n_gate=n_gate, start=a, stop=b,
                        sample_rate=SR, cutoff_scale=1.0, cache=cache)
             for a, b in zip(cuts[:-1], cuts[1:])]
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert whole[-1] == 0.0
