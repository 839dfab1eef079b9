"""moodc — the mood-music compiler.

Turns a vibe (a YAML config, a text prompt or a day's activity log) into a deterministic,
mastered audio file, offline, on a laptop CPU.
"""

__version__ = "0.1.0"
