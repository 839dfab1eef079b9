"""The DSP floor: signal primitives shared by the synth and by mastering.

One job per module, all pure functions of arrays (plus the streaming loudness meter):

- :mod:`~moodc.dsp.units` — dB ↔ amplitude.
- :mod:`~moodc.dsp.design` — filter design as second-order sections (Butterworth, DC blockers).
- :mod:`~moodc.dsp.sosfilt` — running SOS filters, stateless and stateful.
- :mod:`~moodc.dsp.loudness` — BS.1770 K-weighting, gating and integrated loudness.
- :mod:`~moodc.dsp.peak` — the 4x-oversampled true-peak estimate.
- :mod:`~moodc.dsp.fades` — click-free fade curves.
- :mod:`~moodc.dsp.mixing` — small matrix mixes exact per sample whatever the block length.

Nothing here knows about documents, layers or instruments, so both :mod:`moodc.synth` and
the mastering passes build on it without importing each other.
"""
