"""Real-time adaptive playback: ``moodc live``.

Layout (each module imports only those above it):

- :mod:`~moodc.live.phase_tracker` — the activity phase of a sliding window, with hysteresis;
- :mod:`~moodc.live.moods` — mood sources: activity (captured or replayed), a fixed config;
- :mod:`~moodc.live.voices` — synth streams placed on an open-ended timeline, and their mix;
- :mod:`~moodc.live.conductor` — phrases, morphs on bar lines, scores: which voices sound;
- :mod:`~moodc.live.master` — streaming loudness normaliser and true-peak limiter;
- :mod:`~moodc.live.producer` — the engine (mix + master) and its thread with a bounded queue;
- :mod:`~moodc.live.sinks` — sound card (sounddevice, imported on demand), WAV on stdout,
  file, nothing;
- :mod:`~moodc.live.view` — the rich view;
- :mod:`~moodc.live.session` — the wiring and the play loop.

Importing this package imports nothing else.
"""
