"""Text prompt → V2 config with a small local language model (SmolLM2-135M on MLX).

The entry points are :func:`moodc.gen.pipeline.generate` and
:func:`moodc.gen.pipeline.generate_many`. This package file stays empty on purpose: every
module of :mod:`moodc.gen` imports its siblings directly and nothing imports this package
back, so the package has no import cycle (``import moodc.gen.fields`` loads nothing else).

Layout, bottom up: ``results`` (what engines take and return), ``artifact`` (the shipped
model folder), ``fields``/``prompt``/``prior`` (the decoded fields and text format),
``blas``/``convert``/``model``/``decode``/``runtime`` (the model and its constrained
decoder), ``head`` (the tuned head), ``engines`` (the one engine table), ``validate`` and
``pipeline`` (prompt → validated config); ``train``, ``evaluate`` and ``bench`` serve the
``moodc train``, ``moodc eval`` and ``moodc bench`` commands.
"""
