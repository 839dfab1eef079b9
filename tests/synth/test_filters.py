"""Rendering never imports scipy (scipy.signal alone costs about a second of a whole
``moodc render``; scipy itself ~15 ms, and moodc's own kernels do its filtering)."""

from __future__ import annotations

from tests.helpers import fresh_python


def test_rendering_does_not_import_scipy() -> None:
    code = ("import sys\n"
            "from moodc.synth import render_config\n"
            "render_config({'layers': {'texture': 'rain', 'rhythm': 'brush'},"
            " 'instruments': {'lead': 'pluck', 'pad': 'flute'}},"
            " duration_s=0.5, sample_rate=22050, seed=1)\n"
            "print(any(name.split('.')[0] == 'scipy' for name in sys.modules))\n")
    assert fresh_python(code) == "False"
